#include "layerview.h"
#include "whiteout.h"

#include "fsutil.h"

#include <QFile>
#include <QScopeGuard>
#include <QSet>

#include <algorithm>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

namespace strata {

namespace {

    struct DirEntry {
        QByteArray name;
        unsigned char type;
    };

    // readdir with the types the filesystem gives (DT_UNKNOWN is resolved with lstat). What
    // cannot be read is added to `problems` (with `path` naming the directory), never skipped
    // silently: a diff that leaves out a subtree would be a wrong answer.
    QList<DirEntry> readEntries(int dirFd, const QByteArray &path, QStringList *problems)
    {
        QList<DirEntry> out;
        const auto problem = [&](int err) {
            if (problems)
                problems->append(QStringLiteral("'/%1': %2").arg(QString::fromUtf8(path), fs::errorText(err)));
        };
        const int fd = dup(dirFd);
        if (fd < 0) {
            problem(errno);
            return out;
        }
        DIR *d = fdopendir(fd);
        if (!d) {
            problem(errno);
            close(fd);
            return out;
        }
        rewinddir(d);
        for (;;) {
            errno = 0;
            dirent *e = readdir(d);
            if (!e) {
                if (errno != 0)
                    problem(errno);
                break;
            }
            if (e->d_name[0] == '.' && (e->d_name[1] == 0 || (e->d_name[1] == '.' && e->d_name[2] == 0)))
                continue;
            unsigned char type = e->d_type;
            if (type == DT_UNKNOWN) {
                struct stat st;
                if (fstatat(dirFd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
                    type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISCHR(st.st_mode) ? DT_CHR : DT_REG;
            }
            out.append({ QByteArray(e->d_name), type });
        }
        closedir(d);
        return out;
    }

    // Views also read peers' stores in place (Docker's root), where even access times are kept
    // as they were.
    int openDir(int at, const QByteArray &path)
    {
        return fs::openNoAtime(at, path.isEmpty() ? "." : path.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }

    QByteArray join(const QByteArray &dir, const QByteArray &name)
    {
        return dir.isEmpty() ? name : dir + '/' + name;
    }

    bool sameTime(const timespec &a, const timespec &b)
    {
        return a.tv_sec == b.tv_sec && (a.tv_nsec == b.tv_nsec || a.tv_nsec == 0 || b.tv_nsec == 0);
    }

    class ChangeWalker {
    public:
        ChangeWalker(const LayerView &base, bool overlay, ChangeDetail detail)
            : m_base(base)
            , m_overlay(overlay)
            , m_detail(detail == ChangeDetail::Stat)
        {
        }

        // Appends the changes below `dirPath` to `out`; returns whether there were any.
        // `full`: the new directory replaces the base's listing (vfs, or an opaque directory),
        // so base names it lacks are deleted.
        bool walk(int newDirFd, const QByteArray &dirPath, const QList<int> &baseLayers, bool full, QList<Change> &out)
        {
            const QHash<QByteArray, LayerView::Entry> base = baseLayers.isEmpty() ? QHash<QByteArray, LayerView::Entry>() : m_base.list(dirPath, baseLayers);
            QList<DirEntry> entries = readEntries(newDirFd, dirPath, &m_problems);
            std::sort(entries.begin(), entries.end(), [](const DirEntry &a, const DirEntry &b) { return a.name < b.name; });
            bool changed = false;
            QSet<QByteArray> present;
            for (const DirEntry &e : std::as_const(entries)) {
                const QByteArray path = join(dirPath, e.name);
                present.insert(e.name);
                const auto b = base.constFind(e.name);
                const bool inBase = b != base.constEnd() && !b->whiteout;
                struct stat st;
                if (m_overlay && e.type == DT_CHR && fstatat(newDirFd, e.name.constData(), &st, AT_SYMLINK_NOFOLLOW) == 0 && whiteout::isOverlayDeletion(st)) {
                    if (inBase) {
                        out.append(fromBase(Change::Kind::Deleted, path, b->layer));
                        changed = true;
                    }
                    continue;
                }
                if (!inBase) {
                    out.append(fromNew(Change::Kind::Added, newDirFd, e.name, path));
                    if (e.type == DT_DIR)
                        addAll(newDirFd, e.name, path, out);
                    changed = true;
                    continue;
                }
                struct stat baseSt;
                if (fstatat(newDirFd, e.name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !m_base.stat(b->layer, path, &baseSt)) {
                    m_problems.append(QStringLiteral("'/%1': %2").arg(QString::fromUtf8(path), fs::errorText(errno)));
                    continue;
                }
                const qsizetype mark = out.size();
                bool recorded = false;
                const bool opaque = m_overlay && S_ISDIR(st.st_mode) && b->isDir && whiteout::isOverlayOpaque(newDirFd, e.name.constData());
                // An overlay layer holds only what it wrote: with detail (a layer's contents, the
                // window's view) a file it holds is changed even when it looks the same (a COPY of
                // identical bytes still costs the layer, as dive counts it).
                const bool written = m_detail && m_overlay && !S_ISDIR(st.st_mode);
                if (entryDiffers(st, baseSt) || written || (opaque && m_detail)) {
                    out.append(described(Change::Kind::Changed, path, st, b->layer, opaque));
                    recorded = changed = true;
                }
                if (!S_ISDIR(st.st_mode))
                    continue;
                const int childFd = openDir(newDirFd, e.name);
                if (childFd < 0) {
                    m_problems.append(QStringLiteral("'/%1': %2").arg(QString::fromUtf8(path), fs::errorText(errno)));
                    continue;
                }
                bool below;
                if (!b->isDir) {
                    addAll(newDirFd, e.name, path, out); // a directory where the image had a file
                    below = true;
                } else {
                    below = walk(childFd, path, b->dirLayers, full || opaque, out);
                }
                close(childFd);
                if (below && !recorded) // every directory above a change is changed
                    out.insert(mark, described(Change::Kind::Changed, path, st, b->layer, opaque));
                changed = changed || below;
            }
            if (full) {
                QList<QByteArray> gone;
                for (auto it = base.constBegin(); it != base.constEnd(); ++it) {
                    if (!it->whiteout && !present.contains(it.key()))
                        gone.append(it.key());
                }
                std::sort(gone.begin(), gone.end());
                for (const QByteArray &name : std::as_const(gone))
                    out.append(fromBase(Change::Kind::Deleted, join(dirPath, name), base.value(name).layer));
                changed = changed || !gone.isEmpty();
            }
            return changed;
        }

    private:
        // Everything below a new directory is new.
        void addAll(int parentFd, const QByteArray &name, const QByteArray &path, QList<Change> &out)
        {
            const int fd = openDir(parentFd, name);
            if (fd < 0) {
                m_problems.append(QStringLiteral("'/%1': %2").arg(QString::fromUtf8(path), fs::errorText(errno)));
                return;
            }
            QList<DirEntry> entries = readEntries(fd, path, &m_problems);
            std::sort(entries.begin(), entries.end(), [](const DirEntry &a, const DirEntry &b) { return a.name < b.name; });
            for (const DirEntry &e : std::as_const(entries)) {
                const QByteArray child = join(path, e.name);
                out.append(fromNew(Change::Kind::Added, fd, e.name, child));
                if (e.type == DT_DIR)
                    addAll(fd, e.name, child, out);
            }
            close(fd);
        }

        Change described(Change::Kind kind, const QByteArray &path, const struct stat &st, int baseLayer, bool opaque) const
        {
            Change c { kind, '/' + path };
            if (m_detail) {
                c.size = S_ISDIR(st.st_mode) ? 0 : qint64(st.st_size);
                c.mode = quint32(st.st_mode);
                c.baseLayer = baseLayer;
                c.opaque = opaque;
            }
            return c;
        }
        Change fromNew(Change::Kind kind, int dirFd, const QByteArray &name, const QByteArray &path)
        {
            struct stat st;
            if (!m_detail)
                return { kind, '/' + path };
            if (fstatat(dirFd, name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
                m_problems.append(QStringLiteral("'/%1': %2").arg(QString::fromUtf8(path), fs::errorText(errno)));
                return { kind, '/' + path };
            }
            return described(kind, path, st, -1, false);
        }
        Change fromBase(Change::Kind kind, const QByteArray &path, int layer)
        {
            struct stat st;
            if (!m_detail)
                return { kind, '/' + path };
            if (!m_base.stat(layer, path, &st)) {
                m_problems.append(QStringLiteral("'/%1': %2").arg(QString::fromUtf8(path), fs::errorText(errno)));
                return { kind, '/' + path };
            }
            return described(kind, path, st, layer, false);
        }

    public:
        QStringList m_problems; // what could not be read: the diff is refused rather than incomplete

    private:
        const LayerView &m_base;
        bool m_overlay;
        bool m_detail;
    };

} // namespace

bool entryDiffers(const struct stat &a, const struct stat &b)
{
    if (a.st_mode != b.st_mode || a.st_uid != b.st_uid || a.st_gid != b.st_gid || a.st_rdev != b.st_rdev)
        return true;
    if (S_ISDIR(a.st_mode))
        return false;
    return a.st_size != b.st_size || !sameTime(a.st_mtim, b.st_mtim);
}

Result<QByteArray> relativeInView(const QByteArray &path)
{
    QByteArray rel = path;
    while (rel.startsWith('/'))
        rel.remove(0, 1);
    if (rel.isEmpty() || rel.split('/').contains(".."))
        return fail(ErrorCode::InvalidInput, QStringLiteral("'%1' is not a path inside the image").arg(QString::fromUtf8(path)));
    return rel;
}

LayerView::LayerView(const QStringList &layerDirs)
    : m_dirs(layerDirs)
{
}

LayerView::~LayerView()
{
    for (int fd : std::as_const(m_roots)) {
        if (fd >= 0)
            close(fd);
    }
}

Status LayerView::open()
{
    for (const QString &d : std::as_const(m_dirs)) {
        const int fd = fs::openNoAtime(AT_FDCWD, QFile::encodeName(d).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
            return fail(QStringLiteral("layer snapshot %1: %2").arg(d, fs::errorText(errno)));
        m_roots.append(fd);
    }
    return {};
}

QList<int> LayerView::allLayers() const
{
    QList<int> out;
    for (int i = 0; i < m_roots.size(); ++i)
        out.append(i);
    return out;
}

bool LayerView::stat(int layer, const QByteArray &path, struct stat *st) const
{
    return layer >= 0 && layer < m_roots.size() && fstatat(m_roots[layer], path.constData(), st, AT_SYMLINK_NOFOLLOW) == 0;
}

QHash<QByteArray, LayerView::Entry> LayerView::list(const QByteArray &dirPath, const QList<int> &layers) const
{
    QHash<QByteArray, Entry> out;
    QSet<QByteArray> settled; // nothing further down can contribute to these names
    for (int layer : layers) {
        const int fd = openDir(m_roots[layer], dirPath);
        if (fd < 0) {
            if (errno != ENOENT && errno != ENOTDIR) // not in this layer is normal; unreadable is not
                m_problems.append(QStringLiteral("layer %1, '/%2': %3").arg(layer).arg(QString::fromUtf8(dirPath), fs::errorText(errno)));
            continue;
        }
        for (const DirEntry &e : readEntries(fd, dirPath, &m_problems)) {
            auto it = out.find(e.name);
            if (it != out.end()) {
                if (settled.contains(e.name))
                    continue;
                // Only a directory above merges with what lies below.
                if (e.type == DT_DIR) {
                    it->dirLayers.append(layer);
                    if (whiteout::isOverlayOpaque(fd, e.name.constData()))
                        settled.insert(e.name);
                } else {
                    settled.insert(e.name);
                }
                continue;
            }
            Entry entry;
            entry.layer = layer;
            if (e.type == DT_CHR) {
                struct stat st;
                entry.whiteout = fstatat(fd, e.name.constData(), &st, AT_SYMLINK_NOFOLLOW) == 0 && whiteout::isOverlayDeletion(st);
            }
            if (e.type == DT_DIR) {
                entry.isDir = true;
                entry.dirLayers.append(layer);
                if (whiteout::isOverlayOpaque(fd, e.name.constData()))
                    settled.insert(e.name);
            } else {
                settled.insert(e.name);
            }
            out.insert(e.name, entry);
        }
        close(fd);
    }
    return out;
}

// One lookup per layer and component, as overlayfs does it: reading whole directories for
// one name would make every watch event in a large directory (/usr/bin) cost a listing.
std::optional<LayerView::Entry> LayerView::find(const QByteArray &path) const
{
    QList<int> layers = allLayers();
    QByteArray prefix;
    std::optional<Entry> found;
    for (const QByteArray &part : path.split('/')) {
        if (part.isEmpty())
            continue;
        if (found && !found->isDir)
            return std::nullopt;
        if (found)
            layers = found->dirLayers;
        prefix = join(prefix, part);
        found.reset();
        for (int layer : std::as_const(layers)) {
            struct stat st;
            if (!stat(layer, prefix, &st))
                continue; // absent here: a lower layer may have it
            if (!found) {
                if (whiteout::isOverlayDeletion(st))
                    return std::nullopt;
                found = Entry { layer, false, S_ISDIR(st.st_mode), {} };
            } else if (!S_ISDIR(st.st_mode)) {
                break; // a whiteout or file below a directory ends the merge
            }
            if (!found->isDir)
                break; // a file hides whatever lies below it
            found->dirLayers.append(layer);
            if (whiteout::isOverlayOpaque(m_roots[layer], prefix.constData()))
                break;
        }
        if (!found)
            return std::nullopt;
    }
    return found;
}

Result<QList<Change>> computeChanges(const QString &upper, bool upperIsOverlay, const QStringList &baseLayers, ChangeDetail detail)
{
    LayerView base(baseLayers);
    STRATA_TRY(base.open());
    const int root = fs::openNoAtime(AT_FDCWD, QFile::encodeName(upper).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        return fail(QStringLiteral("writable layer %1: %2").arg(upper, fs::errorText(errno)));
    QList<Change> out;
    ChangeWalker walker(base, upperIsOverlay, detail);
    walker.walk(root, {}, base.allLayers(), !upperIsOverlay, out);
    close(root);
    const QStringList problems = walker.m_problems + base.problems();
    if (!problems.isEmpty())
        return fail(ErrorCode::Io, QStringLiteral("writable layer %1: cannot compare %2%3").arg(upper, problems.first(),
            problems.size() > 1 ? QStringLiteral(" (and %1 more)").arg(problems.size() - 1) : QString()));
    return out;
}

Result<QList<TreeEntry>> mergedTree(const QStringList &layersTopFirst)
{
    LayerView merged(layersTopFirst);
    STRATA_TRY(merged.open());
    QList<TreeEntry> out;
    // Depth first, in name order, so that a directory's entries follow it: one frame per open
    // directory, never a recursion an untrusted tree could make deep.
    struct Frame {
        QByteArray path; // relative, "" for the root
        QHash<QByteArray, LayerView::Entry> listing;
        QList<QByteArray> names;
        qsizetype next = 0;
    };
    const auto openFrame = [&](const QByteArray &path, const QList<int> &layers) {
        Frame f { path, merged.list(path, layers), {}, 0 };
        for (auto it = f.listing.constBegin(); it != f.listing.constEnd(); ++it) {
            if (!it->whiteout)
                f.names.append(it.key());
        }
        std::sort(f.names.begin(), f.names.end());
        return f;
    };
    QList<Frame> stack { openFrame(QByteArray(), merged.allLayers()) };
    while (!stack.isEmpty()) {
        Frame &top = stack.last();
        if (top.next == top.names.size()) {
            stack.removeLast();
            continue;
        }
        const QByteArray name = top.names[top.next++];
        const LayerView::Entry e = top.listing.value(name);
        const QByteArray rel = join(top.path, name);
        struct stat st;
        if (!merged.stat(e.layer, rel, &st))
            return fail(ErrorCode::Io, QStringLiteral("cannot read '/%1': %2").arg(QString::fromUtf8(rel), fs::errorText(errno)));
        out.append({ '/' + rel, S_ISDIR(st.st_mode) ? 0 : qint64(st.st_size), quint32(st.st_mode), e.layer });
        if (e.isDir) {
            if (stack.size() >= fs::maxTreeDepth)
                return fail(ErrorCode::InvalidInput, QStringLiteral("'/%1' is nested more than %2 levels deep").arg(QString::fromUtf8(rel)).arg(fs::maxTreeDepth));
            stack.append(openFrame(rel, e.dirLayers));
        }
    }
    if (!merged.problems().isEmpty())
        return fail(ErrorCode::Io, QStringLiteral("cannot read %1").arg(merged.problems().first()));
    return out;
}

Result<FileVersion> readVisibleFile(const QStringList &layersTopFirst, const QByteArray &path, qint64 maxBytes)
{
    auto relative = relativeInView(path);
    if (!relative)
        return relative.takeError();
    const QByteArray &rel = relative.value();
    LayerView view(layersTopFirst);
    STRATA_TRY(view.open());
    FileVersion out;
    const auto found = view.find(rel);
    if (!found)
        return out;
    struct stat st;
    if (!view.stat(found->layer, rel, &st))
        return fail(ErrorCode::Io, QStringLiteral("'%1': %2").arg(QString::fromUtf8(path), fs::errorText(errno)));
    out.exists = true;
    out.mode = quint32(st.st_mode);
    out.size = qint64(st.st_size);
    out.layer = found->layer;
    const int root = fs::openNoAtime(AT_FDCWD, QFile::encodeName(layersTopFirst[found->layer]).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        return fail(ErrorCode::Io, QStringLiteral("layer snapshot %1: %2").arg(layersTopFirst[found->layer], fs::errorText(errno)));
    const auto closeRoot = qScopeGuard([root] { close(root); });
    if (S_ISLNK(st.st_mode)) {
        const qsizetype slash = rel.lastIndexOf('/');
        const int dir = fs::openBeneathNoAtime(root, slash < 0 ? QByteArray() : rel.left(slash), O_RDONLY | O_DIRECTORY);
        if (dir < 0)
            return fail(ErrorCode::Io, QStringLiteral("'%1': %2").arg(QString::fromUtf8(path), fs::errorText(errno)));
        char target[4096];
        const ssize_t n = readlinkat(dir, rel.mid(slash + 1).constData(), target, sizeof target);
        close(dir);
        if (n >= 0)
            out.linkTarget = QByteArray(target, n);
        return out;
    }
    if (!S_ISREG(st.st_mode))
        return out;
    const int fd = fs::openBeneathNoAtime(root, rel, O_RDONLY);
    if (fd < 0)
        return fail(ErrorCode::Io, QStringLiteral("'%1': %2").arg(QString::fromUtf8(path), fs::errorText(errno)));
    auto head = fs::readUpTo(fd, maxBytes, out.size);
    close(fd);
    if (!head)
        return fail(head.takeError(), QStringLiteral("'%1': ").arg(QString::fromUtf8(path)));
    out.head = head.value();
    out.truncated = out.size > out.head.size();
    return out;
}

} // namespace strata
