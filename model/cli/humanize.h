#pragma once

#include <QDateTime>
#include <QString>

namespace strata::humanize {

// Sizes and ages the way the docker CLI prints them, so output reads the same.
QString size(qint64 bytes); // "4.26MB", decimal units, 3 significant digits
QString duration(const QDateTime &since, const QDateTime &now = QDateTime::currentDateTimeUtc()); // "2 hours"
QString ago(const QDateTime &when, const QDateTime &now = QDateTime::currentDateTimeUtc()); // "2 hours ago"

} // namespace strata::humanize
