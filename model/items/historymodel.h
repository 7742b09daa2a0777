#pragma once

#include "imagetypes.h"

#include <QAbstractTableModel>
#include <QList>

namespace strata {

// An image's history, oldest first, the way `docker history` lists it: entries that made a
// layer with their sizes, and the ones that made none (ENV, CMD, …), which the lesson counts.
class HistoryModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { IndexColumn, InstructionColumn, SizeColumn, CreatedColumn, ColumnCount };
    enum Role { SortRole = Qt::UserRole + 1, ChainIdRole, EmptyLayerRole };

    explicit HistoryModel(QObject *parent = nullptr);
    void setHistory(const QList<HistoryRow> &rows);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<HistoryRow> m_rows;
    QList<int> m_layerIndex; // row -> layer index, -1 for an entry without a layer
};

} // namespace strata
