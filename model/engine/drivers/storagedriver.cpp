#include "storagedriver.h"

#include "btrfsdriver.h"
#include "fsutil.h"
#include "overlay2driver.h"
#include "vfsdriver.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <cerrno>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

namespace strata {

ApplyOptions StorageDriver::applyOptions(const QString &subject) const
{
    ApplyOptions o;
    o.whiteouts = whiteoutStyle();
    o.rootless = m_rootless;
    o.subject = subject;
    return o;
}

namespace {

    constexpr long btrfsMagic = 0x9123683E;
    constexpr long zfsMagic = 0x2FC12FC1;

    bool kernelHasFilesystem(const QByteArray &name)
    {
        QFile f(QStringLiteral("/proc/filesystems"));
        if (!f.open(QIODevice::ReadOnly))
            return false;
        for (const QByteArray &line : f.readAll().split('\n')) {
            if (line.split('\t').last().trimmed() == name)
                return true;
        }
        return false;
    }

    QString filesystemOf(const QString &path)
    {
        QString probe = path;
        while (!fs::exists(probe) && probe.contains(u'/'))
            probe = probe.left(probe.lastIndexOf(u'/'));
        struct statfs sfs;
        if (statfs(QFile::encodeName(probe.isEmpty() ? QStringLiteral("/") : probe).constData(), &sfs) != 0)
            return QStringLiteral("unknown");
        switch (long(sfs.f_type)) {
        case btrfsMagic:
            return QStringLiteral("btrfs");
        case zfsMagic:
            return QStringLiteral("zfs");
        case 0xEF53:
            return QStringLiteral("ext4");
        case 0x58465342:
            return QStringLiteral("xfs");
        case 0x01021994:
            return QStringLiteral("tmpfs");
        case 0x794c7630:
            return QStringLiteral("overlayfs");
        default:
            return QStringLiteral("0x%1").arg(ulong(sfs.f_type), 0, 16);
        }
    }

    bool writeAll(const char *path, const char *data, size_t len)
    {
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
            return false;
        bool ok = write(fd, data, len) == ssize_t(len);
        close(fd);
        return ok;
    }

} // namespace

QStringList StorageDriver::implementedNames()
{
    return { QStringLiteral("overlay2"), QStringLiteral("vfs"), QStringLiteral("btrfs") };
}

std::unique_ptr<StorageDriver> StorageDriver::create(const QString &name, bool rootless)
{
    if (name == QLatin1String("overlay2"))
        return std::make_unique<Overlay2Driver>(rootless);
    if (name == QLatin1String("vfs"))
        return std::make_unique<VfsDriver>(rootless);
    if (name == QLatin1String("btrfs"))
        return std::make_unique<BtrfsDriver>(rootless);
    return nullptr;
}

Status StorageDriver::probe(const QString &name, const QString &scratchDir, bool rootless)
{
    if (name == QLatin1String("overlay2"))
        return probeOverlay(scratchDir, rootless);
    if (name == QLatin1String("btrfs")) {
        auto note = probeBtrfs(scratchDir);
        return note ? Status() : Status(note.takeError());
    }
    return {};
}

// A btrfs filesystem under the store, and a subvolume made, snapshotted and deleted there.
Result<QString> StorageDriver::probeBtrfs(const QString &scratchDir)
{
    if (!kernelHasFilesystem("btrfs"))
        return fail(QStringLiteral("the kernel has no btrfs support"));
    const QString fsType = filesystemOf(scratchDir);
    if (fsType != QLatin1String("btrfs"))
        return fail(QStringLiteral("the data root is on %1, not btrfs (put it on a btrfs filesystem, e.g. one made on a loop device)").arg(fsType));
    auto note = BtrfsDriver::probe(scratchDir);
    if (!note)
        return fail(QStringLiteral("the kernel refused a test subvolume on %1: %2").arg(scratchDir, note.error()));
    return note;
}

// Mounts a throwaway overlay (in a new user and mount namespace when rootless) in a child
// process, so a driver is only offered when the kernel really accepts it.
Status StorageDriver::probeOverlay(const QString &scratchDir, bool rootless)
{
    if (!kernelHasFilesystem("overlay"))
        return fail(QStringLiteral("the kernel has no overlay filesystem"));
    for (const char *d : { "lower", "upper", "work", "merged" }) {
        STRATA_TRY(fs::makeDirs(scratchDir + u'/' + QLatin1String(d)));
    }
    const QByteArray merged = QFile::encodeName(scratchDir + QStringLiteral("/merged"));
    QByteArray options = "lowerdir=" + QFile::encodeName(scratchDir) + "/lower,upperdir=" + QFile::encodeName(scratchDir)
        + "/upper,workdir=" + QFile::encodeName(scratchDir) + "/work";
    if (rootless)
        options += ",userxattr";
    const QByteArray uidMap = "0 " + QByteArray::number(geteuid()) + " 1\n";
    const QByteArray gidMap = "0 " + QByteArray::number(getegid()) + " 1\n";
    pid_t pid = fork();
    if (pid < 0)
        return fail(QStringLiteral("cannot fork to probe overlay: %1").arg(fs::errorText(errno)));
    if (pid == 0) {
        if (rootless) {
            if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0)
                _exit(10);
            writeAll("/proc/self/setgroups", "deny", 4);
            if (!writeAll("/proc/self/uid_map", uidMap.constData(), size_t(uidMap.size()))
                || !writeAll("/proc/self/gid_map", gidMap.constData(), size_t(gidMap.size())))
                _exit(11);
        } else if (unshare(CLONE_NEWNS) != 0) {
            _exit(10);
        }
        mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr);
        if (mount("overlay", merged.constData(), "overlay", 0, options.constData()) != 0)
            _exit(12);
        umount2(merged.constData(), MNT_DETACH);
        _exit(0);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) { }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return {};
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (code == 10)
        return fail(QStringLiteral("cannot create a %1 namespace here").arg(rootless ? QStringLiteral("user") : QStringLiteral("mount")));
    if (code == 11)
        return fail(QStringLiteral("cannot map the user into a user namespace"));
    return fail(QStringLiteral("the kernel refused a test overlay mount%1 on %2").arg(rootless ? QStringLiteral(" in a user namespace") : QString(), filesystemOf(scratchDir)));
}

QString StorageDriver::defaultName(const QString &root, bool rootless)
{
    QTemporaryDir scratch(root + QStringLiteral("/tmp/probe-XXXXXX"));
    if (scratch.isValid() && filesystemOf(root) == QLatin1String("btrfs") && probeBtrfs(scratch.path()))
        return QStringLiteral("btrfs");
    if (scratch.isValid() && probeOverlay(scratch.path(), rootless))
        return QStringLiteral("overlay2");
    return QStringLiteral("vfs");
}

QList<DriverStatus> StorageDriver::probeAll(const QString &root, bool rootless)
{
    QList<DriverStatus> out;

    DriverStatus overlay { QStringLiteral("overlay2"), true, false, {} };
    QTemporaryDir scratch(QDir(root).exists(QStringLiteral("tmp")) ? root + QStringLiteral("/tmp/probe-XXXXXX") : QString());
    Status probe = scratch.isValid() ? probeOverlay(scratch.path(), rootless) : fail(QStringLiteral("no scratch directory"));
    overlay.available = probe.ok();
    overlay.detail = probe.ok()
        ? QStringLiteral("kernel overlayfs: each layer stores only its changes; containers copy a file up on first write%1").arg(rootless ? QStringLiteral(" (rootless: user.overlay xattrs)") : QString())
        : probe.error();
    out.append(overlay);

    out.append({ QStringLiteral("vfs"), true, true, QStringLiteral("plain directories: every layer is a full copy of the one below, no copy-on-write") });

    DriverStatus btrfs { QStringLiteral("btrfs"), true, false, {} };
    auto btrfsNote = scratch.isValid() ? probeBtrfs(scratch.path()) : Result<QString>(fail(QStringLiteral("no scratch directory")));
    btrfs.available = btrfsNote.ok();
    btrfs.detail = btrfsNote ? QStringLiteral("btrfs subvolumes: each layer a snapshot of its parent's, each container's writable layer a snapshot of its image's top layer; a write takes new space only for the blocks it changes%1")
                                   .arg(btrfsNote->isEmpty() ? QString() : QStringLiteral(" (") + btrfsNote.value() + u')')
                             : btrfsNote.error();
    out.append(btrfs);

    DriverStatus zfs { QStringLiteral("zfs"), false, false, {} };
    zfs.detail = kernelHasFilesystem("zfs") ? QStringLiteral("the kernel has zfs, but Strata has no zfs driver")
                                            : QStringLiteral("the kernel has no zfs module (ZFS is not part of mainline Linux)");
    out.append(zfs);

    out.append({ QStringLiteral("devicemapper"), false, false,
        QStringLiteral("needs a thin-provisioning pool on a block device and is deprecated by Docker; Strata does not implement it") });

    DriverStatus aufs { QStringLiteral("aufs"), false, false, {} };
    aufs.detail = kernelHasFilesystem("aufs") ? QStringLiteral("the kernel has aufs, but Strata has no aufs driver")
                                              : QStringLiteral("the kernel has no aufs (it was never merged into mainline Linux)");
    out.append(aufs);
    return out;
}

} // namespace strata
