#include "foreigncopy.h"

#include "foreigntarsplit.h"
#include "rootreader.h"

#include "blobwriter.h"
#include "fsutil.h"
#include "imagedescription.h"
#include "imagestore.h"
#include "layerstore.h"
#include "parallel.h"
#include "sha256.h"
#include "staging.h"
#include "store.h"
#include "transactionbuilder.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <memory>
#include <optional>
#include <pthread.h>
#include <system_error>
#include <thread>
#include <unistd.h>

namespace strata {

namespace {

    // A layer of the image that the store lacks, with its tar-split opened and measured.
    struct Pending {
        Digest diffId, chainId, parentChain;
        QString createdBy, subject, splitPath;
        std::unique_ptr<ForeignTarSplit> split;
        qint64 tarBytes = 0;
    };

    // Feeds the rebuilt tar to the extraction through a pipe, which the applier opens as its
    // blob (/proc/self/fd/N): the tar is hashed and extracted as it is made, never written out.
    // The producer's error (naming the peer's file) wins over the applier's (a cut stream).
    Result<StagedLayer> stageStreamed(LayerStore &layers, Staging &staging, Pending &p, const Descriptor &blob, const QString &parentDiff, const Progress &progress)
    {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0)
            return fail(ErrorCode::Io, QStringLiteral("%1: cannot make a pipe: %2").arg(p.subject, fs::errorText(errno)));
        fs::UniqueFd readEnd(fds[0]);
        fs::UniqueFd writeEnd(fds[1]);
        (void)::fcntl(writeEnd.get(), F_SETPIPE_SZ, 1 << 20); // fewer hand-overs than 64 KiB at a time; a smaller pipe works too
        std::optional<Error> produceError;
        auto produce = [&p, &produceError, out = std::move(writeEnd)]() mutable {
            // A reader that stopped early (the applier refused the tar) makes write() fail with
            // EPIPE; SIGPIPE, which would end the process, stays blocked in this thread.
            sigset_t pipeSignal;
            sigemptyset(&pipeSignal);
            sigaddset(&pipeSignal, SIGPIPE);
            pthread_sigmask(SIG_BLOCK, &pipeSignal, nullptr);
            for (bool done = false; !done;) {
                auto block = p.split->read();
                if (!block) {
                    produceError = block.takeError();
                    break;
                }
                done = block->isEmpty();
                const char *at = block->data();
                for (qsizetype left = block->size(); left > 0;) {
                    const ssize_t n = ::write(out.get(), at, size_t(left));
                    if (n < 0 && errno == EINTR)
                        continue;
                    if (n < 0) {
                        if (errno != EPIPE)
                            produceError = fail(ErrorCode::Io, QStringLiteral("cannot write to the pipe: %1").arg(fs::errorText(errno)));
                        done = true;
                        break;
                    }
                    at += n;
                    left -= n;
                }
            }
            out.reset(-1); // the end of the stream for the applier
            const timespec now {};
            while (sigtimedwait(&pipeSignal, nullptr, &now) == SIGPIPE) { } // drops a pending SIGPIPE
        };
        std::thread producer;
        try {
            producer = std::thread(std::move(produce));
        } catch (const std::system_error &e) {
            return fail(ErrorCode::Io, QStringLiteral("%1: cannot start a thread: %2").arg(p.subject, QString::fromLocal8Bit(e.what())));
        }
        const QString subject = QStringLiteral("%1 (rebuilt from %2)").arg(p.subject, p.splitPath);
        auto staged = layers.stage(staging, QStringLiteral("/proc/self/fd/%1").arg(readEnd.get()), blob, p.diffId, p.parentChain, parentDiff, p.createdBy, subject, progress);
        readEnd.reset(-1); // a producer left writing (the applier stopped early) gets EPIPE
        producer.join();
        if (produceError)
            return fail(*produceError, p.subject + QStringLiteral(": "));
        return staged;
    }

    // For a tar the snapshot cannot reproduce (a sparse file, a path written twice), which
    // keeps its blob, as load keeps it.
    Result<QString> writeBlob(Staging &staging, Pending &p)
    {
        const QString path = staging.file(QStringLiteral("foreign-%1.tar").arg(p.chainId.hex()));
        p.split->rewind();
        BlobWriter writer;
        STRATA_TRY(writer.open(path));
        for (;;) {
            auto block = p.split->read();
            if (!block)
                return fail(block.takeError(), p.subject + QStringLiteral(": "));
            if (block->isEmpty())
                break;
            STRATA_TRY(writer.write(block->data(), size_t(block->size())));
        }
        auto written = writer.finish(BlobWriter::Sync::Now);
        if (!written)
            return written.takeError();
        if (written->digest != p.diffId)
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: the rebuilt tar hashes to %2, not to its diffID").arg(p.subject, written->digest.toString()));
        return path;
    }

    // The tag `ref` names (short names as the peers complete them: Docker Hub's library, podman's
    // localhost), or every tag of the image when `ref` names it by ID.
    Result<QStringList> tagsFor(const Image &image, const QString &ref)
    {
        const QString tag = ref.lastIndexOf(u':') > ref.lastIndexOf(u'/') ? ref : ref + QStringLiteral(":latest");
        QStringList raw;
        for (const QString &t : QStringList { ref, tag, QStringLiteral("docker.io/library/") + tag, QStringLiteral("localhost/") + tag }) {
            if (image.tags.contains(t)) {
                raw = { t };
                break;
            }
        }
        if (raw.isEmpty())
            raw = image.tags;
        QStringList tags;
        for (const QString &t : std::as_const(raw)) {
            auto normal = ImageStore::normalizeReference(t);
            if (!normal)
                return fail(ErrorCode::InvalidInput, QStringLiteral("the image's tag '%1' is not one Strata takes: %2").arg(t, normal.error()));
            if (!tags.contains(normal.value()))
                tags.append(normal.value());
        }
        return tags;
    }

} // namespace

ForeignCopier::ForeignCopier(Store &store)
    : m_store(store)
{
}

QString ForeignCopier::tarSplitPath(const QString &kind, const ForeignSnapshot::Layer &layer)
{
    if (kind == QLatin1String("podman"))
        return QStringLiteral("overlay-layers/%1.tar-split.gz").arg(layer.cacheId);
    return QStringLiteral("image/overlay2/layerdb/sha256/%1/tar-split.json.gz").arg(layer.chainId.hex());
}

Result<QStringList> ForeignCopier::copy(const ForeignSnapshot &snapshot, const QString &ref, const Progress &progress)
{
    auto found = snapshot.resolve(ref);
    if (!found)
        return found.takeError();
    const Image &image = found.value();
    const QString what = QStringLiteral("%1: image %2").arg(snapshot.description(), image.id.toString());
    auto error = [&](const QString &cause) { return fail(ErrorCode::InvalidInput, QStringLiteral("%1: %2").arg(what, cause)); };
    // The config is the image: copied byte for byte, it keeps the image ID, diffIDs and history.
    if (Sha256::of(image.configBytes) != image.id)
        return error(QStringLiteral("its config does not hash to its ID"));
    QJsonParseError perr;
    const QJsonObject config = QJsonDocument::fromJson(image.configBytes, &perr).object();
    if (perr.error != QJsonParseError::NoError)
        return error(QStringLiteral("its config is not valid JSON: %1").arg(perr.errorString()));
    const QJsonObject rootfs = config.value(QLatin1String("rootfs")).toObject();
    if (rootfs.value(QLatin1String("type")).toString() != QLatin1String("layers"))
        return error(QStringLiteral("its config's rootfs.type is not 'layers'"));
    QList<Digest> diffIds;
    for (const QJsonValue &v : rootfs.value(QLatin1String("diff_ids")).toArray()) {
        auto digest = Digest::parse(v.toString());
        if (!digest)
            return error(QStringLiteral("its config: %1").arg(digest.error()));
        diffIds.append(digest.value());
    }
    const QStringList createdBy = ImageDescription::layerInstructions(image);
    auto tags = tagsFor(image, ref);
    if (!tags)
        return error(tags.error());

    auto staging = m_store.newStaging();
    if (!staging)
        return staging.takeError();
    TransactionBuilder tx(m_store, staging.value());
    LayerStore layers(m_store);
    RootReader root(snapshot.root, snapshot.kind == QLatin1String("podman") ? QStringLiteral("containers/storage root") : QStringLiteral("Docker data root"));
    STRATA_TRY(root.open());

    // Every layer's tar-split is read whole before anything is extracted: a damaged one fails
    // the copy at once, and the totals are known.
    const QList<Digest> chains = chainIds(diffIds);
    QList<Descriptor> blobs(diffIds.size());
    std::vector<Pending> pending;
    qint64 total = 0;
    progress.begin(QStringLiteral("Reading the layers' tar-splits"), diffIds.size(), ProgressUpdate::Unit::Entries);
    for (qsizetype i = 0; i < diffIds.size(); ++i) {
        const Digest &chain = chains[i];
        if (layers.has(chain)) {
            auto record = layers.read(chain);
            if (!record)
                return record.takeError();
            blobs[i] = record->blob; // in the store already: the image names the blob it has
            progress.advance(1);
            continue;
        }
        const auto layer = snapshot.layers.constFind(chain);
        if (layer == snapshot.layers.constEnd())
            return error(QStringLiteral("its layer %1 (diffID %2) is not in the %3").arg(chain.toString(), diffIds[i].toString(), snapshot.description()));
        if (layer->diffId != diffIds[i])
            return error(QStringLiteral("its layer %1 has diffID %2, but the config names %3").arg(chain.toString(), layer->diffId.toString(), diffIds[i].toString()));
        Pending p;
        p.diffId = diffIds[i];
        p.chainId = chain;
        p.parentChain = i > 0 ? chains[i - 1] : Digest();
        p.createdBy = createdBy.value(i);
        p.subject = QStringLiteral("%1: layer %2").arg(what, chain.toString());
        const QString splitRel = tarSplitPath(snapshot.kind, layer.value());
        const QString prefix = snapshot.root + u'/';
        if (!layer->filesDir.startsWith(prefix))
            return error(QStringLiteral("its layer %1's folder %2 is not below the root").arg(chain.toString(), layer->filesDir));
        auto splitFd = root.openRel(splitRel, false);
        if (!splitFd)
            return fail(splitFd.takeError(),
                QStringLiteral("%1: its tar-split cannot be read, and a tar written afresh from its folder would have another diffID (so another image): ").arg(p.subject));
        auto dirFd = root.openRel(layer->filesDir.mid(prefix.size()), true);
        if (!dirFd)
            return fail(dirFd.takeError(), p.subject + QStringLiteral(": "));
        p.split = std::make_unique<ForeignTarSplit>();
        p.splitPath = root.path(splitRel);
        STRATA_TRY(p.split->open(std::move(splitFd.value()), p.splitPath, std::move(dirFd.value()), layer->filesDir));
        auto bytes = p.split->measure();
        if (!bytes)
            return fail(bytes.takeError(), p.subject + QStringLiteral(": "));
        p.tarBytes = bytes.value();
        total += p.tarBytes;
        blobs[i] = { MediaType::ociLayer, p.diffId, p.tarBytes };
        pending.push_back(std::move(p));
        progress.advance(1);
    }
    progress.finishPhase();

    // Overlay2 and btrfs snapshots hold only their own layer: the layers are staged side by
    // side, each with its producer thread reading the peer's files (a big file's hashing
    // overlaps a small-file layer's metadata work). A vfs snapshot starts as a copy of its
    // parent's: one after the other.
    if (!pending.empty())
        progress.begin(pending.size() == 1 ? QStringLiteral("Copying 1 layer") : QStringLiteral("Copying %1 layers").arg(pending.size()), total);
    std::vector<std::optional<Result<StagedLayer>>> staged(pending.size());
    auto stageOne = [&](size_t i, const QString &parentDiff) {
        Pending &p = pending[i];
        staged[i] = stageStreamed(layers, staging.value(), p, { MediaType::ociLayer, p.diffId, p.tarBytes }, parentDiff, progress);
    };
    if (m_store.driver().preparesInParallel()) {
        if (const QString startFailure = runInParallel(qsizetype(pending.size()), [&](qsizetype i) { stageOne(size_t(i), QString()); }); !startFailure.isEmpty())
            return error(QStringLiteral("cannot start a thread to copy layers: %1").arg(startFailure));
    } else {
        QHash<Digest, QString> stagedDiffs; // chainID -> staged diff directory
        for (size_t i = 0; i < pending.size(); ++i) {
            const Digest &parent = pending[i].parentChain;
            stageOne(i, parent.isNull() ? QString() : stagedDiffs.value(parent, layers.diffDir(parent)));
            if (!*staged[i])
                break;
            stagedDiffs.insert(pending[i].chainId, staged[i]->value().dir + QStringLiteral("/diff"));
        }
    }
    for (size_t i = 0; i < pending.size(); ++i) {
        if (!staged[i])
            continue; // not started after an earlier failure
        if (!*staged[i])
            return staged[i]->takeError();
        const StagedLayer &layer = staged[i]->value();
        tx.addStagedLayer(layer);
        if (!layer.record.tarSplit) {
            auto blobPath = writeBlob(staging.value(), pending[i]);
            if (!blobPath)
                return blobPath.takeError();
            tx.addBlob(blobPath.value(), pending[i].diffId);
        }
    }
    progress.finishPhase();

    tx.addImage(image.configBytes, blobs, tags.value());
    STRATA_TRY(progress.checkCancelled(QStringLiteral("copy of %1").arg(what)));
    auto ids = tx.commit();
    if (!ids)
        return ids.takeError();
    QStringList lines;
    if (tags->isEmpty())
        lines << QStringLiteral("Loaded image ID: %1").arg(ids->first().toString());
    for (const QString &tag : tags.value())
        lines << QStringLiteral("Loaded image: %1").arg(tag);
    return lines;
}

} // namespace strata
