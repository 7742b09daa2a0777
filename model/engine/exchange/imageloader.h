#pragma once

#include "progress.h"
#include "result.h"

#include <QString>
#include <QStringList>

namespace strata {

class Store;

// Loads images from a docker-archive tar (as `docker save` and `podman save` write it) or an
// OCI image layout tar, optionally compressed. Everything is unpacked and verified in staging
// first; the store only changes in the final commit, so a refused or interrupted load leaves
// no trace. Threads: one load per ImageLoader call, any thread; it blocks until done (give it
// a Progress to follow and cancel it).
class ImageLoader {
public:
    explicit ImageLoader(Store &store);
    // Returns Docker-style lines: "Loaded image: name:tag" or "Loaded image ID: sha256:…".
    // `progress`: reading the archive (its bytes), then extracting the layers the store lacks.
    Result<QStringList> load(const QString &archivePath, const Progress &progress = {});

private:
    Store &m_store;
};

} // namespace strata
