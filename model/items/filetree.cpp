#include "filetree.h"

#include <QHash>

#include <sys/stat.h>

namespace strata {

int FileTree::nodeFor(const QByteArray &path, QHash<QByteArray, int> &index)
{
    if (auto it = index.constFind(path); it != index.constEnd())
        return *it;
    const qsizetype slash = path.lastIndexOf('/');
    // The parents of a path are made as needed, so the tree holds even when a list leaves one out.
    const int parent = slash > 0 ? nodeFor(path.left(slash), index) : -1;
    Node n;
    n.name = path.mid(slash + 1);
    n.path = path;
    n.parent = parent;
    n.mode = S_IFDIR | 0755;
    const int id = int(nodes.size());
    nodes.append(n);
    if (parent >= 0)
        nodes[parent].children.append(id);
    else
        top.append(id);
    index.insert(path, id);
    return id;
}

void FileTree::sumTotals()
{
    // Children always come after their parents: summing backwards adds each node to its
    // parent after its own children were added to it.
    for (qsizetype i = nodes.size() - 1; i >= 0; --i) {
        Node &n = nodes[i];
        n.total += n.size;
        if (!S_ISDIR(mode_t(n.mode)) && n.mark != Mark::Deleted)
            ++files;
        if (n.parent >= 0)
            nodes[n.parent].total += n.total;
    }
}

FileTree FileTree::fromChanges(const QList<Change> &changes)
{
    FileTree tree;
    tree.nodes.reserve(changes.size());
    QHash<QByteArray, int> index;
    index.reserve(changes.size());
    for (const Change &c : changes) {
        const int id = tree.nodeFor(c.path, index);
        Node &n = tree.nodes[id];
        n.mode = c.mode;
        n.size = c.kind == Change::Kind::Deleted || S_ISDIR(mode_t(c.mode)) ? 0 : std::max<qint64>(c.size, 0);
        n.baseLayer = c.baseLayer;
        n.mark = c.opaque ? Mark::Opaque
            : c.kind == Change::Kind::Added ? Mark::Added
            : c.kind == Change::Kind::Deleted ? Mark::Deleted
            : (S_ISDIR(mode_t(c.mode)) ? Mark::None : Mark::Modified);
    }
    tree.sumTotals();
    return tree;
}

FileTree FileTree::fromEntries(const QList<TreeEntry> &entries)
{
    FileTree tree;
    tree.nodes.reserve(entries.size());
    QHash<QByteArray, int> index;
    index.reserve(entries.size());
    for (const TreeEntry &e : entries) {
        const int id = tree.nodeFor(e.path, index);
        Node &n = tree.nodes[id];
        n.mode = e.mode;
        n.size = S_ISDIR(mode_t(e.mode)) ? 0 : e.size;
        n.layer = e.layer;
    }
    tree.sumTotals();
    return tree;
}

QString FileTree::markLetter(Mark mark)
{
    switch (mark) {
    case Mark::Added:
        return QStringLiteral("A");
    case Mark::Modified:
        return QStringLiteral("M");
    case Mark::Deleted:
        return QStringLiteral("D");
    case Mark::Opaque:
        return QStringLiteral("O");
    case Mark::None:
        break;
    }
    return {};
}

} // namespace strata
