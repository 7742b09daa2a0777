// Containers, run for real: as root and as an unprivileged user the test creates. Each case
// runs stratactl (and its monitor) against a store with a busybox image built by the test, and
// checks what a user of Docker would: output and exit codes, copy-on-write in the layers on
// disk, volumes, isolation, crashes of the monitor and of stratactl, diff, watch, commit, cp;
// each on overlay2, vfs and btrfs (a filesystem the suite makes on a loop device).
#include "btrfsloop.h"
#include "tarbuilder.h"
#include "testsupport.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

using namespace strata::test;

namespace {

const QList<QByteArray> applets { "sh", "echo", "cat", "ls", "sleep", "test", "mkdir", "rm", "touch", "id", "hostname", "tail", "true", "false", "seq",
    "wc", "grep", "head", "stat", "chmod", "readlink", "mount" };

// busybox-static as a two-layer image: the binary and its applets, then a data layer whose
// files the containers rewrite and delete.
QByteArray busyboxArchive(const QString &tag)
{
    TarBuilder base = TarBuilder::busybox(applets);
    base.dir("etc").file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n").file("etc/group", "root:x:0:\n");
    base.dir("root").dir("tmp", 01777);
    const QByteArray data = TarBuilder().dir("data").file("data/original.txt", "from the image layer\n").file("data/doomed.txt", "delete me\n").build();
    return dockerArchive({ base.build(), data }, tag);
}

QByteArray hashTree(const QString &dir)
{
    return treeSnapshot(dir).toUtf8();
}

// The first process whose parent is `parent`, from /proc (procps may not be installed).
qint64 childOf(qint64 parent)
{
    const QStringList pids = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &pid : pids) {
        const QByteArray stat = readFile(QStringLiteral("/proc/") + pid + QStringLiteral("/stat"));
        // "pid (comm) state ppid ...": the command may hold spaces and parentheses.
        const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
        if (fields.size() > 1 && fields[1].toLongLong() == parent)
            return pid.toLongLong();
    }
    return 0;
}

QSet<QByteArray> lines(const QByteArray &text)
{
    QSet<QByteArray> out;
    for (const QByteArray &l : text.split('\n')) {
        if (!l.trimmed().isEmpty())
            out.insert(l.trimmed());
    }
    return out;
}

} // namespace

class TestContainers : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_share; // reachable by the unprivileged user
    QString m_user, m_userWhy, m_home;
    QString m_binary; // a copy of stratactl the user can run (the monitor is the same binary)
    bool m_rootless = false;
    QString m_driver = QStringLiteral("overlay2");
    BtrfsLoop m_btrfs;

    static QStringList drivers() { return { QStringLiteral("overlay2"), QStringLiteral("vfs"), QStringLiteral("btrfs") }; }
    QString mode() const { return m_rootless ? QStringLiteral("rootless") : QStringLiteral("root"); }
    // One store per mode and driver; btrfs's on the suite's btrfs filesystem.
    QString root() const
    {
        if (m_driver == QLatin1String("btrfs"))
            return m_btrfs.mountPoint() + QStringLiteral("/store-") + mode();
        return m_share + QStringLiteral("/store-%1-%2").arg(mode(), m_driver);
    }
    // Whether the current mode and driver have a store (the unprivileged user and the btrfs
    // mount may be missing).
    bool available() const { return (!m_rootless || !m_user.isEmpty()) && (m_driver != QLatin1String("btrfs") || m_btrfs.isMounted()); }

    QStringList command(const QStringList &args) const
    {
        if (!m_rootless)
            return QStringList { QStringLiteral(STRATACTL_PATH), QStringLiteral("--root"), root() } + args;
        return QStringList { QStringLiteral("runuser"), QStringLiteral("-u"), m_user, QStringLiteral("--"), QStringLiteral("env"), QStringLiteral("HOME=") + m_home,
                   m_binary, QStringLiteral("--root"), root() }
            + args;
    }

    RunResult ctl(const QStringList &args, int timeoutMs = 60000) const
    {
        const QStringList c = command(args);
        return run(c.first(), c.mid(1), timeoutMs);
    }

    // Runs a shell line inside a new container and returns its result.
    RunResult inContainer(const QString &script, const QStringList &options = {}) const
    {
        return ctl(QStringList { QStringLiteral("run"), QStringLiteral("--rm") } + options + QStringList { QStringLiteral("bb"), QStringLiteral("sh"), QStringLiteral("-c"), script });
    }

    QJsonObject inspect(const QString &name) const
    {
        return QJsonDocument::fromJson(ctl({ QStringLiteral("inspect"), name }).out).array().first().toObject();
    }

    QString containerDir(const QString &id) const { return root() + QStringLiteral("/containers/") + id; }

    bool setMode()
    {
        QFETCH(bool, rootless);
        QFETCH(QString, driver);
        m_rootless = rootless;
        m_driver = driver;
        if (rootless && m_user.isEmpty()) {
            QTest::qSkip(qPrintable(QStringLiteral("rootless: no unprivileged user: ") + m_userWhy), __FILE__, __LINE__);
            return false;
        }
        if (driver == QLatin1String("btrfs") && !m_btrfs.isMounted()) {
            QTest::qSkip(qPrintable(m_btrfs.whyNot()), __FILE__, __LINE__);
            return false;
        }
        return true;
    }

    void modes()
    {
        QTest::addColumn<bool>("rootless");
        QTest::addColumn<QString>("driver");
        for (bool rootless : { false, true }) {
            for (const QString &driver : drivers())
                QTest::addRow("%s %s", rootless ? "rootless" : "root", qPrintable(driver)) << rootless << driver;
        }
    }

    void expectCheckClean()
    {
        const RunResult r = ctl({ QStringLiteral("check") });
        QVERIFY2(r.exitCode == 0 && r.out.contains("no problems found"), QByteArray(r.out + r.err).constData());
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        if (geteuid() != 0)
            QSKIP("containers are tested as root and as an unprivileged user the test creates: run the suite as root");
        if (!QFileInfo::exists(QStringLiteral("/bin/busybox")))
            QSKIP("/bin/busybox (package busybox-static) is missing: there is no image to run");
        m_share = QStringLiteral("/tmp/strata-containers-%1").arg(QCoreApplication::applicationPid());
        QVERIFY(QDir().mkpath(m_share));
        QVERIFY(run(QStringLiteral("chmod"), { QStringLiteral("755"), m_share }).exitCode == 0);
        QString why;
        if (!m_btrfs.mount(m_share + QStringLiteral("/btrfs"), &why))
            qInfo("btrfs rows will skip: %s", qPrintable(why));
        m_user = unprivilegedUser(&m_userWhy);
        if (!m_user.isEmpty()) {
            m_home = QString::fromUtf8(run(QStringLiteral("sh"), { QStringLiteral("-c"), QStringLiteral("getent passwd %1 | cut -d: -f6").arg(m_user) }).out.trimmed());
            m_binary = m_share + QStringLiteral("/stratactl");
            QVERIFY(QFile::copy(QStringLiteral(STRATACTL_PATH), m_binary));
        }
        const QString archive = m_share + QStringLiteral("/bb.tar");
        QVERIFY(writeFile(archive, busyboxArchive(QStringLiteral("bb:latest"))));
        QVERIFY(run(QStringLiteral("chmod"), { QStringLiteral("644"), archive }).exitCode == 0);
        for (bool rootless : { false, true }) {
            for (const QString &driver : drivers()) {
                m_rootless = rootless;
                m_driver = driver;
                if (!available())
                    continue;
                if (rootless) {
                    QVERIFY(QDir().mkpath(root()));
                    QVERIFY(run(QStringLiteral("chown"), { m_user, root() }).exitCode == 0);
                }
                const RunResult r = ctl({ QStringLiteral("--driver"), driver, QStringLiteral("load"), QStringLiteral("-i"), archive });
                QVERIFY2(r.exitCode == 0, qPrintable(QStringLiteral("%1 %2: %3").arg(mode(), driver, QString::fromUtf8(r.err))));
            }
        }
    }

    void cleanupTestCase()
    {
        for (bool rootless : { false, true }) {
            for (const QString &driver : drivers()) {
                m_rootless = rootless;
                m_driver = driver;
                if (!m_share.isEmpty() && available()) {
                    const QStringList ids = QString::fromUtf8(ctl({ QStringLiteral("ps"), QStringLiteral("-aq"), QStringLiteral("--no-trunc") }).out).split(u'\n', Qt::SkipEmptyParts);
                    if (!ids.isEmpty())
                        ctl(QStringList { QStringLiteral("rm"), QStringLiteral("-f") } + ids);
                }
            }
        }
        m_btrfs.unmount();
        if (!m_share.isEmpty())
            run(QStringLiteral("rm"), { QStringLiteral("-rf"), m_share });
    }

    void runEchoHello_data() { modes(); }
    void runEchoHello()
    {
        if (!setMode())
            return;
        const RunResult r = ctl({ QStringLiteral("run"), QStringLiteral("--rm"), QStringLiteral("bb"), QStringLiteral("echo"), QStringLiteral("hello") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.out, QByteArray("hello\n"));
        QVERIFY2(QDir(root() + QStringLiteral("/containers")).isEmpty(), "--rm left the container directory behind");
        QCOMPARE(ctl({ QStringLiteral("ps"), QStringLiteral("-aq") }).out, QByteArray());
    }

    void exitCodes_data() { modes(); }
    void exitCodes()
    {
        if (!setMode())
            return;
        QCOMPARE(inContainer(QStringLiteral("exit 42")).exitCode, 42);
        QCOMPARE(inContainer(QStringLiteral("sleep 100 & kill -9 $!; wait $!")).exitCode, 137);
        // Killed from outside by a signal: 128 + the signal, as Docker reports it.
        QCOMPARE(ctl({ QStringLiteral("run"), QStringLiteral("-d"), QStringLiteral("--name"), QStringLiteral("victim"), QStringLiteral("bb"), QStringLiteral("sleep"), QStringLiteral("100") }).exitCode, 0);
        QCOMPARE(ctl({ QStringLiteral("kill"), QStringLiteral("victim") }).exitCode, 0);
        QTRY_COMPARE_WITH_TIMEOUT(inspect(QStringLiteral("victim")).value(QLatin1String("State")).toObject().value(QLatin1String("ExitCode")).toInt(), 137, 5000);
        QCOMPARE(ctl({ QStringLiteral("rm"), QStringLiteral("victim") }).exitCode, 0);
        const RunResult missing = ctl({ QStringLiteral("run"), QStringLiteral("--rm"), QStringLiteral("bb"), QStringLiteral("no-such-program") });
        QCOMPARE(missing.exitCode, 127);
        QVERIFY2(missing.err.contains("no-such-program") && missing.err.contains("not found"), missing.err.constData());
        const RunResult badImage = ctl({ QStringLiteral("run"), QStringLiteral("--rm"), QStringLiteral("no-such-image"), QStringLiteral("true") });
        QVERIFY(badImage.exitCode != 0);
        QVERIFY2(badImage.err.contains("no-such-image"), badImage.err.constData());
    }

    void environmentAndIdentity_data() { modes(); }
    void environmentAndIdentity()
    {
        if (!setMode())
            return;
        const RunResult r = inContainer(QStringLiteral("echo $GREETING; pwd; id -u; hostname; cat /etc/hostname; echo $PATH"),
            { QStringLiteral("-e"), QStringLiteral("GREETING=hi there"), QStringLiteral("-w"), QStringLiteral("/work/dir") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QList<QByteArray> out = r.out.split('\n');
        QCOMPARE(out.value(0), QByteArray("hi there"));
        QCOMPARE(out.value(1), QByteArray("/work/dir"));
        QCOMPARE(out.value(2), QByteArray("0"));
        QCOMPARE(out.value(3).size(), 12);
        QCOMPARE(out.value(4), out.value(3));
        QVERIFY(out.value(5).contains("/usr/bin"));
        const RunResult stdinRun = [&] {
            QProcess p;
            const QStringList c = command({ QStringLiteral("run"), QStringLiteral("--rm"), QStringLiteral("-i"), QStringLiteral("bb"), QStringLiteral("cat") });
            p.start(c.first(), c.mid(1));
            p.waitForStarted();
            p.write("piped through\n");
            p.closeWriteChannel();
            p.waitForFinished(30000);
            return RunResult { p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError() };
        }();
        QCOMPARE(stdinRun.out, QByteArray("piped through\n"));

        // Another user: the working directory is still made (by root, as Docker does). Rootless
        // stores map only root, and say so.
        RunResult other = inContainer(QStringLiteral("id -u; id -g; pwd"), { QStringLiteral("-u"), QStringLiteral("65534"), QStringLiteral("-w"), QStringLiteral("/made/for/nobody") });
        if (m_rootless) {
            QVERIFY(other.exitCode != 0);
            QVERIFY2(other.err.contains("maps only root"), other.err.constData());
        } else {
            QVERIFY2(other.exitCode == 0, other.err.constData());
            QCOMPARE(other.out, QByteArray("65534\n65534\n/made/for/nobody\n"));
        }
        RunResult badVolume = ctl({ QStringLiteral("run"), QStringLiteral("--rm"), QStringLiteral("-v"), QStringLiteral("x:/"), QStringLiteral("bb"), QStringLiteral("true") });
        QVERIFY(badVolume.exitCode != 0);
        QVERIFY2(badVolume.err.contains("x:/"), badVolume.err.constData());

        // -t: a pseudo-terminal from the container's own devpts, 80x24 with no client terminal.
        RunResult tty = ctl({ QStringLiteral("run"), QStringLiteral("--rm"), QStringLiteral("-t"), QStringLiteral("bb"), QStringLiteral("sh"), QStringLiteral("-c"),
            QStringLiteral("tty; stty size; exit 4") });
        QCOMPARE(tty.exitCode, 4);
        QCOMPARE(tty.out, QByteArray("/dev/pts/0\r\n24 80\r\n"));
        tty = ctl({ QStringLiteral("run"), QStringLiteral("--rm"), QStringLiteral("-it"), QStringLiteral("bb"), QStringLiteral("true") });
        QCOMPARE(tty.exitCode, 2);
        QVERIFY2(tty.err.contains("not a TTY"), tty.err.constData());

        // --entrypoint replaces the image's and drops its Cmd; the command follows it.
        RunResult ep = ctl({ QStringLiteral("run"), QStringLiteral("--rm"), QStringLiteral("--entrypoint"), QStringLiteral("echo"), QStringLiteral("bb"),
            QStringLiteral("via"), QStringLiteral("entrypoint") });
        QCOMPARE(ep.out, QByteArray("via entrypoint\n"));
        // The default network namespace has only loopback, and it is up; --network host sees the host's.
        RunResult net = inContainer(QStringLiteral("ls /sys/class/net; cat /sys/class/net/lo/operstate /sys/class/net/lo/flags"));
        QVERIFY2(net.out.startsWith("lo\n"), net.out.constData());
        QVERIFY2(!net.out.split('\n').value(1).isEmpty() && (net.out.split('\n').value(2).toUInt(nullptr, 16) & 1), net.out.constData());
        const QStringList hostInterfaces = QDir(QStringLiteral("/sys/class/net")).entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot);
        net = inContainer(QStringLiteral("ls /sys/class/net"), { QStringLiteral("--network"), QStringLiteral("host") });
        QCOMPARE(QString::fromUtf8(net.out).split(u'\n', Qt::SkipEmptyParts), hostInterfaces);
    }

    void detachedStopLogsExec_data() { modes(); }
    void detachedStopLogsExec()
    {
        if (!setMode())
            return;
        RunResult r = ctl({ QStringLiteral("run"), QStringLiteral("-d"), QStringLiteral("--name"), QStringLiteral("svc"), QStringLiteral("bb"), QStringLiteral("sh"),
            QStringLiteral("-c"), QStringLiteral("echo up; trap 'echo stopping; exit 3' TERM; while true; do sleep 0.05; done") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QByteArray id = r.out.trimmed();
        QCOMPARE(id.size(), 64);
        // The caller has returned; the container keeps running under its monitor.
        QTest::qWait(300);
        r = ctl({ QStringLiteral("ps") });
        QVERIFY2(r.out.contains("svc") && r.out.contains("Up "), r.out.constData());
        const QJsonObject state = inspect(QStringLiteral("svc")).value(QLatin1String("State")).toObject();
        QVERIFY(state.value(QLatin1String("Running")).toBool());
        QVERIFY(kill(pid_t(state.value(QLatin1String("Pid")).toInteger()), 0) == 0);

        r = ctl({ QStringLiteral("exec"), QStringLiteral("svc"), QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("echo from exec; exit 5") });
        QCOMPARE(r.exitCode, 5);
        QCOMPARE(r.out, QByteArray("from exec\n"));
        r = ctl({ QStringLiteral("exec"), QStringLiteral("-t"), QStringLiteral("svc"), QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("tty") });
        QCOMPARE(r.out, QByteArray("/dev/pts/0\r\n"));
        r = ctl({ QStringLiteral("exec"), QStringLiteral("svc"), QStringLiteral("cat"), QStringLiteral("/proc/1/cmdline") });
        QVERIFY2(r.out.startsWith("sh"), "exec does not see the container's init as pid 1");

        r = ctl({ QStringLiteral("stop"), QStringLiteral("svc") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject after = inspect(QStringLiteral("svc")).value(QLatin1String("State")).toObject();
        QCOMPARE(after.value(QLatin1String("Status")).toString(), QStringLiteral("exited"));
        QCOMPARE(after.value(QLatin1String("ExitCode")).toInt(), 3);
        r = ctl({ QStringLiteral("logs"), QStringLiteral("svc") });
        QCOMPARE(r.out, QByteArray("up\nstopping\n"));
        // logs -f follows a running container to its end, stdout and stderr apart.
        QCOMPARE(ctl({ QStringLiteral("run"), QStringLiteral("-d"), QStringLiteral("--name"), QStringLiteral("talker"), QStringLiteral("bb"), QStringLiteral("sh"),
                         QStringLiteral("-c"), QStringLiteral("for i in 1 2 3; do echo line $i; sleep 0.2; done; echo oops >&2") })
                     .exitCode,
            0);
        r = ctl({ QStringLiteral("logs"), QStringLiteral("-f"), QStringLiteral("talker") });
        QCOMPARE(r.out, QByteArray("line 1\nline 2\nline 3\n"));
        QCOMPARE(r.err, QByteArray("oops\n"));
        QCOMPARE(ctl({ QStringLiteral("rm"), QStringLiteral("talker") }).exitCode, 0);

        // A program that ignores SIGTERM is killed after -t seconds.
        ctl({ QStringLiteral("run"), QStringLiteral("-d"), QStringLiteral("--name"), QStringLiteral("stubborn"), QStringLiteral("bb"), QStringLiteral("sleep"), QStringLiteral("100") });
        QElapsedTimer t;
        t.start();
        QCOMPARE(ctl({ QStringLiteral("stop"), QStringLiteral("-t"), QStringLiteral("1"), QStringLiteral("stubborn") }).exitCode, 0);
        QVERIFY(t.elapsed() >= 900);
        QCOMPARE(inspect(QStringLiteral("stubborn")).value(QLatin1String("State")).toObject().value(QLatin1String("ExitCode")).toInt(), 137);
        QCOMPARE(ctl({ QStringLiteral("rm"), QStringLiteral("svc"), QStringLiteral("stubborn") }).exitCode, 0);
        QVERIFY(!QFileInfo::exists(containerDir(QString::fromLatin1(id))));
        expectCheckClean();
    }

    void copyOnWrite_data() { modes(); }
    void copyOnWrite()
    {
        if (!setMode())
            return;
        const QString layersDir = root() + QStringLiteral("/layers/") + m_driver;
        const QByteArray layersBefore = hashTree(layersDir);
        RunResult r = ctl({ QStringLiteral("run"), QStringLiteral("--name"), QStringLiteral("cow"), QStringLiteral("bb"), QStringLiteral("sh"), QStringLiteral("-c"),
            QStringLiteral("echo rewritten > /data/original.txt; rm /data/doomed.txt; cat /data/original.txt; test -e /data/doomed.txt || echo gone") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.out, QByteArray("rewritten\ngone\n"));
        const QJsonObject graph = inspect(QStringLiteral("cow")).value(QLatin1String("GraphDriver")).toObject().value(QLatin1String("Data")).toObject();
        const QString upper = graph.value(QLatin1String("UpperDir")).toString();
        QVERIFY(upper.startsWith(root() + QStringLiteral("/containers/")));
        // The writable layer holds the new copy and (overlay2) a whiteout, or (a full tree) no
        // file; the image's copy is untouched.
        QCOMPARE(readFile(upper + QStringLiteral("/data/original.txt")), QByteArray("rewritten\n"));
        struct stat st;
        const bool there = lstat(QFile::encodeName(upper + QStringLiteral("/data/doomed.txt")).constData(), &st) == 0;
        QStringList lowers = graph.value(QLatin1String("LowerDir")).toString().split(u':', Qt::SkipEmptyParts);
        if (m_driver == QLatin1String("overlay2")) {
            QVERIFY(there);
            QVERIFY2(S_ISCHR(st.st_mode) && major(st.st_rdev) == 0 && minor(st.st_rdev) == 0, "deleting a lower file did not leave a whiteout");
        } else {
            QVERIFY2(!there, "a full tree kept a deleted file");
            QVERIFY(lowers.isEmpty());
            lowers = { inspect(QStringLiteral("bb")).value(QLatin1String("GraphDriver")).toObject().value(QLatin1String("Data")).toObject().value(QLatin1String("Dir")).toString() };
            QCOMPARE(readFile(lowers.first() + QStringLiteral("/data/doomed.txt")), QByteArray("delete me\n"));
        }
        if (m_driver == QLatin1String("btrfs")) { // the writable layer is a subvolume of its own
            QCOMPARE(lstat(QFile::encodeName(upper).constData(), &st), 0);
            QCOMPARE(st.st_ino, ino_t(256));
        }
        bool foundLower = false;
        for (const QString &lower : std::as_const(lowers)) {
            if (QFileInfo::exists(lower + QStringLiteral("/data/original.txt"))) {
                QCOMPARE(readFile(lower + QStringLiteral("/data/original.txt")), QByteArray("from the image layer\n"));
                foundLower = true;
            }
        }
        QVERIFY(foundLower);
        QCOMPARE(hashTree(layersDir), layersBefore);
        // A new container sees the image, not the other container's changes.
        QCOMPARE(inContainer(QStringLiteral("cat /data/original.txt /data/doomed.txt")).out, QByteArray("from the image layer\ndelete me\n"));

        const QString id = inspect(QStringLiteral("cow")).value(QLatin1String("Id")).toString();
        // The shared init layer: check notices it gone and --repair makes it again.
        QVERIFY(QDir(root() + QStringLiteral("/containers/.init")).removeRecursively());
        r = ctl({ QStringLiteral("check") });
        QVERIFY2(r.exitCode != 0 && r.out.contains("init layer"), r.out.constData());
        QCOMPARE(ctl({ QStringLiteral("check"), QStringLiteral("--repair") }).exitCode, 0);
        QVERIFY(QFileInfo::exists(root() + QStringLiteral("/containers/.init/etc/hosts")));
        QCOMPARE(ctl({ QStringLiteral("start"), QStringLiteral("-a"), QStringLiteral("cow") }).exitCode, 0);

        QCOMPARE(ctl({ QStringLiteral("rm"), QStringLiteral("cow") }).exitCode, 0);
        QVERIFY2(!QFileInfo::exists(containerDir(id)), "rm left containers/<id> behind");
        QCOMPARE(hashTree(layersDir), layersBefore);
        expectCheckClean();
    }

    void volumesOutliveContainers_data() { modes(); }
    void volumesOutliveContainers()
    {
        if (!setMode())
            return;
        RunResult r = inContainer(QStringLiteral("echo persisted > /vol/f"), { QStringLiteral("-v"), QStringLiteral("keep:/vol") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(QDir(root() + QStringLiteral("/containers")).isEmpty());
        r = inContainer(QStringLiteral("cat /vol/f"), { QStringLiteral("-v"), QStringLiteral("keep:/vol") });
        QCOMPARE(r.out, QByteArray("persisted\n"));
        QCOMPARE(readFile(root() + QStringLiteral("/volumes/keep/_data/f")), QByteArray("persisted\n"));
        QVERIFY(ctl({ QStringLiteral("volume"), QStringLiteral("ls") }).out.contains("keep"));
        // In use, a volume stays; unused, it can go.
        ctl({ QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("holder"), QStringLiteral("-v"), QStringLiteral("keep:/vol"), QStringLiteral("bb"), QStringLiteral("true") });
        // system df counts them as Docker does: the image and the volume are in use, not reclaimable.
        r = ctl({ QStringLiteral("system"), QStringLiteral("df") });
        QMap<QByteArray, QList<QByteArray>> df;
        // The logical table, Docker's, up to the blank line before the store's footprint.
        for (const QByteArray &line : r.out.left(r.out.indexOf("\n\n")).split('\n')) {
            const QList<QByteArray> f = line.simplified().split(' ');
            if (f.size() >= 5)
                df.insert(f[0] == "Local" ? QByteArray("Volumes") : f[0], f.mid(f[0] == "Local" ? 2 : 1));
        }
        QVERIFY2(df.value("Images").value(1) == "1" && df.value("Images").value(3) == "0B", r.out.constData());
        QVERIFY2(df.value("Containers").value(0) == "1" && df.value("Containers").value(1) == "0", r.out.constData());
        QVERIFY2(df.value("Volumes").value(0) == "1" && df.value("Volumes").value(1) == "1" && df.value("Volumes").value(3) == "0B", r.out.constData());
        r = ctl({ QStringLiteral("volume"), QStringLiteral("rm"), QStringLiteral("keep") });
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("holder"), r.err.constData());
        QCOMPARE(ctl({ QStringLiteral("rm"), QStringLiteral("holder") }).exitCode, 0);
        QCOMPARE(ctl({ QStringLiteral("volume"), QStringLiteral("rm"), QStringLiteral("keep") }).exitCode, 0);
        QVERIFY(!QFileInfo::exists(root() + QStringLiteral("/volumes/keep")));
        // --rm takes the container's anonymous volumes with it, as Docker's does.
        const QByteArray volumesBefore = ctl({ QStringLiteral("volume"), QStringLiteral("ls"), QStringLiteral("-q") }).out;
        QCOMPARE(inContainer(QStringLiteral("echo x > /scratch/f"), { QStringLiteral("-v"), QStringLiteral("/scratch") }).exitCode, 0);
        QCOMPARE(ctl({ QStringLiteral("volume"), QStringLiteral("ls"), QStringLiteral("-q") }).out, volumesBefore);
        // prune removes what no container uses, and nothing else.
        QCOMPARE(ctl({ QStringLiteral("volume"), QStringLiteral("create"), QStringLiteral("unused") }).exitCode, 0);
        QCOMPARE(ctl({ QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("user"), QStringLiteral("-v"), QStringLiteral("used:/u"), QStringLiteral("bb"), QStringLiteral("true") }).exitCode, 0);
        r = ctl({ QStringLiteral("volume"), QStringLiteral("prune") });
        QVERIFY2(lines(r.out).contains("unused") && !lines(r.out).contains("used"), r.out.constData());
        QVERIFY(!QFileInfo::exists(root() + QStringLiteral("/volumes/unused")));
        QVERIFY(QFileInfo::exists(root() + QStringLiteral("/volumes/used/_data")));
        QCOMPARE(ctl({ QStringLiteral("rm"), QStringLiteral("user") }).exitCode, 0);
        QCOMPARE(ctl({ QStringLiteral("volume"), QStringLiteral("rm"), QStringLiteral("used") }).exitCode, 0);
        expectCheckClean();
    }

    // A mount point whose parent is a file is an error naming it, never a mount over /.
    void mountUnderAFileRefused_data() { modes(); }
    void mountUnderAFileRefused()
    {
        if (!setMode())
            return;
        const RunResult r = inContainer(QStringLiteral("echo reached"), { QStringLiteral("-v"), QStringLiteral("underfile:/etc/passwd/x") });
        QVERIFY2(r.exitCode == 125, QByteArray(r.out + r.err).constData());
        QVERIFY2(r.err.contains("/etc/passwd/x") && !r.out.contains("reached"), r.err.constData());
        QCOMPARE(ctl({ QStringLiteral("volume"), QStringLiteral("rm"), QStringLiteral("underfile") }).exitCode, 0);
        expectCheckClean();
    }

    // A container whose config cannot be read might use any image or volume: rmi and volume rm
    // refuse rather than assume it does not.
    void unreadableContainerBlocksRemoval_data() { modes(); }
    void unreadableContainerBlocksRemoval()
    {
        if (!setMode())
            return;
        RunResult r = ctl({ QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("damaged"), QStringLiteral("-v"), QStringLiteral("held:/held"),
            QStringLiteral("bb"), QStringLiteral("true") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString id = QString::fromUtf8(r.out.trimmed());
        const QString config = containerDir(id) + QStringLiteral("/config.json");
        const QByteArray saved = readFile(config);
        QVERIFY(!saved.isEmpty());
        QVERIFY(writeFile(config, "{ not json"));
        const QString layers = root() + QStringLiteral("/layers");
        const QString before = treeSnapshot(layers);
        r = ctl({ QStringLiteral("rmi"), QStringLiteral("bb") });
        QVERIFY2(r.exitCode != 0 && r.err.contains("cannot tell") && r.err.contains(id.left(12).toUtf8()), r.err.constData());
        QVERIFY(ctl({ QStringLiteral("images") }).out.contains("bb"));
        QCOMPARE(treeSnapshot(layers), before);
        r = ctl({ QStringLiteral("volume"), QStringLiteral("rm"), QStringLiteral("held") });
        QVERIFY2(r.exitCode != 0 && r.err.contains("cannot tell"), r.err.constData());
        QVERIFY(QFileInfo::exists(root() + QStringLiteral("/volumes/held/_data")));
        QVERIFY(writeFile(config, saved));
        QCOMPARE(ctl({ QStringLiteral("rm"), QStringLiteral("damaged") }).exitCode, 0);
        QCOMPARE(ctl({ QStringLiteral("volume"), QStringLiteral("rm"), QStringLiteral("held") }).exitCode, 0);
        expectCheckClean();
    }

    void bindMounts_data() { modes(); }
    void bindMounts()
    {
        if (!setMode())
            return;
        const QString host = m_share + QStringLiteral("/bind-%1-%2").arg(mode(), m_driver);
        QVERIFY(QDir().mkpath(host));
        QVERIFY(writeFile(host + QStringLiteral("/given.txt"), "from the host\n"));
        run(QStringLiteral("chmod"), { QStringLiteral("-R"), QStringLiteral("777"), host });
        RunResult r = inContainer(QStringLiteral("cat /mnt/given.txt; echo x > /mnt/new.txt"), { QStringLiteral("-v"), host + QStringLiteral(":/mnt:ro") });
        QVERIFY2(r.out == "from the host\n", r.out.constData());
        QVERIFY2(r.exitCode != 0 && r.err.contains("Read-only"), r.err.constData());
        QVERIFY(!QFileInfo::exists(host + QStringLiteral("/new.txt")));
        r = inContainer(QStringLiteral("echo written > /mnt/new.txt"), { QStringLiteral("-v"), host + QStringLiteral(":/mnt") });
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(readFile(host + QStringLiteral("/new.txt")), QByteArray("written\n"));
    }

    void isolation_data() { modes(); }
    void isolation()
    {
        if (!setMode())
            return;
        const QString canary = m_share + QStringLiteral("/canary-on-host");
        QVERIFY(writeFile(canary, "secret"));
        RunResult r = inContainer(QStringLiteral("test -e %1 && echo VISIBLE; test -e %2 && echo BINARY; ls /proc/$$/fd; ls /proc | grep -c '^[0-9]'")
                                      .arg(canary, QStringLiteral(STRATACTL_PATH)));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QList<QByteArray> out = r.out.trimmed().split('\n');
        QVERIFY2(!r.out.contains("VISIBLE") && !r.out.contains("BINARY"), r.out.constData());
        // The shell's own descriptors: the standard streams only (ls opens its own after).
        QCOMPARE(out.mid(0, 3), (QList<QByteArray> { "0", "1", "2" }));
        QVERIFY2(out.size() == 4 || (out.size() == 5 && out[3] == "255"), r.out.constData());
        QVERIFY2(out.last().toInt() <= 3, "the container sees processes other than its own");

        // While exec joins it, nothing executable of the host can be opened for writing.
        ctl({ QStringLiteral("run"), QStringLiteral("-d"), QStringLiteral("--name"), QStringLiteral("iso"), QStringLiteral("bb"), QStringLiteral("sleep"), QStringLiteral("100") });
        r = ctl({ QStringLiteral("exec"), QStringLiteral("iso"), QStringLiteral("sh"), QStringLiteral("-c"),
            QStringLiteral("for p in /proc/[0-9]*/exe; do readlink $p; if (: >> $p) 2>/dev/null; then echo WRITABLE $p; fi; done") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(!r.out.contains("WRITABLE"), r.out.constData());
        QVERIFY2(!r.out.contains("stratactl"), r.out.constData());
        ctl({ QStringLiteral("rm"), QStringLiteral("-f"), QStringLiteral("iso") });
        QCOMPARE(readFile(canary), QByteArray("secret"));
    }

    void killMonitorAndCaller_data() { modes(); }
    void killMonitorAndCaller()
    {
        if (!setMode())
            return;
        // kill -9 of the monitor: the container goes with it, and ps says so.
        RunResult r = ctl({ QStringLiteral("run"), QStringLiteral("-d"), QStringLiteral("--name"), QStringLiteral("orphan"), QStringLiteral("bb"), QStringLiteral("sleep"), QStringLiteral("100") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject state = inspect(QStringLiteral("orphan")).value(QLatin1String("State")).toObject();
        const pid_t monitor = pid_t(state.value(QLatin1String("MonitorPid")).toInteger());
        const pid_t init = pid_t(state.value(QLatin1String("Pid")).toInteger());
        QVERIFY(monitor > 0 && init > 0);
        QCOMPARE(kill(monitor, SIGKILL), 0);
        QTRY_VERIFY_WITH_TIMEOUT(kill(init, 0) != 0, 5000);
        r = ctl({ QStringLiteral("ps"), QStringLiteral("-a") });
        QVERIFY2(r.out.contains("orphan") && r.out.contains("Dead"), r.out.constData());
        QCOMPARE(inspect(QStringLiteral("orphan")).value(QLatin1String("State")).toObject().value(QLatin1String("Status")).toString(), QStringLiteral("dead"));
        expectCheckClean();
        QCOMPARE(ctl({ QStringLiteral("rm"), QStringLiteral("orphan") }).exitCode, 0);

        // kill -9 of stratactl in the middle of `run`: the container carries on under its monitor.
        QProcess caller;
        const QStringList c = command({ QStringLiteral("run"), QStringLiteral("--name"), QStringLiteral("survivor"), QStringLiteral("bb"), QStringLiteral("sh"),
            QStringLiteral("-c"), QStringLiteral("sleep 1; echo finished") });
        caller.start(c.first(), c.mid(1));
        QVERIFY(caller.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(ctl({ QStringLiteral("ps") }).out.contains("survivor"), 5000);
        // stratactl itself: the started process, or runuser's child when rootless (the monitor
        // is nobody's child by now).
        qint64 client = caller.processId();
        if (m_rootless)
            client = childOf(client);
        QVERIFY(client > 0);
        QCOMPARE(kill(pid_t(client), SIGKILL), 0);
        caller.waitForFinished(5000);
        r = ctl({ QStringLiteral("ps") });
        QVERIFY2(r.out.contains("survivor") && r.out.contains("Up"), r.out.constData());
        QTRY_VERIFY_WITH_TIMEOUT(ctl({ QStringLiteral("ps"), QStringLiteral("-a") }).out.contains("Exited (0)"), 10000);
        QCOMPARE(ctl({ QStringLiteral("logs"), QStringLiteral("survivor") }).out, QByteArray("finished\n"));
        expectCheckClean();
        QCOMPARE(ctl({ QStringLiteral("rm"), QStringLiteral("survivor") }).exitCode, 0);
    }

    void diffListsChanges_data() { modes(); }
    void diffListsChanges()
    {
        if (!setMode())
            return;
        RunResult r = ctl({ QStringLiteral("run"), QStringLiteral("--name"), QStringLiteral("changes"), QStringLiteral("bb"), QStringLiteral("sh"), QStringLiteral("-c"),
            QStringLiteral("echo new > /added.txt; echo more >> /data/original.txt; rm /data/doomed.txt; mkdir -p /new/deep; touch /new/deep/f; rm /bin/wc") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = ctl({ QStringLiteral("diff"), QStringLiteral("changes") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QSet<QByteArray> expected { "A /added.txt", "C /data", "C /data/original.txt", "D /data/doomed.txt", "A /new", "A /new/deep", "A /new/deep/f", "C /bin",
            "D /bin/wc" };
        QCOMPARE(lines(r.out), expected);
        QCOMPARE(ctl({ QStringLiteral("rm"), QStringLiteral("changes") }).exitCode, 0);

        // A directory the container made unreadable: root reads it anyway; the unprivileged
        // owner cannot, and diff then says so instead of leaving the subtree out.
        r = ctl({ QStringLiteral("run"), QStringLiteral("--name"), QStringLiteral("locked"), QStringLiteral("bb"), QStringLiteral("sh"), QStringLiteral("-c"),
            QStringLiteral("mkdir -p /locked/inner && touch /locked/inner/f && chmod 000 /locked") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = ctl({ QStringLiteral("diff"), QStringLiteral("locked") });
        if (m_rootless) {
            QVERIFY2(r.exitCode != 0 && r.err.contains("cannot compare") && r.err.contains("/locked"), QByteArray(r.out + r.err).constData());
        } else {
            QVERIFY2(r.exitCode == 0, r.err.constData());
            QCOMPARE(lines(r.out), (QSet<QByteArray> { "A /locked", "A /locked/inner", "A /locked/inner/f" }));
        }
        QCOMPARE(ctl({ QStringLiteral("rm"), QStringLiteral("locked") }).exitCode, 0);
    }

    void watchReportsWrites_data() { modes(); }
    void watchReportsWrites()
    {
        if (!setMode())
            return;
        QCOMPARE(ctl({ QStringLiteral("run"), QStringLiteral("-d"), QStringLiteral("--name"), QStringLiteral("watched"), QStringLiteral("bb"), QStringLiteral("sleep"), QStringLiteral("100") }).exitCode, 0);
        QProcess watch;
        const QStringList c = command({ QStringLiteral("watch"), QStringLiteral("watched") });
        watch.start(c.first(), c.mid(1));
        QVERIFY(watch.waitForStarted());
        QByteArray seen;
        QTRY_VERIFY_WITH_TIMEOUT((seen += watch.readAllStandardOutput()).contains("Watching"), 5000);
        QCOMPARE(ctl({ QStringLiteral("exec"), QStringLiteral("watched"), QStringLiteral("sh"), QStringLiteral("-c"),
                         QStringLiteral("echo hello > /fresh.txt; echo more >> /data/original.txt; rm /data/doomed.txt") })
                     .exitCode,
            0);
        auto has = [&](const QByteArray &kind, const QByteArray &path) {
            for (const QByteArray &line : seen.split('\n')) {
                const QList<QByteArray> f = line.simplified().split(' ');
                if (f.size() >= 3 && f[1] == kind && f[2] == path)
                    return true;
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT((seen += watch.readAllStandardOutput(), has("Added", "/fresh.txt") && has("Deleted", "/data/doomed.txt")), 5000);
        QTRY_VERIFY_WITH_TIMEOUT((seen += watch.readAllStandardOutput(), has("Changed", "/data/original.txt")), 5000);
        // overlay2 copies the whole file up; a full tree (vfs, btrfs) rewrites it in place.
        QVERIFY2(seen.contains("copied up from image layer 2 of 2") == (m_driver == QLatin1String("overlay2")), seen.constData());
        QVERIFY2(seen.contains("/fresh.txt  (6B)"), seen.constData());
        QCOMPARE(ctl({ QStringLiteral("rm"), QStringLiteral("-f"), QStringLiteral("watched") }).exitCode, 0);
        QVERIFY(watch.waitForFinished(5000));
        seen += watch.readAllStandardOutput();
        QVERIFY2(seen.contains("container removed"), seen.constData());
    }

    void commitAndCopy_data() { modes(); }
    void commitAndCopy()
    {
        if (!setMode())
            return;
        const QString hostDir = m_share + QStringLiteral("/cp-%1-%2").arg(mode(), m_driver);
        QVERIFY(QDir().mkpath(hostDir + QStringLiteral("/tree/sub")));
        QVERIFY(writeFile(hostDir + QStringLiteral("/tree/sub/inner.txt"), "inner\n"));
        QVERIFY(writeFile(hostDir + QStringLiteral("/single.txt"), "single\n"));
        run(QStringLiteral("chmod"), { QStringLiteral("-R"), QStringLiteral("777"), hostDir });
        QCOMPARE(ctl({ QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("box"), QStringLiteral("bb"), QStringLiteral("sleep"), QStringLiteral("100") }).exitCode, 0);
        // Into a stopped container, then out of a running one.
        RunResult r = ctl({ QStringLiteral("cp"), hostDir + QStringLiteral("/single.txt"), QStringLiteral("box:/single.txt") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(ctl({ QStringLiteral("start"), QStringLiteral("box") }).exitCode, 0);
        r = ctl({ QStringLiteral("cp"), hostDir + QStringLiteral("/tree"), QStringLiteral("box:/tmp/") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = ctl({ QStringLiteral("exec"), QStringLiteral("box"), QStringLiteral("cat"), QStringLiteral("/single.txt"), QStringLiteral("/tmp/tree/sub/inner.txt") });
        QCOMPARE(r.out, QByteArray("single\ninner\n"));
        r = ctl({ QStringLiteral("cp"), QStringLiteral("box:/data/original.txt"), hostDir + QStringLiteral("/out.txt") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(readFile(hostDir + QStringLiteral("/out.txt")), QByteArray("from the image layer\n"));
        // A path that climbs above the container's root stays inside it: the same path exists on
        // the host and in the container with different content, and the container's comes out.
        const QString twin = hostDir + QStringLiteral("/twin.txt");
        QVERIFY(writeFile(twin, "the host's\n"));
        QCOMPARE(ctl({ QStringLiteral("exec"), QStringLiteral("box"), QStringLiteral("sh"), QStringLiteral("-c"),
                     QStringLiteral("mkdir -p '%1' && echo \"the container's\" > '%2'").arg(hostDir, twin) }).exitCode, 0);
        r = ctl({ QStringLiteral("cp"), QStringLiteral("box:/../../../..") + twin, hostDir + QStringLiteral("/twin-out.txt") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(readFile(hostDir + QStringLiteral("/twin-out.txt")), QByteArray("the container's\n"));
        // And a host file the container lacks is not found through such a path.
        r = ctl({ QStringLiteral("cp"), QStringLiteral("box:/../../../..") + hostDir + QStringLiteral("/single.txt"), hostDir + QStringLiteral("/escaped.txt") });
        QVERIFY2(r.exitCode != 0 && !QFileInfo::exists(hostDir + QStringLiteral("/escaped.txt")), "a container path escaped the container");

        // commit: the writable layer becomes one more layer of a new image.
        r = ctl({ QStringLiteral("commit"), QStringLiteral("box"), QStringLiteral("bb:committed") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = ctl({ QStringLiteral("inspect"), QStringLiteral("bb:committed") });
        QCOMPARE(QJsonDocument::fromJson(r.out).array().first().toObject().value(QLatin1String("RootFS")).toObject().value(QLatin1String("Layers")).toArray().size(), 3);
        r = ctl({ QStringLiteral("run"), QStringLiteral("--rm"), QStringLiteral("bb:committed"), QStringLiteral("cat"), QStringLiteral("/single.txt"), QStringLiteral("/tmp/tree/sub/inner.txt") });
        QCOMPARE(r.out, QByteArray("single\ninner\n"));

        // rmi refuses an image a container uses.
        r = ctl({ QStringLiteral("rmi"), QStringLiteral("bb") });
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("box"), r.err.constData());
        QCOMPARE(ctl({ QStringLiteral("rm"), QStringLiteral("-f"), QStringLiteral("box") }).exitCode, 0);
        QCOMPARE(ctl({ QStringLiteral("rmi"), QStringLiteral("bb:committed") }).exitCode, 0);
        expectCheckClean();
    }

    // container prune takes every container that is not running, image prune every image with
    // no tag and no container; what is running or named stays.
    void pruneStoppedAndDangling_data() { modes(); }
    void pruneStoppedAndDangling()
    {
        if (!setMode())
            return;
        QCOMPARE(ctl({ QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("stopped"), QStringLiteral("bb"), QStringLiteral("true") }).exitCode, 0);
        QCOMPARE(ctl({ QStringLiteral("run"), QStringLiteral("-d"), QStringLiteral("--name"), QStringLiteral("running"), QStringLiteral("bb"), QStringLiteral("sleep"), QStringLiteral("100") }).exitCode, 0);
        // A commit without a name makes a dangling image.
        RunResult r = ctl({ QStringLiteral("commit"), QStringLiteral("stopped") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QByteArray dangling = r.out.trimmed().mid(7, 12); // "sha256:" then the short ID
        QVERIFY(ctl({ QStringLiteral("images"), QStringLiteral("-q") }).out.contains(dangling));

        r = ctl({ QStringLiteral("container"), QStringLiteral("prune") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.out.contains("(stopped)") && !r.out.contains("(running)"), r.out.constData());
        r = ctl({ QStringLiteral("ps"), QStringLiteral("-a") });
        QVERIFY(!r.out.contains("stopped") && r.out.contains("running"));

        r = ctl({ QStringLiteral("image"), QStringLiteral("prune") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.out.contains(QByteArray(QByteArray("Deleted: sha256:") + dangling)), r.out.constData());
        r = ctl({ QStringLiteral("images"), QStringLiteral("-q") });
        QVERIFY(!r.out.contains(dangling));
        QVERIFY(ctl({ QStringLiteral("images") }).out.contains("bb ")); // tagged, and in use: kept
        r = ctl({ QStringLiteral("image"), QStringLiteral("prune") });
        QCOMPARE(r.out, QByteArray("Nothing to prune: no dangling images.\n"));
        QCOMPARE(ctl({ QStringLiteral("rm"), QStringLiteral("-f"), QStringLiteral("running") }).exitCode, 0);
        expectCheckClean();
    }

    // Rootless on btrfs: an unprivileged user may make and snapshot subvolumes, but the kernel
    // refuses it BTRFS_IOC_SNAP_DESTROY unless the filesystem is mounted user_subvol_rm_allowed.
    // info says so; rm still deletes the writable layer's subvolume (emptied, then rmdir).
    void rootlessBtrfsDeletion()
    {
        m_rootless = true;
        m_driver = QStringLiteral("btrfs");
        if (m_user.isEmpty())
            QSKIP(qPrintable(QStringLiteral("rootless: no unprivileged user: ") + m_userWhy));
        if (!m_btrfs.isMounted())
            QSKIP(qPrintable(m_btrfs.whyNot()));
        RunResult r = ctl({ QStringLiteral("info") });
        QVERIFY2(r.exitCode == 0 && r.out.contains("Storage driver:  btrfs"), QByteArray(r.out + r.err).constData());
        const auto btrfsRow = [](const QByteArray &out) {
            for (const QByteArray &l : out.split('\n')) {
                if (l.startsWith("btrfs "))
                    return l.simplified();
            }
            return QByteArray();
        };
        QVERIFY2(btrfsRow(r.out).startsWith("btrfs yes yes") && btrfsRow(r.out).contains("refuses an unprivileged user BTRFS_IOC_SNAP_DESTROY without the user_subvol_rm_allowed mount option"), r.out.constData());
        r = ctl({ QStringLiteral("run"), QStringLiteral("--name"), QStringLiteral("subvol"), QStringLiteral("bb"), QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("mkdir -p /made/deep && echo x > /made/deep/f") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString id = inspect(QStringLiteral("subvol")).value(QLatin1String("Id")).toString();
        const auto subvolumes = [&] { return QString::fromUtf8(run(QStringLiteral("btrfs"), { QStringLiteral("subvolume"), QStringLiteral("list"), m_btrfs.mountPoint() }).out); };
        QVERIFY2(subvolumes().contains(id + QStringLiteral("/rw/diff")), qPrintable(subvolumes()));
        r = ctl({ QStringLiteral("rm"), QStringLiteral("subvol") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(!subvolumes().contains(id), qPrintable(subvolumes()));
        expectCheckClean();

        // Mounted with user_subvol_rm_allowed, the same user's deletions are one ioctl each.
        BtrfsLoop allowed;
        QString why;
        QVERIFY2(allowed.mount(m_share + QStringLiteral("/btrfs-rm-allowed"), &why, { QStringLiteral("user_subvol_rm_allowed") }), qPrintable(why));
        const QString store = allowed.mountPoint() + QStringLiteral("/store");
        QVERIFY(QDir().mkpath(store));
        QCOMPARE(run(QStringLiteral("chown"), { m_user, store }).exitCode, 0);
        r = run(QStringLiteral("runuser"), { QStringLiteral("-u"), m_user, QStringLiteral("--"), QStringLiteral("env"), QStringLiteral("HOME=") + m_home, m_binary, QStringLiteral("--root"), store, QStringLiteral("info") });
        QVERIFY2(btrfsRow(r.out).startsWith("btrfs yes yes") && !btrfsRow(r.out).contains("user_subvol_rm_allowed"), r.out.constData());
    }

    void deepImage_data() { modes(); }
    void deepImage()
    {
        if (!setMode())
            return;
        // 125 layers: the overlay mount options of full paths would not fit in a page.
        QList<QByteArray> layers;
        const QByteArray busybox = readFile(QStringLiteral("/bin/busybox"));
        layers.append(TarBuilder().dir("bin").file("bin/busybox", busybox, 0755).symlink("bin/sh", "busybox").symlink("bin/cat", "busybox").build());
        for (int i = 1; i < 125; ++i)
            layers.append(TarBuilder().dir("layers").file("layers/" + QByteArray::number(i), QByteArray::number(i)).build());
        const QString archive = m_share + QStringLiteral("/deep-%1-%2.tar").arg(mode(), m_driver);
        QVERIFY(writeFile(archive, dockerArchive(layers, QStringLiteral("deep:125"))));
        run(QStringLiteral("chmod"), { QStringLiteral("644"), archive });
        RunResult r = ctl({ QStringLiteral("load"), QStringLiteral("-i"), archive });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = ctl({ QStringLiteral("run"), QStringLiteral("--rm"), QStringLiteral("deep:125"), QStringLiteral("cat"), QStringLiteral("/layers/1"), QStringLiteral("/layers/124") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.out, QByteArray("1124"));
        QCOMPARE(ctl({ QStringLiteral("rmi"), QStringLiteral("deep:125") }).exitCode, 0);
    }
};

QTEST_GUILESS_MAIN(TestContainers)
#include "tst_containers.moc"
