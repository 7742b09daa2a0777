#include "contentstore.h"

#include "fsutil.h"
#include "sha256.h"

#include <QDir>
#include <QScopeGuard>
#include <QFile>

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace strata {

ContentStore::ContentStore(const QString &layoutDir)
    : m_blobDir(layoutDir + QStringLiteral("/blobs/sha256"))
{
}

QString ContentStore::blobPath(const Digest &digest) const
{
    return m_blobDir + u'/' + digest.hex();
}

bool ContentStore::has(const Digest &digest) const
{
    return !digest.isNull() && fs::exists(blobPath(digest));
}

qint64 ContentStore::size(const Digest &digest) const
{
    struct stat st;
    if (stat(QFile::encodeName(blobPath(digest)).constData(), &st) != 0)
        return -1;
    return st.st_size;
}

Result<Digest> ContentStore::put(QByteArrayView data)
{
    const Digest digest = Sha256::of(data);
    if (has(digest))
        return digest;
    STRATA_TRY(fs::createFileOnce(blobPath(digest), data));
    return digest;
}

Result<QByteArray> ContentStore::read(const Digest &digest, qint64 maxSize) const
{
    auto data = fs::readFile(blobPath(digest), maxSize);
    if (!data)
        return fail(QStringLiteral("blob %1: %2").arg(digest.toString(), data.error()));
    if (Sha256::of(data.value()) != digest)
        return fail(QStringLiteral("blob %1: content does not match its digest").arg(digest.toString()));
    return data;
}

Status ContentStore::adopt(const QString &stagedPath, const Digest &digest)
{
    if (has(digest))
        return {};
    // On disk before it has its name (a writer may have only started its writeback).
    if (Status s = fs::fsyncPath(stagedPath); !s)
        return fail(QStringLiteral("blob %1: %2").arg(digest.toString(), s.error()));
    if (rename(QFile::encodeName(stagedPath).constData(), QFile::encodeName(blobPath(digest)).constData()) != 0)
        return fail(QStringLiteral("blob %1: cannot move into the store: %2").arg(digest.toString(), fs::errorText(errno)));
    return {};
}

Status ContentStore::verify(const Digest &digest, qint64 expectedSize, const Progress &progress) const
{
    const QString path = blobPath(digest);
    int fd = open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(errno == ENOENT ? ErrorCode::NotFound : ErrorCode::Io, QStringLiteral("blob %1 is missing").arg(digest.toString()));
    const auto closeFd = qScopeGuard([fd] { close(fd); });
    Sha256 hash;
    QByteArray buffer(1 << 20, Qt::Uninitialized);
    qint64 total = 0;
    for (;;) {
        STRATA_TRY(progress.checkCancelled(QStringLiteral("verifying blob %1").arg(digest.toString())));
        ssize_t n = ::read(fd, buffer.data(), size_t(buffer.size()));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) // an error is not the end of the blob
            return fail(ErrorCode::Io, QStringLiteral("blob %1 cannot be read: %2").arg(digest.toString(), fs::errorText(errno)));
        if (n == 0)
            break;
        hash.add(buffer.constData(), size_t(n));
        total += n;
        progress.advance(n);
    }
    if (expectedSize >= 0 && total != expectedSize)
        return fail(QStringLiteral("blob %1 has %2 bytes, the manifest says %3").arg(digest.toString()).arg(total).arg(expectedSize));
    if (hash.finish() != digest)
        return fail(QStringLiteral("blob %1 is corrupt: its content does not hash to its digest").arg(digest.toString()));
    return {};
}

Status ContentStore::remove(const Digest &digest)
{
    if (unlink(QFile::encodeName(blobPath(digest)).constData()) != 0 && errno != ENOENT)
        return fail(QStringLiteral("blob %1: cannot remove: %2").arg(digest.toString(), fs::errorText(errno)));
    return {};
}

QList<Digest> ContentStore::list() const
{
    QList<Digest> out;
    const QStringList names = QDir(m_blobDir).entryList(QDir::Files | QDir::Hidden | QDir::System);
    for (const QString &name : names) {
        if (auto d = Digest::fromHex(name))
            out.append(d.value());
    }
    return out;
}

} // namespace strata
