#include "storesession.h"

#include "mappreview.h"
#include "storelock.h"

#include "foreignroot.h"
#include "store.h"
#include "storeopen.h"
#include "storewatcher.h"

#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QSet>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace strata {

// Reading a whole store is background work: the threads of the session's reader pool yield
// the CPU to the GUI thread (a niceness of their own: on Linux it is per thread), so that on
// a machine of two cores the window is built and painted at full speed while a snapshot is
// taken. A pool of their own: an unprivileged thread cannot become less nice again, and the
// global pool's threads start containers, which inherit it.
void StoreSession::yieldToTheWindow()
{
    thread_local bool done = false;
    if (done)
        return;
    done = true;
    const id_t tid = id_t(syscall(SYS_gettid));
    errno = 0;
    const int now = getpriority(PRIO_PROCESS, tid);
    if (errno == 0)
        (void)setpriority(PRIO_PROCESS, tid, std::min(now + 10, 19));
}

// Notices a peer changing its store: inotify on the folders ForeignSnapshot::metadataPaths()
// names (watching opens nothing there for writing, and reads nothing), a burst coalesced into one
// call of `changed` a quarter of a second after it ends. Lives in the session's watcher thread.
class ForeignWatcher : public QObject {
public:
    explicit ForeignWatcher(std::function<void()> changed)
        : m_changed(std::move(changed))
        , m_watcher(new QFileSystemWatcher(this))
        , m_coalesce(new QTimer(this))
    {
        m_coalesce->setSingleShot(true);
        m_coalesce->setInterval(250);
        connect(m_watcher, &QFileSystemWatcher::directoryChanged, m_coalesce, qOverload<>(&QTimer::start));
        connect(m_coalesce, &QTimer::timeout, this, [this] { m_changed(); });
    }

    // Watches `paths` (the ones that exist), and no others.
    void setPaths(const QStringList &paths)
    {
        QStringList present;
        for (const QString &p : paths)
            if (QFileInfo(p).isDir())
                present.append(p);
        const QSet<QString> want(present.begin(), present.end());
        const QStringList watched = m_watcher->directories();
        QStringList gone;
        for (const QString &p : watched)
            if (!want.contains(p))
                gone.append(p);
        if (!gone.isEmpty())
            m_watcher->removePaths(gone);
        QStringList added;
        for (const QString &p : std::as_const(present))
            if (!watched.contains(p))
                added.append(p);
        if (!added.isEmpty())
            m_watcher->addPaths(added);
    }

private:
    std::function<void()> m_changed;
    QFileSystemWatcher *m_watcher;
    QTimer *m_coalesce;
};

namespace {
    struct Opened {
        std::shared_ptr<Store> store;
        QString foreignKind; // the root is a peer's: opened as that instead
        QString error;
    };
    struct Taken {
        std::optional<StoreSnapshot> snapshot;
        LayerMapInput map; // of the whole snapshot, made on the worker with it
        QString error;
    };

    // A peer's root read anew, as the window shows it.
    Taken readForeign(const QString &kind, const QString &root)
    {
        StoreSession::yieldToTheWindow();
        Taken out;
        auto read = ForeignRoot::read(kind, root);
        if (!read) {
            out.error = read.error();
            return out;
        }
        out.snapshot = StoreSnapshot::fromForeign(std::move(read).value());
        out.map = LayerMapInput::fromSnapshot(*out.snapshot);
        return out;
    }
}

StoreSession::StoreSession(QObject *parent)
    : QObject(parent)
{
    m_watchThread.setObjectName(QStringLiteral("strata-store-watcher"));
    m_watchThread.start();
}

StoreSession::~StoreSession()
{
    stopWatching();
    m_watchThread.quit();
    m_watchThread.wait();
}

void StoreSession::open(const QString &root)
{
    stopWatching();
    const quint64 generation = ++m_generation;
    m_store.reset();
    m_foreignKind.clear();
    m_foreignOpen = false;
    m_foreignDirs.reset();
    m_hasSnapshot = false;
    m_snapshot = {};
    m_map = {};
    // A snapshot of the store opened before may still be under way: its result is dropped
    // (another generation), so it must not hold back this store's first one.
    m_refreshing = false;
    m_refreshPending = false;
    m_root = root;
    // The last session's map, if the store is as it was then: a few kilobytes to read, where
    // the snapshot reads and verifies every manifest, config and layer record.
    QtConcurrent::run([root] { return mappreview::loadIfCurrent(root); }).then(this, [this, generation](const std::optional<LayerMapInput> &map) {
        if (generation == m_generation && !m_hasSnapshot && map)
            Q_EMIT previewReady(*map);
    });
    QtConcurrent::run(&m_readers, [root] {
        StoreSession::yieldToTheWindow();
        Opened out;
        // A peer's data root is read as that, never made a store of.
        out.foreignKind = root.isEmpty() ? QString() : ForeignRoot::detect(root);
        if (!out.foreignKind.isEmpty())
            return out;
        Store::Options o;
        o.root = root;
        auto store = openStore(o);
        if (store)
            out.store = std::shared_ptr<Store>(std::move(store).value());
        else
            out.error = store.error();
        return out;
    }).then(this, [this, generation](const Opened &out) {
        if (generation != m_generation)
            return; // another open() came after this one
        if (!out.foreignKind.isEmpty()) {
            openForeign(out.foreignKind, m_root);
            return;
        }
        if (!out.store) {
            Q_EMIT openFailed(out.error);
            return;
        }
        m_store = out.store;
        m_root = m_store->root();
        startWatching();
        Q_EMIT opened();
        refresh();
    });
}

void StoreSession::openForeign(const QString &kind, const QString &root)
{
    stopWatching();
    const quint64 generation = ++m_generation;
    m_store.reset();
    m_foreignOpen = false;
    m_foreignDirs.reset();
    m_foreignKind = kind;
    m_hasSnapshot = false;
    m_snapshot = {};
    m_map = {};
    m_refreshing = true; // the first read below is the first snapshot
    m_refreshPending = false;
    m_root = root;
    QtConcurrent::run(&m_readers, [kind, root] {
        const QString k = kind.isEmpty() ? ForeignRoot::detect(root) : kind;
        return std::make_pair(k, readForeign(k, root));
    }).then(this, [this, generation](const std::pair<QString, Taken> &out) {
        if (generation != m_generation)
            return;
        m_refreshing = false;
        if (!out.second.snapshot) {
            m_foreignKind.clear();
            Q_EMIT openFailed(out.second.error);
            return;
        }
        m_foreignKind = out.first;
        m_foreignOpen = true;
        m_foreignWatcher = new ForeignWatcher([this] { QMetaObject::invokeMethod(this, &StoreSession::refresh, Qt::QueuedConnection); });
        m_foreignWatcher->moveToThread(&m_watchThread);
        Q_EMIT opened();
        m_snapshot = *out.second.snapshot;
        m_map = out.second.map;
        m_hasSnapshot = true;
        m_foreignDirs = m_snapshot.foreign->layerDirs();
        watchForeign(m_snapshot.foreign->metadataPaths());
        Q_EMIT snapshotChanged();
        if (m_refreshPending)
            refresh();
    });
}

QString StoreSession::description() const
{
    if (m_foreignKind == QLatin1String("podman"))
        return tr("Podman storage %1 (read-only)").arg(m_root);
    if (!m_foreignKind.isEmpty())
        return tr("Docker data root %1 (read-only)").arg(m_root);
    return m_root;
}

std::optional<LayerContents> StoreSession::layerContents() const
{
    if (m_snapshot.foreign)
        return LayerContents(m_foreignDirs);
    if (m_store)
        return LayerContents(LayerDirs::ofStore(m_store));
    return std::nullopt;
}

void StoreSession::watchForeign(const QStringList &paths)
{
    if (ForeignWatcher *w = m_foreignWatcher)
        QMetaObject::invokeMethod(w, [w, paths] { w->setPaths(paths); }, Qt::QueuedConnection);
}

void StoreSession::startWatching()
{
    m_watcher = new StoreWatcher(*m_store);
    m_watcher->moveToThread(&m_watchThread);
    connect(m_watcher, &StoreWatcher::changed, this, &StoreSession::refresh, Qt::QueuedConnection);
    QMetaObject::invokeMethod(m_watcher, [w = m_watcher] { (void)w->start(); }, Qt::QueuedConnection);
}

void StoreSession::stopWatching()
{
    if (ForeignWatcher *w = m_foreignWatcher) {
        m_foreignWatcher = nullptr;
        QMetaObject::invokeMethod(w, [w] { delete w; }, Qt::BlockingQueuedConnection);
    }
    if (!m_watcher)
        return;
    StoreWatcher *w = m_watcher;
    m_watcher = nullptr;
    disconnect(w, nullptr, this, nullptr);
    // Deleted in its own thread, before the store it reads goes (the call blocks until then).
    QMetaObject::invokeMethod(w, [w] { delete w; }, Qt::BlockingQueuedConnection);
}

void StoreSession::refresh()
{
    if (!m_store && !m_foreignOpen)
        return;
    if (m_refreshing) {
        m_refreshPending = true;
        return;
    }
    m_refreshing = true;
    m_refreshPending = false;
    const quint64 generation = m_generation;
    auto store = m_store;
    const QString kind = m_foreignKind;
    const QString root = m_root;
    QtConcurrent::run(&m_readers, [store, kind, root] {
        if (!store)
            return readForeign(kind, root);
        StoreSession::yieldToTheWindow();
        Taken out;
        // The counter before the snapshot: if the store changes while it is taken, the saved
        // map is older than the counter says, and the next start does not show it.
        const auto before = StoreLock::peekChangeCounter(store->root() + QStringLiteral("/store.lock"));
        auto snap = StoreSnapshot::take(*store);
        if (snap) {
            out.snapshot = std::move(snap).value();
            out.map = LayerMapInput::fromSnapshot(*out.snapshot);
            if (before)
                mappreview::save(store->root(), before->counter, before->inode, out.map);
        } else {
            out.error = snap.error();
        }
        return out;
    }).then(this, [this, generation](const Taken &out) {
        if (generation != m_generation)
            return;
        m_refreshing = false;
        if (out.snapshot) {
            m_snapshot = *out.snapshot;
            m_map = out.map;
            m_hasSnapshot = true;
            if (m_snapshot.foreign) {
                m_foreignDirs = m_snapshot.foreign->layerDirs();
                watchForeign(m_snapshot.foreign->metadataPaths()); // new containers' folders
            }
            Q_EMIT snapshotChanged();
        } else {
            Q_EMIT snapshotFailed(out.error);
        }
        if (m_refreshPending)
            refresh();
    });
}

Job *StoreSession::startJob(const QString &title, Job::Work work)
{
    if (!m_store) // none for a peer's root, read-only
        return nullptr;
    auto *job = new Job(title, m_store, std::move(work), this);
    m_jobs.append(job);
    connect(job, &Job::finished, this, [this, job] {
        m_jobs.removeAll(job);
        Q_EMIT jobFinished(job);
        refresh();
        job->deleteLater();
    });
    Q_EMIT jobStarted(job);
    job->start();
    return job;
}

QList<Job *> StoreSession::runningJobs() const
{
    QList<Job *> out;
    for (const QPointer<Job> &j : m_jobs) {
        if (j)
            out.append(j.data());
    }
    return out;
}

} // namespace strata
