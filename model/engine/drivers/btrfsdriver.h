#pragma once

#include "fulltreedriver.h"

namespace strata {

// btrfs: each snapshot is a btrfs subvolume; a base layer starts as an empty one, a child as
// a snapshot of its parent's (O(1), sharing every extent), and the layer is applied on top as
// on vfs. A container's writable layer is a snapshot of its image's top layer: a write
// allocates new extents for the blocks it changes only, not a copy of the file.
class BtrfsDriver : public FullTreeDriver {
public:
    using FullTreeDriver::FullTreeDriver;
    QString name() const override { return QStringLiteral("btrfs"); }
    Status prepare(const QString &diffDir, const QString &parentDiffDir) const override;
    // A snapshot or writable layer that is not a subvolume (copied in by hand, say) works for
    // reading but cannot be snapshotted.
    Status checkSnapshot(const QString &dir) const override;

    // Makes, snapshots and deletes a subvolume in `scratchDir`. Returns how subvolumes are
    // deleted here: at once, or (unprivileged without user_subvol_rm_allowed) emptied first.
    static Result<QString> probe(const QString &scratchDir);
};

} // namespace strata
