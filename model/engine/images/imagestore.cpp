#include "imagestore.h"


#include "fsutil.h"
#include "garbagecollector.h"
#include "layerstore.h"
#include "reference.h"
#include "sha256.h"
#include "staging.h"
#include "store.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <algorithm>

namespace strata {

namespace {

    QByteArray manifestFor(const Descriptor &config, const QList<Descriptor> &layers)
    {
        QJsonArray layerArray;
        for (const Descriptor &l : layers)
            layerArray.append(l.toJson());
        QJsonObject m { { QStringLiteral("schemaVersion"), 2 }, { QStringLiteral("mediaType"), MediaType::ociManifest },
            { QStringLiteral("config"), config.toJson() }, { QStringLiteral("layers"), layerArray } };
        return QJsonDocument(m).toJson(QJsonDocument::Compact);
    }

    // A tag moved to another image leaves the old image untagged, not gone (as Docker does):
    // every manifest of `before` that `after` lost gets an entry without a name.
    void keepUntagged(const QList<IndexEntry> &before, QList<IndexEntry> &after)
    {
        QSet<Digest> present;
        for (const IndexEntry &e : after)
            present.insert(e.manifest.digest);
        for (const IndexEntry &e : before) {
            if (!present.contains(e.manifest.digest)) {
                present.insert(e.manifest.digest);
                after.append({ e.manifest, {} });
            }
        }
    }

} // namespace

ImageStore::ImageStore(Store &store)
    : m_store(store)
{
}

Result<QString> ImageStore::normalizeReference(const QString &reference)
{
    auto parsed = Reference::parse(reference);
    if (!parsed)
        return parsed.takeError();
    return parsed->normalized();
}

Result<Image> ImageStore::loadEntry(const IndexEntry &entry) const
{
    return loadEntry(entry, nullptr);
}

Result<Image> ImageStore::loadEntry(const IndexEntry &entry, QHash<Digest, qint64> *layerSizes) const
{
    const QString subject = QStringLiteral("image manifest %1").arg(entry.manifest.digest.toString());
    auto manifestBytes = m_store.content().read(entry.manifest.digest);
    if (!manifestBytes)
        return fail(QStringLiteral("%1: %2").arg(subject, manifestBytes.error()));
    const QJsonObject manifest = QJsonDocument::fromJson(manifestBytes.value()).object();
    auto config = Descriptor::fromJson(manifest.value(QLatin1String("config")).toObject(), subject);
    if (!config)
        return config.takeError();
    Image image;
    image.manifest = entry.manifest;
    image.id = config->digest;
    auto configBytes = m_store.content().read(config->digest);
    if (!configBytes)
        return fail(QStringLiteral("%1: config: %2").arg(subject, configBytes.error()));
    image.configBytes = configBytes.value();
    image.config = QJsonDocument::fromJson(image.configBytes).object();
    image.created = QDateTime::fromString(image.config.value(QLatin1String("created")).toString(), Qt::ISODateWithMs);
    const QJsonArray layers = manifest.value(QLatin1String("layers")).toArray();
    const QJsonArray diffIds = image.config.value(QLatin1String("rootfs")).toObject().value(QLatin1String("diff_ids")).toArray();
    if (layers.size() != diffIds.size())
        return fail(QStringLiteral("%1: %2 layers but the config lists %3 diffIDs").arg(subject).arg(layers.size()).arg(diffIds.size()));
    QList<Digest> diffs;
    for (qsizetype i = 0; i < layers.size(); ++i) {
        auto blob = Descriptor::fromJson(layers[i].toObject(), subject);
        if (!blob)
            return blob.takeError();
        auto diff = Digest::parse(diffIds[i].toString());
        if (!diff)
            return fail(QStringLiteral("%1: config: %2").arg(subject, diff.error()));
        diffs.append(diff.value());
        image.layers.append({ blob.value(), diff.value(), {}, -1 });
    }
    const QList<Digest> chains = chainIds(diffs);
    LayerStore layerStore(m_store);
    for (qsizetype i = 0; i < chains.size(); ++i) {
        image.layers[i].chainId = chains[i];
        // A layer shared by many images is read once per listing.
        if (layerSizes) {
            if (auto it = layerSizes->constFind(chains[i]); it != layerSizes->constEnd()) {
                image.layers[i].size = *it;
                continue;
            }
        }
        if (auto record = layerStore.read(chains[i])) {
            image.layers[i].size = record->size;
            if (layerSizes)
                layerSizes->insert(chains[i], record->size);
        }
    }
    return image;
}

Result<QString> ImageStore::normalizeOptionalReference(const QString &reference)
{
    return reference.isEmpty() ? Result<QString>(QString()) : normalizeReference(reference);
}

Result<QList<Image>> ImageStore::list(QStringList *problems) const
{
    // A reader takes no lock: when it finds an image it cannot read and the store changed
    // meanwhile, a writer removed it under its feet (an rmi collecting), so it reads again.
    // What it returns is one state of the store, never a warning caused by normal work.
    ImageListing listing;
    for (int attempt = 0;; ++attempt) {
        const quint64 before = m_store.changeCounter(ChangeScope::Images);
        if (auto cached = m_store.cache().images.get(before)) {
            listing = cached.value();
            break;
        }
        auto read = readListing();
        if (!read) {
            if (attempt < 10 && m_store.changeCounter(ChangeScope::Images) != before)
                continue;
            return read.takeError();
        }
        if (!read->problems.isEmpty() && attempt < 10 && m_store.changeCounter(ChangeScope::Images) != before)
            continue;
        m_store.cache().images.put(before, read.value());
        listing = read.value();
        break;
    }
    if (problems)
        problems->append(listing.problems);
    return listing.images;
}

Result<ImageListing> ImageStore::readListing() const
{
    auto entries = ImageIndex::read(m_store.indexPath());
    if (!entries)
        return entries.takeError();
    ImageListing listing;
    QList<Image> &images = listing.images;
    QHash<Digest, qsizetype> byManifest;
    QHash<Digest, qint64> layerSizes;
    for (const IndexEntry &e : entries.value()) {
        if (auto it = byManifest.constFind(e.manifest.digest); it != byManifest.constEnd()) {
            if (!e.refName.isEmpty())
                images[*it].tags.append(e.refName);
            continue;
        }
        auto image = loadEntry(e, &layerSizes);
        if (!image) {
            listing.problems.append(image.error());
            continue;
        }
        if (!e.refName.isEmpty())
            image->tags.append(e.refName);
        byManifest.insert(e.manifest.digest, images.size());
        images.append(image.value());
    }
    return listing;
}

Result<Image> ImageStore::resolve(const QString &reference) const
{
    auto images = list();
    if (!images)
        return images.takeError();
    // A tag of the store as written, or with the default tag added, is a valid reference: tags
    // are checked when they are made. Only other text needs the reference grammar, whose regular
    // expressions cost 0.25 ms to compile, more than the rest of `run`'s reading of the store.
    const QString asTag = reference.lastIndexOf(u':') > reference.lastIndexOf(u'/') ? reference : reference + QStringLiteral(":latest");
    for (const Image &image : images.value()) {
        if (image.tags.contains(asTag))
            return image;
    }
    auto normalized = normalizeReference(reference);
    if (normalized) {
        for (const Image &image : images.value()) {
            if (image.tags.contains(normalized.value()))
                return image;
        }
    }
    QString id = reference;
    if (id.startsWith(QLatin1String("sha256:")))
        id = id.mid(7);
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{1,64}$"));
    if (hex.match(id).hasMatch()) {
        const Image *found = nullptr;
        for (const Image &image : images.value()) {
            if (image.id.hex().startsWith(id) || image.manifest.digest.hex() == id) {
                if (found && found->id != image.id)
                    return fail(QStringLiteral("image '%1': the ID prefix matches more than one image").arg(reference));
                found = &image;
            }
        }
        if (found)
            return *found;
    }
    if (!normalized && !hex.match(id).hasMatch())
        return normalized.takeError();
    return fail(ErrorCode::NotFound, QStringLiteral("image '%1': no such image in the store %2").arg(reference, m_store.root()));
}

Status ImageStore::checkComplete(const ImageTransaction &tx) const
{
    // A job decides what it brings before it takes the lock; what it found present then may
    // have been collected since (a concurrent rmi), so it is looked for again here.
    LayerStore layers(m_store);
    QSet<Digest> bringsChains, bringsBlobs, bringsSplits;
    for (const auto &layer : tx.layers) {
        bringsChains.insert(layer.record.chainId);
        if (layer.record.tarSplit)
            bringsSplits.insert(layer.record.chainId);
    }
    for (const auto &blob : tx.blobs)
        bringsBlobs.insert(blob.second);
    for (const auto &image : tx.images) {
        const QJsonArray diffIds = QJsonDocument::fromJson(image.configBytes).object().value(QLatin1String("rootfs")).toObject().value(QLatin1String("diff_ids")).toArray();
        QList<Digest> diffs;
        for (const QJsonValue &v : diffIds) {
            auto d = Digest::parse(v.toString());
            if (!d)
                return fail(ErrorCode::InvalidInput, QStringLiteral("image config: %1").arg(d.error()));
            diffs.append(d.value());
        }
        const QList<Digest> chains = chainIds(diffs);
        for (const Digest &chain : chains) {
            if (!bringsChains.contains(chain) && !layers.has(chain))
                return fail(ErrorCode::Conflict, QStringLiteral("layer %1 was removed from the store while this image was being added: try again").arg(chain.toString()));
        }
        const auto rebuiltFromSnapshot = [&](qsizetype i) {
            if (i >= chains.size() || bringsSplits.contains(chains[i]))
                return i < chains.size();
            auto record = layers.read(chains[i]);
            return record && layers.hasBlob(record.value(), image.layers[i].digest);
        };
        for (qsizetype i = 0; i < image.layers.size(); ++i) {
            const Descriptor &blob = image.layers[i];
            if (bringsBlobs.contains(blob.digest) || m_store.content().has(blob.digest) || rebuiltFromSnapshot(i))
                continue;
            return fail(ErrorCode::Conflict, QStringLiteral("blob %1 was removed from the store while this image was being added: try again").arg(blob.digest.toString()));
        }
    }
    return {};
}

Result<QList<Digest>> ImageStore::commit(Staging &staging, const ImageTransaction &tx)
{
    StoreLockGuard guard(m_store.lock());
    STRATA_TRY(guard.status());
    LayerStore layers(m_store);
    ContentStore &content = m_store.content();

    QList<QByteArray> configs, manifests;
    QList<Digest> ids;
    QList<Descriptor> manifestDescs;
    for (const auto &image : tx.images) {
        const Digest configDigest = Sha256::of(image.configBytes);
        const QByteArray manifest = manifestFor({ MediaType::ociConfig, configDigest, qint64(image.configBytes.size()) }, image.layers);
        configs.append(image.configBytes);
        manifests.append(manifest);
        ids.append(configDigest);
        manifestDescs.append({ MediaType::ociManifest, Sha256::of(manifest), qint64(manifest.size()) });
    }
    // The index as it will be: a tag moves to the new image; an untagged entry of the same
    // manifest is replaced. (Read under the lock taken above, as before any change.)
    QList<IndexEntry> before, index;
    if (!tx.images.isEmpty()) {
        auto entries = ImageIndex::read(m_store.indexPath());
        if (!entries)
            return entries.takeError();
        before = entries.value();
        index = before;
        for (qsizetype i = 0; i < tx.images.size(); ++i) {
            const Descriptor &desc = manifestDescs[i];
            const QStringList &tags = tx.images[i].tags;
            index.removeIf([&](const IndexEntry &e) {
                return (!e.refName.isEmpty() && tags.contains(e.refName)) || (e.refName.isEmpty() && e.manifest.digest == desc.digest);
            });
            const bool present = std::any_of(index.cbegin(), index.cend(), [&](const IndexEntry &e) { return e.manifest.digest == desc.digest; });
            if (tags.isEmpty() && !present)
                index.append({ desc, {} });
            for (const QString &tag : tags)
                index.append({ desc, tag });
        }
        keepUntagged(before, index);
        // Nothing to add (a rebuild that came all from the build cache, under the tags it has):
        // its blobs are there and the index would be the same bytes, so nothing is written, and
        // no journal is needed (4 fsyncs, a third of a cached `build`).
        const bool blobsThere = std::all_of(ids.cbegin(), ids.cend(), [&](const Digest &d) { return content.has(d); })
            && std::all_of(manifestDescs.cbegin(), manifestDescs.cend(), [&](const Descriptor &d) { return content.has(d.digest); });
        if (tx.blobs.isEmpty() && tx.layers.isEmpty() && blobsThere && ImageIndex::json(index) == ImageIndex::json(before))
            return ids;
    }

    // The journal lists what this commit may add, so a crash part-way can be undone by a sweep.
    QStringList journal;
    for (qsizetype i = 0; i < tx.images.size(); ++i)
        journal << m_store.relative(content.blobPath(ids[i])) << m_store.relative(content.blobPath(manifestDescs[i].digest));
    for (const auto &blob : tx.blobs)
        journal << m_store.relative(content.blobPath(blob.second));
    for (const auto &layer : tx.layers)
        journal << m_store.relative(layers.snapshotDir(layer.record.chainId));
    STRATA_TRY(staging.writeJournal(journal));

    STRATA_TRY(checkComplete(tx));
    for (const auto &blob : tx.blobs)
        STRATA_TRY(content.adopt(blob.first, blob.second));
    for (const auto &layer : tx.layers)
        STRATA_TRY(layers.adopt(layer));
    if (tx.images.isEmpty()) { // layers alone (the builder's steps): the index stays as it is
        m_store.lock().bumpChangeCounter(ChangeScope::Images);
        return QList<Digest>();
    }

    for (qsizetype i = 0; i < tx.images.size(); ++i) {
        auto configDigest = content.put(configs[i]);
        if (!configDigest)
            return configDigest.takeError();
        auto manifestDigest = content.put(manifests[i]);
        if (!manifestDigest)
            return manifestDigest.takeError();
    }
    STRATA_TRY(ImageIndex::write(m_store.indexPath(), index));
    m_store.lock().bumpChangeCounter(ChangeScope::Images);
    return ids;
}

Status ImageStore::tag(const QString &source, const QString &target)
{
    auto normalized = normalizeReference(target);
    if (!normalized)
        return normalized.takeError();
    StoreLockGuard guard(m_store.lock());
    STRATA_TRY(guard.status());
    auto image = resolve(source);
    if (!image)
        return image.takeError();
    auto entries = ImageIndex::read(m_store.indexPath());
    if (!entries)
        return entries.takeError();
    QList<IndexEntry> index = entries.value();
    index.removeIf([&](const IndexEntry &e) {
        return e.refName == normalized.value() || (e.refName.isEmpty() && e.manifest.digest == image->manifest.digest);
    });
    index.append({ image->manifest, normalized.value() });
    keepUntagged(entries.value(), index);
    STRATA_TRY(ImageIndex::write(m_store.indexPath(), index));
    m_store.lock().bumpChangeCounter(ChangeScope::Images);
    return {};
}

Result<QStringList> ImageStore::remove(const QString &reference, bool force, const ImageUsers &imageUsers)
{
    auto trash = m_store.newStaging();
    if (!trash)
        return trash.takeError();
    StoreLockGuard guard(m_store.lock());
    STRATA_TRY(guard.status());
    auto image = resolve(reference);
    if (!image)
        return image.takeError();
    auto normalized = normalizeReference(reference);
    const bool byTag = normalized && image->tags.contains(normalized.value());
    auto entries = ImageIndex::read(m_store.indexPath());
    if (!entries)
        return entries.takeError();
    QList<IndexEntry> index = entries.value();
    QStringList lines;
    if (byTag && image->tags.size() > 1) {
        index.removeIf([&](const IndexEntry &e) { return e.refName == normalized.value(); });
        lines << QStringLiteral("Untagged: %1").arg(normalized.value());
    } else {
        if (!byTag && image->tags.size() > 1 && !force)
            return fail(QStringLiteral("image %1 is referenced by several tags (%2): remove them by tag, or use --force")
                            .arg(image->id.shortHex(), image->tags.join(QStringLiteral(", "))));
        auto allUsers = imageUsers();
        if (!allUsers)
            return fail(QStringLiteral("image %1 (%2): not removed: %3").arg(reference, image->id.shortHex(), allUsers.error()));
        const QStringList users = allUsers->value(image->id);
        if (!users.isEmpty() && !force)
            return fail(ErrorCode::InUse, QStringLiteral("image %1 (%2) is used by container %3: remove the container first, or use -f to untag the image")
                            .arg(reference, image->id.shortHex(), users.join(QStringLiteral(", "))));
        index.removeIf([&](const IndexEntry &e) { return e.manifest.digest == image->manifest.digest; });
        for (const QString &t : image->tags)
            lines << QStringLiteral("Untagged: %1").arg(t);
        if (users.isEmpty()) {
            lines << QStringLiteral("Deleted: %1").arg(image->id.toString());
        } else {
            // As Docker: forced, the image loses its names but stays while containers use it.
            index.append({ image->manifest, {} });
        }
    }
    // Known before anything changes: with another image unreadable, nothing is removed at all.
    GarbageCollector collector(m_store);
    auto refs = collector.references(index, GarbageCollector::Unreadable::Refuse);
    if (!refs)
        return fail(refs.takeError(), QStringLiteral("image %1 not removed: ").arg(reference));
    // The collection is marked in the job's staging before the index changes, so a job killed
    // between the two leaves a mark the next open finishes from (sweepDeadJobsLocked).
    STRATA_TRY(fs::writeFileAtomic(trash->file(GarbageCollector::dueMark), QByteArrayLiteral("collect\n")));
    STRATA_TRY(ImageIndex::write(m_store.indexPath(), index));
    m_store.lock().bumpChangeCounter(ChangeScope::Images);
    STRATA_TRY(collector.collect(trash.value(), refs.value(), &lines)); // of the index just written
    return lines;
}

} // namespace strata
