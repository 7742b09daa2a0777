#include "layerapplier.h"

#include "confineddirs.h"
#include "entrymetadata.h"
#include "layerstream.h"
#include "tarentry.h"
#include "tarsplit.h"
#include "whiteout.h"

#include "fsutil.h"
#include "sha256.h"

#include <QFile>
#include <QScopeGuard>
#include <QHash>
#include <QList>

#include <archive.h>
#include <archive_entry.h>
#include <cerrno>
#include <cstring>
#include <functional>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace strata {

namespace {

    constexpr qint64 maxHeaderBytes = 1024 * 1024; // one entry's headers (PAX, GNU long names)
    constexpr qint64 freeSpaceCheckBytes = 4 * 1024 * 1024; // written between two looks at the free space
    // What an entry costs besides its data (an inode, a directory block): counted so that a
    // layer of many small files has its free space checked too.
    constexpr qint64 entryCostBytes = 4096;

    QString show(const QByteArray &path) { return QString::fromUtf8(path.left(200)); }

    // The uncompressed stream (hashed by LayerStream) handed to the tar reader.
    struct RawSource {
        LayerStream stream;
        bool failed = false;
        QString error;
        const Progress *progress = nullptr; // advanced by the archive file's bytes as they are read
        qint64 reported = 0;
        TarSplitWriter *split = nullptr; // sees the whole stream
    };

    la_ssize_t readRaw(archive *, void *clientData, const void **buffer)
    {
        auto *src = static_cast<RawSource *>(clientData);
        auto block = src->stream.read();
        if (!block) {
            src->failed = true;
            src->error = block.error();
            return -1;
        }
        *buffer = block->data();
        if (src->split)
            src->split->feed(block->data(), block->size());
        if (src->progress) {
            const qint64 consumed = src->stream.consumed();
            src->progress->advance(consumed - src->reported);
            src->reported = consumed;
        }
        return la_ssize_t(block->size());
    }

    class Applier {
    public:
        Applier(const ApplyOptions &options)
            : m_opt(options)
            , m_meta(options.rootless)
        {
        }
        ~Applier()
        {
            m_confined.clear();
            if (m_root >= 0)
                close(m_root);
        }

        Result<ApplyStats> run(const BlobSource &archive, const QString &targetDir);

    private:
        Error entryError(const QByteArray &path, const QString &cause) const
        {
            return fail(QStringLiteral("%1: entry '%2' %3").arg(m_opt.subject, show(path), cause));
        }
        // For a header without a usable name: where it is, and what came before it.
        Error headerError(la_int64_t offset, const QString &cause) const
        {
            return fail(QStringLiteral("%1: the tar header at byte offset %2 (entry #%3%4) %5")
                            .arg(m_opt.subject)
                            .arg(offset)
                            .arg(m_headers + 1)
                            .arg(m_lastEntry.isEmpty() ? QString() : QStringLiteral(", after '%1'").arg(show(m_lastEntry)))
                            .arg(cause));
        }
        Status account(qint64 bytes, const QByteArray &entryPath);
        Result<QList<QByteArray>> cleanPath(const QByteArray &entryPath, const char *raw, const char *what) const;
        Result<int> openParent(const QList<QByteArray> &parts, qsizetype count, const QByteArray &entryName, bool create);
        Status removeExisting(int dirFd, const QByteArray &name, const QByteArray &path, const QByteArray &entryPath);
        Status applyEntry(archive *tar, archive_entry *entry);
        Status writeFileData(archive *tar, int fd, const QByteArray &entryPath, la_int64_t &end);
        Status createEntry(int dirFd, const QByteArray &base, const QByteArray &cleanKey, const QByteArray &entryPath, const std::function<int()> &create);
        Status named(const Status &status, const QByteArray &entryPath) const
        {
            return status ? status : Status(entryError(entryPath, status.error()));
        }
        Status whiteout(const QList<QByteArray> &parts, const QByteArray &target, const QByteArray &entryPath);
        Status makeOpaque(const QList<QByteArray> &dirParts, const QByteArray &entryPath);
        Status clearDirectoryExcept(int dirFd, const QByteArray &dirPath);

        const ApplyOptions &m_opt;
        int m_root = -1;
        QString m_target;
        qint64 m_reserve = 0; // free space to leave on the target's filesystem
        qint64 m_unchecked = 0; // bytes written since the free space was last looked at
        ConfinedDirs m_confined; // directories of the target, confined to it
        EntryMetadata m_meta;
        QHash<QByteArray, tarentry::Kind> m_seen; // entries of this archive, by clean path
        ApplyStats m_stats;
        TarSplitWriter m_split;
        bool m_splitting = false;
        la_int64_t m_dataStart = 0; // where the current entry's data starts in the stream
        qint64 m_headers = 0;
        QByteArray m_lastEntry;
    };

    Result<QList<QByteArray>> Applier::cleanPath(const QByteArray &entryPath, const char *raw, const char *what) const
    {
        auto parts = tarentry::splitPath(raw, what);
        if (!parts)
            return entryError(entryPath, parts.error());
        return parts;
    }

    // Counts what an entry is about to write and, every few MiB, stops the extraction while the
    // filesystem still has its reserve: a small compressed layer can inflate without bound.
    Status Applier::account(qint64 bytes, const QByteArray &entryPath)
    {
        // Every data block comes through here: a cancel is seen within one block.
        STRATA_TRY(m_opt.progress.checkCancelled(m_opt.subject));
        m_unchecked += bytes;
        if (m_unchecked < freeSpaceCheckBytes)
            return {};
        m_unchecked = 0;
        Status s = LayerApplier::checkFreeSpace(m_target, m_reserve);
        if (!s)
            return entryError(entryPath, QStringLiteral("is not extracted: %1").arg(s.error()));
        return {};
    }

    // The directory of an entry, through the confined cache; errors name the entry.
    Result<int> Applier::openParent(const QList<QByteArray> &parts, qsizetype count, const QByteArray &entryPath, bool create)
    {
        auto fd = m_confined.open(parts, count, create);
        if (!fd)
            return entryError(entryPath, fd.error());
        return fd;
    }

    Status Applier::removeExisting(int dirFd, const QByteArray &name, const QByteArray &path, const QByteArray &entryPath)
    {
        struct stat st;
        if (fstatat(dirFd, name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0)
            return {};
        if (S_ISDIR(st.st_mode)) {
            m_confined.forget(path);
            Status s = fs::removeTreeAt(dirFd, name.constData());
            if (!s)
                return entryError(entryPath, QStringLiteral("cannot replace the existing directory: %1").arg(s.error()));
            return {};
        }
        if (unlinkat(dirFd, name.constData(), 0) != 0)
            return entryError(entryPath, QStringLiteral("cannot replace the existing entry: %1").arg(fs::errorText(errno)));
        return {};
    }

    // Creates an entry with `create` (a call returning 0, or -1 with errno). What the name
    // already holds (from a lower layer in a vfs copy, or an earlier entry) is removed and the
    // call repeated: asking first would cost a stat for every entry of the usual, empty target.
    Status Applier::createEntry(int dirFd, const QByteArray &base, const QByteArray &cleanKey, const QByteArray &entryPath, const std::function<int()> &create)
    {
        if (create() == 0)
            return {};
        if (errno != EEXIST)
            return entryError(entryPath, QStringLiteral("cannot be created: %1").arg(fs::errorText(errno)));
        STRATA_TRY(removeExisting(dirFd, base, cleanKey, entryPath));
        if (create() == 0)
            return {};
        return entryError(entryPath, QStringLiteral("cannot be created: %1").arg(fs::errorText(errno)));
    }

    Status Applier::writeFileData(archive *tar, int fd, const QByteArray &entryPath, la_int64_t &end)
    {
        const void *buf;
        size_t size;
        la_int64_t offset;
        end = 0;
        for (;;) {
            int rc = archive_read_data_block(tar, &buf, &size, &offset);
            if (rc == ARCHIVE_EOF)
                break;
            if (rc != ARCHIVE_OK)
                return entryError(entryPath, QStringLiteral("has unreadable data: %1").arg(QString::fromLocal8Bit(archive_error_string(tar))));
            STRATA_TRY(account(qint64(size), entryPath));
            const char *p = static_cast<const char *>(buf);
            size_t left = size;
            off_t at = off_t(offset);
            while (left > 0) {
                ssize_t n = pwrite(fd, p, left, at);
                if (n < 0) {
                    if (errno == EINTR)
                        continue;
                    return entryError(entryPath, QStringLiteral("cannot be written: %1").arg(fs::errorText(errno)));
                }
                p += n;
                left -= size_t(n);
                at += n;
            }
            end = std::max<la_int64_t>(end, offset + la_int64_t(size));
        }
        return {};
    }

    Status Applier::clearDirectoryExcept(int dirFd, const QByteArray &dirPath)
    {
        auto names = fs::entryNames(dirFd);
        if (!names)
            return fail(QStringLiteral("%1: '%2': %3").arg(m_opt.subject, show(dirPath), names.error()));
        QList<QByteArray> victims;
        for (const QByteArray &name : std::as_const(names.value())) {
            if (!m_seen.contains(dirPath.isEmpty() ? name : dirPath + '/' + name))
                victims.append(name);
        }
        for (const QByteArray &name : std::as_const(victims)) {
            m_confined.forget(dirPath.isEmpty() ? name : dirPath + '/' + name);
            Status s = fs::removeTreeAt(dirFd, name.constData());
            if (!s)
                return fail(QStringLiteral("%1: opaque directory '%2': %3").arg(m_opt.subject, show(dirPath), s.error()));
        }
        return {};
    }

    Status Applier::makeOpaque(const QList<QByteArray> &dirParts, const QByteArray &entryPath)
    {
        auto dirFd = openParent(dirParts, dirParts.size(), entryPath, true);
        if (!dirFd)
            return dirFd.takeError();
        const QByteArray dirPath = dirParts.join('/');
        if (m_opt.whiteouts == WhiteoutStyle::Delete)
            return clearDirectoryExcept(dirFd.value(), dirPath);
        return named(whiteout::markOverlayOpaque(dirFd.value(), m_opt.opaqueXattr), entryPath);
    }

    Status Applier::whiteout(const QList<QByteArray> &parts, const QByteArray &target, const QByteArray &entryPath)
    {
        const bool overlay = m_opt.whiteouts == WhiteoutStyle::Overlay;
        auto dirFd = openParent(parts, parts.size() - 1, entryPath, overlay);
        if (!dirFd)
            return dirFd.takeError();
        QList<QByteArray> targetParts = parts;
        targetParts.last() = target;
        const QByteArray targetPath = targetParts.join('/');
        if (auto it = m_seen.constFind(targetPath); it != m_seen.constEnd() && *it != tarentry::Kind::Whiteout)
            return entryError(entryPath, QStringLiteral("deletes '%1', which the same layer adds").arg(show(targetPath)));
        m_seen.insert(targetPath, tarentry::Kind::Whiteout);
        if (dirFd.value() < 0)
            return {}; // nothing below to delete
        STRATA_TRY(removeExisting(dirFd.value(), target, targetPath, entryPath));
        if (!overlay)
            return {};
        STRATA_TRY(named(whiteout::placeOverlayDeletion(dirFd.value(), target), entryPath));
        ++m_stats.entries;
        return {};
    }

    Status Applier::applyEntry(archive *tar, archive_entry *entry)
    {
        const QByteArray entryPath(archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "");
        auto partsResult = cleanPath(entryPath, entryPath.constData(), "path");
        if (!partsResult)
            return partsResult.takeError();
        const QList<QByteArray> &parts = partsResult.value();
        if (parts.isEmpty())
            return {}; // the root itself ("./"): the snapshot root keeps its own metadata

        const QByteArray &base = parts.last();
        auto special = whiteout::parse(base);
        if (!special)
            return entryError(entryPath, special.error());
        switch (special->type) {
        case whiteout::Name::Type::Opaque:
            return makeOpaque(parts.mid(0, parts.size() - 1), entryPath);
        case whiteout::Name::Type::Bookkeeping:
            return {};
        case whiteout::Name::Type::Deletion:
            return whiteout(parts, special->target, entryPath);
        case whiteout::Name::Type::Plain:
            break;
        }

        using tarentry::Kind;
        auto kindResult = tarentry::kindOf(entry);
        if (!kindResult)
            return entryError(entryPath, kindResult.error());
        const Kind kind = kindResult.value();
        const QByteArray cleanKey = parts.join('/');
        if (auto it = m_seen.constFind(cleanKey); it != m_seen.constEnd() && !tarentry::sameKind(*it, kind))
            return entryError(entryPath, QStringLiteral("is redefined from %1 to %2 within the layer").arg(tarentry::kindName(*it), tarentry::kindName(kind)));
        if (m_splitting && kind != Kind::Directory && m_seen.contains(cleanKey))
            m_split.refuse(QStringLiteral("'%1' is written twice, so the snapshot holds only the second").arg(show(cleanKey)));
        m_seen.insert(cleanKey, kind);
        if (kind == Kind::Device && m_opt.rootless)
            return entryError(entryPath, QStringLiteral("is a device node, which a rootless store cannot create"));

        auto parentResult = openParent(parts, parts.size() - 1, entryPath, true);
        if (!parentResult)
            return parentResult.takeError();
        const int dirFd = parentResult.value();
        ++m_stats.entries;
        STRATA_TRY(account(entryCostBytes, entryPath));

        if (kind == Kind::Directory) {
            if (mkdirat(dirFd, base.constData(), 0700) != 0) {
                const int err = errno;
                struct stat existing;
                if (err != EEXIST || fstatat(dirFd, base.constData(), &existing, AT_SYMLINK_NOFOLLOW) != 0)
                    return entryError(entryPath, QStringLiteral("cannot create directory: %1").arg(fs::errorText(err)));
                if (!S_ISDIR(existing.st_mode)) {
                    STRATA_TRY(removeExisting(dirFd, base, cleanKey, entryPath));
                    if (mkdirat(dirFd, base.constData(), 0700) != 0)
                        return entryError(entryPath, QStringLiteral("cannot create directory: %1").arg(fs::errorText(errno)));
                }
            }
            if (archive_entry_xattr_count(entry) > 0) {
                int fd = openat(dirFd, base.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0)
                    return entryError(entryPath, QStringLiteral("cannot open directory: %1").arg(fs::errorText(errno)));
                Status s = m_meta.applyXattrs(fd, entry);
                close(fd);
                STRATA_TRY(named(s, entryPath));
            }
            STRATA_TRY(named(m_meta.applyOwner(dirFd, base, entry), entryPath));
            m_meta.deferDirectory(cleanKey, entry);
            return {};
        }

        switch (kind) {
        case Kind::Hardlink: {
            const char *hardlink = archive_entry_hardlink(entry);
            auto targetParts = cleanPath(entryPath, hardlink, "link target");
            if (!targetParts)
                return targetParts.takeError();
            if (targetParts->isEmpty())
                return entryError(entryPath, QStringLiteral("is a hard link to the layer root"));
            if (targetParts->join('/') == cleanKey)
                return entryError(entryPath, QStringLiteral("is a hard link to itself"));
            // Both directories are held by descriptors of their own: looking the target up may
            // evict the cached parent (closing it, its number then reused by the next open),
            // and replacing an existing entry may forget cached directories below it; linkat
            // must never reach a directory other than the two named.
            const int linkDir = fcntl(dirFd, F_DUPFD_CLOEXEC, 0);
            if (linkDir < 0)
                return entryError(entryPath, QStringLiteral("cannot hold its directory: %1").arg(fs::errorText(errno)));
            const auto closeLinkDir = qScopeGuard([linkDir] { close(linkDir); });
            auto tdir = openParent(targetParts.value(), targetParts->size() - 1, entryPath, false);
            if (!tdir)
                return tdir.takeError();
            struct stat tst;
            if (tdir.value() < 0 || fstatat(tdir.value(), targetParts->last().constData(), &tst, AT_SYMLINK_NOFOLLOW) != 0)
                return entryError(entryPath, QStringLiteral("is a hard link to '%1', which is not in the layer").arg(QString::fromUtf8(hardlink)));
            if (S_ISDIR(tst.st_mode))
                return entryError(entryPath, QStringLiteral("is a hard link to the directory '%1'").arg(QString::fromUtf8(hardlink)));
            const int targetDir = fcntl(tdir.value(), F_DUPFD_CLOEXEC, 0);
            if (targetDir < 0)
                return entryError(entryPath, QStringLiteral("cannot hold the directory of '%1': %2").arg(QString::fromUtf8(hardlink), fs::errorText(errno)));
            const auto closeTargetDir = qScopeGuard([targetDir] { close(targetDir); });
            return createEntry(linkDir, base, cleanKey, entryPath, [&] {
                return linkat(targetDir, targetParts->last().constData(), linkDir, base.constData(), 0);
            });
        }
        case Kind::File: {
            const EntryMetadata::FilePlan plan = m_meta.planFile(entry);
            if (m_splitting && archive_entry_sparse_count(entry) > 0)
                m_split.refuse(QStringLiteral("'%1' is a sparse file").arg(show(cleanKey)));
            else if (m_splitting)
                m_split.file(m_dataStart, archive_entry_size(entry), cleanKey);
            int fd = -1;
            STRATA_TRY(createEntry(dirFd, base, cleanKey, entryPath, [&] {
                fd = openat(dirFd, base.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, plan.createMode);
                return fd < 0 ? -1 : 0;
            }));
            la_int64_t end = 0;
            Status s = writeFileData(tar, fd, entryPath, end);
            const la_int64_t size = archive_entry_size(entry);
            if (s && end < size && ftruncate(fd, off_t(size)) != 0) // a sparse file's trailing hole
                s = entryError(entryPath, QStringLiteral("cannot be sized: %1").arg(fs::errorText(errno)));
            if (s)
                s = named(m_meta.finishFile(fd, entry, plan), entryPath);
            close(fd);
            m_stats.size += size;
            return s;
        }
        case Kind::Symlink: {
            const char *target = archive_entry_symlink(entry);
            if (!target || std::strlen(target) > size_t(tarentry::maxPathBytes))
                return entryError(entryPath, QStringLiteral("is a symbolic link with a missing or oversized target"));
            STRATA_TRY(createEntry(dirFd, base, cleanKey, entryPath, [&] { return symlinkat(target, dirFd, base.constData()); }));
            m_stats.size += qint64(std::strlen(target)); // as Docker counts a layer: lstat sizes of all but directories
            return named(m_meta.finishSpecial(dirFd, base, entry, false), entryPath);
        }
        case Kind::Device:
        case Kind::Fifo: {
            const dev_t dev = kind == Kind::Device ? makedev(archive_entry_rdevmajor(entry), archive_entry_rdevminor(entry)) : 0;
            const mode_t type = archive_entry_filetype(entry);
            STRATA_TRY(createEntry(dirFd, base, cleanKey, entryPath, [&] { return mknodat(dirFd, base.constData(), type | mode_t(archive_entry_perm(entry)), dev); }));
            return named(m_meta.finishSpecial(dirFd, base, entry, true), entryPath);
        }
        case Kind::Directory:
        case Kind::Whiteout:
            break;
        }
        return {};
    }

    struct ArchiveDeleter {
        void operator()(archive *a) const { archive_read_free(a); }
    };
    using ArchivePtr = std::unique_ptr<archive, ArchiveDeleter>;

    Result<ApplyStats> Applier::run(const BlobSource &archivePath, const QString &targetDir)
    {
        m_root = open(QFile::encodeName(targetDir).constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (m_root < 0)
            return fail(QStringLiteral("%1: cannot open target '%2': %3").arg(m_opt.subject, targetDir, fs::errorText(errno)));
        m_confined.setRoot(m_root);
        if (auto names = fs::entryNames(m_root))
            m_meta.setFreshRoot(names->isEmpty());
        m_target = targetDir;
        m_reserve = LayerApplier::minFreeBytes(targetDir, m_opt.minFreeBytes);

        RawSource src;
        src.progress = &m_opt.progress;
        if (!m_opt.tarSplitPath.isEmpty()) {
            STRATA_TRY(m_split.open(m_opt.tarSplitPath));
            m_splitting = true;
            src.split = &m_split;
        }
        if (Status s = src.stream.open(archivePath); !s)
            return fail(s.takeError(), m_opt.subject + QStringLiteral(": "));

        ArchivePtr tar(archive_read_new());
        archive_read_support_format_tar(tar.get());
        archive_read_support_format_gnutar(tar.get());
        if (archive_read_open(tar.get(), &src, nullptr, readRaw, nullptr) != ARCHIVE_OK) {
            if (src.failed)
                return fail(QStringLiteral("%1: corrupt or truncated compressed data: %2").arg(m_opt.subject, src.error));
            return fail(QStringLiteral("%1: not a tar archive: %2").arg(m_opt.subject, QString::fromLocal8Bit(archive_error_string(tar.get()))));
        }

        for (;;) {
            // The previous entry's unread data first, so that `before` is where the next header starts.
            if (m_headers > 0 && archive_read_data_skip(tar.get()) != ARCHIVE_OK) {
                if (src.failed)
                    return fail(QStringLiteral("%1: corrupt or truncated compressed data: %2").arg(m_opt.subject, src.error));
                return entryError(m_lastEntry, QStringLiteral("has unreadable data: %1").arg(QString::fromLocal8Bit(archive_error_string(tar.get()))));
            }
            const la_int64_t before = archive_filter_bytes(tar.get(), 0);
            archive_entry *entry;
            int rc = archive_read_next_header(tar.get(), &entry);
            if (rc == ARCHIVE_EOF) {
                // At the end-of-archive blocks libarchive consumes them; at the end of the data it
                // consumes nothing. Without them the archive is cut short, or an entry's size field
                // claims more than its data and swallowed them: the extraction would differ from
                // what was meant.
                if (archive_filter_bytes(tar.get(), 0) == before && m_headers > 0) {
                    if (src.failed)
                        return fail(QStringLiteral("%1: corrupt or truncated compressed data: %2").arg(m_opt.subject, src.error));
                    return fail(QStringLiteral("%1: the archive ends after entry '%2' without its end-of-archive blocks: it is truncated, or that entry's size "
                                               "field disagrees with its data")
                                    .arg(m_opt.subject, show(m_lastEntry)));
                }
                break;
            }
            m_dataStart = archive_filter_bytes(tar.get(), 0);
            const la_int64_t headerBytes = m_dataStart - before;
            STRATA_TRY(m_opt.progress.checkCancelled(m_opt.subject)); // also between entries without data
            if (rc < ARCHIVE_WARN) {
                if (src.failed)
                    return fail(QStringLiteral("%1: corrupt or truncated compressed data: %2").arg(m_opt.subject, src.error));
                return fail(QStringLiteral("%1: entry #%2%3 has an unreadable tar header: %4")
                                .arg(m_opt.subject)
                                .arg(m_headers + 1)
                                .arg(m_lastEntry.isEmpty() ? QString() : QStringLiteral(" (after '%1')").arg(show(m_lastEntry)))
                                .arg(QString::fromLocal8Bit(archive_error_string(tar.get()))));
            }
            const char *rawName = rc == ARCHIVE_RETRY ? nullptr : archive_entry_pathname(entry);
            if (LayerApplier::damagedHeader(tar.get(), rc)) {
                const QString cause = QString::fromLocal8Bit(archive_error_string(tar.get()));
                if (!rawName || !*rawName)
                    return headerError(before, QStringLiteral("is damaged: %1").arg(cause));
                return entryError(rawName, QStringLiteral("has a damaged tar header at byte offset %1: %2").arg(before).arg(cause));
            }
            const QByteArray name(rawName ? rawName : "");
            ++m_headers;
            m_lastEntry = name;
            if (headerBytes > maxHeaderBytes)
                return entryError(name, QStringLiteral("has headers of %1 bytes, more than the limit of %2").arg(headerBytes).arg(maxHeaderBytes));
            STRATA_TRY(applyEntry(tar.get(), entry));
            if (src.failed)
                return fail(QStringLiteral("%1: corrupt or truncated compressed data: %2").arg(m_opt.subject, src.error));
        }
        // The diffID covers the whole stream, padding after the end-of-archive blocks included.
        const void *buf;
        la_ssize_t n;
        while ((n = readRaw(tar.get(), &src, &buf)) > 0) { }
        if (n < 0 || src.failed)
            return fail(QStringLiteral("%1: corrupt or truncated compressed data: %2").arg(m_opt.subject, src.error));
        if (Status s = m_meta.finishDirectories(m_confined); !s)
            return fail(s.takeError(), m_opt.subject + QStringLiteral(": "));
        m_stats.diffId = src.stream.finish();
        m_stats.compressed = src.stream.compressed();
        if (m_splitting) {
            if (Status s = m_split.finish(); !s)
                return fail(s.takeError(), m_opt.subject + QStringLiteral(": "));
            m_stats.tarSplit = m_split.refused().isEmpty();
            m_stats.tarSplitRefused = m_split.refused();
        }
        return m_stats;
    }

} // namespace

Result<ApplyStats> LayerApplier::apply(const BlobSource &archive, const QString &targetDir, const ApplyOptions &options)
{
    Applier applier(options);
    return applier.run(archive, targetDir);
}

bool LayerApplier::damagedHeader(archive *tar, int rc)
{
    if (rc == ARCHIVE_RETRY)
        return true;
    // libarchive warns with ARCHIVE_ERRNO_FILE_FORMAT (EILSEQ on Linux) only when a name cannot
    // be converted to the locale; every other warning is a header it read only in part.
    return rc == ARCHIVE_WARN && archive_errno(tar) != EILSEQ;
}

qint64 LayerApplier::minFreeBytes(const QString &dir, qint64 configured)
{
    if (configured >= 0)
        return configured;
    bool ok = false;
    const qint64 fromEnvironment = qEnvironmentVariable("STRATA_MIN_FREE_BYTES").toLongLong(&ok);
    if (ok && fromEnvironment >= 0)
        return fromEnvironment;
    constexpr qint64 atMost = qint64(1) << 30;
    struct statvfs st;
    if (statvfs(QFile::encodeName(dir).constData(), &st) != 0)
        return atMost;
    return std::min<qint64>(atMost, qint64(st.f_blocks) * qint64(st.f_frsize) / 20);
}

Status LayerApplier::checkFreeSpace(const QString &dir, qint64 reserve)
{
    struct statvfs st;
    if (statvfs(QFile::encodeName(dir).constData(), &st) != 0)
        return {}; // unknown: a full disk still fails the write itself
    const qint64 available = qint64(st.f_bavail) * qint64(st.f_frsize);
    if (available >= reserve)
        return {};
    return fail(QStringLiteral("%1 bytes are free on the filesystem of '%2', less than the %3 bytes it must keep free (STRATA_MIN_FREE_BYTES)")
                    .arg(available)
                    .arg(dir)
                    .arg(reserve));
}

} // namespace strata
