#pragma once

#include "storelock.h"

#include <QObject>
#include <QTimer>

#include <array>

class QSocketNotifier;

namespace strata {

class Store;

// Tells when a store changed, from this process or any other: every change to images,
// containers (a start and an exit included) or volumes bumps a counter in store.lock
// (StoreLock::bumpChangeCounter), and this watches that file with inotify, comparing the
// counters to say which part changed. Bursts (a load writing many times) are coalesced into
// one signal per part. Where inotify is unavailable it polls the counters every second.
//
// Lives in the thread whose event loop drives it (a thread of its own in the window, so that
// reading the counters never waits on the GUI thread); it only reads the counters, so the Store
// it watches may be used by other threads meanwhile. Create it, moveToThread(), then start()
// in that thread.
class StoreWatcher : public QObject {
    Q_OBJECT
public:
    explicit StoreWatcher(Store &store, QObject *parent = nullptr);
    ~StoreWatcher() override;

    // Begins watching; the counters as they are now are the baseline.
    Status start();
    quint64 counter(ChangeScope scope) const;

Q_SIGNALS:
    void changed(); // anything; emitted after the specific signals below
    void imagesChanged();
    void containersChanged();
    void volumesChanged();

private:
    void fileEvent();
    void compare();

    Store &m_store;
    int m_fd = -1;
    QSocketNotifier *m_notifier = nullptr;
    // Children, so that moveToThread() takes them along.
    QTimer *m_coalesce; // a burst of writes ends in one comparison
    QTimer *m_poll; // the fallback when inotify cannot watch, and a safety net beside it
    std::array<quint64, 4> m_seen {};
};

} // namespace strata
