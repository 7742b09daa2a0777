#include "imageindex.h"

#include "fsutil.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace strata {

Result<QList<IndexEntry>> ImageIndex::read(const QString &path)
{
    auto bytes = fs::readFile(path, 64 * 1024 * 1024);
    if (!bytes)
        return bytes.takeError();
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes.value(), &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return fail(ErrorCode::InvalidInput, QStringLiteral("%1: not a valid image index: %2").arg(path, err.errorString()));
    QList<IndexEntry> entries;
    const QJsonArray manifests = doc.object().value(QLatin1String("manifests")).toArray();
    for (const QJsonValue &v : manifests) {
        const QJsonObject o = v.toObject();
        auto d = Descriptor::fromJson(o, path);
        if (!d)
            return d.takeError();
        entries.append({ d.value(), o.value(QLatin1String("annotations")).toObject().value(refNameAnnotation).toString() });
    }
    return entries;
}

QByteArray ImageIndex::json(const QList<IndexEntry> &entries)
{
    QJsonArray manifests;
    for (const IndexEntry &e : entries) {
        QJsonObject o = e.manifest.toJson();
        if (!e.refName.isEmpty())
            o.insert(QStringLiteral("annotations"), QJsonObject { { refNameAnnotation, e.refName } });
        manifests.append(o);
    }
    QJsonObject index { { QStringLiteral("schemaVersion"), 2 }, { QStringLiteral("mediaType"), MediaType::ociIndex }, { QStringLiteral("manifests"), manifests } };
    return QJsonDocument(index).toJson(QJsonDocument::Indented);
}

Status ImageIndex::write(const QString &path, const QList<IndexEntry> &entries)
{
    return fs::writeFileAtomic(path, json(entries));
}

} // namespace strata
