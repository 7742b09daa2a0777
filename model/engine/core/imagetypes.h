#pragma once

#include "digest.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

namespace strata {

// Value types describing images and layers; they cross threads and process boundaries freely.

namespace MediaType {
    inline const QString ociManifest = QStringLiteral("application/vnd.oci.image.manifest.v1+json");
    inline const QString ociIndex = QStringLiteral("application/vnd.oci.image.index.v1+json");
    inline const QString ociConfig = QStringLiteral("application/vnd.oci.image.config.v1+json");
    inline const QString ociLayer = QStringLiteral("application/vnd.oci.image.layer.v1.tar");
    inline const QString ociLayerGzip = QStringLiteral("application/vnd.oci.image.layer.v1.tar+gzip");
    inline const QString ociLayerZstd = QStringLiteral("application/vnd.oci.image.layer.v1.tar+zstd");
    inline const QString dockerManifest = QStringLiteral("application/vnd.docker.distribution.manifest.v2+json");
    inline const QString dockerManifestList = QStringLiteral("application/vnd.docker.distribution.manifest.list.v2+json");
    // The layer media type for a blob, from its first bytes.
    QString forLayerBytes(QByteArrayView head);
} // namespace MediaType

inline const QString refNameAnnotation = QStringLiteral("org.opencontainers.image.ref.name");

struct Descriptor {
    QString mediaType;
    Digest digest;
    qint64 size = 0;

    QJsonObject toJson() const;
    // Untrusted JSON: the digest must be lowercase sha256 hex and the size a whole, non-negative
    // number (2048.5 is no size). `what` names the document in errors.
    static Result<Descriptor> fromJson(const QJsonObject &object, const QString &what);
};

// One entry of images/index.json.
struct IndexEntry {
    Descriptor manifest;
    QString refName; // "name:tag"; empty for an untagged image
};

struct ImageLayer {
    Descriptor blob;
    Digest diffId;
    Digest chainId;
    qint64 size = -1; // unpacked content, from the layer's snapshot record
};

struct Image {
    Digest id; // digest of the config JSON
    Descriptor manifest;
    QStringList tags;
    QByteArray configBytes;
    QJsonObject config;
    QList<ImageLayer> layers;
    QDateTime created;
    // What the peer keeps beside the layers and counts in the image's size: containers/storage's
    // big-data items (config, manifests, signatures). 0 for Strata's own store and Docker's.
    qint64 metadataSize = 0;

    qint64 size() const; // the layers' sizes and metadataSize
    QString displayName() const; // first tag, or "<none>:<none>"
};

// layers/<driver>/<chainID>/layer.json
struct LayerRecord {
    Digest chainId;
    Digest diffId;
    Digest parent; // null for a base layer
    Descriptor blob;
    qint64 size = 0; // content of the layer's regular files (what Docker reports as its size)
    qint64 treeBytes = 0; // the snapshot directory as extracted, to notice damage
    qint64 treeEntries = 0;
    QString createdBy;
    // The blob is not kept: its tar is rebuilt from the snapshot and its tar-split (an
    // uncompressed layer); a compressed blob, or an older store's, is kept in images/blobs.
    bool tarSplit = false;

    QJsonObject toJson() const;
    static Result<LayerRecord> fromJson(const QJsonObject &obj);
};

struct HistoryRow {
    QString created;
    QString createdBy;
    QString comment;
    bool emptyLayer = false;
    qint64 size = 0;
    Digest chainId; // null for an empty layer
};

// What the index references, transitively: used by garbage collection, check and recovery.
struct References {
    QSet<Digest> blobs;
    QSet<Digest> chains;
    QSet<QString> paths; // store-relative paths of the above
};

} // namespace strata
