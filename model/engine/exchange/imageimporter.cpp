#include "imageimporter.h"

#include "blobwriter.h"
#include "fsutil.h"
#include "imagestore.h"
#include "layerstore.h"
#include "layerwriter.h"
#include "transactionbuilder.h"
#include "store.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace strata {

namespace {

    Status copyInto(const QString &source, BlobWriter &out)
    {
        int fd = open(QFile::encodeName(source).constData(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return fail(QStringLiteral("%1: cannot read: %2").arg(source, fs::errorText(errno)));
        QByteArray buffer(1 << 20, Qt::Uninitialized);
        Status s;
        ssize_t n;
        while (s && (n = read(fd, buffer.data(), size_t(buffer.size()))) > 0)
            s = out.write(buffer.constData(), size_t(n));
        close(fd);
        return s;
    }

    // Shell form becomes ["/bin/sh","-c",…]; a JSON array is taken as it is.
    QJsonArray commandValue(const QString &text)
    {
        const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8());
        if (doc.isArray())
            return doc.array();
        return QJsonArray { QStringLiteral("/bin/sh"), QStringLiteral("-c"), text };
    }

    Status applyChange(QJsonObject &config, const QString &change)
    {
        const QString trimmed = change.trimmed();
        const qsizetype space = trimmed.indexOf(u' ');
        const QString keyword = trimmed.left(space).toUpper();
        const QString arg = space < 0 ? QString() : trimmed.mid(space + 1).trimmed();
        if (arg.isEmpty())
            return fail(QStringLiteral("change '%1': missing argument").arg(change));
        if (keyword == QLatin1String("CMD")) {
            config.insert(QStringLiteral("Cmd"), commandValue(arg));
        } else if (keyword == QLatin1String("ENTRYPOINT")) {
            config.insert(QStringLiteral("Entrypoint"), commandValue(arg));
        } else if (keyword == QLatin1String("WORKDIR")) {
            config.insert(QStringLiteral("WorkingDir"), arg);
        } else if (keyword == QLatin1String("USER")) {
            config.insert(QStringLiteral("User"), arg);
        } else if (keyword == QLatin1String("ENV")) {
            QString kv = arg;
            if (!kv.contains(u'='))
                kv.replace(kv.indexOf(u' '), 1, u'=');
            const QString key = kv.left(kv.indexOf(u'='));
            QJsonArray env = config.value(QLatin1String("Env")).toArray();
            for (qsizetype i = env.size() - 1; i >= 0; --i) {
                if (env[i].toString().startsWith(key + u'='))
                    env.removeAt(i);
            }
            env.append(kv);
            config.insert(QStringLiteral("Env"), env);
        } else {
            return fail(QStringLiteral("change '%1': only CMD, ENTRYPOINT, ENV, WORKDIR and USER can be changed on import").arg(change));
        }
        return {};
    }

} // namespace

ImageImporter::ImageImporter(Store &store)
    : m_store(store)
{
}

Result<Digest> ImageImporter::import(const QString &source, const QString &reference, const QStringList &changes, const Progress &progress)
{
    auto normalized = ImageStore::normalizeOptionalReference(reference);
    if (!normalized)
        return normalized.takeError();
    const QString tag = normalized.value();
    QJsonObject runConfig { { QStringLiteral("Env"), QJsonArray { QStringLiteral("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin") } } };
    for (const QString &change : changes)
        STRATA_TRY(applyChange(runConfig, change));

    const QFileInfo info(source);
    if (!info.exists())
        return fail(ErrorCode::NotFound, QStringLiteral("%1: no such file or directory").arg(source));
    auto staging = m_store.newStaging();
    if (!staging)
        return staging.takeError();
    const QString blobPath = staging->file(QStringLiteral("layer.blob"));
    BlobWriter writer;
    if (info.isDir()) {
        progress.begin(QStringLiteral("Reading %1").arg(info.fileName()), -1);
        STRATA_TRY(writer.open(blobPath, progress));
        STRATA_TRY(LayerWriter::writeTree(source, writer));
    } else {
        progress.begin(QStringLiteral("Reading %1").arg(info.fileName()), info.size());
        STRATA_TRY(writer.open(blobPath, progress));
        STRATA_TRY(copyInto(source, writer));
    }
    progress.finishPhase();
    auto written = writer.finish(BlobWriter::Sync::Later); // kept only as snapshot and tar-split, or synced as it moves in
    if (!written)
        return written.takeError();
    QFile head(blobPath);
    head.open(QIODevice::ReadOnly);
    const Descriptor blob { MediaType::forLayerBytes(head.read(4)), written->digest, written->size };
    head.close();

    const QString createdBy = QStringLiteral("stratactl import %1").arg(info.fileName());
    TransactionBuilder tx(m_store, staging.value());
    progress.begin(QStringLiteral("Extracting the layer"), blob.size);
    auto staged = tx.addLayer(blobPath, blob, {}, {}, createdBy, QStringLiteral("import of %1").arg(source), progress);
    if (!staged)
        return staged.takeError();
    progress.finishPhase();

    const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    QJsonObject config {
        { QStringLiteral("architecture"), QStringLiteral("amd64") },
        { QStringLiteral("os"), QStringLiteral("linux") },
        { QStringLiteral("created"), now },
        { QStringLiteral("config"), runConfig },
        { QStringLiteral("rootfs"), QJsonObject { { QStringLiteral("type"), QStringLiteral("layers") }, { QStringLiteral("diff_ids"), QJsonArray { staged->record.diffId.toString() } } } },
        { QStringLiteral("history"), QJsonArray { QJsonObject { { QStringLiteral("created"), now }, { QStringLiteral("created_by"), createdBy }, { QStringLiteral("comment"), QStringLiteral("Imported from %1").arg(info.fileName()) } } } },
    };
    tx.addImage(QJsonDocument(config).toJson(QJsonDocument::Compact), { blob }, tag.isEmpty() ? QStringList() : QStringList { tag });
    auto ids = tx.commit();
    if (!ids)
        return ids.takeError();
    return ids->first();
}

} // namespace strata
