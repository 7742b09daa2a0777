#pragma once

#include "result.h"

#include <QString>

#include <atomic>
#include <mutex>
#include <thread>

namespace strata {

// The store's metadata lock (flock on <root>/store.lock), shared by every process that opens
// the store. Writers hold it exclusively and briefly; every write bumps a change counter kept
// in the lock file so other processes can notice the store changed.
//
// Threads: one StoreLock may be shared by the threads of a process. flock belongs to the open
// file description, which all threads share, so a mutex excludes the threads from each other
// first; the lock is recursive within one thread.
class StoreLock {
public:
    StoreLock() = default;
    ~StoreLock();
    StoreLock(const StoreLock &) = delete;
    StoreLock &operator=(const StoreLock &) = delete;

    Status open(const QString &path);
    Status lock();
    void unlock();
    // Whether the calling thread holds the lock.
    bool isLocked() const;
    // Call while locked, after changing metadata.
    void bumpChangeCounter();
    quint64 changeCounter() const;

private:
    int m_fd = -1;
    std::recursive_mutex m_mutex;
    std::atomic<std::thread::id> m_owner {};
    int m_depth = 0; // guarded by m_mutex
    QString m_path;
};

// Holds a StoreLock for a scope.
class StoreLockGuard {
public:
    explicit StoreLockGuard(StoreLock &lock)
        : m_lock(lock)
    {
        m_status = m_lock.lock();
    }
    ~StoreLockGuard()
    {
        if (m_status.ok())
            m_lock.unlock();
    }
    StoreLockGuard(const StoreLockGuard &) = delete;
    StoreLockGuard &operator=(const StoreLockGuard &) = delete;
    const Status &status() const { return m_status; }

private:
    StoreLock &m_lock;
    Status m_status;
};

} // namespace strata
