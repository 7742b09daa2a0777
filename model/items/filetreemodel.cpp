#include "filetreemodel.h"

#include "sizetext.h"

#include "filemode.h"

#include <QColor>
#include <QLocale>

#include <utility>

#include <sys/stat.h>

namespace strata {

FileTreeModel::FileTreeModel(QObject *parent)
    : QAbstractItemModel(parent)
{
}

FileTree FileTreeModel::setTree(FileTree tree)
{
    beginResetModel();
    FileTree old = std::exchange(m_tree, std::move(tree));
    m_row.fill(0, m_tree.nodes.size());
    for (qsizetype i = 0; i < m_tree.top.size(); ++i)
        m_row[m_tree.top[i]] = int(i);
    for (const FileTree::Node &n : std::as_const(m_tree.nodes)) {
        for (qsizetype i = 0; i < n.children.size(); ++i)
            m_row[n.children[i]] = int(i);
    }
    endResetModel();
    return old;
}

QModelIndex FileTreeModel::indexOfPath(const QByteArray &path) const
{
    for (qsizetype i = 0; i < m_tree.nodes.size(); ++i) {
        if (m_tree.nodes[i].path == path)
            return createIndex(m_row[i], 0, quintptr(i));
    }
    return {};
}

int FileTreeModel::rowOf(int node) const
{
    return m_row.value(node, 0);
}

QModelIndex FileTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (column < 0 || column >= ColumnCount || row < 0)
        return {};
    if (parent.isValid() && parent.column() != 0)
        return {};
    const QList<int> &children = childrenOf(parent.isValid() ? int(parent.internalId()) : -1);
    if (row >= children.size())
        return {};
    return createIndex(row, column, quintptr(children[row]));
}

QModelIndex FileTreeModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    const int p = m_tree.nodes[int(child.internalId())].parent;
    if (p < 0)
        return {};
    return createIndex(rowOf(p), 0, quintptr(p));
}

int FileTreeModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() && parent.column() != 0)
        return 0;
    return int(childrenOf(parent.isValid() ? int(parent.internalId()) : -1).size());
}

int FileTreeModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant FileTreeModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    const FileTree::Node &n = m_tree.nodes[int(index.internalId())];
    const bool dir = S_ISDIR(mode_t(n.mode));
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn:
            return QString(QString::fromUtf8(n.name) + (dir ? QStringLiteral("/") : QString()));
        case MarkColumn:
            return FileTree::markLetter(n.mark);
        case SizeColumn:
            return n.mark == FileTree::Mark::Deleted ? QString() : sizeText(n.total);
        case ModeColumn:
            return n.mark == FileTree::Mark::Deleted ? QString() : modeString(n.mode);
        case LayerColumn:
            if (n.layer == FileTree::writableLayer)
                return tr("writable");
            if (n.layer == FileTree::initLayer)
                return tr("init");
            return n.layer < 0 ? QString() : QString::number(n.layer);
        }
        break;
    case SortRole:
        switch (index.column()) {
        case NameColumn:
            return QString::fromUtf8(n.name);
        case MarkColumn:
            return int(n.mark);
        case SizeColumn:
            return n.total;
        case ModeColumn:
            return n.mode;
        case LayerColumn:
            return n.layer;
        }
        break;
    case Qt::ToolTipRole:
        return QString::fromUtf8(n.path);
    case Qt::TextAlignmentRole:
        if (index.column() == SizeColumn || index.column() == LayerColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        if (index.column() == MarkColumn)
            return int(Qt::AlignCenter);
        break;
    case Qt::ForegroundRole:
        if (index.column() == MarkColumn) {
            switch (n.mark) {
            case FileTree::Mark::Added:
                return QColor(0x2e, 0x9d, 0x4f);
            case FileTree::Mark::Modified:
                return QColor(0xc8, 0x8a, 0x10);
            case FileTree::Mark::Deleted:
            case FileTree::Mark::Opaque:
                return QColor(0xd9, 0x3b, 0x3b);
            case FileTree::Mark::None:
                break;
            }
        }
        break;
    case PathRole:
        return n.path;
    case MarkRole:
        return int(n.mark);
    case IsDirRole:
        return dir;
    }
    return {};
}

QVariant FileTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Name");
    case MarkColumn:
        return tr("Change");
    case SizeColumn:
        return tr("Size");
    case ModeColumn:
        return tr("Mode");
    case LayerColumn:
        return tr("Layer");
    }
    return {};
}

} // namespace strata
