#include "btrfsdriver.h"

#include "fsutil.h"
#include "subvolume.h"

#include <QFile>
#include <QScopeGuard>

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace strata {

Status BtrfsDriver::prepare(const QString &diffDir, const QString &parentDiffDir) const
{
    STRATA_TRY(fs::makeDirs(diffDir.left(diffDir.lastIndexOf(u'/'))));
    if (parentDiffDir.isEmpty())
        return fs::createSubvolume(diffDir);
    return fs::snapshotSubvolume(parentDiffDir, diffDir);
}

Status BtrfsDriver::checkSnapshot(const QString &dir) const
{
    if (fs::isDirectory(dir) && !fs::isSubvolume(dir))
        return fail(QStringLiteral("is a plain directory, not a btrfs subvolume"));
    return {};
}

Result<QString> BtrfsDriver::probe(const QString &scratchDir)
{
    const QString made = scratchDir + QStringLiteral("/subvolume");
    const QString snapshot = scratchDir + QStringLiteral("/snapshot");
    // Without the ioctl an empty subvolume still goes with rmdir (Linux 4.18 and later).
    const auto removeBoth = qScopeGuard([&] {
        (void)fs::removeTree(snapshot);
        (void)fs::removeTree(made);
    });
    STRATA_TRY(fs::createSubvolume(made));
    STRATA_TRY(fs::snapshotSubvolume(made, snapshot));
    const int dir = open(QFile::encodeName(scratchDir).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0)
        return fail(QStringLiteral("%1: %2").arg(scratchDir, fs::errorText(errno)));
    int err = 0;
    const bool destroyed = fs::destroySubvolumeAt(dir, "snapshot", &err).ok();
    close(dir);
    if (fs::exists(snapshot) && !fs::removeTree(snapshot))
        return fail(QStringLiteral("%1: a snapshot cannot be deleted, neither with BTRFS_IOC_SNAP_DESTROY (%2) nor with rmdir once empty").arg(snapshot, fs::errorText(err)));
    if (destroyed)
        return QString();
    if (err == EPERM)
        return QStringLiteral("the kernel refuses an unprivileged user BTRFS_IOC_SNAP_DESTROY without the user_subvol_rm_allowed mount option, so removing a layer or container empties its subvolume file by file before rmdir removes it");
    return QStringLiteral("the kernel refuses BTRFS_IOC_SNAP_DESTROY here (%1), so removing a layer or container empties its subvolume file by file before rmdir removes it").arg(fs::errorText(err));
}

} // namespace strata
