// strata: the explorer window over a store.
#include "mainwindow.h"
#include "appstartup.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QImage>
#include <QPainter>
#include <QScreen>
#include <QTimer>

#include <cstdio>

int main(int argc, char *argv[])
{
    // Before QApplication: a missing display must be a message, not Qt's abort.
    const strata::StartupCheck check = strata::checkStartup(argc, argv);
    if (!check.ok) {
        std::fprintf(stderr, "%s\n", check.message.toLocal8Bit().constData());
        return 1;
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("strata"));
    QApplication::setOrganizationName(QStringLiteral("strata"));
    QApplication::setApplicationVersion(QStringLiteral(STRATA_VERSION));
    QGuiApplication::setDesktopFileName(QStringLiteral("org.strata.Strata"));
    strata::installTranslations(app);

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "A storage explorer for container images and containers."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption root(QStringLiteral("root"), QApplication::translate("main", "The data root to open (default: the store for this user)."), QStringLiteral("DIR"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"), QApplication::translate("main", "Render the window to a PNG file and exit."), QStringLiteral("FILE"));
    const QCommandLineOption select(QStringLiteral("select"), QApplication::translate("main", "With --screenshot: select an image (REF), layer:CHAINID, container:NAME, volume:NAME or overview first."), QStringLiteral("REF"));
    const QCommandLineOption size(QStringLiteral("size"), QApplication::translate("main", "With --screenshot: the window's size."), QStringLiteral("WxH"), QStringLiteral("1440x860"));
    parser.addOptions({ root, screenshot, select, size });
    parser.process(app);

    strata::MainWindow window;
    if (parser.isSet(screenshot)) {
        const QStringList wh = parser.value(size).split(u'x');
        window.resize(wh.value(0).toInt() > 0 ? wh.value(0).toInt() : 1440, wh.value(1).toInt() > 0 ? wh.value(1).toInt() : 860);
    }
    // For tests/bench/bench_gui.sh: say when the map is first painted, with the memory in use, and go.
    if (qEnvironmentVariableIsSet("STRATA_BENCH_FIRST_PAINT")) {
        QObject::connect(window.map(), &strata::LayerMapWidget::firstMapPainted, &app, [] {
            std::printf("first-map-paint rss-kb %lld\n", strata::residentKilobytes());
            std::fflush(stdout);
            QCoreApplication::exit(0);
        });
    }
    window.show();
    window.openRoot(parser.value(root));
    if (!parser.isSet(screenshot))
        return app.exec();

    const QString file = parser.value(screenshot);
    int status = 1;
    window.whenReady(parser.value(select), [&](bool ok, const QString &error) {
        if (!ok) {
            std::fprintf(stderr, "strata --screenshot: %s\n", error.toLocal8Bit().constData());
            app.exit(1);
            return;
        }
        const QImage image = window.grab().toImage();
        if (!image.save(file)) {
            std::fprintf(stderr, "strata --screenshot: cannot write %s\n", file.toLocal8Bit().constData());
            app.exit(1);
            return;
        }
        status = 0;
        app.exit(0);
    });
    QTimer::singleShot(60000, &app, [&] {
        std::fprintf(stderr, "strata --screenshot: the store did not load within 60 s\n");
        app.exit(1);
    });
    app.exec();
    return status;
}
