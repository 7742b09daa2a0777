#pragma once

#include "storagedriver.h"

namespace strata {

// What vfs and btrfs share: each snapshot is the whole tree of its image up to that layer
// (deletions applied, no whiteouts), each container's writable layer the whole tree of its
// image with the init layer's mount points in it, bind-mounted as the container's root. A
// subclass says only how a snapshot starts from its parent's: a copy (vfs) or a btrfs snapshot.
class FullTreeDriver : public StorageDriver {
public:
    using StorageDriver::StorageDriver;
    WhiteoutStyle whiteoutStyle() const override { return WhiteoutStyle::Delete; }
    bool preparesInParallel() const override { return false; }
    // The top snapshot is the whole tree.
    QStringList viewLayers(const QStringList &snapshotsTopFirst) const override { return snapshotsTopFirst.mid(0, 1); }
    QJsonObject imageGraphData(const QStringList &snapshotsTopFirst) const override;
    // rw/diff, prepared from the image's top snapshot with the init layer's mount points in
    // it, and rw/merged.
    Status prepareWritable(const QString &containerDir, const QString &initDir, const QStringList &imageViewLayers) const override;
    Result<RootfsMount> rootfsMount(const QString &containerDir) const override;
    QJsonObject containerGraphData(const QString &containerDir, const QString &initDir, const QStringList &imageViewLayers) const override;
    // Against the snapshot below: what differs in content or metadata, what is gone.
    Result<QList<Change>> changes(const QString &writableDir, const QStringList &baseLayers, ChangeDetail detail = ChangeDetail::Paths) const override;
    bool copiesUp() const override { return false; }
};

} // namespace strata
