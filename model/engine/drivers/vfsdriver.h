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
    bool independentSnapshots() const override { return false; }
    Status prepare(const QString &diffDir, const QString &parentDiffDir) const override;
};

} // namespace strata
