#pragma once

#include "fulltreedriver.h"

namespace strata {

// vfs: each snapshot is a full copy of its parent plus its own changes. No copy-on-write,
// works everywhere, and costs a full tree per layer and per container.
class VfsDriver : public FullTreeDriver {
public:
    using FullTreeDriver::FullTreeDriver;
    QString name() const override { return QStringLiteral("vfs"); }
    Status prepare(const QString &diffDir, const QString &parentDiffDir) const override;

private:
    Status copyTree(const QString &from, const QString &to) const;
};

} // namespace strata
