// The engine in process, as the window will drive it: several threads on one Store, the
// store lock between threads and between processes, cached listings that follow changes made
// elsewhere, StoreWatcher, ChangeWatcher (its queue overflow included), and liveness locks that
// polling never disturbs.
#include "changewatcher.h"
#include "containercopier.h"
#include "containerruntime.h"
#include "containerstore.h"
#include "imageimporter.h"
#include "imagestore.h"
#include "store.h"
#include "storeopen.h"
#include "storewatcher.h"
#include "testsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include <unistd.h>

using namespace strata;
using namespace strata::test;

namespace {
#ifdef __SANITIZE_THREAD__
constexpr bool underThreadSanitizer = true;
#else
constexpr bool underThreadSanitizer = false;
#endif
// Said where a container would be started in the dev-tsan build.
const char *const noContainersUnderTsan = "ThreadSanitizer runs a thread of its own in every process, and the kernel refuses "
                                          "setns() into a user namespace from a process with threads: containers are tested "
                                          "in the dev and dev-asan builds";
}

class TestThreads : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    int m_count = 0;

    QString newRoot() { return m_tmp.filePath(QStringLiteral("store-%1").arg(++m_count)); }

    std::unique_ptr<Store> open(const QString &root)
    {
        Store::Options o;
        o.root = root;
        auto store = openStore(o);
        if (!store) {
            qWarning("%s", qPrintable(store.error()));
            return {};
        }
        return std::move(store).value();
    }

    // A small root filesystem directory, different for each `seed`.
    QString tree(const QString &name, int seed)
    {
        const QString dir = m_tmp.filePath(name);
        QDir().mkpath(dir + QStringLiteral("/etc"));
        writeFile(dir + QStringLiteral("/etc/seed"), QByteArray::number(seed).repeated(50));
        return dir;
    }

private slots:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    // One StoreLock shared by threads excludes them (flock alone would let them all in: the
    // lock belongs to the open file description they share), and stays recursive per thread.
    void storeLockExcludesThreads()
    {
        auto store = open(newRoot());
        QVERIFY(store);
        StoreLock &lock = store->lock();
        int shared = 0; // deliberately not atomic: only the lock protects it
        std::atomic<int> inside { 0 }, overlaps { 0 };
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&] {
                for (int i = 0; i < 200; ++i) {
                    StoreLockGuard outer(lock);
                    StoreLockGuard inner(lock); // recursive within a thread
                    if (!outer.status() || !inner.status() || !lock.isLocked())
                        ++overlaps;
                    if (inside.fetch_add(1) != 0)
                        ++overlaps;
                    const int seen = shared;
                    std::this_thread::yield();
                    shared = seen + 1;
                    inside.fetch_sub(1);
                }
            });
        }
        for (auto &t : threads)
            t.join();
        QCOMPARE(overlaps.load(), 0);
        QCOMPARE(shared, 800);
        QVERIFY(!lock.isLocked());
    }

    // Held here, the lock makes another process's write wait until it is released.
    void storeLockExcludesProcesses()
    {
        const QString root = newRoot();
        auto store = open(root);
        QVERIFY(store);
        QVERIFY(ImageImporter(*store).import(tree(QStringLiteral("lockproc"), 1), QStringLiteral("held:1")));
        QProcess tagger;
        {
            StoreLockGuard guard(store->lock());
            QVERIFY(guard.status());
            tagger.start(QStringLiteral(STRATACTL_PATH), { QStringLiteral("--root"), root, QStringLiteral("tag"), QStringLiteral("held:1"), QStringLiteral("held:2") });
            QVERIFY(tagger.waitForStarted());
            QVERIFY2(!tagger.waitForFinished(700), "stratactl tag finished while this process held the store lock");
        }
        QVERIFY(tagger.waitForFinished(30000));
        QCOMPARE(tagger.exitCode(), 0);
        QVERIFY(ImageStore(*store).resolve(QStringLiteral("held:2")));
    }

    // Writers and readers on one Store from several threads: every write lands, no reader ever
    // sees a problem caused by another thread's normal work, and the store is clean after.
    void imageStoreFromThreads()
    {
        const QString root = newRoot();
        auto store = open(root);
        QVERIFY(store);
        std::vector<QString> trees;
        for (int t = 0; t < 3; ++t)
            trees.push_back(tree(QStringLiteral("threads-%1").arg(t), 100 + t));
        std::atomic<bool> writing { true };
        std::atomic<int> failures { 0 }, readerProblems { 0 }, reads { 0 };
        QStringList errors;
        std::mutex errorsMutex;
        const auto record = [&](const QString &e) {
            std::lock_guard g(errorsMutex);
            errors.append(e);
        };
        std::vector<std::thread> writers;
        for (int t = 0; t < 3; ++t) {
            writers.emplace_back([&, t] {
                for (int i = 0; i < 8; ++i) {
                    const QString ref = QStringLiteral("t%1:%2").arg(t).arg(i);
                    if (auto id = ImageImporter(*store).import(trees[size_t(t)], ref); !id) {
                        ++failures, record(id.error());
                        continue;
                    }
                    if (Status s = ImageStore(*store).tag(ref, ref + QStringLiteral("-copy")); !s)
                        ++failures, record(s.error());
                    auto removed = ImageStore(*store).remove(ref, false, [] { return Result<QHash<Digest, QStringList>>(QHash<Digest, QStringList>()); });
                    if (!removed)
                        ++failures, record(removed.error());
                }
            });
        }
        std::thread reader([&] {
            while (writing.load()) {
                QStringList problems;
                auto images = ImageStore(*store).list(&problems);
                ++reads;
                if (!images || !problems.isEmpty()) {
                    ++readerProblems;
                    record(images ? problems.join(u'\n') : images.error());
                }
            }
        });
        for (auto &w : writers)
            w.join();
        writing = false;
        reader.join();
        QVERIFY2(failures.load() == 0 && readerProblems.load() == 0, qPrintable(errors.join(u'\n')));
        QVERIFY(reads.load() > 0);
        auto images = ImageStore(*store).list();
        QVERIFY(images);
        // Each import is an image of its own (its config says when it was made); removing the
        // first tag of each only untagged it, so 24 remain, each with its "-copy" tag.
        QCOMPARE(images->size(), 24);
        for (const Image &image : images.value())
            QVERIFY2(image.tags.size() == 1 && image.tags.first().endsWith(QLatin1String("-copy")), qPrintable(image.tags.join(u' ')));
        const RunResult check = stratactl(root, { QStringLiteral("check") });
        QVERIFY2(check.exitCode == 0, check.out.constData());
    }

    // The listing is cached, and a change made by another process shows at the next list().
    void cachedListingFollowsOtherProcesses()
    {
        const QString root = newRoot();
        auto store = open(root);
        QVERIFY(store);
        QVERIFY(ImageImporter(*store).import(tree(QStringLiteral("cache"), 7), QStringLiteral("cached:1")));
        ImageStore images(*store);
        QCOMPARE(images.list()->size(), 1);
        const quint64 before = store->changeCounter(ChangeScope::Images);
        QVERIFY(store->cache().images.get(before)); // what list() read is kept...
        QCOMPARE(stratactl(root, { QStringLiteral("tag"), QStringLiteral("cached:1"), QStringLiteral("cached:2") }).exitCode, 0);
        QVERIFY(store->changeCounter(ChangeScope::Images) > before); // ...until another process changes the images
        QVERIFY(!store->cache().images.get(store->changeCounter(ChangeScope::Images)));
        auto listed = images.list();
        QVERIFY(listed);
        QCOMPARE(listed->size(), 1);
        QCOMPARE(listed->first().tags.size(), 2);
    }

    // StoreWatcher says what changed, whoever changed it: images, volumes and containers
    // (created, started, exited) changed by stratactl in other processes.
    void storeWatcherSeesOtherProcesses()
    {
        const QString root = newRoot();
        auto store = open(root);
        QVERIFY(store);
        StoreWatcher watcher(*store);
        QVERIFY(watcher.start());
        QSignalSpy images(&watcher, &StoreWatcher::imagesChanged);
        QSignalSpy containers(&watcher, &StoreWatcher::containersChanged);
        QSignalSpy volumes(&watcher, &StoreWatcher::volumesChanged);
        QSignalSpy any(&watcher, &StoreWatcher::changed);

        QCOMPARE(stratactl(root, { QStringLiteral("import"), tree(QStringLiteral("watched"), 3), QStringLiteral("watched:1") }).exitCode, 0);
        QTRY_VERIFY_WITH_TIMEOUT(images.count() >= 1, 2000);
        QCOMPARE(containers.count(), 0);
        QCOMPARE(volumes.count(), 0);
        QVERIFY(any.count() >= 1);

        QCOMPARE(stratactl(root, { QStringLiteral("volume"), QStringLiteral("create"), QStringLiteral("watchedvol") }).exitCode, 0);
        QTRY_VERIFY_WITH_TIMEOUT(volumes.count() >= 1, 2000);

        if (!QFile::exists(QStringLiteral("/bin/busybox")))
            QSKIP("/bin/busybox (package busybox-static) is missing: no container to start");
        if (underThreadSanitizer)
            QSKIP(noContainersUnderTsan);
        const QString bb = m_tmp.filePath(QStringLiteral("bbroot"));
        QDir().mkpath(bb + QStringLiteral("/bin"));
        QVERIFY(QFile::copy(QStringLiteral("/bin/busybox"), bb + QStringLiteral("/bin/busybox")));
        QVERIFY(QFile::link(QStringLiteral("busybox"), bb + QStringLiteral("/bin/sleep")));
        QCOMPARE(stratactl(root, { QStringLiteral("import"), bb, QStringLiteral("bb:1") }).exitCode, 0);
        RunResult r = stratactl(root, { QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("w"), QStringLiteral("bb:1"), QStringLiteral("sleep"), QStringLiteral("1") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QTRY_VERIFY_WITH_TIMEOUT(containers.count() >= 1, 2000);
        // A start and an exit are changes too: the monitor records them.
        const int created = int(containers.count());
        r = stratactl(root, { QStringLiteral("start"), QStringLiteral("w") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QTRY_VERIFY_WITH_TIMEOUT(containers.count() > created, 2000);
        const int started = int(containers.count());
        QTRY_VERIFY_WITH_TIMEOUT(ContainerStore(*store).resolve(QStringLiteral("w"))->state.status == ContainerState::Status::Exited, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(containers.count() > started, 2000);
        QCOMPARE(stratactl(root, { QStringLiteral("rm"), QStringLiteral("w") }).exitCode, 0);
    }

    // exec from a process with threads, as the window's console does: through the helper
    // process, with the caller's pipes as the program's streams and no terminal of its own.
    void execWithCallerStreams()
    {
        if (geteuid() != 0 || !QFile::exists(QStringLiteral("/bin/busybox")))
            QSKIP("needs root and /bin/busybox (package busybox-static) to run a container");
        if (underThreadSanitizer)
            QSKIP(noContainersUnderTsan);
        qputenv("STRATA_MONITOR_PROGRAM", QByteArrayLiteral(STRATACTL_PATH));
        const QString root = newRoot();
        auto store = open(root);
        QVERIFY(store);
        const QString bb = m_tmp.filePath(QStringLiteral("bbexec"));
        QDir().mkpath(bb + QStringLiteral("/bin"));
        QVERIFY(QFile::copy(QStringLiteral("/bin/busybox"), bb + QStringLiteral("/bin/busybox")));
        for (const char *applet : { "sh", "cat", "sleep", "echo" })
            QVERIFY(QFile::link(QStringLiteral("busybox"), bb + QStringLiteral("/bin/") + QLatin1String(applet)));
        QVERIFY(ImageImporter(*store).import(bb, QStringLiteral("bbexec:1")));
        RunResult r = stratactl(root, { QStringLiteral("run"), QStringLiteral("-d"), QStringLiteral("--name"), QStringLiteral("console"), QStringLiteral("bbexec:1"),
            QStringLiteral("sleep"), QStringLiteral("60") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        std::atomic<bool> busy { true };
        std::thread other([&] { // this process has another thread while it forks
            while (busy.load())
                (void)ImageStore(*store).list();
        });
        int in[2], out[2], err[2];
        QVERIFY(pipe(in) == 0 && pipe(out) == 0 && pipe(err) == 0);
        QVERIFY(write(in[1], "typed\n", 6) == 6);
        close(in[1]);
        auto container = ContainerStore(*store).resolve(QStringLiteral("console"));
        QVERIFY(container);
        ExecRequest request;
        request.command = { QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("echo out; echo err >&2; cat; echo written > /from-console") };
        request.interactive = true;
        request.streams = { in[0], out[1], err[1] };
        auto status = ContainerRuntime(*store, ContainerRuntime::Launch::Exec).exec(container.value(), request);
        busy = false;
        other.join();
        close(in[0]);
        close(out[1]);
        close(err[1]);
        QVERIFY2(status, qPrintable(status.error()));
        QCOMPARE(status.value(), 0);
        QByteArray gotOut, gotErr;
        char buf[256];
        for (ssize_t n; (n = read(out[0], buf, sizeof buf)) > 0;)
            gotOut.append(buf, n);
        for (ssize_t n; (n = read(err[0], buf, sizeof buf)) > 0;)
            gotErr.append(buf, n);
        close(out[0]);
        close(err[0]);
        QCOMPARE(gotOut, QByteArray("out\ntyped\n"));
        QCOMPARE(gotErr, QByteArray("err\n"));
        QCOMPARE(readFile(ContainerStore(*store).upperDir(container->config.id) + QStringLiteral("/from-console")), QByteArray("written\n"));
        // A failure comes back as an error with its code, not as a lost exit status.
        request.command = { QStringLiteral("/no/such/program") };
        request.streams = {};
        status = ContainerRuntime(*store, ContainerRuntime::Launch::Exec).exec(container.value(), request);
        QVERIFY(!status);
        QVERIFY2(status.error().contains(QLatin1String("/no/such/program")), qPrintable(status.error()));
        // cp from this process too (the window's copy in and out): through `stratactl cp`.
        const QString hostFile = m_tmp.filePath(QStringLiteral("to-copy.txt"));
        QVERIFY(writeFile(hostFile, "copied in\n"));
        ContainerCopier copier(*store);
        Status copied = copier.copyIn(container.value(), hostFile, QStringLiteral("/copied.txt"));
        QVERIFY2(copied, qPrintable(copied.error()));
        copied = copier.copyOut(container.value(), QStringLiteral("/from-console"), m_tmp.filePath(QStringLiteral("out.txt")));
        QVERIFY2(copied, qPrintable(copied.error()));
        QCOMPARE(readFile(m_tmp.filePath(QStringLiteral("out.txt"))), QByteArray("written\n"));
        QCOMPARE(readFile(ContainerStore(*store).upperDir(container->config.id) + QStringLiteral("/copied.txt")), QByteArray("copied in\n"));
        copied = copier.copyOut(container.value(), QStringLiteral("/no/such/file"), m_tmp.filePath(QStringLiteral("never.txt")));
        QVERIFY2(!copied && copied.error().contains(QLatin1String("/no/such")) && copied.error().contains(QLatin1String("console")), qPrintable(copied.error()));
        QCOMPARE(stratactl(root, { QStringLiteral("rm"), QStringLiteral("-f"), QStringLiteral("console") }).exitCode, 0);
    }

    // Polling a stopped container's liveness (as a window refreshing its state does) never
    // makes rm, cp or commit of it find it "running".
    void pollingDoesNotBlockIdleLock()
    {
        const QString root = newRoot();
        auto store = open(root);
        QVERIFY(store);
        QVERIFY(ImageImporter(*store).import(tree(QStringLiteral("idle"), 9), QStringLiteral("idle:1")));
        CreateRequest request;
        request.image = QStringLiteral("idle:1");
        request.name = QStringLiteral("idle");
        request.command = { QStringLiteral("/bin/true") };
        auto config = ContainerStore(*store).create(request);
        QVERIFY2(config, qPrintable(config.error()));
        std::atomic<bool> polling { true };
            std::thread poller([&] {
            ContainerStore containers(*store);
            while (polling.load())
                (void)containers.monitorAlive(config->id);
        });
        ContainerStore containers(*store);
        auto container = containers.load(config->id);
        QVERIFY(container);
        int busy = 0;
        for (int i = 0; i < 2000; ++i) {
            auto fd = containers.lockIdle(container.value());
            if (!fd) {
                ++busy;
                continue;
            }
            close(fd.value());
        }
        polling = false;
        poller.join();
        // (The poller may see this thread's own lockIdle() for real: that is a true answer.)
        QCOMPARE(busy, 0);
        // Held for real, the lock is seen, by this process's other descriptors too.
        auto held = containers.lockIdle(container.value());
        QVERIFY(held);
        QVERIFY(containers.monitorAlive(config->id));
        QVERIFY(!containers.lockIdle(container.value()));
        close(held.value());
        QVERIFY(!containers.monitorAlive(config->id));
        QVERIFY(containers.remove(container.value()));
    }

    // When the kernel's inotify queue overflows, the watcher says so and rescans: every file
    // made meanwhile is still reported.
    void changeWatcherRescansAfterOverflow()
    {
        if (geteuid() != 0)
            QSKIP("needs root to lower fs.inotify.max_queued_events for a moment");
        const QString upper = m_tmp.filePath(QStringLiteral("upper"));
        const QString lower = m_tmp.filePath(QStringLiteral("lower"));
        QVERIFY(QDir().mkpath(upper + QStringLiteral("/before")));
        QVERIFY(QDir().mkpath(lower + QStringLiteral("/etc")));
        QVERIFY(writeFile(lower + QStringLiteral("/etc/conf"), "lower\n"));
        QVERIFY(writeFile(upper + QStringLiteral("/before/old"), "there before the watch\n"));
        const QString limitPath = QStringLiteral("/proc/sys/fs/inotify/max_queued_events");
        const QByteArray limit = readFile(limitPath).trimmed();
        QVERIFY(!limit.isEmpty());
        ChangeWatcher watcher(upper, { lower });
        // The limit applies to inotify instances made while it is set.
        QVERIFY(writeFile(limitPath, "16\n"));
        const Status started = watcher.start();
        QVERIFY(writeFile(limitPath, limit + '\n'));
        QVERIFY2(started, qPrintable(started.error()));
        QSignalSpy overflowed(&watcher, &ChangeWatcher::overflowed);
        QSet<QByteArray> added;
        int oldReported = 0;
        connect(&watcher, &ChangeWatcher::changed, this, [&](const ChangeEvent &e) {
            if (e.kind == ChangeEvent::Kind::Added && !e.isDir)
                added.insert(e.path);
            if (e.path == "/before/old")
                ++oldReported;
        });
        // Without returning to the event loop: far more events than the queue holds, and a
        // directory made once the queue is full, which only the rescan can find and watch.
        for (int i = 0; i < 300; ++i)
            QVERIFY(writeFile(upper + QStringLiteral("/f%1").arg(i), QByteArray::number(i)));
        QVERIFY(writeFile(upper + QStringLiteral("/late/inside"), "made while events were lost\n"));
        QTRY_VERIFY_WITH_TIMEOUT(overflowed.count() >= 1, 3000);
        QTRY_COMPARE_WITH_TIMEOUT(added.size(), 301, 3000);
        QVERIFY(added.contains("/late/inside"));
        QCOMPARE(oldReported, 0); // known before the watch: not a change
        // Watching goes on after the rescan, in the directory only the rescan found.
        QVERIFY(writeFile(upper + QStringLiteral("/late/after"), "later\n"));
        QTRY_VERIFY_WITH_TIMEOUT(added.contains("/late/after"), 2000);
    }

    // A directory made (or copied up) with a file written and closed in it before the watcher
    // could watch the directory: the file's creation and close were never seen as events, so
    // the scan of the new directory must report it (the window's feed missed "echo > /tmp/x").
    void changeWatcherReportsFilesOfANewDirectory()
    {
        const QString lower = m_tmp.filePath(QStringLiteral("lower-newdir"));
        const QString upper = m_tmp.filePath(QStringLiteral("upper-newdir"));
        QVERIFY(QDir().mkpath(lower + QStringLiteral("/tmp")));
        QVERIFY(QDir().mkpath(upper));
        ChangeWatcher watcher(upper, { lower });
        QVERIFY(watcher.start());
        QList<ChangeEvent> events;
        connect(&watcher, &ChangeWatcher::changed, this, [&](const ChangeEvent &e) { events.append(e); });
        // Without returning to the event loop: as overlayfs copies /tmp up, then the program
        // writes its file inside.
        QVERIFY(QDir().mkpath(upper + QStringLiteral("/tmp")));
        QVERIFY(writeFile(upper + QStringLiteral("/tmp/hello.txt"), "hello\n"));
        QVERIFY(QDir().mkpath(upper + QStringLiteral("/new/deeper")));
        QVERIFY(writeFile(upper + QStringLiteral("/new/deeper/file"), "new\n"));
        const auto has = [&](const QByteArray &path, ChangeEvent::Kind kind) {
            return std::any_of(events.cbegin(), events.cend(), [&](const ChangeEvent &e) { return e.path == path && e.kind == kind; });
        };
        QTRY_VERIFY_WITH_TIMEOUT(has("/tmp/hello.txt", ChangeEvent::Kind::Added), 2000);
        QTRY_VERIFY_WITH_TIMEOUT(has("/new/deeper/file", ChangeEvent::Kind::Added), 2000);
        QVERIFY(has("/tmp", ChangeEvent::Kind::Changed)); // copied up
        const auto hello = std::find_if(events.cbegin(), events.cend(), [](const ChangeEvent &e) { return e.path == "/tmp/hello.txt"; });
        QCOMPARE(hello->size, qint64(6));
        // Written on later: a change of the same file, not a second creation.
        events.clear();
        QVERIFY(writeFile(upper + QStringLiteral("/tmp/hello.txt"), "hello again\n"));
        QTRY_VERIFY_WITH_TIMEOUT(has("/tmp/hello.txt", ChangeEvent::Kind::Changed), 2000);
        QVERIFY(!has("/tmp/hello.txt", ChangeEvent::Kind::Added));
    }

    // Repeated writes of one file that the kernel queued together come out as one event.
    void changeWatcherCoalescesBursts()
    {
        const QString upper = m_tmp.filePath(QStringLiteral("upper-burst"));
        QVERIFY(QDir().mkpath(upper));
        ChangeWatcher watcher(upper, {});
        QVERIFY(watcher.start());
        QList<ChangeEvent> events;
        connect(&watcher, &ChangeWatcher::changed, this, [&](const ChangeEvent &e) { events.append(e); });
        QVERIFY(writeFile(upper + QStringLiteral("/log"), "0"));
        QTRY_COMPARE_WITH_TIMEOUT(events.size(), 1, 2000);
        events.clear();
        for (int i = 1; i <= 100; ++i) {
            QFile f(upper + QStringLiteral("/log"));
            QVERIFY(f.open(QIODevice::Append));
            f.write("x");
        }
        QTRY_VERIFY_WITH_TIMEOUT(!events.isEmpty() && events.last().size == 101, 2000);
        QTest::qWait(100);
        QCOMPARE(events.size(), 1);
        QCOMPARE(events.first().kind, ChangeEvent::Kind::Changed);
        QCOMPARE(events.first().path, QByteArray("/log"));
    }
};

QTEST_GUILESS_MAIN(TestThreads)
#include "tst_threads.moc"
