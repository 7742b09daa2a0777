#pragma once

#include "result.h"

#include <QByteArray>
#include <QFile>
#include <QList>
#include <QString>

namespace strata {

// One line a container wrote, as its monitor logged it.
struct LogEntry {
    enum class Stream { Stdout, Stderr };
    Stream stream = Stream::Stdout;
    QString time; // RFC 3339 with nanoseconds, as Docker's json-file driver writes it
    QString text; // with its newline, when it had one
};

// Reads containers/<id>/log (JSON lines: {"log","stream","time"}) as it grows: each
// readNew() returns the complete lines written since the last call, so `logs -f` and the
// window's log view can follow it. A partial last line (the monitor mid-write, or killed
// then) waits for its end. One reader per thread.
class ContainerLog {
public:
    explicit ContainerLog(const QString &path);
    Status open();
    Result<QList<LogEntry>> readNew();

private:
    QFile m_file;
    QByteArray m_pending;
};

} // namespace strata
