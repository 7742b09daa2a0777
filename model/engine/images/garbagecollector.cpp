#include "garbagecollector.h"

#include "buildcache.h"
#include "imagestore.h"
#include "layerstore.h"
#include "store.h"

namespace strata {

GarbageCollector::GarbageCollector(Store &store)
    : m_store(store)
{
}

Result<References> GarbageCollector::references(Unreadable unreadable) const
{
    auto entries = ImageIndex::read(m_store.indexPath());
    if (!entries)
        return entries.takeError();
    return references(entries.value(), unreadable);
}

Result<References> GarbageCollector::references(const QList<IndexEntry> &entries, Unreadable unreadable) const
{
    References refs;
    QSet<Digest> seen;
    for (const IndexEntry &e : entries) {
        if (seen.contains(e.manifest.digest))
            continue;
        seen.insert(e.manifest.digest);
        refs.blobs.insert(e.manifest.digest);
        auto image = ImageStore(m_store).loadEntry(e);
        if (!image) {
            // An image that cannot be read might use any layer: collecting garbage now could
            // delete what it needs, so only check (which reports the image itself) goes on.
            if (unreadable == Unreadable::Refuse)
                return fail(image.takeError(), QStringLiteral("cannot tell which layers are in use (run stratactl check): "));
            continue;
        }
        refs.blobs.insert(image->id);
        for (const ImageLayer &l : image->layers) {
            refs.blobs.insert(l.blob.digest);
            refs.chains.insert(l.chainId);
        }
    }
    // The builder's cache keeps the layers of the steps it remembers, as an image would.
    BuildCache(m_store).addReferences(refs);
    LayerStore layers(m_store);
    // A layer's parents stay referenced through the images that use them.
    for (const Digest &d : std::as_const(refs.blobs))
        refs.paths.insert(m_store.relative(m_store.content().blobPath(d)));
    for (const Digest &c : std::as_const(refs.chains))
        refs.paths.insert(m_store.relative(layers.snapshotDir(c)));
    return refs;
}

Status GarbageCollector::collect(Staging &trash, const References &refs, QStringList *lines)
{
    LayerStore layers(m_store);
    for (const QString &name : layers.listNames()) {
        auto chain = Digest::fromHex(name);
        if (chain && refs.chains.contains(chain.value()))
            continue;
        if (chain) {
            STRATA_TRY(layers.remove(chain.value(), trash));
            if (lines)
                lines->append(QStringLiteral("Deleted: %1").arg(chain->toString()));
        }
    }
    for (const Digest &blob : m_store.content().list()) {
        if (!refs.blobs.contains(blob))
            STRATA_TRY(m_store.content().remove(blob));
    }
    return {};
}

} // namespace strata
