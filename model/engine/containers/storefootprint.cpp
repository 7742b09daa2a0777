#include "storefootprint.h"

#include "fsutil.h"

#include <QDir>

namespace strata {

StoreFootprint StoreFootprint::measure(const QString &root, const QString &layersDir)
{
    StoreFootprint f;
    f.total = fs::diskUsage(root);
    const qint64 layers = fs::diskUsage(layersDir);
    for (const QString &name : QDir(layersDir).entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System))
        f.snapshots += fs::diskUsage(layersDir + u'/' + name + QStringLiteral("/diff"));
    f.layerMetadata = std::max<qint64>(0, layers - f.snapshots);
    f.blobs = fs::diskUsage(root + QStringLiteral("/images"));
    f.containers = fs::diskUsage(root + QStringLiteral("/containers"));
    f.volumes = fs::diskUsage(root + QStringLiteral("/volumes"));
    f.other = std::max<qint64>(0, f.total - layers - f.blobs - f.containers - f.volumes);
    return f;
}

} // namespace strata
