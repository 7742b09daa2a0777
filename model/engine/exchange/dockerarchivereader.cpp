#include "dockerarchivereader.h"

#include "imagestore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace strata {

DockerArchiveReader::DockerArchiveReader(const QString &archivePath, ArchiveIndex &index)
    : m_archive(archivePath)
    , m_index(index)
{
}

Error DockerArchiveReader::error(const QString &cause) const
{
    return fail(ErrorCode::InvalidInput, QStringLiteral("%1: %2").arg(m_archive, cause));
}

Status DockerArchiveReader::read(const ImageFound &found)
{
    auto manifestMember = m_index.find(QStringLiteral("manifest.json"));
    auto bytes = m_index.bytesOf(QStringLiteral("manifest.json"), manifestMember.value());
    if (!bytes)
        return bytes.takeError();
    QJsonParseError perr;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes.value(), &perr);
    if (perr.error != QJsonParseError::NoError || !doc.isArray())
        return error(QStringLiteral("manifest.json is not a JSON array: %1").arg(perr.errorString()));
    for (const QJsonValue &v : doc.array()) {
        const QJsonObject item = v.toObject();
        const QString configName = item.value(QLatin1String("Config")).toString();
        auto config = m_index.find(configName);
        if (!config)
            return config.takeError();
        auto configBytes = m_index.bytesOf(configName, config.value());
        if (!configBytes)
            return configBytes.takeError();
        QList<QPair<QString, ArchiveIndex::Member *>> layers;
        for (const QJsonValue &l : item.value(QLatin1String("Layers")).toArray()) {
            auto member = m_index.find(l.toString());
            if (!member)
                return member.takeError();
            layers.append({ l.toString(), member.value() });
        }
        QStringList tags;
        for (const QJsonValue &t : item.value(QLatin1String("RepoTags")).toArray()) {
            auto tag = ImageStore::normalizeReference(t.toString());
            if (!tag)
                return error(QStringLiteral("manifest.json: %1").arg(tag.error()));
            tags.append(tag.value());
        }
        STRATA_TRY(found(configBytes.value(), layers, tags));
    }
    return {};
}

} // namespace strata
