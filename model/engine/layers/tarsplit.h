#pragma once

#include "digest.h"
#include "result.h"
#include "sha256.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <memory>

namespace strata {

// A layer kept once: its snapshot plus its tar-split, the tar stream's every byte but the
// contents of its regular files (headers, PAX records, padding, the end-of-archive blocks),
// with each file's content named by its path in the snapshot, its size and its CRC-32. From
// the two the byte-identical tar is rebuilt (save, check, push), as Docker and
// containers/storage do with their tar-split. The file: zstd-compressed records
// ("strata-tar-split 1\n", then M(etadata) bytes / F(ile) size path crc / E(nd) length).
//
// The writer is fed the uncompressed stream as the applier reads it and told where each
// regular file's data lies; a stream it cannot map onto the snapshot (a sparse file, a path
// written twice) is refused with the reason, and the caller keeps the blob instead. Used by
// one thread.
class TarSplitWriter {
public:
    TarSplitWriter();
    ~TarSplitWriter();
    TarSplitWriter(const TarSplitWriter &) = delete;
    TarSplitWriter &operator=(const TarSplitWriter &) = delete;

    Status open(const QString &path);
    // The next raw bytes of the uncompressed stream, in order.
    void feed(const char *data, qint64 size);
    // A regular file whose `size` bytes of data start at byte `dataStart` of the stream and
    // land in the snapshot at `path` (relative, clean). Files whose data was passed on as
    // metadata already are kept inline.
    void file(qint64 dataStart, qint64 size, const QByteArray &path);
    // The stream cannot be rebuilt from the snapshot: `why` says what.
    void refuse(const QString &why);
    // After the whole stream was fed: writes the rest and syncs. Fails on a write error; a
    // refused split is removed and reported by refused().
    Status finish();
    // Removes the file (the layer failed, or the split is not wanted).
    void discard();
    const QString &refused() const { return m_refused; }

private:
    struct Impl;
    std::unique_ptr<Impl> d;
    QString m_refused;
};

// Rebuilds a layer's tar stream from its tar-split and its snapshot directory, block by
// block, checking every file (present, a regular file, its size and CRC-32) and at the end the
// stream's length and sha256 against the layer's: an error names the file and what changed.
// Used by one thread.
class TarSplitReader {
public:
    TarSplitReader();
    ~TarSplitReader();
    TarSplitReader(const TarSplitReader &) = delete;
    TarSplitReader &operator=(const TarSplitReader &) = delete;

    // `subject` names the layer in errors ("layer sha256:…").
    Status open(const QString &splitPath, const QString &snapshotDir, const Digest &diffId, qint64 size, const QString &subject);
    // The next block, or an empty one at the end (after which the stream was checked whole).
    Result<QByteArrayView> read();
    // The snapshot paths of the files the split names, in stream order (check uses them).
    const QList<QByteArray> &filesRead() const { return m_files; }

private:
    struct Impl;
    std::unique_ptr<Impl> d;
    QList<QByteArray> m_files;
};

// What `check` finds when it rebuilds a layer's tar from its snapshot.
struct SnapshotAudit {
    // Entries the snapshot holds that the layer does not (for a snapshot that is a whole tree,
    // vfs or btrfs: nor the snapshot below it), and entries of the layer it lacks; paths
    // relative to the snapshot, sorted.
    QList<QByteArray> extra, missing;
    QList<QByteArray> changed; // of another type than the layer's entry, or a file with other permissions
    qint64 size = 0; // the layer's content as Docker counts it (regular files once, link targets)
};
// Rebuilds the layer's tar from `snapshotDir` and its tar-split (every file present and
// unchanged, the whole stream hashing to `diffId`: else an error naming the file), then
// compares the snapshot's entries with the tar's. `parentDir`: the snapshot below, for drivers
// whose snapshots are whole trees; empty for overlay2, whose snapshot holds the layer alone
// (its deletions as whiteout devices).
Result<SnapshotAudit> auditSnapshot(const QString &splitPath, const QString &snapshotDir, const QString &parentDir, const Digest &diffId, qint64 size,
    const QString &subject);

} // namespace strata
