#include "archiveindex.h"

#include "blobwriter.h"
#include "fsutil.h"
#include "layerapplier.h"
#include "sha256.h"
#include "staging.h"

#include <QFile>

#include <archive.h>
#include <archive_entry.h>

#include <memory>

namespace strata {

namespace {
    constexpr qint64 inMemoryLimit = 1024 * 1024; // files up to this size are kept in memory
    constexpr qint64 totalMemoryLimit = 256 * 1024 * 1024;
    constexpr qint64 maxHeaderBytes = 1024 * 1024;
    constexpr qint64 freeSpaceCheckBytes = 4 * 1024 * 1024; // staged between two looks at the free space

    struct ArchiveDeleter {
        void operator()(archive *a) const { archive_read_free(a); }
    };
}

ArchiveIndex::ArchiveIndex(const QString &archivePath, Staging &staging, const Progress &progress)
    : m_archive(archivePath)
    , m_staging(staging)
    , m_progress(progress)
{
}

Error ArchiveIndex::error(const QString &cause) const
{
    return fail(ErrorCode::InvalidInput, QStringLiteral("%1: %2").arg(m_archive, cause));
}

bool ArchiveIndex::contains(const QString &name) const
{
    return m_members.contains(name);
}

Result<QString> ArchiveIndex::cleanName(const char *raw) const
{
    const QString name = QString::fromUtf8(raw ? raw : "");
    if (name.startsWith(u'/'))
        return error(QStringLiteral("entry '%1' has an absolute path").arg(name.left(200)));
    QStringList parts;
    for (const QString &p : name.split(u'/', Qt::SkipEmptyParts)) {
        if (p == QLatin1String("."))
            continue;
        if (p == QLatin1String(".."))
            return error(QStringLiteral("entry '%1' leaves the archive root ('..')").arg(name.left(200)));
        parts.append(p);
    }
    return parts.join(u'/');
}

Status ArchiveIndex::read()
{
    std::unique_ptr<archive, ArchiveDeleter> a(archive_read_new());
    archive_read_support_filter_gzip(a.get());
    archive_read_support_filter_zstd(a.get());
    archive_read_support_filter_xz(a.get());
    archive_read_support_format_tar(a.get());
    archive_read_support_format_gnutar(a.get());
    if (archive_read_open_filename(a.get(), QFile::encodeName(m_archive).constData(), 1 << 20) != ARCHIVE_OK)
        return error(QStringLiteral("cannot open: %1").arg(QString::fromLocal8Bit(archive_error_string(a.get()))));
    // A small compressed archive can inflate to anything: staging keeps a reserve free.
    const qint64 reserve = LayerApplier::minFreeBytes(m_staging.path());
    qint64 unchecked = 0;
    int headers = 0;
    QString lastName;
    QByteArray buffer;
    for (;;) {
        // The previous entry's unread data first, so that `before` is where the next header starts.
        if (headers > 0 && archive_read_data_skip(a.get()) != ARCHIVE_OK)
            return error(QStringLiteral("entry '%1' is unreadable: %2").arg(lastName.left(200), QString::fromLocal8Bit(archive_error_string(a.get()))));
        const la_int64_t before = archive_filter_bytes(a.get(), 0);
        archive_entry *entry;
        int rc = archive_read_next_header(a.get(), &entry);
        if (rc == ARCHIVE_EOF) {
            // libarchive consumes the end-of-archive blocks, and nothing at the end of the data:
            // without them the archive is cut short, or an entry's size field swallowed them.
            if (archive_filter_bytes(a.get(), 0) == before && headers > 0)
                return error(QStringLiteral("the archive ends after entry '%1' without its end-of-archive blocks: it is truncated, or that entry's size "
                                            "field disagrees with its data")
                                 .arg(lastName.left(200)));
            break;
        }
        if (rc < ARCHIVE_WARN)
            return error(QStringLiteral("not a readable tar archive: %1").arg(QString::fromLocal8Bit(archive_error_string(a.get()))));
        if (LayerApplier::damagedHeader(a.get(), rc)) {
            const char *raw = rc == ARCHIVE_RETRY ? nullptr : archive_entry_pathname(entry);
            const QString cause = QString::fromLocal8Bit(archive_error_string(a.get()));
            if (raw && *raw)
                return error(QStringLiteral("entry '%1' has a damaged tar header at byte offset %2: %3").arg(QString::fromUtf8(raw).left(200)).arg(before).arg(cause));
            return error(QStringLiteral("the tar header at byte offset %1%2 is damaged: %3")
                             .arg(before)
                             .arg(lastName.isEmpty() ? QString() : QStringLiteral(" (after '%1')").arg(lastName.left(200)))
                             .arg(cause));
        }
        ++headers;
        lastName = QString::fromUtf8(archive_entry_pathname(entry));
        if (archive_filter_bytes(a.get(), 0) - before > maxHeaderBytes)
            return error(QStringLiteral("entry '%1' has headers larger than %2 bytes").arg(QString::fromUtf8(archive_entry_pathname(entry)).left(200)).arg(maxHeaderBytes));
        auto name = cleanName(archive_entry_pathname(entry));
        if (!name)
            return name.takeError();
        if (const char *hard = archive_entry_hardlink(entry)) {
            auto target = cleanName(hard);
            if (!target)
                return target.takeError();
            m_links.insert(name.value(), target.value());
            continue;
        }
        const auto type = archive_entry_filetype(entry);
        if (type == AE_IFLNK) {
            const QString dir = name->contains(u'/') ? name->left(name->lastIndexOf(u'/') + 1) : QString();
            const QString target = QString::fromUtf8(archive_entry_symlink(entry));
            auto resolved = cleanName(target.startsWith(u'/') ? target.toUtf8().constData() : (dir + target).toUtf8().constData());
            if (!resolved)
                return error(QStringLiteral("symbolic link '%1' points outside the archive").arg(name.value()));
            m_links.insert(name.value(), resolved.value());
            continue;
        }
        if (type != AE_IFREG)
            continue;
        Member m;
        const qint64 size = archive_entry_size(entry);
        if (size <= inMemoryLimit) {
            m_memory += size;
            if (m_memory > totalMemoryLimit)
                return error(QStringLiteral("too many small files (more than %1 bytes of them)").arg(totalMemoryLimit));
            m.bytes.resize(size);
            la_ssize_t got = size > 0 ? archive_read_data(a.get(), m.bytes.data(), size_t(size)) : 0;
            if (got != size)
                return error(QStringLiteral("entry '%1' is truncated: %2").arg(name.value(), QString::fromLocal8Bit(archive_error_string(a.get()))));
            m.digest = Sha256::of(m.bytes);
            m.size = size;
        } else if (archive_filter_code(a.get(), 0) == ARCHIVE_FILTER_NONE && archive_entry_sparse_count(entry) == 0) {
            // Its bytes lie in the archive as they are: read in place later, and hashed then
            // (the skip past them is a seek).
            m.offset = archive_filter_bytes(a.get(), 0);
            m.size = size;
            m_progress.advance(size);
        } else {
            BlobWriter writer;
            m.stagedPath = m_staging.file(QStringLiteral("in-%1").arg(++m_files));
            STRATA_TRY(writer.open(m.stagedPath, m_progress));
            const void *buf;
            size_t len;
            la_int64_t offset;
            for (;;) {
                int r = archive_read_data_block(a.get(), &buf, &len, &offset);
                if (r == ARCHIVE_EOF)
                    break;
                if (r != ARCHIVE_OK)
                    return error(QStringLiteral("entry '%1' is unreadable: %2").arg(name.value(), QString::fromLocal8Bit(archive_error_string(a.get()))));
                if ((unchecked += qint64(len)) >= freeSpaceCheckBytes) {
                    unchecked = 0;
                    if (Status room = LayerApplier::checkFreeSpace(m_staging.path(), reserve); !room)
                        return error(QStringLiteral("entry '%1' is not unpacked: %2").arg(name.value(), room.error()));
                }
                STRATA_TRY(writer.write(buf, len));
            }
            // Not synced here: an uncompressed layer's copy is dropped once it is extracted (the
            // snapshot and its tar-split keep it); a blob that is kept is synced as it moves in.
            auto written = writer.finish(BlobWriter::Sync::Later);
            if (!written)
                return written.takeError();
            if (written->size != size)
                return error(QStringLiteral("entry '%1' is truncated").arg(name.value()));
            m.digest = written->digest;
            m.size = written->size;
        }
        m_members.insert(name.value(), std::move(m));
    }
    return {};
}

Result<ArchiveIndex::Member *> ArchiveIndex::find(const QString &rawName)
{
    auto name = cleanName(rawName.toUtf8().constData());
    if (!name)
        return name.takeError();
    QString n = name.value();
    for (int hops = 0; hops < 16; ++hops) {
        if (auto it = m_members.find(n); it != m_members.end())
            return &*it;
        auto link = m_links.constFind(n);
        if (link == m_links.constEnd())
            break;
        n = *link;
    }
    return error(QStringLiteral("'%1' is referenced but not in the archive").arg(rawName.left(200)));
}

Result<QByteArray> ArchiveIndex::bytesOf(const QString &name, Member *m)
{
    if (m->inMemory())
        return m->bytes;
    if (m->size > 16 * 1024 * 1024)
        return error(QStringLiteral("'%1' is %2 bytes, too large for a JSON document").arg(name).arg(m->size));
    if (m->offset < 0)
        return fs::readFile(m->stagedPath);
    const QByteArray bytes = headOf(*m, qsizetype(m->size));
    if (bytes.size() != m->size)
        return error(QStringLiteral("'%1' is cut short").arg(name));
    if (m->digest.isNull())
        m->digest = Sha256::of(bytes);
    else if (Sha256::of(bytes) != m->digest)
        return error(QStringLiteral("'%1' changed while the archive was being read").arg(name));
    return bytes;
}

Result<Digest> ArchiveIndex::digestOf(Member *m)
{
    if (!m->digest.isNull())
        return m->digest;
    QFile in(m_archive);
    if (!in.open(QIODevice::ReadOnly) || !in.seek(m->offset))
        return error(QStringLiteral("cannot read a member again: %1").arg(in.errorString()));
    Sha256 hash;
    QByteArray block(1 << 20, Qt::Uninitialized);
    for (qint64 left = m->size; left > 0;) {
        const qint64 n = in.read(block.data(), std::min<qint64>(left, block.size()));
        if (n <= 0)
            return error(QStringLiteral("a member of %1 bytes is cut short").arg(m->size));
        hash.add(block.constData(), size_t(n));
        left -= n;
    }
    m->digest = hash.finish();
    return m->digest;
}

BlobSource ArchiveIndex::sourceOf(const Member &m) const
{
    return m.offset >= 0 ? BlobSource(m_archive, m.offset, m.size) : BlobSource(m.stagedPath);
}

QByteArray ArchiveIndex::headOf(const Member &m, qsizetype count) const
{
    if (m.inMemory())
        return m.bytes.left(count);
    QFile f(m.offset >= 0 ? m_archive : m.stagedPath);
    if (!f.open(QIODevice::ReadOnly) || (m.offset >= 0 && !f.seek(m.offset)))
        return {};
    return f.read(std::min<qint64>(count, m.size));
}

void ArchiveIndex::dropStagedFiles(const QSet<QString> &keep)
{
    for (Member &m : m_members) {
        if (m.stagedPath.isEmpty() || keep.contains(m.stagedPath))
            continue;
        QFile::remove(m.stagedPath); // what is left is swept with the staging
    }
}

Result<QString> ArchiveIndex::fileOf(Member *m)
{
    if (m->offset >= 0) {
        // Copied out of the archive, and checked: the archive may have changed since.
        const QString path = m_staging.file(QStringLiteral("in-%1").arg(++m_files));
        QFile in(m_archive);
        if (!in.open(QIODevice::ReadOnly) || !in.seek(m->offset))
            return error(QStringLiteral("cannot read it again: %1").arg(in.errorString()));
        BlobWriter writer;
        STRATA_TRY(writer.open(path, {}));
        QByteArray block(1 << 20, Qt::Uninitialized);
        for (qint64 left = m->size; left > 0;) {
            const qint64 n = in.read(block.data(), std::min<qint64>(left, block.size()));
            if (n <= 0)
                return error(QStringLiteral("it ends while it is read again: %1").arg(in.errorString()));
            STRATA_TRY(writer.write(block.constData(), size_t(n)));
            left -= n;
        }
        auto written = writer.finish(BlobWriter::Sync::Later);
        if (!written)
            return written.takeError();
        if ((!m->digest.isNull() && written->digest != m->digest) || written->size != m->size)
            return error(QStringLiteral("a member of %1 bytes changed while the archive was being read").arg(m->size));
        m->digest = written->digest;
        m->offset = -1;
        m->stagedPath = path;
        return path;
    }
    if (!m->inMemory())
        return m->stagedPath;
    const QString path = m_staging.file(QStringLiteral("in-%1").arg(++m_files));
    STRATA_TRY(fs::writeFileAtomic(path, m->bytes));
    m->stagedPath = path;
    m->bytes.clear();
    return path;
}

} // namespace strata
