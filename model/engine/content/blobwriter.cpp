#include "blobwriter.h"

#include "fsutil.h"

#include <QFile>

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace strata {

BlobWriter::~BlobWriter()
{
    if (m_fd >= 0)
        close(m_fd);
}

Status BlobWriter::open(const QString &path, const Progress &progress)
{
    m_path = path;
    m_progress = progress;
    m_size = 0;
    m_fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (m_fd < 0)
        return fail(ErrorCode::Io, QStringLiteral("%1: cannot create: %2").arg(path, fs::errorText(errno)));
    return {};
}

Status BlobWriter::write(const void *data, size_t size)
{
    STRATA_TRY(m_progress.checkCancelled(m_path));
    m_progress.advance(qint64(size));
    m_hash.add(data, size);
    const char *p = static_cast<const char *>(data);
    while (size > 0) {
        ssize_t n = ::write(m_fd, p, size);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return fail(ErrorCode::Io, QStringLiteral("%1: write failed: %2").arg(m_path, fs::errorText(errno)));
        }
        p += n;
        size -= size_t(n);
        m_size += n;
    }
    return {};
}

Result<BlobWriter::Written> BlobWriter::finish(Sync sync)
{
    if (sync == Sync::Now && fdatasync(m_fd) != 0)
        return fail(ErrorCode::Io, QStringLiteral("%1: sync failed: %2").arg(m_path, fs::errorText(errno)));
    // Only a hint: should it fail, the caller's fsync does all the work later.
    if (sync == Sync::Started)
        (void)sync_file_range(m_fd, 0, 0, SYNC_FILE_RANGE_WRITE);
    close(m_fd);
    m_fd = -1;
    return Written { m_hash.finish(), m_size };
}

} // namespace strata
