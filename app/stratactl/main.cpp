#include "cli.h"

#include <QCoreApplication>

#include <cstdio>
#include <unistd.h>

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
    // The work is done and written: the process ends without taking its objects and those of
    // Qt and every library apart one by one, which the kernel's end of the process makes moot
    // (0.2 ms of a `run --rm` that takes 9).
    std::fflush(nullptr);
    _exit(status);
}
