#pragma once

#include "digest.h"
#include "fsutil.h"
#include "progress.h"
#include "result.h"
#include "tarsplit.h"

#include <QHash>
#include <QList>
#include <QString>

namespace strata {

class Store;

// `stratactl check`: finds every inconsistency in a store, each reported on its own, and with
// repair fixes what can be fixed (re-extracting damaged snapshots from their blobs, removing
// entries a layer kept as snapshot and tar-split does not hold, rewriting a lost layer.json
// from the tar-split, dropping dangling tags, removing orphans and stray staging), and says
// why not for the rest. Threads: any thread; blocking, with the
// store lock held only for its last, short part.
class StoreChecker {
public:
    struct Problem {
        QString message;
        bool repaired = false;
        QString repairError; // why a repair failed, or why none is possible
        // Not damage: something --repair improves (a layer an older Strata stored twice).
        bool advice = false;
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
    struct AuditEntry {
        Status status; // the tar rebuilt from the snapshot
        SnapshotAudit audit;
    };
    Status verifyContent(const Progress &progress);
    // A layer kept as its snapshot and tar-split, its tar rebuilt and its entries compared.
    AuditEntry audit(const Digest &chain, const Digest &parent, const Digest &diffId, qint64 size) const;

    Store &m_store;
    QHash<QString, Status> m_blobResults; // "hex/size" -> verified without the lock
    QHash<Digest, TreeEntry> m_treeResults;
    QHash<Digest, AuditEntry> m_audits; // chainID -> audited without the lock
};

} // namespace strata
