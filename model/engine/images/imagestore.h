#pragma once

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

struct ImageDiskUsage {
    struct PerImage {
        Image image;
        qint64 size = 0;
        qint64 shared = 0;
        qint64 unique = 0;
    };
    QList<PerImage> images;
    qint64 totalSize = 0; // each layer counted once
    qint64 reclaimable = 0; // what removing every image no container uses would free
    int active = 0; // images containers were created from
};

// The images of a store: images/index.json and the manifests and configs it references.
class ImageStore {
public:
    explicit ImageStore(Store &store);

    static Result<QList<IndexEntry>> readIndex(const QString &path);
    static QByteArray indexJson(const QList<IndexEntry> &entries);
    static Status writeIndex(const QString &path, const QList<IndexEntry> &entries);
    // "busybox" -> "busybox:latest"; refuses what is not a valid reference.
    static Result<QString> normalizeReference(const QString &reference);
    // The same, for an optional reference: empty stays empty.
    static Result<QString> normalizeOptionalReference(const QString &reference);

    // Images that cannot be read are left out and described in `problems` (check reports them).
    Result<QList<Image>> list(QStringList *problems = nullptr) const;
    Result<Image> loadEntry(const IndexEntry &entry) const;
    Result<Image> resolve(const QString &reference) const;
    // What the index references. An image that cannot be read is an error (Refuse: what it
    // references is unknown, so nothing may be collected), or left out (Skip: for check,
    // which reports the image itself).
    enum class Unreadable { Refuse, Skip };
    Result<References> references(Unreadable unreadable = Unreadable::Refuse) const;
    Result<References> references(const QList<IndexEntry> &entries, Unreadable unreadable) const;

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
    // Removes unreferenced layers and blobs; call with the lock held. Appends "Deleted:" lines.
    // Refuses when an image cannot be read (its layers might be among them).
    Status collectGarbage(Staging &trash, QStringList *lines);
    // The file in a job's staging that says a collection is due (see remove()).
    static constexpr QLatin1String collectMark { "collect-garbage" };

    QList<HistoryRow> history(const Image &image) const;
    QJsonObject inspect(const Image &image) const;
    // `inUse`: the images containers were created from (active, not reclaimable).
    Result<ImageDiskUsage> diskUsage(const QSet<Digest> &inUse) const;

private:
    Status checkComplete(const ImageTransaction &transaction) const;
    Result<ImageListing> readListing() const;

    Store &m_store;
};

} // namespace strata
