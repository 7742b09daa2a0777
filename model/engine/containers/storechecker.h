#pragma once

#include "digest.h"
#include "fsutil.h"
#include "progress.h"
#include "result.h"

#include <QHash>
#include <QList>
#include <QString>

namespace strata {

class Store;

// `stratactl check`: finds every inconsistency in a store, each reported on its own, and with
// repair fixes what can be fixed (re-extracting damaged snapshots from their blobs, dropping
// dangling tags, removing orphans and stray staging). Threads: any thread; blocking, with the
// store lock held only for its last, short part.
class StoreChecker {
public:
    struct Problem {
        QString message;
        bool repaired = false;
        QString repairError; // why a repair failed, or why none is possible
    };

    explicit StoreChecker(Store &store);
    // The long part (reading every blob, walking every snapshot) runs without the store lock,
    // with progress and cancellation; the lock is held only to re-read the metadata, judge and
    // repair, so other processes keep working meanwhile.
    Result<QList<Problem>> run(bool repair, const Progress &progress = {});

private:
    struct TreeEntry {
        bool ok = false;
        fs::TreeStats stats;
        QString error;
    };
    Status verifyContent(const Progress &progress);

    Store &m_store;
    QHash<QString, Status> m_blobResults; // "hex/size" -> verified without the lock
    QHash<Digest, TreeEntry> m_treeResults;
};

} // namespace strata
