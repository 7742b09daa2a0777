#include "containerlog.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace strata {

namespace {
    constexpr qint64 maxLine = 16 * 1024 * 1024; // a monitor writes lines far shorter than this
}

ContainerLog::ContainerLog(const QString &path)
    : m_file(path)
{
}

Status ContainerLog::open()
{
    if (!m_file.open(QIODevice::ReadOnly))
        return fail(ErrorCode::Io, QStringLiteral("%1: cannot read the log: %2").arg(m_file.fileName(), m_file.errorString()));
    return {};
}

Result<QList<LogEntry>> ContainerLog::readNew()
{
    m_pending += m_file.readAll();
    QList<LogEntry> out;
    qsizetype start = 0;
    for (qsizetype nl; (nl = m_pending.indexOf('\n', start)) >= 0; start = nl + 1) {
        QJsonParseError err;
        const QJsonObject rec = QJsonDocument::fromJson(m_pending.mid(start, nl - start), &err).object();
        if (err.error != QJsonParseError::NoError)
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: a line is not JSON: %2").arg(m_file.fileName(), err.errorString()));
        LogEntry e;
        e.stream = rec.value(QLatin1String("stream")).toString() == QLatin1String("stderr") ? LogEntry::Stream::Stderr : LogEntry::Stream::Stdout;
        e.time = rec.value(QLatin1String("time")).toString();
        e.text = rec.value(QLatin1String("log")).toString();
        out.append(e);
    }
    m_pending.remove(0, start);
    if (m_pending.size() > maxLine)
        return fail(ErrorCode::InvalidInput, QStringLiteral("%1: a line longer than %2 bytes").arg(m_file.fileName()).arg(maxLine));
    return out;
}

} // namespace strata
