#include "foreignsnapshot.h"

namespace strata {

QString ForeignSnapshot::description() const
{
    if (kind == QLatin1String("podman"))
        return QStringLiteral("containers/storage root %1").arg(root);
    return QStringLiteral("Docker data root %1").arg(root);
}

const ForeignSnapshot::Container *ForeignSnapshot::container(const QString &idOrName) const
{
    for (const Container &c : containers)
        if (c.name == idOrName || c.id == idOrName)
            return &c;
    const Container *hit = nullptr;
    for (const Container &c : containers) {
        if (idOrName.size() >= 4 && c.id.startsWith(idOrName)) {
            if (hit)
                return nullptr; // ambiguous
            hit = &c;
        }
    }
    return hit;
}

Result<Image> ForeignSnapshot::resolve(const QString &ref) const
{
    const QList<Image> everything = images + intermediate;
    const QString tag = ref.contains(u':') && !ref.startsWith(QLatin1String("sha256:")) && ref.lastIndexOf(u':') > ref.lastIndexOf(u'/') ? ref : ref + QStringLiteral(":latest");
    for (const Image &image : everything) {
        if (image.tags.contains(tag) || image.tags.contains(ref) || image.tags.contains(QStringLiteral("docker.io/library/") + tag))
            return image;
    }
    if (kind == QLatin1String("podman") && !ref.startsWith(QLatin1String("sha256:"))) {
        // libimage's short names: localhost/ first, then the one image whose name ends in "/foo:1".
        for (const Image &image : everything)
            if (image.tags.contains(QStringLiteral("localhost/") + tag))
                return image;
        QList<Image> hits;
        for (const Image &image : everything) {
            for (const QString &t : image.tags) {
                if (t.endsWith(u'/' + tag)) {
                    if (hits.isEmpty() || hits.last().id != image.id)
                        hits.append(image);
                }
            }
        }
        if (hits.size() == 1)
            return hits.first();
        if (hits.size() > 1)
            return fail(ErrorCode::Conflict, QStringLiteral("short name %1 is ambiguous in the %2 (%3 images end in /%4)").arg(ref, description()).arg(hits.size()).arg(tag));
        for (const QString &t : brokenTags.keys())
            if (t == QStringLiteral("localhost/") + tag || t.endsWith(u'/' + tag))
                return fail(ErrorCode::InvalidInput, QStringLiteral("image %1 cannot be read: %2").arg(t, brokenTags.value(t)));
    }
    for (const QString &t : { tag, ref }) {
        if (brokenTags.contains(t))
            return fail(ErrorCode::InvalidInput, QStringLiteral("image %1 cannot be read: %2").arg(t, brokenTags.value(t)));
    }
    QString hex = ref.startsWith(QLatin1String("sha256:")) ? ref.mid(7) : ref;
    if (hex.size() >= 4 && Digest::isValidHex(hex.leftJustified(64, u'0'))) {
        QList<Image> hits;
        for (const Image &image : everything)
            if (image.id.hex().startsWith(hex))
                hits.append(image);
        if (hits.size() == 1)
            return hits.first();
        if (hits.size() > 1)
            return fail(ErrorCode::Conflict, QStringLiteral("image ID prefix %1 is ambiguous in %2").arg(hex, root));
    }
    return fail(ErrorCode::NotFound, QStringLiteral("no such image in the %1: %2").arg(description(), ref));
}

ImageDiskUsage ForeignSnapshot::diskUsage(const QSet<Digest> &inUse) const
{
    const QList<Image> all = images + intermediate;
    ImageDiskUsage usage = ImageDiskUsage::compute(all, inUse);
    if (kind != QLatin1String("podman")) {
        QSet<Digest> topLevel;
        for (const Image &i : images)
            topLevel.insert(i.id);
        usage.images.removeIf([&](const ImageDiskUsage::PerImage &row) { return !topLevel.contains(row.image.id); });
        usage.listed = usage.images.size();
        return usage;
    }
    // libimage's DiskUsage and podman's df summary: every image, its size all shared when it has
    // a child, else its parent's size shared; the total and what is reclaimable summed per row.
    QHash<Digest, qint64> sizes;
    for (const Image &i : all)
        sizes.insert(i.id, i.size());
    usage.totalSize = 0;
    usage.reclaimable = 0;
    usage.active = 0;
    usage.listed = 0;
    for (ImageDiskUsage::PerImage &row : usage.images) {
        row.size = row.image.size();
        if (withChildren.contains(row.image.id)) {
            row.shared = row.size;
        } else if (parents.contains(row.image.id)) {
            row.shared = sizes.value(parents.value(row.image.id));
        } else {
            row.shared = 0;
        }
        row.unique = row.size - row.shared;
        const qsizetype rows = qMax<qsizetype>(1, row.image.tags.size());
        usage.totalSize += row.size * rows;
        usage.listed += rows;
        if (inUse.contains(row.image.id))
            usage.active += int(rows);
        else
            usage.reclaimable += row.size * rows;
    }
    return usage;
}

} // namespace strata
