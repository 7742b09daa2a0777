#pragma once

#include <QStringList>
#include <QTextStream>

namespace strata {

// stratactl: every engine feature from the command line (DESIGN §2: the CLI comes first).
// run() takes the arguments after the program name and returns the exit status.
class Cli {
public:
    Cli(QTextStream &out, QTextStream &err);
    int run(const QStringList &arguments);

private:
    QTextStream &m_out;
    QTextStream &m_err;
};

} // namespace strata
