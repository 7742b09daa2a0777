#pragma once

#include "containertypes.h"
#include "digest.h"
#include "progress.h"
#include "result.h"

#include <QString>

namespace strata {

class Store;

// `commit`: a container's writable layer becomes a new image layer on top of its image's
// layers. The layer holds exactly what `diff` lists (deletions as whiteouts), so the new image
// shares every layer of the old one; its config runs what the container ran. Threads: any
// thread; blocking (Progress to follow and cancel).
class ContainerCommitter {
public:
    explicit ContainerCommitter(Store &store);
    Result<Digest> commit(const Container &container, const QString &reference, const QString &message, const Progress &progress = {});

private:
    Store &m_store;
};

} // namespace strata
