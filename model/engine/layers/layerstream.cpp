#include "layerstream.h"

#include <QFile>

#include <archive.h>
#include <archive_entry.h>

#include "fsutil.h"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace strata {

// A byte range of a file, handed to libarchive block by block.
struct LayerStream::Range {
    int fd = -1;
    qint64 at = 0, end = 0;
    QByteArray block;
    QString error; // why a read failed
    ~Range()
    {
        if (fd >= 0)
            ::close(fd);
    }
    static la_ssize_t read(archive *, void *data, const void **buffer)
    {
        auto *r = static_cast<Range *>(data);
        const qint64 want = std::min<qint64>(r->end - r->at, 1 << 20);
        if (want <= 0)
            return 0;
        r->block.resize(qsizetype(want));
        ssize_t n;
        do
            n = ::pread(r->fd, r->block.data(), size_t(want), off_t(r->at));
        while (n < 0 && errno == EINTR);
        if (n < 0) {
            r->error = fs::errorText(errno);
            return -1;
        }
        if (n == 0) {
            r->error = QStringLiteral("the file ends %1 bytes early").arg(r->end - r->at);
            return -1;
        }
        r->at += n;
        *buffer = r->block.constData();
        return n;
    }
};

LayerStream::LayerStream()
    : m_archive(archive_read_new())
{
    archive_read_support_filter_gzip(m_archive);
    archive_read_support_filter_zstd(m_archive);
    archive_read_support_filter_xz(m_archive);
    archive_read_support_filter_bzip2(m_archive);
    archive_read_support_format_raw(m_archive);
    archive_read_support_format_empty(m_archive);
}

LayerStream::~LayerStream()
{
    archive_read_free(m_archive);
}

Status LayerStream::opened(int rc)
{
    if (rc != ARCHIVE_OK)
        return fail(ErrorCode::Io, QStringLiteral("cannot open: %1").arg(QString::fromLocal8Bit(archive_error_string(m_archive))));
    archive_entry *entry;
    if (archive_read_next_header(m_archive, &entry) != ARCHIVE_OK)
        return fail(ErrorCode::InvalidInput, QStringLiteral("the archive is empty or unreadable: %1").arg(QString::fromLocal8Bit(archive_error_string(m_archive))));
    return {};
}

Status LayerStream::openFile(const QString &path)
{
    return opened(archive_read_open_filename(m_archive, QFile::encodeName(path).constData(), 1 << 20));
}

Status LayerStream::open(const BlobSource &source)
{
    if (!source.isRange())
        return openFile(source.path);
    m_range = std::make_unique<Range>();
    m_range->fd = ::open(QFile::encodeName(source.path).constData(), O_RDONLY | O_CLOEXEC);
    if (m_range->fd < 0)
        return fail(ErrorCode::Io, QStringLiteral("cannot open %1: %2").arg(source.path, fs::errorText(errno)));
    m_range->at = source.offset;
    m_range->end = source.offset + source.length;
    return opened(archive_read_open(m_archive, m_range.get(), nullptr, Range::read, nullptr));
}

Status LayerStream::openMemory(const QByteArray &bytes)
{
    return opened(archive_read_open_memory(m_archive, bytes.constData(), size_t(bytes.size())));
}

Result<QByteArrayView> LayerStream::read()
{
    const void *buffer = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    const int rc = archive_read_data_block(m_archive, &buffer, &size, &offset);
    if (rc == ARCHIVE_EOF)
        return QByteArrayView();
    if (rc != ARCHIVE_OK)
        return fail(ErrorCode::InvalidInput, m_range && !m_range->error.isEmpty() ? m_range->error : QString::fromLocal8Bit(archive_error_string(m_archive)));
    m_hash.add(buffer, size);
    return QByteArrayView(static_cast<const char *>(buffer), qsizetype(size));
}

qint64 LayerStream::consumed() const
{
    return archive_filter_bytes(m_archive, -1);
}

bool LayerStream::compressed() const
{
    return archive_filter_code(m_archive, 0) != ARCHIVE_FILTER_NONE;
}

Result<Digest> LayerStream::digestOf(LayerStream &stream)
{
    for (;;) {
        auto block = stream.read();
        if (!block)
            return block.takeError();
        if (block->isEmpty())
            return stream.finish();
    }
}

} // namespace strata
