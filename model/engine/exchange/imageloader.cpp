#include "imageloader.h"

#include "archiveindex.h"
#include "dockerarchivereader.h"
#include "ocilayoutreader.h"

#include "layerstream.h"

#include "blobwriter.h"
#include "fsutil.h"
#include "imagestore.h"
#include "layerapplier.h"
#include "layerstore.h"
#include "parallel.h"
#include "sha256.h"
#include "store.h"
#include "transactionbuilder.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>
#include <optional>

namespace strata {

namespace {

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
        Status verifyLayerBlob(const QString &name, const ArchiveIndex::Member *member, const Descriptor &blob, const Digest &diffId, const Digest &chain);
        Status addImage(const QByteArray &configBytes, const QList<QPair<QString, ArchiveIndex::Member *>> &layers, const QStringList &tags);
        Status stageLayers();

        // A layer the store lacks, extracted by stageLayers() once every image is read.
        struct PendingLayer {
            BlobSource blobPath;
            Descriptor blob;
            Digest diffId, chainId, parentChain;
            QString createdBy, subject;
            ArchiveIndex::Member *unhashed = nullptr; // its blob digest taken for its diffID, proven by the extraction
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
        // Layer blobs to keep unless their layer is kept as snapshot and tar-split, known once
        // the layers are staged: each with the layer it is the blob of.
        QList<QPair<ArchiveIndex::Member *, Digest>> m_blobCandidates;
    };

    // sha256 of a compressed layer's uncompressed stream: the diffID it holds, read as the
    // applier reads it (LayerStream).
    // xz and bzip2, which LayerStream reads too (gzip and zstd have media types of their own).
    bool compressedByMagic(QByteArrayView head)
    {
        return head.startsWith("\xfd" "7zXZ") || head.startsWith("BZh");
    }

    Result<Digest> uncompressedDigest(const ArchiveIndex &index, const ArchiveIndex::Member &m)
    {
        LayerStream stream;
        if (Status s = m.inMemory() ? stream.openMemory(m.bytes) : stream.open(index.sourceOf(m)); !s)
            return fail(s.takeError(), QStringLiteral("cannot be decompressed: "));
        auto digest = LayerStream::digestOf(stream);
        if (!digest)
            return fail(digest.takeError(), QStringLiteral("has corrupt or truncated compressed data: "));
        return digest;
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
            auto uncompressed = uncompressedDigest(m_index, *member);
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
            const Digest &chain = chains[i];
            const bool extractHere = !m_tx.hasLayer(chain) && !m_pendingChains.contains(chain);
            const QByteArray head = m_index.headOf(*member, 6);
            const QString mediaType = MediaType::forLayerBytes(head);
            // An uncompressed member read in place and extracted here is not hashed on its own:
            // its digest is its diffID, which the extraction proves (its bytes are the stream).
            const bool provisional = member->digest.isNull() && extractHere && mediaType == MediaType::ociLayer && !compressedByMagic(head);
            Digest digest = provisional ? diffIds[i] : member->digest;
            if (!provisional && digest.isNull()) {
                auto hashed = m_index.digestOf(member);
                if (!hashed)
                    return hashed.takeError();
                digest = hashed.value();
            }
            const Descriptor blob { mediaType, digest, member->size };
            STRATA_TRY(verifyLayerBlob(name, member, blob, diffIds[i], chain));
            imageLayers.append(blob);
            if (extractHere) {
                BlobSource source = m_index.sourceOf(*member);
                if (member->inMemory()) {
                    auto path = m_index.fileOf(member);
                    if (!path)
                        return path.takeError();
                    source = BlobSource(path.value());
                }
                m_pendingChains.insert(chain);
                m_pending.append({ source, blob, diffIds[i], chain, i > 0 ? chains[i - 1] : Digest(), createdBy.value(i),
                    QStringLiteral("%1: layer '%2'").arg(m_archive, name), provisional ? member : nullptr });
            }
            m_blobCandidates.append({ member, chain });
        }
        m_tx.addImage(configBytes, imageLayers, tags);
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
            if (const QString startFailure = runInParallel(m_pending.size(), [&](qsizetype i) { stageOne(i, QString()); }); !startFailure.isEmpty())
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
        for (qsizetype i = 0; i < results.size(); ++i) {
            std::optional<Result<StagedLayer>> &r = results[i];
            if (!r)
                continue; // not started after an earlier failure
            if (!*r)
                return r->takeError();
            if (ArchiveIndex::Member *member = m_pending[i].unhashed) {
                // Its bytes were the stream, which hashed to the diffID: that is their digest.
                if (r->value().compressed)
                    return error(QStringLiteral("%1 is compressed in a way its first bytes do not show").arg(m_pending[i].subject));
                member->digest = m_pending[i].diffId;
            }
            m_tx.addStagedLayer(r->value());
        }
        return {};
    }

    Result<QStringList> Job::run()
    {
        const ImageFound found = [this](const QByteArray &config, const QList<QPair<QString, ArchiveIndex::Member *>> &layers, const QStringList &tags) {
            return addImage(config, layers, tags);
        };
        m_progress.begin(QStringLiteral("Reading %1").arg(QFileInfo(m_archive).fileName()), QFileInfo(m_archive).size());
        STRATA_TRY(m_index.read());
        m_progress.finishPhase();
        if (m_index.contains(QStringLiteral("manifest.json")))
            STRATA_TRY(DockerArchiveReader(m_archive, m_index).read(found));
        else if (m_index.contains(QStringLiteral("index.json")))
            STRATA_TRY(OciLayoutReader(m_archive, m_index).read(found));
        else
            return error(QStringLiteral("neither a docker-archive (no manifest.json) nor an OCI image layout (no index.json)"));
        if (m_tx.transaction().images.isEmpty())
            return error(QStringLiteral("the archive holds no image"));
        STRATA_TRY(stageLayers());
        m_progress.finishPhase();
        for (const auto &[member, chain] : std::as_const(m_blobCandidates)) {
            if (m_tx.hasLayerBlob(chain, member->digest))
                continue; // in the store, brought already, or rebuilt from the snapshot
            auto path = m_index.fileOf(member);
            if (!path)
                return path.takeError();
            m_tx.addBlob(path.value(), member->digest);
        }
        QSet<QString> kept; // the blobs the commit moves in
        for (const auto &blob : m_tx.transaction().blobs)
            kept.insert(blob.first);
        m_index.dropStagedFiles(kept);
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
