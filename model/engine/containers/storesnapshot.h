#pragma once

#include "containertypes.h"
#include "foreignsnapshot.h"
#include "imagediskusage.h"
#include "imagetypes.h"
#include "result.h"
#include "volumestore.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

namespace strata {

class Store;

// One consistent picture of a store as values, for a window (or `stratactl`) to show: every
// image with its history and sizes, every layer with the images sharing it, every container
// with its writable layer's size, every volume, and the disk use by kind. Taken off the GUI
// thread; it holds no reference to the store and crosses threads freely.
struct StoreSnapshot {
    struct ImageEntry {
        Image image;
        QList<HistoryRow> history; // oldest first, with the entries that made no layer
        qint64 size = 0;
        qint64 shared = 0; // in layers other images use too
        qint64 unique = 0;
        QStringList containers; // names of the containers created from it
    };
    struct LayerEntry {
        Digest chainId;
        Digest diffId;
        Digest parent; // chainID of the layer below; null for a base layer
        Descriptor blob;
        qint64 size = 0;
        QString createdBy; // the history entry that made it
        QList<Digest> images; // IDs of the images whose stacks hold it
    };
    struct ContainerEntry {
        Container container;
        qint64 writableBytes = 0; // the writable layer (a whole tree on vfs)
    };
    struct DiskUse {
        qint64 images = 0; // each layer counted once
        qint64 imagesReclaimable = 0;
        int activeImages = 0;
        qint64 containers = 0;
        qint64 containersReclaimable = 0; // writable layers of stopped containers
        int activeContainers = 0;
        qint64 volumes = 0;
        qint64 volumesReclaimable = 0; // volumes no container uses
        int activeVolumes = 0;
        int buildCacheEntries = 0;
        qint64 buildCache = 0; // layers only the build cache keeps, all reclaimable
    };

    QString root;
    QString driver;
    bool rootless = false;
    QList<ImageEntry> images; // newest first
    QHash<Digest, LayerEntry> layers; // by chainID
    QList<ContainerEntry> containers;
    QList<Volume> volumes; // with sizes and users
    DiskUse disk;
    // What could not be read (an image or container record): shown beside the rest, which is
    // still right, rather than instead of it.
    QStringList problems;
    // Set when this is a peer's data root read in place (Docker's, containers/storage's): it is
    // read-only, and its layers' and containers' folders are found through it.
    std::shared_ptr<const ForeignSnapshot> foreign;

    const ImageEntry *image(const Digest &id) const;
    const ContainerEntry *container(const QString &id) const;
    bool readOnly() const { return bool(foreign); }

    static Result<StoreSnapshot> take(Store &store);
    // The same picture of a peer's root as a reader found it (no disk access: the reader has
    // measured what is shown), its images and containers as Strata's value types.
    static StoreSnapshot fromForeign(ForeignSnapshot snapshot);
};

} // namespace strata
