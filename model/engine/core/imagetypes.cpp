#include "imagetypes.h"

#include <QJsonValue>

#include <cmath>

namespace strata {

QJsonObject Descriptor::toJson() const
{
    return { { QStringLiteral("mediaType"), mediaType }, { QStringLiteral("digest"), digest.toString() }, { QStringLiteral("size"), size } };
}

Result<Descriptor> Descriptor::fromJson(const QJsonObject &o, const QString &what)
{
    auto digest = Digest::parse(o.value(QLatin1String("digest")).toString());
    if (!digest)
        return fail(ErrorCode::InvalidInput, QStringLiteral("%1: %2").arg(what, digest.error()));
    // A whole number JSON can carry exactly (2^53 at most): 2048.5 is no size.
    const QJsonValue size = o.value(QLatin1String("size"));
    const double bytes = size.toDouble(-1);
    if (!size.isDouble() || bytes < 0 || bytes > 9007199254740992.0 || std::floor(bytes) != bytes)
        return fail(ErrorCode::InvalidInput, QStringLiteral("%1: the descriptor of %2 has no valid size (%3)")
                                                 .arg(what, digest->toString(), size.isDouble() ? QString::number(bytes, 'g', 17) : QStringLiteral("missing")));
    return Descriptor { o.value(QLatin1String("mediaType")).toString(), digest.value(), qint64(bytes) };
}

QString MediaType::forLayerBytes(QByteArrayView head)
{
    if (head.size() >= 2 && uchar(head[0]) == 0x1f && uchar(head[1]) == 0x8b)
        return ociLayerGzip;
    if (head.size() >= 4 && uchar(head[0]) == 0x28 && uchar(head[1]) == 0xb5 && uchar(head[2]) == 0x2f && uchar(head[3]) == 0xfd)
        return ociLayerZstd;
    return ociLayer;
}

qint64 Image::size() const
{
    qint64 total = metadataSize;
    for (const ImageLayer &l : layers)
        total += qMax<qint64>(0, l.size);
    return total;
}

QString Image::displayName() const
{
    return tags.isEmpty() ? QStringLiteral("<none>:<none>") : tags.first();
}

QJsonObject LayerRecord::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("chainID"), chainId.toString());
    o.insert(QStringLiteral("diffID"), diffId.toString());
    if (!parent.isNull())
        o.insert(QStringLiteral("parent"), parent.toString());
    o.insert(QStringLiteral("blob"), QJsonObject { { QStringLiteral("mediaType"), blob.mediaType }, { QStringLiteral("digest"), blob.digest.toString() }, { QStringLiteral("size"), blob.size } });
    o.insert(QStringLiteral("size"), size);
    o.insert(QStringLiteral("treeBytes"), treeBytes);
    o.insert(QStringLiteral("treeEntries"), treeEntries);
    if (!createdBy.isEmpty())
        o.insert(QStringLiteral("created_by"), createdBy);
    if (tarSplit)
        o.insert(QStringLiteral("tarSplit"), true);
    return o;
}

Result<LayerRecord> LayerRecord::fromJson(const QJsonObject &o)
{
    LayerRecord r;
    auto chain = Digest::parse(o.value(QLatin1String("chainID")).toString());
    auto diff = Digest::parse(o.value(QLatin1String("diffID")).toString());
    const QJsonObject blob = o.value(QLatin1String("blob")).toObject();
    auto blobDigest = Digest::parse(blob.value(QLatin1String("digest")).toString());
    for (const auto *d : { &chain, &diff, &blobDigest }) {
        if (!*d)
            return fail(ErrorCode::InvalidInput, d->error());
    }
    r.chainId = chain.value();
    r.diffId = diff.value();
    if (o.contains(QLatin1String("parent"))) {
        auto parent = Digest::parse(o.value(QLatin1String("parent")).toString());
        if (!parent)
            return fail(ErrorCode::InvalidInput, QStringLiteral("parent: %1").arg(parent.error()));
        r.parent = parent.value();
    }
    r.blob = { blob.value(QLatin1String("mediaType")).toString(), blobDigest.value(), qint64(blob.value(QLatin1String("size")).toDouble()) };
    r.size = qint64(o.value(QLatin1String("size")).toDouble());
    r.treeBytes = qint64(o.value(QLatin1String("treeBytes")).toDouble());
    r.treeEntries = qint64(o.value(QLatin1String("treeEntries")).toDouble());
    r.tarSplit = o.value(QLatin1String("tarSplit")).toBool();
    r.createdBy = o.value(QLatin1String("created_by")).toString();
    return r;
}

} // namespace strata
