#include "containercommitter.h"

#include "blobwriter.h"
#include "containerstore.h"
#include "imagestore.h"
#include "layerstore.h"
#include "layerwriter.h"
#include "store.h"
#include "transactionbuilder.h"

#include <QFile>
#include <QScopeGuard>
#include <QJsonArray>
#include <QJsonDocument>

#include <unistd.h>

namespace strata {

ContainerCommitter::ContainerCommitter(Store &store)
    : m_store(store)
{
}

Result<Digest> ContainerCommitter::commit(const Container &container, const QString &reference, const QString &message, const Progress &progress)
{
    const ContainerConfig &c = container.config;
    auto normalized = ImageStore::normalizeOptionalReference(reference);
    if (!normalized)
        return normalized.takeError();
    const QString tag = normalized.value();
    ContainerStore containers(m_store);
    // A stopped container stays stopped while its layer is read. A running one is read as it
    // is (Docker pauses it; Strata has no freezer): a file that changes meanwhile fails the commit.
    int idleLock = -1;
    const auto unlock = qScopeGuard([&] {
        if (idleLock >= 0)
            close(idleLock);
    });
    if (!containers.state(c.id).running()) {
        auto lock = containers.lockIdle(container);
        if (!lock)
            return lock.takeError();
        idleLock = lock.value();
    }
    auto image = ImageStore(m_store).resolve(c.imageId.toString());
    if (!image)
        return fail(QStringLiteral("container %1: its image is gone: %2").arg(c.name, image.error()));
    auto changes = containers.changes(container);
    if (!changes)
        return changes.takeError();

    auto staging = m_store.newStaging();
    if (!staging)
        return staging.takeError();
    const QString blobPath = staging->file(QStringLiteral("layer.tar"));
    BlobWriter writer;
    progress.begin(QStringLiteral("Writing the layer of %1").arg(c.name), -1);
    STRATA_TRY(writer.open(blobPath, progress));
    STRATA_TRY(LayerWriter::writeChanges(containers.upperDir(c.id), changes.value(), writer, LayerWriter::RootOwner::forStore(m_store.rootless())));
    progress.finishPhase();
    auto written = writer.finish(BlobWriter::Sync::Later); // kept only as snapshot and tar-split, or synced as it moves in
    if (!written)
        return written.takeError();
    const Descriptor blob { MediaType::ociLayer, written->digest, written->size };

    const QString createdBy = QStringLiteral("stratactl commit %1 (%2)").arg(c.name, c.args().join(u' '));
    TransactionBuilder tx(m_store, staging.value());
    const Digest parentChain = image->layers.isEmpty() ? Digest() : image->layers.last().chainId;
    progress.begin(QStringLiteral("Extracting the layer"), blob.size);
    auto staged = tx.addLayer(blobPath, blob, written->digest, parentChain, createdBy, QStringLiteral("commit of container %1").arg(c.name), progress);
    if (!staged)
        return staged.takeError();

    // The image's config, with the container's command and environment, one more diffID and
    // one more history entry.
    QJsonObject config = image->config;
    const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    QJsonObject run = config.value(QLatin1String("config")).toObject();
    run.insert(QStringLiteral("Cmd"), QJsonArray::fromStringList(c.cmd));
    run.insert(QStringLiteral("Entrypoint"), c.entrypoint.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(QJsonArray::fromStringList(c.entrypoint)));
    run.insert(QStringLiteral("Env"), QJsonArray::fromStringList(c.env));
    run.insert(QStringLiteral("WorkingDir"), c.workingDir == QLatin1String("/") ? QString() : c.workingDir);
    run.insert(QStringLiteral("User"), c.user);
    config.insert(QStringLiteral("config"), run);
    config.insert(QStringLiteral("created"), now);
    QJsonObject rootfs = config.value(QLatin1String("rootfs")).toObject();
    QJsonArray diffIds = rootfs.value(QLatin1String("diff_ids")).toArray();
    diffIds.append(staged->record.diffId.toString());
    rootfs.insert(QStringLiteral("diff_ids"), diffIds);
    config.insert(QStringLiteral("rootfs"), rootfs);
    QJsonArray history = config.value(QLatin1String("history")).toArray();
    QJsonObject entry { { QStringLiteral("created"), now }, { QStringLiteral("created_by"), createdBy } };
    if (!message.isEmpty())
        entry.insert(QStringLiteral("comment"), message);
    history.append(entry);
    config.insert(QStringLiteral("history"), history);

    QList<Descriptor> descriptors;
    for (const ImageLayer &l : image->layers)
        descriptors.append(l.blob);
    descriptors.append(blob);
    tx.addImage(QJsonDocument(config).toJson(QJsonDocument::Compact), descriptors, tag.isEmpty() ? QStringList() : QStringList { tag });
    auto ids = tx.commit();
    if (!ids)
        return ids.takeError();
    return ids->first();
}

} // namespace strata
