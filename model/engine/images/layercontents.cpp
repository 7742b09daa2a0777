#include "layercontents.h"

#include "fsutil.h"
#include "layerstore.h"
#include "store.h"
#include "storagedriver.h"

#include <QMap>
#include <QSet>

#include <algorithm>
#include <optional>
#include <sys/stat.h>

namespace strata {

namespace {

    // The bytes of `path` and of everything below it in `visible` (path -> size).
    qint64 bytesAtOrBelow(const QMap<QByteArray, qint64> &visible, const QByteArray &path)
    {
        qint64 total = visible.value(path, 0);
        const QByteArray prefix = path + '/';
        for (auto it = visible.lowerBound(prefix); it != visible.constEnd() && it.key().startsWith(prefix); ++it)
            total += it.value();
        return total;
    }

    void eraseAtOrBelow(QMap<QByteArray, qint64> &visible, const QByteArray &path)
    {
        visible.remove(path);
        const QByteArray prefix = path + '/';
        auto it = visible.lowerBound(prefix);
        while (it != visible.end() && it.key().startsWith(prefix))
            it = visible.erase(it);
    }

    bool isDirectory(quint32 mode) { return S_ISDIR(mode_t(mode)); }

    class StoreLayerDirs final : public LayerDirs {
    public:
        explicit StoreLayerDirs(Store &store, std::shared_ptr<Store> keep = {})
            : m_store(store)
            , m_keep(std::move(keep))
        {
        }
        Result<QString> filesDir(const Image &image, int index) const override
        {
            const QString dir = LayerStore(m_store).diffDir(image.layers[index].chainId);
            if (!fs::isDirectory(dir))
                return fail(ErrorCode::NotFound, QStringLiteral("image %1: the snapshot %2 of layer %3 is missing (run stratactl check)").arg(image.displayName(), m_store.relative(dir)).arg(index));
            return dir;
        }
        const StorageDriver &driver() const override { return m_store.driver(); }

    private:
        Store &m_store;
        std::shared_ptr<Store> m_keep;
    };

} // namespace

std::shared_ptr<const LayerDirs> LayerDirs::ofStore(Store &store)
{
    return std::make_shared<StoreLayerDirs>(store);
}

std::shared_ptr<const LayerDirs> LayerDirs::ofStore(std::shared_ptr<Store> store)
{
    Store &s = *store;
    return std::make_shared<StoreLayerDirs>(s, std::move(store));
}

EfficiencyReport EfficiencyReport::compute(const QList<QList<Change>> &layerChanges, const QList<qint64> &layerSizes)
{
    struct Seen {
        int occurrences = 0;
        qint64 total = 0;
        qint64 smallest = -1;
    };
    QHash<QByteArray, Seen> seen;
    QMap<QByteArray, qint64> visible; // the stacked tree so far: non-directories and their sizes
    for (const QList<Change> &changes : layerChanges) {
        // dive visits the leaves of each layer's tree: a directory holding other entries of
        // the same layer is not one.
        QSet<QByteArray> parents;
        for (const Change &c : changes) {
            const qsizetype slash = c.path.lastIndexOf('/');
            if (slash > 0)
                parents.insert(c.path.left(slash));
        }
        const auto visit = [&](const QByteArray &path, qint64 bytes) {
            Seen &s = seen[path];
            ++s.occurrences;
            s.total += bytes;
            if (s.smallest < 0 || bytes < s.smallest)
                s.smallest = bytes;
        };
        for (const Change &c : changes) {
            if (c.kind == Change::Kind::Deleted) {
                // What a deletion hides is what it wasted: the whole subtree of a directory.
                visit(c.path, bytesAtOrBelow(visible, c.path));
                eraseAtOrBelow(visible, c.path);
                continue;
            }
            if (c.opaque) {
                // An opaque directory hides what lay below it, like a deletion of its contents.
                const qint64 hidden = bytesAtOrBelow(visible, c.path);
                if (hidden > 0)
                    visit(c.path, hidden);
                eraseAtOrBelow(visible, c.path);
                continue;
            }
            if (isDirectory(c.mode)) {
                if (!parents.contains(c.path))
                    visit(c.path, 0);
                continue;
            }
            const qint64 size = std::max<qint64>(c.size, 0);
            eraseAtOrBelow(visible, c.path); // a file where a directory was
            visible.insert(c.path, size);
            visit(c.path, size);
        }
    }

    EfficiencyReport report;
    qint64 smallest = 0;
    qint64 all = 0;
    for (auto it = seen.constBegin(); it != seen.constEnd(); ++it) {
        smallest += it->smallest;
        all += it->total;
        if (it->occurrences > 1) {
            report.inefficiencies.append({ it.key(), it->occurrences, it->total });
            report.wastedBytes += it->total;
        }
    }
    report.score = all > 0 ? double(smallest) / double(all) : 1.0;
    for (qsizetype i = 1; i < layerSizes.size(); ++i)
        report.userSizeBytes += std::max<qint64>(layerSizes[i], 0);
    std::sort(report.inefficiencies.begin(), report.inefficiencies.end(), [](const EfficiencyReport::Waste &a, const EfficiencyReport::Waste &b) {
        return a.totalBytes != b.totalBytes ? a.totalBytes > b.totalBytes : a.path < b.path;
    });
    return report;
}

LayerContents::LayerContents(Store &store)
    : m_dirs(LayerDirs::ofStore(store))
{
}

LayerContents::LayerContents(std::shared_ptr<const LayerDirs> dirs)
    : m_dirs(std::move(dirs))
{
}

Result<QStringList> LayerContents::snapshotsTopFirst(const Image &image, int index) const
{
    if (index < 0 || index >= image.layers.size())
        return fail(ErrorCode::NotFound, QStringLiteral("image %1 has no layer %2 (it has %3)").arg(image.displayName()).arg(index).arg(image.layers.size()));
    QStringList dirs;
    for (int i = index; i >= 0; --i) {
        auto dir = m_dirs->filesDir(image, i);
        if (!dir)
            return dir.takeError();
        dirs.append(dir.value());
    }
    return dirs;
}

Result<QList<Change>> LayerContents::changes(const Image &image, int index) const
{
    auto dirs = snapshotsTopFirst(image, index);
    if (!dirs)
        return dirs.takeError();
    return changesOf(image, index, dirs.value());
}

Result<QList<Change>> LayerContents::changesOf(const Image &image, int index, const QStringList &dirsTopFirst) const
{
    const StorageDriver &driver = m_dirs->driver();
    const QStringList below = driver.viewLayers(dirsTopFirst.mid(1));
    auto out = driver.changes(dirsTopFirst.first(), below, ChangeDetail::Stat);
    if (!out)
        return fail(out.takeError(), QStringLiteral("image %1, layer %2: ").arg(image.displayName()).arg(index));
    return out;
}

Result<QList<TreeEntry>> LayerContents::mergedTree(const Image &image, int index) const
{
    auto dirs = snapshotsTopFirst(image, index);
    if (!dirs)
        return dirs.takeError();
    const QStringList view = m_dirs->driver().viewLayers(dirs.value());
    // A view of every snapshot names its layer; a view of the top one alone (vfs) cannot.
    const bool named = view.size() == dirs->size();
    auto entries = strata::mergedTree(view);
    if (!entries)
        return fail(entries.takeError(), QStringLiteral("image %1: ").arg(image.displayName()));
    for (TreeEntry &e : entries.value())
        e.layer = named ? index - e.layer : -1;
    return entries;
}

Result<FileVersion> LayerContents::readFile(const Image &image, int index, const QByteArray &path, qint64 maxBytes) const
{
    auto dirs = snapshotsTopFirst(image, index);
    if (!dirs)
        return dirs.takeError();
    const QStringList view = m_dirs->driver().viewLayers(dirs.value());
    auto version = readVisibleFile(view, path, maxBytes);
    if (!version)
        return fail(version.takeError(), QStringLiteral("image %1, layer %2: ").arg(image.displayName()).arg(index));
    if (view.size() == dirs->size() && version->layer >= 0)
        version->layer = index - version->layer;
    else
        version->layer = -1;
    return version;
}

Result<EfficiencyReport> LayerContents::efficiency(const Image &image) const
{
    QList<QList<Change>> all;
    QList<qint64> sizes;
    const int top = int(image.layers.size()) - 1;
    if (top < 0)
        return EfficiencyReport::compute(all, sizes);
    // Every layer's snapshots, looked up once: layer i's are the last i + 1 of them.
    auto dirs = snapshotsTopFirst(image, top);
    if (!dirs)
        return dirs.takeError();
    for (int i = 0; i <= top; ++i) {
        auto c = changesOf(image, i, dirs->mid(top - i));
        if (!c)
            return c.takeError();
        all.append(c.value());
        sizes.append(image.layers[i].size);
    }
    return EfficiencyReport::compute(all, sizes);
}

Result<QList<XrayStep>> LayerContents::xray(const Image &image, const QByteArray &path) const
{
    auto relative = relativeInView(path);
    if (!relative)
        return relative.takeError();
    const QByteArray &rel = relative.value();
    const StorageDriver &driver = m_dirs->driver();
    QList<XrayStep> steps;
    const int top = int(image.layers.size()) - 1;
    if (top < 0)
        return steps;
    auto dirs = snapshotsTopFirst(image, top);
    if (!dirs)
        return dirs.takeError();
    std::optional<struct stat> previous;
    for (int i = 0; i <= top; ++i) {
        LayerView view(driver.viewLayers(dirs->mid(top - i)));
        STRATA_TRY(view.open());
        std::optional<struct stat> now;
        bool writtenHere = false;
        if (auto e = view.find(rel)) {
            struct stat st;
            if (view.stat(e->layer, rel, &st)) {
                now = st;
                writtenHere = driver.copiesUp() && e->layer == 0 && !S_ISDIR(st.st_mode);
            }
        }
        XrayStep step;
        step.layer = i;
        if (now && !previous)
            step.kind = Change::Kind::Added;
        else if (!now && previous)
            step.kind = Change::Kind::Deleted;
        else if (now && previous && (writtenHere || entryDiffers(*now, *previous)))
            step.kind = Change::Kind::Changed;
        else {
            previous = now;
            continue;
        }
        step.size = now ? (S_ISDIR(now->st_mode) ? 0 : qint64(now->st_size)) : -1;
        step.mode = now ? quint32(now->st_mode) : 0;
        steps.append(step);
        previous = now;
    }
    if (!steps.isEmpty() && steps.last().kind != Change::Kind::Deleted)
        steps.last().visible = true;
    return steps;
}

} // namespace strata
