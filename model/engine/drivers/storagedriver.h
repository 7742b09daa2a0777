#pragma once

#include "layerapplier.h"
#include "result.h"

#include <QList>
#include <QString>

#include <memory>

namespace strata {

// What `stratactl info` says about one storage driver of DESIGN §1.8.
struct DriverStatus {
    QString name;
    bool implemented = false; // Strata has a driver for it
    bool available = false; // it can run on this kernel and filesystem now
    QString detail; // how it stores layers, or why it cannot be used here
};

// The contract every storage driver implements: how a layer snapshot is laid out on disk.
// Snapshots live in layers/<driver>/<chainID>/diff.
class StorageDriver {
public:
    explicit StorageDriver(bool rootless)
        : m_rootless(rootless)
    {
    }
    virtual ~StorageDriver() = default;
    virtual QString name() const = 0;
    virtual WhiteoutStyle whiteoutStyle() const = 0;
    // How a layer archive is applied to one of this driver's snapshots; `subject` names the
    // layer in error messages.
    virtual ApplyOptions applyOptions(const QString &subject) const;
    // Whether a snapshot holds only its layer's changes (and so can be built without its parent).
    virtual bool independentSnapshots() const = 0;
    // Prepares the empty directory `diffDir` to receive a layer on top of `parentDiffDir`
    // (empty for a base layer).
    virtual Status prepare(const QString &diffDir, const QString &parentDiffDir) const = 0;

    static QStringList implementedNames();
    static std::unique_ptr<StorageDriver> create(const QString &name, bool rootless);
    // The default for a new store: overlay2 when the kernel allows it, vfs otherwise.
    static QString defaultName(const QString &root, bool rootless);
    // Every driver of DESIGN §1.8, probed on this machine for a store at `root`.
    static QList<DriverStatus> probeAll(const QString &root, bool rootless);
    static Status probeOverlay(const QString &scratchDir, bool rootless);

protected:
    bool rootless() const { return m_rootless; }

private:
    bool m_rootless;
};

} // namespace strata
