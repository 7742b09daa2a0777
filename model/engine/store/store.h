#pragma once

#include "contentstore.h"
#include "result.h"
#include "staging.h"
#include "storagedriver.h"
#include "storecache.h"
#include "storelock.h"

#include <QString>

#include <memory>

namespace strata {

// An opened data root (DESIGN §3): the lock, the content store, the storage driver and the
// paths of everything below the root. Creating a store writes store.json last, so a store
// without it is not a store yet.
//
// Threads: one Store may be shared by any number of threads, as one store directory is by any
// number of processes; the lock excludes writers of both kinds (StoreLock) and the caches lock
// themselves. The ImageStore, ContainerStore, ... views over it are cheap: make one per thread.
class Store {
public:
    struct Options {
        QString root; // empty: STRATA_ROOT, then the default for this user
        QString driver; // only used when the store is created; empty: the best available
        bool sweep = true; // remove dead jobs' staging on open (openStore() does it)
    };

    // Opens the store alone; openStore() (images/) opens it ready for work.
    static Result<std::unique_ptr<Store>> open(const Options &options);
    static QString defaultRoot();
    static constexpr int formatVersion = 1;

    const QString &root() const { return m_root; }
    // Whether this open made the store (it had no store.json).
    bool created() const { return m_created; }
    bool rootless() const { return m_rootless; }
    QString imagesDir() const { return m_root + QStringLiteral("/images"); }
    QString indexPath() const { return imagesDir() + QStringLiteral("/index.json"); }
    QString layersDir() const { return m_root + QStringLiteral("/layers/") + m_driver->name(); }
    QString tmpDir() const { return m_root + QStringLiteral("/tmp"); }
    QString relative(const QString &path) const;

    StorageDriver &driver() const { return *m_driver; }
    ContentStore &content() { return m_content; }
    const ContentStore &content() const { return m_content; }
    StoreLock &lock() { return m_lock; }
    quint64 changeCounter(ChangeScope scope) const { return m_lock.changeCounter(scope); }
    StoreCache &cache() const { return m_cache; }

    Result<Staging> newStaging();
    // Leftovers of jobs that died (kill -9, power loss) in tmp/.
    QList<Staging::Leftover> deadStaging() const;

private:
    explicit Store(const QString &root);
    Status initialise(const Options &options);

    QString m_root;
    bool m_rootless = false;
    bool m_created = false;
    StoreLock m_lock;
    ContentStore m_content;
    std::unique_ptr<StorageDriver> m_driver;
    mutable StoreCache m_cache;
};

} // namespace strata
