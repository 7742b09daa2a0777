#pragma once

#include "result.h"

#include <QList>
#include <QString>

namespace strata {

class Store;

// `stratactl check`: finds every inconsistency in a store, each reported on its own, and with
// repair fixes what can be fixed (re-extracting damaged snapshots from their blobs, dropping
// dangling tags, removing orphans and stray staging).
class StoreChecker {
public:
    struct Problem {
        QString message;
        bool repaired = false;
        QString repairError; // why a repair failed, or why none is possible
    };

    explicit StoreChecker(Store &store);
    Result<QList<Problem>> run(bool repair);

private:
    Store &m_store;
};

} // namespace strata
