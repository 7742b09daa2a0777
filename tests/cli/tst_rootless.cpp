// The store as an unprivileged user (created by the test): default root in the user's home,
// owners kept in the blob but not applied, device nodes refused, overlay whiteouts usable.
#include "tarbuilder.h"
#include "testsupport.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>
#include <sys/xattr.h>

using namespace strata::test;

class TestRootless : public QObject {
    Q_OBJECT

    QString m_user;
    QString m_home;
    QString m_share; // a directory the user can read and write
    QString m_binary; // a copy of stratactl the user can reach wherever the build tree lives

    RunResult asUser(const QStringList &args)
    {
        return run(QStringLiteral("runuser"), QStringList { QStringLiteral("-u"), m_user, QStringLiteral("--"), QStringLiteral("env"), QStringLiteral("HOME=") + m_home,
                                                  QStringLiteral("XDG_DATA_HOME="), QStringLiteral("STRATA_ROOT="), m_binary }
                + args);
    }

private slots:
    void initTestCase()
    {
        QString why;
        m_user = unprivilegedUser(&why);
        if (m_user.isEmpty())
            QSKIP(qPrintable(QStringLiteral("rootless tests need an unprivileged user: ") + why));
        m_home = QString::fromUtf8(run(QStringLiteral("sh"), { QStringLiteral("-c"), QStringLiteral("getent passwd %1 | cut -d: -f6").arg(m_user) }).out.trimmed());
        QVERIFY(!m_home.isEmpty());
        m_share = QStringLiteral("/tmp/strata-rootless-%1").arg(QCoreApplication::applicationPid());
        QVERIFY(QDir().mkpath(m_share));
        QVERIFY(run(QStringLiteral("chown"), { m_user, m_share }).exitCode == 0);
        // The build tree may sit below a directory the user cannot enter (CI clones under /root).
        m_binary = m_share + QStringLiteral("/stratactl");
        QVERIFY(QFile::copy(QStringLiteral(STRATACTL_PATH), m_binary));
        QVERIFY2(run(QStringLiteral("runuser"), { QStringLiteral("-u"), m_user, QStringLiteral("--"), m_binary, QStringLiteral("--help") }).exitCode == 0,
            "the unprivileged user cannot run stratactl");
        QVERIFY(run(QStringLiteral("rm"), { QStringLiteral("-rf"), m_home + QStringLiteral("/.local/share/strata") }).exitCode == 0);
    }

    void cleanupTestCase()
    {
        if (!m_share.isEmpty())
            QDir(m_share).removeRecursively();
        if (!m_home.isEmpty())
            run(QStringLiteral("rm"), { QStringLiteral("-rf"), m_home + QStringLiteral("/.local/share/strata") });
    }

    // The window as the same user: strata opens the rootless store in the user's home and shows
    // an image loaded there (--select fails the run when nothing matches).
    void windowOpensTheRootlessStore()
    {
        const QString strata = m_share + QStringLiteral("/strata");
        QFile::remove(strata);
        QVERIFY(QFile::copy(QStringLiteral(STRATA_PATH), strata));
        const QByteArray layer = TarBuilder().dir("etc").file("etc/hello", "rootless\n").build();
        const QString archive = m_share + QStringLiteral("/window.tar");
        QVERIFY(writeFile(archive, dockerArchive({ layer }, QStringLiteral("window:1"))));
        run(QStringLiteral("chmod"), { QStringLiteral("644"), archive });
        QVERIFY(asUser({ QStringLiteral("load"), QStringLiteral("-i"), archive }).exitCode == 0);
        const QString shot = m_share + QStringLiteral("/window.png");
        const RunResult r = run(QStringLiteral("runuser"), { QStringLiteral("-u"), m_user, QStringLiteral("--"), QStringLiteral("env"), QStringLiteral("HOME=") + m_home,
                                                              QStringLiteral("XDG_DATA_HOME="), QStringLiteral("STRATA_ROOT="), QStringLiteral("QT_QPA_PLATFORM=offscreen"),
                                                              QStringLiteral("XDG_RUNTIME_DIR=") + m_share, strata, QStringLiteral("--screenshot"), shot,
                                                              QStringLiteral("--select"), QStringLiteral("window:1") },
            120000);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(QFileInfo(shot).size() > 0);
    }

    void defaultRootInHome()
    {
        const RunResult r = asUser({ QStringLiteral("info") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.out.contains(QByteArray(QByteArray("Data root:       ") + m_home.toUtf8() + "/.local/share/strata")), r.out.constData());
        QVERIFY(r.out.contains("Rootless:        yes"));
    }

    void ownersKeptInBlob()
    {
        const QByteArray layer = TarBuilder().owner(0, 0).dir("etc").file("etc/root-owned", "r").owner(1000, 1001).file("home-file", "u").owner(0, 0).build();
        const QByteArray top = TarBuilder().dir("etc").file("etc/.wh.root-owned", "").dir("opq").file("opq/.wh..wh..opq", "").file("opq/new", "n").build();
        const QString archive = m_share + QStringLiteral("/owners.tar");
        QVERIFY(writeFile(archive, dockerArchive({ layer, top }, QStringLiteral("owners:1"))));
        run(QStringLiteral("chmod"), { QStringLiteral("644"), archive });
        RunResult r = asUser({ QStringLiteral("load"), QStringLiteral("-i"), archive });
        QVERIFY2(r.exitCode == 0, r.err.constData());

        const QJsonObject inspect = QJsonDocument::fromJson(asUser({ QStringLiteral("inspect"), QStringLiteral("owners:1") }).out).array().first().toObject();
        const QJsonObject data = inspect.value(QLatin1String("GraphDriver")).toObject().value(QLatin1String("Data")).toObject();
        QCOMPARE(inspect.value(QLatin1String("GraphDriver")).toObject().value(QLatin1String("Name")).toString(), QStringLiteral("overlay2"));
        const QString lower = data.value(QLatin1String("LowerDir")).toString();
        const QString upper = data.value(QLatin1String("UpperDir")).toString();
        struct stat st;
        QCOMPARE(lstat(QFile::encodeName(lower + QStringLiteral("/home-file")).constData(), &st), 0);
        const uint uid = run(QStringLiteral("id"), { QStringLiteral("-u"), m_user }).out.trimmed().toUInt();
        QCOMPARE(st.st_uid, uid); // not applied: an unprivileged user cannot chown
        // Whiteouts in overlay form, made without privileges; opaque marked in the user namespace.
        QCOMPARE(lstat(QFile::encodeName(upper + QStringLiteral("/etc/root-owned")).constData(), &st), 0);
        QVERIFY(S_ISCHR(st.st_mode) && st.st_rdev == 0);
        char v[4] = {};
        QCOMPARE(getxattr(QFile::encodeName(upper + QStringLiteral("/opq")).constData(), "user.overlay.opaque", v, sizeof v), ssize_t(1));

        // Save gives back the exact layers: the owners live on in the blob.
        const QString saved = m_share + QStringLiteral("/saved.tar");
        r = asUser({ QStringLiteral("save"), QStringLiteral("-o"), saved, QStringLiteral("owners:1") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString extracted = m_share + QStringLiteral("/extracted");
        QDir().mkpath(extracted);
        QCOMPARE(run(QStringLiteral("tar"), { QStringLiteral("-C"), extracted, QStringLiteral("-xf"), saved }).exitCode, 0);
        QCOMPARE(readFile(extracted + u'/' + sha256Hex(layer) + QStringLiteral("/layer.tar")), layer);
        QCOMPARE(readFile(extracted + u'/' + sha256Hex(top) + QStringLiteral("/layer.tar")), top);
        r = asUser({ QStringLiteral("check") });
        QVERIFY2(r.exitCode == 0, r.out.constData());
    }

    // What a rootless container's root writes is the user's on the host; a RUN's layer and a
    // commit's say root (0:0), as the image will be run by others.
    void buildAndCommitWriteRootsFilesAsRoot()
    {
        const QString ctx = m_share + QStringLiteral("/buildctx");
        QVERIFY(QDir().mkpath(ctx + QStringLiteral("/rootfs/bin")));
        QVERIFY(QFile::copy(QStringLiteral("/bin/busybox"), ctx + QStringLiteral("/rootfs/bin/busybox")));
        for (const char *a : { "sh", "mkdir", "echo" })
            QVERIFY(QFile::link(QStringLiteral("busybox"), ctx + QStringLiteral("/rootfs/bin/") + QLatin1String(a)));
        QVERIFY(writeFile(ctx + QStringLiteral("/Dockerfile"), "FROM scratch\nCOPY rootfs/ /\nRUN echo made > /made && mkdir /dir\n"));
        QCOMPARE(run(QStringLiteral("chmod"), { QStringLiteral("-R"), QStringLiteral("a+rX"), ctx }).exitCode, 0);
        RunResult r = asUser({ QStringLiteral("build"), QStringLiteral("-t"), QStringLiteral("rootless-built:1"), ctx });
        QVERIFY2(r.exitCode == 0, QByteArray(r.out + r.err).constData());
        r = asUser({ QStringLiteral("run"), QStringLiteral("--name"), QStringLiteral("committed"), QStringLiteral("rootless-built:1"), QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("echo c > /c") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = asUser({ QStringLiteral("commit"), QStringLiteral("committed"), QStringLiteral("rootless-committed:1") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString saved = m_share + QStringLiteral("/built.tar");
        r = asUser({ QStringLiteral("save"), QStringLiteral("-o"), saved, QStringLiteral("rootless-committed:1") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString out = m_share + QStringLiteral("/built");
        QDir().mkpath(out);
        QCOMPARE(run(QStringLiteral("tar"), { QStringLiteral("-C"), out, QStringLiteral("-xf"), saved }).exitCode, 0);
        const QJsonArray layers = QJsonDocument::fromJson(readFile(out + QStringLiteral("/manifest.json"))).array().first().toObject().value(QLatin1String("Layers")).toArray();
        QCOMPARE(layers.size(), 3); // COPY, RUN, the commit
        for (int i : { 1, 2 }) {
            const RunResult listing = run(QStringLiteral("tar"), { QStringLiteral("--numeric-owner"), QStringLiteral("-tvf"), out + u'/' + layers[i].toString() });
            QVERIFY2(!listing.out.isEmpty(), listing.err.constData());
            for (const QByteArray &line : listing.out.trimmed().split('\n'))
                QVERIFY2(line.split(' ').value(1) == "0/0", line.constData());
        }
        QVERIFY(asUser({ QStringLiteral("rm"), QStringLiteral("committed") }).exitCode == 0);
    }

    void deviceNodesRefused()
    {
        const QString archive = m_share + QStringLiteral("/dev.tar");
        QVERIFY(writeFile(archive, dockerArchive({ TarBuilder().dir("dev").device("dev/sda", true, 8, 0).build() }, QStringLiteral("dev:1"))));
        run(QStringLiteral("chmod"), { QStringLiteral("644"), archive });
        const RunResult r = asUser({ QStringLiteral("load"), QStringLiteral("-i"), archive });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("'dev/sda'") && r.err.contains("rootless"), r.err.constData());
        QVERIFY(!asUser({ QStringLiteral("images") }).out.contains("dev"));
        QCOMPARE(asUser({ QStringLiteral("check") }).exitCode, 0);
        // As root the same archive loads: device nodes are only refused rootless.
        QTemporaryDir rootStore;
        QCOMPARE(stratactl(rootStore.path(), { QStringLiteral("load"), QStringLiteral("-i"), archive }).exitCode, 0);
    }
};

QTEST_GUILESS_MAIN(TestRootless)
#include "tst_rootless.moc"
