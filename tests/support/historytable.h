#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace strata::test {

// A history row as `docker history` and `stratactl history` show it.
struct HistoryTableRow {
    QString image, createdBy, size, comment;
};

// `stratactl history --no-trunc` prints a padded text table; columns are cut at the header's offsets.
QList<HistoryTableRow> parseStrataHistory(const QString &out, QString *error);
// `docker history --no-trunc --format '{{json .}}'` prints one JSON object per row.
QList<HistoryTableRow> parseDockerHistory(const QByteArray &out, QString *error);

} // namespace strata::test
