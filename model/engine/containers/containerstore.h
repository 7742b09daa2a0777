#pragma once

#include "containertypes.h"
#include "imagetypes.h"
#include "layerview.h"
#include "result.h"
#include "storecache.h"

#include <QJsonObject>
#include <QSet>
#include <QString>

#include <functional>

namespace strata {

class Store;

// What `create` and `run` ask for; unset fields come from the image config.
struct CreateRequest {
    QString image;
    QString name;
    QStringList command; // replaces the image's Cmd
    std::optional<QString> entrypoint; // replaces the image's Entrypoint ("" clears it)
    QStringList env; // -e KEY=value or -e KEY (taken from the caller's environment)
    QString workingDir;
    QString user;
    QString network; // "", "none" or "host"
    QStringList volumes; // -v arguments
    bool autoRemove = false;
    bool interactive = false;
    bool tty = false;
    // The builder's RUN: the image is the build's state (config and layers), not in the index.
    std::optional<Image> buildImage;
};

// The containers of a store: containers/<id>/ with config.json, state.json, the log, the
// files bind-mounted over /etc/hostname, /etc/hosts and /etc/resolv.conf, the init layer
// lower/ (short links to the image's layers, top
// first, which keep the overlay mount options within one page for deep images) and rw/ (the
// writable layer: diff/, work/, merged/ for overlay2; a full copy for vfs).
// Threads: a cheap view over a shared Store; make one where needed.
class ContainerStore {
public:
    explicit ContainerStore(Store &store);

    QString dir(const QString &id) const;
    QString rwDir(const QString &id) const { return dir(id) + QStringLiteral("/rw"); }
    QString upperDir(const QString &id) const { return rwDir(id) + QStringLiteral("/diff"); }
    // The init layer every container of the store shares (containers/.init): the mount points
    // the runtime needs (/proc, /sys, /dev, /etc/hostname, ...) that an image may lack, so that
    // mounting them never writes into a writable layer and `diff` shows only what the container
    // did. Docker makes one per container (<id>-init); they are all the same, so Strata keeps one.
    QString initDir() const;
    Status ensureInitLayer();
    QString logPath(const QString &id) const { return dir(id) + QStringLiteral("/log"); }
    QString statePath(const QString &id) const { return dir(id) + QStringLiteral("/state.json"); }
    QString monitorLockPath(const QString &id) const { return dir(id) + QStringLiteral("/monitor.lock"); }

    // Containers whose config cannot be read are left out and described in `problems`.
    Result<QList<Container>> list(QStringList *problems = nullptr) const;
    Result<Container> load(const QString &id) const;
    Result<ContainerConfig> loadConfig(const QString &id) const;
    // Every container's config, without reading states; fails when one cannot be read (it
    // might be the one a caller asks about), the error starting with `purpose`.
    Result<QList<ContainerConfig>> allConfigs(const QString &purpose) const;
    // Each image containers were created from, with those containers ("name (short id)").
    // Fails when a container's config cannot be read, since it might use any image.
    Result<QHash<Digest, QStringList>> imageUsers() const;
    // By name, full ID or unique ID prefix.
    Result<Container> resolve(const QString &reference) const;
    Result<ContainerConfig> create(const CreateRequest &request);
    // Removes the container directory with every change in it. The caller has made sure it is
    // not running. The directory leaves the store in one rename; `removed` runs right after it,
    // before the files are deleted (the monitor of a --rm container reports the exit there).
    // It takes the container's monitor.lock for that, which a running container's monitor holds.
    enum class LockHeld { No, ByCaller };
    Status remove(const Container &container, const std::function<void()> &removed = {}, LockHeld held = LockHeld::No);
    // Holds monitor.lock while a stopped container is worked on (cp, commit), so it cannot be
    // started or removed meanwhile. Returns the descriptor to close, or why it is busy.
    Result<int> lockIdle(const Container &container) const;

    // The state as recorded, corrected by what can be seen: "running" with no monitor alive is
    // reported as dead.
    ContainerState state(const QString &id) const;
    Status writeState(const QString &id, const ContainerState &state) const;
    // Whether a monitor holds containers/<id>/monitor.lock (it does for its whole life).
    bool monitorAlive(const QString &id) const;

    // The image layers of a container, top first, as snapshot directories.
    Result<QStringList> imageLayerDirs(const ContainerConfig &config) const;
    Result<QStringList> imageLayerDirs(const Image &image, const QString &containerName) const;
    Result<QStringList> layerDirs(const QList<Digest> &chainsBaseFirst, const QString &containerName) const;
    // The layers a container's writable layer is compared with, top first: its init layer,
    // then the image's snapshots (for vfs only the top one: it is the whole tree).
    Result<QStringList> baseLayers(const ContainerConfig &config) const;
    // What the container changed against its image, as `docker diff` lists it (with sizes and
    // modes for ChangeDetail::Stat).
    Result<QList<Change>> changes(const Container &container, ChangeDetail detail = ChangeDetail::Paths) const;
    // Everything the container sees, top first: its writable layer, then baseLayers().
    Result<QStringList> viewLayers(const ContainerConfig &config) const;
    // Bytes in the writable layer (for vfs that is a full copy of the image).
    qint64 writableSize(const QString &id) const;


private:
    ContainerListing listing() const;
    Result<ContainerConfig> configFor(const CreateRequest &request, const Image &image) const;
    Status prepareDirectory(const QString &dir, const ContainerConfig &config, const QStringList &layerDirs);

    Store &m_store;
};

} // namespace strata
