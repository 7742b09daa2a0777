#include "overlay2driver.h"

#include "fsutil.h"

namespace strata {

Status Overlay2Driver::prepare(const QString &diffDir, const QString &) const
{
    return fs::makeDirs(diffDir);
}

ApplyOptions Overlay2Driver::applyOptions(const QString &subject) const
{
    ApplyOptions o = StorageDriver::applyOptions(subject);
    o.opaqueXattr = rootless() ? QStringLiteral("user.overlay.opaque") : QStringLiteral("trusted.overlay.opaque");
    return o;
}

} // namespace strata
