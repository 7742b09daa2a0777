#include "tarsplit.h"

#include "confineddirs.h"
#include "fsutil.h"
#include "tarentry.h"
#include "whiteout.h"

#include <QFile>
#include <QSet>

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

namespace strata {

namespace {

    constexpr char magic[] = "strata-tar-split 1\n";
    constexpr qsizetype magicSize = sizeof magic - 1;
    // Metadata held back while no file's data is known to follow: beyond this it is passed on
    // inline (a file whose data was among it is then kept inline too).
    constexpr qsizetype maxPending = 8 * 1024 * 1024;
    constexpr qsizetype recordChunk = 1024 * 1024; // records compressed at a time
    constexpr qint64 maxMetadataRecord = 64 * 1024 * 1024; // what a reader accepts in one record
    constexpr qsizetype maxPathBytes = 64 * 1024;
    constexpr qsizetype fileBlockBytes = 1024 * 1024;

    void putVarint(QByteArray &out, quint64 v)
    {
        while (v >= 0x80) {
            out.append(char(v & 0x7f) | char(0x80));
            v >>= 7;
        }
        out.append(char(v));
    }

    quint32 crcOf(quint32 crc, const char *data, qint64 size)
    {
        while (size > 0) {
            const uInt n = uInt(std::min<qint64>(size, 1 << 30));
            crc = quint32(crc32(crc, reinterpret_cast<const Bytef *>(data), n));
            data += n;
            size -= n;
        }
        return crc;
    }

    Status writeAll(int fd, const char *p, qsizetype size, const QString &path)
    {
        while (size > 0) {
            const ssize_t n = ::write(fd, p, size_t(size));
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                return fail(ErrorCode::Io, QStringLiteral("%1: cannot write: %2").arg(path, fs::errorText(errno)));
            p += n;
            size -= n;
        }
        return {};
    }

} // namespace

// --- writer ---------------------------------------------------------------------------------

struct TarSplitWriter::Impl {
    QString path;
    int fd = -1;
    ZSTD_CCtx *zstd = nullptr;
    QByteArray records; // not compressed yet
    QByteArray compressed;
    Status error;

    qint64 pos = 0; // bytes fed
    qint64 emitted = 0; // bytes of the stream accounted for by records
    QByteArray pending; // the stream from `emitted` to `pos` (when no file is open)
    struct OpenFile {
        bool open = false;
        qint64 start = 0, end = 0;
        QByteArray path;
        quint32 crc = 0;
    } current;

    ~Impl()
    {
        if (fd >= 0)
            ::close(fd);
        ZSTD_freeCCtx(zstd);
    }

    void compress(ZSTD_EndDirective mode)
    {
        if (!error)
            return;
        ZSTD_inBuffer in { records.constData(), size_t(records.size()), 0 };
        for (;;) {
            compressed.resize(qsizetype(ZSTD_CStreamOutSize()));
            ZSTD_outBuffer out { compressed.data(), size_t(compressed.size()), 0 };
            const size_t left = ZSTD_compressStream2(zstd, &out, &in, mode);
            if (ZSTD_isError(left)) {
                error = fail(ErrorCode::Io, QStringLiteral("%1: cannot compress: %2").arg(path, QString::fromLatin1(ZSTD_getErrorName(left))));
                return;
            }
            if (Status s = writeAll(fd, compressed.constData(), qsizetype(out.pos), path); !s) {
                error = s;
                return;
            }
            if (mode == ZSTD_e_end ? left == 0 : in.pos == in.size)
                break;
        }
        records.clear();
    }
    void record() // after appending to `records`
    {
        if (records.size() >= recordChunk)
            compress(ZSTD_e_continue);
    }
    void metadata(const char *data, qsizetype size)
    {
        if (size <= 0)
            return;
        records.append('M');
        putVarint(records, quint64(size));
        records.append(data, size);
        emitted += size;
        record();
    }
    void closeFile()
    {
        records.append('F');
        putVarint(records, quint64(current.end - current.start));
        putVarint(records, quint64(current.path.size()));
        records.append(current.path);
        const char crc[4] = { char(current.crc >> 24), char(current.crc >> 16), char(current.crc >> 8), char(current.crc) };
        records.append(crc, 4);
        emitted = current.end;
        current.open = false;
        record();
    }
};

TarSplitWriter::TarSplitWriter() = default;
TarSplitWriter::~TarSplitWriter() = default;

Status TarSplitWriter::open(const QString &path)
{
    d = std::make_unique<Impl>();
    d->path = path;
    d->fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (d->fd < 0)
        return fail(ErrorCode::Io, QStringLiteral("%1: cannot create: %2").arg(path, fs::errorText(errno)));
    d->zstd = ZSTD_createCCtx();
    if (!d->zstd)
        return fail(ErrorCode::Io, QStringLiteral("%1: cannot start zstd").arg(path));
    ZSTD_CCtx_setParameter(d->zstd, ZSTD_c_compressionLevel, 1);
    d->records.append(magic, magicSize);
    return {};
}

void TarSplitWriter::feed(const char *data, qint64 size)
{
    if (!d || !m_refused.isEmpty())
        return;
    while (size > 0) {
        Impl::OpenFile &f = d->current;
        qint64 take = size;
        if (f.open && d->pos < f.start) { // metadata before the file's data
            take = std::min(size, f.start - d->pos);
            d->pending.append(data, qsizetype(take));
        } else if (f.open) {
            take = std::min(size, f.end - d->pos);
            f.crc = crcOf(f.crc, data, take);
            if (d->pos + take == f.end) {
                d->metadata(d->pending.constData(), d->pending.size());
                d->pending.clear();
                d->closeFile();
            }
        } else {
            d->pending.append(data, qsizetype(take));
            if (d->pending.size() > maxPending) {
                d->metadata(d->pending.constData(), d->pending.size());
                d->pending.clear();
            }
        }
        d->pos += take;
        data += take;
        size -= take;
    }
}

void TarSplitWriter::file(qint64 dataStart, qint64 size, const QByteArray &path)
{
    if (!d || !m_refused.isEmpty() || size <= 0 || d->current.open || dataStart < d->emitted || dataStart > d->pos)
        return; // nothing to name, or its bytes went out inline already: they stay inline
    // `pending` holds the stream from `emitted` on; the file's data may have begun in it.
    const qsizetype metaBytes = qsizetype(dataStart - d->emitted);
    const qint64 end = dataStart + size;
    const qsizetype fileBytes = qsizetype(std::min(d->pos, end) - dataStart);
    d->metadata(d->pending.constData(), metaBytes);
    d->current = { true, dataStart, end, path, crcOf(0, d->pending.constData() + metaBytes, fileBytes) };
    const QByteArray rest = d->pending.mid(metaBytes + fileBytes);
    d->pending.clear();
    if (d->pos >= end) {
        d->closeFile();
        d->pending = rest;
    }
}

void TarSplitWriter::refuse(const QString &why)
{
    if (m_refused.isEmpty())
        m_refused = why;
}

Status TarSplitWriter::finish()
{
    if (!d)
        return fail(QStringLiteral("tar-split: not opened"));
    if (d->current.open)
        refuse(QStringLiteral("the stream ends inside the data of '%1'").arg(QString::fromUtf8(d->current.path)));
    if (!m_refused.isEmpty()) {
        discard();
        return {};
    }
    d->metadata(d->pending.constData(), d->pending.size());
    d->pending.clear();
    d->records.append('E');
    putVarint(d->records, quint64(d->pos));
    d->compress(ZSTD_e_end);
    STRATA_TRY(d->error);
    if (::fdatasync(d->fd) != 0)
        return fail(ErrorCode::Io, QStringLiteral("%1: sync failed: %2").arg(d->path, fs::errorText(errno)));
    ::close(d->fd);
    d->fd = -1;
    return {};
}

void TarSplitWriter::discard()
{
    if (!d)
        return;
    if (d->fd >= 0) {
        ::close(d->fd);
        d->fd = -1;
    }
    ::unlink(QFile::encodeName(d->path).constData());
}

// --- reader ---------------------------------------------------------------------------------

struct TarSplitReader::Impl {
    QString splitPath, subject;
    Digest diffId;
    qint64 size = 0;
    int fd = -1;
    ZSTD_DCtx *zstd = nullptr;
    QByteArray input;
    ZSTD_inBuffer in { nullptr, 0, 0 };
    bool inputEnded = false;
    QByteArray decoded;
    qsizetype at = 0; // read position in `decoded`
    QByteArray block;
    Sha256 hash;
    qint64 total = 0;
    bool done = false;

    ConfinedDirs dirs;
    int root = -1;
    struct File {
        int fd = -1;
        QByteArray path;
        qint64 left = 0;
        quint32 crc = 0, expectedCrc = 0;
    } file;

    ~Impl()
    {
        if (file.fd >= 0)
            ::close(file.fd);
        dirs.clear();
        if (root >= 0)
            ::close(root);
        if (fd >= 0)
            ::close(fd);
        ZSTD_freeDCtx(zstd);
    }

    Error damaged(const QString &cause) const
    {
        return fail(ErrorCode::InvalidInput, QStringLiteral("%1: its tar-split %2 is damaged: %3").arg(subject, splitPath, cause));
    }
    Error changed(const QByteArray &path, const QString &what) const
    {
        return fail(ErrorCode::InvalidInput, QStringLiteral("%1: the snapshot's file '%2' %3, so the layer's tar cannot be rebuilt").arg(subject, QString::fromUtf8(path), what));
    }

    // At least `n` decoded bytes from `at` on.
    Status need(qsizetype n)
    {
        while (decoded.size() - at < n) {
            if (at > 0) {
                decoded.remove(0, at);
                at = 0;
            }
            if (in.pos == in.size) {
                if (inputEnded)
                    return damaged(QStringLiteral("it ends early"));
                input.resize(qsizetype(ZSTD_DStreamInSize()));
                ssize_t got;
                do
                    got = ::read(fd, input.data(), size_t(input.size()));
                while (got < 0 && errno == EINTR);
                if (got < 0)
                    return fail(ErrorCode::Io, QStringLiteral("%1: %2: cannot read: %3").arg(subject, splitPath, fs::errorText(errno)));
                inputEnded = got == 0;
                in = { input.constData(), size_t(got), 0 };
                if (got == 0)
                    continue;
            }
            const qsizetype before = decoded.size();
            decoded.resize(before + qsizetype(ZSTD_DStreamOutSize()));
            ZSTD_outBuffer out { decoded.data() + before, size_t(decoded.size() - before), 0 };
            const size_t rc = ZSTD_decompressStream(zstd, &out, &in);
            if (ZSTD_isError(rc))
                return damaged(QString::fromLatin1(ZSTD_getErrorName(rc)));
            decoded.resize(before + qsizetype(out.pos));
        }
        return {};
    }
    Result<quint64> varint()
    {
        quint64 v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            STRATA_TRY(need(1));
            const uchar b = uchar(decoded.at(at++));
            v |= quint64(b & 0x7f) << shift;
            if (!(b & 0x80))
                return v;
        }
        return damaged(QStringLiteral("a number is too long"));
    }
    Status openFile(const QByteArray &path, qint64 length, quint32 crc)
    {
        const QList<QByteArray> parts = path.split('/');
        if (path.isEmpty() || parts.contains(QByteArray()) || parts.contains("..") || parts.contains("."))
            return damaged(QStringLiteral("it names the path '%1'").arg(QString::fromUtf8(path.left(200))));
        auto dir = dirs.open(parts, parts.size() - 1, false);
        if (!dir)
            return changed(path, QStringLiteral("cannot be reached: %1").arg(dir.error()));
        const int f = dir.value() < 0 ? -1 : ::openat(dir.value(), parts.last().constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (f < 0)
            return changed(path, errno == ENOENT || dir.value() < 0 ? QStringLiteral("is missing") : QStringLiteral("cannot be opened: %1").arg(fs::errorText(errno)));
        struct stat st;
        if (::fstat(f, &st) != 0 || !S_ISREG(st.st_mode)) {
            ::close(f);
            return changed(path, QStringLiteral("is no longer a regular file"));
        }
        if (st.st_size != length) {
            ::close(f);
            return changed(path, QStringLiteral("has %1 bytes instead of %2").arg(st.st_size).arg(length));
        }
        file = { f, path, length, 0, crc };
        return {};
    }
    Result<QByteArrayView> fileBlock()
    {
        block.resize(qsizetype(std::min<qint64>(file.left, qint64(fileBlockBytes))));
        ssize_t n;
        do
            n = ::read(file.fd, block.data(), size_t(block.size()));
        while (n < 0 && errno == EINTR);
        if (n < 0)
            return changed(file.path, QStringLiteral("cannot be read: %1").arg(fs::errorText(errno)));
        if (n == 0)
            return changed(file.path, QStringLiteral("shrank while being read"));
        file.crc = crcOf(file.crc, block.constData(), n);
        file.left -= n;
        if (file.left == 0) {
            ::close(file.fd);
            file.fd = -1;
            if (file.crc != file.expectedCrc)
                return changed(file.path, QStringLiteral("has other content than the layer's (its CRC-32 differs)"));
        }
        return QByteArrayView(block.constData(), qsizetype(n));
    }
    Result<QByteArrayView> next(QList<QByteArray> &files)
    {
        if (file.fd >= 0)
            return fileBlock();
        if (done)
            return QByteArrayView();
        STRATA_TRY(need(1));
        const char type = decoded.at(at++);
        if (type == 'M') {
            auto n = varint();
            if (!n)
                return n.takeError();
            if (n.value() == 0 || n.value() > quint64(maxMetadataRecord))
                return damaged(QStringLiteral("a metadata record of %1 bytes").arg(n.value()));
            STRATA_TRY(need(qsizetype(n.value())));
            block = decoded.mid(at, qsizetype(n.value()));
            at += qsizetype(n.value());
            return QByteArrayView(block);
        }
        if (type == 'F') {
            auto length = varint();
            if (!length)
                return length.takeError();
            auto pathSize = varint();
            if (!pathSize)
                return pathSize.takeError();
            if (length.value() == 0 || length.value() > quint64(std::numeric_limits<qint64>::max()) || pathSize.value() > quint64(maxPathBytes))
                return damaged(QStringLiteral("a file record is out of bounds"));
            STRATA_TRY(need(qsizetype(pathSize.value()) + 4));
            const QByteArray path = decoded.mid(at, qsizetype(pathSize.value()));
            at += qsizetype(pathSize.value());
            const auto *c = reinterpret_cast<const uchar *>(decoded.constData() + at);
            const quint32 crc = quint32(c[0]) << 24 | quint32(c[1]) << 16 | quint32(c[2]) << 8 | quint32(c[3]);
            at += 4;
            STRATA_TRY(openFile(path, qint64(length.value()), crc));
            files.append(path);
            return fileBlock();
        }
        if (type == 'E') {
            auto length = varint();
            if (!length)
                return length.takeError();
            if (qint64(length.value()) != total)
                return damaged(QStringLiteral("it ends after %1 bytes but records %2").arg(total).arg(length.value()));
            if (total != size)
                return fail(ErrorCode::InvalidInput, QStringLiteral("%1: the rebuilt tar has %2 bytes, the layer %3").arg(subject).arg(total).arg(size));
            if (const Digest got = hash.finish(); got != diffId)
                return fail(ErrorCode::InvalidInput, QStringLiteral("%1: the tar rebuilt from its snapshot hashes to %2, not to its diffID %3").arg(subject, got.toString(), diffId.toString()));
            done = true;
            return QByteArrayView();
        }
        return damaged(QStringLiteral("an unknown record"));
    }
};

TarSplitReader::TarSplitReader() = default;
TarSplitReader::~TarSplitReader() = default;

Status TarSplitReader::open(const QString &splitPath, const QString &snapshotDir, const Digest &diffId, qint64 size, const QString &subject)
{
    d = std::make_unique<Impl>();
    m_files.clear();
    d->splitPath = splitPath;
    d->subject = subject;
    d->diffId = diffId;
    d->size = size;
    d->fd = ::open(QFile::encodeName(splitPath).constData(), O_RDONLY | O_CLOEXEC);
    if (d->fd < 0)
        return fail(ErrorCode::Io, QStringLiteral("%1: its tar-split %2 cannot be opened: %3").arg(subject, splitPath, fs::errorText(errno)));
    d->root = ::open(QFile::encodeName(snapshotDir).constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (d->root < 0)
        return fail(ErrorCode::Io, QStringLiteral("%1: its snapshot %2 cannot be opened: %3").arg(subject, snapshotDir, fs::errorText(errno)));
    d->dirs.setRoot(d->root);
    d->zstd = ZSTD_createDCtx();
    if (!d->zstd)
        return fail(ErrorCode::Io, QStringLiteral("%1: cannot start zstd").arg(subject));
    STRATA_TRY(d->need(magicSize));
    if (QByteArrayView(d->decoded.constData(), magicSize) != QByteArrayView(magic, magicSize))
        return d->damaged(QStringLiteral("it does not start as a tar-split"));
    d->at = magicSize;
    return {};
}

Result<QByteArrayView> TarSplitReader::read()
{
    if (!d)
        return fail(QStringLiteral("tar-split: not opened"));
    auto block = d->next(m_files);
    if (!block)
        return block;
    d->hash.add(block->data(), size_t(block->size()));
    d->total += block->size();
    if (d->total > d->size)
        return fail(ErrorCode::InvalidInput, QStringLiteral("%1: the tar rebuilt from its snapshot is longer than the layer's %2 bytes").arg(d->subject).arg(d->size));
    return block;
}

// --- audit ----------------------------------------------------------------------------------

namespace {

    struct AuditSource {
        TarSplitReader reader;
        Error error;
        bool failed = false;
    };

    la_ssize_t readAudited(archive *, void *clientData, const void **buffer)
    {
        auto *src = static_cast<AuditSource *>(clientData);
        auto block = src->reader.read();
        if (!block) {
            src->failed = true;
            src->error = block.takeError();
            return -1;
        }
        *buffer = block->data();
        return la_ssize_t(block->size());
    }

    // Every path below `dir`, relative to it, with its mode, without following symbolic links.
    using Tree = QHash<QByteArray, mode_t>;
    Status walk(int dirFd, const QByteArray &prefix, int depth, Tree &out)
    {
        if (depth > fs::maxTreeDepth)
            return fail(QStringLiteral("'%1' is nested deeper than %2 directories").arg(QString::fromUtf8(prefix.left(200))).arg(fs::maxTreeDepth));
        auto names = fs::entryNames(dirFd);
        if (!names)
            return fail(QStringLiteral("'%1': %2").arg(QString::fromUtf8(prefix), names.error()));
        for (const QByteArray &name : std::as_const(names.value())) {
            const QByteArray path = prefix.isEmpty() ? name : prefix + '/' + name;
            struct stat st;
            const bool known = ::fstatat(dirFd, name.constData(), &st, AT_SYMLINK_NOFOLLOW) == 0;
            out.insert(path, known ? st.st_mode : 0);
            if (!known || !S_ISDIR(st.st_mode))
                continue;
            const int sub = ::openat(dirFd, name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub < 0)
                return fail(QStringLiteral("'%1': %2").arg(QString::fromUtf8(path), fs::errorText(errno)));
            Status s = walk(sub, path, depth + 1, out);
            ::close(sub);
            STRATA_TRY(s);
        }
        return {};
    }

    Result<Tree> treeOf(const QString &dir)
    {
        Tree paths;
        const int fd = ::open(QFile::encodeName(dir).constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            return fail(QStringLiteral("%1: %2").arg(dir, fs::errorText(errno)));
        Status s = walk(fd, {}, 0, paths);
        ::close(fd);
        if (!s)
            return fail(s.takeError(), dir + QStringLiteral(": "));
        return paths;
    }

} // namespace

Result<SnapshotAudit> auditSnapshot(const QString &splitPath, const QString &snapshotDir, const QString &parentDir, const Digest &diffId, qint64 size,
    const QString &subject)
{
    AuditSource src;
    STRATA_TRY(src.reader.open(splitPath, snapshotDir, diffId, size, subject));
    std::unique_ptr<archive, int (*)(archive *)> tar(archive_read_new(), archive_read_free);
    archive_read_support_format_tar(tar.get());
    archive_read_support_format_gnutar(tar.get());
    const auto failed = [&](const char *what) -> Error {
        if (src.failed)
            return src.error;
        return fail(ErrorCode::InvalidInput, QStringLiteral("%1: the tar rebuilt from its snapshot %2: %3").arg(subject, QString::fromLatin1(what), QString::fromLocal8Bit(archive_error_string(tar.get()))));
    };
    if (archive_read_open(tar.get(), &src, nullptr, readAudited, nullptr) != ARCHIVE_OK)
        return failed("cannot be read");
    // What the layer puts into the snapshot, and what it deletes from the one below.
    QSet<QByteArray> named, deleted, cleared;
    struct Expected {
        mode_t type;
        int perm; // a regular file's permission bits; -1 for the rest (a hard link has its target's)
    };
    QHash<QByteArray, Expected> modes; // what the layer's entries are
    SnapshotAudit audit;
    const auto name = [&](const QList<QByteArray> &parts, qsizetype count) {
        for (qsizetype i = 1; i <= count; ++i)
            named.insert(parts.mid(0, i).join('/'));
    };
    for (;;) {
        archive_entry *entry;
        const int rc = archive_read_next_header(tar.get(), &entry);
        if (rc == ARCHIVE_EOF)
            break;
        if (rc < ARCHIVE_WARN)
            return failed("is unreadable");
        auto parts = tarentry::splitPath(archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "", "path");
        if (!parts)
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: %2").arg(subject, parts.error()));
        if (parts->isEmpty())
            continue;
        auto special = whiteout::parse(parts->last());
        if (!special)
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: %2").arg(subject, special.error()));
        if (special->type == whiteout::Name::Type::Deletion) {
            QList<QByteArray> target = parts.value();
            target.last() = special->target;
            deleted.insert(target.join('/'));
            name(target, parentDir.isEmpty() ? target.size() : target.size() - 1); // overlay2 keeps a whiteout device there
        } else if (special->type == whiteout::Name::Type::Plain) {
            name(parts.value(), parts->size());
            const bool hardlink = archive_entry_hardlink(entry) != nullptr;
            const mode_t type = hardlink ? mode_t(AE_IFREG) : mode_t(archive_entry_filetype(entry));
            modes.insert(parts->join('/'), { type, type == AE_IFREG && !hardlink ? int(archive_entry_perm(entry)) : -1 });
            // Docker's measure of a layer, as the applier counts it.
            if (archive_entry_filetype(entry) == AE_IFREG && !archive_entry_hardlink(entry))
                audit.size += archive_entry_size(entry);
            else if (archive_entry_filetype(entry) == AE_IFLNK && archive_entry_symlink(entry))
                audit.size += qint64(std::strlen(archive_entry_symlink(entry)));
        } else {
            if (special->type == whiteout::Name::Type::Opaque)
                cleared.insert(parts->mid(0, parts->size() - 1).join('/'));
            name(parts.value(), parts->size() - 1);
        }
        if (archive_read_data_skip(tar.get()) != ARCHIVE_OK)
            return failed("is unreadable");
    }
    // The stream's end, so that the reader checks its length and digest.
    const void *buf;
    la_ssize_t n;
    while ((n = readAudited(tar.get(), &src, &buf)) > 0) { }
    if (n < 0)
        return src.error;

    auto present = treeOf(snapshotDir);
    if (!present)
        return fail(present.takeError(), subject + QStringLiteral(": "));
    Tree below;
    if (!parentDir.isEmpty()) {
        auto parent = treeOf(parentDir);
        if (!parent)
            return fail(parent.takeError(), subject + QStringLiteral(": the snapshot below: "));
        below = parent.value();
    }
    // Whether the layer deletes `p` from the snapshot below: itself, or a directory above it,
    // is whited out, or a directory above it is made opaque.
    const auto isDeleted = [&](QByteArray p) {
        for (;;) {
            if (deleted.contains(p))
                return true;
            const qsizetype slash = p.lastIndexOf('/');
            p = slash < 0 ? QByteArray() : p.left(slash);
            if (cleared.contains(p))
                return true;
            if (slash < 0)
                return false;
        }
    };
    QList<QByteArray> sorted = present->keys();
    std::sort(sorted.begin(), sorted.end());
    for (const QByteArray &path : std::as_const(sorted)) {
        if (!named.contains(path) && !(below.contains(path) && !isDeleted(path)))
            audit.extra.append(path);
    }
    sorted = named.values();
    std::sort(sorted.begin(), sorted.end());
    for (const QByteArray &path : std::as_const(sorted)) {
        const auto here = present->constFind(path);
        if (here == present->constEnd()) {
            if (parentDir.isEmpty() || !deleted.contains(path))
                audit.missing.append(path);
            continue;
        }
        // A regular file's permissions, and every entry's type (a directory named only as a
        // parent, or a deletion's device, has no mode recorded).
        const auto want = modes.constFind(path);
        if (want == modes.constEnd())
            continue;
        if ((*here & S_IFMT) != want->type || (want->perm >= 0 && int(*here & 07777) != want->perm))
            audit.changed.append(path);
    }
    return audit;
}

} // namespace strata
