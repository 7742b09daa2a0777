#pragma once

#include "result.h"
#include "store.h"

#include <memory>

namespace strata {

// Opens a data root ready for work: the store itself (Store::open), its OCI layout and an
// empty image index when the store is new, and, unless options.sweep is false, the leftovers
// of jobs that died swept away.
Result<std::unique_ptr<Store>> openStore(const Store::Options &options);

// Removes dead jobs' leftovers in tmp/ and what their journals moved into the store that no
// image references (a commit cut short by kill -9). Call with the store lock held.
Status sweepDeadJobsLocked(Store &store);

} // namespace strata
