#pragma once

#include "filetree.h"

#include <QAbstractItemModel>

namespace strata {

// A FileTree as an item model: name, mark (A / M / D / O), size (a directory's with what lies
// below), mode and, for a merged tree, the layer each entry comes from.
class FileTreeModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column { NameColumn, MarkColumn, SizeColumn, ModeColumn, LayerColumn, ColumnCount };
    enum Role {
        SortRole = Qt::UserRole + 1, // raw numbers for sorting
        PathRole, // QByteArray, absolute
        MarkRole, // int(FileTree::Mark)
        IsDirRole,
    };

    explicit FileTreeModel(QObject *parent = nullptr);

    // Returns the tree it held, for the caller to free elsewhere: the nodes of a 200,000-file
    // tree take tens of milliseconds to free.
    FileTree setTree(FileTree tree);
    const FileTree &tree() const { return m_tree; }
    QModelIndex indexOfPath(const QByteArray &path) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    const QList<int> &childrenOf(int node) const { return node < 0 ? m_tree.top : m_tree.nodes[node].children; }
    int rowOf(int node) const;

    FileTree m_tree;
    QList<int> m_row; // node -> its row under its parent
};

} // namespace strata
