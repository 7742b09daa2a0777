#include "overlay2driver.h"

#include "fsutil.h"

namespace strata {

Status Overlay2Driver::prepare(const QString &diffDir, const QString &) const
{
    return fs::makeDirs(diffDir);
}

QString Overlay2Driver::opaqueXattr() const
{
    return m_rootless ? QStringLiteral("user.overlay.opaque") : QStringLiteral("trusted.overlay.opaque");
}

} // namespace strata
