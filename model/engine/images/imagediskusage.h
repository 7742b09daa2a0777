#pragma once

#include "imagetypes.h"

#include <QList>
#include <QSet>

namespace strata {

// What images take, as `system df` reports it.
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
    qsizetype listed = 0; // system df's TOTAL: the images, or the rows the peer counts (podman: one for each name)

    // Docker's logical figures over `images`: per image SIZE = SHARED + UNIQUE, the total
    // counting each layer once; `inUse` (images containers were created from) is not reclaimable.
    static ImageDiskUsage compute(const QList<Image> &images, const QSet<Digest> &inUse);
};

} // namespace strata
