#pragma once

#include "imagediskusage.h"
#include "imagetypes.h"
#include "layercontents.h"
#include "layerview.h"
#include "result.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

#include <memory>

namespace strata {

// What a read-only reader of a peer's data root (Docker's, containers/storage's) found there, as
// Strata's own value types: the same picture whichever peer keeps the store. It holds no file
// open and crosses threads freely. Every path in it was checked by the reader to lie below `root`.
struct ForeignSnapshot {
    struct Layer {
        Digest chainId;
        Digest diffId;
        Digest parent;
        qint64 size = 0; // what the peer counts for the layer (Docker's layerdb `size`)
        QString cacheId; // the peer's own name of the layer's folder (Docker's overlay2/<cacheId>)
        QString filesDir; // absolute: the layer's files in overlay's format (…/diff)
    };
    struct Container {
        QString id;
        QString name;
        QString imageRef; // the image as the user gave it
        Digest imageId;
        QString status; // running, exited, created, paused, …
        bool running = false;
        QDateTime created;
        QStringList command;
        QString mountId; // the peer's name of the writable layer's folder
        QString writableDir; // absolute: the writable layer's files (overlay's upper directory)
        QString initDir; // absolute: Docker's init layer (<mountId>-init/diff) under it; empty when none
        qint64 writableSize = -1; // that layer's size as the peer counts it (SizeRw); -1 when unread
    };

    QString kind; // "docker" or "podman"
    QString root;
    QList<Image> images; // the top-level ones, as `docker images` lists them
    QList<Image> intermediate; // untagged parents of other images (`docker images -a`)
    QHash<Digest, Layer> layers; // by chain ID
    QList<Container> containers;
    QStringList problems; // images or containers left out, each naming the file and the cause
    QHash<QString, QString> brokenTags; // tag -> why its image was left out
    // containers/storage: each image's own layer folders (overlay/<id>), base first; two images
    // may hold layers of equal content under different IDs, so `layers` (by chain ID) cannot say.
    QHash<Digest, QStringList> layerFolders;
    // containers/storage: podman's image tree (libimage's layerTree), image ID -> its parent's,
    // and the images that have a child.
    QHash<Digest, Digest> parents;
    QSet<Digest> withChildren;
    // What the peer's own `image inspect` shows that Image does not hold (podman's RepoDigests,
    // NamesHistory, Annotations, ManifestType), by image ID.
    QHash<Digest, QJsonObject> inspectExtra;

    // An image by tag ("busybox", "busybox:1.36"), full or short ID ("sha256:ab…", "ab12…").
    // Short names as the peer resolves them: "busybox" is docker.io/library/busybox:latest, and
    // for podman "foo:1" is localhost/foo:1, or the one image whose name ends in "/foo:1".
    Result<Image> resolve(const QString &ref) const;
    // `system df`'s image figures as the peer counts them: Docker's over every image (each
    // layer once, the rows for the top-level images); podman's as libimage's DiskUsage does,
    // a row for every image, an image with a child sharing all of its size, one with only a
    // parent sharing the parent's size, and the total the sum of the rows.
    ImageDiskUsage diskUsage(const QSet<Digest> &inUse) const;
    const Container *container(const QString &idOrName) const;
    // "Docker data root /var/lib/docker", for messages and titles.
    QString description() const;

    // The layers' folders, read in place and never written (overlay's format), for
    // LayerContents: file trees, wasted space and X-rays of the peer's images.
    std::shared_ptr<const LayerDirs> layerDirs() const;
    // What lies under a container's writable layer, top first: its init layer (Docker's), then
    // its image's layers.
    Result<QStringList> containerBase(const Container &container) const;
    // A container's changes against its image, as the peer's `diff` lists them.
    Result<QList<Change>> changes(const Container &container, ChangeDetail detail = ChangeDetail::Paths) const;
    // The folders whose entries change when the peer changes its store (an image pulled or
    // removed, a container created, started, stopped or removed), for a watcher to notice it:
    // they are only watched, never written.
    QStringList metadataPaths() const;
};

} // namespace strata
