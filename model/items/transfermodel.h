#pragma once

#include "registrytransfer.h"

#include <QAbstractTableModel>
#include <QList>

namespace strata {

// The layers of a pull or push as it goes, one row each: the blob's short ID, what is happening
// to it ("Downloading", "Pull complete", "Layer already exists"), and how far it is. Lives on
// the GUI thread; sink() hands the engine a LayerTransferSink that posts the events here
// (at most ten a second per layer, and every layer's last one).
class TransferModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { LayerColumn, StatusColumn, ProgressColumn, ColumnCount };
    // ProgressColumn's fraction done, 0..1, or -1 when the size is not known.
    static constexpr int FractionRole = Qt::UserRole + 1;

    explicit TransferModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void clear();
    void apply(const strata::LayerTransferEvent &event);
    // Safe to call from any thread; events reach this model through its event loop.
    LayerTransferSink sink();
    int finishedCount() const;
    static QString statusText(const QString &engineStatus);

private:
    QList<LayerTransferEvent> m_rows;
};

} // namespace strata
