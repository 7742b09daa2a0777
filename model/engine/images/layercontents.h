#pragma once

#include "imagetypes.h"
#include "layerview.h"
#include "result.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <memory>

namespace strata {

class Store;
class StorageDriver;

// Where the snapshots of an image's layers are, and how their files are laid out: Strata's own
// store (LayerDirs::ofStore), or a peer's data root read in place (ForeignLayerDirs, in
// exchange/). What LayerContents and the container diff compute is the same over either.
class LayerDirs {
public:
    virtual ~LayerDirs() = default;
    // The directory holding the files of layer `index` (0 = base) of `image`; fails naming the
    // layer when it is missing.
    virtual Result<QString> filesDir(const Image &image, int index) const = 0;
    // How the snapshots record their changes (overlay2's whiteouts for a peer's).
    virtual const StorageDriver &driver() const = 0;

    // The snapshots of Strata's store `store` (which must outlive the result).
    static std::shared_ptr<const LayerDirs> ofStore(Store &store);
    // The same, keeping a shared store alive for as long as the result is used.
    static std::shared_ptr<const LayerDirs> ofStore(std::shared_ptr<Store> store);
};

// dive's measure of an image (its `efficiency` and `wasted space`): a path written by more than
// one layer, or written and then deleted, costs every version but the smallest.
struct EfficiencyReport {
    struct Waste {
        QByteArray path;
        int occurrences = 0; // layers that added, changed or deleted it
        qint64 totalBytes = 0; // the sizes of all its versions (a deletion counts what it hid)
    };
    double score = 1.0; // smallest versions / all versions; 1 when nothing is written twice
    qint64 wastedBytes = 0; // totalBytes over `inefficiencies`
    qint64 userSizeBytes = 0; // the layers above the base
    QList<Waste> inefficiencies; // largest first

    double wastedUserPercent() const { return userSizeBytes > 0 ? 100.0 * double(wastedBytes) / double(userSizeBytes) : 0.0; }
    // From each layer's changes (base first, as LayerContents::changes gives them, with
    // ChangeDetail::Stat), and each layer's size.
    static EfficiencyReport compute(const QList<QList<Change>> &layerChanges, const QList<qint64> &layerSizes);
};

// One layer's part in a path's story (`xray`).
struct XrayStep {
    int layer = -1; // index in the image, 0 = base
    Change::Kind kind = Change::Kind::Added;
    qint64 size = -1; // the version this layer leaves (-1: deleted)
    quint32 mode = 0;
    bool visible = false; // the version the image shows
};

// What is inside an image's layers, as dive and the window show it. Layers are immutable, so
// what this returns for a layer never changes: callers may cache it by chainID.
// Threads: a view over a shared Store, like ImageStore; over a peer's root, read-only.
class LayerContents {
public:
    explicit LayerContents(Store &store);
    explicit LayerContents(std::shared_ptr<const LayerDirs> dirs);

    // Layer `index` (0 = base) of `image` against the layers below it, with sizes and modes.
    Result<QList<Change>> changes(const Image &image, int index) const;
    // Every entry visible with layers 0..`index` stacked, depth first in name order; each
    // entry's `layer` is the image layer providing it, -1 where the driver cannot say (vfs).
    Result<QList<TreeEntry>> mergedTree(const Image &image, int index) const;
    Result<EfficiencyReport> efficiency(const Image &image) const;
    // The version of `path` visible with layers 0..`index` stacked (its first `maxBytes`).
    Result<FileVersion> readFile(const Image &image, int index, const QByteArray &path, qint64 maxBytes) const;
    // The layers that add, change or delete `path` (absolute), base first.
    Result<QList<XrayStep>> xray(const Image &image, const QByteArray &path) const;

private:
    Result<QStringList> snapshotsTopFirst(const Image &image, int index) const;
    Result<QList<Change>> changesOf(const Image &image, int index, const QStringList &dirsTopFirst) const;
    std::shared_ptr<const LayerDirs> m_dirs;
};

} // namespace strata
