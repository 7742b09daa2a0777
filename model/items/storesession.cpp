#include "storesession.h"

#include "mappreview.h"
#include "storelock.h"

#include "store.h"
#include "storeopen.h"
#include "storewatcher.h"

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

namespace {
    struct Opened {
        std::shared_ptr<Store> store;
        QString error;
    };
    struct Taken {
        std::optional<StoreSnapshot> snapshot;
        LayerMapInput map; // of the whole snapshot, made on the worker with it
        QString error;
    };
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
        Store::Options o;
        o.root = root;
        auto store = openStore(o);
        Opened out;
        if (store)
            out.store = std::shared_ptr<Store>(std::move(store).value());
        else
            out.error = store.error();
        return out;
    }).then(this, [this, generation](const Opened &out) {
        if (generation != m_generation)
            return; // another open() came after this one
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

void StoreSession::startWatching()
{
    m_watcher = new StoreWatcher(*m_store);
    m_watcher->moveToThread(&m_watchThread);
    connect(m_watcher, &StoreWatcher::changed, this, &StoreSession::refresh, Qt::QueuedConnection);
    QMetaObject::invokeMethod(m_watcher, [w = m_watcher] { (void)w->start(); }, Qt::QueuedConnection);
}

void StoreSession::stopWatching()
{
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
    if (!m_store)
        return;
    if (m_refreshing) {
        m_refreshPending = true;
        return;
    }
    m_refreshing = true;
    m_refreshPending = false;
    const quint64 generation = m_generation;
    auto store = m_store;
    QtConcurrent::run(&m_readers, [store] {
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
    if (!m_store)
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
