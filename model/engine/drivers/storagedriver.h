#pragma once

#include "layerapplier.h"
#include "layerview.h"
#include "result.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

namespace strata {

// What `stratactl info` says about one storage driver of DESIGN §1.8.
struct DriverStatus {
    QString name;
    bool implemented = false; // Strata has a driver for it
    bool available = false; // it can run on this kernel and filesystem now
    QString detail; // how it stores layers, or why it cannot be used here
};

// How a container's root filesystem is mounted (the runtime turns this into its init plan):
// an overlay of `lowerDirs` (relative to `lowerBase`, top first) with `upperDir` and
// `workDir`, or a bind mount of `upperDir`, which is then the whole tree.
struct RootfsMount {
    bool overlay = true;
    QString lowerBase;
    QStringList lowerDirs;
    QString upperDir;
    QString workDir;
};

// The contract every storage driver implements: how layer snapshots and containers' writable
// layers are laid out on disk and what reading them takes. Snapshots live in
// layers/<driver>/<chainID>/diff; a container's writable layer in containers/<id>/rw/diff. No
// caller needs to know which driver it has: each asks the driver for what it needs.
// Threads: drivers hold no state after creation; any thread may call them.
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
    // Prepares the empty directory `diffDir` to receive a layer on top of `parentDiffDir`
    // (empty for a base layer). Callers always pass the parent; a driver whose snapshots hold
    // only their own changes does not read it.
    virtual Status prepare(const QString &diffDir, const QString &parentDiffDir) const = 0;
    // Whether several layers of one image can be prepared at once (their snapshots do not
    // start from their parents').
    virtual bool preparesInParallel() const = 0;
    // Of an image's snapshots (top first), the ones a view of the whole image reads, top first.
    virtual QStringList viewLayers(const QStringList &snapshotsTopFirst) const = 0;
    // Docker's GraphDriver.Data of an image whose snapshots these are (top first).
    virtual QJsonObject imageGraphData(const QStringList &snapshotsTopFirst) const = 0;

    // Makes a container's writable layer in `containerDir` (rw/ and whatever the driver needs
    // beside it) over the init layer and the image's view layers (top first).
    virtual Status prepareWritable(const QString &containerDir, const QString &initDir, const QStringList &imageViewLayers) const = 0;
    virtual Result<RootfsMount> rootfsMount(const QString &containerDir) const = 0;
    // Docker's GraphDriver.Data of a container (its writable layer and what lies under it).
    virtual QJsonObject containerGraphData(const QString &containerDir, const QString &initDir, const QStringList &imageViewLayers) const = 0;
    // What a container changed in `writableDir` against the layers under it (top first), as
    // `docker diff` lists it. A layer snapshot's own changes are read the same way, over the
    // view layers of the snapshots below it.
    virtual Result<QList<Change>> changes(const QString &writableDir, const QStringList &baseLayers, ChangeDetail detail = ChangeDetail::Paths) const = 0;
    // Whether a write to a file from the image copies it up first (the lesson's point: vfs has
    // a full copy per container instead, btrfs shares the blocks a write leaves alone).
    virtual bool copiesUp() const = 0;
    // Whether the directory `dir` (a layer snapshot or a container's writable layer) is what
    // this driver makes of it; the error says what it is instead. `check` asks.
    virtual Status checkSnapshot(const QString &dir) const
    {
        Q_UNUSED(dir);
        return {};
    }

    static QStringList implementedNames();
    static std::unique_ptr<StorageDriver> create(const QString &name, bool rootless);
    // The default for a new store: btrfs on a btrfs filesystem that allows it, else overlay2
    // when the kernel allows it, vfs otherwise.
    static QString defaultName(const QString &root, bool rootless);
    // Every driver of DESIGN §1.8, probed on this machine for a store at `root`.
    static QList<DriverStatus> probeAll(const QString &root, bool rootless);
    // Whether the implemented driver `name` works for a store whose scratch space (in its
    // tmp/) is `scratchDir`; the error says why not.
    static Status probe(const QString &name, const QString &scratchDir, bool rootless);
    static Status probeOverlay(const QString &scratchDir, bool rootless);
    static Result<QString> probeBtrfs(const QString &scratchDir);

protected:
    bool rootless() const { return m_rootless; }

private:
    bool m_rootless;
};

} // namespace strata
