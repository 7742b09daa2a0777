// The builder end to end: `stratactl build` against a store holding a busybox image the test
// builds, with RUN in real containers, COPY from real contexts, and the layer cache on disk.
#include "tarbuilder.h"
#include "testsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QVersionNumber>
#include <QtTest>

#include <csignal>
#include <sys/stat.h>
#include <unistd.h>

using namespace strata::test;

namespace {

const QList<QByteArray> applets { "sh", "echo", "cat", "ls", "sleep", "test", "mkdir", "rm", "touch", "true", "false", "seq", "head", "dd",
    "chmod", "id", "stat", "wc", "printf", "env" };

// busybox-static as a base layer: the binary, its applets, users and groups, and /lib -> usr/lib.
QByteArray busyboxLayer()
{
    TarBuilder base = TarBuilder::busybox(applets);
    base.dir("etc").file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001:app:/home/app:/bin/sh\n").file("etc/group", "root:x:0:\napps:x:1001:\n");
    base.dir("root").dir("tmp", 01777).dir("usr").dir("usr/lib").symlink("lib", "usr/lib");
    return base.build();
}

QByteArray busyboxArchive(const QString &tag)
{
    return dockerArchive({ busyboxLayer() }, tag);
}

QByteArray historyLine(const QJsonObject &entry)
{
    return entry.value(QLatin1String("created_by")).toString().toUtf8() + (entry.value(QLatin1String("empty_layer")).toBool() ? " (empty)" : "");
}

} // namespace

class TestBuild : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_root;

    RunResult ctl(const QStringList &args, int timeoutMs = 120000) { return stratactl(m_root, args, timeoutMs); }

    // A context directory with these files (path -> content), a Dockerfile among them.
    QString context(const QString &name, const QMap<QString, QByteArray> &files)
    {
        const QString dir = m_tmp.filePath(name);
        QDir(dir).removeRecursively();
        for (auto it = files.cbegin(); it != files.cend(); ++it) {
            const QString path = dir + u'/' + it.key();
            QDir().mkpath(QFileInfo(path).path());
            if (!writeFile(path, it.value()))
                return {};
        }
        return dir;
    }

    RunResult build(const QString &dir, const QStringList &extra = {})
    {
        return ctl(QStringList { QStringLiteral("build") } + extra + QStringList { dir });
    }

    QJsonObject config(const QString &ref)
    {
        const RunResult r = ctl({ QStringLiteral("inspect"), ref });
        const QString id = QJsonDocument::fromJson(r.out).array().first().toObject().value(QLatin1String("Id")).toString();
        if (!id.startsWith(QLatin1String("sha256:")))
            return {};
        return QJsonDocument::fromJson(readFile(m_root + QStringLiteral("/images/blobs/sha256/") + id.mid(7))).object();
    }

    QStringList chains(const QString &ref)
    {
        const QJsonArray diffs = config(ref).value(QLatin1String("rootfs")).toObject().value(QLatin1String("diff_ids")).toArray();
        QStringList out;
        QByteArray chain;
        for (const QJsonValue &d : diffs) {
            chain = chain.isEmpty() ? d.toString().toUtf8() : "sha256:" + sha256Hex(chain + ' ' + d.toString().toUtf8()).toUtf8();
            out.append(QString::fromUtf8(chain));
        }
        return out;
    }

    int usingCache(const QByteArray &out) { return int(out.count(" ---> Using cache")); }

    void checkStore()
    {
        const RunResult r = ctl({ QStringLiteral("check") });
        QVERIFY2(r.exitCode == 0 && r.out.contains("no problems found"), QByteArray(r.out + r.err).constData());
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        if (geteuid() != 0)
            QSKIP("RUN needs containers: run the suite as root");
        if (!QFileInfo::exists(QStringLiteral("/bin/busybox")))
            QSKIP("/bin/busybox (package busybox-static) is missing: there is no base image");
        m_root = m_tmp.filePath(QStringLiteral("store"));
        const QString archive = m_tmp.filePath(QStringLiteral("bb.tar"));
        QVERIFY(writeFile(archive, busyboxArchive(QStringLiteral("bb:latest"))));
        const RunResult r = ctl({ QStringLiteral("load"), QStringLiteral("-i"), archive });
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }

    // Every instruction kind once, with what Docker's classic builder prints and records.
    void buildsLayersAndHistory()
    {
        const QString dir = context(QStringLiteral("basic"), {
            { QStringLiteral("Dockerfile"), "# a comment\n"
                                            "FROM bb\n"
                                            "ARG GREETING=hello\n"
                                            "ENV APP_HOME=/app \\\n    MODE=\"production mode\"\n"
                                            "LABEL org.example.kind=demo\n"
                                            "RUN echo \"$GREETING from RUN\" > /greeting && mkdir -p /var/data\n"
                                            "COPY app.txt conf/ $APP_HOME/\n"
                                            "WORKDIR $APP_HOME\n"
                                            "USER app\n"
                                            "EXPOSE 8080 53/udp\n"
                                            "VOLUME /data\n"
                                            "STOPSIGNAL SIGINT\n"
                                            "HEALTHCHECK --interval=5s --retries=3 CMD cat /greeting\n"
                                            "ENTRYPOINT [\"cat\"]\n"
                                            "CMD [\"/app/app.txt\"]\n" },
            { QStringLiteral("app.txt"), "the application\n" },
            { QStringLiteral("conf/settings.ini"), "debug=false\n" },
        });
        const RunResult r = build(dir, { QStringLiteral("-t"), QStringLiteral("basic:1") });
        QVERIFY2(r.exitCode == 0, QByteArray(r.out + r.err).constData());
        QVERIFY2(r.out.startsWith("Step 1/14 : FROM bb\n"), r.out.constData());
        QVERIFY(r.out.contains("Step 5/14 : RUN echo \"$GREETING from RUN\" > /greeting && mkdir -p /var/data\n ---> Running in "));
        QVERIFY(r.out.contains("Removing intermediate container "));
        QVERIFY(r.out.contains("Successfully tagged basic:1\n"));
        const QRegularExpression built(QStringLiteral("Successfully built ([0-9a-f]{12})\n"));
        const auto m = built.match(QString::fromUtf8(r.out));
        QVERIFY(m.hasMatch());

        const QJsonObject cfg = config(QStringLiteral("basic:1"));
        QVERIFY(cfg.value(QLatin1String("rootfs")).toObject().value(QLatin1String("diff_ids")).toArray().size() == 3); // base, RUN, COPY; WORKDIR /app exists by then
        const QJsonObject run = cfg.value(QLatin1String("config")).toObject();
        QCOMPARE(run.value(QLatin1String("WorkingDir")).toString(), QStringLiteral("/app"));
        QCOMPARE(run.value(QLatin1String("User")).toString(), QStringLiteral("app"));
        QVERIFY(run.value(QLatin1String("Env")).toArray().contains(QStringLiteral("MODE=production mode")));
        QVERIFY(run.value(QLatin1String("Env")).toArray().contains(QStringLiteral("APP_HOME=/app")));
        QVERIFY(!run.value(QLatin1String("Env")).toArray().contains(QStringLiteral("GREETING=hello"))); // an ARG is not kept
        QCOMPARE(run.value(QLatin1String("Labels")).toObject().value(QLatin1String("org.example.kind")).toString(), QStringLiteral("demo"));
        QVERIFY(run.value(QLatin1String("ExposedPorts")).toObject().contains(QLatin1String("8080/tcp")));
        QVERIFY(run.value(QLatin1String("ExposedPorts")).toObject().contains(QLatin1String("53/udp")));
        QVERIFY(run.value(QLatin1String("Volumes")).toObject().contains(QLatin1String("/data")));
        QCOMPARE(run.value(QLatin1String("StopSignal")).toString(), QStringLiteral("SIGINT"));
        QCOMPARE(run.value(QLatin1String("Entrypoint")).toArray(), QJsonArray { QStringLiteral("cat") });
        QCOMPARE(run.value(QLatin1String("Cmd")).toArray(), QJsonArray { QStringLiteral("/app/app.txt") });
        const QJsonObject health = run.value(QLatin1String("Healthcheck")).toObject();
        QCOMPARE(health.value(QLatin1String("Test")).toArray(), (QJsonArray { QStringLiteral("CMD-SHELL"), QStringLiteral("cat /greeting") }));
        QCOMPARE(health.value(QLatin1String("Interval")).toInteger(), qint64(5000000000));
        QCOMPARE(health.value(QLatin1String("Retries")).toInt(), 3);

        QList<QByteArray> history;
        for (const QJsonValue &h : cfg.value(QLatin1String("history")).toArray())
            history.append(historyLine(h.toObject()));
        QCOMPARE(history.size(), 14); // the base's one entry, then 13 steps
        QCOMPARE(history[1], QByteArray("/bin/sh -c #(nop)  ARG GREETING=hello (empty)"));
        QCOMPARE(history[2], QByteArray("/bin/sh -c #(nop)  ENV APP_HOME=/app MODE=production mode (empty)"));
        QCOMPARE(history[4], QByteArray("|1 GREETING=hello /bin/sh -c echo \"$GREETING from RUN\" > /greeting && mkdir -p /var/data"));
        QVERIFY2(QRegularExpression(QStringLiteral("^/bin/sh -c #\\(nop\\) COPY multi:[0-9a-f]{64} in /app/ $")).match(QString::fromUtf8(history[5])).hasMatch(), history[5].constData());
        QCOMPARE(history[6], QByteArray("/bin/sh -c #(nop) WORKDIR /app (empty)"));
        QCOMPARE(history[7], QByteArray("/bin/sh -c #(nop)  USER app (empty)"));
        QCOMPARE(history[8], QByteArray("/bin/sh -c #(nop)  EXPOSE 53/udp 8080 (empty)")); // Docker sorts the words as written (parseExpose)
        QCOMPARE(history[9], QByteArray("/bin/sh -c #(nop)  VOLUME [/data] (empty)"));
        QCOMPARE(history[12], QByteArray("/bin/sh -c #(nop)  ENTRYPOINT [\"cat\"] (empty)"));
        QCOMPARE(history[13], QByteArray("/bin/sh -c #(nop)  CMD [\"/app/app.txt\"] (empty)"));

        // The image runs, with what RUN and COPY put in it.
        RunResult ran = ctl({ QStringLiteral("run"), QStringLiteral("--rm"), QStringLiteral("basic:1") });
        QCOMPARE(ran.out, QByteArray("the application\n"));
        ran = ctl({ QStringLiteral("run"), QStringLiteral("--rm"), QStringLiteral("basic:1"), QStringLiteral("/greeting"), QStringLiteral("/app/settings.ini") });
        QCOMPARE(ran.out, QByteArray("hello from RUN\ndebug=false\n"));
        ran = ctl({ QStringLiteral("run"), QStringLiteral("--rm"), QStringLiteral("--entrypoint"), QStringLiteral("id"), QStringLiteral("basic:1") , QStringLiteral("-u")});
        QCOMPARE(ran.out, QByteArray("1000\n"));
        // The COPY layer holds the files owned by root with their modes, under the folder it made.
        const RunResult files = ctl({ QStringLiteral("layer"), QStringLiteral("files"), QStringLiteral("basic:1"), QStringLiteral("2") });
        QVERIFY2(files.exitCode == 0 && files.out.contains("app.txt") && files.out.contains("settings.ini"), QByteArray(files.out + files.err).constData());
        // No build container is left behind.
        const RunResult ps = ctl({ QStringLiteral("ps"), QStringLiteral("-a"), QStringLiteral("-q") });
        QCOMPARE(ps.out.trimmed(), QByteArray());
        checkStore();
    }

    void cacheRules_data()
    {
        QTest::addColumn<QByteArray>("dockerfile");
        QTest::addColumn<QByteArray>("file");
        QTest::addColumn<int>("mode");
        QTest::addColumn<bool>("noCache");
        QTest::addColumn<int>("expectedHits");
        const QByteArray base = "FROM bb\nRUN echo one > /one\nCOPY data.txt /data.txt\nRUN cat /data.txt > /copy\nCMD [\"cat\", \"/copy\"]\n";
        QTest::newRow("identical") << base << QByteArray("data\n") << 0644 << false << 4;
        QTest::newRow("no-cache") << base << QByteArray("data\n") << 0644 << true << 0;
        QTest::newRow("content changed") << base << QByteArray("other\n") << 0644 << false << 1;
        QTest::newRow("mode changed") << base << QByteArray("data\n") << 0600 << false << 1;
        QTest::newRow("instruction changed") << QByteArray("FROM bb\nRUN echo one > /one\nCOPY data.txt /data.txt\nRUN cat /data.txt > /copy2\nCMD [\"cat\", \"/copy\"]\n")
                                             << QByteArray("data\n") << 0644 << false << 2;
        QTest::newRow("first changed") << QByteArray("FROM bb\nRUN echo uno > /one\nCOPY data.txt /data.txt\nRUN cat /data.txt > /copy\nCMD [\"cat\", \"/copy\"]\n")
                                       << QByteArray("data\n") << 0644 << false << 0;
    }

    void cacheRules()
    {
        QFETCH(QByteArray, dockerfile);
        QFETCH(QByteArray, file);
        QFETCH(int, mode);
        QFETCH(bool, noCache);
        QFETCH(int, expectedHits);
        // A first build in its own store, so that each row starts from the same cache.
        m_root = m_tmp.filePath(QStringLiteral("cache-store-") + QString::fromUtf8(QTest::currentDataTag()).replace(u' ', u'-'));
        const QString archive = m_tmp.filePath(QStringLiteral("bb.tar"));
        QVERIFY(ctl({ QStringLiteral("load"), QStringLiteral("-i"), archive }).exitCode == 0);
        const QByteArray original = "FROM bb\nRUN echo one > /one\nCOPY data.txt /data.txt\nRUN cat /data.txt > /copy\nCMD [\"cat\", \"/copy\"]\n";
        QString dir = context(QStringLiteral("cache"), { { QStringLiteral("Dockerfile"), original }, { QStringLiteral("data.txt"), "data\n" } });
        QFile::setPermissions(dir + QStringLiteral("/data.txt"), QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther);
        RunResult first = build(dir, { QStringLiteral("-t"), QStringLiteral("c:1") });
        QVERIFY2(first.exitCode == 0, QByteArray(first.out + first.err).constData());
        QCOMPARE(usingCache(first.out), 0);

        dir = context(QStringLiteral("cache"), { { QStringLiteral("Dockerfile"), dockerfile }, { QStringLiteral("data.txt"), file } });
        QVERIFY(::chmod(QFile::encodeName(dir + QStringLiteral("/data.txt")).constData(), mode_t(mode)) == 0);
        // Only content and mode count, not the time: touch the file.
        QVERIFY(run(QStringLiteral("touch"), { QStringLiteral("-d"), QStringLiteral("2001-02-03"), dir + QStringLiteral("/data.txt") }).exitCode == 0);
        QStringList extra { QStringLiteral("-t"), QStringLiteral("c:2") };
        if (noCache)
            extra << QStringLiteral("--no-cache");
        RunResult second = build(dir, extra);
        QVERIFY2(second.exitCode == 0, QByteArray(second.out + second.err).constData());
        QCOMPARE(usingCache(second.out), expectedHits);
        const QStringList a = chains(QStringLiteral("c:1"));
        const QStringList b = chains(QStringLiteral("c:2"));
        // The layers of the steps that hit are the same layers.
        int layersShared = 0;
        while (layersShared < qMin(a.size(), b.size()) && a[layersShared] == b[layersShared])
            ++layersShared;
        // Without the cache equal content may still give equal layers; with it, a hit is the
        // same layer and a miss is built anew.
        const int expectedLayers = expectedHits >= 3 ? 4 : 1 + qMin(expectedHits, 2);
        if (!noCache)
            QCOMPARE(layersShared, expectedLayers);
        if (expectedHits == 4)
            QCOMPARE(config(QStringLiteral("c:1")), config(QStringLiteral("c:2")));
        const RunResult ran = ctl({ QStringLiteral("run"), QStringLiteral("--rm"), QStringLiteral("c:2") });
        QCOMPARE(ran.out, dockerfile.contains("/copy2") ? QByteArray() : file);
        checkStore();
    }

    void failingRunStopsTheBuild()
    {
        m_root = m_tmp.filePath(QStringLiteral("store"));
        QString dir = context(QStringLiteral("failing"), { { QStringLiteral("Dockerfile"), "FROM bb\nRUN echo before > /before\nRUN echo to stderr >&2; exit 3\nRUN echo after\n" } });
        RunResult r = build(dir, { QStringLiteral("-t"), QStringLiteral("failing:1") });
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.out.contains("to stderr"), r.out.constData());
        QVERIFY2(r.err.contains("The command '/bin/sh -c echo to stderr >&2; exit 3' returned a non-zero code: 3"), r.err.constData());
        QVERIFY(ctl({ QStringLiteral("inspect"), QStringLiteral("failing:1") }).exitCode != 0);
        QCOMPARE(ctl({ QStringLiteral("ps"), QStringLiteral("-a"), QStringLiteral("-q") }).out.trimmed(), QByteArray());
        checkStore();
        // Fixed, the build reuses the step that succeeded.
        dir = context(QStringLiteral("failing"), { { QStringLiteral("Dockerfile"), "FROM bb\nRUN echo before > /before\nRUN echo fixed\nRUN echo after\n" } });
        r = build(dir, { QStringLiteral("-t"), QStringLiteral("failing:1") });
        QVERIFY2(r.exitCode == 0, QByteArray(r.out + r.err).constData());
        QCOMPARE(usingCache(r.out), 1);
        // A RUN that changes nothing makes no layer.
        QCOMPARE(chains(QStringLiteral("failing:1")).size(), 2);
    }

    void multiStage()
    {
        const QString dir = context(QStringLiteral("stages"), {
            { QStringLiteral("Dockerfile"), "ARG BASE=bb\n"
                                            "FROM $BASE AS build\n"
                                            "RUN mkdir /out && echo compiled > /out/program && echo junk > /junk\n"
                                            "FROM bb AS test\n"
                                            "RUN false\n"
                                            "FROM bb\n"
                                            "COPY --from=build /out/program /usr/local/bin/\n"
                                            "COPY --from=0 /out /opt/out\n"
                                            "CMD [\"cat\", \"/usr/local/bin/program\", \"/opt/out/program\"]\n" },
        });
        // --target stops after the stage it names.
        RunResult r = build(dir, { QStringLiteral("-t"), QStringLiteral("stage:build"), QStringLiteral("--target"), QStringLiteral("build") });
        QVERIFY2(r.exitCode == 0, QByteArray(r.out + r.err).constData());
        QVERIFY(r.out.contains("Step 1/3 : ARG BASE=bb"));
        QVERIFY(!r.out.contains("RUN false"));
        // The whole file: the test stage fails.
        r = build(dir, { QStringLiteral("-t"), QStringLiteral("stage:all") });
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("returned a non-zero code: 1"));
        const QString fixed = context(QStringLiteral("stages2"), {
            { QStringLiteral("Dockerfile"), "FROM bb AS build\n"
                                            "RUN mkdir /out && echo compiled > /out/program && echo junk > /junk\n"
                                            "FROM bb\n"
                                            "COPY --from=build /out/program /usr/local/bin/\n"
                                            "COPY --from=0 /out /opt/out\n"
                                            "CMD [\"cat\", \"/usr/local/bin/program\", \"/opt/out/program\"]\n" },
        });
        r = build(fixed, { QStringLiteral("-t"), QStringLiteral("stage:final") });
        QVERIFY2(r.exitCode == 0, QByteArray(r.out + r.err).constData());
        QCOMPARE(usingCache(r.out), 1); // the first stage's RUN, built with --target before
        const RunResult ran = ctl({ QStringLiteral("run"), QStringLiteral("--rm"), QStringLiteral("stage:final") });
        QCOMPARE(ran.out, QByteArray("compiled\ncompiled\n"));
        // Nothing of the build stage but what was copied.
        QVERIFY(ctl({ QStringLiteral("run"), QStringLiteral("--rm"), QStringLiteral("stage:final"), QStringLiteral("/junk") }).exitCode != 0);
    }

    // As in Docker: RUN's writes below a VOLUME go to a throwaway volume, not into the image;
    // the first RUN after it leaves the mount point in its layer.
    void writesBelowAVolumeAreNotKept()
    {
        m_root = m_tmp.filePath(QStringLiteral("store"));
        const QString dir = context(QStringLiteral("volume"), { { QStringLiteral("Dockerfile"), "FROM bb\nVOLUME /data\nRUN echo lost > /data/file && echo kept > /kept\n" } });
        const RunResult r = build(dir, { QStringLiteral("-t"), QStringLiteral("vol:1") });
        QVERIFY2(r.exitCode == 0, QByteArray(r.out + r.err).constData());
        const RunResult files = ctl({ QStringLiteral("layer"), QStringLiteral("files"), QStringLiteral("vol:1"), QStringLiteral("1") });
        QVERIFY2(files.out.contains("kept") && files.out.contains("data"), files.out.constData());
        QVERIFY2(!files.out.contains("file"), files.out.constData());
        QCOMPARE(ctl({ QStringLiteral("volume"), QStringLiteral("ls"), QStringLiteral("-q") }).out.trimmed(), QByteArray());
    }

    // A RUN's overlay is mounted volatile: its end does not sync the store's filesystem (the
    // step's writable layer is read back at once, then thrown away). A container of `run` keeps
    // the sync: it may be started again, which overlayfs refuses for a volatile upper.
    void runStepsMountTheirOverlayVolatile()
    {
        m_root = m_tmp.filePath(QStringLiteral("store"));
        const QString dir = context(QStringLiteral("volatile"), { { QStringLiteral("Dockerfile"), "FROM bb\nRUN head -n 1 /proc/mounts > /root-mount\n" } });
        const RunResult r = build(dir, { QStringLiteral("-t"), QStringLiteral("volatile:1") });
        QVERIFY2(r.exitCode == 0, QByteArray(r.out + r.err).constData());
        const QByteArray during = ctl({ QStringLiteral("run"), QStringLiteral("--rm"), QStringLiteral("volatile:1"), QStringLiteral("cat"), QStringLiteral("/root-mount") }).out;
        if (!during.startsWith("overlay "))
            QSKIP("the store's containers have no overlay root (vfs driver)");
        const QVersionNumber kernel = QVersionNumber::fromString(QSysInfo::kernelVersion());
        if (!during.contains("volatile") && kernel < QVersionNumber(5, 10))
            QSKIP("overlayfs has no volatile option before Linux 5.10");
        QVERIFY2(during.contains("volatile"), during.constData());
        const QByteArray ran = ctl({ QStringLiteral("run"), QStringLiteral("--rm"), QStringLiteral("volatile:1"), QStringLiteral("head"), QStringLiteral("-n"), QStringLiteral("1"), QStringLiteral("/proc/mounts") }).out;
        QVERIFY2(ran.startsWith("overlay ") && !ran.contains("volatile"), ran.constData());
        QCOMPARE(ctl({ QStringLiteral("ps"), QStringLiteral("-a"), QStringLiteral("-q") }).out.trimmed(), QByteArray());
        checkStore();
    }

    // A build that came all from the cache, under the tag it has, writes nothing: index.json
    // stays the same file (no journal, no rewrite); under another tag it is rewritten.
    void cachedRebuildWritesNothing()
    {
        m_root = m_tmp.filePath(QStringLiteral("store"));
        const QString dir = context(QStringLiteral("rebuild"), { { QStringLiteral("Dockerfile"), "FROM bb\nRUN echo once > /once\nCMD [\"cat\", \"/once\"]\n" } });
        RunResult r = build(dir, { QStringLiteral("-t"), QStringLiteral("rebuild:1") });
        QVERIFY2(r.exitCode == 0, QByteArray(r.out + r.err).constData());
        const auto inode = [&] {
            struct stat st {};
            return ::stat(QFile::encodeName(m_root + QStringLiteral("/images/index.json")).constData(), &st) == 0 ? st.st_ino : ino_t(0);
        };
        const ino_t before = inode();
        QVERIFY(before != 0);
        r = build(dir, { QStringLiteral("-t"), QStringLiteral("rebuild:1") });
        QVERIFY2(r.exitCode == 0, QByteArray(r.out + r.err).constData());
        QCOMPARE(usingCache(r.out), 2);
        QCOMPARE(inode(), before);
        r = build(dir, { QStringLiteral("-t"), QStringLiteral("rebuild:2") });
        QVERIFY2(r.exitCode == 0, QByteArray(r.out + r.err).constData());
        QVERIFY(inode() != before);
        QCOMPARE(ctl({ QStringLiteral("run"), QStringLiteral("--rm"), QStringLiteral("rebuild:1") }).out, QByteArray("once\n"));
        QCOMPARE(ctl({ QStringLiteral("run"), QStringLiteral("--rm"), QStringLiteral("rebuild:2") }).out, QByteArray("once\n"));
        checkStore();
    }

    // Here-documents: RUN's is the script, COPY's are files, several in one instruction.
    void heredocs()
    {
        m_root = m_tmp.filePath(QStringLiteral("store"));
        const QString dir = context(QStringLiteral("heredocs"), { { QStringLiteral("Dockerfile"),
            "FROM bb\nRUN <<EOF\necho from-run > /run.txt\nEOF\nCOPY <<one <<two /dst/\nfirst\none\nsecond\ntwo\n" } });
        const RunResult r = build(dir, { QStringLiteral("-t"), QStringLiteral("heredocs:1") });
        QVERIFY2(r.exitCode == 0, QByteArray(r.out + r.err).constData());
        const RunResult ran = ctl({ QStringLiteral("run"), QStringLiteral("--rm"), QStringLiteral("heredocs:1"), QStringLiteral("cat"), QStringLiteral("/run.txt"),
            QStringLiteral("/dst/one"), QStringLiteral("/dst/two") });
        QCOMPARE(ran.out, QByteArray("from-run\nfirst\nsecond\n"));
    }

    void copyFollowsTheImagesLinks()
    {
        // /lib -> usr/lib in the image: COPY to /lib/ lands in /usr/lib, as Docker resolves it.
        const QString dir = context(QStringLiteral("links"), { { QStringLiteral("Dockerfile"), "FROM bb\nCOPY lib.so /lib/\n" }, { QStringLiteral("lib.so"), "ELF\n" } });
        const RunResult r = build(dir, { QStringLiteral("-t"), QStringLiteral("links:1") });
        QVERIFY2(r.exitCode == 0, QByteArray(r.out + r.err).constData());
        const RunResult ran = ctl({ QStringLiteral("run"), QStringLiteral("--rm"), QStringLiteral("links:1"), QStringLiteral("cat"), QStringLiteral("/usr/lib/lib.so") });
        QCOMPARE(ran.out, QByteArray("ELF\n"));
    }

    void hostileInput_data()
    {
        QTest::addColumn<QByteArray>("dockerfile");
        QTest::addColumn<QByteArray>("message");
        QTest::newRow("copy ..") << QByteArray("FROM bb\nCOPY ../secret /x\n") << QByteArray("outside");
        QTest::newRow("copy absolute ..") << QByteArray("FROM bb\nCOPY /../../secret /x\n") << QByteArray("secret");
        QTest::newRow("link out") << QByteArray("FROM bb\nCOPY out /x\n") << QByteArray("out");
        QTest::newRow("unknown instruction") << QByteArray("FROM bb\nRUNN true\n") << QByteArray("Dockerfile:2");
        QTest::newRow("no such image") << QByteArray("FROM nosuchimage:1\n") << QByteArray("nosuchimage:1");
        QTest::newRow("missing source") << QByteArray("FROM bb\nCOPY nothing /x\n") << QByteArray("nothing");
    }

    void hostileInput()
    {
        QFETCH(QByteArray, dockerfile);
        QFETCH(QByteArray, message);
        m_root = m_tmp.filePath(QStringLiteral("store"));
        const QString outside = m_tmp.filePath(QStringLiteral("secret"));
        QVERIFY(writeFile(outside, "secret\n"));
        const QString dir = context(QStringLiteral("hostile"), { { QStringLiteral("Dockerfile"), dockerfile } });
        QFile::link(outside, dir + QStringLiteral("/out"));
        const QString before = treeSnapshot(m_tmp.path() + QStringLiteral("/hostile"));
        const RunResult images = ctl({ QStringLiteral("images"), QStringLiteral("-q") });
        const RunResult r = build(dir, { QStringLiteral("-t"), QStringLiteral("hostile:1") });
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains(message), r.err.constData());
        QCOMPARE(ctl({ QStringLiteral("images"), QStringLiteral("-q") }).out, images.out);
        QCOMPARE(treeSnapshot(m_tmp.path() + QStringLiteral("/hostile")), before);
        QVERIFY(!r.out.contains("secret\n"));
    }

    // ADD's local archives: extracted into the destination, owners and modes as they are;
    // absolute names stay inside it, as Docker confines them; what would climb out is refused.
    void addExtractsArchivesConfined_data()
    {
        QTest::addColumn<QByteArray>("archive");
        QTest::addColumn<QByteArray>("refusal"); // empty: accepted
        QTest::newRow("plain") << TarBuilder().dir("etc").file("etc/tool.conf", "conf\n").owner(1000, 1001).file("data.bin", "bin", 0600).build(TarBuilder::Compression::Gzip) << QByteArray();
        QTest::newRow("absolute names") << TarBuilder().file("/etc/abs.conf", "abs\n").build() << QByteArray();
        QTest::newRow("dot-dot") << TarBuilder().file("../../escape", "x").build(TarBuilder::Compression::Gzip) << QByteArray("is outside of the destination");
        QTest::newRow("link out") << TarBuilder().symlink("up", "../../..").build() << QByteArray("outside of the destination");
        QTest::newRow("through a link") << TarBuilder().symlink("sub", "/etc").file("sub/passwd", "owned\n").build() << QByteArray("below the symbolic link");
        QTest::newRow("whiteout name") << TarBuilder().file(".wh.bin", "").build() << QByteArray("whiteouts");
        QTest::newRow("device") << TarBuilder().device("null", false, 1, 3).build() << QByteArray("device");
    }

    void addExtractsArchivesConfined()
    {
        QFETCH(QByteArray, archive);
        QFETCH(QByteArray, refusal);
        m_root = m_tmp.filePath(QStringLiteral("store"));
        const QString dir = context(QStringLiteral("add"), { { QStringLiteral("Dockerfile"), "FROM bb\nADD payload.tgz /opt/payload/\n" }, { QStringLiteral("payload.tgz"), archive } });
        const QString sentinel = m_tmp.filePath(QStringLiteral("sentinel"));
        QDir().mkpath(sentinel);
        const QString before = treeSnapshot(sentinel) + treeSnapshot(QStringLiteral("/etc"));
        const RunResult r = build(dir, { QStringLiteral("-t"), QStringLiteral("add:1") });
        QCOMPARE(treeSnapshot(sentinel) + treeSnapshot(QStringLiteral("/etc")), before);
        if (!refusal.isEmpty()) {
            QVERIFY(r.exitCode != 0);
            QVERIFY2(r.err.contains(refusal) && r.err.contains("payload.tgz"), r.err.constData());
            return;
        }
        QVERIFY2(r.exitCode == 0, QByteArray(r.out + r.err).constData());
        const QString tag = QString::fromUtf8(QTest::currentDataTag());
        if (tag == QLatin1String("plain")) {
            RunResult ran = ctl({ QStringLiteral("run"), QStringLiteral("--rm"), QStringLiteral("add:1"), QStringLiteral("stat"), QStringLiteral("-c"), QStringLiteral("%u:%g %a %n"),
                QStringLiteral("/opt/payload/etc/tool.conf"), QStringLiteral("/opt/payload/data.bin") });
            QCOMPARE(ran.out, QByteArray("0:0 644 /opt/payload/etc/tool.conf\n1000:1001 600 /opt/payload/data.bin\n"));
        } else {
            RunResult ran = ctl({ QStringLiteral("run"), QStringLiteral("--rm"), QStringLiteral("add:1"), QStringLiteral("cat"), QStringLiteral("/opt/payload/etc/abs.conf") });
            QCOMPARE(ran.out, QByteArray("abs\n"));
            QVERIFY(ctl({ QStringLiteral("run"), QStringLiteral("--rm"), QStringLiteral("add:1"), QStringLiteral("test"), QStringLiteral("-e"), QStringLiteral("/etc/abs.conf") }).exitCode != 0);
        }
    }

    // Archive contexts: a tar or a zip holds the build's files; a hostile one is refused by name.
    void archiveContexts_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("python"); // writes the archive to sys.argv[1]
        QTest::addColumn<QByteArray>("refusal");
        const QString dockerfile = QStringLiteral("z.writestr('Dockerfile', 'FROM bb\\nCOPY app.txt /app/\\nCMD [\"cat\", \"/app/app.txt\"]\\n'); z.writestr('app.txt', 'from the archive\\n')");
        QTest::newRow("zip") << QStringLiteral("ctx.zip") << QStringLiteral("import zipfile,sys\nz=zipfile.ZipFile(sys.argv[1],'w')\n%1\nz.close()").arg(dockerfile) << QByteArray();
        QTest::newRow("zip ..") << QStringLiteral("ctx.zip") << QStringLiteral("import zipfile,sys\nz=zipfile.ZipFile(sys.argv[1],'w')\n%1\nz.writestr('../../evil', 'x')\nz.close()").arg(dockerfile) << QByteArray("../../evil");
        QTest::newRow("zip absolute") << QStringLiteral("ctx.zip") << QStringLiteral("import zipfile,sys\nz=zipfile.ZipFile(sys.argv[1],'w')\n%1\nz.writestr('/tmp/evil', 'x')\nz.close()").arg(dockerfile) << QByteArray("evil");
        QTest::newRow("tar.gz") << QStringLiteral("ctx.tar.gz")
                                << QStringLiteral("import tarfile,sys,io\nt=tarfile.open(sys.argv[1],'w:gz')\n"
                                                  "for n,d in (('Dockerfile',b'FROM bb\\nCOPY app.txt /app/\\nCMD [\"cat\", \"/app/app.txt\"]\\n'),('app.txt',b'from the archive\\n')):\n"
                                                  "    i=tarfile.TarInfo(n); i.size=len(d); t.addfile(i, io.BytesIO(d))\nt.close()")
                                << QByteArray();
        QTest::newRow("tar ..") << QStringLiteral("ctx.tar")
                                << QStringLiteral("import tarfile,sys,io\nt=tarfile.open(sys.argv[1],'w')\n"
                                                  "for n,d in (('Dockerfile',b'FROM bb\\n'),('../outside',b'x')):\n"
                                                  "    i=tarfile.TarInfo(n); i.size=len(d); t.addfile(i, io.BytesIO(d))\nt.close()")
                                << QByteArray("../outside");
    }

    void archiveContexts()
    {
        QFETCH(QString, name);
        QFETCH(QString, python);
        QFETCH(QByteArray, refusal);
        m_root = m_tmp.filePath(QStringLiteral("store"));
        const QString archive = m_tmp.filePath(name);
        QFile::remove(archive);
        const RunResult made = run(QStringLiteral("python3"), { QStringLiteral("-c"), python, archive });
        QVERIFY2(made.exitCode == 0, made.err.constData());
        const QString before = treeSnapshot(m_tmp.path() + QStringLiteral("/sentinel"));
        const RunResult r = ctl({ QStringLiteral("build"), QStringLiteral("-t"), QStringLiteral("archived:1"), archive });
        QCOMPARE(treeSnapshot(m_tmp.path() + QStringLiteral("/sentinel")), before);
        QVERIFY(!QFileInfo::exists(QStringLiteral("/tmp/evil")));
        if (!refusal.isEmpty()) {
            QVERIFY(r.exitCode != 0);
            QVERIFY2(r.err.contains(refusal), r.err.constData());
            QCOMPARE(QDir(m_root + QStringLiteral("/tmp")).entryList(QDir::NoDotAndDotDot | QDir::AllEntries), QStringList());
            return;
        }
        QVERIFY2(r.exitCode == 0, QByteArray(r.out + r.err).constData());
        QCOMPARE(ctl({ QStringLiteral("run"), QStringLiteral("--rm"), QStringLiteral("archived:1") }).out, QByteArray("from the archive\n"));
    }

    // A Dockerfile as large as an attacker likes is refused quickly, with its size or count.
    void oversizedDockerfilesAreRefused_data()
    {
        QTest::addColumn<QByteArray>("dockerfile");
        QTest::addColumn<QByteArray>("message");
        QByteArray many = "FROM bb\n";
        for (int i = 0; i < 10000; ++i)
            many += "ENV V" + QByteArray::number(i) + "=x\n";
        QTest::newRow("10,000 instructions") << many << QByteArray("10001 instructions");
        QTest::newRow("10 MB instruction") << QByteArray("FROM bb\nRUN echo " + QByteArray(10 * 1024 * 1024, 'a') + "\n") << QByteArray("Dockerfile:2");
        QTest::newRow("17 MB file") << QByteArray("FROM bb\n# " + QByteArray(17 * 1024 * 1024, 'c') + "\n") << QByteArray("Dockerfile");
    }

    void oversizedDockerfilesAreRefused()
    {
        QFETCH(QByteArray, dockerfile);
        QFETCH(QByteArray, message);
        m_root = m_tmp.filePath(QStringLiteral("store"));
        const QString dir = context(QStringLiteral("big"), { { QStringLiteral("Dockerfile"), dockerfile } });
        QElapsedTimer timer;
        timer.start();
        const RunResult r = build(dir, { QStringLiteral("-t"), QStringLiteral("big:1") });
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains(message), r.err.left(300).constData());
        QVERIFY(r.err.size() < 4096); // the error names the cause, it does not echo the input
        qInfo("refused in %lld ms", timer.elapsed());
        QVERIFY(ctl({ QStringLiteral("inspect"), QStringLiteral("big:1") }).exitCode != 0);
    }

    // A loaded image cannot make itself the cached result of a step (CVE-2024-24557): the cache
    // holds only what this store's builder made, keyed on digests the store computed.
    void forgedImageCannotPoisonTheCache()
    {
        m_root = m_tmp.filePath(QStringLiteral("store"));
        const QJsonObject base = config(QStringLiteral("bb"));
        const QString baseId = QString::fromUtf8(ctl({ QStringLiteral("images"), QStringLiteral("-q"), QStringLiteral("bb") }).out.trimmed());
        QVERIFY(!baseId.isEmpty());
        // The forged image: the base plus a layer with a planted file, and a config that claims
        // to be the result of `RUN echo safe > /safe` on the base, parent and all.
        const QByteArray evil = TarBuilder().file("safe", "EVIL\n").build();
        QJsonObject forged = base;
        QJsonObject rootfs = forged.value(QLatin1String("rootfs")).toObject();
        QJsonArray diffs = rootfs.value(QLatin1String("diff_ids")).toArray();
        diffs.append(QString(QStringLiteral("sha256:") + sha256Hex(evil)));
        rootfs.insert(QStringLiteral("diff_ids"), diffs);
        forged.insert(QStringLiteral("rootfs"), rootfs);
        forged.insert(QStringLiteral("parent"), QString(QStringLiteral("sha256:") + baseId));
        QJsonArray history = forged.value(QLatin1String("history")).toArray();
        history.append(QJsonObject { { QStringLiteral("created_by"), QStringLiteral("/bin/sh -c echo safe > /safe") } });
        forged.insert(QStringLiteral("history"), history);
        forged.insert(QStringLiteral("container_config"), QJsonObject { { QStringLiteral("Cmd"), QJsonArray { QStringLiteral("/bin/sh"), QStringLiteral("-c"), QStringLiteral("echo safe > /safe") } } });
        const QString archive = m_tmp.filePath(QStringLiteral("forged.tar"));
        QVERIFY(writeFile(archive, dockerArchive({ busyboxLayer(), evil }, QStringLiteral("forged:latest"))));
        QVERIFY(ctl({ QStringLiteral("load"), QStringLiteral("-i"), archive }).exitCode == 0);
        const QString dir = context(QStringLiteral("poison"), { { QStringLiteral("Dockerfile"), "FROM bb\nRUN echo safe > /safe\n" } });
        const RunResult r = build(dir, { QStringLiteral("-t"), QStringLiteral("clean:1") });
        QVERIFY2(r.exitCode == 0, QByteArray(r.out + r.err).constData());
        const RunResult ran = ctl({ QStringLiteral("run"), QStringLiteral("--rm"), QStringLiteral("clean:1"), QStringLiteral("cat"), QStringLiteral("/safe") });
        QCOMPARE(ran.out, QByteArray("safe\n"));
        QVERIFY(chains(QStringLiteral("clean:1")) != chains(QStringLiteral("forged:latest")));
    }

    // builder prune forgets the cache and its layers that no image uses.
    void builderPrune()
    {
        m_root = m_tmp.filePath(QStringLiteral("store"));
        const QString dir = context(QStringLiteral("prune"), { { QStringLiteral("Dockerfile"), "FROM bb\nRUN echo pruned > /p\n" } });
        QVERIFY(build(dir, { QStringLiteral("-t"), QStringLiteral("prune:1") }).exitCode == 0);
        QVERIFY(ctl({ QStringLiteral("rmi"), QStringLiteral("prune:1") }).exitCode == 0);
        // The layer stays for the cache: the next build hits.
        RunResult r = build(dir, { QStringLiteral("-t"), QStringLiteral("prune:1") });
        QCOMPARE(usingCache(r.out), 1);
        QVERIFY(ctl({ QStringLiteral("rmi"), QStringLiteral("prune:1") }).exitCode == 0);
        // Only the cache keeps that layer now: system df counts it as build cache.
        const QRegularExpression row(QStringLiteral("Build Cache +(\\d+) +0 +(\\S+)"));
        auto df = row.match(QString::fromUtf8(ctl({ QStringLiteral("system"), QStringLiteral("df") }).out));
        QVERIFY(df.hasMatch());
        QVERIFY(df.captured(1).toInt() >= 1);
        QVERIFY2(df.captured(2) != QLatin1String("0B"), qPrintable(df.captured(0)));
        const RunResult pruned = ctl({ QStringLiteral("builder"), QStringLiteral("prune"), QStringLiteral("-f") });
        QVERIFY2(pruned.exitCode == 0 && pruned.out.contains("Deleted"), QByteArray(pruned.out + pruned.err).constData());
        df = row.match(QString::fromUtf8(ctl({ QStringLiteral("system"), QStringLiteral("df") }).out));
        QVERIFY(df.hasMatch());
        QCOMPARE(df.captured(2), QStringLiteral("0B"));
        r = build(dir, { QStringLiteral("-t"), QStringLiteral("prune:1") });
        QCOMPARE(usingCache(r.out), 0);
        checkStore();
    }

    void cancelledBuildLeavesNothing()
    {
        m_root = m_tmp.filePath(QStringLiteral("store"));
        const QString dir = context(QStringLiteral("cancel"), { { QStringLiteral("Dockerfile"), "FROM bb\nRUN sleep 30\n" } });
        QProcess p;
        p.start(QStringLiteral(STRATACTL_PATH), { QStringLiteral("--root"), m_root, QStringLiteral("build"), QStringLiteral("-t"), QStringLiteral("cancel:1"), dir });
        QVERIFY(p.waitForStarted());
        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT((out += p.readAllStandardOutput()).contains("Running in") || p.state() != QProcess::Running, 20000);
        QVERIFY2(p.state() == QProcess::Running, out.constData());
        QTest::qWait(300); // the container's program runs
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitCode(), 130);
        QVERIFY(ctl({ QStringLiteral("inspect"), QStringLiteral("cancel:1") }).exitCode != 0);
        QCOMPARE(ctl({ QStringLiteral("ps"), QStringLiteral("-a"), QStringLiteral("-q") }).out.trimmed(), QByteArray());
        QCOMPARE(QDir(m_root + QStringLiteral("/tmp")).entryList(QDir::NoDotAndDotDot | QDir::AllEntries), QStringList());
        checkStore();
    }
};

QTEST_GUILESS_MAIN(TestBuild)
#include "tst_build.moc"
