#include "rootfsplan.h"

#include "containerstore.h"
#include "store.h"

#include <QFile>

namespace strata {

Status planRootFilesystem(Store &store, const ContainerConfig &c, InitPlan &p)
{
    const ContainerStore containers(store);
    const QString d = containers.dir(c.id);
    auto mount = store.driver().rootfsMount(d);
    if (!mount)
        return fail(mount.takeError(), QStringLiteral("container %1: ").arg(c.name));
    p.rootless = store.rootless();
    p.rootfs = QFile::encodeName(d + QStringLiteral("/rw/merged"));
    p.overlay = mount->overlay;
    p.upperDir = QFile::encodeName(mount->upperDir);
    p.workDir = QFile::encodeName(mount->workDir);
    p.volatileUpper = c.build; // a build step's container runs once; its layer is read back at once
    p.lowerBase = QFile::encodeName(mount->lowerBase);
    for (const QString &l : std::as_const(mount->lowerDirs))
        p.lowerDirs.append(QFile::encodeName(l));
    return {};
}

} // namespace strata
