#pragma once

#include "storagedriver.h"

namespace strata {

// vfs: each snapshot is a full copy of its parent plus its own changes. No copy-on-write,
// works everywhere, and costs a full tree per layer.
class VfsDriver : public StorageDriver {
public:
    using StorageDriver::StorageDriver;
    QString name() const override { return QStringLiteral("vfs"); }
    WhiteoutStyle whiteoutStyle() const override { return WhiteoutStyle::Delete; }
    Status prepare(const QString &diffDir, const QString &parentDiffDir) const override;
    bool preparesInParallel() const override { return false; }
    // The top snapshot is the whole tree.
    QStringList viewLayers(const QStringList &snapshotsTopFirst) const override { return snapshotsTopFirst.mid(0, 1); }
    QJsonObject imageGraphData(const QStringList &snapshotsTopFirst) const override;
    // rw/diff, a full copy of the image with the init layer's mount points in it, and rw/merged.
    Status prepareWritable(const QString &containerDir, const QString &initDir, const QStringList &imageViewLayers) const override;
    Result<RootfsMount> rootfsMount(const QString &containerDir) const override;
    QJsonObject containerGraphData(const QString &containerDir, const QString &initDir, const QStringList &imageViewLayers) const override;
    Result<QList<Change>> changes(const QString &writableDir, const QStringList &baseLayers, ChangeDetail detail = ChangeDetail::Paths) const override;
    bool copiesUp() const override { return false; }

private:
    Status copyTree(const QString &from, const QString &to) const;
};

} // namespace strata
