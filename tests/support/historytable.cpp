#include "historytable.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

namespace strata::test {

QList<HistoryTableRow> parseStrataHistory(const QString &out, QString *error)
{
    QStringList lines = out.split(u'\n', Qt::SkipEmptyParts);
    if (lines.isEmpty()) {
        *error = QStringLiteral("empty history output");
        return {};
    }
    const QString header = lines.takeFirst();
    const qsizetype cImage = header.indexOf(QStringLiteral("IMAGE")), cBy = header.indexOf(QStringLiteral("CREATED BY")),
                    cSize = header.indexOf(QStringLiteral("SIZE")), cComment = header.indexOf(QStringLiteral("COMMENT"));
    if (cImage != 0 || cBy < 0 || cSize < cBy || cComment < cSize) {
        *error = QStringLiteral("unexpected history header: '%1'").arg(header);
        return {};
    }
    QList<HistoryTableRow> rows;
    for (const QString &l : std::as_const(lines))
        rows.append({ l.left(l.indexOf(u' ')), l.mid(cBy, cSize - cBy).trimmed(), l.mid(cSize, cComment - cSize).trimmed(), l.mid(cComment).trimmed() });
    return rows;
}

QList<HistoryTableRow> parseDockerHistory(const QByteArray &out, QString *error)
{
    QList<HistoryTableRow> rows;
    const QList<QByteArray> lines = out.split('\n');
    for (const QByteArray &l : lines) {
        if (l.trimmed().isEmpty())
            continue;
        QJsonParseError pe;
        const QJsonObject o = QJsonDocument::fromJson(l, &pe).object();
        if (pe.error != QJsonParseError::NoError) {
            *error = QStringLiteral("bad docker history line '%1': %2").arg(QString::fromUtf8(l), pe.errorString());
            return {};
        }
        rows.append({ o.value(QStringLiteral("ID")).toString(), o.value(QStringLiteral("CreatedBy")).toString(), o.value(QStringLiteral("Size")).toString(),
            o.value(QStringLiteral("Comment")).toString() });
    }
    return rows;
}

} // namespace strata::test
