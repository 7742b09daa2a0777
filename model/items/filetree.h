#pragma once

#include "layercontents.h"
#include "layerview.h"

#include <QByteArray>
#include <QList>

namespace strata {

// A layer's changed files, or the merged tree up to a layer, as a tree of nodes built off the
// GUI thread (a layer of 200,000 files takes a while) and then handed to a FileTreeModel in
// one step. Directories carry the total size of what lies below them.
struct FileTree {
    enum class Mark { None, Added, Modified, Deleted, Opaque };
    struct Node {
        QByteArray name;
        QByteArray path; // absolute
        int parent = -1; // -1 for the top level
        QList<int> children;
        qint64 size = 0; // the entry's own bytes
        qint64 total = 0; // with everything below
        quint32 mode = 0;
        Mark mark = Mark::None; // None: a directory only on the way to a change
        int layer = -1; // the layer that provides it (merged trees); -1 unknown
        int baseLayer = -1; // a change's old version: the layer below that held it
    };
    // Layer numbers for a container's view, beside the image's 0, 1, …
    static constexpr int writableLayer = -2;
    static constexpr int initLayer = -3;

    QList<Node> nodes;
    QList<int> top; // the nodes at the top level
    qsizetype files = 0; // entries that are not directories

    static FileTree fromChanges(const QList<Change> &changes);
    static FileTree fromEntries(const QList<TreeEntry> &entries);
    static QString markLetter(Mark mark); // "A", "M", "D", "O", ""

private:
    int nodeFor(const QByteArray &path, QHash<QByteArray, int> &index);
    void sumTotals();
};

} // namespace strata
