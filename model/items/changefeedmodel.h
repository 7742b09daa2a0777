#pragma once

#include "changewatcher.h"

#include <QAbstractTableModel>
#include <QList>
#include <QStringList>

namespace strata {

// The live change feed of a container's writable layer: one row per ChangeEvent, newest last,
// with the layer a copy-up came from. Bounded: the oldest rows go first.
class ChangeFeedModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { TimeColumn, KindColumn, PathColumn, SizeColumn, DetailColumn, ColumnCount };
    enum Role { SortRole = Qt::UserRole + 1, KindRole, PathRole };
    static constexpr int maxRows = 10000;

    explicit ChangeFeedModel(QObject *parent = nullptr);

    // Names of the layers below the writable layer, top first, as the watcher indexes them
    // (the init layer, then the image's layers top first), for "copied up from …".
    void setLayerNames(const QStringList &names) { m_layerNames = names; }
    void append(const ChangeEvent &event);
    void clear();
    const QList<ChangeEvent> &events() const { return m_events; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    QString detail(const ChangeEvent &event) const;

private:
    QList<ChangeEvent> m_events;
    QStringList m_layerNames;
};

} // namespace strata
