#pragma once

#include <QString>

namespace strata {

// What a store really takes on disk, by part: allocated blocks (st_blocks), each inode once,
// as `du` counts them. Beside Docker's logical sizes (`system df`), which count file content.
// On btrfs, snapshots share extents that this counts in each (as du does). Threads: any;
// blocking (it walks the whole data root).
struct StoreFootprint {
    qint64 snapshots = 0; // layers/<driver>/*/diff: the unpacked layers
    qint64 layerMetadata = 0; // their tar-splits and layer.json, from which the layer tars are rebuilt
    qint64 blobs = 0; // images/: manifests, configs, compressed layer blobs, the index
    qint64 containers = 0; // writable layers, logs, configs
    qint64 volumes = 0;
    qint64 other = 0; // build cache index, staging, store.json and the lock
    qint64 total = 0; // the whole data root

    // `layersDir`: the store's layers/<driver>.
    static StoreFootprint measure(const QString &root, const QString &layersDir);
};

} // namespace strata
