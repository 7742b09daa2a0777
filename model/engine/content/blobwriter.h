#pragma once

#include "digest.h"
#include "progress.h"
#include "result.h"
#include "sha256.h"

#include <QString>

namespace strata {

// Writes a blob to a staging file while hashing it; finish() syncs it and returns its digest.
// With a Progress, each write advances it by its bytes and fails once the work is cancelled.
class BlobWriter {
public:
    BlobWriter() = default;
    ~BlobWriter();
    BlobWriter(const BlobWriter &) = delete;
    BlobWriter &operator=(const BlobWriter &) = delete;

    Status open(const QString &path, const Progress &progress = {});
    Status write(const void *data, size_t size);
    struct Written {
        Digest digest;
        qint64 size = 0;
    };
    // Now: synced before it returns. Started: the write-back is only started, so that the disk
    // works while the caller goes on (the builder extracts the layer meanwhile); the caller
    // must fsync the file (fs::fsyncPath) before anything durable refers to it. Later: nothing
    // is started, for a file that is likely dropped before the kernel writes it back (the
    // loader's copy of an uncompressed layer); the same duty to fsync if it is kept.
    enum class Sync { Now, Started, Later };
    Result<Written> finish(Sync sync = Sync::Now);
    QString path() const { return m_path; }

private:
    int m_fd = -1;
    QString m_path;
    Progress m_progress;
    Sha256 m_hash;
    qint64 m_size = 0;
};

} // namespace strata
