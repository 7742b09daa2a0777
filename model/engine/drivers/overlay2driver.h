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
    bool independentSnapshots() const override { return true; }
    Status prepare(const QString &diffDir, const QString &parentDiffDir) const override;
    // The opaque xattr: trusted.* needs CAP_SYS_ADMIN in the initial namespace; rootless
    // overlay uses user.* with the userxattr mount option.
    ApplyOptions applyOptions(const QString &subject) const override;
};

} // namespace strata
