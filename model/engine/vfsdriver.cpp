#include "vfsdriver.h"

#include "fsutil.h"

#include <QByteArray>
#include <QFile>
#include <QHash>
#include <QList>

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

namespace strata {

namespace {

    // Copies a snapshot tree: contents, modes, owners (when privileged), times, xattrs and hard
    // links, never following symbolic links.
    class TreeCopier {
    public:
        explicit TreeCopier(bool keepOwners)
            : m_keepOwners(keepOwners)
        {
        }

        Status copyDir(int srcFd, int dstFd, const QByteArray &relPath)
        {
            auto names = fs::entryNames(srcFd);
            if (!names)
                return fail(QStringLiteral("'%1': %2").arg(QString::fromUtf8(relPath), names.error()));
            for (const QByteArray &name : std::as_const(names.value())) {
                STRATA_TRY(copyEntry(srcFd, dstFd, name, relPath.isEmpty() ? name : relPath + '/' + name));
            }
            return {};
        }

        void setRoot(int dstRoot) { m_dstRoot = dstRoot; }

    private:
        Status error(const QByteArray &rel, const char *what)
        {
            return fail(QStringLiteral("cannot copy '%1': %2 failed: %3").arg(QString::fromUtf8(rel), QString::fromLatin1(what), fs::errorText(errno)));
        }

        void copyXattrs(int src, int dst)
        {
            char names[65536];
            ssize_t len = flistxattr(src, names, sizeof names);
            for (ssize_t i = 0; i < len;) {
                const char *name = names + i;
                char value[65536];
                ssize_t vlen = fgetxattr(src, name, value, sizeof value);
                if (vlen >= 0)
                    (void)fsetxattr(dst, name, value, size_t(vlen), 0);
                i += ssize_t(std::strlen(name)) + 1;
            }
        }

        Status copyEntry(int srcDir, int dstDir, const QByteArray &name, const QByteArray &rel)
        {
            struct stat st;
            if (fstatat(srcDir, name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0)
                return error(rel, "stat");
            const timespec times[2] = { st.st_atim, st.st_mtim };
            if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) {
                const auto key = qMakePair(quint64(st.st_dev), quint64(st.st_ino));
                if (auto it = m_links.constFind(key); it != m_links.constEnd()) {
                    if (linkat(m_dstRoot, it->constData(), dstDir, name.constData(), 0) != 0)
                        return error(rel, "link");
                    return {};
                }
                m_links.insert(key, rel);
            }
            if (S_ISDIR(st.st_mode)) {
                if (mkdirat(dstDir, name.constData(), 0700) != 0)
                    return error(rel, "mkdir");
                int s = openat(srcDir, name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                int d = openat(dstDir, name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (s < 0 || d < 0) {
                    if (s >= 0)
                        close(s);
                    if (d >= 0)
                        close(d);
                    return error(rel, "open");
                }
                Status status = copyDir(s, d, rel);
                copyXattrs(s, d);
                if (m_keepOwners)
                    (void)fchown(d, st.st_uid, st.st_gid);
                fchmod(d, st.st_mode & 07777);
                futimens(d, times);
                close(s);
                close(d);
                return status;
            }
            if (S_ISREG(st.st_mode)) {
                int s = openat(srcDir, name.constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
                if (s < 0)
                    return error(rel, "open");
                int d = openat(dstDir, name.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
                if (d < 0) {
                    close(s);
                    return error(rel, "create");
                }
                off_t left = st.st_size;
                while (left > 0) {
                    ssize_t n = copy_file_range(s, nullptr, d, nullptr, size_t(left), 0);
                    if (n <= 0) {
                        close(s);
                        close(d);
                        return error(rel, "copy");
                    }
                    left -= n;
                }
                copyXattrs(s, d);
                if (m_keepOwners)
                    (void)fchown(d, st.st_uid, st.st_gid);
                fchmod(d, st.st_mode & 07777);
                futimens(d, times);
                close(s);
                close(d);
                return {};
            }
            if (S_ISLNK(st.st_mode)) {
                QByteArray target(st.st_size + 1, '\0');
                ssize_t n = readlinkat(srcDir, name.constData(), target.data(), size_t(target.size()));
                if (n < 0)
                    return error(rel, "readlink");
                target.truncate(n);
                if (symlinkat(target.constData(), dstDir, name.constData()) != 0)
                    return error(rel, "symlink");
            } else if (mknodat(dstDir, name.constData(), st.st_mode, st.st_rdev) != 0) {
                return error(rel, "mknod");
            }
            if (m_keepOwners)
                (void)fchownat(dstDir, name.constData(), st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW);
            utimensat(dstDir, name.constData(), times, AT_SYMLINK_NOFOLLOW);
            return {};
        }

        bool m_keepOwners;
        int m_dstRoot = -1;
        QHash<QPair<quint64, quint64>, QByteArray> m_links;
    };

} // namespace

Status VfsDriver::prepare(const QString &diffDir, const QString &parentDiffDir) const
{
    STRATA_TRY(fs::makeDirs(diffDir));
    if (parentDiffDir.isEmpty())
        return {};
    int src = open(QFile::encodeName(parentDiffDir).constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (src < 0)
        return fail(QStringLiteral("%1: cannot open parent snapshot: %2").arg(parentDiffDir, fs::errorText(errno)));
    int dst = open(QFile::encodeName(diffDir).constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dst < 0) {
        close(src);
        return fail(QStringLiteral("%1: cannot open snapshot: %2").arg(diffDir, fs::errorText(errno)));
    }
    TreeCopier copier(geteuid() == 0);
    copier.setRoot(dst);
    Status status = copier.copyDir(src, dst, {});
    struct stat st;
    if (fstat(src, &st) == 0) {
        fchmod(dst, st.st_mode & 07777);
        const timespec times[2] = { st.st_atim, st.st_mtim };
        futimens(dst, times);
    }
    close(src);
    close(dst);
    if (!status)
        return fail(QStringLiteral("vfs snapshot from %1: %2").arg(parentDiffDir, status.error()));
    return {};
}

} // namespace strata
