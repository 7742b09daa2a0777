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


} // namespace strata
