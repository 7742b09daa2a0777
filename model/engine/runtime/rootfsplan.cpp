#include "rootfsplan.h"

#include "containerstore.h"
#include "store.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace strata {

Status planRootFilesystem(Store &store, const ContainerConfig &c, InitPlan &p)
{
    const ContainerStore containers(store);
    const QString d = containers.dir(c.id);
    p.rootless = store.rootless();
    p.overlay = store.driver().independentSnapshots();
    p.rootfs = QFile::encodeName(d + QStringLiteral("/rw/merged"));
    p.upperDir = QFile::encodeName(containers.upperDir(c.id));
    if (!p.overlay)
        return {};
    p.workDir = QFile::encodeName(d + QStringLiteral("/rw/work"));
    p.lowerBase = QFile::encodeName(d + QStringLiteral("/lower"));
    const qsizetype n = QDir(d + QStringLiteral("/lower")).entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot).size();
    if (n < 2)
        return fail(QStringLiteral("container %1: lower/ does not list the image's layers").arg(c.name));
    for (qsizetype i = 0; i < n; ++i) {
        const QString link = d + QStringLiteral("/lower/") + QString::number(i);
        if (!QFileInfo(link).isDir())
            return fail(QStringLiteral("container %1: layer %2 of its image is missing (%3)").arg(c.name).arg(i).arg(QFileInfo(link).symLinkTarget()));
        p.lowerDirs.append(QByteArray::number(i));
    }
    return {};
}

} // namespace strata
