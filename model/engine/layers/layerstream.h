#pragma once

#include "digest.h"
#include "result.h"
#include "sha256.h"

#include <QByteArray>
#include <QString>

#include <memory>

struct archive;

namespace strata {

// Where a layer blob's bytes are: a file, or `length` bytes of one from `offset` (a member of an
// uncompressed image archive, read in place).
struct BlobSource {
    QString path;
    qint64 offset = 0;
    qint64 length = -1; // to the end of the file
    BlobSource(const QString &file = {}) // NOLINT(google-explicit-constructor): a file is a source
        : path(file)
    {
    }
    BlobSource(const QString &file, qint64 at, qint64 size)
        : path(file)
        , offset(at)
        , length(size)
    {
    }
    bool isRange() const { return length >= 0; }
};

// The uncompressed stream of a layer blob (plain tar, gzip, zstd, xz or bzip2; an empty blob
// is an empty stream), read block by block and hashed as it goes: its sha256 is the layer's
// diffID. The applier and the loader read layers through this one class, so both always see
// the same stream. Used by one thread.
class LayerStream {
public:
    LayerStream();
    ~LayerStream();
    LayerStream(const LayerStream &) = delete;
    LayerStream &operator=(const LayerStream &) = delete;

    Status openFile(const QString &path);
    Status open(const BlobSource &source);
    // `bytes` must outlive the stream.
    Status openMemory(const QByteArray &bytes);
    // The next block, or an empty one at the end; fails on corrupt or truncated compression.
    Result<QByteArrayView> read();
    // The sha256 of everything read; call once, at the end.
    Digest finish() { return m_hash.finish(); }
    // Bytes of the blob itself consumed so far (compressed, as on disk).
    qint64 consumed() const;
    // Whether the blob is compressed: else its bytes are the stream, and hash to finish().
    bool compressed() const;

    // The diffID of a blob: its whole uncompressed stream, hashed.
    static Result<Digest> digestOf(LayerStream &stream);

private:
    Status opened(int rc);

    struct Range;

    archive *m_archive;
    Sha256 m_hash;
    std::unique_ptr<Range> m_range;
};

} // namespace strata
