// strata: the explorer window over a store.
#include "mainwindow.h"
#include "appstartup.h"
#include "foreignroot.h"
#include "storesession.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFontDatabase>
#include <QImage>
#include <QImageReader>
#include <QPainter>
#include <QScreen>
#include <QTimer>

#include <cstdio>
#include <latch>
#include <memory>
#include <thread>

#include <dlfcn.h>

int main(int argc, char *argv[])
{
    QElapsedTimer clock; // for STRATA_BENCH_FIRST_PAINT: where the start-up goes
    clock.start();
    QList<QPair<const char *, qint64>> phases;
    // What the first frame needs and the GUI thread would otherwise wait for is read on another
    // core from the first instruction: fontconfig's configuration and caches (FcInit, about
    // 2 ms, needs no QApplication) while the display is connected, then Qt's font database and
    // the image-format plugins (the menu bar's and toolbar's extension icons are PNGs, and the
    // first QImageReader loads every plugin to ask it about them) while the window is built.
    // FcInit is looked up in the fontconfig Qt has loaded, and skipped if there is none.
    std::latch appMade(1);
    bool haveApp = false; // written before appMade counts down, read after it has
    std::thread warm([&appMade, &haveApp] {
        if (auto fcInit = reinterpret_cast<int (*)()>(dlsym(RTLD_DEFAULT, "FcInit")))
            (void)fcInit();
        appMade.wait();
        if (!haveApp)
            return;
        (void)QFontDatabase::families();
        (void)QImageReader(QStringLiteral(":/qt-project.org/styles/commonstyle/images/toolbar-ext-h-16.png")).format();
    });
    // Before QApplication: a missing display must be a message, not Qt's abort.
    const strata::StartupCheck check = strata::checkStartup(argc, argv);
    if (!check.ok) {
        std::fprintf(stderr, "%s\n", check.message.toLocal8Bit().constData());
        appMade.count_down();
        warm.join();
        return 1;
    }
    QApplication app(argc, argv);
    haveApp = true;
    appMade.count_down();
    QApplication::setApplicationName(QStringLiteral("strata"));
    QApplication::setOrganizationName(QStringLiteral("strata"));
    QApplication::setApplicationVersion(QStringLiteral(STRATA_VERSION));
    QGuiApplication::setDesktopFileName(QStringLiteral("org.strata.Strata"));
    phases.append({ "application", clock.nsecsElapsed() });
    strata::installTranslations(app);
    phases.append({ "translations", clock.nsecsElapsed() });

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "A storage explorer for container images and containers."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption root(QStringLiteral("root"), QApplication::translate("main", "The data root to open (default: the store for this user)."), QStringLiteral("DIR"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"), QApplication::translate("main", "Render the window to a PNG file and exit."), QStringLiteral("FILE"));
    const QCommandLineOption select(QStringLiteral("select"), QApplication::translate("main", "With --screenshot: select an image (REF), layer:CHAINID, container:NAME, volume:NAME or overview first."), QStringLiteral("REF"));
    const QCommandLineOption size(QStringLiteral("size"), QApplication::translate("main", "With --screenshot: the window's size."), QStringLiteral("WxH"), QStringLiteral("1440x860"));
    const QCommandLineOption foreign(QStringLiteral("foreign"),
        QApplication::translate("main", "Open --root (default: the peer's usual one) as the data root of a peer, read-only: docker or podman."), QStringLiteral("KIND"));
    parser.addOptions({ root, foreign, screenshot, select, size });
    // process() exits for --help, --version and a bad option: not with the thread still running.
    if (!parser.parse(QCoreApplication::arguments()) || parser.isSet(QStringLiteral("help")) || parser.isSet(QStringLiteral("help-all"))
        || parser.isSet(QStringLiteral("version")))
        warm.join();
    parser.process(app);

    // A peer's store (--foreign) is opened once the window is there; Strata's own starts
    // opening before the widgets are made.
    const bool peer = parser.isSet(foreign);
    const auto owner = peer ? std::make_unique<strata::MainWindow>() : std::make_unique<strata::MainWindow>(parser.value(root));
    strata::MainWindow &window = *owner;
    if (peer)
        window.openForeignRoot(parser.value(foreign), parser.isSet(root) ? parser.value(root) : strata::ForeignRoot::defaultRoot(parser.value(foreign)));
    if (warm.joinable())
        warm.join();
    phases.append({ "window", clock.nsecsElapsed() });
    if (parser.isSet(screenshot)) {
        const QStringList wh = parser.value(size).split(u'x');
        window.resize(wh.value(0).toInt() > 0 ? wh.value(0).toInt() : 1440, wh.value(1).toInt() > 0 ? wh.value(1).toInt() : 860);
    }
    // For tests/bench/bench_gui.sh: say when the map is first painted, with the memory in use, and go.
    if (qEnvironmentVariableIsSet("STRATA_BENCH_FIRST_PAINT")) {
        QObject::connect(window.session(), &strata::StoreSession::previewReady, &app, [&] { phases.append({ "preview", clock.nsecsElapsed() }); });
        QObject::connect(window.session(), &strata::StoreSession::opened, &app, [&] { phases.append({ "store", clock.nsecsElapsed() }); });
        QObject::connect(window.map(), &strata::LayerMapWidget::firstMapPainted, &app, [&] {
            phases.append({ "painted", clock.nsecsElapsed() });
            std::printf("first-map-paint rss-kb %lld\n", strata::residentKilobytes());
            std::printf("phases-ms");
            for (const auto &p : std::as_const(phases))
                std::printf(" %s %.1f", p.first, double(p.second) / 1e6);
            std::printf("\n");
            std::fflush(stdout);
            QCoreApplication::exit(0);
        });
    }
    window.show();
    phases.append({ "shown", clock.nsecsElapsed() });
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
