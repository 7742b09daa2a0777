#pragma once

#include "imagestore.h"
#include "progress.h"
#include "result.h"

#include <QSet>

namespace strata {

class Staging;
class Store;

// Builds what a job (load, import, commit, and the builder next) hands to ImageStore::commit:
// the blobs and layer snapshots it staged and the images made of them, each added once.
// hasBlob()/hasLayer() say what need not be staged at all; what was staged is handed over
// anyway, and commit() adopts only what the store still lacks under its lock. Used by one
// thread.
class TransactionBuilder {
public:
    TransactionBuilder(Store &store, Staging &staging);

    // A layer blob written into the staging at `blobPath`: extracts it on top of `parentChain`
    // (null for a base layer; in the store, or staged by this builder) and adds both.
    // `expectedDiffId`, when set, is what the content must hash to.
    Result<StagedLayer> addLayer(const QString &blobPath, const Descriptor &blob, const Digest &expectedDiffId, const Digest &parentChain,
        const QString &createdBy, const QString &subject, const Progress &progress = {});
    // A blob staged at `stagedPath`, unless this transaction has it already.
    void addBlob(const QString &stagedPath, const Digest &digest);
    // A layer staged elsewhere (the loader stages several side by side).
    void addStagedLayer(const StagedLayer &layer);
    bool hasBlob(const Digest &digest) const;
    bool hasLayer(const Digest &chainId) const;
    // Whether the blob of the layer `chainId` is there: in the content store, brought by this
    // transaction, or rebuilt from the layer's snapshot and tar-split.
    bool hasLayerBlob(const Digest &chainId, const Digest &blob) const;
    // `layers`: the image's layer blobs, base first; `tags` already normalised.
    void addImage(const QByteArray &configBytes, const QList<Descriptor> &layers, const QStringList &tags);

    const ImageTransaction &transaction() const { return m_tx; }
    // Moves everything in and returns the images' IDs, in the order they were added.
    Result<QList<Digest>> commit();

private:
    Store &m_store;
    Staging &m_staging;
    ImageTransaction m_tx;
    QSet<Digest> m_blobs;
    QHash<Digest, QString> m_layerDirs; // chainID -> staged diff directory
    QSet<Digest> m_splitChains; // staged layers kept as snapshot and tar-split
};

} // namespace strata
