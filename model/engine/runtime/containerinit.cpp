#include "containerinit.h"

#include "containeruser.h"

#include <QFile>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <linux/openat2.h>
#include <net/if.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <vector>

namespace strata {

namespace {

    int errorFd = -1;

    [[noreturn]] void die(int status, const QByteArray &message)
    {
        const QByteArray line = QByteArray::number(status) + ' ' + message;
        (void)!write(errorFd, line.constData(), size_t(line.size()));
        _exit(status);
    }

    [[noreturn]] void dieErrno(const QByteArray &what)
    {
        die(InitSetupFailed, what + ": " + std::strerror(errno));
    }

    void syncWith(int fd, char expect)
    {
        char c = 0;
        ssize_t n;
        do
            n = read(fd, &c, 1);
        while (n < 0 && errno == EINTR);
        if (n != 1 || c != expect)
            die(InitSetupFailed, "the monitor did not set up the user namespace");
    }

    int openInRoot(int rootFd, const QByteArray &path, int flags)
    {
        open_how how {};
        how.flags = quint64(flags | O_CLOEXEC);
        how.resolve = RESOLVE_IN_ROOT;
        return int(syscall(SYS_openat2, rootFd, path.constData(), &how, sizeof how));
    }

    // Creates `path` (and missing parents) inside the root; symbolic links on the way resolve
    // within the root, so an image cannot point a mount at the host. Returns an O_PATH fd.
    int makeInRoot(int rootFd, const QByteArray &path, bool asFile)
    {
        const QList<QByteArray> parts = path.split('/');
        QByteArray prefix;
        int fd = -1;
        for (qsizetype i = 0; i < parts.size(); ++i) {
            if (parts[i].isEmpty())
                continue;
            const QByteArray parent = prefix.isEmpty() ? QByteArray("/") : prefix;
            prefix += '/' + parts[i];
            if (fd >= 0)
                close(fd);
            fd = openInRoot(rootFd, prefix, O_PATH);
            if (fd >= 0)
                continue;
            if (errno != ENOENT)
                return -1; // ENOTDIR for /etc/passwd/x: never fall back to the root itself
            const bool last = i == parts.size() - 1;
            const int parentFd = openInRoot(rootFd, parent, O_PATH | O_DIRECTORY);
            if (parentFd < 0)
                return -1;
            int rc;
            if (last && asFile) {
                rc = openat(parentFd, parts[i].constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
                if (rc >= 0)
                    close(rc);
            } else {
                rc = mkdirat(parentFd, parts[i].constData(), 0755);
            }
            close(parentFd);
            if (rc < 0 && errno != EEXIST)
                return -1;
            fd = openInRoot(rootFd, prefix, O_PATH);
            if (fd < 0)
                return -1;
        }
        // Only a path of no components ("/") gets here without a descriptor.
        return fd >= 0 ? fd : openInRoot(rootFd, "/", O_PATH);
    }

    QByteArray fdPath(int fd)
    {
        return "/proc/self/fd/" + QByteArray::number(fd);
    }

    void mountAt(int rootFd, const QByteArray &target, const char *source, const char *type, unsigned long flags, const char *data)
    {
        const int fd = makeInRoot(rootFd, target, false);
        if (fd < 0)
            dieErrno("cannot create the mount point " + target);
        if (mount(source, fdPath(fd).constData(), type, flags, data) != 0)
            dieErrno("cannot mount " + QByteArray(type ? type : "bind") + " on " + target);
        close(fd);
    }

    // Bind-mounts `source` on `target` inside the root, read-only on request. A read-only
    // remount must repeat the flags the kernel locked on the source (nosuid, nodev, noexec).
    void bindAt(int rootFd, const InitPlan::Bind &b, bool mustSucceed)
    {
        const int fd = makeInRoot(rootFd, b.destination, b.isFile);
        if (fd < 0) {
            if (!mustSucceed)
                return;
            dieErrno("cannot create the mount point " + b.destination);
        }
        const QByteArray at = fdPath(fd);
        if (mount(b.source.constData(), at.constData(), nullptr, MS_BIND | MS_REC, nullptr) != 0) {
            if (mustSucceed)
                dieErrno("cannot bind-mount " + b.source + " on " + b.destination);
            close(fd);
            return;
        }
        close(fd);
        if (b.readOnly) {
            // The descriptor above names the directory under the new mount: open the mount itself.
            const int mounted = openInRoot(rootFd, b.destination, O_PATH);
            if (mounted < 0)
                dieErrno("cannot open the mount on " + b.destination);
            const QByteArray on = fdPath(mounted);
            struct statvfs sv {};
            unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY;
            if (statvfs(on.constData(), &sv) == 0)
                flags |= sv.f_flag & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME);
            if (mount(nullptr, on.constData(), nullptr, flags, nullptr) != 0)
                dieErrno("cannot make " + b.destination + " read-only");
            close(mounted);
        }
    }

    void makeDevices(int rootFd)
    {
        mountAt(rootFd, "/dev", "tmpfs", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k");
        for (const char *dev : { "null", "zero", "full", "random", "urandom", "tty" }) {
            InitPlan::Bind b { QByteArray("/dev/") + dev, QByteArray("/dev/") + dev, false, true };
            bindAt(rootFd, b, false); // a host without /dev/tty (no terminal) still runs containers
        }
        mountAt(rootFd, "/dev/pts", "devpts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620");
        mountAt(rootFd, "/dev/shm", "shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=65536k");
        const int devFd = openInRoot(rootFd, "/dev", O_PATH | O_DIRECTORY);
        if (devFd < 0)
            dieErrno("cannot open /dev");
        const int dev = open(fdPath(devFd).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        close(devFd);
        if (dev < 0)
            dieErrno("cannot open /dev");
        const std::pair<const char *, const char *> links[] = { { "/proc/self/fd", "fd" }, { "/proc/self/fd/0", "stdin" },
            { "/proc/self/fd/1", "stdout" }, { "/proc/self/fd/2", "stderr" }, { "pts/ptmx", "ptmx" } };
        for (const auto &[target, name] : links)
            (void)symlinkat(target, dev, name);
        close(dev);
    }

    void bringUpLoopback()
    {
        const int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (s < 0)
            return;
        ifreq ifr {};
        std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
        if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
            ifr.ifr_flags = short(ifr.ifr_flags | IFF_UP | IFF_RUNNING);
            (void)ioctl(s, SIOCSIFFLAGS, &ifr);
        }
        close(s);
    }

    // Hides the parts of /proc and /sys that reach the host kernel, as Docker's default masked
    // and read-only paths do: files under /dev/null, directories under an empty read-only
    // tmpfs, and the tunables read-only. A path this kernel lacks is fine; one that exists and
    // cannot be covered stops the start (a root container's root is the host's uid 0).
    void maskKernelPaths()
    {
        for (const char *path : { "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
                 "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware" }) {
            struct stat st;
            if (lstat(path, &st) != 0)
                continue;
            const bool ok = S_ISDIR(st.st_mode) ? mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0") == 0
                                                : mount("/dev/null", path, nullptr, MS_BIND, nullptr) == 0;
            if (!ok)
                dieErrno(QByteArray("cannot mask ") + path);
        }
        for (const char *path : { "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger" }) {
            struct stat st;
            if (lstat(path, &st) != 0)
                continue;
            if (mount(path, path, nullptr, MS_BIND | MS_REC, nullptr) != 0
                || mount(nullptr, path, nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
                dieErrno(QByteArray("cannot make ") + path + " read-only");
        }
    }

    void makeWorkingDir(const QByteArray &dir)
    {
        QByteArray prefix;
        for (const QByteArray &part : dir.split('/')) {
            if (part.isEmpty())
                continue;
            prefix += '/' + part;
            if (mkdir(prefix.constData(), 0755) != 0 && errno != EEXIST)
                dieErrno("cannot create the working directory " + dir);
        }
    }

} // namespace

QByteArray writeIdMaps(const QByteArray &process, bool rootless, uid_t uid, gid_t gid)
{
    auto write = [&](const char *file, const QByteArray &content) -> QByteArray {
        const QByteArray path = "/proc/" + process + '/' + file;
        const int fd = open(path.constData(), O_WRONLY | O_CLOEXEC);
        const bool ok = fd >= 0 && ::write(fd, content.constData(), size_t(content.size())) == content.size();
        const int err = errno;
        if (fd >= 0)
            close(fd);
        return ok ? QByteArray() : "cannot write " + path + ": " + std::strerror(err);
    };
    QByteArray error;
    if (!rootless) {
        error = write("uid_map", "0 0 4294967295\n");
        return error.isEmpty() ? write("gid_map", "0 0 4294967295\n") : error;
    }
    error = write("uid_map", "0 " + QByteArray::number(uid) + " 1\n");
    if (error.isEmpty())
        error = write("setgroups", "deny");
    return error.isEmpty() ? write("gid_map", "0 " + QByteArray::number(gid) + " 1\n") : error;
}

QByteArray mountRootFilesystem(const InitPlan &plan)
{
    auto failure = [](const QByteArray &what) -> QByteArray { return what + ": " + std::strerror(errno); };
    if (!plan.overlay) {
        if (mount(plan.upperDir.constData(), plan.rootfs.constData(), nullptr, MS_BIND | MS_REC, nullptr) != 0)
            return failure("cannot bind-mount the root filesystem");
        return {};
    }
    // The lower directories are short names relative to lowerBase: the options of 125 layers
    // by full path would not fit in the one page the kernel takes.
    if (chdir(plan.lowerBase.constData()) != 0)
        return failure("cannot enter " + plan.lowerBase);
    QByteArray options = "lowerdir=";
    for (qsizetype i = 0; i < plan.lowerDirs.size(); ++i)
        options += (i ? ":" : "") + plan.lowerDirs[i];
    options += ",upperdir=" + plan.upperDir + ",workdir=" + plan.workDir;
    if (plan.rootless)
        options += ",userxattr";
    if (options.size() + 9 >= 4096)
        return "the overlay mount options exceed one page (" + QByteArray::number(options.size()) + " bytes)";
    // Unmounting an overlay syncs its whole upper filesystem (10-15 ms after a RUN that wrote a
    // few MB), which a throwaway upper does not need. A kernel without `volatile` (before 5.10)
    // refuses the option: mounted without it then.
    if (plan.volatileUpper) {
        const QByteArray withVolatile = options + ",volatile";
        if (mount("overlay", plan.rootfs.constData(), "overlay", 0, withVolatile.constData()) == 0)
            return {};
    }
    if (mount("overlay", plan.rootfs.constData(), "overlay", 0, options.constData()) != 0)
        return failure("cannot mount the overlay root filesystem (" + QByteArray::number(plan.lowerDirs.size()) + " lower layers)");
    return {};
}

void runContainerInit(const InitPlan &plan, int syncFd, int errFd)
{
    errorFd = errFd;
    // The container dies with its monitor: nobody else would record its end. (Should the
    // monitor die before this line, the sync with it below fails and the setup stops.)
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    signal(SIGPIPE, SIG_DFL);

    if (plan.rootless) {
        (void)!write(syncFd, "u", 1);
        syncWith(syncFd, InitSyncMapsWritten);
        if (setresgid(0, 0, 0) != 0 || setresuid(0, 0, 0) != 0)
            dieErrno("cannot become root in the user namespace");
    }
    // Until exec, this process runs the monitor's binary: keep /proc/<pid>/exe out of reach.
    // (Not earlier: an unprivileged monitor can only write the id maps of a dumpable child.)
    prctl(PR_SET_DUMPABLE, 0);
    setsid();
    if (sethostname(plan.process.hostname.constData(), size_t(plan.process.hostname.size())) != 0)
        dieErrno("cannot set the hostname");
    if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
        dieErrno("cannot make the mounts private");

    // The root filesystem.
    if (const QByteArray error = mountRootFilesystem(plan); !error.isEmpty())
        die(InitSetupFailed, error);
    const int rootFd = open(plan.rootfs.constData(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootFd < 0)
        dieErrno("cannot open the root filesystem");

    mountAt(rootFd, "/proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
    makeDevices(rootFd);
    {
        const int sysFd = makeInRoot(rootFd, "/sys", false);
        if (sysFd < 0)
            dieErrno("cannot create /sys");
        const QByteArray at = fdPath(sysFd);
        // sysfs needs a network namespace of our own; with the host's network, a read-only copy.
        if (mount("sysfs", at.constData(), "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) {
            InitPlan::Bind sys { "/sys", "/sys", true, false };
            bindAt(rootFd, sys, true);
        }
        close(sysFd);
    }
    for (const InitPlan::Bind &b : plan.binds)
        bindAt(rootFd, b, true);
    close(rootFd);

    if (chdir(plan.rootfs.constData()) != 0)
        dieErrno("cannot enter the root filesystem");
    if (syscall(SYS_pivot_root, ".", ".") != 0)
        dieErrno("pivot_root failed");
    if (umount2(".", MNT_DETACH) != 0)
        dieErrno("cannot detach the host's root");
    if (chdir("/") != 0)
        dieErrno("cannot enter /");
    maskKernelPaths();
    if (plan.ownNetwork)
        bringUpLoopback();

    if (!plan.rootless) {
        // Root's container: the mounts above needed the host's privileges; from here on its
        // root is root only in a user namespace of its own (identity-mapped by the monitor).
        if (unshare(CLONE_NEWUSER) != 0)
            dieErrno("cannot create the user namespace");
        (void)!write(syncFd, "u", 1);
        syncWith(syncFd, InitSyncMapsWritten);
        if (setresgid(0, 0, 0) != 0 || setresuid(0, 0, 0) != 0)
            dieErrno("cannot become root in the user namespace");
    }
    // -t: the terminal comes from the container's own devpts; the monitor gets its master side.
    int terminal = -1;
    if (plan.tty && (terminal = openTerminalFor(syncFd)) < 0)
        dieErrno("cannot allocate a pseudo-terminal");
    close(syncFd);

    if (terminal >= 0) {
        if (dup2(terminal, 0) < 0 || dup2(terminal, 1) < 0 || dup2(terminal, 2) < 0 || ioctl(0, TIOCSCTTY, 0) != 0)
            dieErrno("cannot set up the terminal");
    } else if (dup2(plan.stdinFd, 0) < 0 || dup2(plan.stdoutFd, 1) < 0 || dup2(plan.stderrFd, 2) < 0) {
        dieErrno("cannot set up the standard streams");
    }
    execInContainer(plan.process, errFd);
}

void execInContainer(const ProcessSpec &spec, int errFd)
{
    errorFd = errFd;
    const auto found = ContainerUser::resolve(spec.user);
    if (!found)
        die(InitSetupFailed, found.error().toUtf8());
    const ContainerUser &id = found.value();
    // The working directory is made while still root, as Docker does for a WORKDIR.
    makeWorkingDir(spec.workingDir);
    if (!spec.rootless && setgroups(id.groups.size(), id.groups.data()) != 0)
        dieErrno("cannot set the supplementary groups");
    if (setresgid(id.gid, id.gid, id.gid) != 0)
        dieErrno("cannot switch to group " + QByteArray::number(id.gid) + (spec.rootless ? " (a rootless container maps only root)" : ""));
    if (setresuid(id.uid, id.uid, id.uid) != 0)
        dieErrno("cannot switch to user " + QByteArray::number(id.uid) + (spec.rootless ? " (a rootless container maps only root)" : ""));
    // A change of uid clears the parent-death signal: set it again, so the program still dies
    // with its monitor (or exec helper) when it runs as another user.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    // What the program inherits from us: default signal handling, nothing blocked, umask 022.
    for (int sig = 1; sig < NSIG; ++sig) {
        if (sig != SIGKILL && sig != SIGSTOP)
            signal(sig, SIG_DFL);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    umask(022);

    clearenv();
    bool hasHome = false;
    for (const QByteArray &e : spec.env) {
        const qsizetype eq = e.indexOf('=');
        if (eq <= 0)
            continue;
        hasHome = hasHome || e.startsWith("HOME=");
        setenv(e.left(eq).constData(), e.constData() + eq + 1, 1);
    }
    setenv("HOSTNAME", spec.hostname.constData(), 1);
    if (!hasHome)
        setenv("HOME", id.home.constData(), 1);

    if (chdir(spec.workingDir.constData()) != 0)
        dieErrno("cannot enter the working directory " + spec.workingDir);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        dieErrno("cannot set no_new_privs");
    // Nothing of the monitor's (or the exec caller's) survives into the container but the
    // standard streams; the close-on-exec error pipe goes at exec.
    if (errFd > 3)
        syscall(SYS_close_range, 3u, unsigned(errFd - 1), 0u);
    syscall(SYS_close_range, unsigned(errFd + 1), ~0u, 0u);

    QList<QByteArray> argStore = spec.args;
    std::vector<char *> argv;
    for (QByteArray &a : argStore)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    execvp(argv[0], argv.data());
    const int err = errno;
    if (err == ENOENT)
        die(InitNotFound, "exec: \"" + spec.args.first() + "\": executable file not found in $PATH");
    die(InitCannotExecute, "exec: \"" + spec.args.first() + "\": " + std::strerror(err));
}

} // namespace strata
