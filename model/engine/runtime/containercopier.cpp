#include "containercopier.h"

#include "containerinit.h"
#include "containerruntime.h"
#include "containerstore.h"
#include "rootfsplan.h"
#include "fsutil.h"
#include "store.h"
#include "treecopier.h"

#include <QFile>
#include <QFileInfo>
#include <QDir>
#include <QScopeGuard>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

namespace strata {

namespace {

    struct Split {
        QByteArray dir; // "" for "."
        QByteArray name;
        bool contentsOnly = false; // "src/."
    };

    Split split(QByteArray path)
    {
        Split s;
        if (path.endsWith("/.")) {
            s.contentsOnly = true;
            path.chop(2);
        }
        while (path.size() > 1 && path.endsWith('/'))
            path.chop(1);
        const qsizetype slash = path.lastIndexOf('/');
        s.dir = slash < 0 ? QByteArray(".") : slash == 0 ? QByteArray("/") : path.left(slash);
        s.name = path.mid(slash + 1);
        if (s.name.isEmpty() || s.name == "/") { // the root itself
            s.dir = "/";
            s.name = ".";
        }
        return s;
    }

    [[noreturn]] void failWith(int fd, const QByteArray &message)
    {
        (void)!write(fd, message.constData(), size_t(message.size()));
        _exit(1);
    }

    int openDir(const QByteArray &path)
    {
        return open(path.constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    }

    // Where a copy goes: into an existing directory, or as `name` in the directory `dirFd`.
    struct Dest {
        int dirFd = -1;
        QByteArray name; // empty: into dirFd itself
        QByteArray label; // for messages
    };

    // Resolves a destination path by Docker's rules, in the current root; sets `error` when
    // it cannot be used.
    Dest resolveDest(const QByteArray &path, QByteArray *error)
    {
        struct stat st;
        Dest d;
        d.label = path;
        if (stat(path.constData(), &st) == 0 && S_ISDIR(st.st_mode)) {
            d.dirFd = openDir(path);
        } else {
            if (path.endsWith('/')) {
                *error = path + ": no such directory";
                return d;
            }
            const Split parts = split(path);
            d.dirFd = openDir(parts.dir);
            d.name = parts.name;
        }
        if (d.dirFd < 0)
            *error = path + ": " + std::strerror(errno);
        return d;
    }

    void copyTo(int srcDir, const Split &src, const Dest &dest, int errorFd)
    {
        struct stat st;
        if (fstatat(srcDir, src.name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0)
            failWith(errorFd, (src.dir.endsWith('/') ? src.dir : src.dir + '/') + src.name + ": " + std::strerror(errno));
        TreeCopier copier(false); // as Docker: copies belong to whoever copies
        auto copyContents = [&](int into) {
            const int from = openat(srcDir, src.name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (from < 0 || into < 0)
                failWith(errorFd, dest.label + ": " + std::strerror(errno));
            copier.setRoot(into);
            if (Status s = copier.copyDir(from, into, {}); !s)
                failWith(errorFd, s.error().toUtf8());
        };
        const bool contents = S_ISDIR(st.st_mode) && (src.contentsOnly || src.name == ".");
        if (contents && dest.name.isEmpty())
            return copyContents(dest.dirFd);
        if (contents) {
            if (mkdirat(dest.dirFd, dest.name.constData(), st.st_mode & 07777) != 0 && errno != EEXIST)
                failWith(errorFd, dest.label + ": " + std::strerror(errno));
            return copyContents(openat(dest.dirFd, dest.name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        }
        const QByteArray target = dest.name.isEmpty() ? src.name : dest.name;
        struct stat existing;
        if (fstatat(dest.dirFd, target.constData(), &existing, AT_SYMLINK_NOFOLLOW) == 0) {
            if (S_ISDIR(existing.st_mode) && S_ISDIR(st.st_mode)) // merge into the directory there
                return copyContents(openat(dest.dirFd, target.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (S_ISDIR(existing.st_mode) != S_ISDIR(st.st_mode))
                failWith(errorFd, dest.label + ": cannot overwrite " + (S_ISDIR(existing.st_mode) ? "a directory with a non-directory" : "a non-directory with a directory"));
            unlinkat(dest.dirFd, target.constData(), 0);
        }
        copier.setRoot(dest.dirFd);
        if (Status s = copier.copyEntry(srcDir, src.name, dest.dirFd, target, target); !s)
            failWith(errorFd, s.error().toUtf8());
    }

    // Enters the container's filesystem: its namespaces when it runs, else a private mount of
    // its root filesystem (in a user namespace of our own when rootless).
    void enter(const ContainerState &state, const InitPlan &plan, bool rootless, int errorFd)
    {
        if (state.running()) {
            // Not dumpable inside the container: it must not reach this binary (/proc/<pid>/exe).
            prctl(PR_SET_DUMPABLE, 0);
            const int pidFd = int(syscall(SYS_pidfd_open, pid_t(state.pid), 0));
            if (pidFd < 0 || setns(pidFd, CLONE_NEWUSER | CLONE_NEWNS) != 0)
                failWith(errorFd, QByteArray("cannot enter the container: ") + std::strerror(errno));
            close(pidFd);
            return;
        }
        const uid_t uid = geteuid();
        const gid_t gid = getegid();
        if (unshare(CLONE_NEWNS | (rootless ? CLONE_NEWUSER : 0)) != 0)
            failWith(errorFd, QByteArray("cannot create a mount namespace: ") + std::strerror(errno));
        if (rootless) {
            if (const QByteArray error = writeIdMaps("self", true, uid, gid); !error.isEmpty())
                failWith(errorFd, error);
        }
        if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
            failWith(errorFd, QByteArray("cannot make mounts private: ") + std::strerror(errno));
        if (const QByteArray error = mountRootFilesystem(plan); !error.isEmpty())
            failWith(errorFd, error);
        if (chroot(plan.rootfs.constData()) != 0 || chdir("/") != 0)
            failWith(errorFd, QByteArray("cannot enter the root filesystem: ") + std::strerror(errno));
        prctl(PR_SET_DUMPABLE, 0); // only now: an unprivileged process writes its id maps while dumpable
    }

} // namespace

ContainerCopier::ContainerCopier(Store &store, Launch launch)
    : m_store(store)
    , m_launch(launch)
{
}

Status ContainerCopier::copyIn(const Container &container, const QString &hostPath, const QString &containerPath, const Progress &progress)
{
    return run(container, hostPath, containerPath, true, progress);
}

Status ContainerCopier::copyOut(const Container &container, const QString &containerPath, const QString &hostPath, const Progress &progress)
{
    return run(container, hostPath, containerPath, false, progress);
}

namespace {
    // Waits for a copy helper, which reports a failure on `errorFd` and closes it by ending;
    // a cancel kills it within 50 ms. Returns what it reported.
    QByteArray waitForHelper(pid_t child, int errorFd, const Progress &progress, bool *cancelled, int *waitStatus)
    {
        QByteArray failure;
        for (;;) {
            pollfd pfd { errorFd, POLLIN, 0 };
            const int ready = poll(&pfd, 1, 50);
            if (ready < 0 && errno != EINTR)
                break;
            if (progress.cancelled()) {
                kill(child, SIGKILL);
                *cancelled = true;
                break;
            }
            if (ready <= 0)
                continue;
            char buf[4096];
            const ssize_t n = read(errorFd, buf, sizeof buf);
            if (n > 0)
                failure.append(buf, n);
            else if (n == 0 || errno != EINTR)
                break;
        }
        close(errorFd);
        while (waitpid(child, waitStatus, 0) < 0 && errno == EINTR) { }
        return failure;
    }

    Error cancelledCopy(const Container &container, bool intoContainer)
    {
        return fail(ErrorCode::Cancelled, QStringLiteral("cp %1 container %2: cancelled (what was copied so far stays)")
                                              .arg(intoContainer ? QStringLiteral("into") : QStringLiteral("from"), container.config.name));
    }
}

// `stratactl cp` does the copy; everything it needs is made before the fork.
Status ContainerCopier::runProgram(const Container &container, const QString &hostPath, const QString &containerPath, bool intoContainer, const Progress &progress)
{
    const QString program = ContainerRuntime::monitorProgram();
    if (!QFileInfo(program).isExecutable())
        return fail(QStringLiteral("cp: the helper program %1 is missing (set STRATA_MONITOR_PROGRAM)").arg(program));
    const QByteArray path = QFile::encodeName(program);
    const QByteArray inside = container.config.id.toUtf8() + ':' + containerPath.toUtf8();
    const QByteArray host = QFile::encodeName(QFileInfo(hostPath).isAbsolute() ? hostPath : QDir::current().absoluteFilePath(hostPath));
    QList<QByteArray> argStore { "stratactl", "--root", QFile::encodeName(m_store.root()), "cp", intoContainer ? host : inside, intoContainer ? inside : host };
    std::vector<char *> argv;
    for (QByteArray &a : argStore)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    int errorPipe[2];
    if (pipe2(errorPipe, O_CLOEXEC) != 0)
        return fail(ErrorCode::Io, QStringLiteral("cp: %1").arg(fs::errorText(errno)));
    const pid_t child = fork();
    if (child == 0) {
        const int devNull = open("/dev/null", O_RDWR | O_CLOEXEC);
        const int err = fcntl(errorPipe[1], F_DUPFD_CLOEXEC, 10);
        dup2(devNull, 0);
        dup2(devNull, 1);
        dup2(err, 2); // stratactl says what failed on stderr
        syscall(SYS_close_range, 3u, ~0u, 0u);
        execv(path.constData(), argv.data());
        _exit(127);
    }
    close(errorPipe[1]);
    if (child < 0) {
        close(errorPipe[0]);
        return fail(ErrorCode::Io, QStringLiteral("cp: fork: %1").arg(fs::errorText(errno)));
    }
    bool cancelled = false;
    int ws = 0;
    QByteArray failure = waitForHelper(child, errorPipe[0], progress, &cancelled, &ws);
    if (cancelled)
        return cancelledCopy(container, intoContainer);
    if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0) {
        failure = failure.trimmed();
        if (failure.startsWith("stratactl cp: "))
            failure = failure.mid(14);
        return fail(QString::fromUtf8(failure.isEmpty() ? QByteArray("the copy ended abnormally") : failure));
    }
    progress.finishPhase();
    return {};
}

Status ContainerCopier::run(const Container &container, const QString &hostPath, const QString &containerPath, bool intoContainer, const Progress &progress)
{
    progress.begin(QStringLiteral("Copying %1 container %2").arg(intoContainer ? QStringLiteral("into") : QStringLiteral("out of"), container.config.name), -1);
    if (m_launch == Launch::Exec)
        return runProgram(container, hostPath, containerPath, intoContainer, progress);
    if (!containerPath.startsWith(u'/'))
        return fail(QStringLiteral("cp: the path in container %1 must be absolute: %2").arg(container.config.name, containerPath));
    ContainerStore containers(m_store);
    const ContainerState state = containers.state(container.config.id);
    InitPlan plan;
    int idleLock = -1; // a stopped container stays stopped (and present) while we copy
    const auto unlock = qScopeGuard([&] {
        if (idleLock >= 0)
            close(idleLock);
    });
    if (!state.running()) {
        auto lock = containers.lockIdle(container);
        if (!lock)
            return lock.takeError();
        idleLock = lock.value();
        STRATA_TRY(planRootFilesystem(m_store, container.config, plan));
    }
    const bool rootless = m_store.rootless();
    const QByteArray host = QFile::encodeName(hostPath);
    const QByteArray inside = containerPath.toUtf8();
    const Split hostSplit = split(host);
    const int hostDirFd = openDir(intoContainer ? hostSplit.dir : QByteArray("."));
    if (hostDirFd < 0)
        return fail(QStringLiteral("cp: %1: %2").arg(intoContainer ? QString::fromUtf8(hostSplit.dir) : QStringLiteral("."), fs::errorText(errno)));
    if (intoContainer) {
        struct stat st;
        if (fstatat(hostDirFd, hostSplit.name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
            close(hostDirFd);
            return fail(ErrorCode::NotFound, QStringLiteral("cp: %1: no such file or directory on the host").arg(hostPath));
        }
    }
    // The destination on the host is resolved before entering the container (afterwards the
    // host's tree is out of sight). The child of a fork shares these descriptors.
    Dest hostDest;
    if (!intoContainer) {
        QByteArray problem;
        hostDest = resolveDest(host, &problem);
        if (!problem.isEmpty()) {
            close(hostDirFd);
            return fail(QStringLiteral("cp: %1").arg(QString::fromUtf8(problem)));
        }
    }

    int errorPipe[2];
    if (pipe2(errorPipe, O_CLOEXEC) != 0) {
        const int err = errno;
        close(hostDirFd);
        if (hostDest.dirFd >= 0)
            close(hostDest.dirFd);
        return fail(ErrorCode::Io, QStringLiteral("cp: %1").arg(fs::errorText(err)));
    }
    const pid_t child = fork();
    if (child == 0) {
        close(errorPipe[0]);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        enter(state, plan, rootless, errorPipe[1]);
        if (intoContainer) {
            QByteArray problem;
            const Dest dest = resolveDest(inside, &problem);
            if (!problem.isEmpty())
                failWith(errorPipe[1], problem);
            copyTo(hostDirFd, hostSplit, dest, errorPipe[1]);
        } else {
            const Split src = split(inside);
            const int srcDir = openDir(src.dir);
            if (srcDir < 0)
                failWith(errorPipe[1], src.dir + ": " + std::strerror(errno));
            copyTo(srcDir, src, hostDest, errorPipe[1]);
        }
        _exit(0);
    }
    close(errorPipe[1]);
    close(hostDirFd);
    if (hostDest.dirFd >= 0)
        close(hostDest.dirFd);
    if (child < 0) {
        close(errorPipe[0]);
        return fail(QStringLiteral("cp: fork: %1").arg(fs::errorText(errno)));
    }
    // The helper reports failures on the pipe and closes it by ending; meanwhile a cancel
    // stops it within 100 ms.
    bool cancelled = false;
    int ws = 0;
    const QByteArray failure = waitForHelper(child, errorPipe[0], progress, &cancelled, &ws);
    if (cancelled)
        return cancelledCopy(container, intoContainer);
    progress.finishPhase();
    if (!failure.isEmpty() || !WIFEXITED(ws) || WEXITSTATUS(ws) != 0)
        return fail(QStringLiteral("cp %1 container %2: %3")
                        .arg(intoContainer ? QStringLiteral("into") : QStringLiteral("from"), container.config.name,
                            failure.isEmpty() ? QStringLiteral("the copy ended abnormally") : QString::fromUtf8(failure)));
    return {};
}

} // namespace strata
