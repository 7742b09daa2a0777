#include "historymodel.h"

#include "sizetext.h"

#include <QDateTime>
#include <QLocale>

namespace strata {

HistoryModel::HistoryModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void HistoryModel::setHistory(const QList<HistoryRow> &rows)
{
    beginResetModel();
    m_rows = rows;
    m_layerIndex.clear();
    int layer = 0;
    for (const HistoryRow &r : rows)
        m_layerIndex.append(r.emptyLayer ? -1 : layer++);
    endResetModel();
}

int HistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int HistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HistoryModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const HistoryRow &r = m_rows[index.row()];
    const int layer = m_layerIndex[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case IndexColumn:
            return layer < 0 ? tr("—") : QString::number(layer);
        case InstructionColumn:
            return r.createdBy;
        case SizeColumn:
            return r.emptyLayer ? tr("no layer") : sizeText(r.size);
        case CreatedColumn: {
            const QDateTime t = QDateTime::fromString(r.created, Qt::ISODateWithMs);
            return t.isValid() ? QLocale().toString(t.toLocalTime(), QLocale::ShortFormat) : r.created;
        }
        }
        break;
    case Qt::ToolTipRole:
        return r.comment.isEmpty() ? r.createdBy : QString(r.createdBy + u"\n"_qs + r.comment);
    case Qt::TextAlignmentRole:
        if (index.column() == SizeColumn || index.column() == IndexColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case SortRole:
        switch (index.column()) {
        case IndexColumn:
            return index.row();
        case InstructionColumn:
            return r.createdBy;
        case SizeColumn:
            return r.size;
        case CreatedColumn:
            return r.created;
        }
        break;
    case ChainIdRole:
        return r.chainId.toString();
    case EmptyLayerRole:
        return r.emptyLayer;
    }
    return {};
}

QVariant HistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case IndexColumn:
        return tr("Layer");
    case InstructionColumn:
        return tr("Instruction");
    case SizeColumn:
        return tr("Size");
    case CreatedColumn:
        return tr("Created");
    }
    return {};
}

} // namespace strata
