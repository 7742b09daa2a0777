#pragma once

#include "digest.h"
#include "progress.h"
#include "result.h"

#include <QByteArray>
#include <QString>

namespace strata {

// The blobs of the store's OCI image layout: images/blobs/sha256/<hex>. Blobs are immutable
// and content-addressed; a blob is only ever moved in complete and verified.
// Threads: shared by the Store's users; it keeps no state of its own beyond its folder.
class ContentStore {
public:
    explicit ContentStore(const QString &layoutDir);

    QString blobPath(const Digest &digest) const;
    bool has(const Digest &digest) const;
    qint64 size(const Digest &digest) const; // -1 if absent

    // Small blobs (manifests, configs): written atomically if not present yet.
    Result<Digest> put(QByteArrayView data);
    Result<QByteArray> read(const Digest &digest, qint64 maxSize = 16 * 1024 * 1024) const;
    // Moves a staged, already verified blob in, synced first; a blob that is already present wins.
    Status adopt(const QString &stagedPath, const Digest &digest);
    // Re-hashes a blob: it must exist, have `expectedSize` (when >= 0) and hash to its name.
    // Reads the blob whole and compares its size (when expected is not -1) and its hash.
    Status verify(const Digest &digest, qint64 expectedSize, const Progress &progress = {}) const;
    Status remove(const Digest &digest);
    QList<Digest> list() const;

private:
    QString m_blobDir;
};

} // namespace strata
