#include "fulltreedriver.h"

#include "fsutil.h"
#include "initlayer.h"

namespace strata {

QJsonObject FullTreeDriver::imageGraphData(const QStringList &snapshots) const
{
    if (snapshots.isEmpty())
        return {};
    return QJsonObject { { QStringLiteral("Dir"), snapshots.first() } };
}

Status FullTreeDriver::prepareWritable(const QString &d, const QString &initDir, const QStringList &imageViewLayers) const
{
    STRATA_TRY(fs::makeDirs(d + QStringLiteral("/rw/merged")));
    STRATA_TRY(prepare(d + QStringLiteral("/rw/diff"), imageViewLayers.value(0)));
    return InitLayer::applyTo(initDir, d + QStringLiteral("/rw/diff"));
}

Result<RootfsMount> FullTreeDriver::rootfsMount(const QString &d) const
{
    RootfsMount m;
    m.overlay = false;
    m.upperDir = d + QStringLiteral("/rw/diff");
    return m;
}

QJsonObject FullTreeDriver::containerGraphData(const QString &d, const QString &, const QStringList &) const
{
    return QJsonObject { { QStringLiteral("UpperDir"), QString(d + QStringLiteral("/rw/diff")) }, { QStringLiteral("MergedDir"), QString(d + QStringLiteral("/rw/merged")) } };
}

Result<QList<Change>> FullTreeDriver::changes(const QString &writableDir, const QStringList &baseLayers, ChangeDetail detail) const
{
    return computeChanges(writableDir, false, baseLayers, detail);
}

} // namespace strata
