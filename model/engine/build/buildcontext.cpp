#include "buildcontext.h"

#include "confineddirs.h"
#include "fsutil.h"
#include "uniquefd.h"
#include "sha256.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QScopeGuard>

#include <archive.h>
#include <archive_entry.h>
#include <quazip.h>
#include <quazipfile.h>
#include <quazipfileinfo.h>

#include <algorithm>
#include <cerrno>
#include <functional>
#include <optional>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

namespace strata {

namespace {

    constexpr qint64 maxIgnoreFileBytes = 16 * 1024 * 1024;
    constexpr qint64 maxLinkTargetBytes = 4096;
    constexpr qsizetype maxEntryNameBytes = 4096;
    constexpr int maxLinksFollowed = 255; // moby/pkg/symlink's limit for one path
    constexpr qint64 chunkBytes = 1024 * 1024;

    QString show(const QByteArray &name) { return QString::fromUtf8(name.left(300)); }
    QString show(const QString &name) { return name.left(300); }


    QString joinPath(const QString &dir, const QString &name) { return dir.isEmpty() ? name : dir + QLatin1Char('/') + name; }

    QString kindOfSpecial(mode_t mode)
    {
        if (S_ISFIFO(mode))
            return QStringLiteral("fifo");
        if (S_ISSOCK(mode))
            return QStringLiteral("socket");
        if (S_ISCHR(mode) || S_ISBLK(mode))
            return QStringLiteral("device node");
        return QStringLiteral("file of an unsupported type");
    }

    // ---------------------------------------------------------------------------------------
    // Unpacking an archive context into the scratch directory.

    // Where an entry's data comes from: fills `buffer`, returns the bytes read, 0 at the end.
    using DataSource = std::function<Result<qint64>(char *buffer, qint64 size)>;

    class Unpacker {
    public:
        Unpacker(const QString &archive, const BuildContext::Limits &limits, const Progress &progress)
            : m_archive(archive)
            , m_limits(limits)
            , m_progress(progress)
        {
        }
        ~Unpacker()
        {
            m_dirs.clear();
            if (m_root >= 0)
                ::close(m_root);
        }

        Status run(const QString &scratchDir);

    private:
        struct Deferred {
            QByteArray path;
            mode_t mode;
            timespec mtime;
        };

        Error archiveError(const QString &cause) const
        {
            return fail(ErrorCode::InvalidInput, QStringLiteral("build context '%1': %2").arg(m_archive, cause));
        }
        Error entryError(const QByteArray &name, const QString &cause, ErrorCode code = ErrorCode::InvalidInput) const
        {
            return fail(code, QStringLiteral("build context '%1': entry '%2' %3").arg(m_archive, show(name), cause));
        }

        Status unpackTar();
        Status unpackZip();
        Result<QList<QByteArray>> admit(const QByteArray &name, bool isDirectory);
        Status checkLinkTarget(const QList<QByteArray> &parts, const QByteArray &target, const QByteArray &name) const;
        Result<int> parentOf(const QList<QByteArray> &parts, const QByteArray &name);
        Status makeDirectory(const QList<QByteArray> &parts, mode_t mode, timespec mtime, const QByteArray &name);
        Status makeFile(const QList<QByteArray> &parts, mode_t mode, timespec mtime, qint64 declaredSize, const DataSource &data, const QByteArray &name);
        Status makeSymlink(const QList<QByteArray> &parts, const QByteArray &target, timespec mtime, const QByteArray &name);
        Status makeHardlink(const QList<QByteArray> &parts, const QByteArray &target, const QByteArray &name);
        Status finishDirectories();

        const QString m_archive;
        const BuildContext::Limits m_limits;
        const Progress &m_progress;
        int m_root = -1;
        ConfinedDirs m_dirs;
        QHash<QByteArray, bool> m_seen; // clean path -> is a directory
        qint64 m_bytes = 0;
        qint64 m_entries = 0;
        QList<Deferred> m_deferred;
    };

    // Splits, cleans and admits one entry name: refuses absolute names, `..`, duplicates, and
    // more entries than the limit. An empty list is the context root ("./").
    Result<QList<QByteArray>> Unpacker::admit(const QByteArray &name, bool isDirectory)
    {
        STRATA_TRY(m_progress.checkCancelled(QStringLiteral("build context '%1'").arg(m_archive)));
        if (name.isEmpty())
            return entryError(name, QStringLiteral("has an empty name"));
        if (name.size() > maxEntryNameBytes)
            return entryError(name, QStringLiteral("has a name longer than %1 bytes").arg(maxEntryNameBytes));
        if (name.startsWith('/'))
            return entryError(name, QStringLiteral("has an absolute name"));
        if (name.contains('\0'))
            return entryError(name, QStringLiteral("has a NUL byte in its name"));
        QList<QByteArray> parts;
        for (const QByteArray &part : name.split('/')) {
            if (part.isEmpty() || part == ".")
                continue;
            if (part == "..")
                return entryError(name, QStringLiteral("leaves the build context ('..')"));
            parts.append(part);
        }
        if (parts.isEmpty())
            return parts;
        if (++m_entries > m_limits.maxEntries)
            return entryError(name, QStringLiteral("is one entry more than the limit of %1 entries").arg(m_limits.maxEntries));
        const QByteArray key = parts.join('/');
        if (m_seen.contains(key))
            return entryError(name, QStringLiteral("appears twice in the archive"));
        m_seen.insert(key, isDirectory);
        return parts;
    }

    // A link the archive makes is never followed here, but the context would hand it to COPY:
    // one that points outside the context is refused as the archive is read.
    Status Unpacker::checkLinkTarget(const QList<QByteArray> &parts, const QByteArray &target, const QByteArray &name) const
    {
        if (target.isEmpty() || target.size() > maxLinkTargetBytes)
            return entryError(name, QStringLiteral("is a symbolic link with an empty or oversized target"));
        if (target.startsWith('/'))
            return entryError(name, QStringLiteral("is a symbolic link to the absolute path '%1', outside the build context").arg(show(target)));
        if (target.contains('\0'))
            return entryError(name, QStringLiteral("is a symbolic link with a NUL byte in its target"));
        qsizetype depth = parts.size() - 1;
        for (const QByteArray &part : target.split('/')) {
            if (part.isEmpty() || part == ".")
                continue;
            depth += part == ".." ? -1 : 1;
            if (depth < 0)
                return entryError(name, QStringLiteral("is a symbolic link to '%1', outside the build context").arg(show(target)));
        }
        return {};
    }

    Result<int> Unpacker::parentOf(const QList<QByteArray> &parts, const QByteArray &name)
    {
        auto fd = m_dirs.open(parts, parts.size() - 1, true);
        if (!fd)
            return entryError(name, fd.error(), fd.code());
        return fd;
    }

    Status Unpacker::makeDirectory(const QList<QByteArray> &parts, mode_t mode, timespec mtime, const QByteArray &name)
    {
        auto dirFd = parentOf(parts, name);
        if (!dirFd)
            return dirFd.takeError();
        const QByteArray &base = parts.last();
        if (mkdirat(dirFd.value(), base.constData(), 0700) != 0) {
            const int err = errno;
            struct stat st;
            // Made already as the parent of an earlier entry: fine.
            if (err != EEXIST || fstatat(dirFd.value(), base.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode))
                return entryError(name, QStringLiteral("cannot be created: %1").arg(fs::errorText(err)), ErrorCode::Io);
        }
        // Modes and times last: a read-only directory must still take its entries, and each
        // entry made in a directory changes its time.
        m_deferred.append({ parts.join('/'), mode & 07777, mtime });
        return {};
    }

    Status Unpacker::makeFile(const QList<QByteArray> &parts, mode_t mode, timespec mtime, qint64 declaredSize, const DataSource &data, const QByteArray &name)
    {
        if (declaredSize > m_limits.maxBytes - m_bytes)
            return entryError(name, QStringLiteral("would unpack the build context to more than its limit of %1 bytes").arg(m_limits.maxBytes));
        auto dirFd = parentOf(parts, name);
        if (!dirFd)
            return dirFd.takeError();
        fs::UniqueFd fd(openat(dirFd.value(), parts.last().constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (fd.get() < 0) {
            if (errno == EEXIST)
                return entryError(name, QStringLiteral("conflicts with the directory that an earlier entry implies"));
            return entryError(name, QStringLiteral("cannot be created: %1").arg(fs::errorText(errno)), ErrorCode::Io);
        }
        QByteArray buffer(chunkBytes, Qt::Uninitialized);
        for (;;) {
            auto n = data(buffer.data(), buffer.size());
            if (!n)
                return entryError(name, n.error());
            if (n.value() == 0)
                break;
            // Counted as it arrives: a compressed entry may well lie about its size.
            m_bytes += n.value();
            if (m_bytes > m_limits.maxBytes)
                return entryError(name, QStringLiteral("unpacks the build context to more than its limit of %1 bytes").arg(m_limits.maxBytes));
            STRATA_TRY(m_progress.checkCancelled(QStringLiteral("build context '%1'").arg(m_archive)));
            const char *p = buffer.constData();
            qint64 left = n.value();
            while (left > 0) {
                const ssize_t w = ::write(fd.get(), p, size_t(left));
                if (w < 0) {
                    if (errno == EINTR)
                        continue;
                    return entryError(name, QStringLiteral("cannot be written: %1").arg(fs::errorText(errno)), ErrorCode::Io);
                }
                p += w;
                left -= w;
            }
        }
        const timespec times[2] = { mtime, mtime };
        if (fchmod(fd.get(), mode & 07777) != 0 || futimens(fd.get(), times) != 0)
            return entryError(name, QStringLiteral("cannot take its mode and time: %1").arg(fs::errorText(errno)), ErrorCode::Io);
        return {};
    }

    Status Unpacker::makeSymlink(const QList<QByteArray> &parts, const QByteArray &target, timespec mtime, const QByteArray &name)
    {
        STRATA_TRY(checkLinkTarget(parts, target, name));
        auto dirFd = parentOf(parts, name);
        if (!dirFd)
            return dirFd.takeError();
        const QByteArray &base = parts.last();
        if (symlinkat(target.constData(), dirFd.value(), base.constData()) != 0) {
            if (errno == EEXIST)
                return entryError(name, QStringLiteral("conflicts with the directory that an earlier entry implies"));
            return entryError(name, QStringLiteral("cannot be created: %1").arg(fs::errorText(errno)), ErrorCode::Io);
        }
        const timespec times[2] = { mtime, mtime };
        utimensat(dirFd.value(), base.constData(), times, AT_SYMLINK_NOFOLLOW); // a link's time is cosmetic
        return {};
    }

    Status Unpacker::makeHardlink(const QList<QByteArray> &parts, const QByteArray &target, const QByteArray &name)
    {
        if (target.startsWith('/'))
            return entryError(name, QStringLiteral("is a hard link to the absolute path '%1'").arg(show(target)));
        QList<QByteArray> targetParts;
        for (const QByteArray &part : target.split('/')) {
            if (part.isEmpty() || part == ".")
                continue;
            if (part == "..")
                return entryError(name, QStringLiteral("is a hard link to '%1', outside the build context").arg(show(target)));
            targetParts.append(part);
        }
        const QByteArray targetKey = targetParts.join('/');
        auto seen = m_seen.constFind(targetKey);
        if (targetParts.isEmpty() || seen == m_seen.constEnd() || targetKey == parts.join('/'))
            return entryError(name, QStringLiteral("is a hard link to '%1', which no earlier entry made").arg(show(target)));
        if (*seen)
            return entryError(name, QStringLiteral("is a hard link to the directory '%1'").arg(show(target)));
        auto dirFd = parentOf(parts, name);
        if (!dirFd)
            return dirFd.takeError();
        // Held apart from the cache: opening the target's directory may evict this one.
        fs::UniqueFd linkDir(fcntl(dirFd.value(), F_DUPFD_CLOEXEC, 0));
        if (linkDir.get() < 0)
            return entryError(name, QStringLiteral("cannot hold its directory: %1").arg(fs::errorText(errno)), ErrorCode::Io);
        auto targetDir = m_dirs.open(targetParts, targetParts.size() - 1, false);
        if (!targetDir)
            return entryError(name, QStringLiteral("is a hard link whose target %1").arg(targetDir.error()), targetDir.code());
        if (targetDir.value() < 0)
            return entryError(name, QStringLiteral("is a hard link to '%1', which is not in the archive").arg(show(target)));
        // No AT_SYMLINK_FOLLOW: a link to a symbolic link links the link itself.
        if (linkat(targetDir.value(), targetParts.last().constData(), linkDir.get(), parts.last().constData(), 0) != 0)
            return entryError(name, QStringLiteral("cannot be linked to '%1': %2").arg(show(target), fs::errorText(errno)), ErrorCode::Io);
        return {};
    }

    Status Unpacker::finishDirectories()
    {
        // Deepest first, so that a parent's time is set after its children changed it.
        std::sort(m_deferred.begin(), m_deferred.end(), [](const Deferred &a, const Deferred &b) { return a.path.count('/') > b.path.count('/'); });
        for (const Deferred &d : std::as_const(m_deferred)) {
            fs::UniqueFd fd(fs::openBeneath(m_root, d.path, O_RDONLY | O_DIRECTORY));
            const timespec times[2] = { d.mtime, d.mtime };
            if (fd.get() < 0 || fchmod(fd.get(), d.mode) != 0 || futimens(fd.get(), times) != 0)
                return entryError(d.path, QStringLiteral("cannot take its mode and time: %1").arg(fs::errorText(errno)), ErrorCode::Io);
        }
        return {};
    }

    struct ArchiveDeleter {
        void operator()(archive *a) const { archive_read_free(a); }
    };

    Status Unpacker::unpackTar()
    {
        std::unique_ptr<archive, ArchiveDeleter> tar(archive_read_new());
        // Only the formats and filters a context may come in: no other archive formats, and no
        // filter that would run an external program.
        archive_read_support_format_tar(tar.get());
        archive_read_support_format_gnutar(tar.get());
        archive_read_support_filter_gzip(tar.get());
        archive_read_support_filter_bzip2(tar.get());
        archive_read_support_filter_xz(tar.get());
        archive_read_support_filter_lzma(tar.get());
        archive_read_support_filter_zstd(tar.get());
        if (archive_read_open_filename(tar.get(), QFile::encodeName(m_archive).constData(), 64 * 1024) != ARCHIVE_OK)
            return archiveError(QStringLiteral("is not a tar or zip archive: %1").arg(QString::fromLocal8Bit(archive_error_string(tar.get()))));
        qint64 reported = 0;
        QByteArray last;
        for (;;) {
            archive_entry *entry = nullptr;
            const int rc = archive_read_next_header(tar.get(), &entry);
            if (rc == ARCHIVE_EOF)
                break;
            const char *rawName = entry ? archive_entry_pathname(entry) : nullptr;
            if (rc < ARCHIVE_WARN || !rawName) {
                const QString where = last.isEmpty() ? QStringLiteral("its first entry") : QStringLiteral("the entry after '%1'").arg(show(last));
                return archiveError(QStringLiteral("%1 is unreadable: %2").arg(where, QString::fromLocal8Bit(archive_error_string(tar.get()))));
            }
            const QByteArray name(rawName);
            last = name;
            const qint64 consumed = archive_filter_bytes(tar.get(), -1);
            m_progress.advance(consumed - reported);
            reported = consumed;

            const char *hardlink = archive_entry_hardlink(entry);
            const mode_t type = archive_entry_filetype(entry);
            auto parts = admit(name, !hardlink && type == AE_IFDIR);
            if (!parts)
                return parts.takeError();
            if (parts->isEmpty())
                continue; // the root: the scratch directory stays as it is
            const timespec mtime { archive_entry_mtime(entry), archive_entry_mtime_nsec(entry) };
            const mode_t mode = mode_t(archive_entry_perm(entry));
            if (hardlink) {
                STRATA_TRY(makeHardlink(parts.value(), QByteArray(hardlink), name));
                continue;
            }
            switch (type) {
            case AE_IFDIR:
                STRATA_TRY(makeDirectory(parts.value(), mode, mtime, name));
                break;
            case AE_IFREG: {
                archive *a = tar.get();
                const DataSource data = [a](char *buffer, qint64 size) -> Result<qint64> {
                    const la_ssize_t n = archive_read_data(a, buffer, size_t(size));
                    if (n < 0)
                        return fail(ErrorCode::InvalidInput, QStringLiteral("has unreadable data: %1").arg(QString::fromLocal8Bit(archive_error_string(a))));
                    return qint64(n);
                };
                STRATA_TRY(makeFile(parts.value(), mode, mtime, archive_entry_size_is_set(entry) ? archive_entry_size(entry) : 0, data, name));
                break;
            }
            case AE_IFLNK: {
                const char *target = archive_entry_symlink(entry);
                STRATA_TRY(makeSymlink(parts.value(), QByteArray(target ? target : ""), mtime, name));
                break;
            }
            default:
                // Docker would copy a device node or fifo out of a context; a context is source
                // code and files, and creating nodes from an untrusted archive is refused.
                return entryError(name, QStringLiteral("is a %1, which a build context may not hold").arg(kindOfSpecial(type)));
            }
        }
        return {};
    }

    Status Unpacker::unpackZip()
    {
        QuaZip zip(m_archive);
        if (!zip.open(QuaZip::mdUnzip))
            return archiveError(QStringLiteral("is not a readable zip archive (error %1)").arg(zip.getZipError()));
        QuaZipFileInfo64 info;
        for (bool more = zip.goToFirstFile(); more; more = zip.goToNextFile()) {
            if (!zip.getCurrentFileInfo(&info))
                return archiveError(QStringLiteral("has an unreadable directory entry (error %1)").arg(zip.getZipError()));
            const QByteArray name = info.name.toUtf8();
            m_progress.advance(qint64(info.compressedSize));
            // Unix modes, when the zip was made on Unix, live in the high half of the external
            // attributes; without them, a name ending in '/' is a directory.
            const quint32 unixMode = info.externalAttr >> 16;
            mode_t type = unixMode & S_IFMT;
            if (type == 0)
                type = name.endsWith('/') ? S_IFDIR : S_IFREG;
            if (name.endsWith('/') && type != S_IFDIR)
                return entryError(name, QStringLiteral("has a directory's name but is a %1").arg(type == S_IFLNK ? QStringLiteral("symbolic link") : QStringLiteral("file")));
            const mode_t mode = (unixMode & 07777) ? mode_t(unixMode & 07777) : (type == S_IFDIR ? 0755 : 0644);
            auto parts = admit(name, type == S_IFDIR);
            if (!parts)
                return parts.takeError();
            if (parts->isEmpty())
                continue;
            const qint64 msecs = info.dateTime.isValid() ? info.dateTime.toMSecsSinceEpoch() : 0;
            const timespec mtime { time_t(msecs / 1000), long(msecs % 1000) * 1000000 };
            if (type == S_IFDIR) {
                STRATA_TRY(makeDirectory(parts.value(), mode, mtime, name));
                continue;
            }
            if (type != S_IFREG && type != S_IFLNK)
                return entryError(name, QStringLiteral("is a %1, which a build context may not hold").arg(kindOfSpecial(type)));
            QuaZipFile file(&zip);
            if (!file.open(QIODevice::ReadOnly))
                return entryError(name, QStringLiteral("cannot be read (error %1): encrypted, or compressed in a way not supported").arg(file.getZipError()));
            const DataSource data = [&file](char *buffer, qint64 size) -> Result<qint64> {
                const qint64 n = file.read(buffer, size);
                if (n < 0)
                    return fail(ErrorCode::InvalidInput, QStringLiteral("has corrupt data (error %1)").arg(file.getZipError()));
                return n;
            };
            if (type == S_IFLNK) {
                // The link's target is the entry's data.
                QByteArray target;
                char buffer[maxLinkTargetBytes + 1];
                for (;;) {
                    auto n = data(buffer, qint64(sizeof buffer));
                    if (!n)
                        return entryError(name, n.error());
                    if (n.value() == 0)
                        break;
                    target.append(buffer, n.value());
                    if (target.size() > maxLinkTargetBytes)
                        return entryError(name, QStringLiteral("is a symbolic link with an oversized target"));
                }
                STRATA_TRY(makeSymlink(parts.value(), target, mtime, name));
            } else {
                STRATA_TRY(makeFile(parts.value(), mode, mtime, qint64(info.uncompressedSize), data, name));
            }
            file.close();
            if (file.getZipError() != UNZ_OK)
                return entryError(name, QStringLiteral("has corrupt data: its checksum does not match (error %1)").arg(file.getZipError()));
        }
        if (zip.getZipError() != UNZ_OK)
            return archiveError(QStringLiteral("cannot be read to its end (error %1)").arg(zip.getZipError()));
        return {};
    }

    bool looksLikeZip(const QString &path)
    {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return false;
        const QByteArray magic = f.read(4);
        return magic == QByteArrayView("PK\x03\x04", 4) || magic == QByteArrayView("PK\x05\x06", 4);
    }

    Status Unpacker::run(const QString &scratchDir)
    {
        m_root = ::open(QFile::encodeName(scratchDir).constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (m_root < 0)
            return fail(ErrorCode::Io, QStringLiteral("build context '%1': cannot open the scratch directory '%2': %3").arg(m_archive, scratchDir, fs::errorText(errno)));
        auto names = fs::entryNames(m_root);
        if (!names)
            return fail(ErrorCode::Io, QStringLiteral("build context '%1': scratch directory '%2': %3").arg(m_archive, scratchDir, names.error()));
        if (!names->isEmpty())
            return fail(ErrorCode::InvalidInput, QStringLiteral("build context '%1': the scratch directory '%2' is not empty").arg(m_archive, scratchDir));
        m_dirs.setRoot(m_root);
        m_progress.begin(QStringLiteral("Unpacking the build context"), QFileInfo(m_archive).size());
        STRATA_TRY(looksLikeZip(m_archive) ? unpackZip() : unpackTar());
        STRATA_TRY(finishDirectories());
        m_progress.finishPhase();
        return {};
    }

    // ---------------------------------------------------------------------------------------
    // Reading the context as Docker's daemon sees it.
    //
    // The docker CLI sends the context as a tar (pkg/archive TarWithOptions, owners forced to
    // 0:0) without what .dockerignore excludes, and the classic builder hashes each entry of that
    // tar with tarsum v1. A path is therefore "sent" (in the tar), "implicit" (an excluded
    // directory the CLI still walked because an exception might bring back something inside,
    // and that does hold a sent entry: the daemon makes it when unpacking, but it has no header
    // of its own) or absent, and everything here works from that view.

    enum class Presence { Absent, Sent, Implicit };

    struct Resolution {
        enum class Kind { Found, Missing, Escapes, Loop } kind = Kind::Missing;
        QString path; // clean, "" for the root
        struct stat st {};
        QString link; // Escapes: the link that leads out, and its target
        QString target;
    };

    class Reader {
    public:
        Reader(int rootFd, const IgnorePatterns &ignore)
            : m_root(rootFd)
            , m_ignore(ignore)
        {
        }

        Result<QList<ContextSource>> sources(const QStringList &patterns);

    private:
        Result<std::optional<struct stat>> lstatPath(const QString &rel) const;
        bool ancestorsWalked(const QString &rel) const;
        Result<bool> hasSentDescendant(const QString &rel, int depth) const;
        Result<Presence> presenceOf(const QString &rel, const struct stat &st) const;
        Result<Resolution> resolve(const QStringList &start, const QStringList &fromLink, const QString &link, bool followLast) const;
        Result<ContextSource> sourceAt(const QString &path, const QString &given);
        Status listDirectory(int dirFd, const QString &rel, const QString &source, const QString &given, int depth, QList<ContextEntry> &entries, QStringList &hashes);
        Result<QString> linkHash(const QString &rel, const QString &target, const QString &given);
        Result<QString> headerSum(const QString &rel, const struct stat &st);
        Status collectHardlinks(int dirFd, const QString &rel, int depth);
        Status globWalk(int dirFd, const QString &rel, int depth, int maxDepth, const QString &pattern, QStringList &matches) const;
        ContextEntry entryFor(const QString &rel, const QString &source, const struct stat &st) const;

        const int m_root;
        const IgnorePatterns &m_ignore;
        QHash<QString, QString> m_sums; // tarsum of each sent entry, by path
        bool m_hardlinksKnown = false;
        QHash<QPair<quint64, quint64>, QString> m_firstLink; // (dev, ino) -> the first path the CLI sends it under
    };

    Error notFound(const QString &given)
    {
        return fail(ErrorCode::NotFound, QStringLiteral("file not found in build context or excluded by .dockerignore: %1").arg(given));
    }

    Error escapes(const QString &given, const Resolution &r)
    {
        return fail(ErrorCode::InvalidInput,
                    QStringLiteral("%1: the symbolic link '%2' points outside the build context (to '%3')").arg(given, show(r.link), show(r.target)));
    }

    Result<std::optional<struct stat>> Reader::lstatPath(const QString &rel) const
    {
        struct stat st;
        if (rel.isEmpty()) {
            if (fstat(m_root, &st) != 0)
                return fail(ErrorCode::Io, QStringLiteral("the build context's root: %1").arg(fs::errorText(errno)));
            return std::optional<struct stat>(st);
        }
        const qsizetype slash = rel.lastIndexOf(QLatin1Char('/'));
        const QByteArray parent = slash < 0 ? QByteArray() : rel.left(slash).toUtf8();
        const QByteArray base = rel.mid(slash + 1).toUtf8();
        fs::UniqueFd dir(fs::openBeneath(m_root, parent, O_RDONLY | O_DIRECTORY));
        if (dir.get() < 0) {
            if (errno == ENOENT || errno == ENOTDIR)
                return std::optional<struct stat>();
            if (errno == ELOOP || errno == EXDEV)
                return fail(ErrorCode::InvalidInput, QStringLiteral("'%1' goes through a symbolic link").arg(show(rel)));
            return fail(ErrorCode::Io, QStringLiteral("'%1': %2").arg(show(rel), fs::errorText(errno)));
        }
        if (fstatat(dir.get(), base.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
            if (errno == ENOENT || errno == ENOTDIR)
                return std::optional<struct stat>();
            return fail(ErrorCode::Io, QStringLiteral("'%1': %2").arg(show(rel), fs::errorText(errno)));
        }
        return std::optional<struct stat>(st);
    }

    // Whether the CLI's walk reaches `rel`: no parent directory of it was excluded and skipped.
    bool Reader::ancestorsWalked(const QString &rel) const
    {
        for (qsizetype at = rel.indexOf(QLatin1Char('/')); at >= 0; at = rel.indexOf(QLatin1Char('/'), at + 1)) {
            const QString dir = rel.left(at);
            if (m_ignore.excluded(dir) && !m_ignore.mayIncludeUnder(dir))
                return false;
        }
        return true;
    }

    Result<bool> Reader::hasSentDescendant(const QString &rel, int depth) const
    {
        if (depth > fs::maxTreeDepth)
            return fail(ErrorCode::InvalidInput, QStringLiteral("'%1' is nested deeper than %2 directories").arg(show(rel)).arg(fs::maxTreeDepth));
        fs::UniqueFd dir(fs::openBeneath(m_root, rel.toUtf8(), O_RDONLY | O_DIRECTORY));
        if (dir.get() < 0)
            return false;
        auto names = fs::entryNames(dir.get());
        if (!names)
            return fail(ErrorCode::Io, QStringLiteral("'%1': %2").arg(show(rel), names.error()));
        for (const QByteArray &name : std::as_const(names.value())) {
            const QString child = joinPath(rel, QString::fromUtf8(name));
            if (!m_ignore.excluded(child))
                return true;
            struct stat st;
            if (fstatat(dir.get(), name.constData(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode) && m_ignore.mayIncludeUnder(child)) {
                auto below = hasSentDescendant(child, depth + 1);
                if (!below)
                    return below.takeError();
                if (below.value())
                    return true;
            }
        }
        return false;
    }

    Result<Presence> Reader::presenceOf(const QString &rel, const struct stat &st) const
    {
        if (rel.isEmpty())
            return Presence::Sent; // the root, always there (it has no entry of its own though)
        if (!ancestorsWalked(rel))
            return Presence::Absent;
        if (!m_ignore.excluded(rel))
            return Presence::Sent;
        if (!S_ISDIR(st.st_mode) || !m_ignore.mayIncludeUnder(rel))
            return Presence::Absent;
        auto below = hasSentDescendant(rel, int(rel.count(QLatin1Char('/'))) + 1);
        if (!below)
            return below.takeError();
        return below.value() ? Presence::Implicit : Presence::Absent;
    }

    // Resolves `start` + `fromLink` inside the context as moby's FollowSymlinkInScope does,
    // component by component, links followed (the last only if `followLast`), except that a link
    // that is absolute or climbs above the root is an escape rather than clamped to the root.
    // What .dockerignore leaves out counts as missing. `link` names the link `fromLink` comes
    // from (for errors), if any.
    Result<Resolution> Reader::resolve(const QStringList &start, const QStringList &fromLink, const QString &link, bool followLast) const
    {
        struct Part {
            QString name;
            QString origin; // the link whose target it comes from
            QString target;
        };
        QList<Part> queue;
        for (const QString &s : start)
            queue.append({ s, QString(), QString() });
        for (const QString &s : fromLink)
            queue.append({ s, link, fromLink.join(QLatin1Char('/')) });
        QStringList done;
        int followed = 0;
        Resolution r;
        while (!queue.isEmpty()) {
            const Part part = queue.takeFirst();
            if (part.name.isEmpty() || part.name == QLatin1String("."))
                continue;
            if (part.name == QLatin1String("..")) {
                if (done.isEmpty()) {
                    r.kind = Resolution::Kind::Escapes;
                    r.link = part.origin;
                    r.target = part.target;
                    return r;
                }
                done.removeLast();
                continue;
            }
            const QString candidate = joinPath(done.join(QLatin1Char('/')), part.name);
            auto st = lstatPath(candidate);
            if (!st)
                return st.takeError();
            bool present = st->has_value();
            if (present) {
                auto presence = presenceOf(candidate, *st.value());
                if (!presence)
                    return presence.takeError();
                present = presence.value() != Presence::Absent;
            }
            if (present && S_ISLNK(st.value()->st_mode) && (!queue.isEmpty() || followLast)) {
                if (++followed > maxLinksFollowed) {
                    r.kind = Resolution::Kind::Loop;
                    r.link = candidate;
                    return r;
                }
                char buffer[maxLinkTargetBytes + 1];
                fs::UniqueFd dir(fs::openBeneath(m_root, done.join(QLatin1Char('/')).toUtf8(), O_RDONLY | O_DIRECTORY));
                const ssize_t n = dir.get() < 0 ? -1 : readlinkat(dir.get(), part.name.toUtf8().constData(), buffer, sizeof buffer);
                if (n < 0 || n > maxLinkTargetBytes)
                    return fail(ErrorCode::Io, QStringLiteral("cannot read the symbolic link '%1': %2").arg(show(candidate), n < 0 ? fs::errorText(errno) : QStringLiteral("target too long")));
                const QString target = QString::fromUtf8(buffer, n);
                if (target.startsWith(QLatin1Char('/'))) {
                    r.kind = Resolution::Kind::Escapes;
                    r.link = candidate;
                    r.target = target;
                    return r;
                }
                const QStringList parts = target.split(QLatin1Char('/'));
                for (qsizetype i = parts.size() - 1; i >= 0; --i)
                    queue.prepend({ parts[i], candidate, target });
                continue;
            }
            done.append(part.name);
        }
        r.path = done.join(QLatin1Char('/'));
        auto st = lstatPath(r.path);
        if (!st)
            return st.takeError();
        if (!st->has_value())
            return r; // Missing
        auto presence = presenceOf(r.path, *st.value());
        if (!presence)
            return presence.takeError();
        if (presence.value() == Presence::Absent)
            return r;
        r.kind = Resolution::Kind::Found;
        r.st = *st.value();
        return r;
    }

    ContextEntry Reader::entryFor(const QString &rel, const QString &source, const struct stat &st) const
    {
        ContextEntry e;
        e.path = rel.isEmpty() ? QStringLiteral(".") : rel;
        if (rel != source)
            e.relative = source.isEmpty() ? rel : rel.mid(source.size() + 1);
        e.type = S_ISDIR(st.st_mode) ? ContextEntry::Type::Directory : S_ISLNK(st.st_mode) ? ContextEntry::Type::Symlink : ContextEntry::Type::File;
        e.mode = quint32(st.st_mode & 07777);
        e.size = S_ISREG(st.st_mode) ? qint64(st.st_size) : 0;
        e.mtimeNs = qint64(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
        return e;
    }

    // The first path under which the CLI's walk (sorted, depth first, .dockerignore applied)
    // meets each inode with several links: later ones go into its tar as hard links to it.
    Status Reader::collectHardlinks(int dirFd, const QString &rel, int depth)
    {
        if (depth > fs::maxTreeDepth)
            return fail(ErrorCode::InvalidInput, QStringLiteral("'%1' is nested deeper than %2 directories").arg(show(rel)).arg(fs::maxTreeDepth));
        auto names = fs::entryNames(dirFd);
        if (!names)
            return fail(ErrorCode::Io, QStringLiteral("'%1': %2").arg(show(rel), names.error()));
        std::sort(names->begin(), names->end());
        for (const QByteArray &name : std::as_const(names.value())) {
            const QString child = joinPath(rel, QString::fromUtf8(name));
            struct stat st;
            if (fstatat(dirFd, name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0)
                continue;
            const bool excluded = m_ignore.excluded(child);
            if (S_ISDIR(st.st_mode)) {
                if (excluded && !m_ignore.mayIncludeUnder(child))
                    continue;
                fs::UniqueFd sub(openat(dirFd, name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
                if (sub.get() >= 0)
                    STRATA_TRY(collectHardlinks(sub.get(), child, depth + 1));
                continue;
            }
            const QPair<quint64, quint64> inode { quint64(st.st_dev), quint64(st.st_ino) };
            if (!excluded && st.st_nlink > 1 && !m_firstLink.contains(inode))
                m_firstLink.insert(inode, child);
        }
        return {};
    }

    // tarsum v1 of one entry as the CLI sends it (moby pkg/tarsum v1TarHeaderSelect, with
    // uname and gname blanked as its encodeHeader does): the header fields name, mode (with
    // the file type bits, pkg/archive FileInfoHeader), uid, gid (0: the CLI's ChownOpts),
    // size, typeflag, linkname, uname, gname, devmajor, devminor and the security.capability
    // xattr, each as key then value, then the file's content. No mtime.
    Result<QString> Reader::headerSum(const QString &rel, const struct stat &st)
    {
        if (auto it = m_sums.constFind(rel); it != m_sums.constEnd())
            return *it;
        QString name = rel;
        quint32 mode = quint32(st.st_mode & 07777);
        char typeflag = '0';
        qint64 size = 0;
        QString linkname;
        const bool isFile = S_ISREG(st.st_mode);
        if (S_ISDIR(st.st_mode)) {
            name += QLatin1Char('/');
            mode |= 040000;
            typeflag = '5';
        } else if (S_ISLNK(st.st_mode)) {
            mode |= 0120000;
            typeflag = '2';
        } else {
            mode |= 0100000;
            size = qint64(st.st_size);
        }
        if (!S_ISDIR(st.st_mode)) {
            if (S_ISLNK(st.st_mode)) {
                const qsizetype slash = rel.lastIndexOf(QLatin1Char('/'));
                fs::UniqueFd dir(fs::openBeneath(m_root, slash < 0 ? QByteArray() : rel.left(slash).toUtf8(), O_RDONLY | O_DIRECTORY));
                char buffer[maxLinkTargetBytes + 1];
                const ssize_t n = dir.get() < 0 ? -1 : readlinkat(dir.get(), rel.mid(slash + 1).toUtf8().constData(), buffer, sizeof buffer);
                if (n < 0 || n > maxLinkTargetBytes)
                    return fail(ErrorCode::Io, QStringLiteral("cannot read the symbolic link '%1'").arg(show(rel)));
                linkname = QString::fromUtf8(buffer, n);
            }
            if (st.st_nlink > 1) {
                if (!m_hardlinksKnown) {
                    m_hardlinksKnown = true;
                    // A descriptor of its own: listing moves the shared offset of a directory.
                    fs::UniqueFd top(fs::openBeneath(m_root, QByteArray(), O_RDONLY | O_DIRECTORY));
                    if (top.get() < 0)
                        return fail(ErrorCode::Io, QStringLiteral("cannot open the build context's root: %1").arg(fs::errorText(errno)));
                    STRATA_TRY(collectHardlinks(top.get(), QString(), 0));
                }
                const QString first = m_firstLink.value({ quint64(st.st_dev), quint64(st.st_ino) });
                if (!first.isEmpty() && first != rel) {
                    typeflag = '1';
                    linkname = first;
                    size = 0;
                }
            }
        }
        fs::UniqueFd fd;
        QByteArray capability;
        if (isFile) {
            fd.reset(fs::openBeneath(m_root, rel.toUtf8(), O_RDONLY | O_NOCTTY | O_NONBLOCK));
            struct stat now;
            if (fd.get() < 0 || fstat(fd.get(), &now) != 0)
                return fail(ErrorCode::Io, QStringLiteral("cannot open '%1': %2").arg(show(rel), fs::errorText(errno)));
            if (!S_ISREG(now.st_mode) || now.st_ino != st.st_ino)
                return fail(ErrorCode::Conflict, QStringLiteral("'%1' changed while the build context was read").arg(show(rel)));
            char value[1024];
            const ssize_t n = fgetxattr(fd.get(), "security.capability", value, sizeof value);
            if (n > 0)
                capability = QByteArray(value, n);
        }
        QByteArray header;
        header += "name" + name.toUtf8();
        header += "mode" + QByteArray::number(mode);
        header += "uid0gid0";
        header += "size" + QByteArray::number(size);
        header += "typeflag" + QByteArray(1, typeflag);
        header += "linkname" + linkname.toUtf8();
        header += "unamegnamedevmajor0devminor0";
        if (!capability.isEmpty())
            header += "security.capability" + capability;
        Sha256 sha;
        sha.add(header);
        if (isFile && typeflag == '0') {
            QByteArray buffer(chunkBytes, Qt::Uninitialized);
            qint64 total = 0;
            for (;;) {
                const ssize_t n = ::read(fd.get(), buffer.data(), size_t(buffer.size()));
                if (n < 0) {
                    if (errno == EINTR)
                        continue;
                    return fail(ErrorCode::Io, QStringLiteral("cannot read '%1': %2").arg(show(rel), fs::errorText(errno)));
                }
                if (n == 0)
                    break;
                sha.add(buffer.constData(), size_t(n));
                total += n;
            }
            if (total != size)
                return fail(ErrorCode::Conflict, QStringLiteral("'%1' changed while the build context was read").arg(show(rel)));
        }
        const QString sum = sha.finish().hex();
        m_sums.insert(rel, sum);
        return sum;
    }

    // What Docker's Hash() gives for a link inside a copied directory: it follows the link (in
    // the context), so the sum of what it points to, or the link's own path when that is not
    // in the context (a dangling link); the root gives nothing.
    Result<QString> Reader::linkHash(const QString &rel, const QString &target, const QString &given)
    {
        const qsizetype slash = rel.lastIndexOf(QLatin1Char('/'));
        const QStringList parent = slash < 0 ? QStringList() : rel.left(slash).split(QLatin1Char('/'));
        if (target.startsWith(QLatin1Char('/'))) {
            Resolution r;
            r.link = rel;
            r.target = target;
            return escapes(given, r);
        }
        auto r = resolve(parent, target.split(QLatin1Char('/')), rel, true);
        if (!r)
            return r.takeError();
        switch (r->kind) {
        case Resolution::Kind::Escapes:
            if (r->link != rel)
                return fail(ErrorCode::InvalidInput,
                            QStringLiteral("%1: the symbolic link '%2' points outside the build context through the symbolic link '%3' (to '%4')")
                                .arg(given, show(rel), show(r->link), show(r->target)));
            return escapes(given, r.value());
        case Resolution::Kind::Loop:
            return QString(); // Docker's walk skips what it cannot hash
        case Resolution::Kind::Missing:
            return rel;
        case Resolution::Kind::Found:
            break;
        }
        if (r->path.isEmpty())
            return QString();
        auto presence = presenceOf(r->path, r->st);
        if (!presence)
            return presence.takeError();
        if (presence.value() == Presence::Implicit)
            return rel;
        if (!S_ISREG(r->st.st_mode) && !S_ISDIR(r->st.st_mode) && !S_ISLNK(r->st.st_mode))
            return rel;
        return headerSum(r->path, r->st);
    }

    // Everything below the directory `rel` that the CLI would send (or that an exception makes
    // the daemon create), depth first in sorted order, as Go's filepath.Walk visits it.
    Status Reader::listDirectory(int dirFd, const QString &rel, const QString &source, const QString &given, int depth, QList<ContextEntry> &entries, QStringList &hashes)
    {
        if (depth > fs::maxTreeDepth)
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: '%2' is nested deeper than %3 directories").arg(given, show(rel)).arg(fs::maxTreeDepth));
        auto names = fs::entryNames(dirFd);
        if (!names)
            return fail(ErrorCode::Io, QStringLiteral("%1: '%2': %3").arg(given, show(rel), names.error()));
        std::sort(names->begin(), names->end());
        for (const QByteArray &name : std::as_const(names.value())) {
            const QString child = joinPath(rel, QString::fromUtf8(name));
            struct stat st;
            if (fstatat(dirFd, name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0)
                return fail(ErrorCode::Io, QStringLiteral("%1: '%2': %3").arg(given, show(child), fs::errorText(errno)));
            const bool excluded = m_ignore.excluded(child);
            if (excluded && !(S_ISDIR(st.st_mode) && m_ignore.mayIncludeUnder(child)))
                continue;
            ContextEntry entry = entryFor(child, source, st);
            if (S_ISDIR(st.st_mode)) {
                fs::UniqueFd sub(openat(dirFd, name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
                if (sub.get() < 0)
                    return fail(ErrorCode::Io, QStringLiteral("%1: cannot open '%2': %3").arg(given, show(child), fs::errorText(errno)));
                QList<ContextEntry> below;
                QStringList belowHashes;
                STRATA_TRY(listDirectory(sub.get(), child, source, given, depth + 1, below, belowHashes));
                if (excluded) {
                    if (below.isEmpty())
                        continue;
                    // Made by the daemon as the parent of what is sent; Docker hashes its path.
                    entry.mode = 0755;
                    hashes.append(child);
                } else {
                    auto sum = headerSum(child, st);
                    if (!sum)
                        return fail(sum.takeError(), given + QStringLiteral(": "));
                    hashes.append(sum.value());
                }
                entries.append(entry);
                entries += below;
                hashes += belowHashes;
                continue;
            }
            if (S_ISLNK(st.st_mode)) {
                char buffer[maxLinkTargetBytes + 1];
                const ssize_t n = readlinkat(dirFd, name.constData(), buffer, sizeof buffer);
                if (n < 0 || n > maxLinkTargetBytes)
                    return fail(ErrorCode::Io, QStringLiteral("%1: cannot read the symbolic link '%2'").arg(given, show(child)));
                entry.linkTarget = QString::fromUtf8(buffer, n);
                auto sum = linkHash(child, entry.linkTarget, given);
                if (!sum)
                    return sum.takeError();
                if (!sum->isEmpty())
                    hashes.append(sum.value());
                entries.append(entry);
                continue;
            }
            if (!S_ISREG(st.st_mode))
                return fail(ErrorCode::InvalidInput, QStringLiteral("%1: '%2' is a %3, which COPY does not take from a build context").arg(given, show(child), kindOfSpecial(st.st_mode)));
            auto sum = headerSum(child, st);
            if (!sum)
                return fail(sum.takeError(), given + QStringLiteral(": "));
            hashes.append(sum.value());
            entries.append(entry);
        }
        return {};
    }

    // hashStringSlice: sha256 of the hashes joined by ','; a directory's sorted as Go sorts
    // strings, by their UTF-8 bytes (paths stand in for the hashes of some entries).
    QString hashList(const QString &prefix, const QStringList &hashes, bool sorted)
    {
        QByteArrayList bytes;
        for (const QString &h : hashes)
            bytes.append(h.toUtf8());
        if (sorted)
            std::sort(bytes.begin(), bytes.end());
        return prefix + QLatin1Char(':') + Sha256::of(bytes.join(',')).hex();
    }

    // One source as Docker's calcCopyInfo sees it: the path with every link followed (in the
    // context), then the file's sum, or the directory's walk.
    Result<ContextSource> Reader::sourceAt(const QString &path, const QString &given)
    {
        const QStringList parts = path == QLatin1String(".") ? QStringList() : path.split(QLatin1Char('/'));
        auto r = resolve(parts, {}, QString(), true);
        if (!r)
            return fail(r.takeError(), given + QStringLiteral(": "));
        switch (r->kind) {
        case Resolution::Kind::Escapes:
            return escapes(given, r.value());
        case Resolution::Kind::Loop:
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: too many levels of symbolic links at '%2'").arg(given, show(r->link)));
        case Resolution::Kind::Missing:
            return notFound(given);
        case Resolution::Kind::Found:
            break;
        }
        const QString real = r->path;
        ContextSource source;
        source.path = path;
        source.entries.append(entryFor(real, real, r->st));
        if (S_ISREG(r->st.st_mode)) {
            source.type = ContextEntry::Type::File;
            auto sum = headerSum(real, r->st);
            if (!sum)
                return fail(sum.takeError(), given + QStringLiteral(": "));
            source.hash = QStringLiteral("file:") + sum.value();
            return source;
        }
        if (!S_ISDIR(r->st.st_mode))
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: '%2' is a %3, which COPY does not take from a build context").arg(given, show(real), kindOfSpecial(r->st.st_mode)));
        source.type = ContextEntry::Type::Directory;
        QStringList hashes;
        // Docker's walk hashes the directory itself too, except the context root, which has no
        // entry in the tar (verified against dockerd 20.10: `COPY . /x` omits it); an implicit
        // directory hashes as its path.
        if (!real.isEmpty()) {
            auto presence = presenceOf(real, r->st);
            if (!presence)
                return presence.takeError();
            if (presence.value() == Presence::Implicit) {
                source.entries.first().mode = 0755;
                hashes.append(real);
            } else {
                auto sum = headerSum(real, r->st);
                if (!sum)
                    return fail(sum.takeError(), given + QStringLiteral(": "));
                hashes.append(sum.value());
            }
        }
        fs::UniqueFd dir(fs::openBeneath(m_root, real.toUtf8(), O_RDONLY | O_DIRECTORY));
        if (dir.get() < 0)
            return fail(ErrorCode::Io, QStringLiteral("%1: cannot open '%2': %3").arg(given, show(real), fs::errorText(errno)));
        STRATA_TRY(listDirectory(dir.get(), real, real, given, int(real.count(QLatin1Char('/'))) + 1, source.entries, hashes));
        source.hash = hashList(QStringLiteral("dir"), hashes, true);
        return source;
    }

    // The paths a glob matches, in the order of Docker's copyWithWildcards (a walk of the whole
    // context, sorted, depth first). `maxDepth`: the most '/' a match can hold, since only a
    // literal '/' or a character class consumes one.
    Status Reader::globWalk(int dirFd, const QString &rel, int depth, int maxDepth, const QString &pattern, QStringList &matches) const
    {
        auto names = fs::entryNames(dirFd);
        if (!names)
            return fail(ErrorCode::Io, QStringLiteral("'%1': %2").arg(show(rel), names.error()));
        std::sort(names->begin(), names->end());
        for (const QByteArray &name : std::as_const(names.value())) {
            const QString child = joinPath(rel, QString::fromUtf8(name));
            struct stat st;
            if (fstatat(dirFd, name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0)
                continue;
            const bool excluded = m_ignore.excluded(child);
            const bool isDir = S_ISDIR(st.st_mode);
            if (excluded && !(isDir && m_ignore.mayIncludeUnder(child)))
                continue;
            bool visible = !excluded;
            if (!visible) {
                auto below = hasSentDescendant(child, depth + 1);
                if (!below)
                    return below.takeError();
                visible = below.value();
            }
            if (visible) {
                auto m = IgnorePatterns::globMatch(pattern, child);
                if (m && m.value())
                    matches.append(child);
            }
            if (isDir && depth < maxDepth) {
                fs::UniqueFd sub(openat(dirFd, name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
                if (sub.get() >= 0)
                    STRATA_TRY(globWalk(sub.get(), child, depth + 1, maxDepth, pattern, matches));
            }
        }
        return {};
    }

    bool containsWildcards(const QString &path)
    {
        for (qsizetype i = 0; i < path.size(); ++i) {
            const QChar ch = path[i];
            if (ch == QLatin1Char('\\'))
                ++i;
            else if (ch == QLatin1Char('*') || ch == QLatin1Char('?') || ch == QLatin1Char('['))
                return true;
        }
        return false;
    }

    // A source as written, made relative to the context root as Docker does (a leading '/' is
    // the context root), or an error when it climbs out.
    Result<QString> contextPath(const QString &given)
    {
        QString path = given;
        while (path.startsWith(QLatin1Char('/')))
            path.remove(0, 1);
        path = IgnorePatterns::cleanPath(path);
        if (path == QLatin1String("..") || path.startsWith(QLatin1String("../")))
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: the path is outside the build context").arg(given));
        return path;
    }

    Result<QList<ContextSource>> Reader::sources(const QStringList &patterns)
    {
        QList<ContextSource> result;
        for (const QString &given : patterns) {
            if (given.isEmpty())
                return notFound(given);
            auto path = contextPath(given);
            if (!path)
                return path.takeError();
            if (!containsWildcards(path.value())) {
                auto source = sourceAt(path.value(), given);
                if (!source)
                    return source.takeError();
                result.append(std::move(source.value()));
                continue;
            }
            auto valid = IgnorePatterns::globMatch(path.value(), QStringLiteral("."));
            if (!valid)
                return fail(ErrorCode::InvalidInput, QStringLiteral("%1: %2").arg(given, valid.error()));
            const int maxDepth = int(path->count(QLatin1Char('/')) + path->count(QLatin1Char('[')));
            QStringList matches;
            // A descriptor of its own: listing moves the shared offset of a directory.
            fs::UniqueFd top(fs::openBeneath(m_root, QByteArray(), O_RDONLY | O_DIRECTORY));
            if (top.get() < 0)
                return fail(ErrorCode::Io, QStringLiteral("cannot open the build context's root: %1").arg(fs::errorText(errno)));
            STRATA_TRY(globWalk(top.get(), QString(), 0, maxDepth, path.value(), matches));
            if (matches.isEmpty())
                return notFound(given);
            for (const QString &match : std::as_const(matches)) {
                auto source = sourceAt(match, given);
                if (!source)
                    return source.takeError();
                result.append(std::move(source.value()));
            }
        }
        return result;
    }

    Status openRoot(const QString &root, fs::UniqueFd &fd)
    {
        fd.reset(::open(QFile::encodeName(root).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (fd.get() < 0)
            return fail(ErrorCode::Io, QStringLiteral("build context '%1': %2").arg(root, fs::errorText(errno)));
        return {};
    }

    // A path given by the caller (a Dockerfile's), relative to the root, as a clean path.
    Result<QByteArray> cleanRelative(const QString &relativePath)
    {
        auto path = contextPath(relativePath);
        if (!path)
            return path.takeError();
        return path->toUtf8();
    }

} // namespace

Result<BuildContext> BuildContext::open(const QString &path, const QString &scratchDir, const Progress &progress)
{
    return open(path, scratchDir, Limits {}, progress);
}

Result<BuildContext> BuildContext::open(const QString &path, const QString &scratchDir, const Limits &limits, const Progress &progress)
{
    struct stat st;
    if (::stat(QFile::encodeName(path).constData(), &st) != 0) {
        const int err = errno;
        return fail(err == ENOENT ? ErrorCode::NotFound : ErrorCode::Io, QStringLiteral("build context '%1': %2").arg(path, fs::errorText(err)));
    }
    BuildContext context;
    if (S_ISDIR(st.st_mode)) {
        context.m_root = QFileInfo(path).absoluteFilePath();
    } else if (S_ISREG(st.st_mode)) {
        Unpacker unpacker(path, limits, progress);
        STRATA_TRY(unpacker.run(scratchDir));
        context.m_root = QFileInfo(scratchDir).absoluteFilePath();
    } else {
        return fail(ErrorCode::InvalidInput, QStringLiteral("build context '%1': neither a directory nor an archive file").arg(path));
    }

    // .dockerignore is read from the context root, never through a link.
    fs::UniqueFd rootFd;
    STRATA_TRY(openRoot(context.m_root, rootFd));
    fs::UniqueFd fd(fs::openBeneath(rootFd.get(), QByteArrayLiteral(".dockerignore"), O_RDONLY | O_NOCTTY | O_NONBLOCK));
    if (fd.get() < 0 && errno != ENOENT)
        return fail(ErrorCode::InvalidInput, QStringLiteral("build context '%1': .dockerignore: %2").arg(path, errno == ELOOP ? QStringLiteral("is a symbolic link") : fs::errorText(errno)));
    if (fd.get() >= 0) {
        struct stat ist;
        if (fstat(fd.get(), &ist) != 0 || !S_ISREG(ist.st_mode))
            return fail(ErrorCode::InvalidInput, QStringLiteral("build context '%1': .dockerignore is not a regular file").arg(path));
        auto text = fs::readUpTo(fd.get(), maxIgnoreFileBytes + 1, qint64(ist.st_size));
        if (!text)
            return fail(ErrorCode::Io, QStringLiteral("build context '%1': .dockerignore: %2").arg(path, text.error()));
        if (text->size() > maxIgnoreFileBytes)
            return fail(ErrorCode::InvalidInput, QStringLiteral("build context '%1': .dockerignore is larger than %2 bytes").arg(path).arg(maxIgnoreFileBytes));
        auto patterns = IgnorePatterns::parse(text.value());
        if (!patterns)
            return fail(patterns.takeError(), QStringLiteral("build context '%1': ").arg(path));
        context.m_ignore = std::move(patterns.value());
    }
    return context;
}

Result<QByteArray> BuildContext::readFile(const QString &relativePath, qint64 maxBytes) const
{
    auto rel = cleanRelative(relativePath);
    if (!rel)
        return rel.takeError();
    fs::UniqueFd rootFd;
    STRATA_TRY(openRoot(m_root, rootFd));
    fs::UniqueFd fd(fs::openBeneath(rootFd.get(), rel.value() == "." ? QByteArray() : rel.value(), O_RDONLY | O_NOCTTY | O_NONBLOCK));
    if (fd.get() < 0) {
        const int err = errno;
        if (err == ENOENT)
            return fail(ErrorCode::NotFound, QStringLiteral("'%1' is not in the build context").arg(relativePath));
        if (err == ELOOP || err == EXDEV)
            return fail(ErrorCode::InvalidInput, QStringLiteral("'%1' in the build context is or goes through a symbolic link").arg(relativePath));
        return fail(ErrorCode::Io, QStringLiteral("'%1' in the build context: %2").arg(relativePath, fs::errorText(err)));
    }
    struct stat st;
    if (fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
        return fail(ErrorCode::InvalidInput, QStringLiteral("'%1' in the build context is not a regular file").arg(relativePath));
    if (qint64(st.st_size) > maxBytes)
        return fail(ErrorCode::InvalidInput, QStringLiteral("'%1' in the build context is larger than %2 bytes").arg(relativePath).arg(maxBytes));
    auto data = fs::readUpTo(fd.get(), maxBytes + 1, qint64(st.st_size));
    if (!data)
        return fail(ErrorCode::Io, QStringLiteral("'%1' in the build context: %2").arg(relativePath, data.error()));
    if (data->size() > maxBytes)
        return fail(ErrorCode::InvalidInput, QStringLiteral("'%1' in the build context is larger than %2 bytes").arg(relativePath).arg(maxBytes));
    return data;
}

Result<QList<ContextSource>> BuildContext::sources(const QStringList &patterns) const
{
    fs::UniqueFd rootFd;
    STRATA_TRY(openRoot(m_root, rootFd));
    Reader reader(rootFd.get(), m_ignore);
    return reader.sources(patterns);
}

Result<int> BuildContext::openFile(const ContextEntry &entry) const
{
    if (entry.type != ContextEntry::Type::File)
        return fail(ErrorCode::InvalidInput, QStringLiteral("'%1' in the build context is not a regular file").arg(entry.path));
    auto rel = cleanRelative(entry.path);
    if (!rel)
        return rel.takeError();
    fs::UniqueFd rootFd;
    STRATA_TRY(openRoot(m_root, rootFd));
    fs::UniqueFd fd(fs::openBeneath(rootFd.get(), rel.value(), O_RDONLY | O_NOCTTY | O_NONBLOCK));
    if (fd.get() < 0) {
        const int err = errno;
        if (err == ELOOP || err == EXDEV)
            return fail(ErrorCode::InvalidInput, QStringLiteral("'%1' in the build context is or goes through a symbolic link").arg(entry.path));
        return fail(err == ENOENT ? ErrorCode::NotFound : ErrorCode::Io, QStringLiteral("'%1' in the build context: %2").arg(entry.path, fs::errorText(err)));
    }
    struct stat st;
    if (fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
        return fail(ErrorCode::InvalidInput, QStringLiteral("'%1' in the build context is not a regular file").arg(entry.path));
    // O_NONBLOCK only kept a fifo swapped in from blocking the open.
    fcntl(fd.get(), F_SETFL, fcntl(fd.get(), F_GETFL) & ~O_NONBLOCK);
    return fd.release();
}

QString BuildContext::combinedHash(const QList<ContextSource> &sources)
{
    if (sources.size() == 1)
        return sources.first().hash;
    QStringList hashes;
    for (const ContextSource &s : sources)
        hashes.append(s.hash);
    return hashList(QStringLiteral("multi"), hashes, false); // in order, as getSourceHashFromInfos
}

} // namespace strata
