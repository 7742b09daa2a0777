#include "storesnapshot.h"

#include "buildcache.h"
#include "containerstore.h"
#include "imagedescription.h"
#include "imagestore.h"
#include "layerstore.h"
#include "store.h"
#include "storagedriver.h"

#include <QSet>

#include <algorithm>

namespace strata {

const StoreSnapshot::ImageEntry *StoreSnapshot::image(const Digest &id) const
{
    for (const ImageEntry &e : images) {
        if (e.image.id == id)
            return &e;
    }
    return nullptr;
}

const StoreSnapshot::ContainerEntry *StoreSnapshot::container(const QString &id) const
{
    for (const ContainerEntry &e : containers) {
        if (e.container.config.id == id)
            return &e;
    }
    return nullptr;
}

namespace {

    using ImageEntry = StoreSnapshot::ImageEntry;

    // The images' entries and layers, and the images' part of the disk use: the same for
    // Strata's store and a peer's. `inUse`/`users`: the images containers were made from.
    void addImages(StoreSnapshot &snap, const QList<Image> &images, const QSet<Digest> &inUse, const QHash<Digest, QStringList> &users)
    {
        const ImageDiskUsage usage = ImageDiskUsage::compute(images, inUse);
        snap.disk.images = usage.totalSize;
        snap.disk.imagesReclaimable = usage.reclaimable;
        snap.disk.activeImages = usage.active;
        for (const ImageDiskUsage::PerImage &row : usage.images) {
            ImageEntry entry { row.image, ImageDescription::history(row.image), row.size, row.shared, row.unique, users.value(row.image.id) };
            const QStringList madeBy = ImageDescription::layerInstructions(entry.history, row.image.layers.size());
            Digest parent;
            for (qsizetype i = 0; i < row.image.layers.size(); ++i) {
                const ImageLayer &l = row.image.layers[i];
                auto it = snap.layers.find(l.chainId);
                if (it == snap.layers.end()) {
                    StoreSnapshot::LayerEntry layer { l.chainId, l.diffId, parent, l.blob, std::max<qint64>(l.size, 0), madeBy[i], {} };
                    it = snap.layers.insert(l.chainId, layer);
                }
                it->images.append(row.image.id);
                parent = l.chainId;
            }
            snap.images.append(entry);
        }
        std::stable_sort(snap.images.begin(), snap.images.end(), [](const ImageEntry &a, const ImageEntry &b) { return a.image.created > b.image.created; });
    }

    void addContainer(StoreSnapshot &snap, const Container &c, qint64 writableBytes, QSet<Digest> &inUse, QHash<Digest, QStringList> &users)
    {
        inUse.insert(c.config.imageId);
        users[c.config.imageId].append(c.config.name);
        snap.disk.containers += writableBytes;
        if (c.state.running())
            ++snap.disk.activeContainers;
        else
            snap.disk.containersReclaimable += writableBytes;
        snap.containers.append({ c, writableBytes });
    }

    ContainerState::Status statusOf(const QString &peerStatus)
    {
        if (peerStatus == QLatin1String("running") || peerStatus == QLatin1String("paused"))
            return ContainerState::Status::Running;
        if (peerStatus == QLatin1String("created"))
            return ContainerState::Status::Created;
        if (peerStatus == QLatin1String("dead"))
            return ContainerState::Status::Dead;
        return ContainerState::Status::Exited;
    }

} // namespace

StoreSnapshot StoreSnapshot::fromForeign(ForeignSnapshot snapshot)
{
    StoreSnapshot snap;
    // Kept whole (the window reads layers and containers through it), moved in rather than copied.
    snap.foreign = std::make_shared<const ForeignSnapshot>(std::move(snapshot));
    const ForeignSnapshot &foreign = *snap.foreign;
    snap.root = foreign.root;
    // The peer's own name of its graph driver: Docker's overlay2, containers/storage's overlay.
    snap.driver = foreign.kind == QLatin1String("podman") ? QStringLiteral("overlay") : QStringLiteral("overlay2");
    snap.problems = foreign.problems;
    QSet<Digest> inUse;
    QHash<Digest, QStringList> users;
    for (const ForeignSnapshot::Container &fc : foreign.containers) {
        Container c;
        c.config.id = fc.id;
        c.config.name = fc.name;
        c.config.imageId = fc.imageId;
        c.config.imageRef = fc.imageRef;
        c.config.cmd = fc.command;
        c.config.created = fc.created;
        c.config.driver = snap.driver;
        c.state.status = statusOf(fc.status);
        addContainer(snap, c, std::max<qint64>(fc.writableSize, 0), inUse, users);
    }
    addImages(snap, foreign.images, inUse, users);
    return snap;
}

Result<StoreSnapshot> StoreSnapshot::take(Store &store)
{
    StoreSnapshot snap;
    snap.root = store.root();
    snap.driver = store.driver().name();
    snap.rootless = store.rootless();

    ContainerStore containerStore(store);
    QStringList containerProblems;
    auto listedContainers = containerStore.list(&containerProblems);
    if (!listedContainers)
        return listedContainers.takeError();
    snap.problems += containerProblems;
    QSet<Digest> inUse;
    QHash<Digest, QStringList> users;
    for (const Container &c : std::as_const(listedContainers.value()))
        addContainer(snap, c, containerStore.writableSize(c.config.id), inUse, users);

    QStringList imageProblems;
    auto listedImages = ImageStore(store).list(&imageProblems);
    if (!listedImages)
        return listedImages.takeError();
    snap.problems += imageProblems;
    addImages(snap, listedImages.value(), inUse, users);

    auto volumes = VolumeStore(store).list(true);
    if (!volumes)
        snap.problems.append(volumes.error());
    else
        snap.volumes = volumes.value();
    for (const Volume &v : std::as_const(snap.volumes)) {
        const qint64 size = std::max<qint64>(0, v.size);
        snap.disk.volumes += size;
        if (v.usedBy.isEmpty())
            snap.disk.volumesReclaimable += size;
        else
            ++snap.disk.activeVolumes;
    }
    // The builder's cache: the layers only it keeps (what `builder prune` gives back).
    BuildCache cache(store);
    snap.disk.buildCacheEntries = cache.entryCount();
    if (snap.disk.buildCacheEntries > 0) {
        References refs;
        cache.addReferences(refs);
        LayerStore layerStore(store);
        for (const Digest &chain : std::as_const(refs.chains)) {
            if (snap.layers.contains(chain))
                continue;
            if (auto record = layerStore.read(chain))
                snap.disk.buildCache += record->size;
        }
    }
    return snap;
}

} // namespace strata
