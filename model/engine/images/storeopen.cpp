#include "storeopen.h"

#include "fsutil.h"
#include "garbagecollector.h"
#include "imagestore.h"

#include <QDir>

namespace strata {

Result<std::unique_ptr<Store>> openStore(const Store::Options &options)
{
    auto store = Store::open(options);
    if (!store)
        return store;
    Store &s = *store.value();
    StoreLockGuard guard(s.lock());
    STRATA_TRY(guard.status());
    // oci-layout is written last, so a store cut short between store.json and its index gets
    // the index on its next open. Only an empty store gets one, though: an index lost from a
    // store with blobs is damage for check to report, and an empty index written over it
    // would let the next collection delete every layer.
    const QString layoutFile = s.imagesDir() + QStringLiteral("/oci-layout");
    const bool empty = s.content().list().isEmpty() && QDir(s.layersDir()).isEmpty(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
    if (s.created() || (!fs::exists(layoutFile) && !fs::exists(s.indexPath()) && empty)) {
        if (!fs::exists(s.indexPath()))
            STRATA_TRY(ImageIndex::write(s.indexPath(), {}));
        STRATA_TRY(fs::writeFileAtomic(layoutFile, R"({"imageLayoutVersion":"1.0.0"})"));
    }
    if (options.sweep)
        STRATA_TRY(sweepDeadJobsLocked(s));
    return store;
}

Status sweepDeadJobsLocked(Store &store)
{
    const QList<Staging::Leftover> dead = store.deadStaging();
    if (dead.isEmpty())
        return {};
    bool journals = false, collectionDue = false;
    for (const auto &l : dead) {
        journals = journals || !l.journal.isEmpty();
        collectionDue = collectionDue || fs::exists(l.path + u'/' + GarbageCollector::dueMark);
    }
    GarbageCollector collector(store);
    Result<References> refs = References {};
    if (journals || collectionDue) {
        refs = collector.references();
        if (!refs)
            return {}; // an image cannot be read: the leftovers wait, untouched, until check has repaired it
    }
    if (journals) {
        for (const auto &l : dead) {
            for (const QString &rel : l.journal) {
                if (!refs->paths.contains(rel) && !rel.contains(QLatin1String("..")))
                    (void)fs::removeTree(store.root() + u'/' + rel);
            }
        }
    }
    for (const auto &l : dead)
        Staging::removeLeftover(l);
    // An rmi killed after it changed the index and before its collection ended.
    if (collectionDue) {
        auto trash = Staging::create(store.tmpDir());
        if (!trash)
            return trash.takeError();
        return collector.collect(trash.value(), refs.value(), nullptr); // the rollback above removed only what refs lacks
    }
    return {};
}

} // namespace strata
