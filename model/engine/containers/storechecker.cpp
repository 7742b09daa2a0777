#include "storechecker.h"

#include "containerstore.h"
#include "volumestore.h"

#include "fsutil.h"
#include "garbagecollector.h"
#include "imagestore.h"
#include "layerstore.h"
#include "store.h"
#include "storeopen.h"

#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QSet>

#include <algorithm>
#include <functional>

namespace strata {

StoreChecker::StoreChecker(Store &store)
    : m_store(store)
{
}

namespace {
    QString blobKey(const Digest &digest, qint64 size)
    {
        return digest.hex() + u'/' + QString::number(size);
    }

    QString listed(const QList<QByteArray> &paths)
    {
        QStringList shown;
        for (qsizetype i = 0; i < std::min<qsizetype>(paths.size(), 5); ++i)
            shown << u'\'' + QString::fromUtf8(paths[i]) + u'\'';
        if (paths.size() > 5)
            shown << QStringLiteral("and %1 more").arg(paths.size() - 5);
        return shown.join(QStringLiteral(", "));
    }
}

StoreChecker::AuditEntry StoreChecker::audit(const Digest &chain, const Digest &parent, const Digest &diffId, qint64 size) const
{
    LayerStore layers(m_store);
    // A driver whose snapshots start from their parents' holds whole trees: entries of the one
    // below are expected too.
    const QString below = m_store.driver().preparesInParallel() || parent.isNull() ? QString() : layers.diffDir(parent);
    auto audited = auditSnapshot(layers.tarSplitPath(chain), layers.diffDir(chain), below, diffId, size, QStringLiteral("layer %1").arg(chain.toString()));
    if (!audited)
        return { audited.takeError(), {} };
    return { {}, audited.value() };
}

Status StoreChecker::verifyContent(const Progress &progress)
{
    // Blobs and snapshots never change once they are in the store, so what this finds without
    // the lock still holds under it; whatever appears meanwhile is verified under the lock.
    auto entries = ImageIndex::read(m_store.indexPath());
    if (!entries)
        return {}; // reported under the lock
    ImageStore images(m_store);
    LayerStore layers(m_store);
    QList<QPair<Digest, qint64>> blobs;
    QList<Digest> chains;
    struct Split {
        Digest chain, parent, diffId;
        qint64 size;
    };
    QList<Split> splits;
    QSet<QString> seen;
    qint64 bytes = 0;
    for (const IndexEntry &e : entries.value()) {
        auto image = images.loadEntry(e);
        if (!image)
            continue;
        const auto want = [&](const Digest &d, qint64 size) {
            if (seen.contains(blobKey(d, size)))
                return;
            seen.insert(blobKey(d, size));
            blobs.append({ d, size });
            bytes += qMax<qint64>(size, 0);
        };
        want(image->id, -1);
        Digest parent;
        for (const ImageLayer &l : image->layers) {
            if (!chains.contains(l.chainId)) {
                chains.append(l.chainId);
                if (auto record = layers.read(l.chainId); record && record->tarSplit && record->blob.digest == l.blob.digest) {
                    splits.append({ l.chainId, parent, l.diffId, l.blob.size });
                    bytes += l.blob.size;
                }
            }
            const bool rebuilt = !m_store.content().has(l.blob.digest) && std::any_of(splits.cbegin(), splits.cend(), [&](const Split &s) { return s.chain == l.chainId; });
            if (!rebuilt) // else its tar is rebuilt from the snapshot, audited below
                want(l.blob.digest, l.blob.size);
            parent = l.chainId;
        }
    }
    progress.begin(QStringLiteral("Verifying blobs and rebuilding layer tars"), bytes);
    for (const auto &[digest, size] : std::as_const(blobs)) {
        Status s = m_store.content().verify(digest, size, progress);
        if (s.code() == ErrorCode::Cancelled)
            return s;
        m_blobResults.insert(blobKey(digest, size), s);
    }
    for (const Split &split : std::as_const(splits)) {
        STRATA_TRY(progress.checkCancelled(QStringLiteral("check of %1").arg(m_store.root())));
        m_audits.insert(split.chain, audit(split.chain, split.parent, split.diffId, split.size));
        progress.advance(split.size);
    }
    progress.finishPhase();
    progress.begin(QStringLiteral("Walking layer snapshots"), chains.size(), ProgressUpdate::Unit::Entries);
    for (const Digest &chain : std::as_const(chains)) {
        STRATA_TRY(progress.checkCancelled(QStringLiteral("check of %1").arg(m_store.root())));
        auto tree = fs::treeStats(layers.diffDir(chain));
        m_treeResults.insert(chain, tree ? TreeEntry { true, tree.value(), {} } : TreeEntry { false, {}, tree.error() });
        progress.advance(1);
    }
    progress.finishPhase();
    return {};
}

Result<QList<StoreChecker::Problem>> StoreChecker::run(bool repair, const Progress &progress)
{
    STRATA_TRY(verifyContent(progress));
    const auto verifyBlob = [&](const Digest &digest, qint64 size) {
        if (auto it = m_blobResults.constFind(blobKey(digest, size)); it != m_blobResults.constEnd())
            return it.value();
        return m_store.content().verify(digest, size);
    };
    const auto treeStats = [&](const Digest &chain, const QString &dir) -> Result<fs::TreeStats> {
        if (auto it = m_treeResults.constFind(chain); it != m_treeResults.constEnd())
            return it->ok ? Result<fs::TreeStats>(it->stats) : Result<fs::TreeStats>(fail(ErrorCode::Io, it->error));
        return fs::treeStats(dir);
    };

    QList<Problem> problems;
    auto report = [&](const QString &message, auto &&fix, bool advice = false) {
        Problem p { message, false, {}, advice };
        if (repair) {
            Status s = fix();
            p.repaired = s.ok();
            p.repairError = s.error();
        }
        problems.append(p);
    };
    auto cannot = [](const QString &why) { return [why]() -> Status { return fail(why); }; };

    auto trash = m_store.newStaging();
    if (!trash)
        return trash.takeError();
    StoreLockGuard guard(m_store.lock());
    STRATA_TRY(guard.status());

    ContentStore &content = m_store.content();
    ImageStore images(m_store);
    LayerStore layers(m_store);

    if (!fs::exists(m_store.imagesDir() + QStringLiteral("/oci-layout")))
        report(QStringLiteral("images/oci-layout is missing: the store is not a valid OCI image layout"),
            [&] { return fs::writeFileAtomic(m_store.imagesDir() + QStringLiteral("/oci-layout"), R"({"imageLayoutVersion":"1.0.0"})"); });

    auto entries = ImageIndex::read(m_store.indexPath());
    if (!entries) {
        report(QStringLiteral("images/index.json is unreadable: %1").arg(entries.error()), cannot(QStringLiteral("the index must be restored by hand")));
        return problems;
    }

    // Tags and manifests.
    QList<IndexEntry> kept;
    QSet<Digest> checkedBlobs;
    QHash<Digest, LayerRecord> wanted; // chainID -> what its snapshot must be
    bool indexChanged = false;
    for (const IndexEntry &e : entries.value()) {
        const QString name = e.refName.isEmpty() ? QStringLiteral("untagged image %1").arg(e.manifest.digest.toString()) : QStringLiteral("tag '%1'").arg(e.refName);
        Status manifest = verifyBlob(e.manifest.digest, e.manifest.size);
        if (!manifest) {
            report(QStringLiteral("dangling %1: %2").arg(name, manifest.error()), [&] { indexChanged = true; return Status {}; });
            if (!repair)
                kept.append(e);
            continue;
        }
        kept.append(e);
        auto image = images.loadEntry(e);
        if (!image) {
            report(QStringLiteral("%1: %2").arg(name, image.error()), cannot(QStringLiteral("the image's config or manifest is damaged")));
            continue;
        }
        if (!checkedBlobs.contains(image->id)) {
            checkedBlobs.insert(image->id);
            if (Status s = verifyBlob(image->id, -1); !s)
                report(QStringLiteral("%1: config %2").arg(name, s.error()), cannot(QStringLiteral("a config cannot be recreated")));
        }
        Digest parent;
        for (const ImageLayer &l : image->layers) {
            auto stored = layers.read(l.chainId);
            // Kept as snapshot and tar-split (also when only its layer.json was lost).
            const bool split = stored ? stored->tarSplit && stored->blob.digest == l.blob.digest : fs::exists(layers.tarSplitPath(l.chainId));
            if (!checkedBlobs.contains(l.blob.digest) && !(split && !content.has(l.blob.digest))) {
                checkedBlobs.insert(l.blob.digest);
                if (Status s = verifyBlob(l.blob.digest, l.blob.size); !s)
                    report(QStringLiteral("%1: layer %2: %3").arg(name, l.diffId.toString(), s.error()), cannot(QStringLiteral("the layer blob must be loaded again")));
            }
            LayerRecord r;
            r.chainId = l.chainId;
            r.diffId = l.diffId;
            r.parent = parent;
            r.blob = l.blob;
            r.tarSplit = split;
            wanted.insert(l.chainId, r);
            parent = l.chainId;
        }
    }
    if (repair && indexChanged) {
        STRATA_TRY(ImageIndex::write(m_store.indexPath(), kept));
        m_store.lock().bumpChangeCounter(ChangeScope::Images);
    }

    // Snapshots, parents first so a vfs rebuild finds its parent whole.
    QList<Digest> order;
    QSet<Digest> placed;
    std::function<void(const Digest &)> visit = [&](const Digest &c) {
        if (placed.contains(c))
            return;
        placed.insert(c);
        if (!wanted[c].parent.isNull())
            visit(wanted[c].parent);
        order.append(c);
    };
    for (auto it = wanted.cbegin(); it != wanted.cend(); ++it)
        visit(it.key());
    const auto auditOf = [&](const LayerRecord &want) {
        if (auto it = m_audits.constFind(want.chainId); it != m_audits.constEnd())
            return it.value();
        return audit(want.chainId, want.parent, want.diffId, want.blob.size);
    };
    const QString onlyCopy = QStringLiteral("the snapshot is the layer's only copy (it is kept with its tar-split, not as a blob): load or pull the image again");
    for (const Digest &chain : order) {
        const LayerRecord &want = wanted[chain];
        auto record = layers.read(chain);
        const QString label = QStringLiteral("snapshot of layer %1").arg(chain.toString());
        if (record && record->tarSplit && record->diffId == want.diffId) {
            if (Status kind = m_store.driver().checkSnapshot(layers.diffDir(chain)); !kind) {
                report(QStringLiteral("%1 %2").arg(label, kind.error()), [&] { return layers.rebuild(record.value(), trash.value()); });
                continue;
            }
            const AuditEntry audited = auditOf(want);
            const bool blobKept = content.has(want.blob.digest);
            if (!audited.status) {
                report(audited.status.error(), [&]() -> Status { // it names the layer
                    if (!blobKept)
                        return fail(onlyCopy);
                    return layers.rebuild(record.value(), trash.value());
                });
                continue;
            }
            // Every file's content is intact, so the snapshot can be extracted again from the
            // tar rebuilt from it.
            QStringList differences;
            if (!audited.audit.extra.isEmpty())
                differences << QStringLiteral("holds %1 entries its layer does not: %2").arg(audited.audit.extra.size()).arg(listed(audited.audit.extra));
            if (!audited.audit.missing.isEmpty())
                differences << QStringLiteral("lacks %1 entries of its layer: %2").arg(audited.audit.missing.size()).arg(listed(audited.audit.missing));
            if (!audited.audit.changed.isEmpty())
                differences << QStringLiteral("has %1 entries of another type or mode than its layer's: %2").arg(audited.audit.changed.size()).arg(listed(audited.audit.changed));
            if (!differences.isEmpty())
                report(QStringLiteral("%1 %2").arg(label, differences.join(QStringLiteral("; it "))), [&] { return layers.rebuild(record.value(), trash.value()); });
            continue;
        }
        QString damage;
        if (!fs::isDirectory(layers.snapshotDir(chain)))
            damage = QStringLiteral("is missing");
        else if (!record && fs::exists(layers.tarSplitPath(chain))) {
            // The metadata of a layer kept as snapshot and tar-split: rewritten from the two.
            report(QStringLiteral("%1 has no valid layer.json").arg(label), [&]() -> Status {
                const AuditEntry audited = auditOf(want);
                STRATA_TRY(audited.status);
                if (!audited.audit.extra.isEmpty() || !audited.audit.missing.isEmpty() || !audited.audit.changed.isEmpty())
                    return fail(QStringLiteral("its entries differ from its tar-split's too: %1").arg(listed(audited.audit.extra + audited.audit.missing + audited.audit.changed)));
                return layers.rewriteRecord(want, audited.audit.size);
            });
            continue;
        } else if (!record)
            damage = QStringLiteral("has no valid layer.json");
        else if (record->diffId != want.diffId)
            damage = QStringLiteral("records diffID %1 instead of %2").arg(record->diffId.toString(), want.diffId.toString());
        else if (Status kind = m_store.driver().checkSnapshot(layers.diffDir(chain)); !kind)
            damage = kind.error();
        else if (auto tree = treeStats(chain, layers.diffDir(chain)); !tree)
            damage = QStringLiteral("cannot be read: %1").arg(tree.error());
        else if (tree->bytes != record->treeBytes || tree->entries != record->treeEntries)
            damage = QStringLiteral("is damaged: %1 entries and %2 bytes on disk, %3 entries and %4 bytes when extracted")
                         .arg(tree->entries)
                         .arg(tree->bytes)
                         .arg(record->treeEntries)
                         .arg(record->treeBytes);
        if (damage.isEmpty() && record->blob.digest == record->diffId && content.has(record->blob.digest)) {
            // An uncompressed layer an older Strata kept as blob and snapshot both: extracted
            // again from the blob, with its tar-split, the blob is not needed.
            const qint64 twice = content.size(record->blob.digest);
            report(QStringLiteral("layer %1 keeps its uncompressed blob beside its snapshot, as stores made before tar-splits did: %2 bytes stored twice").arg(chain.toString()).arg(twice),
                [&]() -> Status {
                    STRATA_TRY(layers.rebuild(record.value(), trash.value()));
                    auto now = layers.read(chain);
                    if (!now || !now->tarSplit)
                        return fail(QStringLiteral("its tar cannot be rebuilt from a snapshot, so the blob stays"));
                    for (auto it = wanted.cbegin(); it != wanted.cend(); ++it) {
                        if (it.key() == chain || it->blob.digest != record->blob.digest)
                            continue;
                        if (auto other = layers.read(it.key()); !other || !other->tarSplit)
                            return {}; // another layer still reads the blob
                    }
                    return content.remove(record->blob.digest);
                },
                true);
            continue;
        }
        if (damage.isEmpty())
            continue;
        LayerRecord rebuild = record ? record.value() : want;
        rebuild.blob = want.blob;
        rebuild.parent = want.parent;
        rebuild.diffId = want.diffId;
        report(QStringLiteral("%1 %2").arg(label, damage), [&] { return layers.rebuild(rebuild, trash.value()); });
    }

    // Orphans: snapshots and blobs nothing references.
    auto refs = GarbageCollector(m_store).references(GarbageCollector::Unreadable::Skip);
    if (!refs)
        return refs.takeError();
    for (const QString &name : layers.listNames()) {
        auto chain = Digest::fromHex(name);
        if (chain && refs->chains.contains(chain.value()))
            continue;
        report(QStringLiteral("orphan snapshot %1/%2: no image uses it").arg(m_store.relative(m_store.layersDir()), name),
            [&] { return fs::removeTree(m_store.layersDir() + u'/' + name); });
    }
    const QString blobDir = m_store.imagesDir() + QStringLiteral("/blobs/sha256");
    for (const QString &name : QDir(blobDir).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot)) {
        auto digest = Digest::fromHex(name);
        if (!digest) {
            report(QStringLiteral("stray file images/blobs/sha256/%1: not a blob name").arg(name), [&] { return fs::removeTree(blobDir + u'/' + name); });
        } else if (!refs->blobs.contains(digest.value())) {
            report(QStringLiteral("unreferenced blob %1").arg(digest->toString()), [&] { return content.remove(digest.value()); });
        }
    }

    // Containers: each must be readable, have its writable layer, and find its image, the
    // snapshots its lower/ links name and its volumes. A dead container (its monitor killed)
    // is a state, not damage: ps shows it and rm removes it.
    ContainerStore containers(m_store);
    VolumeStore volumes(m_store);
    const QString containersDir = m_store.root() + QStringLiteral("/containers");
    const QStringList containerNames = QDir(containersDir).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
    const bool anyContainer = std::any_of(containerNames.cbegin(), containerNames.cend(), [](const QString &n) { return n != QLatin1String(".init"); });
    if (anyContainer && !fs::isDirectory(containers.initDir()))
        report(QStringLiteral("the containers' shared init layer %1 is missing").arg(m_store.relative(containers.initDir())), [&] { return containers.ensureInitLayer(); });
    for (const QString &name : containerNames) {
        if (name == QLatin1String(".init"))
            continue;
        if (!Digest::isValidHex(name)) {
            report(QStringLiteral("stray entry containers/%1: not a container ID").arg(name), [&] { return fs::removeTree(containersDir + u'/' + name); });
            continue;
        }
        auto c = containers.load(name);
        if (!c) {
            report(c.error(), cannot(QStringLiteral("its config is lost; remove containers/%1 by hand").arg(name)));
            continue;
        }
        const QString label = QStringLiteral("container %1 (%2)").arg(c->config.name, c->config.shortId());
        if (!c->config.build && !images.resolve(c->config.imageId.toString()))
            report(QStringLiteral("%1 uses image %2, which is not in the store").arg(label, c->config.imageId.toString()), cannot(QStringLiteral("load the image again")));
        if (!fs::isDirectory(containers.upperDir(name)))
            report(QStringLiteral("%1 has lost its writable layer %2").arg(label, m_store.relative(containers.upperDir(name))), cannot(QStringLiteral("remove the container")));
        else if (Status kind = m_store.driver().checkSnapshot(containers.upperDir(name)); !kind)
            report(QStringLiteral("%1: its writable layer %2 %3").arg(label, m_store.relative(containers.upperDir(name)), kind.error()),
                cannot(QStringLiteral("the container still runs, but its changes would be lost in a new writable layer: commit them and make a new container")));
        if (const QString lower = containers.dir(name) + QStringLiteral("/lower"); fs::isDirectory(lower)) {
            for (const QString &link : QDir(lower).entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot)) {
                if (!QFileInfo(lower + u'/' + link).isDir())
                    report(QStringLiteral("%1: lower/%2 points to %3, which is missing").arg(label, link, QFileInfo(lower + u'/' + link).symLinkTarget()),
                        cannot(QStringLiteral("repair the image's snapshots first")));
            }
        }
        for (const MountSpec &m : c->config.mounts) {
            if (m.type == MountSpec::Type::Volume && !volumes.get(m.source))
                report(QStringLiteral("%1 mounts volume %2, which is gone").arg(label, m.source), [&] {
                    auto v = volumes.create(m.source, m.anonymous);
                    return v ? Status() : Status(v.takeError());
                });
        }
    }
    const QString volumesDir = m_store.root() + QStringLiteral("/volumes");
    for (const QString &name : QDir(volumesDir).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot)) {
        if (!isValidObjectName(name) || !volumes.get(name))
            report(QStringLiteral("stray entry volumes/%1: not a volume (no volume.json)").arg(name), cannot(QStringLiteral("move its data away by hand")));
        else if (!fs::isDirectory(volumes.dataDir(name)))
            report(QStringLiteral("volume %1 has lost its _data directory").arg(name), [&] { return fs::makeDirs(volumes.dataDir(name)); });
    }

    // Staging of jobs that died.
    for (const auto &leftover : m_store.deadStaging()) {
        if (leftover.path == trash->path() || leftover.path == trash->path() + QStringLiteral(".lock"))
            continue;
        report(QStringLiteral("stray staging %1 of a job that is no longer running").arg(m_store.relative(leftover.path)),
            [&] { return sweepDeadJobsLocked(m_store); });
    }
    return problems;
}

} // namespace strata
