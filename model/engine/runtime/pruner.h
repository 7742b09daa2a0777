#pragma once

#include "result.h"

#include <QStringList>

namespace strata {

class Store;

// `container prune` and `image prune`, as Docker does them: every container that is not
// running (its writable layer with it), and every dangling image (no tag, no container created
// from it). Each returns Docker-style lines of what went; one that cannot be removed stops the
// pruning with an error naming it (what went before it stays gone, as with Docker).
class Pruner {
public:
    explicit Pruner(Store &store);
    Result<QStringList> pruneContainers();
    Result<QStringList> pruneImages();

private:
    Store &m_store;
};

} // namespace strata
