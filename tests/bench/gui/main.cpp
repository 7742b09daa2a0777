// The window's benchmark (run by tests/bench/bench_gui.sh, which builds the store). Modes:
//   bench_gui empty-window            an empty QMainWindow: prints "first-paint" on its first paint
//   bench_gui spawn N PROGRAM ARGS…   starts PROGRAM N times, prints the median milliseconds from
//                                     start to its "first-…" line, and the memory it reports
//   bench_gui window ROOT BIG HUGE CONTAINER ARCHIVE
//                                     in-process over the real window: file trees of a 20,000 and
//                                     a 200,000 file layer (and the longest GUI stall meanwhile),
//                                     the live feed's latency, hover repaints, and the longest
//                                     stall while ARCHIVE loads
// Figures only: nothing here fails because of a timing.
#include "appstartup.h"
#include "changefeedmodel.h"
#include "containerpage.h"
#include "filetreemodel.h"
#include "inspector.h"
#include "job.h"
#include "layerpage.h"
#include "mainwindow.h"
#include "storeactions.h"
#include "storesession.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QMainWindow>
#include <QTreeView>
#include <QMouseEvent>
#include <QPainter>
#include <QProcess>
#include <QTimer>

#include <algorithm>
#include <cstdio>

using namespace strata;

namespace {

double median(QList<double> v)
{
    if (v.isEmpty())
        return -1;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

double percentile(QList<double> v, double p)
{
    if (v.isEmpty())
        return -1;
    std::sort(v.begin(), v.end());
    return v[std::min<qsizetype>(v.size() - 1, qsizetype(p * double(v.size())))];
}

// Measures how long the GUI thread goes without running its event loop: a 2 ms timer that
// notes the longest gap between two of its ticks.
class StallMeter : public QObject {
public:
    StallMeter()
    {
        connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            m_longest = std::max(m_longest, now - m_last);
            m_last = now;
        });
    }
    void start()
    {
        m_longest = 0;
        m_clock.start();
        m_last = 0;
        m_timer.start(2);
    }
    double stop()
    {
        m_timer.stop();
        return double(m_longest) / 1e6;
    }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    qint64 m_longest = 0;
};

// Spins the event loop until `done` or `timeoutMs`.
bool waitFor(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    return true;
}

int emptyWindow(int argc, char **argv)
{
    QApplication app(argc, argv);
    struct Painted : QWidget {
        void paintEvent(QPaintEvent *) override
        {
            QPainter p(this);
            p.fillRect(rect(), palette().color(QPalette::Base));
            if (!done) {
                done = true;
                std::printf("first-paint rss-kb %lld\n", residentKilobytes());
                std::fflush(stdout);
                QTimer::singleShot(0, qApp, [] { QCoreApplication::exit(0); });
            }
        }
        bool done = false;
    };
    QMainWindow window;
    window.setCentralWidget(new Painted);
    window.resize(1440, 860);
    window.show();
    return app.exec();
}

int spawn(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int runs = QString::fromLocal8Bit(argv[2]).toInt();
    const QString program = QString::fromLocal8Bit(argv[3]);
    QStringList args;
    for (int i = 4; i < argc; ++i)
        args.append(QString::fromLocal8Bit(argv[i]));
    QList<double> times;
    QList<double> rss;
    for (int r = 0; r < runs; ++r) {
        QProcess p;
        p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        QElapsedTimer t;
        t.start();
        p.start(program, args);
        double at = -1;
        QByteArray out;
        while (p.state() != QProcess::NotRunning || p.bytesAvailable()) {
            p.waitForReadyRead(20);
            out += p.readAll();
            if (at < 0 && out.contains("first-")) {
                at = double(t.nsecsElapsed()) / 1e6;
                const QList<QByteArray> words = out.mid(out.indexOf("first-")).split('\n').first().split(' ');
                rss.append(words.value(2).toDouble() / 1024.0);
            }
            if (t.elapsed() > 60000)
                break;
        }
        p.waitForFinished(5000);
        if (at < 0) {
            std::fprintf(stderr, "bench_gui spawn: %s never reported its first paint\n", qPrintable(program));
            return 1;
        }
        times.append(at);
    }
    std::printf("start-to-first-paint-ms %.1f rss-mb %.1f\n", median(times), median(rss));
    return 0;
}

int window(int argc, char **argv)
{
    QApplication app(argc, argv);
    installTranslations(app);
    const QString root = QString::fromLocal8Bit(argv[2]);
    const QString big = QString::fromLocal8Bit(argv[3]);
    const QString huge = QString::fromLocal8Bit(argv[4]);
    const QString container = QString::fromLocal8Bit(argv[5]);
    const QString archive = QString::fromLocal8Bit(argv[6]);
    MainWindow w;
    w.resize(1440, 860);
    w.show();
    w.openRoot(root);
    if (!waitFor([&] { return w.session()->hasSnapshot(); }, 120000)) {
        std::fprintf(stderr, "bench_gui: the store did not open\n");
        return 1;
    }
    std::printf("store: %lld images, %lld layers, %lld containers\n", qint64(w.session()->snapshot().images.size()), qint64(w.session()->snapshot().layers.size()),
        qint64(w.session()->snapshot().containers.size()));
    StallMeter stall;

    // A layer's file tree, from the click to the tree shown.
    const auto fileTree = [&](const QString &ref, const char *label) {
        const StoreSnapshot &s = w.session()->snapshot();
        Digest chain;
        for (const auto &e : s.images) {
            if (e.image.tags.contains(ref))
                chain = e.image.layers.last().chainId;
        }
        if (chain.isNull()) {
            std::printf("%s: no image %s\n", label, qPrintable(ref));
            return;
        }
        LayerPage *page = w.inspector()->layerPage();
        stall.start();
        QElapsedTimer t;
        t.start();
        w.selectReference(u"layer:"_qs + chain.toString());
        waitFor([&] { return !page->isLoading(); }, 120000);
        QCoreApplication::processEvents(); // the tree's first paint
        page->fileView()->repaint();
        const double ms = double(t.nsecsElapsed()) / 1e6;
        const double longest = stall.stop();
        std::printf("%s-file-tree-ms %.1f files %lld longest-gui-stall-ms %.1f\n", label, ms, qint64(page->fileModel()->tree().files), longest);
    };
    fileTree(big, "layer-20k");
    fileTree(huge, "layer-200k");

    // Hover: the pointer crosses blocks; each move is timed through the repaint it causes.
    {
        w.selectReference(QStringLiteral("overview"));
        LayerMapWidget *map = w.map();
        map->setZoom(0.5); // labels readable, many blocks in sight
        map->viewport()->repaint();
        const double fullRender = map->lastRenderMs();
        QList<double> times;
        const auto &blocks = map->geometry().blocks();
        int inSight = 0;
        int painted = 0;
        for (int i = 0; i < blocks.size() && times.size() < 200; ++i) {
            const QPoint at = map->toViewport(blocks[i].rect.center());
            if (!map->viewport()->rect().adjusted(0, 30, 0, -30).contains(at))
                continue;
            ++inSight;
            const int paintsBefore = map->paintCount();
            QElapsedTimer t;
            t.start();
            QMouseEvent move(QEvent::MouseMove, QPointF(at), map->viewport()->mapToGlobal(QPointF(at)), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
            QApplication::sendEvent(map->viewport(), &move);
            QCoreApplication::processEvents(); // the update it asked for is painted here
            times.append(double(t.nsecsElapsed()) / 1e6);
            painted += map->paintCount() > paintsBefore;
        }
        std::printf("hover-repaint-median-ms %.2f p95-ms %.2f (%lld hovers, %d repainted; a full render of the map at this zoom: %.1f ms, %lld blocks)\n", median(times),
            percentile(times, 0.95), qint64(times.size()), painted, fullRender, qint64(blocks.size()));
    }

    // The live feed: a write in the running container to its row.
    if (!container.isEmpty() && w.selectReference(u"container:"_qs + container)) {
        ContainerPage *page = w.inspector()->containerPage();
        waitFor([&] { return page->consoleInput()->isEnabled() && page->isWatching(); }, 10000);
        QCoreApplication::processEvents();
        // A first write, waited for: the watcher starts with the page.
        QProcess::execute(QStringLiteral(STRATACTL_PATH), { QStringLiteral("--root"), root, QStringLiteral("exec"), container, QStringLiteral("touch"), QStringLiteral("/tmp/warm-up") });
        waitFor([&] { return page->feed()->rowCount() > 0; }, 5000);
        QList<double> latencies;
        for (int i = 0; i < 40; ++i) {
            const qsizetype rows = page->feed()->rowCount();
            const QByteArray path = "/tmp/bench-" + QByteArray::number(i);
            QElapsedTimer t;
            t.start();
            // The write is made by a process of its own, as any program in the container would.
            QProcess::execute(QStringLiteral(STRATACTL_PATH), { QStringLiteral("--root"), root, QStringLiteral("exec"), container, QStringLiteral("sh"), QStringLiteral("-c"),
                                                                  QStringLiteral("echo %1 > %2").arg(i).arg(QString::fromLatin1(path)) });
            const double written = double(t.nsecsElapsed()) / 1e6;
            const bool seen = waitFor(
                [&] {
                    for (qsizetype r = rows; r < page->feed()->rowCount(); ++r) {
                        if (page->feed()->events()[r].path == path)
                            return true;
                    }
                    return false;
                },
                5000);
            if (seen)
                latencies.append(double(t.nsecsElapsed()) / 1e6 - written);
        }
        std::printf("feed-latency-p95-ms %.1f median-ms %.1f (%lld of 40 writes seen; from the writing exec's end to the row)\n", percentile(latencies, 0.95), median(latencies),
            qint64(latencies.size()));
    }

    // A 230 MB archive loading: the GUI thread's longest stall meanwhile.
    if (!archive.isEmpty()) {
        bool finished = false;
        bool ok = false;
        stall.start();
        QElapsedTimer t;
        t.start();
        w.runJob(QStringLiteral("bench load"), [&](bool success, const QString &message) {
            finished = true;
            ok = success;
            if (!success)
                std::fprintf(stderr, "load failed: %s\n", qPrintable(message));
        }, actions::loadArchive(archive));
        waitFor([&] { return finished; }, 600000);
        waitFor([&] { return false; }, 1500); // the snapshot that follows
        const double longest = stall.stop();
        std::printf("load-archive-s %.2f longest-gui-stall-ms %.1f (%s)\n", double(t.nsecsElapsed()) / 1e9, longest, ok ? "loaded" : "failed");
    }
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    const QByteArray mode = argc > 1 ? QByteArray(argv[1]) : QByteArray();
    if (mode == "empty-window")
        return emptyWindow(argc, argv);
    if (mode == "spawn" && argc >= 4)
        return spawn(argc, argv);
    if (mode == "window" && argc >= 7)
        return window(argc, argv);
    std::fprintf(stderr, "usage: bench_gui empty-window | spawn N PROGRAM ARGS... | window ROOT BIG HUGE CONTAINER ARCHIVE\n");
    return 2;
}
