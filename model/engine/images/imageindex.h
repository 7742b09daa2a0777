#pragma once

#include "imagetypes.h"
#include "result.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace strata {

// images/index.json, the OCI image index that lists the store's images: one entry per tag
// (annotated org.opencontainers.image.ref.name), untagged images without the annotation.
class ImageIndex {
public:
    static Result<QList<IndexEntry>> read(const QString &path);
    static QByteArray json(const QList<IndexEntry> &entries);
    // Atomically: readers see the old index or the new one.
    static Status write(const QString &path, const QList<IndexEntry> &entries);
};

} // namespace strata
