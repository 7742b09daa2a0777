#include "treecopier.h"

#include "fsutil.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

namespace strata {

TreeCopier::TreeCopier(bool keepOwners)
    : m_keepOwners(keepOwners)
{
}

Status TreeCopier::copyDir(int srcFd, int dstFd, const QByteArray &relPath)
{
    auto names = fs::entryNames(srcFd);
    if (!names)
        return fail(QStringLiteral("'%1': %2").arg(QString::fromUtf8(relPath), names.error()));
    for (const QByteArray &name : std::as_const(names.value())) {
        STRATA_TRY(copyEntry(srcFd, name, dstFd, name, relPath.isEmpty() ? name : relPath + '/' + name));
    }
    return {};
}

Status TreeCopier::error(const QByteArray &rel, const char *what)
{
        return fail(QStringLiteral("cannot copy '%1': %2 failed: %3").arg(QString::fromUtf8(rel), QString::fromLatin1(what), fs::errorText(errno)));
    }

// The metadata of a copied file or directory (owner before mode: chown clears set-id bits),
// then both descriptors closed.
void TreeCopier::finish(int src, int dst, const struct stat &st)
{
    copyXattrs(src, dst);
    if (m_keepOwners)
        (void)fchown(dst, st.st_uid, st.st_gid);
    fchmod(dst, st.st_mode & 07777);
    const timespec times[2] = { st.st_atim, st.st_mtim };
    futimens(dst, times);
    close(src);
    close(dst);
}

void TreeCopier::copyXattrs(int src, int dst)
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

Status TreeCopier::copyEntry(int srcDir, const QByteArray &name, int dstDir, const QByteArray &dstName, const QByteArray &rel)
{
    struct stat st;
    if (fstatat(srcDir, name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0)
        return error(rel, "stat");
    const timespec times[2] = { st.st_atim, st.st_mtim };
    if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) {
        const auto key = qMakePair(quint64(st.st_dev), quint64(st.st_ino));
        if (auto it = m_links.constFind(key); it != m_links.constEnd()) {
            if (linkat(m_dstRoot, it->constData(), dstDir, dstName.constData(), 0) != 0)
                return error(rel, "link");
            return {};
        }
        m_links.insert(key, rel);
    }
    if (S_ISDIR(st.st_mode)) {
        if (fs::depthOf(rel) >= fs::maxTreeDepth)
            return fail(ErrorCode::InvalidInput, QStringLiteral("cannot copy '%1…': the tree is deeper than %2 directories").arg(QString::fromUtf8(rel.left(200))).arg(fs::maxTreeDepth));
        if (mkdirat(dstDir, dstName.constData(), 0700) != 0)
            return error(rel, "mkdir");
        int s = openat(srcDir, name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int d = openat(dstDir, dstName.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (s < 0 || d < 0) {
            if (s >= 0)
                close(s);
            if (d >= 0)
                close(d);
            return error(rel, "open");
        }
        Status status = copyDir(s, d, rel);
        finish(s, d, st);
        return status;
    }
    if (S_ISREG(st.st_mode)) {
        int s = openat(srcDir, name.constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (s < 0)
            return error(rel, "open");
        int d = openat(dstDir, dstName.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (d < 0) {
            close(s);
            return error(rel, "create");
        }
        off_t left = st.st_size;
        bool kernelCopy = true; // copy_file_range refuses some pairs of filesystems (overlay, across mounts)
        while (left > 0) {
            ssize_t n = kernelCopy ? copy_file_range(s, nullptr, d, nullptr, size_t(left), 0) : -1;
            if (n < 0 && kernelCopy && (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP)) {
                kernelCopy = false;
                continue;
            }
            if (!kernelCopy) {
                // On the heap, once: this frame recurses once per directory level.
                if (m_buffer.isEmpty())
                    m_buffer.resize(1 << 16);
                n = read(s, m_buffer.data(), size_t(m_buffer.size()));
                if (n > 0 && write(d, m_buffer.constData(), size_t(n)) != n)
                    n = -1;
            }
            if (n <= 0) {
                close(s);
                close(d);
                return error(rel, "copy");
            }
            left -= n;
        }
        finish(s, d, st);
        return {};
    }
    if (S_ISLNK(st.st_mode)) {
        QByteArray target(st.st_size + 1, '\0');
        ssize_t n = readlinkat(srcDir, name.constData(), target.data(), size_t(target.size()));
        if (n < 0)
            return error(rel, "readlink");
        target.truncate(n);
        if (symlinkat(target.constData(), dstDir, dstName.constData()) != 0)
            return error(rel, "symlink");
    } else if (mknodat(dstDir, dstName.constData(), st.st_mode, st.st_rdev) != 0) {
        return error(rel, "mknod");
    }
    if (m_keepOwners)
        (void)fchownat(dstDir, dstName.constData(), st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW);
    utimensat(dstDir, dstName.constData(), times, AT_SYMLINK_NOFOLLOW);
    return {};
}

} // namespace strata
