#include "transactionbuilder.h"

#include "fsutil.h"
#include "layerstore.h"
#include "store.h"

namespace strata {

TransactionBuilder::TransactionBuilder(Store &store, Staging &staging)
    : m_store(store)
    , m_staging(staging)
{
}

bool TransactionBuilder::hasBlob(const Digest &digest) const
{
    return m_blobs.contains(digest) || m_store.content().has(digest);
}

bool TransactionBuilder::hasLayer(const Digest &chainId) const
{
    return m_layerDirs.contains(chainId) || LayerStore(m_store).has(chainId);
}

bool TransactionBuilder::hasLayerBlob(const Digest &chainId, const Digest &blob) const
{
    if (hasBlob(blob) || m_splitChains.contains(chainId))
        return true;
    LayerStore layers(m_store);
    auto record = layers.read(chainId);
    return record && layers.hasBlob(record.value(), blob);
}

// What a job staged is handed over even when the store has it now: commit adopts only what is
// still missing then, so a concurrent rmi meanwhile costs nothing.
void TransactionBuilder::addBlob(const QString &stagedPath, const Digest &digest)
{
    if (m_blobs.contains(digest))
        return;
    m_blobs.insert(digest);
    m_tx.blobs.append({ stagedPath, digest });
}

void TransactionBuilder::addStagedLayer(const StagedLayer &layer)
{
    if (m_layerDirs.contains(layer.record.chainId))
        return;
    m_layerDirs.insert(layer.record.chainId, layer.dir + QStringLiteral("/diff"));
    m_tx.layers.append(layer);
    if (!layer.record.tarSplit)
        return;
    // Its tar is rebuilt from the snapshot: the blob, if a job staged it, is not kept.
    m_splitChains.insert(layer.record.chainId);
    const Digest &blob = layer.record.blob.digest;
    m_tx.blobs.removeIf([&](const QPair<QString, Digest> &b) { return b.second == blob; });
    m_blobs.remove(blob);
}

Result<StagedLayer> TransactionBuilder::addLayer(const QString &blobPath, const Descriptor &blob, const Digest &expectedDiffId, const Digest &parentChain,
    const QString &createdBy, const QString &subject, const Progress &progress)
{
    LayerStore layers(m_store);
    const QString parentDiff = parentChain.isNull() ? QString() : m_layerDirs.value(parentChain, layers.diffDir(parentChain));
    auto staged = layers.stage(m_staging, blobPath, blob, expectedDiffId, parentChain, parentDiff, createdBy, subject, progress);
    if (!staged)
        return staged;
    addStagedLayer(staged.value());
    if (!staged->record.tarSplit)
        addBlob(blobPath, blob.digest);
    return staged;
}

void TransactionBuilder::addImage(const QByteArray &configBytes, const QList<Descriptor> &layers, const QStringList &tags)
{
    m_tx.images.append({ configBytes, layers, tags });
}

Result<QList<Digest>> TransactionBuilder::commit()
{
    // A snapshot kept with its tar-split is its layer's only copy: on disk before the index
    // names it (before the store lock is taken; one syncfs for every file of every snapshot).
    if (!m_splitChains.isEmpty())
        STRATA_TRY(fs::syncFilesystem(m_staging.path()));
    return ImageStore(m_store).commit(m_staging, m_tx);
}

} // namespace strata
