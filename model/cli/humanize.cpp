#include "humanize.h"

namespace strata::humanize {

QString size(qint64 bytes)
{
    static const char *units[] = { "B", "kB", "MB", "GB", "TB", "PB" };
    double value = double(bytes);
    int unit = 0;
    while (value >= 1000.0 && unit < 5) {
        value /= 1000.0;
        ++unit;
    }
    return QString::number(value, 'g', 3) + QLatin1String(units[unit]);
}

QString duration(const QDateTime &when, const QDateTime &now)
{
    if (!when.isValid())
        return QStringLiteral("N/A");
    const qint64 s = when.secsTo(now);
    QString text;
    if (s < 1)
        text = QStringLiteral("Less than a second");
    else if (s == 1)
        text = QStringLiteral("1 second");
    else if (s < 60)
        text = QStringLiteral("%1 seconds").arg(s);
    else if (s / 60 == 1)
        text = QStringLiteral("About a minute");
    else if (s < 3600)
        text = QStringLiteral("%1 minutes").arg(s / 60);
    else if (s / 3600 == 1)
        text = QStringLiteral("About an hour");
    else if (s < 48 * 3600)
        text = QStringLiteral("%1 hours").arg(s / 3600);
    else if (s < 7 * 24 * 3600 * 2)
        text = QStringLiteral("%1 days").arg(s / 86400);
    else if (s < 30 * 24 * 3600 * 3)
        text = QStringLiteral("%1 weeks").arg(s / (7 * 86400));
    else if (s < 365 * 24 * 3600 * 2)
        text = QStringLiteral("%1 months").arg(s / (30 * 86400));
    else
        text = QStringLiteral("%1 years").arg(s / (365 * 86400));
    return text;
}

QString ago(const QDateTime &when, const QDateTime &now)
{
    return when.isValid() ? duration(when, now) + QStringLiteral(" ago") : QStringLiteral("N/A");
}

} // namespace strata::humanize
