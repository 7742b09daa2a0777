#pragma once

#include "result.h"

#include <QString>
#include <QStringList>

namespace strata {

class Store;

// Loads images from a docker-archive tar (as `docker save` and `podman save` write it) or an
// OCI image layout tar, optionally compressed. Everything is unpacked and verified in staging
// first; the store only changes in the final commit, so a refused or interrupted load leaves
// no trace.
class ImageLoader {
public:
    explicit ImageLoader(Store &store);
    // Returns Docker-style lines: "Loaded image: name:tag" or "Loaded image ID: sha256:…".
    Result<QStringList> load(const QString &archivePath);

private:
    Store &m_store;
};

} // namespace strata
