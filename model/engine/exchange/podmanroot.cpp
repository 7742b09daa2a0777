#include "podmanroot.h"

#include "imagedescription.h"
#include "rootreader.h"
#include "sha256.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QtEndian>

#include <algorithm>
#include <functional>
#include <unistd.h>

namespace strata {

// What identifies the layout, and why. containers/storage writes no version number: a graph
// root is recognised by its folder names. Each graph driver keeps <driver>-images/images.json,
// <driver>-layers/layers.json (and, since c/storage 1.44, volatile-layers.json beside it for
// layers that need no fsync), <driver>-containers/containers.json and the driver's own folder
// (overlay/<layer id>/{diff,link,lower,work}). The JSON files are arrays of objects; an array is
// what every c/storage release since 2016 wrote, so anything else (an object, a scalar) is a
// format this reader does not know and is named as such, not guessed at. IDs are 64 lowercase
// hex digits (what c/storage generates and podman uses); anything else is refused before it
// names a folder. A root holding only another driver's folders (vfs-images, btrfs-layers, …) is
// named as not read yet. Libpod's state (container status, command) is in libpod/bolt_state.db;
// podman 4.8+ can keep it in libpod/db.sql (SQLite, the default of podman 5), which is not read
// yet: such a store's containers are listed with status "unknown", and a note says why.

namespace {

    const QString kWhat = QStringLiteral("containers/storage root");
    const QStringList kDrivers = { QStringLiteral("overlay"), QStringLiteral("vfs"), QStringLiteral("btrfs"), QStringLiteral("zfs"),
        QStringLiteral("aufs"), QStringLiteral("devicemapper") };

    bool isId(QStringView s) { return Digest::isValidHex(s); }

    // ---- libpod's bolt_state.db, read as bytes (the bbolt file format) ----
    //
    // A page is a 16-byte header (id u64, flags u16, count u16, overflow u32) and its elements;
    // pages 0 and 1 are meta pages (magic, version 2, page size, root bucket, txid, FNV-1a
    // checksum), the valid one with the higher txid is current. Branch elements are (pos u32,
    // ksize u32, pgid u64), leaf elements (flags u32, pos u32, ksize u32, vsize u32), a leaf with
    // flag 1 is a sub-bucket whose value is (root pgid u64, sequence u64), root 0 meaning the
    // bucket's page follows inline. Every offset is checked against the file; a page is visited
    // once; the depth is bounded.
    class BoltFile {
    public:
        struct Entry {
            QByteArray key;
            QByteArray value;
            bool bucket = false;
        };

        Status open(const QByteArray &bytes, const QString &path)
        {
            m_data = bytes;
            m_path = path;
            quint64 bestTx = 0;
            bool found = false;
            for (int i = 0; i < 2; ++i) {
                const qint64 offset = i == 0 ? 0 : (found ? qint64(m_pageSize) : 4096);
                quint32 pageSize = 0;
                quint64 root = 0, txid = 0;
                if (!meta(offset, &pageSize, &root, &txid))
                    continue;
                if (!found || txid > bestTx) {
                    m_pageSize = pageSize;
                    m_root = root;
                    bestTx = txid;
                }
                found = true;
            }
            if (!found)
                return fail(ErrorCode::InvalidInput, QStringLiteral("%1: no valid bbolt meta page (not a bbolt file, or half-written)").arg(m_path));
            // Buckets may share pages in a hostile file: all reads together visit at most four
            // times the pages the file has, so the work stays linear in its size.
            m_budget = 4 * (qint64(m_data.size()) / m_pageSize) + 1024;
            return {};
        }

        Result<QList<Entry>> rootEntries() const { return entriesOfPage(m_root); }

        Result<QList<Entry>> bucketEntries(const QByteArray &value) const
        {
            if (value.size() < 16)
                return fail(ErrorCode::InvalidInput, QStringLiteral("%1: a bucket header of %2 bytes").arg(m_path).arg(value.size()));
            const quint64 root = qFromLittleEndian<quint64>(value.constData());
            if (root != 0)
                return entriesOfPage(root);
            QList<Entry> out;
            QSet<quint64> seen;
            STRATA_TRY(collect(value.mid(16), 0, seen, out));
            return out;
        }

    private:
        bool meta(qint64 offset, quint32 *pageSize, quint64 *root, quint64 *txid) const
        {
            if (offset < 0 || offset + 16 + 64 > m_data.size())
                return false;
            const char *m = m_data.constData() + offset + 16;
            if (qFromLittleEndian<quint32>(m) != 0xED0CDAEDu || qFromLittleEndian<quint32>(m + 4) != 2)
                return false;
            quint64 h = 14695981039346656037ull; // FNV-1a over the meta before its checksum
            for (int i = 0; i < 56; ++i) {
                h ^= quint8(m[i]);
                h *= 1099511628211ull;
            }
            if (h != qFromLittleEndian<quint64>(m + 56))
                return false;
            *pageSize = qFromLittleEndian<quint32>(m + 8);
            *root = qFromLittleEndian<quint64>(m + 16);
            *txid = qFromLittleEndian<quint64>(m + 48);
            return *pageSize >= 512 && *pageSize <= 65536 && (*pageSize & (*pageSize - 1)) == 0;
        }

        Result<QByteArray> page(quint64 id) const
        {
            if (--m_budget < 0)
                return fail(ErrorCode::InvalidInput, QStringLiteral("%1: its buckets reach more pages than the file holds (damaged or hostile)").arg(m_path));
            const qint64 offset = qint64(id) * m_pageSize;
            if (id >= quint64(m_data.size()) / m_pageSize || offset + 16 > m_data.size())
                return fail(ErrorCode::InvalidInput, QStringLiteral("%1: page %2 lies past the end of the file").arg(m_path).arg(id));
            const quint32 overflow = qFromLittleEndian<quint32>(m_data.constData() + offset + 12);
            const qint64 length = (qint64(overflow) + 1) * m_pageSize;
            if (offset + length > m_data.size())
                return fail(ErrorCode::InvalidInput, QStringLiteral("%1: page %2 runs past the end of the file").arg(m_path).arg(id));
            return QByteArray::fromRawData(m_data.constData() + offset, qsizetype(length));
        }

        Result<QList<Entry>> entriesOfPage(quint64 id) const
        {
            QList<Entry> out;
            QSet<quint64> seen;
            auto p = page(id);
            if (!p)
                return p.takeError();
            seen.insert(id);
            STRATA_TRY(collect(p.value(), 0, seen, out));
            return out;
        }

        Status collect(const QByteArray &p, int depth, QSet<quint64> &seen, QList<Entry> &out) const
        {
            if (depth > 32)
                return fail(ErrorCode::InvalidInput, QStringLiteral("%1: a B+tree more than 32 levels deep").arg(m_path));
            if (p.size() < 16)
                return fail(ErrorCode::InvalidInput, QStringLiteral("%1: a page of %2 bytes").arg(m_path).arg(p.size()));
            const quint16 flags = qFromLittleEndian<quint16>(p.constData() + 8);
            const quint16 count = qFromLittleEndian<quint16>(p.constData() + 10);
            if (16 + qint64(count) * 16 > p.size())
                return fail(ErrorCode::InvalidInput, QStringLiteral("%1: a page whose %2 elements do not fit in it").arg(m_path).arg(count));
            for (int i = 0; i < count; ++i) {
                const qint64 at = 16 + qint64(i) * 16;
                const char *e = p.constData() + at;
                if (flags & 0x01) { // branch
                    const quint64 child = qFromLittleEndian<quint64>(e + 8);
                    if (seen.contains(child))
                        return fail(ErrorCode::InvalidInput, QStringLiteral("%1: page %2 is reached twice (a cycle)").arg(m_path).arg(child));
                    seen.insert(child);
                    auto c = page(child);
                    if (!c)
                        return c.takeError();
                    STRATA_TRY(collect(c.value(), depth + 1, seen, out));
                } else if (flags & 0x02) { // leaf
                    const quint32 eflags = qFromLittleEndian<quint32>(e);
                    const quint32 pos = qFromLittleEndian<quint32>(e + 4);
                    const quint32 ksize = qFromLittleEndian<quint32>(e + 8);
                    const quint32 vsize = qFromLittleEndian<quint32>(e + 12);
                    const qint64 k = at + pos;
                    if (k + qint64(ksize) + qint64(vsize) > p.size())
                        return fail(ErrorCode::InvalidInput, QStringLiteral("%1: a leaf element runs past its page").arg(m_path));
                    out.append({ QByteArray(p.constData() + k, ksize), QByteArray(p.constData() + k + ksize, vsize), (eflags & 0x01) != 0 });
                } else {
                    return fail(ErrorCode::InvalidInput, QStringLiteral("%1: a page of unknown type %2 where a branch or leaf was expected").arg(m_path).arg(flags));
                }
            }
            return {};
        }

        QByteArray m_data;
        QString m_path;
        quint32 m_pageSize = 4096;
        quint64 m_root = 0;
        mutable qint64 m_budget = 0;
    };

    struct LibpodState {
        QJsonObject config;
        QJsonObject state;
    };

    // ctr/<id>/{config,state} of libpod's bolt database.
    Result<QHash<QString, LibpodState>> readBoltState(const RootReader &r, const QString &rel)
    {
        auto bytes = r.read(rel, PodmanRoot::maxStateBytes);
        if (!bytes)
            return bytes.takeError();
        BoltFile bolt;
        STRATA_TRY(bolt.open(bytes.value(), r.path(rel)));
        auto root = bolt.rootEntries();
        if (!root)
            return root.takeError();
        QHash<QString, LibpodState> out;
        for (const BoltFile::Entry &bucket : root.value()) {
            if (bucket.key != "ctr" || !bucket.bucket)
                continue;
            auto ctrs = bolt.bucketEntries(bucket.value);
            if (!ctrs)
                return ctrs.takeError();
            for (const BoltFile::Entry &ctr : ctrs.value()) {
                if (!ctr.bucket)
                    continue;
                auto keys = bolt.bucketEntries(ctr.value);
                if (!keys)
                    return keys.takeError();
                LibpodState s;
                for (const BoltFile::Entry &k : keys.value()) {
                    if (k.bucket)
                        continue;
                    if (k.key == "config")
                        s.config = QJsonDocument::fromJson(k.value).object();
                    else if (k.key == "state")
                        s.state = QJsonDocument::fromJson(k.value).object();
                }
                out.insert(QString::fromLatin1(ctr.key), s);
            }
        }
        return out;
    }

    // libpod's define.ContainerStatus, as `podman ps` names it.
    QString statusName(int state)
    {
        switch (state) {
        case 1: // configured
        case 2:
            return QStringLiteral("created");
        case 3:
            return QStringLiteral("running");
        case 4:
            return QStringLiteral("stopped");
        case 5:
            return QStringLiteral("paused");
        case 6:
            return QStringLiteral("exited");
        case 7:
            return QStringLiteral("removing");
        case 8:
            return QStringLiteral("stopping");
        default:
            return QStringLiteral("unknown");
        }
    }

    // ---- containers/storage's JSON ----

    struct StorageLayer {
        QString id;
        QString parent;
        Digest diffDigest; // null for a layer pulled partially (zstd:chunked), which has none
        Digest compressedDigest;
        qint64 diffSize = -1;
        qint64 compressedSize = -1;
    };

    struct StorageImage {
        QString id;
        QString topLayer;
        Image image;
        QJsonArray history;
    };

    Result<QJsonArray> readArray(const RootReader &r, const QString &rel, bool optional)
    {
        auto doc = r.readJsonDocument(rel, PodmanRoot::maxJsonBytes);
        if (!doc) {
            if (optional && doc.code() == ErrorCode::NotFound)
                return QJsonArray(); // containers/storage writes none until there is something to list
            return doc.takeError();
        }
        if (doc->isNull() && optional)
            return QJsonArray();
        if (!doc->isArray())
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: not the JSON array of objects containers/storage writes (a %2; an unknown version?)")
                                                     .arg(r.path(rel), doc->isObject() ? QStringLiteral("JSON object") : QStringLiteral("scalar")));
        return doc->array();
    }

    Result<Digest> digestField(const RootReader &r, const QString &rel, const QJsonObject &o, const QString &key, const QString &owner)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined() || v.isNull() || (v.isString() && v.toString().isEmpty()))
            return Digest();
        auto d = Digest::parse(v.toString());
        if (!d)
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: %2's \"%3\" '%4' is not a lowercase sha256 digest").arg(r.path(rel), owner, key, v.toString().left(80)));
        return d;
    }

    Result<qint64> sizeField(const RootReader &r, const QString &rel, const QJsonObject &o, const QString &key, const QString &owner)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined() || v.isNull())
            return qint64(-1);
        const double d = v.toDouble(-1);
        if (!v.isDouble() || d < 0 || d != double(qint64(d)) || d > 9e15)
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: %2's \"%3\" is not a size in bytes").arg(r.path(rel), owner, key));
        return qint64(d);
    }

    // layers.json and volatile-layers.json.
    Result<QHash<QString, StorageLayer>> readLayers(const RootReader &r)
    {
        QHash<QString, StorageLayer> layers;
        for (const QString &rel : { QStringLiteral("overlay-layers/layers.json"), QStringLiteral("overlay-layers/volatile-layers.json") }) {
            auto array = readArray(r, rel, true);
            if (!array)
                return array.takeError();
            for (qsizetype i = 0; i < array->size(); ++i) {
                const QJsonValue v = array->at(i);
                if (!v.isObject())
                    return fail(ErrorCode::InvalidInput, QStringLiteral("%1: entry %2 is not a JSON object").arg(r.path(rel)).arg(i));
                const QJsonObject o = v.toObject();
                StorageLayer l;
                l.id = o.value(QLatin1String("id")).toString();
                if (!isId(l.id))
                    return fail(ErrorCode::InvalidInput, QStringLiteral("%1: entry %2: layer ID '%3' is not 64 lowercase hex digits").arg(r.path(rel)).arg(i).arg(l.id.left(80)));
                const QString owner = QStringLiteral("layer ") + l.id;
                l.parent = o.value(QLatin1String("parent")).toString();
                if (!l.parent.isEmpty() && !isId(l.parent))
                    return fail(ErrorCode::InvalidInput, QStringLiteral("%1: %2's parent '%3' is not 64 lowercase hex digits").arg(r.path(rel), owner, l.parent.left(80)));
                auto diff = digestField(r, rel, o, QStringLiteral("diff-digest"), owner);
                if (!diff)
                    return diff.takeError();
                l.diffDigest = diff.value();
                auto compressed = digestField(r, rel, o, QStringLiteral("compressed-diff-digest"), owner);
                if (!compressed)
                    return compressed.takeError();
                l.compressedDigest = compressed.value();
                auto size = sizeField(r, rel, o, QStringLiteral("diff-size"), owner);
                if (!size)
                    return size.takeError();
                l.diffSize = size.value();
                auto csize = sizeField(r, rel, o, QStringLiteral("compressed-size"), owner);
                if (!csize)
                    return csize.takeError();
                l.compressedSize = csize.value();
                if (layers.contains(l.id))
                    return fail(ErrorCode::InvalidInput, QStringLiteral("%1: layer %2 is listed twice").arg(r.path(rel), l.id));
                layers.insert(l.id, l);
            }
        }
        return layers;
    }

    // The layers of an image, base first, from its top layer down the parents.
    Result<QList<StorageLayer>> chainOf(const RootReader &r, const QHash<QString, StorageLayer> &layers, const QString &top)
    {
        QList<StorageLayer> chain;
        QSet<QString> seen;
        for (QString id = top; !id.isEmpty();) {
            if (seen.contains(id))
                return fail(ErrorCode::InvalidInput, QStringLiteral("%1: the parents of layer %2 form a cycle (through %3)").arg(r.path(QStringLiteral("overlay-layers/layers.json")), top, id));
            seen.insert(id);
            if (!layers.contains(id))
                return fail(ErrorCode::NotFound, QStringLiteral("%1: layer %2 (below %3) is not listed").arg(r.path(QStringLiteral("overlay-layers/layers.json")), id, top));
            chain.prepend(layers.value(id));
            id = layers.value(id).parent;
        }
        return chain;
    }

    // `measured`: the layers already checked and sized for an earlier image of this read (a
    // base layer is shared by many), by layer ID.
    Result<StorageImage> readImage(const RootReader &r, const QJsonObject &o, const QHash<QString, StorageLayer> &storageLayers, ForeignSnapshot &snap,
        QHash<QString, qint64> &measured)
    {
        const QString imagesJson = QStringLiteral("overlay-images/images.json");
        StorageImage si;
        si.id = o.value(QLatin1String("id")).toString();
        si.topLayer = o.value(QLatin1String("layer")).toString();
        const QString owner = QStringLiteral("image ") + si.id;
        if (!si.topLayer.isEmpty() && !isId(si.topLayer))
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: %2's layer '%3' is not 64 lowercase hex digits").arg(r.path(imagesJson), owner, si.topLayer.left(80)));
        Image &image = si.image;
        image.id = Digest::fromHex(si.id).value();
        for (const QJsonValue &n : o.value(QLatin1String("names")).toArray()) {
            const QString name = n.toString();
            if (!name.isEmpty() && !name.contains(u'@'))
                image.tags.append(name);
        }
        image.created = QDateTime::fromString(o.value(QLatin1String("created")).toString(), Qt::ISODateWithMs);
        if (auto manifest = digestField(r, imagesJson, o, QStringLiteral("digest"), owner); manifest)
            image.manifest.digest = manifest.value();

        // The big-data items (config, manifests, signatures): podman counts their sizes in the image's.
        const QJsonObject sizes = o.value(QLatin1String("big-data-sizes")).toObject();
        for (auto it = sizes.begin(); it != sizes.end(); ++it) {
            auto s = sizeField(r, imagesJson, sizes, it.key(), owner + QStringLiteral(" big-data-sizes"));
            if (!s)
                return s.takeError();
            image.metadataSize += qMax<qint64>(0, s.value());
        }
        image.manifest.size = qMax<qint64>(0, sizes.value(QLatin1String("manifest")).toInteger(0));

        // What `podman image inspect` shows beside the config: the manifest's media type and
        // annotations, the repo digests, the names' history.
        QJsonObject extra;
        QStringList repoDigests, digests;
        for (const QJsonValue &d : o.value(QLatin1String("digests")).toArray())
            if (Digest::parse(d.toString()))
                digests.append(d.toString());
        if (digests.isEmpty() && !image.manifest.digest.isNull())
            digests.append(image.manifest.digest.toString());
        for (const QString &name : std::as_const(image.tags)) {
            const qsizetype colon = name.lastIndexOf(u':');
            const QString repo = colon > name.lastIndexOf(u'/') ? name.left(colon) : name;
            for (const QString &d : std::as_const(digests))
                if (!repoDigests.contains(repo + u'@' + d))
                    repoDigests.append(repo + u'@' + d);
        }
        extra.insert(QStringLiteral("RepoDigests"), QJsonArray::fromStringList(repoDigests));
        QStringList namesHistory;
        for (const QJsonValue &n : o.value(QLatin1String("names-history")).toArray())
            namesHistory.append(n.toString());
        extra.insert(QStringLiteral("NamesHistory"), QJsonArray::fromStringList(namesHistory));
        if (o.value(QLatin1String("big-data-names")).toArray().contains(QJsonValue(QStringLiteral("manifest")))) {
            const QString manifestRel = QStringLiteral("overlay-images/") + si.id + u'/' + PodmanRoot::bigDataFileName(QStringLiteral("manifest"));
            auto manifest = r.readJson(manifestRel, PodmanRoot::maxConfigBytes);
            if (!manifest)
                return manifest.takeError();
            image.manifest.mediaType = manifest->value(QLatin1String("mediaType")).toString();
            if (manifest->contains(QLatin1String("annotations")))
                extra.insert(QStringLiteral("Annotations"), manifest->value(QLatin1String("annotations")));
            extra.insert(QStringLiteral("ManifestType"), image.manifest.mediaType);
        }
        snap.inspectExtra.insert(image.id, extra);

        // The config: the big-data item named by its digest, which is the image ID.
        const QString configKey = image.id.toString();
        QStringList bigDataNames;
        for (const QJsonValue &n : o.value(QLatin1String("big-data-names")).toArray())
            bigDataNames.append(n.toString());
        if (!bigDataNames.contains(configKey))
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: %2 has no big-data item '%3' (its config): an image whose ID is not its config's digest is not read yet")
                                                     .arg(r.path(imagesJson), owner, configKey));
        const QString configRel = QStringLiteral("overlay-images/") + si.id + u'/' + PodmanRoot::bigDataFileName(configKey);
        auto bytes = r.read(configRel, PodmanRoot::maxConfigBytes);
        if (!bytes)
            return bytes.takeError();
        const Digest actual = Sha256::of(bytes.value());
        if (actual != image.id)
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: content hashes to %2, not to the image ID").arg(r.path(configRel), actual.toString()));
        auto config = r.parseJson(configRel, bytes.value());
        if (!config)
            return config.takeError();
        image.configBytes = bytes.value();
        image.config = config.value();
        const QJsonObject rootfs = image.config.value(QLatin1String("rootfs")).toObject();
        const QString rootfsType = rootfs.value(QLatin1String("type")).toString();
        if (rootfsType != QLatin1String("layers"))
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: rootfs.type is '%2', not \"layers\": an image format Strata does not know").arg(r.path(configRel), rootfsType.left(80)));
        QList<Digest> diffIds;
        for (const QJsonValue &v : rootfs.value(QLatin1String("diff_ids")).toArray()) {
            auto d = Digest::parse(v.toString());
            if (!d)
                return fail(ErrorCode::InvalidInput, QStringLiteral("%1: diffID '%2' is not a lowercase sha256 digest").arg(r.path(configRel), v.toString().left(80)));
            diffIds.append(d.value());
        }
        si.history = image.config.value(QLatin1String("history")).toArray();

        QList<StorageLayer> chain;
        if (!si.topLayer.isEmpty()) {
            auto c = chainOf(r, storageLayers, si.topLayer);
            if (!c)
                return fail(c.takeError(), owner + QStringLiteral(": "));
            chain = c.value();
        }
        if (chain.size() != diffIds.size())
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: %2 has %3 layers in layers.json, but its config %4 lists %5 diffIDs")
                                                     .arg(r.path(imagesJson), owner)
                                                     .arg(chain.size())
                                                     .arg(r.path(configRel))
                                                     .arg(diffIds.size()));
        const QList<Digest> chains = chainIds(diffIds);
        QStringList folders;
        for (qsizetype i = 0; i < chain.size(); ++i) {
            const StorageLayer &sl = chain[i];
            if (!sl.diffDigest.isNull() && sl.diffDigest != diffIds[i])
                return fail(ErrorCode::InvalidInput, QStringLiteral("%1: layer %2 has diff-digest %3, but the config of %4 has %5 for it")
                                                         .arg(r.path(QStringLiteral("overlay-layers/layers.json")), sl.id, sl.diffDigest.toString(), owner, diffIds[i].toString()));
            const QString diffRel = QStringLiteral("overlay/") + sl.id + QStringLiteral("/diff");
            qint64 size = measured.value(sl.id, -1);
            if (!measured.contains(sl.id)) {
                if (auto dir = r.openRel(diffRel, true); !dir)
                    return fail(dir.code(), QStringLiteral("%1: the files of layer %2 cannot be opened (%3)").arg(r.path(diffRel), sl.id, dir.error()));
                size = sl.diffSize;
                if (size < 0) { // containers/storage then computes it from the files
                    auto s = r.treeSize(diffRel);
                    if (!s)
                        return s.takeError();
                    size = s.value();
                }
                measured.insert(sl.id, size);
            }
            if (!snap.layers.contains(chains[i])) {
                ForeignSnapshot::Layer layer;
                layer.chainId = chains[i];
                layer.diffId = diffIds[i];
                layer.parent = i > 0 ? chains[i - 1] : Digest();
                layer.size = size;
                layer.cacheId = sl.id;
                layer.filesDir = r.path(diffRel);
                snap.layers.insert(chains[i], layer);
            }
            ImageLayer l;
            l.diffId = diffIds[i];
            l.chainId = chains[i];
            l.size = size;
            l.blob.digest = sl.compressedDigest;
            l.blob.size = qMax<qint64>(0, sl.compressedSize);
            image.layers.append(l);
            folders.append(sl.id);
        }
        snap.layerFolders.insert(image.id, folders);
        return si;
    }

    bool sameHistoryEntry(const QJsonObject &a, const QJsonObject &b)
    {
        for (const char *k : { "created", "created_by", "author", "comment" })
            if (a.value(QLatin1String(k)).toString() != b.value(QLatin1String(k)).toString())
                return false;
        return a.value(QLatin1String("empty_layer")).toBool() == b.value(QLatin1String("empty_layer")).toBool();
    }

    // libimage's areParentAndChild: the parent's diffIDs and history are a prefix of the child's.
    bool parentAndChild(const StorageImage &parent, const StorageImage &child)
    {
        const QList<ImageLayer> &pl = parent.image.layers, &cl = child.image.layers;
        if (pl.size() > cl.size() || parent.history.size() >= child.history.size())
            return false;
        for (qsizetype i = 0; i < pl.size(); ++i)
            if (pl[i].diffId != cl[i].diffId)
                return false;
        for (qsizetype i = 0; i < parent.history.size(); ++i)
            if (!sameHistoryEntry(parent.history[i].toObject(), child.history[i].toObject()))
                return false;
        return true;
    }

    // The layout this reader knows, or why not (see the comment at the top).
    QString unsupported(const RootReader &r)
    {
        auto names = r.list(QString());
        if (!names)
            return names.error();
        QStringList others;
        bool overlay = false;
        for (const QString &n : names.value()) {
            const qsizetype dash = n.lastIndexOf(u'-');
            if (dash <= 0)
                continue;
            const QString driver = n.left(dash), kind = n.mid(dash + 1);
            if (kind != QLatin1String("images") && kind != QLatin1String("layers") && kind != QLatin1String("containers"))
                continue;
            if (driver == QLatin1String("overlay"))
                overlay = true;
            else if (!others.contains(driver))
                others.append(driver);
        }
        if (!overlay) {
            if (!others.isEmpty())
                return QStringLiteral("%1: the graph driver is %2 (%3-layers): not read yet; Strata reads containers/storage's overlay driver")
                    .arg(r.root(), others.join(QStringLiteral(", ")), others.first());
            return QStringLiteral("%1: no overlay-images or overlay-layers folder: not a containers/storage root with the overlay driver").arg(r.root());
        }
        for (const QString &rel : { QStringLiteral("overlay-images"), QStringLiteral("overlay-layers") }) {
            if (r.present(rel) && !r.exists(rel, true)) {
                auto fd = r.openRel(rel, true);
                return fd.ok() ? QString() : fd.error();
            }
        }
        if (r.present(QStringLiteral("overlay")) && !r.exists(QStringLiteral("overlay"), true)) {
            auto fd = r.openRel(QStringLiteral("overlay"), true);
            return fd.error();
        }
        return {};
    }

} // namespace

QString PodmanRoot::bigDataFileName(const QString &key)
{
    bool plain = !key.isEmpty();
    for (QChar c : key)
        if (!(c == u'.' || (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'z')))
            plain = false;
    if (plain)
        return key;
    return u'=' + QString::fromLatin1(key.toUtf8().toBase64());
}

QString PodmanRoot::defaultRoot()
{
    if (::geteuid() == 0)
        return QStringLiteral("/var/lib/containers/storage");
    QString data = qEnvironmentVariable("XDG_DATA_HOME");
    if (data.isEmpty() || !QDir::isAbsolutePath(data))
        data = QDir::homePath() + QStringLiteral("/.local/share");
    return data + QStringLiteral("/containers/storage");
}

bool PodmanRoot::looksLikeStorageRoot(const QString &root)
{
    RootReader r(root, kWhat);
    if (!r.open() || r.present(QStringLiteral("store.json")))
        return false;
    for (const QString &driver : kDrivers)
        if (r.exists(driver + QStringLiteral("-layers"), true) || r.exists(driver + QStringLiteral("-images"), true))
            return true;
    return false;
}

Result<ForeignSnapshot> PodmanRoot::read(const QString &rootPath)
{
    const QString root = QDir::cleanPath(QFileInfo(rootPath).absoluteFilePath());
    RootReader r(root, kWhat);
    STRATA_TRY(r.open());
    if (const QString why = unsupported(r); !why.isEmpty())
        return fail(ErrorCode::InvalidInput, why);
    ForeignSnapshot snap;
    snap.kind = QStringLiteral("podman");
    snap.root = root;
    for (const QString &driver : kDrivers) {
        if (driver != QLatin1String("overlay") && (r.exists(driver + QStringLiteral("-layers"), true) || r.exists(driver + QStringLiteral("-images"), true)))
            snap.problems.append(QStringLiteral("%1: the %2 driver's images and layers are not read yet (only overlay's are)").arg(r.path(driver + QStringLiteral("-layers")), driver));
    }
    auto storageLayers = readLayers(r);
    if (!storageLayers)
        return storageLayers.takeError();
    const QString imagesJson = QStringLiteral("overlay-images/images.json");
    auto imageArray = readArray(r, imagesJson, true);
    if (!imageArray)
        return imageArray.takeError();

    QList<StorageImage> all;
    QSet<QString> ids;
    QHash<QString, qint64> measured; // layer ID -> its size, once checked for one image
    for (qsizetype i = 0; i < imageArray->size(); ++i) {
        const QJsonValue v = imageArray->at(i);
        if (!v.isObject())
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: entry %2 is not a JSON object").arg(r.path(imagesJson)).arg(i));
        const QJsonObject o = v.toObject();
        const QString id = o.value(QLatin1String("id")).toString();
        if (!isId(id))
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: entry %2: image ID '%3' is not 64 lowercase hex digits").arg(r.path(imagesJson)).arg(i).arg(id.left(80)));
        if (ids.contains(id))
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: image %2 is listed twice").arg(r.path(imagesJson), id));
        ids.insert(id);
        auto image = readImage(r, o, storageLayers.value(), snap, measured);
        if (!image) {
            snap.problems.append(image.error());
            for (const QJsonValue &n : o.value(QLatin1String("names")).toArray())
                snap.brokenTags.insert(n.toString(), image.error());
            continue;
        }
        all.append(image.value());
    }

    // Podman's image tree (libimage's layerTree): an image's parent is an image on the same top
    // layer or on its top layer's parent whose diffIDs and history are a prefix of its own (the
    // closest such); an untagged image with a child is intermediate, hidden by `podman images`.
    QSet<Digest> withChildren;
    for (const StorageImage &child : std::as_const(all)) {
        if (child.topLayer.isEmpty())
            continue;
        const QString parentLayer = storageLayers->value(child.topLayer).parent;
        const StorageImage *best = nullptr;
        for (const StorageImage &p : std::as_const(all)) {
            if (p.id == child.id || p.topLayer.isEmpty() || (p.topLayer != child.topLayer && p.topLayer != parentLayer))
                continue;
            if (!parentAndChild(p, child))
                continue;
            withChildren.insert(p.image.id);
            if (!best || p.history.size() > best->history.size())
                best = &p;
        }
        if (best)
            snap.parents.insert(child.image.id, best->image.id);
    }
    snap.withChildren = withChildren;
    std::sort(all.begin(), all.end(), [](const StorageImage &a, const StorageImage &b) { return a.image.created != b.image.created ? a.image.created > b.image.created : a.id < b.id; });
    for (const StorageImage &si : std::as_const(all)) {
        if (si.image.tags.isEmpty() && withChildren.contains(si.image.id))
            snap.intermediate.append(si.image);
        else
            snap.images.append(si.image);
    }

    // Containers, with libpod's state where it can be read.
    QHash<QString, LibpodState> libpod;
    QString stateNote;
    const QString boltRel = QStringLiteral("libpod/bolt_state.db");
    if (r.present(boltRel)) {
        auto state = readBoltState(r, boltRel);
        if (state)
            libpod = state.value();
        else
            stateNote = state.error() + QStringLiteral("; container status unknown");
    } else if (r.present(QStringLiteral("libpod/db.sql"))) {
        stateNote = QStringLiteral("%1: podman's SQLite state is not read yet; container status and command unknown").arg(r.path(QStringLiteral("libpod/db.sql")));
    }
    const QString containersJson = QStringLiteral("overlay-containers/containers.json");
    auto containerArray = readArray(r, containersJson, true);
    if (!containerArray)
        return containerArray.takeError();
    for (qsizetype i = 0; i < containerArray->size(); ++i) {
        const QJsonObject o = containerArray->at(i).toObject();
        ForeignSnapshot::Container c;
        c.id = o.value(QLatin1String("id")).toString();
        if (!isId(c.id)) {
            snap.problems.append(QStringLiteral("%1: entry %2: container ID '%3' is not 64 lowercase hex digits; left out").arg(r.path(containersJson)).arg(i).arg(c.id.left(80)));
            continue;
        }
        c.name = o.value(QLatin1String("names")).toArray().at(0).toString();
        auto image = Digest::fromHex(o.value(QLatin1String("image")).toString());
        if (!image) {
            snap.problems.append(QStringLiteral("%1: container %2's image '%3' is not 64 lowercase hex digits; left out").arg(r.path(containersJson), c.id, o.value(QLatin1String("image")).toString().left(80)));
            continue;
        }
        c.imageId = image.value();
        const QJsonObject metadata = QJsonDocument::fromJson(o.value(QLatin1String("metadata")).toString().toUtf8()).object();
        c.imageRef = metadata.value(QLatin1String("image-name")).toString();
        c.created = QDateTime::fromString(o.value(QLatin1String("created")).toString(), Qt::ISODateWithMs);
        c.mountId = o.value(QLatin1String("layer")).toString();
        if (!isId(c.mountId)) {
            snap.problems.append(QStringLiteral("%1: container %2's layer '%3' is not 64 lowercase hex digits; left out").arg(r.path(containersJson), c.id, c.mountId.left(80)));
            continue;
        }
        const QString diffRel = QStringLiteral("overlay/") + c.mountId + QStringLiteral("/diff");
        c.writableDir = r.path(diffRel);
        auto size = r.treeSize(diffRel);
        if (!size) {
            snap.problems.append(QStringLiteral("container %1: %2").arg(c.id, size.error()));
            continue;
        }
        c.writableSize = size.value();
        if (libpod.contains(c.id)) {
            const LibpodState &s = libpod[c.id];
            const int state = s.state.value(QLatin1String("state")).toInt(0);
            c.status = statusName(state);
            c.running = state == 3 || state == 5;
            for (const QJsonValue &a : s.config.value(QLatin1String("command")).toArray())
                c.command.append(a.toString());
            if (c.command.isEmpty())
                for (const QJsonValue &a : s.config.value(QLatin1String("spec")).toObject().value(QLatin1String("process")).toObject().value(QLatin1String("args")).toArray())
                    c.command.append(a.toString());
        } else {
            c.status = QStringLiteral("unknown"); // not podman's (buildah's working containers), or its state unread
        }
        snap.containers.append(c);
    }
    if (!stateNote.isEmpty() && !snap.containers.isEmpty())
        snap.problems.append(stateNote);
    std::sort(snap.containers.begin(), snap.containers.end(), [](const ForeignSnapshot::Container &a, const ForeignSnapshot::Container &b) { return a.created > b.created; });
    return snap;
}

QJsonObject PodmanRoot::inspect(const ForeignSnapshot &snapshot, const Image &image)
{
    QJsonObject graphData;
    const QStringList folders = snapshot.layerFolders.value(image.id);
    if (!folders.isEmpty()) {
        const auto dirOf = [&](const QString &id) -> QString { return snapshot.root + QStringLiteral("/overlay/") + id; };
        QStringList lower;
        for (qsizetype i = folders.size() - 2; i >= 0; --i)
            lower.append(dirOf(folders[i]) + QStringLiteral("/diff"));
        if (!lower.isEmpty())
            graphData.insert(QStringLiteral("LowerDir"), lower.join(u':'));
        graphData.insert(QStringLiteral("UpperDir"), QString(dirOf(folders.last()) + QStringLiteral("/diff")));
        graphData.insert(QStringLiteral("WorkDir"), QString(dirOf(folders.last()) + QStringLiteral("/work")));
    }
    QJsonObject out = ImageDescription::dockerInspect(image, QStringLiteral("overlay"), graphData);
    // podman's own shape: a bare hex ID, the manifest digest, the parent in its image tree.
    out.insert(QStringLiteral("Id"), image.id.hex());
    if (!image.manifest.digest.isNull())
        out.insert(QStringLiteral("Digest"), image.manifest.digest.toString());
    const Digest parent = snapshot.parents.value(image.id);
    out.insert(QStringLiteral("Parent"), parent.isNull() ? QString() : parent.hex());
    out.insert(QStringLiteral("VirtualSize"), image.size());
    out.insert(QStringLiteral("Version"), image.config.value(QLatin1String("docker_version")).toString());
    const QJsonObject config = image.config.value(QLatin1String("config")).toObject();
    if (config.contains(QLatin1String("Labels")))
        out.insert(QStringLiteral("Labels"), config.value(QLatin1String("Labels")));
    out.insert(QStringLiteral("User"), config.value(QLatin1String("User")).toString());
    const QJsonArray history = image.config.value(QLatin1String("history")).toArray();
    if (image.config.contains(QLatin1String("history")))
        out.insert(QStringLiteral("History"), history);
    if (!history.isEmpty()) // libimage takes the first entry's comment
        out.insert(QStringLiteral("Comment"), history.first().toObject().value(QLatin1String("comment")).toString());
    const QJsonObject extra = snapshot.inspectExtra.value(image.id);
    for (auto it = extra.begin(); it != extra.end(); ++it)
        out.insert(it.key(), it.value());
    return out;
}

} // namespace strata
