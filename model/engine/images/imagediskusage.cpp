#include "imagediskusage.h"

#include <QHash>

namespace strata {

ImageDiskUsage ImageDiskUsage::compute(const QList<Image> &images, const QSet<Digest> &usedImages)
{
    ImageDiskUsage usage;
    QHash<Digest, int> users;
    QHash<Digest, qint64> sizes;
    for (const Image &image : images) {
        QSet<Digest> mine;
        for (const ImageLayer &l : image.layers) {
            if (!mine.contains(l.chainId)) {
                mine.insert(l.chainId);
                users[l.chainId] += 1;
            }
            sizes.insert(l.chainId, qMax<qint64>(0, l.size));
        }
    }
    for (const Image &image : images) {
        ImageDiskUsage::PerImage row { image, 0, 0, 0 };
        QSet<Digest> mine;
        for (const ImageLayer &l : image.layers) {
            if (mine.contains(l.chainId))
                continue;
            mine.insert(l.chainId);
            const qint64 s = qMax<qint64>(0, l.size);
            row.size += s;
            if (users.value(l.chainId) > 1)
                row.shared += s;
        }
        row.unique = row.size - row.shared;
        usage.images.append(row);
    }
    for (qint64 s : std::as_const(sizes))
        usage.totalSize += s;
    // As Docker: the layers of images that containers use are not reclaimable.
    QSet<Digest> kept;
    for (const Image &image : images) {
        if (!usedImages.contains(image.id))
            continue;
        ++usage.active;
        for (const ImageLayer &l : image.layers)
            kept.insert(l.chainId);
    }
    usage.reclaimable = usage.totalSize;
    usage.listed = usage.images.size();
    for (const Digest &chain : std::as_const(kept))
        usage.reclaimable -= sizes.value(chain);
    return usage;
}

} // namespace strata
