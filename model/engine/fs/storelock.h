#pragma once

#include "result.h"

#include <QString>

namespace strata {

// The store's metadata lock (flock on <root>/store.lock), shared by every process that opens
// the store. Writers hold it exclusively and briefly; every write bumps a change counter kept
// in the lock file so other processes can notice the store changed.
class StoreLock {
public:
    StoreLock() = default;
    ~StoreLock();
    StoreLock(const StoreLock &) = delete;
    StoreLock &operator=(const StoreLock &) = delete;

    Status open(const QString &path);
    Status lock();
    void unlock();
    bool isLocked() const { return m_depth > 0; }
    // Call while locked, after changing metadata.
    void bumpChangeCounter();
    quint64 changeCounter() const;

private:
    int m_fd = -1;
    int m_depth = 0;
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
