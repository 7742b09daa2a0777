#include "fsutil.h"

#include "subvolume.h"

#include <QFile>
#include <QScopeGuard>
#include <QSet>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace strata::fs {

namespace {

    QByteArray encode(const QString &path) { return QFile::encodeName(path); }

    struct InodeKey {
        dev_t dev;
        ino_t ino;
        friend bool operator==(const InodeKey &a, const InodeKey &b) { return a.dev == b.dev && a.ino == b.ino; }
        friend size_t qHash(const InodeKey &k, size_t seed = 0) { return qHashMulti(seed, quint64(k.dev), quint64(k.ino)); }
    };

    bool insertNew(QSet<InodeKey> &set, InodeKey key)
    {
        if (set.contains(key))
            return false;
        set.insert(key);
        return true;
    }

    // Calls visit(stat) for every entry below dirFd, depth first, never following links.
    template <typename Visit>
    bool walk(int dirFd, Visit &&visit)
    {
        auto names = entryNames(dirFd);
        if (!names)
            return false;
        bool ok = true;
        for (const QByteArray &name : std::as_const(names.value())) {
            struct stat st;
            if (fstatat(dirFd, name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
                ok = false;
                continue;
            }
            visit(st);
            if (S_ISDIR(st.st_mode)) {
                int child = openat(dirFd, name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (child < 0) {
                    ok = false;
                    continue;
                }
                ok = walk(child, visit) && ok;
                close(child);
            }
        }
        return ok;
    }

} // namespace

Result<QList<QByteArray>> entryNames(int dirFd)
{
    const int dupFd = dup(dirFd);
    DIR *dir = dupFd < 0 ? nullptr : fdopendir(dupFd);
    if (!dir) {
        const int err = errno;
        if (dupFd >= 0)
            close(dupFd);
        return fail(ErrorCode::Io, QStringLiteral("cannot list directory: %1").arg(errorText(err)));
    }
    QList<QByteArray> names;
    while (dirent *e = readdir(dir)) {
        if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0)
            names.append(QByteArray(e->d_name));
    }
    closedir(dir);
    return names;
}

QString errorText(int err)
{
    return QString::fromLocal8Bit(std::strerror(err));
}

namespace {
    // Opens `path` and hands it to `sync` (fsync or syncfs).
    Status syncPath(const QString &path, int (*sync)(int), const char *what)
    {
        int fd = open(encode(path).constData(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return fail(ErrorCode::Io, QStringLiteral("%1: cannot open to sync: %2").arg(path, errorText(errno)));
        int rc = sync(fd);
        int err = errno;
        close(fd);
        if (rc != 0)
            return fail(ErrorCode::Io, QStringLiteral("%1: %2 failed: %3").arg(path, QLatin1String(what), errorText(err)));
        return {};
    }
}

Status syncFilesystem(const QString &path)
{
    return syncPath(path, ::syncfs, "syncfs");
}

Status fsyncPath(const QString &path)
{
    return syncPath(path, ::fsync, "fsync");
}

Status writeFileAtomic(const QString &path, QByteArrayView data, Durability durability)
{
    const int slash = path.lastIndexOf(u'/');
    const QString dir = slash > 0 ? path.left(slash) : QStringLiteral(".");
    // Unique per thread too: two threads may write the same file (the last rename wins).
    static std::atomic<quint64> serial { 0 };
    const QString tmp = path + QStringLiteral(".tmp-%1-%2").arg(getpid()).arg(serial.fetch_add(1));
    const QByteArray tmpName = encode(tmp);
    int fd = open(tmpName.constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return fail(ErrorCode::Io, QStringLiteral("%1: cannot create: %2").arg(tmp, errorText(errno)));
    const char *p = data.data();
    qsizetype left = data.size();
    while (left > 0) {
        ssize_t n = write(fd, p, size_t(left));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int err = errno;
            close(fd);
            unlink(tmpName.constData());
            return fail(ErrorCode::Io, QStringLiteral("%1: write failed: %2").arg(tmp, errorText(err)));
        }
        p += n;
        left -= n;
    }
    if ((durability == Durability::Synced && fsync(fd) != 0) || close(fd) != 0) {
        int err = errno;
        unlink(tmpName.constData());
        return fail(ErrorCode::Io, QStringLiteral("%1: fsync failed: %2").arg(tmp, errorText(err)));
    }
    if (rename(tmpName.constData(), encode(path).constData()) != 0) {
        int err = errno;
        unlink(tmpName.constData());
        return fail(ErrorCode::Io, QStringLiteral("%1: rename failed: %2").arg(path, errorText(err)));
    }
    return durability == Durability::Synced ? fsyncPath(dir) : Status();
}

Status createFileOnce(const QString &path, QByteArrayView data)
{
    const int slash = path.lastIndexOf(u'/');
    const QString dir = slash > 0 ? path.left(slash) : QStringLiteral(".");
    const int fd = open(encode(dir).constData(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR))
        return exists(path) ? Status() : writeFileAtomic(path, data); // a filesystem without O_TMPFILE
    if (fd < 0)
        return fail(ErrorCode::Io, QStringLiteral("%1: cannot create: %2").arg(path, errorText(errno)));
    const auto closeFd = qScopeGuard([fd] { close(fd); });
    const char *p = data.data();
    qsizetype left = data.size();
    while (left > 0) {
        const ssize_t n = write(fd, p, size_t(left));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return fail(ErrorCode::Io, QStringLiteral("%1: write failed: %2").arg(path, errorText(errno)));
        p += n;
        left -= n;
    }
    if (fsync(fd) != 0)
        return fail(ErrorCode::Io, QStringLiteral("%1: fsync failed: %2").arg(path, errorText(errno)));
    // linkat of /proc/self/fd/N needs no privilege, unlike AT_EMPTY_PATH.
    const QByteArray self = "/proc/self/fd/" + QByteArray::number(fd);
    if (linkat(AT_FDCWD, self.constData(), AT_FDCWD, encode(path).constData(), AT_SYMLINK_FOLLOW) != 0 && errno != EEXIST)
        return fail(ErrorCode::Io, QStringLiteral("%1: cannot link into place: %2").arg(path, errorText(errno)));
    return fsyncPath(dir);
}

QByteArray readToEnd(int fd)
{
    QByteArray out;
    char buf[4096];
    for (;;) {
        const ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return out;
        out.append(buf, n);
    }
}

Result<QByteArray> readFile(const QString &path, qint64 maxSize)
{
    // One open, one fstat, reads: listing a store reads thousands of small records, and QFile
    // spends three stat calls on each.
    const int fd = ::open(encode(path).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(ErrorCode::Io, QStringLiteral("%1: cannot read: %2").arg(path, errorText(errno)));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        const int err = errno;
        close(fd);
        return fail(ErrorCode::Io, QStringLiteral("%1: cannot read: %2").arg(path, errorText(err)));
    }
    if (qint64(st.st_size) > maxSize) {
        close(fd);
        return fail(ErrorCode::InvalidInput, QStringLiteral("%1: file is %2 bytes, more than the limit of %3").arg(path).arg(qint64(st.st_size)).arg(maxSize));
    }
    // One byte over the limit tells a file that grew past it since the fstat.
    auto data = readUpTo(fd, maxSize + 1, qint64(st.st_size));
    close(fd);
    if (!data)
        return fail(data.takeError(), path + QStringLiteral(": cannot read: "));
    if (data->size() > maxSize)
        return fail(ErrorCode::InvalidInput, QStringLiteral("%1: file is more than the limit of %2 bytes").arg(path).arg(maxSize));
    return data;
}

Result<QByteArray> readUpTo(int fd, qint64 maxBytes, qint64 sizeHint)
{
    QByteArray data;
    data.resize(qsizetype(std::clamp<qint64>(sizeHint > 0 ? sizeHint : 4096, 0, maxBytes)));
    qsizetype got = 0;
    for (;;) {
        if (got == data.size()) {
            if (got >= maxBytes)
                break;
            data.resize(qsizetype(std::min<qint64>(maxBytes, std::max<qint64>(4096, qint64(data.size()) * 2))));
        }
        const ssize_t n = ::read(fd, data.data() + got, size_t(data.size() - got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return fail(ErrorCode::Io, errorText(errno));
        if (n == 0)
            break;
        got += n;
    }
    data.truncate(got);
    return data;
}

Status makeDirs(const QString &path, int mode)
{
    QByteArray p = encode(path);
    for (qsizetype i = 1; i <= p.size(); ++i) {
        if (i == p.size() || p[i] == '/') {
            QByteArray part = p.left(i);
            if (mkdir(part.constData(), mode_t(mode)) != 0 && errno != EEXIST)
                return fail(ErrorCode::Io, QStringLiteral("%1: cannot create directory: %2").arg(QFile::decodeName(part), errorText(errno)));
        }
    }
    return {};
}

bool exists(const QString &path)
{
    struct stat st;
    return lstat(encode(path).constData(), &st) == 0;
}

bool isDirectory(const QString &path)
{
    struct stat st;
    return lstat(encode(path).constData(), &st) == 0 && S_ISDIR(st.st_mode);
}

static bool removeContents(int dirFd)
{
    auto names = entryNames(dirFd);
    if (!names)
        return false;
    bool ok = true;
    for (const QByteArray &name : std::as_const(names.value())) {
        if (unlinkat(dirFd, name.constData(), 0) == 0)
            continue;
        if (errno != EISDIR && errno != EPERM) {
            ok = false;
            continue;
        }
        ok = removeTreeAt(dirFd, name.constData()).ok() && ok;
    }
    return ok;
}

Status removeTreeAt(int parentFd, const char *name)
{
    struct stat st;
    if (fstatat(parentFd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return errno == ENOENT ? Status {} : fail(ErrorCode::Io, QStringLiteral("%1: %2").arg(QFile::decodeName(name), errorText(errno)));
    if (!S_ISDIR(st.st_mode)) {
        if (unlinkat(parentFd, name, 0) != 0 && errno != ENOENT)
            return fail(ErrorCode::Io, QStringLiteral("%1: cannot remove: %2").arg(QFile::decodeName(name), errorText(errno)));
        return {};
    }
    // A btrfs subvolume (a layer or writable layer of the btrfs driver) goes in one ioctl,
    // however big; where the kernel refuses it (an unprivileged user without the
    // user_subvol_rm_allowed mount option, a subvolume nested inside) it is emptied like any
    // directory, and rmdir removes the empty subvolume (Linux 4.18 and later).
    if (st.st_ino == subvolumeRootInode && isSubvolumeAt(parentFd, name) && destroySubvolumeAt(parentFd, name).ok())
        return {};
    // AT_SYMLINK_NOFOLLOW: a symbolic link swapped in after the stat is not followed (glibc
    // refuses to change a link), so nothing outside the tree changes mode.
    if ((st.st_mode & 0700) != 0700)
        fchmodat(parentFd, name, (st.st_mode & 07777) | 0700, AT_SYMLINK_NOFOLLOW);
    int fd = openat(parentFd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return fail(ErrorCode::Io, QStringLiteral("%1: cannot open directory: %2").arg(QFile::decodeName(name), errorText(errno)));
    removeContents(fd);
    close(fd);
    if (unlinkat(parentFd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
        return fail(ErrorCode::Io, QStringLiteral("%1: cannot remove directory: %2").arg(QFile::decodeName(name), errorText(errno)));
    return {};
}

Status removeTree(const QString &path)
{
    QString clean = path;
    while (clean.size() > 1 && clean.endsWith(u'/'))
        clean.chop(1);
    const int slash = clean.lastIndexOf(u'/');
    const QString parent = slash > 0 ? clean.left(slash) : QStringLiteral("/");
    int fd = open(encode(parent).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? Status {} : fail(ErrorCode::Io, QStringLiteral("%1: %2").arg(parent, errorText(errno)));
    Status st = removeTreeAt(fd, encode(clean.mid(slash + 1)).constData());
    close(fd);
    if (!st)
        return fail(ErrorCode::Io, QStringLiteral("%1: %2").arg(path, st.error()));
    return {};
}

int openBeneath(int rootFd, const QByteArray &relPath, int flags)
{
    open_how how {};
    how.flags = quint64(flags | O_CLOEXEC | O_NOFOLLOW);
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS;
    return int(syscall(SYS_openat2, rootFd, relPath.isEmpty() ? "." : relPath.constData(), &how, sizeof how));
}

int openNoAtime(int dirFd, const char *path, int flags)
{
    const int fd = openat(dirFd, path, flags | O_NOATIME);
    return fd < 0 && errno == EPERM ? openat(dirFd, path, flags) : fd;
}

int openBeneathNoAtime(int rootFd, const QByteArray &relPath, int flags)
{
    const int fd = openBeneath(rootFd, relPath, flags | O_NOATIME);
    return fd < 0 && errno == EPERM ? openBeneath(rootFd, relPath, flags) : fd;
}

bool tryLockExclusive(int fd)
{
    struct flock l {};
    l.l_type = F_WRLCK;
    l.l_whence = SEEK_SET;
    return fcntl(fd, F_OFD_SETLK, &l) == 0;
}

bool lockedElsewhere(int fd)
{
    struct flock l {};
    l.l_type = F_WRLCK;
    l.l_whence = SEEK_SET;
    if (fcntl(fd, F_OFD_GETLK, &l) != 0)
        return false;
    return l.l_type != F_UNLCK;
}

bool lockedElsewhere(const QString &path)
{
    const int fd = open(encode(path).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool held = lockedElsewhere(fd);
    close(fd);
    return held;
}

Result<TreeStats> treeStats(const QString &path)
{
    int fd = open(encode(path).constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return fail(ErrorCode::Io, QStringLiteral("%1: cannot open directory: %2").arg(path, errorText(errno)));
    TreeStats stats;
    QSet<InodeKey> seen;
    bool ok = walk(fd, [&](const struct stat &st) {
        ++stats.entries;
        if (S_ISREG(st.st_mode)) {
            if (st.st_nlink > 1 && !insertNew(seen, InodeKey { st.st_dev, st.st_ino }))
                return;
            stats.bytes += st.st_size;
        }
    });
    close(fd);
    if (!ok)
        return fail(ErrorCode::Io, QStringLiteral("%1: some entries could not be read").arg(path));
    return stats;
}

qint64 diskUsage(const QString &path)
{
    struct stat rootSt;
    if (lstat(encode(path).constData(), &rootSt) != 0)
        return 0;
    qint64 total = rootSt.st_blocks * 512;
    if (!S_ISDIR(rootSt.st_mode))
        return total;
    int fd = open(encode(path).constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return total;
    QSet<InodeKey> seen;
    walk(fd, [&](const struct stat &st) {
        if (st.st_nlink > 1 && !S_ISDIR(st.st_mode) && !insertNew(seen, InodeKey { st.st_dev, st.st_ino }))
            return;
        total += st.st_blocks * 512;
    });
    close(fd);
    return total;
}

} // namespace strata::fs
