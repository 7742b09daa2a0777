#include "transfermodel.h"

#include "sizetext.h"

#include <QElapsedTimer>
#include <QHash>
#include <QMutex>
#include <QPointer>

namespace strata {

TransferModel::TransferModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

int TransferModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TransferModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TransferModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const LayerTransferEvent &e = m_rows[index.row()];
    if (role == FractionRole)
        return e.total > 0 ? double(e.done) / double(e.total) : (e.final ? 1.0 : -1.0);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case LayerColumn:
        return e.shortId;
    case StatusColumn:
        return statusText(e.status);
    case ProgressColumn:
        if (e.total <= 0)
            return QString();
        if (e.final)
            return sizeText(e.total);
        return tr("%1 of %2").arg(sizeText(e.done), sizeText(e.total));
    default:
        return {};
    }
}

QString TransferModel::statusText(const QString &status)
{
    // The engine's words (docker's), as the window says them.
    if (status == QLatin1String("Waiting"))
        return tr("Waiting");
    if (status == QLatin1String("Downloading"))
        return tr("Downloading");
    if (status == QLatin1String("Extracting"))
        return tr("Extracting");
    if (status == QLatin1String("Pull complete"))
        return tr("Pull complete");
    if (status == QLatin1String("Already exists"))
        return tr("Already in the store");
    if (status == QLatin1String("Preparing"))
        return tr("Preparing");
    if (status == QLatin1String("Pushing"))
        return tr("Pushing");
    if (status == QLatin1String("Pushed"))
        return tr("Pushed");
    if (status == QLatin1String("Layer already exists"))
        return tr("Already in the registry");
    if (status.startsWith(QLatin1String("Mounted from ")))
        return tr("Mounted from %1").arg(status.mid(13));
    return status;
}

QVariant TransferModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case LayerColumn:
        return tr("Layer");
    case StatusColumn:
        return tr("Status");
    case ProgressColumn:
        return tr("Progress");
    default:
        return {};
    }
}

void TransferModel::clear()
{
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

void TransferModel::apply(const LayerTransferEvent &event)
{
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].shortId == event.shortId) {
            m_rows[i] = event;
            Q_EMIT dataChanged(index(int(i), 0), index(int(i), ColumnCount - 1));
            return;
        }
    }
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size()));
    m_rows.append(event);
    endInsertRows();
}

int TransferModel::finishedCount() const
{
    int n = 0;
    for (const LayerTransferEvent &e : m_rows)
        n += e.final ? 1 : 0;
    return n;
}

LayerTransferSink TransferModel::sink()
{
    struct Throttle {
        QMutex mutex;
        QHash<QString, QPair<QString, QElapsedTimer>> last; // layer -> status and when it was posted
    };
    auto throttle = std::make_shared<Throttle>();
    QPointer<TransferModel> self(this);
    return [self, throttle](const LayerTransferEvent &e) {
        {
            QMutexLocker lock(&throttle->mutex);
            auto &[status, timer] = throttle->last[e.shortId];
            if (!e.final && status == e.status && timer.isValid() && timer.elapsed() < 100)
                return;
            status = e.status;
            timer.start();
        }
        QMetaObject::invokeMethod(
            self.data(), [self, e] {
                if (self)
                    self->apply(e);
            },
            Qt::QueuedConnection);
    };
}

} // namespace strata
