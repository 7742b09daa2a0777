#pragma once

#include <QStringList>
#include <QTextStream>

namespace strata {

class Store;

// `build` and `builder prune` from the command line: the engine's Builder with Docker's
// classic output on stdout (RUN's output included) and its exit status on failure.
class BuildCli {
public:
    BuildCli(Store &store, QTextStream &out, QTextStream &err);

    static bool handles(const QString &command, const QStringList &args);
    static QString usage();
    int run(const QString &command, const QStringList &args);

private:
    int build(const QStringList &args);
    int prune(const QStringList &args);
    int failWith(const QString &command, const QString &message, int code = 1);

    Store &m_store;
    QTextStream &m_out;
    QTextStream &m_err;
};

} // namespace strata
