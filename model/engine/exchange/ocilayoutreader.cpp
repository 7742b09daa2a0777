#include "ocilayoutreader.h"

#include "imagestore.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace strata {

namespace {
    constexpr int maxIndexNesting = 4; // image indexes inside image indexes, below index.json

    bool isManifestType(const QString &t) { return t == MediaType::ociManifest || t == MediaType::dockerManifest; }
    bool isIndexType(const QString &t) { return t == MediaType::ociIndex || t == MediaType::dockerManifestList; }
    bool isSchema1Type(const QString &t)
    {
        return t == QLatin1String("application/vnd.docker.distribution.manifest.v1+json") || t == QLatin1String("application/vnd.docker.distribution.manifest.v1+prettyjws");
    }
}

OciLayoutReader::OciLayoutReader(const QString &archivePath, ArchiveIndex &index)
    : m_archive(archivePath)
    , m_index(index)
{
}

Error OciLayoutReader::error(const QString &cause) const
{
    return fail(ErrorCode::InvalidInput, QStringLiteral("%1: %2").arg(m_archive, cause));
}

Status OciLayoutReader::verifyDescriptor(const QString &name, ArchiveIndex::Member *m, const Digest &digest, qint64 size)
{
    if (m->size != size)
        return error(QStringLiteral("blob '%1' has %2 bytes, its descriptor says %3").arg(name).arg(m->size).arg(size));
    auto hashed = m_index.digestOf(m);
    if (!hashed)
        return hashed.takeError();
    if (hashed.value() != digest)
        return error(QStringLiteral("blob '%1' hashes to %2, its descriptor says %3").arg(name, hashed->toString(), digest.toString()));
    return {};
}

Result<OciLayoutReader::Blob> OciLayoutReader::ociBlob(const QJsonObject &desc, const QString &from)
{
    auto descriptor = Descriptor::fromJson(desc, from);
    if (!descriptor)
        return error(descriptor.error());
    const QString name = QStringLiteral("blobs/sha256/") + descriptor->digest.hex();
    auto member = m_index.find(name);
    if (!member)
        return member.takeError();
    STRATA_TRY(verifyDescriptor(name, member.value(), descriptor->digest, descriptor->size));
    return qMakePair(name, member.value());
}

Result<QJsonObject> OciLayoutReader::ociJson(const Blob &b) const
{
    auto bytes = m_index.bytesOf(b.first, b.second);
    if (!bytes)
        return bytes.takeError();
    QJsonParseError perr;
    QJsonDocument doc = QJsonDocument::fromJson(bytes.value(), &perr);
    if (perr.error != QJsonParseError::NoError || !doc.isObject())
        return error(QStringLiteral("'%1' is not a JSON object: %2").arg(b.first, perr.errorString()));
    return doc.object();
}

// An image manifest or an image index, never both, and what its own mediaType says when it
// has one: a document that reads as either is how CVE-2021-41190 confuses two tools.
Result<OciLayoutReader::DocumentKind> OciLayoutReader::documentKind(const QJsonObject &doc, const QString &name) const
{
    const bool index = doc.contains(QLatin1String("manifests"));
    const bool manifest = doc.contains(QLatin1String("config")) || doc.contains(QLatin1String("layers"));
    if (index && manifest)
        return error(QStringLiteral("'%1' has manifests beside config or layers: it reads as an image index and as an image manifest").arg(name));
    if (!index && !manifest)
        return error(QStringLiteral("'%1' is neither an image manifest nor an image index").arg(name));
    const QString type = doc.value(QLatin1String("mediaType")).toString();
    if (manifest && isIndexType(type))
        return error(QStringLiteral("'%1' is an image manifest, but its mediaType says it is an image index ('%2')").arg(name, type));
    if (index && isManifestType(type))
        return error(QStringLiteral("'%1' is an image index, but its mediaType says it is an image manifest ('%2')").arg(name, type));
    return index ? DocumentKind::Index : DocumentKind::Manifest;
}

// Follows a descriptor from `from` to an image manifest, through nested image indexes (their
// first entry, as before) up to maxIndexNesting of them. `path` holds the indexes on the way.
Result<QPair<OciLayoutReader::Blob, QJsonObject>> OciLayoutReader::resolveManifest(const QJsonObject &desc, const QString &from, int nesting, QList<Digest> &path)
{
    const QString type = desc.value(QLatin1String("mediaType")).toString();
    if (isSchema1Type(type))
        return error(QStringLiteral("%1 names a Docker image manifest of schema 1 (%2), which is not supported").arg(from, type));
    if (!type.isEmpty() && !isManifestType(type) && !isIndexType(type))
        return error(QStringLiteral("%1 names a '%2', which is neither an image manifest nor an image index").arg(from, type.left(200)));
    if (auto digest = Digest::parse(desc.value(QLatin1String("digest")).toString()); digest && path.contains(digest.value()))
        return error(QStringLiteral("%1: the image indexes form a loop through %2").arg(from, digest->toString()));
    auto b = ociBlob(desc, from);
    if (!b)
        return b.takeError();
    auto doc = ociJson(b.value());
    if (!doc)
        return doc.takeError();
    if (doc->value(QLatin1String("schemaVersion")).toInt() == 1)
        return error(QStringLiteral("'%1' is a Docker image manifest of schema 1, which is not supported").arg(b->first));
    auto kind = documentKind(doc.value(), b->first);
    if (!kind)
        return kind.takeError();
    if (kind.value() == DocumentKind::Manifest) {
        if (isIndexType(type))
            return error(QStringLiteral("%1 names an image index (%2), but '%3' is an image manifest").arg(from, type, b->first));
        return qMakePair(b.value(), doc.value());
    }
    if (isManifestType(type))
        return error(QStringLiteral("%1 names an image manifest (%2), but '%3' is an image index").arg(from, type, b->first));
    if (nesting >= maxIndexNesting)
        return error(QStringLiteral("'%1': image indexes nested deeper than %2").arg(b->first).arg(maxIndexNesting));
    const QJsonArray manifests = doc->value(QLatin1String("manifests")).toArray();
    if (manifests.isEmpty())
        return error(QStringLiteral("'%1' is an image index without manifests").arg(b->first));
    path.append(b->second->digest);
    return resolveManifest(manifests.first().toObject(), b->first, nesting + 1, path);
}

Status OciLayoutReader::read(const ImageFound &found)
{
    auto indexMember = m_index.find(QStringLiteral("index.json"));
    auto indexBytes = m_index.bytesOf(QStringLiteral("index.json"), indexMember.value());
    if (!indexBytes)
        return indexBytes.takeError();
    QJsonParseError perr;
    const QJsonObject index = QJsonDocument::fromJson(indexBytes.value(), &perr).object();
    if (perr.error != QJsonParseError::NoError)
        return error(QStringLiteral("index.json is not valid JSON: %1").arg(perr.errorString()));
    if (index.contains(QLatin1String("config")) || index.contains(QLatin1String("layers")))
        return error(QStringLiteral("index.json has config or layers beside its manifests: it reads as an image index and as an image manifest"));
    if (const QString type = index.value(QLatin1String("mediaType")).toString(); !type.isEmpty() && !isIndexType(type))
        return error(QStringLiteral("index.json says its mediaType is '%1', not an image index").arg(type.left(200)));
    for (const QJsonValue &v : index.value(QLatin1String("manifests")).toArray()) {
        QJsonObject desc = v.toObject();
        QList<Digest> path;
        auto resolved = resolveManifest(desc, QStringLiteral("index.json"), 0, path);
        if (!resolved)
            return resolved.takeError();
        const auto &[manifestBlob, manifest] = resolved.value();
        auto configBlob = ociBlob(manifest.value(QLatin1String("config")).toObject(), manifestBlob.first);
        if (!configBlob)
            return configBlob.takeError();
        auto configBytes = m_index.bytesOf(configBlob->first, configBlob->second);
        if (!configBytes)
            return configBytes.takeError();
        QList<QPair<QString, ArchiveIndex::Member *>> layers;
        for (const QJsonValue &l : manifest.value(QLatin1String("layers")).toArray()) {
            auto layerBlob = ociBlob(l.toObject(), manifestBlob.first);
            if (!layerBlob)
                return layerBlob.takeError();
            layers.append(layerBlob.value());
        }
        QStringList tags;
        const QJsonObject annotations = desc.value(QLatin1String("annotations")).toObject();
        QString ref = annotations.value(QLatin1String("io.containerd.image.name")).toString();
        if (ref.isEmpty())
            ref = annotations.value(refNameAnnotation).toString();
        if (!ref.isEmpty()) {
            auto tag = ImageStore::normalizeReference(ref);
            if (!tag)
                return error(QStringLiteral("index.json: %1").arg(tag.error()));
            tags.append(tag.value());
        }
        STRATA_TRY(found(configBytes.value(), layers, tags));
    }
    return {};
}

} // namespace strata
