#pragma once

#include "args.h"
#include "registryclient.h"

#include <QStringList>
#include <QTextStream>

#include <optional>

namespace strata {

class Store;

// pull, push, login and logout: the registry client from the command line, with docker's
// output (a line per layer, then the digest and the status).
class RegistryCli {
public:
    RegistryCli(QTextStream &out, QTextStream &err);
    // pull and push need the store; login and logout do not (run before it is opened).
    static bool handles(const QString &command);
    static bool needsStore(const QString &command);
    static QString usage();
    int run(Store *store, const QString &command, const QStringList &args);

private:
    struct Transfer {
        Args args;
        RegistryOptions options;
        bool quiet = false;
    };
    // pull's and push's arguments; on a usage error it is printed and nothing returned.
    std::optional<Transfer> parseTransfer(const QString &command, const QStringList &args, const QStringList &extraOptions, qsizetype maxPositional);
    int failWith(const QString &command, const QString &message, int code = 1);
    int pull(Store &store, const QStringList &args);
    int push(Store &store, const QStringList &args);
    int login(const QStringList &args);
    int logout(const QStringList &args);

    QTextStream &m_out;
    QTextStream &m_err;
};

} // namespace strata
