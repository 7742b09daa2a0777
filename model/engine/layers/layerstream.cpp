#include "layerstream.h"

#include <QFile>

#include <archive.h>
#include <archive_entry.h>

namespace strata {

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
        return fail(ErrorCode::InvalidInput, QString::fromLocal8Bit(archive_error_string(m_archive)));
    m_hash.add(buffer, size);
    return QByteArrayView(static_cast<const char *>(buffer), qsizetype(size));
}

qint64 LayerStream::consumed() const
{
    return archive_filter_bytes(m_archive, -1);
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
