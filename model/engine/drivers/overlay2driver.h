#pragma once

#include "storagedriver.h"

namespace strata {

// overlay2: each snapshot holds only its layer's changes, with whiteouts in overlayfs form
// (char device 0/0, the opaque xattr); the kernel's overlayfs stacks them for a container.
class Overlay2Driver : public StorageDriver {
public:
    using StorageDriver::StorageDriver;
    QString name() const override { return QStringLiteral("overlay2"); }
    WhiteoutStyle whiteoutStyle() const override { return WhiteoutStyle::Overlay; }
    Status prepare(const QString &diffDir, const QString &parentDiffDir) const override;
    bool preparesInParallel() const override { return true; }
    QStringList viewLayers(const QStringList &snapshotsTopFirst) const override { return snapshotsTopFirst; }
    QJsonObject imageGraphData(const QStringList &snapshotsTopFirst) const override;
    // rw/diff, rw/work, rw/merged, and lower/0 (the init layer), lower/1.. (the image's layers
    // from the top) as short links, which keep the mount options within one page for deep images.
    Status prepareWritable(const QString &containerDir, const QString &initDir, const QStringList &imageViewLayers) const override;
    Result<RootfsMount> rootfsMount(const QString &containerDir) const override;
    QJsonObject containerGraphData(const QString &containerDir, const QString &initDir, const QStringList &imageViewLayers) const override;
    Result<QList<Change>> changes(const QString &writableDir, const QStringList &baseLayers, ChangeDetail detail = ChangeDetail::Paths) const override;
    bool copiesUp() const override { return true; }
    // The opaque xattr: trusted.* needs CAP_SYS_ADMIN in the initial namespace; rootless
    // overlay uses user.* with the userxattr mount option.
    ApplyOptions applyOptions(const QString &subject) const override;
};

} // namespace strata
