#include "buildcache.h"

#include "fsutil.h"
#include "layerstore.h"
#include "sha256.h"
#include "store.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace strata {

namespace {
    // Far more than any config or layer list needs; a larger file is not ours.
    constexpr qint64 maxEntryBytes = 8 * 1024 * 1024;

    struct ParsedEntry {
        QByteArray configBytes;
        QList<Descriptor> blobs;
    };

    std::optional<ParsedEntry> parseEntry(const QByteArray &bytes)
    {
        const QJsonObject o = QJsonDocument::fromJson(bytes).object();
        ParsedEntry e;
        e.configBytes = o.value(QLatin1String("config")).toString().toUtf8();
        if (e.configBytes.isEmpty())
            return std::nullopt;
        for (const QJsonValue &v : o.value(QLatin1String("layers")).toArray()) {
            auto d = Descriptor::fromJson(v.toObject(), QStringLiteral("build cache entry"));
            if (!d)
                return std::nullopt;
            e.blobs.append(d.value());
        }
        return e;
    }
}

BuildCache::BuildCache(Store &store)
    : m_store(store)
{
}

QString BuildCache::dir() const
{
    return m_store.root() + QStringLiteral("/build-cache");
}

std::optional<Image> BuildCache::lookup(const Digest &key) const
{
    auto bytes = fs::readFile(dir() + u'/' + key.hex() + QStringLiteral(".json"), maxEntryBytes);
    if (!bytes)
        return std::nullopt;
    auto entry = parseEntry(bytes.value());
    if (!entry)
        return std::nullopt;
    Image state;
    state.configBytes = entry->configBytes;
    state.id = Sha256::of(state.configBytes);
    QJsonParseError error;
    state.config = QJsonDocument::fromJson(state.configBytes, &error).object();
    if (error.error != QJsonParseError::NoError)
        return std::nullopt;
    state.created = QDateTime::fromString(state.config.value(QLatin1String("created")).toString(), Qt::ISODateWithMs);
    const QJsonArray diffArray = state.config.value(QLatin1String("rootfs")).toObject().value(QLatin1String("diff_ids")).toArray();
    if (diffArray.size() != entry->blobs.size())
        return std::nullopt;
    QList<Digest> diffIds;
    for (const QJsonValue &v : diffArray) {
        auto d = Digest::parse(v.toString());
        if (!d)
            return std::nullopt;
        diffIds.append(d.value());
    }
    // Every layer must be in the store as the config says: its snapshot's record names the same
    // diffID (verified when it was extracted) and its blob is there (or rebuilt from it).
    const QList<Digest> chains = chainIds(diffIds);
    LayerStore layers(m_store);
    for (qsizetype i = 0; i < chains.size(); ++i) {
        auto record = layers.read(chains[i]);
        if (!record || record->diffId != diffIds[i] || !layers.hasBlob(record.value(), entry->blobs[i].digest))
            return std::nullopt;
        state.layers.append({ entry->blobs[i], diffIds[i], chains[i], record->size });
    }
    return state;
}

Status BuildCache::store(const Digest &key, const Image &state)
{
    QJsonArray layers;
    for (const ImageLayer &l : state.layers)
        layers.append(l.blob.toJson());
    const QJsonObject entry {
        { QStringLiteral("config"), QString::fromUtf8(state.configBytes) },
        { QStringLiteral("layers"), layers },
    };
    STRATA_TRY(fs::makeDirs(dir()));
    // Unsynced: an entry lost to a power cut only means that step is built again.
    return fs::writeFileAtomic(dir() + u'/' + key.hex() + QStringLiteral(".json"), QJsonDocument(entry).toJson(QJsonDocument::Compact), fs::Durability::Unsynced);
}

void BuildCache::addReferences(References &refs) const
{
    const QStringList names = QDir(dir()).entryList({ QStringLiteral("*.json") }, QDir::Files);
    for (const QString &name : names) {
        auto bytes = fs::readFile(dir() + u'/' + name, maxEntryBytes);
        if (!bytes)
            continue;
        auto entry = parseEntry(bytes.value());
        if (!entry)
            continue;
        const QJsonObject config = QJsonDocument::fromJson(entry->configBytes).object();
        QList<Digest> diffIds;
        for (const QJsonValue &v : config.value(QLatin1String("rootfs")).toObject().value(QLatin1String("diff_ids")).toArray()) {
            if (auto d = Digest::parse(v.toString()))
                diffIds.append(d.value());
        }
        for (const Digest &c : chainIds(diffIds))
            refs.chains.insert(c);
        for (const Descriptor &b : std::as_const(entry->blobs))
            refs.blobs.insert(b.digest);
    }
}

Result<int> BuildCache::clear()
{
    const QStringList names = QDir(dir()).entryList({ QStringLiteral("*.json") }, QDir::Files);
    int removed = 0;
    for (const QString &name : names) {
        if (!QFile::remove(dir() + u'/' + name))
            return fail(ErrorCode::Io, QStringLiteral("build cache entry %1 cannot be removed").arg(name));
        ++removed;
    }
    return removed;
}

int BuildCache::entryCount() const
{
    return int(QDir(dir()).entryList({ QStringLiteral("*.json") }, QDir::Files).size());
}

} // namespace strata
