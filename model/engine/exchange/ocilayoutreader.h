#pragma once

#include "archiveindex.h"

#include <QJsonObject>
#include <QPair>

namespace strata {

// The images of an OCI image layout tar: index.json, image indexes nested below it (to a
// bound, loops named), image manifests and their blobs, each checked against its descriptor
// and its mediaType (CVE-2021-41190: a document must be what its descriptor says). Reports
// each image it finds to `found`.
class OciLayoutReader {
public:
    OciLayoutReader(const QString &archivePath, ArchiveIndex &index);
    Status read(const ImageFound &found);

private:
    Error error(const QString &cause) const;
    Status verifyDescriptor(const QString &name, ArchiveIndex::Member *m, const Digest &digest, qint64 size);
    enum class DocumentKind { Manifest, Index };
    Result<DocumentKind> documentKind(const QJsonObject &doc, const QString &name) const;
    using Blob = QPair<QString, ArchiveIndex::Member *>;
    Result<Blob> ociBlob(const QJsonObject &desc, const QString &from);
    Result<QJsonObject> ociJson(const Blob &b) const;
    Result<QPair<Blob, QJsonObject>> resolveManifest(const QJsonObject &desc, const QString &from, int nesting, QList<Digest> &path);

    QString m_archive;
    ArchiveIndex &m_index;
};

} // namespace strata
