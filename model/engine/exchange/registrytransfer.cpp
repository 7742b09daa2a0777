#include "registrytransfer.h"

#include "blobwriter.h"
#include "contentstore.h"
#include "imagestore.h"
#include "layerapplier.h"
#include "layerstore.h"
#include "layerstream.h"
#include "parallel.h"
#include "sha256.h"
#include "staging.h"
#include "store.h"
#include "tarsplit.h"
#include "transactionbuilder.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QSysInfo>

#include <atomic>
#include <cstring>
#include <optional>

namespace strata {

namespace {

    constexpr int parallelTransfers = 3;

    const QString dockerLayerGzip = QStringLiteral("application/vnd.docker.image.rootfs.diff.tar.gzip");
    const QString dockerLayerTar = QStringLiteral("application/vnd.docker.image.rootfs.diff.tar");

    bool isIndexType(const QString &t) { return t == MediaType::ociIndex || t == MediaType::dockerManifestList; }
    bool isManifestType(const QString &t) { return t == MediaType::ociManifest || t == MediaType::dockerManifest; }

    // The layer media types Strata extracts, as the store names them (OCI's).
    std::optional<QString> storeLayerType(const QString &t)
    {
        if (t == MediaType::ociLayer || t == dockerLayerTar)
            return MediaType::ociLayer;
        if (t == MediaType::ociLayerGzip || t == dockerLayerGzip)
            return MediaType::ociLayerGzip;
        if (t == MediaType::ociLayerZstd)
            return MediaType::ociLayerZstd;
        return std::nullopt;
    }

    QString shortId(const Digest &d) { return d.hex().left(12); }

    // Runs `work(i)` for i in [0, count) on up to `threads` threads (runInParallel); the first
    // error stops the rest from starting, and is the result.
    Status forEachParallel(qsizetype count, int threads, const std::function<Status(qsizetype)> &work)
    {
        QMutex mutex;
        std::optional<Error> first;
        std::atomic<bool> stop = false;
        const QString startFailure = runInParallel(count, [&](qsizetype i) {
            if (stop)
                return;
            Status s = work(i);
            if (!s) {
                QMutexLocker lock(&mutex);
                if (!first)
                    first = s.takeError();
                stop = true;
            }
        }, threads);
        if (first)
            return first.value();
        if (!startFailure.isEmpty())
            return fail(ErrorCode::Io, QStringLiteral("cannot start a transfer thread: %1").arg(startFailure));
        return {};
    }

    // The client for transfer `n`: one HttpClient per transfer running at once, so transfer 0
    // uses `main` and the others a worker of it, kept in `own`.
    RegistryClient *clientFor(qsizetype n, RegistryClient &main, std::optional<RegistryClient> &own)
    {
        if (n == 0)
            return &main;
        own.emplace(main.worker());
        return &*own;
    }

    class EventSink {
    public:
        explicit EventSink(const LayerTransferSink &sink)
            : m_sink(sink)
        {
        }
        void operator()(const LayerTransferEvent &e)
        {
            if (!m_sink)
                return;
            QMutexLocker lock(&m_mutex);
            m_sink(e);
        }

    private:
        const LayerTransferSink &m_sink;
        QMutex m_mutex;
    };

    struct Platform {
        QString os, architecture, variant;
        QString toString() const { return os + u'/' + architecture + (variant.isEmpty() ? QString() : u'/' + variant); }
    };

    Result<Platform> parsePlatform(const QString &text)
    {
        const QStringList parts = text.split(u'/');
        if (parts.size() < 2 || parts.size() > 3 || parts[0].isEmpty() || parts[1].isEmpty())
            return fail(ErrorCode::InvalidInput, QStringLiteral("--platform '%1': want OS/ARCH[/VARIANT], e.g. linux/amd64").arg(text.left(100)));
        return Platform { parts[0], parts[1], parts.value(2) };
    }

} // namespace

QString RegistryPuller::hostPlatform()
{
    const QString cpu = QSysInfo::currentCpuArchitecture();
    QString arch = cpu;
    if (cpu == QLatin1String("x86_64"))
        arch = QStringLiteral("amd64");
    else if (cpu == QLatin1String("i386"))
        arch = QStringLiteral("386");
    else if (cpu == QLatin1String("arm64"))
        arch = QStringLiteral("arm64");
    return QStringLiteral("linux/") + arch;
}

RegistryPuller::RegistryPuller(Store &store, RegistryOptions options)
    : m_store(store)
    , m_options(std::move(options))
{
}

Result<TransferResult> RegistryPuller::pull(const QString &text, const Progress &progress, const LayerTransferSink &layerSink)
{
    auto ref = RegistryReference::parse(text);
    if (!ref)
        return ref.takeError();
    auto platform = parsePlatform(m_options.platform.isEmpty() ? hostPlatform() : m_options.platform);
    if (!platform)
        return platform.takeError();
    RegistryClient client(ref->host, m_options);
    const QString repo = ref->repository;
    EventSink events(layerSink);

    progress.begin(QStringLiteral("Resolving %1").arg(ref->toString()), -1);
    auto top = client.manifest(repo, ref->digest.isNull() ? ref->tag : ref->digest.toString());
    if (!top)
        return top.takeError();
    RegistryClient::Manifest manifest = top.value();
    auto parseDocument = [&](const RegistryClient::Manifest &m) -> Result<QJsonObject> {
        QJsonParseError perr;
        const QJsonDocument doc = QJsonDocument::fromJson(m.bytes, &perr);
        if (perr.error != QJsonParseError::NoError || !doc.isObject())
            return fail(ErrorCode::InvalidInput, QStringLiteral("manifest %1 is not a JSON object: %2").arg(m.digest.toString(), perr.errorString()));
        const QJsonObject o = doc.object();
        // One or the other, never both: a document read as either is CVE-2021-41190's confusion.
        const bool index = o.contains(QLatin1String("manifests"));
        const bool image = o.contains(QLatin1String("config")) || o.contains(QLatin1String("layers"));
        if (index == image)
            return fail(ErrorCode::InvalidInput, QStringLiteral("manifest %1 is %2").arg(m.digest.toString(), index ? QStringLiteral("both an image index and an image manifest") : QStringLiteral("neither an image index nor an image manifest")));
        const QString type = o.value(QLatin1String("mediaType")).toString(m.mediaType);
        if ((index && isManifestType(type)) || (image && isIndexType(type)))
            return fail(ErrorCode::InvalidInput, QStringLiteral("manifest %1: its media type '%2' says otherwise than its content").arg(m.digest.toString(), type));
        if (o.value(QLatin1String("schemaVersion")).toInt() != 2)
            return fail(ErrorCode::InvalidInput, QStringLiteral("manifest %1: schema version %2, and Strata reads schema 2 (Docker's schema 1 is long deprecated)")
                                                     .arg(m.digest.toString()).arg(o.value(QLatin1String("schemaVersion")).toInt()));
        return o;
    };
    auto document = parseDocument(manifest);
    if (!document)
        return document.takeError();
    if (document->contains(QLatin1String("manifests"))) {
        // An index: the entry of the platform asked for (a variant only when one was asked for).
        QJsonObject chosen;
        QStringList offered;
        for (const QJsonValue &v : document->value(QLatin1String("manifests")).toArray()) {
            const QJsonObject p = v.toObject().value(QLatin1String("platform")).toObject();
            const Platform entry { p.value(QLatin1String("os")).toString(), p.value(QLatin1String("architecture")).toString(), p.value(QLatin1String("variant")).toString() };
            if (!entry.os.isEmpty())
                offered << entry.toString();
            if (entry.os == platform->os && entry.architecture == platform->architecture && (platform->variant.isEmpty() || entry.variant == platform->variant)) {
                chosen = v.toObject();
                break;
            }
        }
        if (chosen.isEmpty())
            return fail(ErrorCode::NotFound, QStringLiteral("%1: no image for %2 in its index (it has %3)")
                                                 .arg(ref->toString(), platform->toString(), offered.isEmpty() ? QStringLiteral("none") : offered.join(QStringLiteral(", "))));
        auto desc = Descriptor::fromJson(chosen, QStringLiteral("index %1").arg(manifest.digest.toString()));
        if (!desc)
            return desc.takeError();
        if (desc->digest == manifest.digest)
            return fail(ErrorCode::InvalidInput, QStringLiteral("index %1 names itself as the image for %2").arg(manifest.digest.toString(), platform->toString()));
        if (desc->size > RegistryClient::maxManifestBytes)
            return fail(ErrorCode::InvalidInput, QStringLiteral("index %1: the manifest for %2 is %3 bytes, over the 4 MiB allowed").arg(manifest.digest.toString(), platform->toString()).arg(desc->size));
        auto child = client.manifest(repo, desc->digest.toString());
        if (!child)
            return child.takeError();
        if (child->bytes.size() != desc->size)
            return fail(ErrorCode::InvalidInput, QStringLiteral("manifest %1 has %2 bytes, index %3 says %4").arg(desc->digest.toString()).arg(child->bytes.size()).arg(manifest.digest.toString()).arg(desc->size));
        manifest = child.value();
        document = parseDocument(manifest);
        if (!document)
            return document.takeError();
        if (document->contains(QLatin1String("manifests")))
            return fail(ErrorCode::InvalidInput, QStringLiteral("index %1 names another index (%2) for %3: indexes nested deeper than one are refused")
                                                     .arg(top->digest.toString(), manifest.digest.toString(), platform->toString()));
    }
    const QString what = QStringLiteral("manifest %1").arg(manifest.digest.toString());
    auto configDesc = Descriptor::fromJson(document->value(QLatin1String("config")).toObject(), what);
    if (!configDesc)
        return configDesc.takeError();
    QList<Descriptor> blobs;
    for (const QJsonValue &v : document->value(QLatin1String("layers")).toArray()) {
        auto d = Descriptor::fromJson(v.toObject(), what);
        if (!d)
            return d.takeError();
        const std::optional<QString> type = storeLayerType(d->mediaType);
        if (!type)
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: layer %2 has media type '%3', which Strata does not extract").arg(what, d->digest.toString(), d->mediaType.left(200)));
        d->mediaType = type.value();
        blobs.append(d.value());
    }
    auto configBytes = client.blobBytes(repo, configDesc.value(), RegistryClient::maxConfigBytes);
    if (!configBytes)
        return configBytes.takeError();
    const Digest imageId = configDesc->digest;
    QJsonParseError perr;
    const QJsonObject config = QJsonDocument::fromJson(configBytes.value(), &perr).object();
    if (perr.error != QJsonParseError::NoError)
        return fail(ErrorCode::InvalidInput, QStringLiteral("image config %1 is not valid JSON: %2").arg(imageId.toString(), perr.errorString()));
    const QJsonObject rootfs = config.value(QLatin1String("rootfs")).toObject();
    if (rootfs.value(QLatin1String("type")).toString() != QLatin1String("layers"))
        return fail(ErrorCode::InvalidInput, QStringLiteral("image config %1: rootfs.type is not 'layers'").arg(imageId.toString()));
    QList<Digest> diffIds;
    for (const QJsonValue &v : rootfs.value(QLatin1String("diff_ids")).toArray()) {
        auto d = Digest::parse(v.toString());
        if (!d)
            return fail(ErrorCode::InvalidInput, QStringLiteral("image config %1: %2").arg(imageId.toString(), d.error()));
        diffIds.append(d.value());
    }
    if (diffIds.size() != blobs.size())
        return fail(ErrorCode::InvalidInput, QStringLiteral("%1 lists %2 layers, but its config %3 has %4 diffIDs").arg(what).arg(blobs.size()).arg(imageId.toString()).arg(diffIds.size()));
    QStringList createdBy;
    for (const QJsonValue &h : config.value(QLatin1String("history")).toArray())
        if (!h.toObject().value(QLatin1String("empty_layer")).toBool())
            createdBy.append(h.toObject().value(QLatin1String("created_by")).toString());
    const QList<Digest> chains = chainIds(diffIds);
    const QString tag = ref->storeTag();

    TransferResult result;
    result.imageId = imageId;
    result.manifestDigest = manifest.digest;
    result.reference = tag.isEmpty() ? ref->toString() : tag;
    ImageStore images(m_store);
    if (auto existing = images.resolve(result.reference); existing && existing->id == imageId)
        result.upToDate = true;

    auto staging = m_store.newStaging();
    if (!staging)
        return staging.takeError();
    TransactionBuilder tx(m_store, staging.value());
    LayerStore layerStore(m_store);

    // What to fetch: layers the store lacks, and blobs of layers it has under another blob
    // (a layer loaded as a tar, pulled now gzipped: the image names the gzipped blob).
    struct Fetch {
        qsizetype index;
        bool extract;
        QString path;
        std::optional<Result<StagedLayer>> staged;
    };
    QList<Fetch> fetches;
    QSet<Digest> planned;
    qint64 total = 0;
    for (qsizetype i = 0; i < blobs.size(); ++i) {
        const bool have = layerStore.has(chains[i]) || planned.contains(chains[i]);
        if (have && (tx.hasLayerBlob(chains[i], blobs[i].digest) || planned.contains(chains[i]))) {
            events({ shortId(blobs[i].digest), QStringLiteral("Already exists"), 0, -1, true });
            continue;
        }
        planned.insert(chains[i]);
        // A file per layer, not per blob: an image may name one blob at two places (two empty
        // layers), and each is fetched on its own thread.
        fetches.append({ i, !have, staging->file(QStringLiteral("layer-%1-%2").arg(i).arg(blobs[i].digest.hex())), std::nullopt });
        total += blobs[i].size;
        events({ shortId(blobs[i].digest), QStringLiteral("Waiting"), 0, blobs[i].size, false });
    }
    progress.begin(fetches.size() == 1 ? QStringLiteral("Pulling 1 layer") : QStringLiteral("Pulling %1 layers").arg(fetches.size()), total);
    // Snapshots that start as a copy of their parent's (vfs, btrfs) are made in order, after the downloads.
    const bool extractWhileFetching = m_store.driver().preparesInParallel();
    auto extract = [&](Fetch &f, const QString &parentDiff) -> Status {
        const qsizetype i = f.index;
        events({ shortId(blobs[i].digest), QStringLiteral("Extracting"), 0, blobs[i].size, false });
        f.staged = layerStore.stage(staging.value(), BlobSource(f.path), blobs[i], diffIds[i], i > 0 ? chains[i - 1] : Digest(), parentDiff, createdBy.value(i),
            QStringLiteral("layer %1").arg(blobs[i].digest.toString())); // the command line names the reference
        if (!*f.staged)
            return f.staged->takeError();
        events({ shortId(blobs[i].digest), QStringLiteral("Pull complete"), blobs[i].size, blobs[i].size, true });
        return {};
    };
    auto verifyOnly = [&](Fetch &f) -> Status {
        // The store has the layer; the blob must still hold it (else a lying registry gets
        // other content named as the stored layer's).
        LayerStream stream;
        STRATA_TRY(stream.open(BlobSource(f.path)));
        auto digest = LayerStream::digestOf(stream);
        if (!digest)
            return fail(digest.takeError(), QStringLiteral("blob %1: ").arg(blobs[f.index].digest.toString()));
        if (digest.value() != diffIds[f.index])
            return fail(ErrorCode::InvalidInput, QStringLiteral("blob %1 holds content that hashes to %2, but the config says its diffID is %3")
                                                     .arg(blobs[f.index].digest.toString(), digest->toString(), diffIds[f.index].toString()));
        events({ shortId(blobs[f.index].digest), QStringLiteral("Pull complete"), blobs[f.index].size, blobs[f.index].size, true });
        return {};
    };
    Status fetched = forEachParallel(fetches.size(), parallelTransfers, [&](qsizetype n) -> Status {
        Fetch &f = fetches[n];
        const Descriptor &d = blobs[f.index];
        std::optional<RegistryClient> own;
        RegistryClient *c = clientFor(n, client, own);
        // The blob may be no larger than its descriptor says (the sink stops it there): it must
        // fit, with the room untrusted content leaves free.
        if (Status room = LayerApplier::checkFreeSpace(staging->path(), LayerApplier::minFreeBytes(staging->path()) + d.size); !room)
            return fail(ErrorCode::Io, QStringLiteral("blob %1 (%2 bytes) does not fit: %3").arg(d.digest.toString()).arg(d.size).arg(room.error()));
        BlobWriter out;
        STRATA_TRY(out.open(f.path));
        qint64 got = 0;
        events({ shortId(d.digest), QStringLiteral("Downloading"), 0, d.size, false });
        HttpClient::Sink sink = [&](const char *data, qint64 size) -> Status {
            if (got + size > d.size)
                return fail(ErrorCode::InvalidInput, QStringLiteral("more bytes than the %1 its descriptor says").arg(d.size));
            STRATA_TRY(progress.checkCancelled(QStringLiteral("pull of %1").arg(ref->toString())));
            STRATA_TRY(out.write(data, size_t(size)));
            got += size;
            progress.advance(size);
            events({ shortId(d.digest), QStringLiteral("Downloading"), got, d.size, false });
            return {};
        };
        STRATA_TRY(c->blob(repo, d.digest, sink));
        auto written = out.finish(BlobWriter::Sync::Later);
        if (!written)
            return written.takeError();
        if (written->size != d.size)
            return fail(ErrorCode::InvalidInput, QStringLiteral("blob %1: %2 bytes arrived, its descriptor says %3").arg(d.digest.toString()).arg(written->size).arg(d.size));
        if (written->digest != d.digest)
            return fail(ErrorCode::InvalidInput, QStringLiteral("blob %1: the bytes that arrived hash to %2").arg(d.digest.toString(), written->digest.toString()));
        // The declared compression must be the bytes' own.
        QFile head(f.path);
        if (head.open(QIODevice::ReadOnly)) {
            const QString actual = MediaType::forLayerBytes(head.read(6));
            if (actual != d.mediaType)
                return fail(ErrorCode::InvalidInput, QStringLiteral("layer %1 is declared %2, but its bytes are %3").arg(d.digest.toString(), d.mediaType, actual));
        }
        if (!f.extract)
            return verifyOnly(f);
        return extractWhileFetching ? extract(f, QString()) : Status();
    });
    STRATA_TRY(fetched);
    if (!extractWhileFetching) {
        QHash<Digest, QString> stagedDiffs;
        for (Fetch &f : fetches) {
            if (!f.extract)
                continue;
            const Digest parent = f.index > 0 ? chains[f.index - 1] : Digest();
            STRATA_TRY(extract(f, parent.isNull() ? QString() : stagedDiffs.value(parent, layerStore.diffDir(parent))));
            stagedDiffs.insert(chains[f.index], f.staged->value().dir + QStringLiteral("/diff"));
        }
    }
    progress.finishPhase();
    for (Fetch &f : fetches)
        if (f.extract)
            tx.addStagedLayer(f.staged->value());
    for (const Fetch &f : std::as_const(fetches))
        if (!tx.hasLayerBlob(chains[f.index], blobs[f.index].digest))
            tx.addBlob(f.path, blobs[f.index].digest);
    tx.addImage(configBytes.value(), blobs, tag.isEmpty() ? QStringList() : QStringList { tag });
    STRATA_TRY(progress.checkCancelled(QStringLiteral("pull of %1").arg(ref->toString())));
    auto ids = tx.commit();
    if (!ids)
        return ids.takeError();
    return result;
}

RegistryPusher::RegistryPusher(Store &store, RegistryOptions options)
    : m_store(store)
    , m_options(std::move(options))
{
}

Result<TransferResult> RegistryPusher::push(const QString &imageRef, const QString &destination, const Progress &progress, const LayerTransferSink &layerSink)
{
    ImageStore images(m_store);
    auto image = images.resolve(imageRef);
    if (!image)
        return image.takeError();
    QString target = destination;
    if (target.isEmpty()) {
        auto normalized = ImageStore::normalizeReference(imageRef);
        target = normalized && image->tags.contains(normalized.value()) ? normalized.value() : image->tags.value(0);
        if (target.isEmpty())
            return fail(ErrorCode::InvalidInput, QStringLiteral("image %1 has no tag: name where to push it (stratactl push IMAGE HOST/REPO:TAG)").arg(image->id.shortHex()));
    }
    auto ref = RegistryReference::parse(target);
    if (!ref)
        return ref.takeError();
    if (ref->tag.isEmpty())
        return fail(ErrorCode::InvalidInput, QStringLiteral("%1: push wants a tag, not a digest").arg(target));
    RegistryClient client(ref->host, m_options);
    const QString repo = ref->repository;
    EventSink events(layerSink);

    // Where the blobs may be mounted from: the other repositories of this registry the image is tagged in (where it was pulled from).
    QStringList mountSources;
    for (const QString &t : std::as_const(image->tags)) {
        auto r = RegistryReference::parse(t);
        if (r && r->host == ref->host && r->repository != repo && !mountSources.contains(r->repository))
            mountSources.append(r->repository);
    }
    const ContentStore &content = m_store.content();
    LayerStore layerStore(m_store);
    struct Upload {
        Descriptor blob;
        Digest chainId; // null for the config
    };
    QList<Upload> uploads;
    qint64 total = 0;
    for (const ImageLayer &l : std::as_const(image->layers)) {
        uploads.append({ l.blob, l.chainId });
        total += l.blob.size;
    }
    progress.begin(QStringLiteral("Pushing to %1").arg(ref->toString()), total);
    STRATA_TRY(forEachParallel(uploads.size(), parallelTransfers, [&](qsizetype n) -> Status {
        const Upload &u = uploads[n];
        std::optional<RegistryClient> own;
        RegistryClient *c = clientFor(n, client, own);
        const QString id = shortId(u.blob.digest);
        events({ id, QStringLiteral("Preparing"), 0, u.blob.size, false });
        auto has = c->hasBlob(repo, u.blob.digest);
        if (!has)
            return has.takeError();
        if (has.value()) {
            progress.advance(u.blob.size);
            events({ id, QStringLiteral("Layer already exists"), u.blob.size, u.blob.size, true });
            return {};
        }
        for (const QString &from : std::as_const(mountSources)) {
            auto mounted = c->mountBlob(repo, u.blob.digest, from);
            if (mounted && mounted.value()) {
                progress.advance(u.blob.size);
                events({ id, QStringLiteral("Mounted from %1").arg(from), u.blob.size, u.blob.size, true });
                return {};
            }
        }
        // The layer's bytes: its blob, or its tar rebuilt from the snapshot and tar-split.
        std::unique_ptr<TarSplitReader> rebuilt;
        QFile file;
        QByteArrayView pending;
        auto record = layerStore.read(u.chainId);
        if (record && record->tarSplit && record->blob.digest == u.blob.digest) {
            rebuilt = std::make_unique<TarSplitReader>();
            STRATA_TRY(layerStore.openTar(record.value(), *rebuilt));
        } else {
            file.setFileName(content.blobPath(u.blob.digest));
            if (!file.open(QIODevice::ReadOnly))
                return fail(ErrorCode::Io, QStringLiteral("blob %1: %2").arg(u.blob.digest.toString(), file.errorString()));
        }
        // Not hashed again here: a rebuilt tar is checked against its diffID by the reader, and
        // the registry refuses bytes that do not hash to the digest the upload names.
        qint64 sent = 0;
        auto source = [&](char *buffer, qint64 capacity) -> Result<qint64> {
            STRATA_TRY(progress.checkCancelled(QStringLiteral("push of %1").arg(ref->toString())));
            qint64 n = 0;
            if (rebuilt) {
                while (pending.isEmpty()) {
                    auto block = rebuilt->read();
                    if (!block)
                        return block.takeError();
                    if (block->isEmpty())
                        break;
                    pending = block.value();
                }
                n = std::min<qint64>(capacity, pending.size());
                std::memcpy(buffer, pending.data(), size_t(n));
                pending = pending.sliced(n);
            } else {
                n = file.read(buffer, capacity);
                if (n < 0)
                    return fail(ErrorCode::Io, QStringLiteral("blob %1: %2").arg(u.blob.digest.toString(), file.errorString()));
            }
            sent += n;
            if (sent > u.blob.size)
                return fail(ErrorCode::InvalidInput, QStringLiteral("layer %1 is now longer than its %2 bytes").arg(u.blob.digest.toString()).arg(u.blob.size));
            if (n == 0 && sent != u.blob.size)
                return fail(ErrorCode::InvalidInput, QStringLiteral("layer %1 no longer holds its bytes in the store (stratactl check)").arg(u.blob.digest.toString()));
            progress.advance(n);
            events({ id, QStringLiteral("Pushing"), sent, u.blob.size, false });
            return n;
        };
        STRATA_TRY(c->uploadBlob(repo, u.blob.digest, u.blob.size, source));
        events({ id, QStringLiteral("Pushed"), u.blob.size, u.blob.size, true });
        return {};
    }));
    // The config, then the manifest as the store keeps it.
    auto hasConfig = client.hasBlob(repo, image->id);
    if (!hasConfig)
        return hasConfig.takeError();
    if (!hasConfig.value()) {
        const QByteArray bytes = image->configBytes;
        qint64 at = 0;
        STRATA_TRY(client.uploadBlob(repo, image->id, bytes.size(), [&](char *buffer, qint64 capacity) -> Result<qint64> {
            const qint64 n = std::min<qint64>(capacity, bytes.size() - at);
            std::memcpy(buffer, bytes.constData() + at, size_t(n));
            at += n;
            return n;
        }));
    }
    QFile manifestFile(content.blobPath(image->manifest.digest));
    if (!manifestFile.open(QIODevice::ReadOnly))
        return fail(ErrorCode::Io, QStringLiteral("manifest %1 of %2: %3").arg(image->manifest.digest.toString(), imageRef, manifestFile.errorString()));
    const QByteArray manifestBytes = manifestFile.read(RegistryClient::maxManifestBytes + 1);
    if (Sha256::of(manifestBytes) != image->manifest.digest)
        return fail(ErrorCode::InvalidInput, QStringLiteral("manifest %1 of %2 is damaged in the store (stratactl check)").arg(image->manifest.digest.toString(), imageRef));
    STRATA_TRY(client.putManifest(repo, ref->tag, manifestBytes, image->manifest.mediaType.isEmpty() ? MediaType::ociManifest : image->manifest.mediaType));
    progress.finishPhase();
    TransferResult result;
    result.imageId = image->id;
    result.manifestDigest = image->manifest.digest;
    result.manifestSize = manifestBytes.size();
    result.reference = ref->toString();
    return result;
}

} // namespace strata
