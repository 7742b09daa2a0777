#pragma once

#include "result.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>
#include <sys/stat.h>

namespace strata {

// A read-only stack of snapshot directories (top first) seen the way overlayfs merges them:
// a whiteout (char 0/0) hides a name below it, an opaque directory hides what lies below it,
// directories merge. Used to compare a container's writable layer with its image, and to say
// which layer a copied-up file came from. Never follows a symbolic link.
class LayerView {
public:
    explicit LayerView(const QStringList &layerDirs);
    ~LayerView();
    LayerView(const LayerView &) = delete;
    LayerView &operator=(const LayerView &) = delete;

    Status open();
    int layerCount() const { return int(m_roots.size()); }

    // One name in one merged directory.
    struct Entry {
        int layer = -1; // the topmost layer that provides it
        bool whiteout = false; // deleted by `layer`: not visible
        bool isDir = false;
        QList<int> dirLayers; // for a directory: the layers whose contents merge into it
    };
    // The merged listing of the directory whose contributing layers are `layers` (use
    // allLayers() for the root), whiteouts included and marked.
    QHash<QByteArray, Entry> list(const QByteArray &dirPath, const QList<int> &layers) const;
    QList<int> allLayers() const;
    // lstat of `path` (relative, no leading '/') in one layer.
    bool stat(int layer, const QByteArray &path, struct stat *st) const;
    // Where `path` comes from in the merged view, if it is visible.
    std::optional<Entry> find(const QByteArray &path) const;

    // Directories list() could not read (not ones a layer simply lacks), for callers that must
    // not give an incomplete answer. A LayerView is used by one thread at a time.
    QStringList problems() const { return m_problems; }

private:
    QStringList m_dirs;
    QList<int> m_roots;
    mutable QStringList m_problems;
};

// Docker's naive comparison of two versions of an entry: directories differ only in type,
// mode, owner or device; other entries also in size or mtime.
bool entryDiffers(const struct stat &a, const struct stat &b);
// "/etc/passwd" as a path below a view's root ("etc/passwd"); refuses "" and "..".
Result<QByteArray> relativeInView(const QByteArray &path);

// One line of `diff`: the path as the container sees it.
struct Change {
    enum class Kind { Added, Changed, Deleted };
    Kind kind;
    QByteArray path; // absolute, "/etc/passwd"
    // With ChangeDetail::Stat: the entry as it is now (Deleted: as it was below), and for a
    // Changed or Deleted entry the base layer (index into baseLayers) that held the old one.
    qint64 size = -1;
    quint32 mode = 0; // st_mode: type and permissions
    int baseLayer = -1;
    bool opaque = false; // a directory that hides everything below it

    char letter() const { return kind == Kind::Added ? 'A' : kind == Kind::Changed ? 'C' : 'D'; }
};

// The changes of a container against its image, as Docker's `diff` reports them: a path is
// Added, Changed (type, mode, owner or device differ; for non-directories also size or mtime)
// or Deleted, and every directory above a change is Changed. `upper` is either overlay's
// upper directory (only what it holds can differ from `base`) or, for vfs, the container's
// whole tree.
// `Stat` also fills in sizes, modes and base layers (a stat per entry: `diff` needs none of it).
enum class ChangeDetail { Paths, Stat };
Result<QList<Change>> computeChanges(const QString &upper, bool upperIsOverlay, const QStringList &baseLayers, ChangeDetail detail = ChangeDetail::Paths);

// An entry of a merged view.
struct TreeEntry {
    QByteArray path; // absolute
    qint64 size = 0;
    quint32 mode = 0;
    int layer = -1; // which of the view's layers provides it (0 = top)
};

// Every entry visible in the view of `layersTopFirst`, depth first in name order (a directory's
// entries right after it): an image's files up to a layer, or a container's whole filesystem
// with each entry marked by the layer it comes from.
Result<QList<TreeEntry>> mergedTree(const QStringList &layersTopFirst);

// The first bytes of a file as a view shows it (a symbolic link: its target, not followed).
struct FileVersion {
    bool exists = false;
    quint32 mode = 0;
    qint64 size = 0;
    int layer = -1; // which of the view's layers provides it (0 = top)
    QByteArray head; // at most the bytes asked for
    bool truncated = false;
    QByteArray linkTarget;
};
Result<FileVersion> readVisibleFile(const QStringList &layersTopFirst, const QByteArray &path, qint64 maxBytes);

} // namespace strata
