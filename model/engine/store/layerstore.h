#pragma once

#include <atomic>

#include "imagetypes.h"
#include "layerstream.h"
#include "progress.h"
#include "result.h"

#include <QString>

namespace strata {

class Staging;
class Store;
class TarSplitReader;

// A layer extracted into staging, ready to be moved into layers/<driver>/<chainID>.
struct StagedLayer {
    LayerRecord record;
    QString dir; // staging directory holding diff/ and layer.json
    bool compressed = false; // the blob was compressed: its digest is not the diffID
};

// The unpacked layer snapshots of the store's driver: layers/<driver>/<chainID>/{diff,layer.json}.
// Threads: stage() may run on several threads at once (the loader does); the rest reads or
// changes the store under its lock.
class LayerStore {
public:
    explicit LayerStore(Store &store);

    QString snapshotDir(const Digest &chainId) const;
    QString diffDir(const Digest &chainId) const { return snapshotDir(chainId) + QStringLiteral("/diff"); }
    bool has(const Digest &chainId) const;
    QString tarSplitPath(const Digest &chainId) const { return snapshotDir(chainId) + QStringLiteral("/tar-split"); }
    // Whether `blob`, the layer's blob as an image names it, can be had: rebuilt from the
    // snapshot (record.tarSplit), or in the content store.
    bool hasBlob(const LayerRecord &record, const Digest &blob) const;
    // The layer's tar as `reader`'s stream, rebuilt from its snapshot (a layer kept as its
    // snapshot and tar-split: record.tarSplit).
    Status openTar(const LayerRecord &record, TarSplitReader &reader) const;
    Result<LayerRecord> read(const Digest &chainId) const;
    QStringList listNames() const; // directory names under layers/<driver>/

    // Extracts the blob at `blobPath` (a file, or a member of an archive read in place) into a
    // new snapshot directory inside `staging`. `parentDiffDir` is the
    // parent's snapshot (in the store or staged earlier), needed by drivers without independent
    // snapshots. When `expectedDiffId` is set the content must hash to it. `progress` advances
    // by the blob's bytes as they are read (the caller begins the phase: layers of one image
    // may be staged side by side).
    Result<StagedLayer> stage(Staging &staging, const BlobSource &blobPath, const Descriptor &blob, const Digest &expectedDiffId,
        const Digest &parentChain, const QString &parentDiffDir, const QString &createdBy, const QString &subject, const Progress &progress = {});
    // Moves a staged snapshot in, unless the store has it already. Call with the store lock held.
    Status adopt(const StagedLayer &layer);
    // Re-extracts a snapshot from its blob (check --repair). Call with the store lock held.
    Status rebuild(const LayerRecord &record, Staging &staging);
    // Writes layer.json anew for a layer kept as snapshot and tar-split whose record was lost
    // (check --repair, once the tar rebuilt from the two hashed right): `want` as the images
    // name it, `size` as counted from the tar. Call with the store lock held.
    Status rewriteRecord(const LayerRecord &want, qint64 size);
    Status remove(const Digest &chainId, Staging &trash);

private:
    Store &m_store;
    std::atomic<int> m_staged = 0; // stage() may run on several threads (independent snapshots)
};

} // namespace strata
