#pragma once

#include "imageindex.h"
#include "imagetypes.h"
#include "layerstore.h"
#include "storecache.h"
#include "result.h"

#include <QHash>
#include <QJsonObject>
#include <QSet>
#include <QString>

#include <functional>

namespace strata {

class Staging;
class Store;

// Everything a job hands over to be moved into the store in one step.
struct ImageTransaction {
    struct NewImage {
        QByteArray configBytes; // kept byte for byte: its digest is the image ID
        QList<Descriptor> layers;
        QStringList tags; // "name:tag", already normalised
    };
    QList<QPair<QString, Digest>> blobs; // staged file, digest
    QList<StagedLayer> layers;
    QList<NewImage> images;
};

// The images of a store: images/index.json and the manifests and configs it references.
// Threads: a cheap view over a shared Store (one per thread, or per call); its listing is
// cached in the Store and shared.
class ImageStore {
public:
    explicit ImageStore(Store &store);

    // "busybox" -> "busybox:latest"; refuses what is not a valid reference.
    static Result<QString> normalizeReference(const QString &reference);
    // The same, for an optional reference: empty stays empty.
    static Result<QString> normalizeOptionalReference(const QString &reference);

    // Images that cannot be read are left out and described in `problems` (check reports them).
    Result<QList<Image>> list(QStringList *problems = nullptr) const;
    Result<Image> loadEntry(const IndexEntry &entry) const;
    Result<Image> resolve(const QString &reference) const;

    // Moves a transaction's blobs, layers and images into the store under the lock, behind a
    // journal, and returns the IDs of the images.
    Result<QList<Digest>> commit(Staging &staging, const ImageTransaction &transaction);
    Status tag(const QString &source, const QString &target);
    // Each image containers use, with the containers using it. The images layer cannot see
    // containers, so the caller passes this in; remove() calls it with the lock held.
    using ImageUsers = std::function<Result<QHash<Digest, QStringList>>()>;
    // Returns Docker-style lines ("Untagged: …", "Deleted: …"). An image a container uses is
    // refused (with force: only untagged); when `users` fails, nothing is removed.
    Result<QStringList> remove(const QString &reference, bool force, const ImageUsers &users);


private:
    // `layerSizes` (may be null) caches layer records' sizes across the images of one listing.
    Result<Image> loadEntry(const IndexEntry &entry, QHash<Digest, qint64> *layerSizes) const;
    Status checkComplete(const ImageTransaction &transaction) const;
    Result<ImageListing> readListing() const;

    Store &m_store;
};

} // namespace strata
