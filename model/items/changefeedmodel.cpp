#include "changefeedmodel.h"

#include "sizetext.h"

#include <QColor>
#include <QLocale>

namespace strata {

ChangeFeedModel::ChangeFeedModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void ChangeFeedModel::append(const ChangeEvent &event)
{
    if (m_events.size() >= maxRows) {
        beginRemoveRows({}, 0, 0);
        m_events.removeFirst();
        endRemoveRows();
    }
    beginInsertRows({}, int(m_events.size()), int(m_events.size()));
    m_events.append(event);
    endInsertRows();
}

void ChangeFeedModel::clear()
{
    beginResetModel();
    m_events.clear();
    endResetModel();
}

int ChangeFeedModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_events.size());
}

int ChangeFeedModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString ChangeFeedModel::detail(const ChangeEvent &event) const
{
    if (event.copiedFromLayer >= 0) {
        const QString from = m_layerNames.value(event.copiedFromLayer, tr("layer %1 below").arg(event.copiedFromLayer));
        return tr("copied up from %1 (%2)").arg(from, sizeText(event.copiedBytes));
    }
    switch (event.kind) {
    case ChangeEvent::Kind::Deleted:
        return tr("whiteout");
    case ChangeEvent::Kind::Opaque:
        return tr("opaque: hides the directory's lower contents");
    case ChangeEvent::Kind::Added:
        return event.isDir ? tr("new directory") : tr("new file");
    case ChangeEvent::Kind::Changed:
        return tr("written in the writable layer");
    }
    return {};
}

QVariant ChangeFeedModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_events.size())
        return {};
    const ChangeEvent &e = m_events[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return e.time.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz"));
        case KindColumn:
            switch (e.kind) {
            case ChangeEvent::Kind::Added:
                return tr("Added");
            case ChangeEvent::Kind::Changed:
                return tr("Changed");
            case ChangeEvent::Kind::Deleted:
                return tr("Deleted");
            case ChangeEvent::Kind::Opaque:
                return tr("Opaque");
            }
            break;
        case PathColumn:
            return QString::fromUtf8(e.path);
        case SizeColumn:
            return e.kind == ChangeEvent::Kind::Deleted ? QString() : sizeText(e.size);
        case DetailColumn:
            return detail(e);
        }
        break;
    case SortRole:
        switch (index.column()) {
        case TimeColumn:
            return e.time;
        case KindColumn:
            return int(e.kind);
        case PathColumn:
            return QString::fromUtf8(e.path);
        case SizeColumn:
            return e.size;
        case DetailColumn:
            return e.copiedFromLayer;
        }
        break;
    case Qt::ForegroundRole:
        if (index.column() == KindColumn) {
            switch (e.kind) {
            case ChangeEvent::Kind::Added:
                return QColor(0x2e, 0x9d, 0x4f);
            case ChangeEvent::Kind::Changed:
                return QColor(0xc8, 0x8a, 0x10);
            case ChangeEvent::Kind::Deleted:
            case ChangeEvent::Kind::Opaque:
                return QColor(0xd9, 0x3b, 0x3b);
            }
        }
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == SizeColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case KindRole:
        return int(e.kind);
    case PathRole:
        return e.path;
    }
    return {};
}

QVariant ChangeFeedModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case KindColumn:
        return tr("Change");
    case PathColumn:
        return tr("Path");
    case SizeColumn:
        return tr("Size");
    case DetailColumn:
        return tr("Detail");
    }
    return {};
}

} // namespace strata
