#pragma once

#include "progress.h"
#include "result.h"

#include <QString>
#include <QStringList>

namespace strata {

class Store;

// Writes images to a tar that `docker load`, `podman load` (docker-archive) or any OCI tool
// (OCI layout) read. Stored blobs go out unchanged, so digests stay stable; a compressed blob
// is inflated only where docker-archive requires a plain layer tar. Threads: any thread; it
// blocks until done (Progress to follow and cancel).
class ImageSaver {
public:
    enum class Format { DockerArchive, Oci };
    explicit ImageSaver(Store &store);
    Status save(const QStringList &references, const QString &outputPath, Format format, const Progress &progress = {});

private:
    Store &m_store;
};

} // namespace strata
