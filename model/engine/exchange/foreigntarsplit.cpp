#include "foreigntarsplit.h"

#include "confineddirs.h"
#include "fsutil.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QList>

#include <archive.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace strata {

namespace {
    constexpr qsizetype blockBytes = 1024 * 1024;
    constexpr qsizetype inflateBytes = 256 * 1024;
    // Whatever the entries: a split that inflates past this is a bomb, not a layer's metadata.
    constexpr qint64 maxInflatedBytes = qint64(4) << 30;

    using Crc64Tables = std::array<std::array<quint64, 256>, 8>;

    // Go's hash/crc64 with crc64.ISO; eight tables, so that eight bytes cost one step.
    const Crc64Tables &crc64Tables()
    {
        static const Crc64Tables tables = [] {
            Crc64Tables t {};
            constexpr quint64 iso = 0xD800000000000000ULL;
            for (quint64 i = 0; i < 256; ++i) {
                quint64 c = i;
                for (int k = 0; k < 8; ++k)
                    c = (c & 1) ? (c >> 1) ^ iso : c >> 1;
                t[0][i] = c;
            }
            for (int k = 1; k < 8; ++k)
                for (int i = 0; i < 256; ++i)
                    t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xff];
            return t;
        }();
        return tables;
    }


    struct ArchiveFree {
        void operator()(archive *a) const { archive_read_free(a); }
    };
}

quint64 ForeignTarSplit::crc64(quint64 crc, const char *data, qsizetype size)
{
    const Crc64Tables &t = crc64Tables();
    const auto *p = reinterpret_cast<const uchar *>(data);
    crc = ~crc;
    while (size >= 8) {
        quint64 word;
        std::memcpy(&word, p, 8);
        if constexpr (Q_BYTE_ORDER == Q_BIG_ENDIAN)
            word = __builtin_bswap64(word);
        crc ^= word;
        crc = t[7][crc & 0xff] ^ t[6][(crc >> 8) & 0xff] ^ t[5][(crc >> 16) & 0xff] ^ t[4][(crc >> 24) & 0xff] ^ t[3][(crc >> 32) & 0xff]
            ^ t[2][(crc >> 40) & 0xff] ^ t[1][(crc >> 48) & 0xff] ^ t[0][crc >> 56];
        p += 8;
        size -= 8;
    }
    while (size-- > 0)
        crc = t[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

struct ForeignTarSplit::Impl {
    fs::UniqueFd split, dir;
    QString splitPath, dirPath;
    ConfinedDirs dirs;

    // The pass under way.
    std::unique_ptr<archive, ArchiveFree> gz;
    QByteArray inflated;
    qsizetype at = 0; // start of the next line in `inflated`
    qsizetype scanned = 0; // `inflated` holds no newline between `at` and here
    bool inputEnded = false;
    qint64 inflatedTotal = 0, entries = 0, segmentBytes = 0;
    bool reading = false, ended = false;
    QByteArray block;

    struct Entry {
        int type = 0;
        QByteArray payload; // a segment's bytes
        QByteArray name; // a file's, cleaned
        QList<QByteArray> parts;
        qint64 size = 0;
        quint64 crc = 0;
    };
    struct File {
        fs::UniqueFd fd;
        QByteArray name;
        qint64 left = 0;
        quint64 crc = 0, expected = 0;
    } file;

    Error damaged(const QString &cause) const { return fail(ErrorCode::InvalidInput, QStringLiteral("%1: damaged tar-split: %2").arg(splitPath, cause)); }
    Error entryDamaged(const QString &cause) const { return damaged(QStringLiteral("entry %1 %2").arg(entries).arg(cause)); }
    QString filePath(const QByteArray &name) const { return dirPath + u'/' + QString::fromUtf8(name.left(400)); }
    Error fileError(const QByteArray &name, const QString &cause) const
    {
        return fail(ErrorCode::InvalidInput, QStringLiteral("%1: %2").arg(filePath(name), cause));
    }

    Status startPass()
    {
        gz.reset(archive_read_new());
        inflated.clear();
        at = scanned = 0;
        inputEnded = ended = false;
        inflatedTotal = entries = segmentBytes = 0;
        file = File();
        if (!gz)
            return fail(ErrorCode::Io, QStringLiteral("%1: cannot start libarchive").arg(splitPath));
        if (::lseek(split.get(), 0, SEEK_SET) != 0)
            return fail(ErrorCode::Io, QStringLiteral("%1: cannot seek: %2").arg(splitPath, fs::errorText(errno)));
        archive_read_support_filter_gzip(gz.get());
        archive_read_support_format_raw(gz.get());
        if (archive_read_open_fd(gz.get(), split.get(), 64 * 1024) != ARCHIVE_OK)
            return damaged(QString::fromLocal8Bit(archive_error_string(gz.get())));
        archive_entry *entry = nullptr;
        if (archive_read_next_header(gz.get(), &entry) != ARCHIVE_OK)
            return damaged(QStringLiteral("empty or unreadable: %1").arg(QString::fromLocal8Bit(archive_error_string(gz.get()))));
        if (archive_filter_code(gz.get(), 0) != ARCHIVE_FILTER_GZIP)
            return damaged(QStringLiteral("not gzip-compressed"));
        return {};
    }

    // The next line, false at the end of the split.
    Result<bool> nextLine(QByteArray &line)
    {
        for (;;) {
            const qsizetype nl = inflated.indexOf('\n', scanned);
            if (nl >= 0) {
                line = inflated.mid(at, nl - at);
                at = scanned = nl + 1;
                return true;
            }
            scanned = inflated.size();
            if (inflated.size() - at > maxLineBytes)
                return damaged(QStringLiteral("entry %1 is longer than %2 bytes").arg(entries + 1).arg(maxLineBytes));
            if (inputEnded) {
                if (at == inflated.size())
                    return false;
                line = inflated.mid(at); // the last line may lack its newline, as Go's decoder allows
                at = scanned = inflated.size();
                return true;
            }
            inflated.remove(0, at);
            scanned -= at;
            at = 0;
            const qsizetype before = inflated.size();
            inflated.resize(before + inflateBytes);
            const la_ssize_t n = archive_read_data(gz.get(), inflated.data() + before, size_t(inflateBytes));
            if (n < 0)
                return damaged(QStringLiteral("its gzip stream is corrupt or cut short: %1").arg(QString::fromLocal8Bit(archive_error_string(gz.get()))));
            inflated.resize(before + qsizetype(n));
            inputEnded = n == 0;
            inflatedTotal += n;
            if (inflatedTotal > maxInflatedBytes)
                return damaged(QStringLiteral("it inflates to more than %1 bytes").arg(maxInflatedBytes));
        }
    }

    static Result<QByteArray> base64(const QJsonValue &v)
    {
        if (v.isNull() || v.isUndefined())
            return QByteArray();
        if (!v.isString())
            return fail(ErrorCode::InvalidInput, QStringLiteral("is not a base64 string"));
        auto decoded = QByteArray::fromBase64Encoding(v.toString().toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            return fail(ErrorCode::InvalidInput, QStringLiteral("is not valid base64"));
        return decoded.decoded;
    }

    // A file entry's name as a path below the layer's directory.
    Status clean(Entry &e, const QByteArray &raw) const
    {
        if (raw.contains('\0'))
            return entryDamaged(QStringLiteral("has a file name with a NUL byte"));
        for (const QByteArray &p : raw.split('/')) {
            if (p.isEmpty() || p == ".")
                continue;
            if (p == "..")
                return entryDamaged(QStringLiteral("names the file '%1', which leaves the layer's directory").arg(QString::fromUtf8(raw.left(400))));
            e.parts.append(p);
        }
        e.name = e.parts.join('/');
        return {};
    }

    // The next entry, false at the end.
    Result<bool> next(Entry &e)
    {
        QByteArray line;
        for (;;) {
            auto more = nextLine(line);
            if (!more)
                return more.takeError();
            if (!more.value())
                return false;
            if (!line.trimmed().isEmpty())
                break;
        }
        if (++entries > maxEntries)
            return damaged(QStringLiteral("more than %1 entries").arg(maxEntries));
        QJsonParseError perr;
        const QJsonDocument doc = QJsonDocument::fromJson(line, &perr);
        if (perr.error != QJsonParseError::NoError || !doc.isObject())
            return entryDamaged(QStringLiteral("is not a JSON object: %1").arg(perr.error != QJsonParseError::NoError ? perr.errorString() : QStringLiteral("another value")));
        const QJsonObject o = doc.object();
        const QJsonValue position = o.value(QLatin1String("position"));
        if (!position.isDouble() || position.toInteger(-1) != entries - 1)
            return entryDamaged(QStringLiteral("has position %1, not %2").arg(position.toVariant().toString().left(40)).arg(entries - 1));
        auto payload = base64(o.value(QLatin1String("payload")));
        if (!payload)
            return entryDamaged(QStringLiteral("has a payload that %1").arg(payload.error()));
        e = {};
        e.type = int(o.value(QLatin1String("type")).toInteger(0));
        if (e.type == 2) {
            segmentBytes += payload->size();
            if (segmentBytes > maxSegmentBytes)
                return damaged(QStringLiteral("its segments hold more than %1 bytes").arg(maxSegmentBytes));
            e.payload = payload.value();
            return true;
        }
        if (e.type != 1)
            return entryDamaged(QStringLiteral("has the unknown type %1").arg(o.value(QLatin1String("type")).toVariant().toString().left(40)));
        QByteArray raw = o.value(QLatin1String("name")).toString().toUtf8();
        if (const QJsonValue nameRaw = o.value(QLatin1String("name_raw")); !nameRaw.isUndefined() && !nameRaw.isNull()) {
            auto bytes = base64(nameRaw);
            if (!bytes)
                return entryDamaged(QStringLiteral("has a name_raw that %1").arg(bytes.error()));
            if (!bytes->isEmpty())
                raw = bytes.value();
        }
        const QJsonValue size = o.value(QLatin1String("size"));
        e.size = size.isUndefined() ? 0 : size.toInteger(-1);
        if (e.size < 0 || e.size > maxTarBytes)
            return entryDamaged(QStringLiteral("has the size %1").arg(size.toVariant().toString().left(40)));
        STRATA_TRY(clean(e, raw));
        if (e.size == 0)
            return true; // adds nothing to the stream: a directory, a link, an empty file
        if (e.parts.isEmpty())
            return entryDamaged(QStringLiteral("names no file but has %1 bytes").arg(e.size));
        if (payload->size() != 8)
            return entryDamaged(QStringLiteral("has a checksum of %1 bytes for '%2', not a CRC-64's 8").arg(payload->size()).arg(QString::fromUtf8(e.name.left(400))));
        for (char c : payload.value())
            e.crc = (e.crc << 8) | uchar(c);
        return true;
    }

    Status openFile(const Entry &e)
    {
        auto parent = dirs.open(e.parts, e.parts.size() - 1, false);
        if (!parent)
            return fileError(e.name, QStringLiteral("cannot be reached: it %1").arg(parent.error()));
        if (parent.value() < 0)
            return fileError(e.name, QStringLiteral("is missing, but the tar-split %1 lists it").arg(splitPath));
        fs::UniqueFd fd(fs::openNoAtime(parent.value(), e.parts.last().constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
        if (!fd.ok()) {
            if (errno == ENOENT)
                return fileError(e.name, QStringLiteral("is missing, but the tar-split %1 lists it").arg(splitPath));
            if (errno == ELOOP)
                return fileError(e.name, QStringLiteral("is a symbolic link, not the file the tar-split %1 lists").arg(splitPath));
            return fileError(e.name, QStringLiteral("cannot be opened: %1").arg(fs::errorText(errno)));
        }
        struct stat st {};
        if (::fstat(fd.get(), &st) != 0)
            return fileError(e.name, fs::errorText(errno));
        if (!S_ISREG(st.st_mode))
            return fileError(e.name, QStringLiteral("is not a regular file, but the tar-split %1 lists it as one").arg(splitPath));
        if (st.st_size != e.size)
            return fileError(e.name, QStringLiteral("has %1 bytes, but the tar-split %2 says %3").arg(st.st_size).arg(splitPath).arg(e.size));
        file.fd = std::move(fd);
        file.name = e.name;
        file.left = e.size;
        file.crc = 0;
        file.expected = e.crc;
        return {};
    }

    // Appends the open file's next bytes to `block`, up to blockBytes.
    Status readFile()
    {
        const qsizetype before = block.size();
        const qsizetype want = qsizetype(std::min<qint64>(file.left, blockBytes - before));
        block.resize(before + want);
        ssize_t n;
        do
            n = ::read(file.fd.get(), block.data() + before, size_t(want));
        while (n < 0 && errno == EINTR);
        if (n < 0)
            return fileError(file.name, QStringLiteral("cannot be read: %1").arg(fs::errorText(errno)));
        if (n == 0)
            return fileError(file.name, QStringLiteral("shrank while it was read (%1 bytes short)").arg(file.left));
        block.resize(before + n);
        file.crc = crc64(file.crc, block.constData() + before, n);
        file.left -= n;
        if (file.left == 0) {
            file.fd.reset(-1);
            if (file.crc != file.expected)
                return fileError(file.name, QStringLiteral("has other content than when the layer was stored (its CRC-64 is not the one the tar-split %1 keeps)").arg(splitPath));
        }
        return {};
    }
};

ForeignTarSplit::ForeignTarSplit() = default;
ForeignTarSplit::~ForeignTarSplit() = default;

Status ForeignTarSplit::open(fs::UniqueFd split, const QString &splitPath, fs::UniqueFd dir, const QString &dirPath)
{
    d = std::make_unique<Impl>();
    d->split = std::move(split);
    d->dir = std::move(dir);
    d->splitPath = splitPath;
    d->dirPath = dirPath;
    struct stat st {};
    if (::fstat(d->split.get(), &st) != 0)
        return fail(ErrorCode::Io, QStringLiteral("%1: %2").arg(splitPath, fs::errorText(errno)));
    if (!S_ISREG(st.st_mode))
        return d->damaged(QStringLiteral("not a regular file"));
    d->dirs.setRoot(d->dir.get());
    return {};
}

Result<qint64> ForeignTarSplit::measure()
{
    rewind();
    STRATA_TRY(d->startPass());
    qint64 total = 0;
    Impl::Entry e;
    for (;;) {
        auto more = d->next(e);
        if (!more)
            return more.takeError();
        if (!more.value())
            break;
        total += e.type == 2 ? e.payload.size() : e.size;
        if (total > maxTarBytes)
            return d->damaged(QStringLiteral("it describes a tar of more than %1 bytes").arg(maxTarBytes));
    }
    if (d->entries == 0)
        return d->damaged(QStringLiteral("it has no entries"));
    return total;
}

void ForeignTarSplit::rewind()
{
    d->reading = false;
}

Result<QByteArrayView> ForeignTarSplit::read()
{
    if (!d->reading) {
        STRATA_TRY(d->startPass());
        d->reading = true;
    }
    d->block.clear();
    Impl::Entry e;
    while (d->block.size() < blockBytes) {
        if (d->file.fd.ok()) {
            STRATA_TRY(d->readFile());
            continue;
        }
        if (d->ended)
            break;
        auto more = d->next(e);
        if (!more)
            return more.takeError();
        if (!more.value()) {
            d->ended = true;
            break;
        }
        if (e.type == 2)
            d->block.append(e.payload);
        else if (e.size > 0)
            STRATA_TRY(d->openFile(e));
    }
    return QByteArrayView(d->block);
}

} // namespace strata
