#pragma once

#include <optional>

#include "result.h"

#include <QString>

#include <atomic>
#include <mutex>
#include <thread>

namespace strata {

// What part of a store a change touched; each has its own counter.
enum class ChangeScope { Any = 0, Images = 1, Containers = 2, Volumes = 3 };

// The store's metadata lock (flock on <root>/store.lock), shared by every process that opens
// the store. Writers hold it exclusively and briefly; every change bumps counters kept in the
// lock file (one for any change, one per scope), so other processes, and caches in this one,
// can tell the store changed and what part of it (StoreWatcher).
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
    // In a child after fork(), while unlocked: a file description of the child's own. The one
    // inherited is shared with the parent, and so is its flock (each would pass the other's).
    Status reopen();
    Status lock();
    void unlock();
    // Whether the calling thread holds the lock.
    bool isLocked() const;
    // Call while locked, after changing metadata: bumps the scope's counter and Any's.
    void bumpChangeCounter(ChangeScope scope);
    // Read without the lock (an 8-byte pread); 0 for a store that never changed.
    quint64 changeCounter(ChangeScope scope = ChangeScope::Any) const;
    // The Any counter of the store.lock at `path` without opening a store, with the file's
    // inode (a store made anew at the same path starts its counters again): for a reader that
    // asks "is what I saw last time still the store's state?".
    struct Peek {
        quint64 counter = 0;
        quint64 inode = 0;
    };
    static std::optional<Peek> peekChangeCounter(const QString &lockPath);

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
