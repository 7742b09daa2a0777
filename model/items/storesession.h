#pragma once

#include "job.h"
#include "layercontents.h"
#include "layermapgeometry.h"
#include "storesnapshot.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QThread>
#include <QThreadPool>

#include <memory>
#include <optional>

namespace strata {

class Store;
class StoreWatcher;
class ForeignWatcher;

// The window's hold on one data root: the opened Store (shared with the workers that use it),
// the latest StoreSnapshot, and the jobs running on it. Everything that touches the disk runs
// on a worker thread; results come back as values and are swapped in here. A StoreWatcher in a
// thread of its own notices changes from any process and a new snapshot follows within
// a second.
//
// Or its hold on a peer's data root (Docker's, containers/storage's) read in place: no Store,
// nothing written there, every snapshot a new read of the peer's metadata through ForeignRoot,
// taken when a watcher of its folders notices the peer changing them.
class StoreSession : public QObject {
    Q_OBJECT
public:
    explicit StoreSession(QObject *parent = nullptr);
    ~StoreSession() override;

    // Opens (creating it if needed) the store at `root`, or the default one when empty; a
    // `root` that is a peer's data root is opened as openForeign() does.
    // Emits opened() or openFailed().
    void open(const QString &root);
    // Opens the data root of a peer (`kind` as ForeignRoot names it; empty: detected) read-only.
    void openForeign(const QString &kind, const QString &root);
    bool isOpen() const { return bool(m_store) || m_foreignOpen; }
    QString root() const { return m_root; }
    // Null for a peer's root: what would need it (jobs, a container's console) is not offered.
    std::shared_ptr<Store> store() const { return m_store; }
    // The peer whose root is open ("docker", "podman"), or empty for Strata's own store.
    QString foreignKind() const { return m_foreignKind; }
    bool isReadOnly() const { return !m_foreignKind.isEmpty(); }
    // "Docker data root /var/lib/docker (read-only)", or the store's root.
    QString description() const;
    // What is inside the open store's layers, for any thread (it keeps what it reads alive);
    // none while no store is open.
    std::optional<LayerContents> layerContents() const;
    // The peer's root as its reader saw it at the last snapshot; null for Strata's own store.
    std::shared_ptr<const ForeignSnapshot> foreign() const { return m_snapshot.foreign; }

    const StoreSnapshot &snapshot() const { return m_snapshot; }
    bool hasSnapshot() const { return m_hasSnapshot; }
    // The layer map of the whole snapshot (made off the GUI thread with it).
    const LayerMapInput &map() const { return m_map; }
    // Takes a new snapshot (coalesced: one at a time, one more if asked meanwhile).
    void refresh();

    // Runs `work` on the store; a snapshot follows its end. The job belongs to the session.
    Job *startJob(const QString &title, Job::Work work);
    QList<Job *> runningJobs() const;

    // Pools for reads off the GUI thread, never the global one: Qt 6.4's raster engine splits
    // large fills across QThreadPool::globalInstance() and waits for them, so a long read there
    // holds up the window's paints until it ends (a 200,000-file tree: 470 ms on two cores).
    // readers(): background reads of the whole store (snapshots, its footprint); work there
    // calls yieldToTheWindow() first. lookups(): reads the user has just asked for and waits
    // on (a layer's files, a file's content), at the GUI thread's priority.
    QThreadPool *readers() { return &m_readers; }
    QThreadPool *lookups() { return &m_lookups; }
    // Lowers the calling thread's priority below the GUI thread's, for good (once per thread).
    static void yieldToTheWindow();

Q_SIGNALS:
    void opened();
    void openFailed(const QString &message);
    void snapshotChanged();
    // The map as the last session saw it, when the store has not changed since (mappreview):
    // shown until the first snapshot is in.
    void previewReady(const strata::LayerMapInput &map);
    void snapshotFailed(const QString &message);
    void jobStarted(strata::Job *job);
    void jobFinished(strata::Job *job);

private:
    void stopWatching();
    void startWatching();
    void watchForeign(const QStringList &paths);

    QString m_foreignKind;
    bool m_foreignOpen = false;
    std::shared_ptr<const LayerDirs> m_foreignDirs; // of m_snapshot.foreign
    ForeignWatcher *m_foreignWatcher = nullptr; // lives in m_watchThread
    std::shared_ptr<Store> m_store;
    QString m_root;
    quint64 m_generation = 0; // which open() a result belongs to
    StoreSnapshot m_snapshot;
    LayerMapInput m_map;
    bool m_hasSnapshot = false;
    bool m_refreshing = false;
    bool m_refreshPending = false;
    QThread m_watchThread;
    // Opening, snapshots, the footprint: threads that give way to the GUI thread (storesession.cpp).
    QThreadPool m_readers;
    QThreadPool m_lookups; // what the user waits for, at normal priority (readers(), lookups())
    StoreWatcher *m_watcher = nullptr; // lives in m_watchThread
    QList<QPointer<Job>> m_jobs;
};

} // namespace strata
