#include "dockerroot.h"

#include "imagedescription.h"

#include "fsutil.h"
#include "rootreader.h"
#include "uniquefd.h"

#include "sha256.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <algorithm>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace strata {

namespace {



    // A digest from the peer's files: "sha256:<64 lowercase hex>" only.
    Result<Digest> digestIn(const RootReader &r, const QString &rel, QStringView text, const QString &what)
    {
        auto d = Digest::parse(text.trimmed());
        if (!d)
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: %2 '%3' is not a lowercase sha256 digest").arg(r.path(rel), what, text.left(80).toString()));
        return d;
    }

    // Docker's cache-ids are 64 hex digits; anything used as a folder name must at least be plain.
    bool isValidCacheId(QStringView id)
    {
        if (!isPlainName(id) || id.startsWith(u'.'))
            return false;
        for (QChar c : id)
            if (!(c.isLetterOrNumber() && c.unicode() < 128) && c != u'-' && c != u'_' && c != u'.')
                return false;
        return true;
    }

    const QString imageDir = QStringLiteral("image/overlay2");

    Result<DockerRoot::Layer> readLayer(const RootReader &r, const Digest &chainId, const Digest &diffId, const Digest &parent)
    {
        const QString dir = imageDir + QStringLiteral("/layerdb/sha256/") + chainId.hex();
        DockerRoot::Layer layer;
        layer.chainId = chainId;
        auto diff = r.read(dir + QStringLiteral("/diff"), 1024);
        if (!diff)
            return diff.takeError();
        STRATA_TRY(digestIn(r, dir + QStringLiteral("/diff"), QString::fromUtf8(diff.value()), QStringLiteral("diffID")));
        if (QString::fromUtf8(diff->trimmed()) != diffId.toString())
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1/diff: says %2, but the image's config has %3 for this chain ID").arg(r.path(dir), QString::fromUtf8(diff->trimmed().left(80)), diffId.toString()));
        layer.diffId = diffId;
        auto parentBytes = r.read(dir + QStringLiteral("/parent"), 1024);
        if (parent.isNull()) {
            if (parentBytes)
                return fail(ErrorCode::InvalidInput, QStringLiteral("%1/parent: a base layer has no parent").arg(r.path(dir)));
        } else {
            if (!parentBytes)
                return parentBytes.takeError();
            auto p = digestIn(r, dir + QStringLiteral("/parent"), QString::fromUtf8(parentBytes.value()), QStringLiteral("parent chain ID"));
            if (!p)
                return p.takeError();
            if (p.value() != parent)
                return fail(ErrorCode::InvalidInput, QStringLiteral("%1/parent: says %2, but the layer below is %3").arg(r.path(dir), p->toString(), parent.toString()));
            layer.parent = parent;
        }
        auto size = r.read(dir + QStringLiteral("/size"), 64);
        if (!size)
            return size.takeError();
        bool ok = false;
        layer.size = size->trimmed().toLongLong(&ok);
        if (!ok || layer.size < 0)
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1/size: '%2' is not a size in bytes").arg(r.path(dir), QString::fromUtf8(size->left(40))));
        auto cache = r.read(dir + QStringLiteral("/cache-id"), 1024);
        if (!cache)
            return cache.takeError();
        layer.cacheId = QString::fromUtf8(cache->trimmed());
        if (!isValidCacheId(layer.cacheId))
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1/cache-id: '%2' is not a plain folder name of overlay2/").arg(r.path(dir), layer.cacheId.left(80)));
        layer.filesDir = r.path(QStringLiteral("overlay2/") + layer.cacheId + QStringLiteral("/diff"));
        if (!r.exists(QStringLiteral("overlay2/") + layer.cacheId + QStringLiteral("/diff"), true))
            return fail(ErrorCode::NotFound, QStringLiteral("%1: the files of layer %2 are missing (%3/cache-id names it)").arg(r.path(QStringLiteral("overlay2/") + layer.cacheId + QStringLiteral("/diff")), chainId.toString(), r.path(dir)));
        return layer;
    }

    // imagedb/content/sha256/<hex>: the config, which must hash to its name, and its layers.
    Result<Image> readImage(const RootReader &r, const Digest &id, QHash<Digest, DockerRoot::Layer> &layers)
    {
        const QString rel = imageDir + QStringLiteral("/imagedb/content/sha256/") + id.hex();
        auto bytes = r.read(rel, DockerRoot::maxJsonBytes);
        if (!bytes)
            return bytes.takeError();
        const Digest actual = Sha256::of(bytes.value());
        if (actual != id)
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: content hashes to %2, not to its name").arg(r.path(rel), actual.toString()));
        auto config = r.parseJson(rel, bytes.value());
        if (!config)
            return config.takeError();
        Image image;
        image.id = id;
        image.configBytes = bytes.value();
        image.config = config.value();
        image.created = QDateTime::fromString(image.config.value(QLatin1String("created")).toString(), Qt::ISODateWithMs);
        // The image spec's only root filesystem type; another would be a format this reader
        // would misread (diff_ids would not be layers), so it is named, not guessed at.
        if (const QString type = image.config.value(QLatin1String("rootfs")).toObject().value(QLatin1String("type")).toString(); type != QLatin1String("layers"))
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: rootfs.type is '%2', not \"layers\": an image format Strata does not know").arg(r.path(rel), type.left(80)));
        const QJsonValue diffIdsValue = image.config.value(QLatin1String("rootfs")).toObject().value(QLatin1String("diff_ids"));
        if (!diffIdsValue.isArray() && !diffIdsValue.isNull() && !diffIdsValue.isUndefined())
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: rootfs.diff_ids is not a list").arg(r.path(rel)));
        QList<Digest> diffIds;
        for (const QJsonValue &v : diffIdsValue.toArray()) {
            auto d = digestIn(r, rel, v.toString(), QStringLiteral("diffID"));
            if (!d)
                return d.takeError();
            diffIds.append(d.value());
        }
        const QList<Digest> chains = chainIds(diffIds);
        for (qsizetype i = 0; i < chains.size(); ++i) {
            if (!layers.contains(chains[i])) {
                auto layer = readLayer(r, chains[i], diffIds[i], i > 0 ? chains[i - 1] : Digest());
                if (!layer)
                    return fail(layer.takeError(), QStringLiteral("image %1: ").arg(id.toString()));
                layers.insert(chains[i], layer.value());
            }
            ImageLayer l;
            l.diffId = diffIds[i];
            l.chainId = chains[i];
            l.size = layers.value(chains[i]).size;
            image.layers.append(l);
        }
        return image;
    }

    // repositories.json: {"Repositories": {"busybox": {"busybox:latest": "sha256:…", "busybox@sha256:…": "sha256:…"}}}.
    Result<QMultiHash<Digest, QString>> readTags(const RootReader &r)
    {
        const QString rel = imageDir + QStringLiteral("/repositories.json");
        QMultiHash<Digest, QString> tags;
        auto json = r.readJson(rel, DockerRoot::maxJsonBytes);
        if (!json) {
            if (json.code() == ErrorCode::NotFound)
                return tags; // a daemon that never had a tag writes none
            return json.takeError();
        }
        const QJsonValue repos = json->value(QLatin1String("Repositories"));
        if (!repos.isObject() && !repos.isUndefined() && !repos.isNull())
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: \"Repositories\" is not an object").arg(r.path(rel)));
        const QJsonObject repoObject = repos.toObject();
        for (auto repo = repoObject.begin(); repo != repoObject.end(); ++repo) {
            if (!repo.value().isObject())
                return fail(ErrorCode::InvalidInput, QStringLiteral("%1: repository '%2' is not an object").arg(r.path(rel), repo.key()));
            const QJsonObject refs = repo.value().toObject();
            for (auto ref = refs.begin(); ref != refs.end(); ++ref) {
                auto id = digestIn(r, rel, ref.value().toString(), QStringLiteral("the image ID of '%1',").arg(ref.key()));
                if (!id)
                    return id.takeError();
                const QString name = ref.key();
                if (name.contains(u'@'))
                    continue; // a repo digest, not a tag
                tags.insert(id.value(), name);
            }
        }
        return tags;
    }

    QString statusOf(const QJsonObject &state)
    {
        if (state.value(QLatin1String("Running")).toBool())
            return state.value(QLatin1String("Paused")).toBool() ? QStringLiteral("paused") : QStringLiteral("running");
        if (state.value(QLatin1String("Dead")).toBool())
            return QStringLiteral("dead");
        const QString started = state.value(QLatin1String("StartedAt")).toString();
        if (started.isEmpty() || started.startsWith(QLatin1String("0001-")))
            return QStringLiteral("created");
        return QStringLiteral("exited");
    }

    Result<DockerRoot::Container> readContainer(const RootReader &r, const QString &id)
    {
        const QString rel = QStringLiteral("containers/") + id + QStringLiteral("/config.v2.json");
        if (!Digest::isValidHex(id))
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: '%2' is not a container ID (64 lowercase hex digits)").arg(r.path(QStringLiteral("containers/") + id), id.left(80)));
        auto json = r.readJson(rel, DockerRoot::maxJsonBytes);
        if (!json)
            return json.takeError();
        DockerRoot::Container c;
        c.id = id;
        if (json->value(QLatin1String("ID")).toString() != id)
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: its ID '%2' is not the folder's").arg(r.path(rel), json->value(QLatin1String("ID")).toString().left(80)));
        c.name = json->value(QLatin1String("Name")).toString();
        if (c.name.startsWith(u'/'))
            c.name.remove(0, 1);
        const QJsonObject config = json->value(QLatin1String("Config")).toObject();
        c.imageRef = config.value(QLatin1String("Image")).toString();
        auto image = digestIn(r, rel, json->value(QLatin1String("Image")).toString(), QStringLiteral("image ID"));
        if (!image)
            return image.takeError();
        c.imageId = image.value();
        const QJsonObject state = json->value(QLatin1String("State")).toObject();
        c.status = statusOf(state);
        c.running = state.value(QLatin1String("Running")).toBool();
        c.created = QDateTime::fromString(json->value(QLatin1String("Created")).toString(), Qt::ISODateWithMs);
        const QString path = json->value(QLatin1String("Path")).toString();
        if (!path.isEmpty())
            c.command.append(path);
        for (const QJsonValue &a : json->value(QLatin1String("Args")).toArray())
            c.command.append(a.toString());
        // The writable layer: layerdb/mounts/<id>/mount-id names its overlay2 folder.
        const QString mountRel = imageDir + QStringLiteral("/layerdb/mounts/") + id + QStringLiteral("/mount-id");
        auto mount = r.read(mountRel, 1024);
        if (!mount)
            return mount.takeError();
        c.mountId = QString::fromUtf8(mount->trimmed());
        if (!isValidCacheId(c.mountId))
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: '%2' is not a plain folder name of overlay2/").arg(r.path(mountRel), c.mountId.left(80)));
        c.writableDir = r.path(QStringLiteral("overlay2/") + c.mountId + QStringLiteral("/diff"));
        // Under it, the init layer Docker makes for every container (/etc/hosts, /.dockerenv):
        // layerdb/mounts/<id>/init-id names its folder; `docker diff` compares against it too.
        const QString initRel = imageDir + QStringLiteral("/layerdb/mounts/") + id + QStringLiteral("/init-id");
        if (auto init = r.read(initRel, 1024)) {
            const QString initId = QString::fromUtf8(init->trimmed());
            if (!isValidCacheId(initId))
                return fail(ErrorCode::InvalidInput, QStringLiteral("%1: '%2' is not a plain folder name of overlay2/").arg(r.path(initRel), initId.left(80)));
            c.initDir = r.path(QStringLiteral("overlay2/") + initId + QStringLiteral("/diff"));
        }
        auto size = r.treeSize(QStringLiteral("overlay2/") + c.mountId + QStringLiteral("/diff"));
        if (!size)
            return size.takeError();
        c.writableSize = size.value();
        return c;
    }

    // daemon.json's features.containerd-snapshotter, when that daemon's data root is `root`.
    bool daemonUsesContainerdStore(const QString &root, const QString &daemonJson)
    {
        if (daemonJson.isEmpty())
            return false;
        const qsizetype slash = daemonJson.lastIndexOf(u'/');
        RootReader dir(slash > 0 ? daemonJson.left(slash) : QStringLiteral("/"), QStringLiteral("folder"));
        if (!dir.open())
            return false;
        auto json = dir.readJson(daemonJson.mid(slash + 1), DockerRoot::maxJsonBytes);
        if (!json)
            return false;
        const QString dataRoot = json->value(QLatin1String("data-root")).toString(QStringLiteral("/var/lib/docker"));
        if (QFileInfo(dataRoot).canonicalFilePath() != QFileInfo(root).canonicalFilePath())
            return false;
        return json->value(QLatin1String("features")).toObject().value(QLatin1String("containerd-snapshotter")).toBool();
    }

    // The version markers of image/overlay2: Docker 1.10 and later keep the content-addressable
    // layout, imagedb/{content,metadata}/sha256 and layerdb/{sha256,mounts,tmp} (every release
    // since, up to the containerd image store, which is named separately). Docker writes no
    // version number, so the folder names are what identify it: an imagedb or layerdb that holds
    // anything else (another digest algorithm, a folder of a later layout) is a layout this
    // reader does not know and is named, and a layerdb without an imagedb is half-written.
    QString layoutProblem(const RootReader &r)
    {
        const struct {
            QString dir;
            QStringList known;
        } layouts[] = {
            { imageDir + QStringLiteral("/imagedb"), { QStringLiteral("content"), QStringLiteral("metadata") } },
            { imageDir + QStringLiteral("/imagedb/content"), { QStringLiteral("sha256") } },
            { imageDir + QStringLiteral("/layerdb"), { QStringLiteral("mounts"), QStringLiteral("sha256"), QStringLiteral("tmp") } },
        };
        for (const auto &layout : layouts) {
            auto names = r.list(layout.dir);
            if (!names) {
                if (names.code() == ErrorCode::NotFound)
                    continue;
                return names.error();
            }
            for (const QString &n : names.value())
                if (!layout.known.contains(n))
                    return QStringLiteral("%1: '%2' is not part of the layout Strata reads (%3 holds %4): an unknown version of Docker's image store")
                        .arg(r.path(layout.dir + u'/' + n), n, layout.dir, layout.known.join(QStringLiteral(", ")));
        }
        if (r.exists(imageDir + QStringLiteral("/layerdb/sha256"), true) && !r.exists(imageDir + QStringLiteral("/imagedb"), true))
            return QStringLiteral("%1: missing beside %2: a half-written Docker data root").arg(r.path(imageDir + QStringLiteral("/imagedb")), r.path(imageDir + QStringLiteral("/layerdb")));
        return {};
    }

    QString unsupported(const RootReader &r, const QString &daemonJson)
    {
        const QString root = r.root();
        if (daemonUsesContainerdStore(root, daemonJson))
            return QStringLiteral("%1: this Docker keeps its images in the containerd image store (%2 sets features.containerd-snapshotter), "
                                  "which Strata does not read yet")
                .arg(root, daemonJson);
        if (r.exists(imageDir, true))
            return layoutProblem(r);
        // Docker 29+ keeps images in containerd's content store and snapshotter (the
        // containerd-snapshotter feature): image/overlay2 is then missing or unused.
        for (const QString &marker : { QStringLiteral("containerd/daemon/io.containerd.snapshotter.v1.overlayfs"),
                 QStringLiteral("containerd/daemon/io.containerd.content.v1.content"), QStringLiteral("containerd/daemon/io.containerd.metadata.v1.bolt") }) {
            if (r.exists(marker, true))
                return QStringLiteral("%1: this Docker keeps its images in the containerd image store (the containerd-snapshotter feature, "
                                      "the default since Docker 29; %2 is there, %3 is not), which Strata does not read yet")
                    .arg(r.root(), r.path(marker), r.path(imageDir));
        }
        // Docker before 1.10 kept images by random IDs in graph/<id>/json (no content
        // addressing): migrated by 1.10 on its first start, and not read here.
        if (r.exists(QStringLiteral("graph"), true))
            return QStringLiteral("%1: a Docker data root of before 1.10 (the graph/ layout, not image/): not read; Docker 1.10 and later migrate it on start").arg(r.path(QStringLiteral("graph")));
        auto names = r.list(QStringLiteral("image"));
        if (names && !names->isEmpty())
            return QStringLiteral("%1: the graph driver is %2, and Strata reads only Docker's overlay2 layout").arg(r.path(QStringLiteral("image")), names->join(QStringLiteral(", ")));
        return QStringLiteral("%1: no image/overlay2 folder: not a Docker data root with the overlay2 graph driver").arg(r.root());
    }

} // namespace

QString DockerRoot::unsupportedReason(const QString &root, const QString &daemonJson)
{
    RootReader r(root, QStringLiteral("Docker data root"));
    if (Status s = r.open(); !s)
        return s.error();
    return unsupported(r, daemonJson);
}

bool DockerRoot::looksLikeDockerRoot(const QString &root)
{
    RootReader r(root, QStringLiteral("Docker data root"));
    if (!r.open() || r.present(QStringLiteral("store.json")))
        return false;
    return (r.exists(QStringLiteral("image"), true) && r.exists(QStringLiteral("overlay2"), true))
        || (r.exists(QStringLiteral("containerd/daemon"), true) && r.exists(QStringLiteral("containers"), true));
}

Result<DockerRoot::Snapshot> DockerRoot::read(const QString &rootPath, const QString &daemonJson)
{
    const QString root = QDir::cleanPath(QFileInfo(rootPath).absoluteFilePath()); // the snapshot's paths are absolute
    RootReader r(root, QStringLiteral("Docker data root"));
    STRATA_TRY(r.open());
    if (const QString why = unsupported(r, daemonJson); !why.isEmpty())
        return fail(ErrorCode::InvalidInput, why);
    Snapshot snap;
    snap.kind = QStringLiteral("docker");
    snap.root = root;
    auto tags = readTags(r);
    if (!tags)
        return tags.takeError();

    // Every image of the image database; those that are another's parent (imagedb/metadata)
    // and carry no tag are the intermediate ones `docker images` hides.
    const QString contentDir = imageDir + QStringLiteral("/imagedb/content/sha256");
    auto names = r.list(contentDir);
    if (!names && names.code() != ErrorCode::NotFound)
        return names.takeError();
    QSet<Digest> parents;
    QList<Image> all;
    QSet<Digest> seen;
    for (const QString &name : names ? names.value() : QStringList()) {
        auto id = Digest::fromHex(name);
        if (!id) {
            snap.problems.append(QStringLiteral("%1: '%2' is not a lowercase sha256 hex name; left out").arg(r.path(contentDir), name.left(80)));
            continue;
        }
        auto image = readImage(r, id.value(), snap.layers);
        if (!image) {
            snap.problems.append(image.error());
            for (const QString &tag : tags->values(id.value()))
                snap.brokenTags.insert(tag, image.error());
            continue;
        }
        const QString parentRel = imageDir + QStringLiteral("/imagedb/metadata/sha256/") + id->hex() + QStringLiteral("/parent");
        if (auto parent = r.read(parentRel, 1024)) {
            if (auto p = Digest::parse(QString::fromUtf8(parent->trimmed())))
                parents.insert(p.value());
            else
                snap.problems.append(QStringLiteral("%1: '%2' is not a lowercase sha256 digest").arg(r.path(parentRel), QString::fromUtf8(parent->left(80))));
        }
        image->tags = tags->values(id.value());
        image->tags.sort();
        seen.insert(id.value());
        all.append(image.value());
    }
    for (auto it = tags->cbegin(); it != tags->cend(); ++it) {
        if (!seen.contains(it.key()))
            snap.problems.append(QStringLiteral("%1: tag %2 names image %3, which is missing or unreadable")
                                     .arg(r.path(imageDir + QStringLiteral("/repositories.json")), it.value(), it.key().toString()));
    }
    // Newest first, as `docker images` sorts.
    std::sort(all.begin(), all.end(), [](const Image &a, const Image &b) { return a.created != b.created ? a.created > b.created : a.id < b.id; });
    for (const Image &image : std::as_const(all)) {
        if (image.tags.isEmpty() && parents.contains(image.id))
            snap.intermediate.append(image);
        else
            snap.images.append(image);
    }

    auto containers = r.list(QStringLiteral("containers"));
    if (!containers && containers.code() != ErrorCode::NotFound)
        return containers.takeError();
    for (const QString &id : containers ? containers.value() : QStringList()) {
        auto c = readContainer(r, id);
        if (!c)
            snap.problems.append(c.error());
        else
            snap.containers.append(c.value());
    }
    std::sort(snap.containers.begin(), snap.containers.end(), [](const Container &a, const Container &b) { return a.created > b.created; });
    return snap;
}

QJsonObject DockerRoot::inspect(const Snapshot &snapshot, const Image &image)
{
    QJsonObject graphData;
    if (!image.layers.isEmpty()) {
        const auto dirOf = [&](const ImageLayer &l) -> QString { return snapshot.root + QStringLiteral("/overlay2/") + snapshot.layers.value(l.chainId).cacheId; };
        QStringList lower;
        for (qsizetype i = image.layers.size() - 2; i >= 0; --i)
            lower.append(dirOf(image.layers[i]) + QStringLiteral("/diff"));
        const QString top = dirOf(image.layers.last());
        if (!lower.isEmpty())
            graphData.insert(QStringLiteral("LowerDir"), lower.join(u':'));
        graphData.insert(QStringLiteral("UpperDir"), QString(top + QStringLiteral("/diff")));
        graphData.insert(QStringLiteral("MergedDir"), QString(top + QStringLiteral("/merged")));
        graphData.insert(QStringLiteral("WorkDir"), QString(top + QStringLiteral("/work")));
    }
    return ImageDescription::dockerInspect(image, QStringLiteral("overlay2"), graphData);
}

} // namespace strata
