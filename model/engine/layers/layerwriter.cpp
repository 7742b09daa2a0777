#include "layerwriter.h"

#include "blobwriter.h"
#include "fsutil.h"
#include "whiteout.h"

#include <QFile>
#include <QHash>
#include <QList>
#include <QScopeGuard>

#include <algorithm>
#include <archive.h>
#include <archive_entry.h>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <functional>
#include <unistd.h>

namespace strata {

namespace {

    la_ssize_t writeCallback(archive *, void *client, const void *buffer, size_t length)
    {
        auto *out = static_cast<BlobWriter *>(client);
        if (!out->write(buffer, length))
            return -1;
        return la_ssize_t(length);
    }

    class TreeWriter {
    public:
        explicit TreeWriter(archive *a, bool recursive = true, LayerWriter::RootOwner root = LayerWriter::RootOwner())
            : m_archive(a)
            , m_recursive(recursive)
            , m_root(root)
        {
        }

        // One entry, named by its path below the root; the directories above it must not be
        // symbolic links (a container could have made one point anywhere).
        Status writePath(int rootFd, const QByteArray &relPath)
        {
            const qsizetype slash = relPath.lastIndexOf('/');
            const QByteArray parent = slash < 0 ? QByteArray() : relPath.left(slash);
            const int dirFd = fs::openBeneath(rootFd, parent, O_RDONLY | O_DIRECTORY);
            if (dirFd < 0)
                return fail(QStringLiteral("'%1': %2").arg(QString::fromUtf8(relPath), fs::errorText(errno)));
            Status s = writeEntry(dirFd, relPath.mid(slash + 1), relPath);
            close(dirFd);
            return s;
        }

        // An OCI whiteout: `.wh.<name>` beside what it deletes, an empty file of mode 0600 as
        // Docker's overlay2 writes it (moby pkg/archive overlayWhiteoutConverter).
        Status writeWhiteout(const QByteArray &relPath)
        {
            const QByteArray name = whiteout::deletionEntry(relPath);
            archive_entry *entry = archive_entry_new();
            auto cleanup = qScopeGuard([&] { archive_entry_free(entry); });
            archive_entry_set_pathname(entry, name.constData());
            archive_entry_set_mode(entry, S_IFREG | 0600);
            archive_entry_set_size(entry, 0);
            return header(entry, name);
        }

        // Whether the directory `relPath` carries overlay's opaque mark.
        bool isOpaque(int rootFd, const QByteArray &relPath)
        {
            const qsizetype slash = relPath.lastIndexOf('/');
            const int dirFd = fs::openBeneath(rootFd, slash < 0 ? QByteArray() : relPath.left(slash), O_RDONLY | O_DIRECTORY);
            if (dirFd < 0)
                return false;
            const bool opaque = whiteout::isOverlayOpaque(dirFd, relPath.mid(slash + 1).constData());
            close(dirFd);
            return opaque;
        }

        // `.wh..wh..opq` in an opaque directory: it hides everything below, so one entry says
        // what overlay's mark says; it has the directory's permissions and owner, as Docker's.
        Status writeOpaqueMarker(int rootFd, const QByteArray &relPath)
        {
            struct stat st;
            if (fstatat(rootFd, relPath.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0)
                return fail(QStringLiteral("'%1': %2").arg(QString::fromUtf8(relPath), fs::errorText(errno)));
            const QByteArray name = relPath + "/.wh..wh..opq";
            archive_entry *entry = archive_entry_new();
            auto cleanup = qScopeGuard([&] { archive_entry_free(entry); });
            archive_entry_set_pathname(entry, name.constData());
            archive_entry_set_mode(entry, S_IFREG | (st.st_mode & 07777));
            archive_entry_set_uid(entry, uidOf(st.st_uid));
            archive_entry_set_gid(entry, gidOf(st.st_gid));
            archive_entry_set_size(entry, 0);
            return header(entry, name);
        }

        Status writeDir(int dirFd, const QByteArray &prefix)
        {
            auto listed = fs::entryNames(dirFd);
            if (!listed)
                return fail(QStringLiteral("'%1': %2").arg(QString::fromUtf8(prefix), listed.error()));
            QList<QByteArray> names = listed.value();
            std::sort(names.begin(), names.end());
            for (const QByteArray &name : std::as_const(names))
                STRATA_TRY(writeEntry(dirFd, name, prefix + name));
            return {};
        }

    private:
        void addXattrs(archive_entry *entry, int fd)
        {
            char names[65536];
            ssize_t len = flistxattr(fd, names, sizeof names);
            QList<QByteArray> list;
            for (ssize_t i = 0; i < len; i += ssize_t(std::strlen(names + i)) + 1)
                list.append(QByteArray(names + i));
            std::sort(list.begin(), list.end());
            for (const QByteArray &name : std::as_const(list)) {
                if (name.contains(".overlay.") || name.startsWith("system."))
                    continue;
                char value[65536];
                ssize_t vlen = fgetxattr(fd, name.constData(), value, sizeof value);
                if (vlen >= 0)
                    archive_entry_xattr_add_entry(entry, name.constData(), value, size_t(vlen));
            }
        }

        Status writeEntry(int dirFd, const QByteArray &name, const QByteArray &path)
        {
            struct stat st;
            if (fstatat(dirFd, name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0)
                return fail(QStringLiteral("'%1': %2").arg(QString::fromUtf8(path), fs::errorText(errno)));
            // A regular file is described by the descriptor that is read, so a tree that
            // changes meanwhile (a running container's) cannot swap in a FIFO or another size.
            int fileFd = -1;
            if (S_ISREG(st.st_mode)) {
                fileFd = openat(dirFd, name.constData(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
                if (fileFd < 0 || fstat(fileFd, &st) != 0 || !S_ISREG(st.st_mode)) {
                    if (fileFd >= 0)
                        close(fileFd);
                    return fail(QStringLiteral("'%1': changed while being read").arg(QString::fromUtf8(path)));
                }
            }
            auto closeFile = qScopeGuard([&] {
                if (fileFd >= 0)
                    close(fileFd);
            });
            archive_entry *entry = archive_entry_new();
            auto cleanup = qScopeGuard([&] { archive_entry_free(entry); });
            const bool isDir = S_ISDIR(st.st_mode);
            archive_entry_set_pathname(entry, (isDir ? path + '/' : path).constData());
            archive_entry_set_mode(entry, st.st_mode);
            archive_entry_set_uid(entry, uidOf(st.st_uid));
            archive_entry_set_gid(entry, gidOf(st.st_gid));
            archive_entry_set_mtime(entry, st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
            int fd = -1;
            if (S_ISREG(st.st_mode)) {
                if (st.st_nlink > 1) {
                    const auto key = qMakePair(quint64(st.st_dev), quint64(st.st_ino));
                    if (auto it = m_links.constFind(key); it != m_links.constEnd()) {
                        archive_entry_set_hardlink(entry, it->constData());
                        archive_entry_set_size(entry, 0);
                        return header(entry, path);
                    }
                    m_links.insert(key, path);
                }
                archive_entry_set_size(entry, st.st_size);
                fd = fileFd;
                fileFd = -1;
            } else if (isDir) {
                fd = openat(dirFd, name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            } else if (S_ISLNK(st.st_mode)) {
                QByteArray target(st.st_size + 1, '\0');
                ssize_t n = readlinkat(dirFd, name.constData(), target.data(), size_t(target.size()));
                if (n < 0)
                    return fail(QStringLiteral("'%1': %2").arg(QString::fromUtf8(path), fs::errorText(errno)));
                target.truncate(n);
                archive_entry_set_symlink(entry, target.constData());
            } else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
                archive_entry_set_rdev(entry, st.st_rdev);
            }
            if ((S_ISREG(st.st_mode) || isDir) && fd < 0)
                return fail(QStringLiteral("'%1': cannot open: %2").arg(QString::fromUtf8(path), fs::errorText(errno)));
            if (fd >= 0)
                addXattrs(entry, fd);
            Status status = header(entry, path);
            if (status && S_ISREG(st.st_mode)) {
                // On the heap, once: this frame recurses once per directory level.
                if (m_buffer.isEmpty())
                    m_buffer.resize(1 << 16);
                char *buffer = m_buffer.data();
                ssize_t n;
                qint64 total = 0;
                while ((n = read(fd, buffer, size_t(m_buffer.size()))) > 0) {
                    total += n;
                    if (total > st.st_size || archive_write_data(m_archive, buffer, size_t(n)) != n) {
                        status = fail(QStringLiteral("'%1': %2").arg(QString::fromUtf8(path),
                            total > st.st_size ? QStringLiteral("grew while being read") : QString::fromLocal8Bit(archive_error_string(m_archive))));
                        break;
                    }
                }
                if (status && total != st.st_size) // libarchive would pad it with zeros: refuse instead
                    status = fail(QStringLiteral("'%1': shrank while being read").arg(QString::fromUtf8(path)));
            }
            if (status && isDir && m_recursive) {
                if (fs::depthOf(path) >= fs::maxTreeDepth)
                    status = fail(ErrorCode::InvalidInput, QStringLiteral("'%1…': the tree is deeper than %2 directories").arg(QString::fromUtf8(path.left(200))).arg(fs::maxTreeDepth));
                else
                    status = writeDir(fd, path + '/');
            }
            if (fd >= 0)
                close(fd);
            return status;
        }

        Status header(archive_entry *entry, const QByteArray &path)
        {
            if (archive_write_header(m_archive, entry) != ARCHIVE_OK)
                return fail(QStringLiteral("'%1': %2").arg(QString::fromUtf8(path), QString::fromLocal8Bit(archive_error_string(m_archive))));
            return {};
        }

        la_int64_t uidOf(uid_t uid) const { return m_root.uid >= 0 && qint64(uid) == m_root.uid ? 0 : la_int64_t(uid); }
        la_int64_t gidOf(gid_t gid) const { return m_root.gid >= 0 && qint64(gid) == m_root.gid ? 0 : la_int64_t(gid); }

        archive *m_archive;
        bool m_recursive;
        LayerWriter::RootOwner m_root;
        QHash<QPair<quint64, quint64>, QByteArray> m_links;
        QByteArray m_buffer;
    };

} // namespace

namespace {

    // Runs `body` with a deterministic PAX writer into `out`, then closes it.
    Status withWriter(BlobWriter &out, const std::function<Status(archive *)> &body)
    {
        archive *a = archive_write_new();
        archive_write_set_format_pax_restricted(a);
        archive_write_set_bytes_per_block(a, 10240);
        archive_write_open(a, &out, nullptr, writeCallback, nullptr);
        Status status = body(a);
        if (archive_write_close(a) != ARCHIVE_OK && status)
            status = fail(QString::fromLocal8Bit(archive_error_string(a)));
        archive_write_free(a);
        return status;
    }

    // Opens `dirPath`, runs `body` with a PAX writer into `out`, and closes both.
    Status withArchive(const QString &dirPath, BlobWriter &out, bool recursive, const std::function<Status(TreeWriter &, int)> &body,
        LayerWriter::RootOwner root = LayerWriter::RootOwner())
    {
        int dirFd = open(QFile::encodeName(dirPath).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dirFd < 0)
            return fail(QStringLiteral("%1: cannot open directory: %2").arg(dirPath, fs::errorText(errno)));
        Status status = withWriter(out, [&](archive *a) {
            TreeWriter writer(a, recursive, root);
            return body(writer, dirFd);
        });
        close(dirFd);
        if (!status)
            return fail(QStringLiteral("%1: %2").arg(dirPath, status.error()));
        return {};
    }

    Status writeEntry(archive *a, const LayerEntry &e, const LayerWriter::OpenContent &open, QByteArray &buffer)
    {
        const QString name = QString::fromUtf8(e.path);
        archive_entry *entry = archive_entry_new();
        auto cleanup = qScopeGuard([&] { archive_entry_free(entry); });
        archive_entry_set_pathname(entry, (S_ISDIR(e.mode) ? e.path + '/' : e.path).constData());
        archive_entry_set_mode(entry, e.mode);
        archive_entry_set_uid(entry, e.uid);
        archive_entry_set_gid(entry, e.gid);
        archive_entry_set_mtime(entry, e.mtimeSec, e.mtimeNsec);
        int fd = -1;
        auto closeFd = qScopeGuard([&] {
            if (fd >= 0)
                close(fd);
        });
        if (S_ISREG(e.mode)) {
            archive_entry_set_size(entry, e.size);
            auto opened = open(e);
            if (!opened)
                return fail(opened.takeError(), QStringLiteral("'%1': ").arg(name));
            fd = opened.value();
        } else if (S_ISLNK(e.mode)) {
            archive_entry_set_symlink(entry, e.linkTarget.constData());
        }
        if (archive_write_header(a, entry) != ARCHIVE_OK)
            return fail(QStringLiteral("'%1': %2").arg(name, QString::fromLocal8Bit(archive_error_string(a))));
        if (fd < 0)
            return {};
        if (buffer.isEmpty())
            buffer.resize(1 << 16);
        qint64 total = 0;
        ssize_t n;
        while ((n = read(fd, buffer.data(), size_t(buffer.size()))) > 0) {
            total += n;
            if (total > e.size)
                return fail(QStringLiteral("'%1': grew while being read").arg(name));
            if (archive_write_data(a, buffer.constData(), size_t(n)) != n)
                return fail(QStringLiteral("'%1': %2").arg(name, QString::fromLocal8Bit(archive_error_string(a))));
        }
        if (n < 0)
            return fail(ErrorCode::Io, QStringLiteral("'%1': %2").arg(name, fs::errorText(errno)));
        if (total != e.size)
            return fail(QStringLiteral("'%1': shrank while being read").arg(name));
        return {};
    }

} // namespace

Status LayerWriter::writeEntries(const QList<LayerEntry> &entries, const OpenContent &open, BlobWriter &out)
{
    QByteArray buffer;
    return withWriter(out, [&](archive *a) -> Status {
        for (const LayerEntry &e : entries)
            STRATA_TRY(writeEntry(a, e, open, buffer));
        return {};
    });
}

Status LayerWriter::writeTree(const QString &dirPath, BlobWriter &out)
{
    return withArchive(dirPath, out, true, [](TreeWriter &writer, int dirFd) { return writer.writeDir(dirFd, {}); });
}

LayerWriter::RootOwner LayerWriter::RootOwner::forStore(bool rootless)
{
    return rootless ? RootOwner { qint64(geteuid()), qint64(getegid()) } : RootOwner {};
}

Status LayerWriter::writeChanges(const QString &root, const QList<Change> &changes, BlobWriter &out, RootOwner root0)
{
    return withArchive(root, out, false, [&](TreeWriter &writer, int rootFd) -> Status {
        QByteArrayList opaque; // directories whose marker hides what lies below them
        const auto underOpaque = [&](const QByteArray &rel) {
            return std::any_of(opaque.cbegin(), opaque.cend(), [&](const QByteArray &d) { return rel.startsWith(QByteArray(d + '/')); });
        };
        for (const Change &c : changes) {
            const QByteArray rel = c.path.mid(1);
            if (c.kind == Change::Kind::Deleted) {
                if (!underOpaque(rel))
                    STRATA_TRY(writer.writeWhiteout(rel));
                continue;
            }
            STRATA_TRY(writer.writePath(rootFd, rel));
            if (writer.isOpaque(rootFd, rel)) {
                STRATA_TRY(writer.writeOpaqueMarker(rootFd, rel));
                opaque.append(rel);
            }
        }
        return {};
    }, root0);
}

} // namespace strata
