#include "cli.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("stratactl"));
    QCoreApplication::setApplicationVersion(QStringLiteral(STRATA_VERSION));
    QTextStream out(stdout);
    QTextStream err(stderr);
    strata::Cli cli(out, err);
    const int status = cli.run(app.arguments().mid(1));
    out.flush();
    err.flush();
    return status;
}
