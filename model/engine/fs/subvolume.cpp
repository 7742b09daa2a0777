#include "subvolume.h"

#include "fsutil.h"

#include <QFile>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/btrfs.h>
#include <linux/magic.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

namespace strata::fs {

namespace {

    bool fdOnBtrfs(int fd)
    {
        struct statfs sfs;
        return fstatfs(fd, &sfs) == 0 && sfs.f_type == BTRFS_SUPER_MAGIC;
    }

    // The parent directory of `path`, opened, and the last component in *name.
    int openParent(const QString &path, QByteArray *name)
    {
        QString clean = path;
        while (clean.size() > 1 && clean.endsWith(u'/'))
            clean.chop(1);
        const qsizetype slash = clean.lastIndexOf(u'/');
        *name = QFile::encodeName(clean.mid(slash + 1));
        const QString parent = slash > 0 ? clean.left(slash) : slash == 0 ? QStringLiteral("/") : QStringLiteral(".");
        return open(QFile::encodeName(parent).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    }

    template <typename Args>
    bool setName(Args &args, const QByteArray &name)
    {
        if (name.isEmpty() || size_t(name.size()) >= sizeof args.name)
            return false;
        memcpy(args.name, name.constData(), size_t(name.size()));
        return true;
    }

} // namespace

bool onBtrfs(const QString &path)
{
    struct statfs sfs;
    return statfs(QFile::encodeName(path).constData(), &sfs) == 0 && sfs.f_type == BTRFS_SUPER_MAGIC;
}

bool isSubvolumeAt(int parentFd, const char *name)
{
    struct stat st;
    if (fstatat(parentFd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode) || st.st_ino != subvolumeRootInode)
        return false;
    const int fd = openat(parentFd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool btrfs = fdOnBtrfs(fd);
    close(fd);
    return btrfs;
}

bool isSubvolume(const QString &path)
{
    return isSubvolumeAt(AT_FDCWD, QFile::encodeName(path).constData());
}

Status createSubvolume(const QString &path)
{
    QByteArray name;
    const int parent = openParent(path, &name);
    if (parent < 0)
        return fail(ErrorCode::Io, QStringLiteral("%1: cannot open its parent directory: %2").arg(path, errorText(errno)));
    btrfs_ioctl_vol_args args {};
    const bool named = setName(args, name);
    const int rc = named ? ioctl(parent, BTRFS_IOC_SUBVOL_CREATE, &args) : -1;
    const int err = named ? errno : ENAMETOOLONG;
    close(parent);
    if (rc != 0)
        return fail(ErrorCode::Io, QStringLiteral("%1: cannot create a btrfs subvolume: %2").arg(path, errorText(err)));
    return {};
}

Status snapshotSubvolume(const QString &source, const QString &path)
{
    const int src = open(QFile::encodeName(source).constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (src < 0)
        return fail(ErrorCode::Io, QStringLiteral("%1: cannot open the subvolume to snapshot: %2").arg(source, errorText(errno)));
    QByteArray name;
    const int parent = openParent(path, &name);
    if (parent < 0) {
        const int err = errno;
        close(src);
        return fail(ErrorCode::Io, QStringLiteral("%1: cannot open its parent directory: %2").arg(path, errorText(err)));
    }
    btrfs_ioctl_vol_args_v2 args {};
    args.fd = src;
    const bool named = setName(args, name);
    const int rc = named ? ioctl(parent, BTRFS_IOC_SNAP_CREATE_V2, &args) : -1;
    const int err = named ? errno : ENAMETOOLONG;
    close(parent);
    close(src);
    if (rc == 0)
        return {};
    // EINVAL: the source is a plain directory (or on another filesystem), not a subvolume.
    const QString why = err == EINVAL && !isSubvolume(source) ? QStringLiteral("%1 is not a btrfs subvolume").arg(source) : errorText(err);
    return fail(ErrorCode::Io, QStringLiteral("%1: cannot snapshot %2: %3").arg(path, source, why));
}

Status destroySubvolumeAt(int parentFd, const char *name, int *err)
{
    btrfs_ioctl_vol_args args {};
    const QByteArray n(name);
    int e = ENAMETOOLONG;
    if (setName(args, n)) {
        if (ioctl(parentFd, BTRFS_IOC_SNAP_DESTROY, &args) == 0)
            return {};
        e = errno;
    }
    if (err)
        *err = e;
    return fail(ErrorCode::Io, QStringLiteral("%1: cannot delete the btrfs subvolume: %2").arg(QFile::decodeName(name), errorText(e)));
}

} // namespace strata::fs
