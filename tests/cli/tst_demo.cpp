// packaging/demo-images.sh end to end, offline (its .debs rebuilt from the host's installed
// packages, so Debian's archive is never needed): the lesson's images built by Strata's own
// builder, the two applications sharing exactly their first three layers, the cache hits in the
// second one's build log, the shared size in `system df -v`, a rerun that adds nothing, the page
// the first application serves, and the same script as an unprivileged user from the installed
// layout.
#include "store.h"
#include "storeactions.h"
#include "testsupport.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <unistd.h>

using namespace strata;
using namespace strata::test;

namespace {

// "46.8MB" -> 46800000: the units stratactl prints, as Docker's (powers of 1000).
double bytes(const QString &human)
{
    static const QRegularExpression re(QStringLiteral("^([0-9.]+)(B|kB|MB|GB)$"));
    const auto m = re.match(human);
    if (!m.hasMatch())
        return -1;
    const QString unit = m.captured(2);
    const double scale = unit == u"B"_qs ? 1 : unit == u"kB"_qs ? 1e3 : unit == u"MB"_qs ? 1e6 : 1e9;
    return m.captured(1).toDouble() * scale;
}

bool near(double a, double b)
{
    return a > 0 && b > 0 && qAbs(a - b) <= 0.01 * qMax(a, b) + 1;
}

struct Layer {
    QString chainId;
    double size = -1;
    QString createdBy;
};

} // namespace

class TestDemo : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_root;
    QString m_cache;
    RunResult m_first;

    RunResult ctl(const QStringList &args) { return stratactl(m_root, args); }

    RunResult demoImages(const QString &root)
    {
        return run(QStringLiteral("bash"), { QStringLiteral(STRATA_SOURCE_DIR "/packaging/demo-images.sh"), QStringLiteral(STRATACTL_PATH), QStringLiteral("--root"), root }, 900000,
            { { QStringLiteral("STRATA_DEMO_OFFLINE"), QStringLiteral("1") }, { QStringLiteral("STRATA_DEMO_CACHE"), m_cache } });
    }

    // The layers of IMAGE, base first, from `layer ls --no-trunc IMAGE`.
    QList<Layer> layers(const QString &image)
    {
        const RunResult r = ctl({ QStringLiteral("layer"), QStringLiteral("ls"), QStringLiteral("--no-trunc"), image });
        QList<Layer> out;
        const QList<QByteArray> lines = r.out.split('\n');
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QStringList f = QString::fromUtf8(lines[i]).split(u' ', Qt::SkipEmptyParts);
            if (f.size() < 5)
                continue;
            out.append({ f[0], bytes(f[2]), f.mid(4).join(u' ') });
        }
        return out;
    }

    QStringList chains(const QString &image)
    {
        QStringList out;
        for (const Layer &l : layers(image))
            out.append(l.chainId);
        return out;
    }

    // `system df -v`'s row of REPOSITORY TAG: SIZE, SHARED SIZE, UNIQUE SIZE in bytes.
    QList<double> dfRow(const QByteArray &df, const QString &repository, const QString &tag)
    {
        for (const QByteArray &line : df.split('\n')) {
            const QStringList f = QString::fromUtf8(line).split(u' ', Qt::SkipEmptyParts);
            if (f.size() >= 7 && f[0] == repository && f[1] == tag)
                return { bytes(f[f.size() - 4]), bytes(f[f.size() - 3]), bytes(f[f.size() - 2]) };
        }
        return {};
    }

    // The part of a build log that built TAG: from the end of the build before it.
    static QByteArray buildOf(const QByteArray &log, const QByteArray &tag)
    {
        const qsizetype end = log.indexOf(QByteArray("Successfully tagged " + tag + '\n'));
        if (end < 0)
            return {};
        const qsizetype start = log.lastIndexOf("Successfully tagged ", end - 1);
        return log.mid(start < 0 ? 0 : start, end - (start < 0 ? 0 : start));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        if (geteuid() != 0)
            QSKIP("the builds' RUN steps need containers: run the suite as root (the rootless case below runs as another user from root)");
        for (const char *tool : { "/bin/busybox", "/usr/bin/python3", "/usr/bin/dpkg-deb" }) {
            if (!QFileInfo::exists(QLatin1String(tool)))
                QSKIP(qPrintable(QStringLiteral("%1 is missing: packaging/bootstrap-deps.sh installs what the demo needs").arg(QLatin1String(tool))));
        }
        m_root = m_tmp.filePath(QStringLiteral("store"));
        m_cache = m_tmp.filePath(QStringLiteral("demo-debs"));
        m_first = demoImages(m_root);
        QVERIFY2(m_first.exitCode == 0, QByteArray(m_first.out.right(4000) + m_first.err).constData());
    }

    void saysItIsOffline()
    {
        QVERIFY2(m_first.err.contains("OFFLINE"), m_first.err.constData());
        const bool hostFlask = run(QStringLiteral("dpkg-query"), { QStringLiteral("-W"), QStringLiteral("-f"), QStringLiteral("${db:Status-Abbrev}"), QStringLiteral("python3-flask") }).out.startsWith("ii");
        // Without Flask on the host the stand-in is used, and said so.
        QCOMPARE(m_first.err.contains("STAND-IN"), !hostFlask);
        QVERIFY(!QDir(m_cache + QStringLiteral("/offline")).entryList({ QStringLiteral("libc6_*.deb") }).isEmpty());
        QVERIFY(!QDir(m_cache + QStringLiteral("/offline")).entryList({ QStringLiteral("python3.11-minimal_*.deb") }).isEmpty());
    }

    // The two applications: base, packages, dependencies shared (same chain IDs), the source
    // layer their own; the notes site shares only the base; every image starts on demo:base.
    void theApplicationsShareExactlyTheirFirstThreeLayers()
    {
        const QStringList base = chains(QStringLiteral("demo:base"));
        const QStringList web = chains(QStringLiteral("demo:web"));
        const QStringList api = chains(QStringLiteral("demo:api"));
        const QStringList notes = chains(QStringLiteral("demo:notes"));
        const QStringList layersImage = chains(QStringLiteral("demo:layers"));
        QCOMPARE(base.size(), 1);
        QCOMPARE(web.size(), 4);
        QCOMPARE(api.size(), 4);
        QCOMPARE(web.mid(0, 3), api.mid(0, 3));
        QVERIFY(web[3] != api[3]);
        QCOMPARE(notes.size(), 2);
        QCOMPARE(notes[0], base[0]);
        QVERIFY(notes[1] != web[1]);
        QCOMPARE(layersImage.size(), 3);
        QCOMPARE(layersImage[0], base[0]);
        QCOMPARE(web[0], base[0]);
        // Each shared layer is one layer of the store, used by both.
        const RunResult all = ctl({ QStringLiteral("layer"), QStringLiteral("ls"), QStringLiteral("--no-trunc") });
        for (int i = 1; i < 3; ++i) {
            const qsizetype at = all.out.indexOf(web[i].toUtf8());
            QVERIFY(at >= 0);
            const QStringList f = QString::fromUtf8(all.out.mid(at, all.out.indexOf('\n', at) - at)).split(u' ', Qt::SkipEmptyParts);
            QCOMPARE(f.value(3), u"2"_qs);
        }
    }

    // The sizes teach: the packages layer is clearly the largest, the dependencies smaller, the
    // source tiny; the entrypoint made no layer.
    void theLayerSizesAreInstructive()
    {
        const QList<Layer> web = layers(QStringLiteral("demo:web"));
        QCOMPARE(web.size(), 4);
        const double base = web[0].size, packages = web[1].size, dependencies = web[2].size, source = web[3].size;
        QVERIFY2(base > 5e6, qPrintable(QString::number(base))); // libc6 and busybox: real files
        QVERIFY2(packages > 2 * base, qPrintable(QStringLiteral("packages %1, base %2").arg(packages).arg(base)));
        QVERIFY2(packages > 20e6, qPrintable(QString::number(packages))); // a real Python
        QVERIFY2(dependencies < packages / 4, qPrintable(QStringLiteral("dependencies %1").arg(dependencies)));
        QVERIFY2(dependencies > source, qPrintable(QStringLiteral("dependencies %1, source %2").arg(dependencies).arg(source)));
        QVERIFY2(source > 0 && source < 10e3, qPrintable(QString::number(source)));
        QVERIFY(web[1].createdBy.contains(u"install-debs /debs/packages/"_qs));
        QVERIFY(web[2].createdBy.contains(u"install-debs /debs/dependencies/"_qs));
        QVERIFY(web[3].createdBy.contains(u"COPY file:"_qs));
        const RunResult history = ctl({ QStringLiteral("history"), QStringLiteral("--no-trunc"), QStringLiteral("demo:web") });
        QVERIFY2(QRegularExpression(QStringLiteral("ENTRYPOINT \\[\"python3\" \"/app/app.py\"\\]\\s+0B")).match(QString::fromUtf8(history.out)).hasMatch(), history.out.constData());
    }

    // demo:api was built after demo:web: its ENV and both RUNs came from the cache, its COPY
    // and everything after it did not.
    void theSecondBuildHitsTheCache()
    {
        const QByteArray api = buildOf(m_first.out, "demo:api");
        QVERIFY2(!api.isEmpty(), m_first.out.right(3000).constData());
        QCOMPARE(int(api.count(" ---> Using cache")), 3);
        const QStringList steps = QString::fromUtf8(api).split(QStringLiteral("Step "), Qt::SkipEmptyParts);
        QStringList cached;
        for (const QString &s : steps) {
            if (s.contains(u" ---> Using cache"_qs))
                cached.append(s.section(u'\n', 0, 0).section(u':', 1).trimmed().section(u' ', 0, 0));
        }
        QCOMPARE(cached, (QStringList { u"ENV"_qs, u"RUN"_qs, u"RUN"_qs }));
        QVERIFY(!api.contains("COPY api.py /app/\n ---> Using cache"));
        // demo:web, built first, ran both RUNs in containers.
        const QByteArray web = buildOf(m_first.out, "demo:web");
        QCOMPARE(int(web.count(" ---> Running in ")), 2);
        QCOMPARE(int(web.count(" ---> Using cache")), 0);
    }

    // system df -v: each application's SIZE is the shared three layers plus its own source.
    void diskUsageShowsTheSharing()
    {
        const QList<Layer> web = layers(QStringLiteral("demo:web"));
        QCOMPARE(web.size(), 4);
        const RunResult df = ctl({ QStringLiteral("system"), QStringLiteral("df"), QStringLiteral("-v") });
        QCOMPARE(df.exitCode, 0);
        const QList<double> w = dfRow(df.out, QStringLiteral("demo"), QStringLiteral("web"));
        const QList<double> a = dfRow(df.out, QStringLiteral("demo"), QStringLiteral("api"));
        QVERIFY2(w.size() == 3 && a.size() == 3, df.out.constData());
        const double sharedThree = web[0].size + web[1].size + web[2].size;
        QVERIFY2(near(w[1], sharedThree), qPrintable(QStringLiteral("SHARED %1, the three layers %2\n").arg(w[1]).arg(sharedThree) + QString::fromUtf8(df.out)));
        QVERIFY(near(a[1], sharedThree));
        QVERIFY2(near(w[2], web[3].size), df.out.constData()); // UNIQUE: the source only
        QVERIFY(a[2] > 0 && a[2] < 10e3);
        QVERIFY(near(w[0], w[1] + w[2]));
        // The total counts each layer once: well below the sum of the images' sizes.
        const QRegularExpression total(QStringLiteral("Total: ([0-9.]+[kMG]?B)"));
        const auto m = total.match(QString::fromUtf8(df.out));
        QVERIFY2(m.hasMatch(), df.out.constData());
        QVERIFY(bytes(m.captured(1)) < w[0] + a[0] - sharedThree * 0.9);
    }

    // A rerun builds nothing: every step a cache hit, the same images, no new layer.
    void aRerunAddsNothing()
    {
        const QByteArray images = ctl({ QStringLiteral("images"), QStringLiteral("-q"), QStringLiteral("--no-trunc") }).out;
        const QByteArray layerList = ctl({ QStringLiteral("layer"), QStringLiteral("ls"), QStringLiteral("--no-trunc") }).out;
        const RunResult again = demoImages(m_root);
        QVERIFY2(again.exitCode == 0, QByteArray(again.out.right(3000) + again.err).constData());
        QCOMPARE(int(again.out.count(" ---> Running in ")), 0);
        const int steps = int(again.out.count("\nStep ") + (again.out.startsWith("Step ") ? 1 : 0));
        const int froms = int(QString::fromUtf8(again.out).count(QRegularExpression(QStringLiteral("Step \\d+/\\d+ : FROM "))));
        QCOMPARE(froms, 5);
        QCOMPARE(int(again.out.count(" ---> Using cache")), steps - froms);
        QCOMPARE(ctl({ QStringLiteral("images"), QStringLiteral("-q"), QStringLiteral("--no-trunc") }).out, images);
        QCOMPARE(ctl({ QStringLiteral("layer"), QStringLiteral("ls"), QStringLiteral("--no-trunc") }).out, layerList);
        const RunResult check = ctl({ QStringLiteral("check") });
        QVERIFY2(check.exitCode == 0 && check.out.contains("no problems found"), QByteArray(check.out + check.err).constData());
    }

    // The window's Image ▸ Create Demo Images runs the same script on its store, with the
    // monitor program as stratactl: here a rerun, which must succeed and change nothing.
    void theWindowsActionRunsIt()
    {
        qputenv("STRATA_MONITOR_PROGRAM", STRATACTL_PATH);
        qputenv("STRATA_DEMO_OFFLINE", "1");
        qputenv("STRATA_DEMO_CACHE", QFile::encodeName(m_cache));
        const auto restore = qScopeGuard([] {
            for (const char *v : { "STRATA_MONITOR_PROGRAM", "STRATA_DEMO_OFFLINE", "STRATA_DEMO_CACHE" })
                qunsetenv(v);
        });
        const QByteArray images = ctl({ QStringLiteral("images"), QStringLiteral("-q"), QStringLiteral("--no-trunc") }).out;
        auto store = Store::open({ m_root });
        QVERIFY2(store, qPrintable(store.error()));
        const auto result = actions::createDemoImages(QStringLiteral(STRATA_SOURCE_DIR "/packaging/demo-images.sh"))(*store.value(), Progress());
        QVERIFY2(result, qPrintable(result.error()));
        QCOMPARE(ctl({ QStringLiteral("images"), QStringLiteral("-q"), QStringLiteral("--no-trunc") }).out, images);
    }

    // The first application really serves its page (host network, a port of the test's own).
    void theWebApplicationServesItsPage()
    {
        const QString port = QString::number(20000 + QCoreApplication::applicationPid() % 20000);
        const QString name = QStringLiteral("demo-web-") + port;
        const RunResult started = ctl({ QStringLiteral("run"), QStringLiteral("-d"), QStringLiteral("--network"), QStringLiteral("host"), QStringLiteral("--name"), name,
            QStringLiteral("demo:web"), QStringLiteral("--host"), QStringLiteral("127.0.0.1"), QStringLiteral("--port"), port });
        QVERIFY2(started.exitCode == 0, started.err.constData());
        const auto removeContainer = qScopeGuard([&] { ctl({ QStringLiteral("rm"), QStringLiteral("-f"), name }); });
        RunResult page;
        for (int i = 0; i < 100 && !page.out.contains("</html>"); ++i) {
            QThread::msleep(200);
            page = run(QStringLiteral("/bin/busybox"), { QStringLiteral("wget"), QStringLiteral("-q"), QStringLiteral("-O"), QStringLiteral("-"), QStringLiteral("http://127.0.0.1:") + port + u'/' }, 10000);
        }
        QVERIFY2(page.out.contains("Hello from a layered image"), QByteArray(page.out + page.err + ctl({ QStringLiteral("logs"), name }).out).constData());
        QVERIFY2(page.out.contains("on Python 3."), page.out.constData());
        // Byte-compiled when installed: running writes nothing into the writable layer.
        const RunResult diff = ctl({ QStringLiteral("diff"), name });
        QCOMPARE(diff.exitCode, 0);
        QVERIFY2(diff.out.trimmed().isEmpty(), diff.out.constData());
    }

    // As an unprivileged user (a rootless store in its home), from the installed layout
    // (share/strata/demo-images.sh next to share/strata/demo), with the default cache folder.
    void rootlessFromTheInstalledLayout()
    {
        QString why;
        const QString user = unprivilegedUser(&why);
        if (user.isEmpty())
            QSKIP(qPrintable(QStringLiteral("needs an unprivileged user: ") + why));
        const QString home = QString::fromUtf8(run(QStringLiteral("sh"), { QStringLiteral("-c"), QStringLiteral("getent passwd %1 | cut -d: -f6").arg(user) }).out.trimmed());
        QVERIFY(!home.isEmpty());
        // Below /tmp: the build tree may sit in a directory the user cannot enter.
        const QString share = QStringLiteral("/tmp/strata-demo-%1").arg(QCoreApplication::applicationPid());
        const auto cleanup = qScopeGuard([&] { QDir(share).removeRecursively(); });
        QVERIFY(QDir().mkpath(share + QStringLiteral("/bin")));
        QVERIFY(QDir().mkpath(share + QStringLiteral("/share/strata")));
        QVERIFY(QFile::copy(QStringLiteral(STRATACTL_PATH), share + QStringLiteral("/bin/stratactl")));
        QVERIFY(QFile::copy(QStringLiteral(STRATA_SOURCE_DIR "/packaging/demo-images.sh"), share + QStringLiteral("/share/strata/demo-images.sh")));
        QCOMPARE(run(QStringLiteral("cp"), { QStringLiteral("-R"), QStringLiteral(STRATA_SOURCE_DIR "/resources/demo"), share + QStringLiteral("/share/strata/demo") }).exitCode, 0);
        QCOMPARE(run(QStringLiteral("chown"), { QStringLiteral("-R"), user, share }).exitCode, 0);
        const QString root = share + QStringLiteral("/store");
        const QStringList env { QStringLiteral("HOME=") + home, QStringLiteral("XDG_CACHE_HOME=") + share + QStringLiteral("/cache"), QStringLiteral("STRATA_DEMO_OFFLINE=1"),
            QStringLiteral("STRATA_DEMO_CACHE="), QStringLiteral("STRATA_DEMO_DIR="), QStringLiteral("XDG_DATA_HOME="), QStringLiteral("STRATA_ROOT="),
            QStringLiteral("STRATA_MONITOR_PROGRAM=") };
        const RunResult r = run(QStringLiteral("runuser"), QStringList { QStringLiteral("-u"), user, QStringLiteral("--"), QStringLiteral("env") } + env
                + QStringList { QStringLiteral("bash"), share + QStringLiteral("/share/strata/demo-images.sh"), share + QStringLiteral("/bin/stratactl"), QStringLiteral("--root"), root },
            900000);
        QVERIFY2(r.exitCode == 0, QByteArray(r.out.right(4000) + r.err).constData());
        QVERIFY(!QDir(share + QStringLiteral("/cache/strata/demo-debs/offline")).entryList({ QStringLiteral("libc6_*.deb") }).isEmpty());
        const RunResult images = run(QStringLiteral("runuser"), { QStringLiteral("-u"), user, QStringLiteral("--"), share + QStringLiteral("/bin/stratactl"), QStringLiteral("--root"), root, QStringLiteral("images") });
        for (const char *tag : { "base", "web", "api", "notes", "layers" })
            QVERIFY2(QRegularExpression(QStringLiteral("^demo +%1 ").arg(QLatin1String(tag)), QRegularExpression::MultilineOption).match(QString::fromUtf8(images.out)).hasMatch(), images.out.constData());
        QCOMPARE(int(buildOf(r.out, "demo:api").count(" ---> Using cache")), 3);
    }
};

QTEST_GUILESS_MAIN(TestDemo)
#include "tst_demo.moc"
