#include "imagedescription.h"

#include "layerstore.h"
#include "store.h"

#include <QJsonArray>

namespace strata {

ImageDescription::ImageDescription(Store &store)
    : m_store(store)
{
}

QList<HistoryRow> ImageDescription::history(const Image &image)
{
    QList<HistoryRow> rows;
    const QJsonArray history = image.config.value(QLatin1String("history")).toArray();
    qsizetype layer = 0;
    for (const QJsonValue &v : history) {
        const QJsonObject h = v.toObject();
        HistoryRow row;
        row.created = h.value(QLatin1String("created")).toString();
        row.createdBy = h.value(QLatin1String("created_by")).toString();
        row.comment = h.value(QLatin1String("comment")).toString();
        row.emptyLayer = h.value(QLatin1String("empty_layer")).toBool();
        if (!row.emptyLayer && layer < image.layers.size()) {
            row.size = qMax<qint64>(0, image.layers[layer].size);
            row.chainId = image.layers[layer].chainId;
            ++layer;
        }
        rows.append(row);
    }
    // Layers the history does not describe (some tools write none).
    for (; layer < image.layers.size(); ++layer)
        rows.append({ {}, {}, {}, false, qMax<qint64>(0, image.layers[layer].size), image.layers[layer].chainId });
    return rows;
}

QStringList ImageDescription::layerInstructions(const Image &image)
{
    return layerInstructions(history(image), image.layers.size());
}

QStringList ImageDescription::layerInstructions(const QList<HistoryRow> &history, qsizetype layers)
{
    QStringList out;
    for (const HistoryRow &h : history) {
        if (!h.emptyLayer)
            out.append(h.createdBy);
    }
    while (out.size() < layers)
        out.append(QString());
    return out.mid(0, layers);
}

QJsonObject ImageDescription::dockerInspect(const Image &image, const QString &driver, const QJsonObject &graphData)
{
    QJsonArray diffIds;
    for (const ImageLayer &l : image.layers)
        diffIds.append(l.diffId.toString());
    const QJsonObject &c = image.config;
    return QJsonObject {
        { QStringLiteral("Id"), image.id.toString() },
        { QStringLiteral("RepoTags"), QJsonArray::fromStringList(image.tags) },
        { QStringLiteral("Comment"), c.value(QLatin1String("comment")).toString() },
        { QStringLiteral("Created"), c.value(QLatin1String("created")).toString() },
        { QStringLiteral("Author"), c.value(QLatin1String("author")).toString() },
        { QStringLiteral("Config"), c.value(QLatin1String("config")) },
        { QStringLiteral("Architecture"), c.value(QLatin1String("architecture")).toString() },
        { QStringLiteral("Os"), c.value(QLatin1String("os")).toString() },
        { QStringLiteral("Size"), image.size() },
        { QStringLiteral("GraphDriver"), QJsonObject { { QStringLiteral("Name"), driver }, { QStringLiteral("Data"), graphData } } },
        { QStringLiteral("RootFS"), QJsonObject { { QStringLiteral("Type"), QStringLiteral("layers") }, { QStringLiteral("Layers"), diffIds } } },
    };
}

QJsonObject ImageDescription::inspect(const Image &image) const
{
    LayerStore layers(m_store);
    QJsonObject graphData;
    if (!image.layers.isEmpty()) {
        QStringList snapshots;
        for (qsizetype i = image.layers.size() - 1; i >= 0; --i)
            snapshots.append(layers.diffDir(image.layers[i].chainId));
        graphData = m_store.driver().imageGraphData(snapshots);
    }
    QJsonObject out = dockerInspect(image, m_store.driver().name(), graphData);
    out.insert(QStringLiteral("RepoDigests"), QJsonArray());
    out.insert(QStringLiteral("Parent"), QString());
    out.insert(QStringLiteral("Manifest"), QJsonObject { { QStringLiteral("Digest"), image.manifest.digest.toString() }, { QStringLiteral("MediaType"), image.manifest.mediaType } });
    return out;
}

} // namespace strata
