#include "layerstore.h"

#include "blobwriter.h"
#include "fsutil.h"
#include "staging.h"
#include "store.h"
#include "tarsplit.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>

#include <cerrno>
#include <cstdio>
#include <unistd.h>

namespace strata {

LayerStore::LayerStore(Store &store)
    : m_store(store)
{
}

QString LayerStore::snapshotDir(const Digest &chainId) const
{
    return m_store.layersDir() + u'/' + chainId.hex();
}

bool LayerStore::has(const Digest &chainId) const
{
    return fs::exists(snapshotDir(chainId) + QStringLiteral("/layer.json"));
}

Result<LayerRecord> LayerStore::read(const Digest &chainId) const
{
    const QString path = snapshotDir(chainId) + QStringLiteral("/layer.json");
    auto bytes = fs::readFile(path, 1024 * 1024);
    if (!bytes)
        return fail(QStringLiteral("layer %1: %2").arg(chainId.toString(), bytes.error()));
    auto r = LayerRecord::fromJson(QJsonDocument::fromJson(bytes.value()).object());
    if (!r || r->chainId != chainId)
        return fail(ErrorCode::InvalidInput, QStringLiteral("layer %1: layer.json is invalid or names another layer").arg(chainId.toString()));
    return r;
}

bool LayerStore::hasBlob(const LayerRecord &record, const Digest &blob) const
{
    return (record.tarSplit && record.blob.digest == blob) || m_store.content().has(blob);
}

Status LayerStore::openTar(const LayerRecord &record, TarSplitReader &reader) const
{
    return reader.open(tarSplitPath(record.chainId), diffDir(record.chainId), record.diffId, record.blob.size, QStringLiteral("layer %1").arg(record.chainId.toString()));
}

QStringList LayerStore::listNames() const
{
    return QDir(m_store.layersDir()).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
}

Result<StagedLayer> LayerStore::stage(Staging &staging, const BlobSource &blobPath, const Descriptor &blob, const Digest &expectedDiffId,
    const Digest &parentChain, const QString &parentDiffDir, const QString &createdBy, const QString &subject, const Progress &progress)
{
    STRATA_TRY(progress.checkCancelled(subject));
    StagedLayer out;
    out.dir = staging.file(QStringLiteral("layer-%1").arg(++m_staged));
    if (fs::exists(out.dir))
        STRATA_TRY(fs::removeTree(out.dir));
    const QString diff = out.dir + QStringLiteral("/diff");
    STRATA_TRY(m_store.driver().prepare(diff, parentDiffDir));
    ApplyOptions options = m_store.driver().applyOptions(subject);
    options.progress = progress;
    // An uncompressed blob is its own tar stream: it is kept as the snapshot and its tar-split.
    const bool mayBeTar = blob.mediaType != MediaType::ociLayerGzip && blob.mediaType != MediaType::ociLayerZstd;
    if (mayBeTar)
        options.tarSplitPath = out.dir + QStringLiteral("/tar-split");
    auto applied = LayerApplier::apply(blobPath, diff, options);
    if (!applied)
        return applied.takeError();
    out.compressed = applied->compressed;
    if (applied->tarSplit && (applied->compressed || applied->diffId != blob.digest)) { // compressed after all (xz, bzip2)
        applied->tarSplit = false;
        if (::unlink(QFile::encodeName(options.tarSplitPath).constData()) != 0)
            return fail(QStringLiteral("%1: cannot remove %2: %3").arg(subject, options.tarSplitPath, fs::errorText(errno)));
    }
    if (!expectedDiffId.isNull() && applied->diffId != expectedDiffId)
        return fail(QStringLiteral("%1: the image config names diffID %2, but the content hashes to %3").arg(subject, expectedDiffId.toString(), applied->diffId.toString()));
    LayerRecord &r = out.record;
    r.diffId = applied->diffId;
    r.parent = parentChain;
    r.chainId = parentChain.isNull() ? r.diffId : chainIds({ parentChain, r.diffId }).last();
    // chainIds() treats its first element as a diffID, which is exactly chain(parent) here.
    r.blob = blob;
    r.size = applied->size;
    auto tree = fs::treeStats(diff);
    if (!tree)
        return fail(QStringLiteral("%1: %2").arg(subject, tree.error()));
    r.treeBytes = tree->bytes;
    r.treeEntries = tree->entries;
    r.createdBy = createdBy;
    r.tarSplit = applied->tarSplit;
    STRATA_TRY(fs::writeFileAtomic(out.dir + QStringLiteral("/layer.json"), QJsonDocument(r.toJson()).toJson()));
    return out;
}

Status LayerStore::adopt(const StagedLayer &layer)
{
    if (has(layer.record.chainId))
        return {};
    const QString target = snapshotDir(layer.record.chainId);
    if (fs::exists(target))
        STRATA_TRY(fs::removeTree(target)); // a damaged leftover without layer.json
    if (std::rename(QFile::encodeName(layer.dir).constData(), QFile::encodeName(target).constData()) != 0)
        return fail(QStringLiteral("layer %1: cannot move into the store: %2").arg(layer.record.chainId.toString(), fs::errorText(errno)));
    return {};
}

Status LayerStore::rebuild(const LayerRecord &record, Staging &staging)
{
    const QString subject = QStringLiteral("layer %1").arg(record.chainId.toString());
    QString source = m_store.content().blobPath(record.blob.digest);
    if (!m_store.content().has(record.blob.digest)) {
        if (!record.tarSplit)
            return fail(QStringLiteral("%1: its blob %2 is missing, so it cannot be re-extracted").arg(subject, record.blob.digest.toString()));
        // Kept as snapshot and tar-split: extracted again from its own tar, rebuilt from the
        // damaged snapshot, which works while every file's content is intact.
        source = staging.file(QStringLiteral("rebuilt-%1.tar").arg(record.chainId.hex()));
        TarSplitReader reader;
        STRATA_TRY(openTar(record, reader));
        BlobWriter writer;
        STRATA_TRY(writer.open(source, {}));
        for (;;) {
            auto block = reader.read();
            if (!block)
                return block.takeError();
            if (block->isEmpty())
                break;
            STRATA_TRY(writer.write(block->data(), size_t(block->size())));
        }
        auto written = writer.finish(BlobWriter::Sync::Later);
        if (!written)
            return written.takeError();
    }
    // A driver that builds on the parent's snapshot fails plainly when it is missing.
    const QString parentDiff = record.parent.isNull() ? QString() : diffDir(record.parent);
    auto staged = stage(staging, source, record.blob, record.diffId, record.parent, parentDiff, record.createdBy, subject);
    if (!staged)
        return staged.takeError();
    if (staged->record.tarSplit) // the layer's only copy from now on
        STRATA_TRY(fs::syncFilesystem(staging.path()));
    STRATA_TRY(remove(record.chainId, staging));
    return adopt(staged.value());
}

Status LayerStore::rewriteRecord(const LayerRecord &want, qint64 size)
{
    LayerRecord r = want;
    r.size = size;
    r.tarSplit = true;
    auto tree = fs::treeStats(diffDir(want.chainId));
    if (!tree)
        return fail(QStringLiteral("layer %1: %2").arg(want.chainId.toString(), tree.error()));
    r.treeBytes = tree->bytes;
    r.treeEntries = tree->entries;
    return fs::writeFileAtomic(snapshotDir(want.chainId) + QStringLiteral("/layer.json"), QJsonDocument(r.toJson()).toJson());
}

Status LayerStore::remove(const Digest &chainId, Staging &trash)
{
    const QString dir = snapshotDir(chainId);
    if (!fs::exists(dir))
        return {};
    // Renamed away first so the layer vanishes at once; the slow delete happens in staging.
    const QString away = trash.file(QStringLiteral("trash-") + chainId.hex());
    if (std::rename(QFile::encodeName(dir).constData(), QFile::encodeName(away).constData()) != 0)
        return fail(QStringLiteral("layer %1: cannot remove: %2").arg(chainId.toString(), fs::errorText(errno)));
    return fs::removeTree(away);
}

} // namespace strata
