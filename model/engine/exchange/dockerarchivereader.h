#pragma once

#include "archiveindex.h"

namespace strata {

// The images of a docker-archive (as `docker save` and `podman save` write it): manifest.json
// names each image's config, its layer tars and its tags. Reports each image it finds to
// `found`; layers are not looked into here (the loader verifies them).
class DockerArchiveReader {
public:
    DockerArchiveReader(const QString &archivePath, ArchiveIndex &index);
    Status read(const ImageFound &found);

private:
    Error error(const QString &cause) const;

    QString m_archive;
    ArchiveIndex &m_index;
};

} // namespace strata
