#include "foreignsnapshot.h"

#include "fsutil.h"
#include "storagedriver.h"

#include <QSet>

namespace strata {

namespace {

    // A peer's layer folders by chain ID. Both peers' overlay drivers write what Strata's
    // overlay2 driver writes (0/0 whiteouts, the opaque xattr), so that driver reads them; it
    // is asked only to read.
    class ForeignLayerDirs final : public LayerDirs {
    public:
        ForeignLayerDirs(QString description, QHash<Digest, QString> dirs)
            : m_description(std::move(description))
            , m_dirs(std::move(dirs))
            , m_driver(StorageDriver::create(QStringLiteral("overlay2"), false))
        {
        }
        Result<QString> filesDir(const Image &image, int index) const override
        {
            // By chain ID: containers/storage may keep equal layers in two folders (layerFolders),
            // but a chain ID names one content, so either folder shows the same files.
            const Digest &chain = image.layers[index].chainId;
            const QString dir = m_dirs.value(chain);
            if (dir.isEmpty())
                return fail(ErrorCode::NotFound, QStringLiteral("image %1: layer %2 (chain %3) is not in the %4").arg(image.displayName()).arg(index).arg(chain.toString(), m_description));
            if (!fs::isDirectory(dir))
                return fail(ErrorCode::NotFound, QStringLiteral("image %1: the files of layer %2 (%3) are missing from the %4").arg(image.displayName()).arg(index).arg(dir, m_description));
            return dir;
        }
        const StorageDriver &driver() const override { return *m_driver; }

    private:
        QString m_description;
        QHash<Digest, QString> m_dirs;
        std::unique_ptr<StorageDriver> m_driver;
    };

} // namespace

std::shared_ptr<const LayerDirs> ForeignSnapshot::layerDirs() const
{
    QHash<Digest, QString> dirs;
    for (auto it = layers.constBegin(); it != layers.constEnd(); ++it)
        dirs.insert(it.key(), it->filesDir);
    return std::make_shared<ForeignLayerDirs>(description(), dirs);
}

Result<QStringList> ForeignSnapshot::containerBase(const Container &container) const
{
    const Image *image = nullptr;
    for (const QList<Image> *list : { &images, &intermediate })
        for (const Image &i : *list)
            if (i.id == container.imageId)
                image = &i;
    if (!image)
        return fail(ErrorCode::NotFound, QStringLiteral("container %1: its image %2 is not in the %3").arg(container.name, container.imageId.toString(), description()));
    const auto dirs = layerDirs();
    QStringList base;
    if (!container.initDir.isEmpty())
        base.append(container.initDir);
    for (int i = int(image->layers.size()) - 1; i >= 0; --i) {
        auto dir = dirs->filesDir(*image, i);
        if (!dir)
            return fail(dir.takeError(), QStringLiteral("container %1: ").arg(container.name));
        base.append(dir.value());
    }
    return base;
}

Result<QList<Change>> ForeignSnapshot::changes(const Container &container, ChangeDetail detail) const
{
    auto base = containerBase(container);
    if (!base)
        return base.takeError();
    if (!fs::isDirectory(container.writableDir))
        return fail(ErrorCode::NotFound, QStringLiteral("container %1: its writable layer %2 is gone").arg(container.name, container.writableDir));
    auto out = computeChanges(container.writableDir, true, base.value(), detail);
    if (!out || kind != QLatin1String("podman"))
        return out;
    // libpod makes these in the container's own layer (mount points, its generated files) and
    // leaves them out of `podman diff`; Docker keeps its own in the init layer instead.
    static const QSet<QByteArray> podmansOwn { "/dev", "/etc/hostname", "/etc/hosts", "/etc/mtab", "/etc/resolv.conf", "/proc", "/run", "/run/.containerenv",
        "/run/notify", "/run/podman-init", "/run/secrets", "/sys" };
    out->removeIf([](const Change &c) { return podmansOwn.contains(c.path); });
    return out;
}

QString ForeignSnapshot::description() const
{
    if (kind == QLatin1String("podman"))
        return QStringLiteral("containers/storage root %1").arg(root);
    return QStringLiteral("Docker data root %1").arg(root);
}

const ForeignSnapshot::Container *ForeignSnapshot::container(const QString &idOrName) const
{
    for (const Container &c : containers)
        if (c.name == idOrName || c.id == idOrName)
            return &c;
    const Container *hit = nullptr;
    for (const Container &c : containers) {
        if (idOrName.size() >= 4 && c.id.startsWith(idOrName)) {
            if (hit)
                return nullptr; // ambiguous
            hit = &c;
        }
    }
    return hit;
}

Result<Image> ForeignSnapshot::resolve(const QString &ref) const
{
    const QList<Image> everything = images + intermediate;
    const QString tag = ref.contains(u':') && !ref.startsWith(QLatin1String("sha256:")) && ref.lastIndexOf(u':') > ref.lastIndexOf(u'/') ? ref : ref + QStringLiteral(":latest");
    for (const Image &image : everything) {
        if (image.tags.contains(tag) || image.tags.contains(ref) || image.tags.contains(QStringLiteral("docker.io/library/") + tag))
            return image;
    }
    if (kind == QLatin1String("podman") && !ref.startsWith(QLatin1String("sha256:"))) {
        // libimage's short names: localhost/ first, then the one image whose name ends in "/foo:1".
        for (const Image &image : everything)
            if (image.tags.contains(QStringLiteral("localhost/") + tag))
                return image;
        QList<Image> hits;
        for (const Image &image : everything) {
            for (const QString &t : image.tags) {
                if (t.endsWith(u'/' + tag)) {
                    if (hits.isEmpty() || hits.last().id != image.id)
                        hits.append(image);
                }
            }
        }
        if (hits.size() == 1)
            return hits.first();
        if (hits.size() > 1)
            return fail(ErrorCode::Conflict, QStringLiteral("short name %1 is ambiguous in the %2 (%3 images end in /%4)").arg(ref, description()).arg(hits.size()).arg(tag));
        for (const QString &t : brokenTags.keys())
            if (t == QStringLiteral("localhost/") + tag || t.endsWith(u'/' + tag))
                return fail(ErrorCode::InvalidInput, QStringLiteral("image %1 cannot be read: %2").arg(t, brokenTags.value(t)));
    }
    for (const QString &t : { tag, ref }) {
        if (brokenTags.contains(t))
            return fail(ErrorCode::InvalidInput, QStringLiteral("image %1 cannot be read: %2").arg(t, brokenTags.value(t)));
    }
    QString hex = ref.startsWith(QLatin1String("sha256:")) ? ref.mid(7) : ref;
    if (hex.size() >= 4 && Digest::isValidHex(hex.leftJustified(64, u'0'))) {
        QList<Image> hits;
        for (const Image &image : everything)
            if (image.id.hex().startsWith(hex))
                hits.append(image);
        if (hits.size() == 1)
            return hits.first();
        if (hits.size() > 1)
            return fail(ErrorCode::Conflict, QStringLiteral("image ID prefix %1 is ambiguous in %2").arg(hex, root));
    }
    return fail(ErrorCode::NotFound, QStringLiteral("no such image in the %1: %2").arg(description(), ref));
}

ImageDiskUsage ForeignSnapshot::diskUsage(const QSet<Digest> &inUse) const
{
    const QList<Image> all = images + intermediate;
    ImageDiskUsage usage = ImageDiskUsage::compute(all, inUse);
    if (kind != QLatin1String("podman")) {
        QSet<Digest> topLevel;
        for (const Image &i : images)
            topLevel.insert(i.id);
        usage.images.removeIf([&](const ImageDiskUsage::PerImage &row) { return !topLevel.contains(row.image.id); });
        usage.listed = usage.images.size();
        return usage;
    }
    // libimage's DiskUsage and podman's df summary: every image, its size all shared when it has
    // a child, else its parent's size shared; the total and what is reclaimable summed per row.
    QHash<Digest, qint64> sizes;
    for (const Image &i : all)
        sizes.insert(i.id, i.size());
    usage.totalSize = 0;
    usage.reclaimable = 0;
    usage.active = 0;
    usage.listed = 0;
    for (ImageDiskUsage::PerImage &row : usage.images) {
        row.size = row.image.size();
        if (withChildren.contains(row.image.id)) {
            row.shared = row.size;
        } else if (parents.contains(row.image.id)) {
            row.shared = sizes.value(parents.value(row.image.id));
        } else {
            row.shared = 0;
        }
        row.unique = row.size - row.shared;
        const qsizetype rows = qMax<qsizetype>(1, row.image.tags.size());
        usage.totalSize += row.size * rows;
        usage.listed += rows;
        if (inUse.contains(row.image.id))
            usage.active += int(rows);
        else
            usage.reclaimable += row.size * rows;
    }
    return usage;
}

QStringList ForeignSnapshot::metadataPaths() const
{
    QStringList paths;
    if (kind == QLatin1String("podman")) {
        // images.json, layers.json and containers.json are replaced whole (a rename in their folder).
        for (const char *dir : { "overlay-images", "overlay-layers", "overlay-containers" })
            paths.append(root + u'/' + QLatin1String(dir));
        return paths;
    }
    // repositories.json is replaced whole in image/overlay2; new images and layers are folders
    // of the databases; a container's state is rewritten in its own folder.
    for (const char *dir : { "image/overlay2", "image/overlay2/imagedb/content/sha256", "image/overlay2/imagedb/metadata/sha256", "image/overlay2/layerdb/sha256",
             "image/overlay2/layerdb/mounts", "containers" })
        paths.append(root + u'/' + QLatin1String(dir));
    for (const Container &c : containers)
        paths.append(root + QStringLiteral("/containers/") + c.id);
    return paths;
}

} // namespace strata
