// The real window over a real store the test builds (the demo images), offscreen: selecting an
// image and a shared layer, running a container from the run dialog, writing through the exec
// console and seeing the change (and its copy-up) in the live feed, stopping and removing it,
// dropping an archive and a hostile one, and a change made by stratactl in another process.
// It also writes screenshots of the main states into the build folder.
#include "dockerdaemon.h"
#include "tarbuilder.h"
#include "testsupport.h"
#include "treestate.h"

#include "builddialog.h"
#include "buildrunner.h"
#include "changefeedmodel.h"
#include "containerpage.h"
#include "filetreemodel.h"
#include "imagepage.h"
#include "inspector.h"
#include "layerpage.h"
#include "overviewpage.h"
#include "mainwindow.h"
#include "peerstores.h"
#include "rundialog.h"
#include "storesession.h"
#include "appstartup.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QDropEvent>
#include <QMimeData>
#include <QLineEdit>
#include <QToolBar>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QToolButton>
#include <QTreeWidget>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QScopeGuard>
#include <QSemaphore>
#include <QThreadPool>
#include <QTest>
#include <QTimer>
#include <QUrl>

#include <atomic>
#include <chrono>
#include <thread>

#include <unistd.h>

using namespace strata;
using namespace strata::test;

class TestWindow : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_root;
    std::unique_ptr<MainWindow> m_window;
    QString m_containerId;

    QString shotDir() const { return QStringLiteral(STRATA_BINARY_DIR "/screenshots"); }
    void shoot(const QString &name)
    {
        QDir().mkpath(shotDir());
        QCoreApplication::processEvents();
        QVERIFY(m_window->grab().save(shotDir() + u'/' + name));
    }
    const StoreSnapshot &snap() const { return m_window->session()->snapshot(); }
    const StoreSnapshot::ImageEntry *imageTagged(const QString &tag) const
    {
        for (const auto &e : snap().images) {
            if (e.image.tags.contains(tag))
                return &e;
        }
        return nullptr;
    }
    void drop(const QString &path)
    {
        auto *mime = new QMimeData;
        mime->setUrls({ QUrl::fromLocalFile(path) });
        const QPoint at = m_window->rect().center();
        QDragEnterEvent enter(at, Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(m_window.get(), &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent dropEvent(at, Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(m_window.get(), &dropEvent);
        delete mime;
    }
    QPushButton *button(QWidget *in, const QString &text)
    {
        for (QPushButton *b : in->findChildren<QPushButton *>()) {
            if (b->text() == text)
                return b;
        }
        return nullptr;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_tmp.isValid());
        // The window starts monitors by executing stratactl, found next to the program: the
        // test binary has none beside it.
        qputenv("STRATA_MONITOR_PROGRAM", STRATACTL_PATH);
        // As strata does: its catalogue for the locale, English (with its plural forms) else.
        installTranslations(*qApp);
        m_root = m_tmp.filePath(QStringLiteral("store"));
        // The demo images, built by the builder; offline (their .debs rebuilt from the host's
        // packages, in a cache of the test's own) so the test never needs Debian's archive.
        const RunResult r = run(QStringLiteral("bash"), { QStringLiteral(STRATA_SOURCE_DIR "/packaging/demo-images.sh"), QStringLiteral(STRATACTL_PATH), QStringLiteral("--root"), m_root }, 600000,
            { { QStringLiteral("STRATA_DEMO_OFFLINE"), QStringLiteral("1") }, { QStringLiteral("STRATA_DEMO_CACHE"), m_tmp.filePath(QStringLiteral("demo-debs")) },
                { QStringLiteral("STRATA_DEMO_CONTEXTS"), m_tmp.filePath(QStringLiteral("demo-contexts")) } });
        QVERIFY2(r.exitCode == 0, QByteArray(r.out.right(3000) + r.err).constData());
        m_window = std::make_unique<MainWindow>();
        m_window->resize(1440, 860);
        m_window->show();
        m_window->openRoot(m_root);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->session()->hasSnapshot(), 20000);
        QCOMPARE(m_window->map()->geometry().columns().size(), snap().images.size());
        QVERIFY(m_window->statusText().contains(m_root));
        shoot(QStringLiteral("map.png"));
    }

    // The filter's clear button is made after the first frame: hidden while the filter is
    // empty, it takes no room, and nothing in the toolbar moves when it arrives.
    void filterClearButtonArrivesWithoutMovingTheToolbar()
    {
        MainWindow window;
        window.resize(1440, 860);
        window.show(); // lays the window out, before any frame
        QToolBar *bar = window.findChild<QToolBar *>(QStringLiteral("mainToolBar"));
        QVERIFY(bar);
        QLineEdit *filter = bar->findChild<QLineEdit *>(); // the size box is not editable
        QVERIFY(filter);
        QVERIFY(!filter->isClearButtonEnabled());
        QList<QRect> before;
        for (QWidget *w : bar->findChildren<QWidget *>())
            before.append(w->geometry());
        const QSize hintBefore = filter->sizeHint();
        QTRY_VERIFY(filter->isClearButtonEnabled());
        QCoreApplication::processEvents(); // the relayout it would post
        QCOMPARE(filter->sizeHint(), hintBefore);
        QList<QRect> after;
        for (QWidget *w : bar->findChildren<QWidget *>()) {
            if (!w->inherits("QLineEditIconButton"))
                after.append(w->geometry());
        }
        QCOMPARE(after, before);
    }

    void selectImageShowsHistory()
    {
        QVERIFY(m_window->selectReference(QStringLiteral("demo:layers")));
        QCOMPARE(m_window->inspector()->currentIndex(), 1);
        const QString history = m_window->inspector()->imagePage()->historyText();
        QVERIFY2(history.contains(u"COPY multi:"_qs) && history.contains(u" in /etc/demo/"_qs), qPrintable(history));
        QVERIFY(history.contains(u"ENV DEMO=1"_qs)); // the entry without a layer is listed too
        QCOMPARE(m_window->map()->highlightedColumns().size(), 1);
    }

    void selectSharedLayerHighlightsItsImages()
    {
        const auto *demoBase = imageTagged(QStringLiteral("demo:base"));
        QVERIFY(demoBase);
        const Digest base = demoBase->image.layers.first().chainId;
        QCOMPARE(snap().layers.value(base).images.size(), 5); // every demo image is built on it
        QVERIFY(m_window->selectReference(u"layer:"_qs + base.toString()));
        QCOMPARE(m_window->map()->selection().chainId, base);
        // Every image whose stack holds it, and no other.
        QList<int> expected;
        for (const Digest &id : snap().layers.value(base).images)
            expected.append(m_window->map()->geometry().columnOfImage(id));
        std::sort(expected.begin(), expected.end());
        QCOMPARE(m_window->map()->highlightedColumns(), expected);
        LayerPage *page = m_window->inspector()->layerPage();
        QCOMPARE(m_window->inspector()->currentWidget(), page);
        QTRY_VERIFY_WITH_TIMEOUT(!page->isLoading(), 10000);
        QVERIFY(page->fileModel()->indexOfPath("/bin/busybox").isValid());
        shoot(QStringLiteral("layer-files.png"));

        // The top layer of demo:layers modifies app.conf and deletes scratch.
        const auto *demo = imageTagged(QStringLiteral("demo:layers"));
        QVERIFY(demo);
        QVERIFY(m_window->selectReference(u"layer:"_qs + demo->image.layers.last().chainId.toString()));
        QTRY_VERIFY_WITH_TIMEOUT(!page->isLoading(), 10000);
        const QModelIndex conf = page->fileModel()->indexOfPath("/etc/demo/app.conf");
        QVERIFY(conf.isValid());
        QCOMPARE(conf.siblingAtColumn(FileTreeModel::MarkColumn).data().toString(), u"M"_qs);
        QCOMPARE(page->fileModel()->indexOfPath("/etc/demo/scratch").siblingAtColumn(FileTreeModel::MarkColumn).data().toString(), u"D"_qs);
        page->xray(QStringLiteral("/etc/demo/app.conf"));
        QTRY_COMPARE_WITH_TIMEOUT(page->xrayView()->topLevelItemCount(), 2, 10000);
    }

    // A layer's files are read outside Qt's global thread pool: Qt 6.4's raster engine hands
    // large fills to that pool and waits for them, so a read that occupies it holds up every
    // paint of the window until it ends. With each of the global pool's threads kept busy, the
    // files still load. (A thread releases the pool after a while, so a regression fails
    // instead of hanging; the page is not shown, so no paint of its own needs the pool.)
    void layerFilesLoadWhileTheGlobalPoolIsBusy()
    {
        const auto *demo = imageTagged(QStringLiteral("demo:layers"));
        QVERIFY(demo);
        QThreadPool *global = QThreadPool::globalInstance();
        global->waitForDone();
        QSemaphore gate;
        std::atomic<bool> released { false };
        std::atomic<bool> loaded { false };
        const int threads = global->maxThreadCount();
        QSemaphore started;
        for (int i = 0; i < threads; ++i)
            global->start([&] {
                started.release();
                gate.acquire();
            });
        QVERIFY(started.tryAcquire(threads, 10000));
        std::thread watchdog([&] {
            for (int i = 0; i < 200 && !loaded; ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            released = true;
            gate.release(threads);
        });
        const auto cleanup = qScopeGuard([&] {
            loaded = true;
            watchdog.join();
            global->waitForDone();
        });
        LayerPage page(m_window->session());
        bool loadedWhileBusy = false;
        connect(&page, &LayerPage::filesLoaded, &page, [&] {
            loadedWhileBusy = !released;
            loaded = true;
        });
        page.showLayer(demo->image.layers.last().chainId, demo->image.id);
        QVERIFY(page.isLoading());
        QTRY_VERIFY_WITH_TIMEOUT(!page.isLoading(), 15000);
        QVERIFY(loadedWhileBusy);
        QVERIFY(page.fileModel()->indexOfPath("/etc/demo/app.conf").isValid());
        QVERIFY(!page.fileModel()->indexOfPath("/bin/busybox").isValid());
        // The aggregated tree comes the same way: the base layer's files, marked with their layer.
        page.setAggregated(true);
        QVERIFY(page.isLoading());
        QTRY_VERIFY_WITH_TIMEOUT(!page.isLoading(), 15000);
        const QModelIndex busybox = page.fileModel()->indexOfPath("/bin/busybox");
        QVERIFY(busybox.isValid());
        QCOMPARE(busybox.siblingAtColumn(FileTreeModel::LayerColumn).data().toString(), u"0"_qs);
    }

    // The map from the keyboard: arrows walk it, Enter opens a layer's files, Escape leaves.
    void keyboardWalksTheMap()
    {
        LayerMapWidget *map = m_window->map();
        map->select({});
        map->setFocus();
        QTest::keyClick(map, Qt::Key_Right);
        QCOMPARE(map->selection().kind, LayerMapWidget::Selection::Kind::Image);
        const Digest first = map->geometry().columns().first().imageId;
        QCOMPARE(map->selection().imageId, first);
        QTest::keyClick(map, Qt::Key_Up);
        QCOMPARE(map->selection().kind, LayerMapWidget::Selection::Kind::Layer);
        QCOMPARE(map->selection().chainId, map->geometry().blocks()[map->geometry().columns().first().blocks.first()].chainId);
        QTest::keyClick(map, Qt::Key_Right);
        QCOMPARE(map->selection().imageId, map->geometry().columns()[1].imageId);
        QTest::keyClick(map, Qt::Key_Return);
        QCOMPARE(m_window->inspector()->currentWidget(), m_window->inspector()->layerPage());
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->inspector()->layerPage()->isLoading(), 10000);
        QTest::keyClick(map, Qt::Key_Escape);
        QCOMPARE(map->selection().kind, LayerMapWidget::Selection::Kind::None);
        QCOMPARE(m_window->inspector()->currentWidget(), m_window->inspector()->overviewPage());
    }

    void runWriteStopRemoveContainer()
    {
        if (geteuid() != 0)
            QSKIP("containers in this suite run as root (the rootless path has its own suite, tst_rootless)");
        QVERIFY(m_window->selectReference(QStringLiteral("demo:layers")));
        // The run dialog, filled in and accepted as a person would.
        QTimer::singleShot(0, this, [] {
            auto *dialog = qobject_cast<RunDialog *>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            dialog->setImage(QStringLiteral("demo:layers"));
            dialog->setName(QStringLiteral("gui-web"));
            dialog->setCommand(QStringLiteral("sleep 600"));
            dialog->accept();
        });
        m_window->runContainerDialog();
        QTRY_VERIFY2_WITH_TIMEOUT(
            [&] {
                for (const auto &c : snap().containers) {
                    if (c.container.config.name == u"gui-web"_qs && c.container.state.running()) {
                        m_containerId = c.container.config.id;
                        return true;
                    }
                }
                return false;
            }(),
            qPrintable(m_window->lastError()), 30000);
        QVERIFY2(!m_containerId.isEmpty(), qPrintable(m_window->lastError()));
        QVERIFY(m_window->map()->geometry().blockOfContainer(m_containerId) >= 0);
        ContainerPage *page = m_window->inspector()->containerPage();
        QTRY_COMPARE_WITH_TIMEOUT(page->containerId(), m_containerId, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(page->consoleInput()->isEnabled(), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(page->isWatching(), 5000);

        // A new file through the exec console: an Added row within a second of the write.
        QSignalSpy executed(page, &ContainerPage::executed);
        page->consoleInput()->setText(QStringLiteral("echo hello > /tmp/hello.txt && echo written"));
        QTest::keyClick(page->consoleInput(), Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(executed.size(), 1, 15000);
        QCOMPARE(executed.first().first().toInt(), 0);
        QVERIFY(page->consoleOutput()->toPlainText().contains(u"written"_qs));
        const auto findEvent = [page](const QByteArray &path, ChangeEvent::Kind kind) -> const ChangeEvent * {
            for (const ChangeEvent &e : page->feed()->events()) {
                if (e.path == path && e.kind == kind)
                    return &e;
            }
            return nullptr;
        };
        const auto feedText = [page] {
            QStringList rows;
            for (const ChangeEvent &e : page->feed()->events())
                rows.append(e.kindName() + u' ' + QString::fromUtf8(e.path));
            return rows.join(QStringLiteral("; "));
        };
        QTRY_VERIFY2_WITH_TIMEOUT(findEvent("/tmp/hello.txt", ChangeEvent::Kind::Added), qPrintable(feedText()), 1000);

        // A write to a file from the image: copied up from the layer that holds it.
        page->execute(QStringLiteral("echo more >> /etc/demo/app.conf"));
        QTRY_COMPARE_WITH_TIMEOUT(executed.size(), 2, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(findEvent("/etc/demo/app.conf", ChangeEvent::Kind::Changed), 1000);
        const ChangeEvent *copied = findEvent("/etc/demo/app.conf", ChangeEvent::Kind::Changed);
        QCOMPARE(copied->copiedFromLayer, 1); // the init layer is 0, then the image's top layer
        QVERIFY2(page->feed()->detail(*copied).contains(u"layer 2 (/bin/sh -c sed"_qs), qPrintable(page->feed()->detail(*copied)));
        // The container's block on the map follows its writable layer's size, live.
        QTRY_VERIFY_WITH_TIMEOUT(m_window->map()->geometry().blocks()[m_window->map()->geometry().blockOfContainer(m_containerId)].size > 0, 2000);
        shoot(QStringLiteral("container-feed.png"));

        // Stop, then remove, with the page's buttons.
        QPushButton *stop = button(page, QStringLiteral("Stop"));
        QVERIFY(stop);
        QTRY_VERIFY_WITH_TIMEOUT(stop->isEnabled(), 5000);
        stop->click();
        QTRY_VERIFY_WITH_TIMEOUT(snap().container(m_containerId) && !snap().container(m_containerId)->container.state.running(), 30000);
        QPushButton *remove = button(page, QStringLiteral("Remove"));
        QVERIFY(remove);
        remove->click();
        QTRY_VERIFY_WITH_TIMEOUT(!snap().container(m_containerId), 30000);
        QCOMPARE(m_window->map()->geometry().blockOfContainer(m_containerId), -1);
        const RunResult ps = stratactl(m_root, { QStringLiteral("ps"), QStringLiteral("-a") });
        QCOMPARE(ps.exitCode, 0);
        QVERIFY(!ps.out.contains("gui-web"));
    }

    void dropAnArchiveLoadsIt()
    {
        const QByteArray layer = TarBuilder().dir("opt").file("opt/dropped.txt", "dropped on the window\n").build();
        const QString archive = m_tmp.filePath(QStringLiteral("dropped.tar"));
        QVERIFY(writeFile(archive, dockerArchive({ layer }, QStringLiteral("dropped:1"))));
        drop(archive);
        QTRY_VERIFY_WITH_TIMEOUT(imageTagged(QStringLiteral("dropped:1")), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->map()->geometry().columnOfImage(imageTagged(QStringLiteral("dropped:1"))->image.id) >= 0, 5000);
    }

    void dropAHostileArchiveIsRefused()
    {
        const qsizetype before = snap().images.size();
        const QString outside = m_tmp.filePath(QStringLiteral("outside"));
        QDir().mkpath(outside);
        const QString treeBefore = treeSnapshot(outside);
        const QByteArray evil = TarBuilder().file("../../outside/evil", "pwned").build();
        const QString archive = m_tmp.filePath(QStringLiteral("hostile.tar"));
        QVERIFY(writeFile(archive, dockerArchive({ evil }, QStringLiteral("hostile:1"))));
        drop(archive);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->lastError().contains(u"'..'"_qs), 20000);
        QVERIFY2(m_window->lastError().contains(u"../../outside/evil"_qs), qPrintable(m_window->lastError()));
        QCOMPARE(snap().images.size(), before);
        QVERIFY(!imageTagged(QStringLiteral("hostile:1")));
        QCOMPARE(treeSnapshot(outside), treeBefore);
        const RunResult check = stratactl(m_root, { QStringLiteral("check") });
        QVERIFY2(check.exitCode == 0, check.out.constData());
    }

    void anotherProcessChangesTheStore()
    {
        const RunResult r = stratactl(m_root, { QStringLiteral("tag"), QStringLiteral("demo:layers"), QStringLiteral("from-elsewhere:1") });
        QCOMPARE(r.exitCode, 0);
        QTRY_VERIFY_WITH_TIMEOUT(imageTagged(QStringLiteral("from-elsewhere:1")), 2000);
    }

    // File ▸ Open Data Root: another store, then back, each shown with its own images (and the
    // first store's refresh in flight, if any, holding nothing back).
    void openAnotherRootAndBack()
    {
        const QString other = m_tmp.filePath(QStringLiteral("other-store"));
        const QString archive = m_tmp.filePath(QStringLiteral("other.tar"));
        QVERIFY(writeFile(archive, dockerArchive({ TarBuilder().file("only", "one\n").build() }, QStringLiteral("only:1"))));
        QCOMPARE(stratactl(other, { QStringLiteral("load"), QStringLiteral("-i"), archive }).exitCode, 0);
        m_window->session()->refresh();
        m_window->openRoot(other);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->session()->hasSnapshot() && snap().root == other, 20000);
        QCOMPARE(snap().images.size(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(m_window->map()->geometry().columns().size(), 1, 5000);
        QVERIFY(m_window->statusText().contains(other));
        m_window->openRoot(m_root);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->session()->hasSnapshot() && snap().root == m_root, 20000);
        QVERIFY(imageTagged(QStringLiteral("demo:layers")));
    }

    // The lesson: two applications whose first steps are the same, built from the build dialog;
    // the second's first three steps come from the cache, in the log and on the map as it builds.
    void buildFromTheDialog()
    {
        // A base of busybox, made by the builder too (FROM scratch), so RUN has a shell.
        const QString base = m_tmp.filePath(QStringLiteral("lesson-base"));
        QVERIFY(QDir().mkpath(base + QStringLiteral("/rootfs/bin")));
        QVERIFY(QFile::copy(QStringLiteral("/bin/busybox"), base + QStringLiteral("/rootfs/bin/busybox")));
        for (const char *applet : { "sh", "mkdir", "echo", "cat", "head", "true" })
            QVERIFY(QFile::link(QStringLiteral("busybox"), base + QStringLiteral("/rootfs/bin/") + QLatin1String(applet)));
        QVERIFY(writeFile(base + QStringLiteral("/Dockerfile"), "FROM scratch\nCOPY rootfs/ /\nCMD [\"sh\"]\n"));
        const QByteArray shared = "FROM lesson-base\n"
                                  "RUN mkdir -p /usr/lib/packages && head -c 3000000 /bin/busybox > /usr/lib/packages/runtime.bin\n"
                                  "RUN echo 'flask==2.2' > /usr/lib/packages/requirements.txt\n"
                                  "COPY shared.txt /app/\n";
        for (const QString &app : { QStringLiteral("one"), QStringLiteral("two") }) {
            const QString dir = m_tmp.filePath(QStringLiteral("lesson-") + app);
            QVERIFY(QDir().mkpath(dir));
            QVERIFY(writeFile(dir + QStringLiteral("/Dockerfile"), shared + "COPY app-" + app.toUtf8() + ".py /app/\nCMD [\"cat\", \"/app/app-" + app.toUtf8() + ".py\"]\n"));
            QVERIFY(writeFile(dir + QStringLiteral("/shared.txt"), "the same in both\n"));
            QVERIFY(writeFile(dir + QStringLiteral("/app-") + app + QStringLiteral(".py"), "print('" + app.toUtf8() + "')\n"));
        }

        BuildDialog *dialog = m_window->buildDialog();
        dialog->show();
        const auto build = [&](const QString &context, const QString &tag) {
            dialog->setContext(context);
            dialog->setTag(tag);
            QTRY_VERIFY_WITH_TIMEOUT(dialog->canBuild(), 5000);
            QCOMPARE(dialog->dockerfileText().toUtf8(), readFile(context + QStringLiteral("/Dockerfile")));
            QSignalSpy done(dialog, &BuildDialog::built);
            dialog->startBuild();
            QTRY_VERIFY_WITH_TIMEOUT(done.count() == 1, 60000);
            QVERIFY2(done.first().at(0).toBool(), qPrintable(done.first().at(1).toString() + u'\n' + dialog->log()));
            QTRY_VERIFY_WITH_TIMEOUT(imageTagged(tag), 10000);
        };
        build(base, QStringLiteral("lesson-base:latest"));
        build(m_tmp.filePath(QStringLiteral("lesson-one")), QStringLiteral("lesson-one:latest"));
        QCOMPARE(dialog->log().count(QStringLiteral(" ---> Using cache")), 0);

        // The second: while it builds, each cached step's layer is on the map in the build's
        // column, marked as taken from the cache, and shared with the first application.
        int cachedOnMap = 0;
        bool shot = false;
        const auto check = connect(dialog->runner(), &BuildRunner::stepChanged, this, [&](const BuildEvent &e) {
            if (e.kind != BuildEvent::Kind::StepCached || e.chainId.isNull())
                return;
            const LayerMapGeometry &g = m_window->map()->geometry();
            const int block = g.blockOfLayer(e.chainId);
            if (block < 0)
                return;
            const auto &b = g.blocks()[block];
            bool inBuildColumn = false;
            for (int c = b.firstColumn; c <= b.lastColumn; ++c)
                inBuildColumn = inBuildColumn || g.columns()[c].building;
            if (b.mark == LayerMapInput::Layer::Mark::Cached && inBuildColumn && b.lastColumn > b.firstColumn)
                ++cachedOnMap;
            if (!shot) {
                shot = true;
                shoot(QStringLiteral("build-in-progress.png"));
            }
        });
        build(m_tmp.filePath(QStringLiteral("lesson-two")), QStringLiteral("lesson-two:latest"));
        disconnect(check);
        QCOMPARE(dialog->log().count(QStringLiteral(" ---> Using cache")), 3);
        QCOMPARE(cachedOnMap, 3);
        QVERIFY(dialog->log().contains(QStringLiteral("Successfully tagged lesson-two:latest")));
        QDir().mkpath(shotDir());
        QVERIFY(dialog->grab().save(shotDir() + QStringLiteral("/build-dialog.png")));
        // Done: no build column is left, and the two applications share their first layers.
        const auto *one = imageTagged(QStringLiteral("lesson-one:latest"));
        const auto *two = imageTagged(QStringLiteral("lesson-two:latest"));
        QVERIFY(one && two);
        QCOMPARE(one->image.layers.size(), 5);
        for (int i = 0; i < 4; ++i)
            QCOMPARE(one->image.layers[i].chainId, two->image.layers[i].chainId);
        QVERIFY(one->image.layers[4].chainId != two->image.layers[4].chainId);
        for (const auto &c : m_window->map()->geometry().columns())
            QVERIFY(!c.building);

        // The lesson's own applications (resources/demo/web and api, as demo-images.sh assembled
        // them): the first built from scratch (--no-cache), the second then takes its first
        // three steps from the cache, and the two share exactly their first three layers.
        const QString contexts = m_tmp.filePath(QStringLiteral("demo-contexts"));
        dialog->setNoCache(true);
        build(contexts + QStringLiteral("/web"), QStringLiteral("lesson-web:latest"));
        QCOMPARE(dialog->log().count(QStringLiteral(" ---> Using cache")), 0);
        QVERIFY(dialog->log().contains(QStringLiteral(" ---> Running in ")));
        dialog->setNoCache(false);
        cachedOnMap = 0;
        shot = true;
        const auto checkLesson = connect(dialog->runner(), &BuildRunner::stepChanged, this, [&](const BuildEvent &e) {
            if (e.kind != BuildEvent::Kind::StepCached || e.chainId.isNull())
                return;
            const LayerMapGeometry &g = m_window->map()->geometry();
            const int block = g.blockOfLayer(e.chainId);
            if (block >= 0 && g.blocks()[block].mark == LayerMapInput::Layer::Mark::Cached)
                ++cachedOnMap;
        });
        build(contexts + QStringLiteral("/api"), QStringLiteral("lesson-api:latest"));
        disconnect(checkLesson);
        QCOMPARE(dialog->log().count(QStringLiteral(" ---> Using cache")), 3); // ENV and the two RUNs
        QCOMPARE(cachedOnMap, 2); // the two RUNs' layers (ENV makes none)
        const auto *web = imageTagged(QStringLiteral("lesson-web:latest"));
        const auto *api = imageTagged(QStringLiteral("lesson-api:latest"));
        QVERIFY(web && api);
        QVERIFY(web->image.layers.size() >= 4 && api->image.layers.size() >= 4);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(web->image.layers[i].chainId, api->image.layers[i].chainId);
        QVERIFY(web->image.layers[3].chainId != api->image.layers[3].chainId);
        QVERIFY(dialog->grab().save(shotDir() + QStringLiteral("/build-dialog-lesson.png")));

        // Cancel stops a build cleanly: the RUN's container goes, no image is made.
        dialog->setContext(base);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->canBuild(), 5000);
        dialog->setTag(QStringLiteral("cancelled:1"));
        dialog->setDockerfileText(QStringLiteral("FROM lesson-base\nRUN sleep 30\n"));
        QSignalSpy cancelled(dialog, &BuildDialog::built);
        const QByteArray containersBefore = stratactl(m_root, { QStringLiteral("ps"), QStringLiteral("-a"), QStringLiteral("-q") }).out;
        dialog->startBuild();
        QTRY_VERIFY_WITH_TIMEOUT(dialog->log().contains(QStringLiteral(" ---> Running in ")), 20000);
        QPushButton *cancel = button(dialog, QStringLiteral("Cancel Build"));
        QVERIFY(cancel && cancel->isVisible());
        QTest::mouseClick(cancel, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(cancelled.count() == 1, 10000);
        QVERIFY(!cancelled.first().at(0).toBool());
        QVERIFY(cancelled.first().at(1).toString().contains(QStringLiteral("cancelled")));
        QVERIFY(!m_window->lastError().contains(QStringLiteral("cancelled"))); // asked for: not an error
        QVERIFY(!dialog->log().contains(QStringLiteral("Error: The build was cancelled")));
        QTest::qWait(1500); // a snapshot after the build's end
        QVERIFY(!imageTagged(QStringLiteral("cancelled:1")));
        QCOMPARE(stratactl(m_root, { QStringLiteral("ps"), QStringLiteral("-a"), QStringLiteral("-q") }).out, containersBefore);

        // A mistake in the editor is marked at its line before anything is built.
        dialog->setDockerfileText(QStringLiteral("FROM lesson-base\nRUNN echo\n"));
        QCOMPARE(dialog->errorLine(), 2);
        QVERIFY(dialog->errorText().contains(QStringLiteral("RUNN")));
        QDir().mkpath(shotDir());
        QVERIFY(dialog->grab().save(shotDir() + QStringLiteral("/build-dialog-error.png")));
        dialog->hide();
    }

    void exportPngAndSvg()
    {
        const QString png = m_tmp.filePath(QStringLiteral("map.png"));
        const QString svg = m_tmp.filePath(QStringLiteral("map.svg"));
        QVERIFY(m_window->exportMapTo(png, false));
        QVERIFY(m_window->exportMapTo(svg, true));
        const QImage image(png);
        QVERIFY(!image.isNull());
        QCOMPARE(image.size(), m_window->map()->mapSize() * 2);
        const QByteArray xml = readFile(svg);
        QVERIFY(xml.contains("<svg"));
        QVERIFY(xml.contains("demo:base")); // the column labels are text in the SVG
        QVERIFY(xml.contains("shared by"));
    }

    // The strata program itself: --screenshot renders offscreen; without a display it says so.
    void programScreenshotAndNoDisplay()
    {
        const QString out = m_tmp.filePath(QStringLiteral("shot.png"));
        QMap<QString, QString> env { { QStringLiteral("QT_QPA_PLATFORM"), QString() }, { QStringLiteral("DISPLAY"), QString() }, { QStringLiteral("WAYLAND_DISPLAY"), QString() } };
        RunResult r = run(QStringLiteral(STRATA_PATH), { QStringLiteral("--root"), m_root, QStringLiteral("--screenshot"), out, QStringLiteral("--select"), QStringLiteral("demo:layers") }, 60000, env);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(QImage(out).size(), QSize(1440, 860));
        r = run(QStringLiteral(STRATA_PATH), { QStringLiteral("--root"), m_root, QStringLiteral("--screenshot"), out, QStringLiteral("--select"), QStringLiteral("nosuch:image") }, 60000, env);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("nothing in the store matches 'nosuch:image'"), r.err.constData());
        r = run(QStringLiteral(STRATA_PATH), { QStringLiteral("--root"), m_root }, 60000, env);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("no display to open a window on"), r.err.constData());
    }

    void screenshotsOfTheOtherStates()
    {
        QVERIFY(m_window->selectReference(QStringLiteral("overview")));
        shoot(QStringLiteral("disk-use.png"));
        // A dark desktop palette.
        QPalette dark;
        dark.setColor(QPalette::Window, QColor(0x23, 0x26, 0x2e));
        dark.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
        dark.setColor(QPalette::Base, QColor(0x1b, 0x1e, 0x24));
        dark.setColor(QPalette::AlternateBase, QColor(0x26, 0x2a, 0x32));
        dark.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
        dark.setColor(QPalette::Button, QColor(0x2c, 0x30, 0x38));
        dark.setColor(QPalette::ButtonText, QColor(0xe6, 0xe6, 0xe6));
        dark.setColor(QPalette::Highlight, QColor(0x3d, 0x8b, 0xd8));
        dark.setColor(QPalette::HighlightedText, Qt::white);
        dark.setColor(QPalette::PlaceholderText, QColor(0x9a, 0xa0, 0xab));
        QApplication::setPalette(dark);
        QVERIFY(m_window->selectReference(QStringLiteral("demo:layers")));
        shoot(QStringLiteral("dark.png"));
        // The build dialog made under the dark palette: its editor and log colours follow it.
        {
            BuildDialog dialog(m_window->session(), m_window.get());
            dialog.setDockerfileText(QStringLiteral("# syntax=docker/dockerfile:1\nFROM demo:base AS build\nARG VERSION=1.0\n"
                                                    "RUN --mount=type=bind,source=debs,target=/debs echo \"$VERSION\" > /version\n"
                                                    "COPY --chown=app app.py /app/\nENTRYPOINT [\"python3\", \"/app/app.py\"]\n"));
            dialog.show();
            QCoreApplication::processEvents();
            QVERIFY(dialog.grab().save(shotDir() + QStringLiteral("/build-dialog-dark.png")));
        }
        QApplication::setPalette(QPalette());
    }

    // Docker's data root, made by a private dockerd, opened read-only: offered by the bar when
    // found, the map, a layer's files and the image's wasted space from its overlay2 folders,
    // write actions off with the reason, the running container's writes in the live feed, a new
    // snapshot when docker changes its store; and nothing under the root changed by the window.
    void peerStoreOpensReadOnly()
    {
        if (const QString why = strata::test::DockerDaemon::unavailableReason(); !why.isEmpty())
            QSKIP(qPrintable(why));
        strata::test::DockerDaemon dockerd(m_tmp.filePath(QStringLiteral("dockerd")));
        if (const QString why = dockerd.start(); !why.isEmpty())
            QSKIP(qPrintable(why));
        const auto stop = qScopeGuard([&] { dockerd.stop(); });
        const QString data = dockerd.directory() + QStringLiteral("/data");
        const QString ctx = m_tmp.filePath(QStringLiteral("peer-ctx"));
        QVERIFY(writeFile(ctx + QStringLiteral("/base.tar"), strata::test::TarBuilder::busybox({ "sh", "echo", "sleep", "rm" }).dir("tmp", 01777).dir("etc").build()));
        RunResult r = dockerd.docker({ QStringLiteral("import"), ctx + QStringLiteral("/base.tar"), QStringLiteral("peer-base:1") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(writeFile(ctx + QStringLiteral("/big.bin"), QByteArray(200000, 'x')));
        QVERIFY(writeFile(ctx + QStringLiteral("/Dockerfile"), "FROM peer-base:1\nCOPY big.bin /opt/big.bin\nRUN rm /opt/big.bin && echo hi > /hi\n"));
        r = dockerd.docker({ QStringLiteral("build"), QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("peer-app:1"), ctx }, 300000);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = dockerd.docker({ QStringLiteral("run"), QStringLiteral("-d"), QStringLiteral("--network"), QStringLiteral("none"), QStringLiteral("--name"), QStringLiteral("peer-live"),
            QStringLiteral("peer-app:1"), QStringLiteral("sleep"), QStringLiteral("3600") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QStringList before = strata::test::settledTreeState(data);

        // Offered over Strata's own store when found; opened from the bar.
        qputenv("STRATA_PEER_ROOTS", (QStringLiteral("docker=") + data).toUtf8());
        const auto unset = qScopeGuard([] { qunsetenv("STRATA_PEER_ROOTS"); });
        QSettings().remove(QStringLiteral("peerStores/dismissed"));
        MainWindow window;
        window.resize(1440, 860);
        window.show();
        window.openRoot(m_root);
        QTRY_VERIFY_WITH_TIMEOUT(window.session()->hasSnapshot(), 20000);
        window.peerStores()->scan(true);
        QTRY_VERIFY_WITH_TIMEOUT(window.peerStores()->offerBar() && window.peerStores()->offerBar()->isVisible(), 10000);
        QCOMPARE(window.peerStores()->found().size(), 1);
        QDir().mkpath(shotDir());
        QVERIFY(window.grab().save(shotDir() + QStringLiteral("/peer-store-offered.png")));
        QPushButton *open = button(window.peerStores()->offerBar(), QStringLiteral("Open Docker's Store"));
        QVERIFY(open);
        open->click();
        const auto peerSnap = [&]() -> const StoreSnapshot & { return window.session()->snapshot(); };
        QTRY_VERIFY_WITH_TIMEOUT(window.session()->hasSnapshot() && peerSnap().readOnly(), 20000);
        QVERIFY(window.session()->isReadOnly());
        const QString described = QStringLiteral("Docker data root %1 (read-only)").arg(data);
        QCOMPARE(window.session()->description(), described);
        QVERIFY2(window.windowTitle().contains(described), qPrintable(window.windowTitle()));
        QVERIFY2(window.statusText().contains(described), qPrintable(window.statusText()));
        QCOMPARE(window.map()->geometry().columns().size(), peerSnap().images.size());
        const StoreSnapshot::ImageEntry *app = nullptr;
        for (const auto &e : peerSnap().images)
            if (e.image.tags.contains(QStringLiteral("peer-app:1")))
                app = &e;
        QVERIFY(app);
        QCOMPARE(app->image.layers.size(), 3);
        QCOMPARE(peerSnap().layers.value(app->image.layers.first().chainId).images.size(), 2); // the base, shared
        QCOMPARE(peerSnap().containers.size(), 1);

        // What would write is off, saying why.
        int readOnly = 0;
        for (QAction *a : window.findChildren<QAction *>()) {
            if (a->toolTip() == PeerStores::readOnlyReason(QStringLiteral("docker"))) {
                QVERIFY2(!a->isEnabled(), qPrintable(a->text()));
                ++readOnly;
            }
        }
        QVERIFY2(readOnly >= 10, qPrintable(QString::number(readOnly)));

        // The COPY layer's file, from docker's overlay2 folder; the wasted space it makes.
        QVERIFY(window.selectReference(u"layer:"_qs + app->image.layers[1].chainId.toString()));
        LayerPage *layer = window.inspector()->layerPage();
        QTRY_VERIFY_WITH_TIMEOUT(!layer->isLoading(), 10000);
        QVERIFY(layer->fileModel()->indexOfPath("/opt/big.bin").isValid());
        QVERIFY(window.selectReference(u"layer:"_qs + app->image.layers[2].chainId.toString()));
        QTRY_VERIFY_WITH_TIMEOUT(!layer->isLoading(), 10000);
        QCOMPARE(layer->fileModel()->indexOfPath("/opt/big.bin").siblingAtColumn(FileTreeModel::MarkColumn).data().toString(), u"D"_qs);
        layer->xray(QStringLiteral("/opt/big.bin"));
        QTRY_COMPARE_WITH_TIMEOUT(layer->xrayView()->topLevelItemCount(), 2, 10000);
        QVERIFY(window.selectReference(QStringLiteral("peer-app:1")));
        QTRY_VERIFY_WITH_TIMEOUT(window.inspector()->imagePage()->efficiencyText().contains(u"wasted"_qs), 10000);
        QDir().mkpath(shotDir());
        QVERIFY(window.grab().save(shotDir() + QStringLiteral("/peer-store.png")));

        // The running container: nothing to start, stop, remove or type; its writes appear live.
        QVERIFY(window.selectReference(QStringLiteral("container:peer-live")));
        ContainerPage *page = window.inspector()->containerPage();
        QTRY_VERIFY_WITH_TIMEOUT(page->isWatching(), 10000);
        QVERIFY(!page->consoleInput()->isEnabled());
        QVERIFY(!button(page, QStringLiteral("Stop"))->isEnabled());
        // Nothing under the root changed by all this (docker's own writes follow).
        const QStringList after = strata::test::treeState(data);
        QVERIFY2(after == before, qPrintable(strata::test::treeDifference(before, after)));
        r = dockerd.docker({ QStringLiteral("exec"), QStringLiteral("peer-live"), QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("echo new > /tmp/new; rm /hi") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const auto seen = [page](const QByteArray &path, ChangeEvent::Kind kind) {
            for (const ChangeEvent &e : page->feed()->events())
                if (e.path == path && e.kind == kind)
                    return true;
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(seen("/tmp/new", ChangeEvent::Kind::Added) && seen("/hi", ChangeEvent::Kind::Deleted), 10000);

        // docker changes its store: a new snapshot follows within a couple of seconds.
        r = dockerd.docker({ QStringLiteral("tag"), QStringLiteral("peer-app:1"), QStringLiteral("peer-app:two") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QTRY_VERIFY_WITH_TIMEOUT([&] {
            for (const auto &e : peerSnap().images)
                if (e.image.tags.contains(QStringLiteral("peer-app:two")))
                    return true;
            return false;
        }(), 3000);
        r = dockerd.docker({ QStringLiteral("rm"), QStringLiteral("-f"), QStringLiteral("peer-live") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QTRY_COMPARE_WITH_TIMEOUT(peerSnap().containers.size(), 0, 5000);

        // Dismissed, it is not offered again.
        MainWindow second;
        second.openRoot(m_root);
        QTRY_VERIFY_WITH_TIMEOUT(second.session()->hasSnapshot(), 20000);
        second.peerStores()->scan(true);
        QTRY_VERIFY_WITH_TIMEOUT(second.peerStores()->offerBar(), 10000);
        QToolButton *dismiss = nullptr;
        for (QToolButton *b : second.peerStores()->offerBar()->findChildren<QToolButton *>())
            if (b->text() == QStringLiteral("Don't Offer Again"))
                dismiss = b;
        QVERIFY(dismiss);
        dismiss->click();
        QVERIFY(!second.peerStores()->offerBar()->isVisible());
        MainWindow third;
        third.openRoot(m_root);
        QTRY_VERIFY_WITH_TIMEOUT(third.session()->hasSnapshot(), 20000);
        third.peerStores()->scan(true);
        QTRY_COMPARE_WITH_TIMEOUT(third.peerStores()->found().size(), 1, 10000);
        QTest::qWait(200);
        QVERIFY(!third.peerStores()->offerBar());
        QSettings().remove(QStringLiteral("peerStores/dismissed"));
    }

    void cleanupTestCase()
    {
        if (!m_containerId.isEmpty())
            stratactl(m_root, { QStringLiteral("rm"), QStringLiteral("-f"), m_containerId });
        m_window.reset();
        // The pool's threads end now rather than at exit, each freeing the per-thread state
        // OpenSSL gave it (LeakSanitizer otherwise sometimes finds it in a thread still idle).
        QThreadPool::globalInstance()->setExpiryTimeout(0);
        QThreadPool::globalInstance()->waitForDone();
        QTest::qWait(50);
    }
};

QTEST_MAIN(TestWindow)
#include "tst_window.moc"
