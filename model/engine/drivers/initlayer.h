#pragma once

#include "result.h"

#include <QString>

namespace strata {

// The init layer every container of a store shares (containers/.init): the mount points the
// runtime needs (/proc, /sys, /dev, /etc/hostname, ...) that an image may lack, so that
// mounting them never writes into a writable layer and `diff` shows only what the container
// did. Docker makes one per container (<id>-init); they are all the same, so Strata keeps one.
class InitLayer {
public:
    // Fills the empty directory `dir` with the mount points.
    static Status create(const QString &dir);
    // Makes the mount points in a full tree (a driver without layers under the container), as
    // the merged view of an overlay would show them. A symbolic link in the tree where the init
    // layer has a directory is left alone (mounts resolve inside the root anyway).
    static Status applyTo(const QString &initDir, const QString &tree);
};

} // namespace strata
