#include "imageloader.h"

#include "archiveindex.h"

#include "layerstream.h"

#include "blobwriter.h"
#include "fsutil.h"
#include "imagestore.h"
#include "layerapplier.h"
#include "layerstore.h"
#include "sha256.h"
#include "store.h"
#include "transactionbuilder.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <atomic>
#include <cmath>
#include <optional>
#include <system_error>
#include <thread>

namespace strata {

namespace {

    constexpr int maxIndexNesting = 4; // image indexes inside image indexes, below index.json

    bool isManifestType(const QString &t) { return t == MediaType::ociManifest || t == MediaType::dockerManifest; }
    bool isIndexType(const QString &t) { return t == MediaType::ociIndex || t == MediaType::dockerManifestList; }
    bool isSchema1Type(const QString &t)
    {
        return t == QLatin1String("application/vnd.docker.distribution.manifest.v1+json") || t == QLatin1String("application/vnd.docker.distribution.manifest.v1+prettyjws");
    }

    class Job {
    public:
        Job(Store &store, Staging &staging, const QString &archivePath, const Progress &progress)
            : m_store(store)
            , m_staging(staging)
            , m_archive(archivePath)
            , m_layers(store)
            , m_progress(progress)
            , m_index(archivePath, staging, progress)
            , m_tx(store, staging)
        {
        }

        Result<QStringList> run();

    private:
        Error error(const QString &cause) const { return fail(QStringLiteral("%1: %2").arg(m_archive, cause)); }
        Status verifyDescriptor(const QString &name, const ArchiveIndex::Member *m, const Digest &digest, qint64 size) const;
        Status verifyLayerBlob(const QString &name, const ArchiveIndex::Member *member, const Descriptor &blob, const Digest &diffId, const Digest &chain);
        enum class DocumentKind { Manifest, Index };
        Result<DocumentKind> documentKind(const QJsonObject &doc, const QString &name) const;
        using Blob = QPair<QString, ArchiveIndex::Member *>;
        Result<Blob> ociBlob(const QJsonObject &desc, const QString &from);
        Result<QJsonObject> ociJson(const Blob &b) const;
        Result<QPair<Blob, QJsonObject>> resolveManifest(const QJsonObject &desc, const QString &from, int nesting, QList<Digest> &path);
        Status addImage(const QByteArray &configBytes, const QList<QPair<QString, ArchiveIndex::Member *>> &layers, const QStringList &tags);
        Status loadDocker();
        Status loadOci();
        Status stageLayers();

        // A layer the store lacks, extracted by stageLayers() once every image is read.
        struct PendingLayer {
            QString blobPath;
            Descriptor blob;
            Digest diffId, chainId, parentChain;
            QString createdBy, subject;
        };

        Store &m_store;
        Staging &m_staging;
        QString m_archive;
        LayerStore m_layers;
        Progress m_progress;
        ArchiveIndex m_index;
        TransactionBuilder m_tx;
        QList<PendingLayer> m_pending;
        QSet<Digest> m_pendingChains;
        QHash<Digest, Digest> m_blobDiffIds; // layer blob -> the diffID it was checked (or is to be extracted) as
    };

    // sha256 of a compressed layer's uncompressed stream: the diffID it holds, read as the
    // applier reads it (LayerStream).
    Result<Digest> uncompressedDigest(const ArchiveIndex::Member &m)
    {
        LayerStream stream;
        if (Status s = m.inMemory() ? stream.openMemory(m.bytes) : stream.openFile(m.stagedPath); !s)
            return fail(s.takeError(), QStringLiteral("cannot be decompressed: "));
        auto digest = LayerStream::digestOf(stream);
        if (!digest)
            return fail(digest.takeError(), QStringLiteral("has corrupt or truncated compressed data: "));
        return digest;
    }

    Status Job::verifyDescriptor(const QString &name, const ArchiveIndex::Member *m, const Digest &digest, qint64 size) const
    {
        if (m->size != size)
            return error(QStringLiteral("blob '%1' has %2 bytes, its descriptor says %3").arg(name).arg(m->size).arg(size));
        if (m->digest != digest)
            return error(QStringLiteral("blob '%1' hashes to %2, its descriptor says %3").arg(name, m->digest.toString(), digest.toString()));
        return {};
    }

    // Every layer blob an archive brings must hold the diffID its config names, whether or not
    // the store has that layer: else a lying archive gets a blob of other content stored, and
    // re-saved, as the stored layer's.
    Status Job::verifyLayerBlob(const QString &name, const ArchiveIndex::Member *member, const Descriptor &blob, const Digest &diffId, const Digest &chain)
    {
        if (auto known = m_blobDiffIds.constFind(blob.digest); known != m_blobDiffIds.constEnd()) {
            if (*known != diffId)
                return error(QStringLiteral("layer '%1' is named both diffID %2 and diffID %3").arg(name, known->toString(), diffId.toString()));
            return {};
        }
        if (blob.mediaType == MediaType::ociLayer) {
            if (blob.digest != diffId)
                return error(QStringLiteral("layer '%1' hashes to %2, but the image config says its diffID is %3").arg(name, blob.digest.toString(), diffId.toString()));
        } else if (!m_layers.has(chain) && !m_pendingChains.contains(chain)) {
            // To be extracted from this very blob by stageLayers(), which checks what it hashes to.
        } else if (auto record = m_layers.read(chain); record && record->blob.digest == blob.digest) {
            // The store extracted this very blob as this layer.
        } else {
            auto uncompressed = uncompressedDigest(*member);
            if (!uncompressed)
                return error(QStringLiteral("layer '%1' %2").arg(name, uncompressed.error()));
            if (uncompressed.value() != diffId)
                return error(QStringLiteral("layer '%1' holds content that hashes to %2, but the image config says its diffID is %3")
                                 .arg(name, uncompressed->toString(), diffId.toString()));
        }
        m_blobDiffIds.insert(blob.digest, diffId);
        return {};
    }

    Status Job::addImage(const QByteArray &configBytes, const QList<QPair<QString, ArchiveIndex::Member *>> &layers, const QStringList &tags)
    {
        const Digest imageId = Sha256::of(configBytes);
        QJsonParseError perr;
        const QJsonObject config = QJsonDocument::fromJson(configBytes, &perr).object();
        if (perr.error != QJsonParseError::NoError)
            return error(QStringLiteral("image config %1 is not valid JSON: %2").arg(imageId.toString(), perr.errorString()));
        // The image spec: rootfs.type MUST be "layers"; diff_ids mean nothing under another type.
        const QJsonValue rootfs = config.value(QLatin1String("rootfs"));
        if (!rootfs.isObject())
            return error(QStringLiteral("image config %1 has no rootfs").arg(imageId.toString()));
        if (const QString type = rootfs.toObject().value(QLatin1String("type")).toString(); type != QLatin1String("layers"))
            return error(QStringLiteral("image config %1: rootfs.type is '%2', not 'layers'").arg(imageId.toString(), type.left(100)));
        const QJsonArray diffArray = rootfs.toObject().value(QLatin1String("diff_ids")).toArray();
        if (diffArray.size() != layers.size())
            return error(QStringLiteral("image %1 lists %2 layers, but its config has %3 diffIDs").arg(imageId.toString()).arg(layers.size()).arg(diffArray.size()));
        QList<Digest> diffIds;
        for (const QJsonValue &v : diffArray) {
            auto d = Digest::parse(v.toString());
            if (!d)
                return error(QStringLiteral("image config %1: %2").arg(imageId.toString(), d.error()));
            diffIds.append(d.value());
        }
        QStringList createdBy;
        for (const QJsonValue &h : config.value(QLatin1String("history")).toArray()) {
            if (!h.toObject().value(QLatin1String("empty_layer")).toBool())
                createdBy.append(h.toObject().value(QLatin1String("created_by")).toString());
        }
        const QList<Digest> chains = chainIds(diffIds);
        QList<Descriptor> imageLayers;
        for (qsizetype i = 0; i < layers.size(); ++i) {
            const auto &[name, member] = layers[i];
            QByteArray head = member->inMemory() ? member->bytes.left(4) : QByteArray();
            if (!member->inMemory()) {
                QFile f(member->stagedPath);
                if (f.open(QIODevice::ReadOnly))
                    head = f.read(4);
            }
            const Descriptor blob { MediaType::forLayerBytes(head), member->digest, member->size };
            const Digest &chain = chains[i];
            STRATA_TRY(verifyLayerBlob(name, member, blob, diffIds[i], chain));
            imageLayers.append(blob);
            if (!m_tx.hasLayer(chain) && !m_pendingChains.contains(chain)) {
                auto path = m_index.fileOf(member);
                if (!path)
                    return path.takeError();
                m_pendingChains.insert(chain);
                m_pending.append({ path.value(), blob, diffIds[i], chain, i > 0 ? chains[i - 1] : Digest(), createdBy.value(i),
                    QStringLiteral("%1: layer '%2'").arg(m_archive, name) });
            }
            if (!m_tx.hasBlob(blob.digest)) {
                auto path = m_index.fileOf(member);
                if (!path)
                    return path.takeError();
                m_tx.addBlob(path.value(), blob.digest);
            }
        }
        m_tx.addImage(configBytes, imageLayers, tags);
        return {};
    }

    Status Job::loadDocker()
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
            STRATA_TRY(addImage(configBytes.value(), layers, tags));
        }
        return {};
    }

    Result<Job::Blob> Job::ociBlob(const QJsonObject &desc, const QString &from)
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

    Result<QJsonObject> Job::ociJson(const Blob &b) const
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
    Result<Job::DocumentKind> Job::documentKind(const QJsonObject &doc, const QString &name) const
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
    Result<QPair<Job::Blob, QJsonObject>> Job::resolveManifest(const QJsonObject &desc, const QString &from, int nesting, QList<Digest> &path)
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

    Status Job::loadOci()
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
            STRATA_TRY(addImage(configBytes.value(), layers, tags));
        }
        return {};
    }

    // Extracts the missing layers. Overlay2 snapshots hold only their own layer, so they are
    // extracted side by side (a big layer's writes overlap a small-file layer's metadata work);
    // a vfs snapshot starts as a copy of its parent's, so those go one after the other.
    Status Job::stageLayers()
    {
        qint64 total = 0;
        for (const PendingLayer &p : std::as_const(m_pending))
            total += p.blob.size;
        if (!m_pending.isEmpty())
            m_progress.begin(m_pending.size() == 1 ? QStringLiteral("Extracting 1 layer") : QStringLiteral("Extracting %1 layers").arg(m_pending.size()), total);
        QList<std::optional<Result<StagedLayer>>> results(m_pending.size());
        auto stageOne = [&](qsizetype i, const QString &parentDiff) {
            const PendingLayer &p = m_pending[i];
            results[i] = m_layers.stage(m_staging, p.blobPath, p.blob, p.diffId, p.parentChain, parentDiff, p.createdBy, p.subject, m_progress);
        };
        if (m_store.driver().preparesInParallel()) {
            std::atomic<qsizetype> next = 0;
            auto worker = [&] {
                for (qsizetype i; (i = next++) < m_pending.size();)
                    stageOne(i, QString());
            };
            const int extra = int(std::min<qsizetype>(m_pending.size(), std::max(1u, std::thread::hardware_concurrency()))) - 1;
            std::vector<std::thread> threads;
            QString startFailure;
            for (int t = 0; t < extra; ++t) {
                // std::thread reports a thread it cannot start by throwing; a throw past the
                // threads already started would end in std::terminate.
                try {
                    threads.emplace_back(worker);
                } catch (const std::system_error &e) {
                    startFailure = QString::fromLocal8Bit(e.what());
                    next = m_pending.size(); // no more work handed out: the started ones finish theirs
                    break;
                }
            }
            if (startFailure.isEmpty())
                worker();
            for (std::thread &t : threads)
                t.join();
            if (!startFailure.isEmpty())
                return error(QStringLiteral("cannot start a thread to extract layers: %1").arg(startFailure));
        } else {
            QHash<Digest, QString> stagedDiffs; // chainID -> staged diff dir
            for (qsizetype i = 0; i < m_pending.size(); ++i) {
                const Digest &parent = m_pending[i].parentChain;
                stageOne(i, parent.isNull() ? QString() : stagedDiffs.value(parent, m_layers.diffDir(parent)));
                if (!*results[i])
                    break;
                stagedDiffs.insert(m_pending[i].chainId, results[i]->value().dir + QStringLiteral("/diff"));
            }
        }
        for (std::optional<Result<StagedLayer>> &r : results) {
            if (!r)
                continue; // not started after an earlier failure
            if (!*r)
                return r->takeError();
            m_tx.addStagedLayer(r->value());
        }
        return {};
    }

    Result<QStringList> Job::run()
    {
        m_progress.begin(QStringLiteral("Reading %1").arg(QFileInfo(m_archive).fileName()), QFileInfo(m_archive).size());
        STRATA_TRY(m_index.read());
        m_progress.finishPhase();
        if (m_index.contains(QStringLiteral("manifest.json")))
            STRATA_TRY(loadDocker());
        else if (m_index.contains(QStringLiteral("index.json")))
            STRATA_TRY(loadOci());
        else
            return error(QStringLiteral("neither a docker-archive (no manifest.json) nor an OCI image layout (no index.json)"));
        if (m_tx.transaction().images.isEmpty())
            return error(QStringLiteral("the archive holds no image"));
        STRATA_TRY(stageLayers());
        m_progress.finishPhase();
        STRATA_TRY(m_progress.checkCancelled(QStringLiteral("load of %1").arg(m_archive)));
        auto ids = m_tx.commit();
        if (!ids)
            return ids.takeError();
        QStringList lines;
        const QList<ImageTransaction::NewImage> &added = m_tx.transaction().images;
        for (qsizetype i = 0; i < added.size(); ++i) {
            if (added[i].tags.isEmpty())
                lines << QStringLiteral("Loaded image ID: %1").arg(ids->at(i).toString());
            for (const QString &tag : added[i].tags)
                lines << QStringLiteral("Loaded image: %1").arg(tag);
        }
        return lines;
    }

} // namespace

ImageLoader::ImageLoader(Store &store)
    : m_store(store)
{
}

Result<QStringList> ImageLoader::load(const QString &archivePath, const Progress &progress)
{
    auto staging = m_store.newStaging();
    if (!staging)
        return staging.takeError();
    Job job(m_store, staging.value(), archivePath, progress);
    return job.run();
}

} // namespace strata
