// Store operations through the real stratactl: sharing, tags, removal, disk accounting,
// check/repair, save/load round trips and concurrent writers, each on overlay2, vfs and btrfs (a
// btrfs filesystem the suite makes on a loop device).
#include "btrfsloop.h"
#include "tarbuilder.h"
#include "testsupport.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

using namespace strata::test;

class TestStore : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    BtrfsLoop m_btrfs; // unmounted before m_tmp goes
    int m_count = 0;
    QByteArray m_base, m_top;
    QByteArray m_topBlob; // the top layer's blob as the last loadPair() loaded it
    QString m_driver; // of the current row; empty: the default

    // A new data root; with a driver row, a store of that driver (on the btrfs mount for btrfs).
    QString newRoot()
    {
        const QString name = QStringLiteral("store-%1").arg(++m_count);
        if (m_driver.isEmpty())
            return m_tmp.filePath(name);
        const QString root = m_driver == QLatin1String("btrfs") ? m_btrfs.mountPoint() + u'/' + name : m_tmp.filePath(name);
        const RunResult r = stratactl(root, { QStringLiteral("--driver"), m_driver, QStringLiteral("images") });
        if (r.exitCode != 0)
            qWarning("cannot create a %s store at %s: %s", qPrintable(m_driver), qPrintable(root), r.err.constData());
        return root;
    }
    static void drivers()
    {
        QTest::addColumn<QString>("driver");
        for (const char *d : { "overlay2", "vfs", "btrfs" })
            QTest::newRow(d) << QString::fromLatin1(d);
    }
    // Takes the row's driver; false (the test skipped, saying why) when it cannot run here.
    bool setDriver()
    {
        QFETCH(QString, driver);
        m_driver = driver;
        if (driver == QLatin1String("btrfs") && !m_btrfs.isMounted()) {
            QTest::qSkip(qPrintable(m_btrfs.whyNot()), __FILE__, __LINE__);
            return false;
        }
        return true;
    }
    // The directory of an image's top snapshot: overlay2's UpperDir, a full tree's Dir.
    static QString topSnapshot(const QString &root, const QString &ref)
    {
        const QJsonObject data = inspect(root, ref).value(QLatin1String("GraphDriver")).toObject().value(QLatin1String("Data")).toObject();
        return data.contains(QLatin1String("UpperDir")) ? data.value(QLatin1String("UpperDir")).toString() : data.value(QLatin1String("Dir")).toString();
    }
    QString file(const QString &name, const QByteArray &data)
    {
        const QString path = m_tmp.filePath(name);
        writeFile(path, data);
        return path;
    }
    static QStringList lines(const QByteArray &out) { return QString::fromUtf8(out).split(u'\n', Qt::SkipEmptyParts); }
    static QJsonObject inspect(const QString &root, const QString &ref)
    {
        return QJsonDocument::fromJson(stratactl(root, { QStringLiteral("inspect"), ref }).out).array().first().toObject();
    }
    static QStringList entries(const QString &dir) { return QDir(dir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System); }
    // The snapshots folder of the store's driver, whichever it is (store.json says).
    static QString snapshots(const QString &root)
    {
        const QString driver = QJsonDocument::fromJson(readFile(root + QStringLiteral("/store.json"))).object().value(QLatin1String("driver")).toString();
        return root + QStringLiteral("/layers/") + (driver.isEmpty() ? QStringLiteral("unknown-driver") : driver);
    }

    // Two images: base (one layer of 1000 bytes) and app (base + 300 bytes, a deletion).
    // Uncompressed layers are kept as snapshot and tar-split; compressed ones keep their blobs,
    // from which check --repair can extract a damaged snapshot again.
    void loadPair(const QString &root, TarBuilder::Compression compression = TarBuilder::Compression::None)
    {
        // Compressed once: gzip's header holds the time, so two compressions may differ.
        const QByteArray base = TarBuilder::compress(m_base, compression), top = TarBuilder::compress(m_top, compression);
        m_topBlob = top;
        const QString baseDiff = QStringLiteral("sha256:") + sha256Hex(m_base), topDiff = QStringLiteral("sha256:") + sha256Hex(m_top);
        auto r = stratactl(root, { QStringLiteral("load"), QStringLiteral("-i"), file(QStringLiteral("base.tar"), dockerArchive({ base }, QStringLiteral("base:1"), { baseDiff })) });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = stratactl(root, { QStringLiteral("load"), QStringLiteral("-i"), file(QStringLiteral("app.tar"), dockerArchive({ base, top }, QStringLiteral("app:1"), { baseDiff, topDiff })) });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.out, QByteArray("Loaded image: app:1\n"));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_base = TarBuilder().dir("etc").file("etc/base.conf", QByteArray(600, 'b')).file("etc/doomed", QByteArray(400, 'd')).build();
        m_top = TarBuilder().dir("etc").file("etc/.wh.doomed", "").dir("app").file("app/run", QByteArray(300, 'r'), 0755).build();
        QString why;
        if (!m_btrfs.mount(m_tmp.filePath(QStringLiteral("btrfs")), &why))
            qInfo("btrfs rows will skip: %s", qPrintable(why));
    }
    void cleanupTestCase() { m_btrfs.unmount(); }
    void init() { m_driver.clear(); }

    void sharedLayersStoredOnce_data() { drivers(); }

    void sharedLayersStoredOnce()
    {
        if (!setDriver())
            return;
        const QString root = newRoot();
        loadPair(root);
        // Two chains: base, base+top. The base layer exists once although both images use it.
        QCOMPARE(entries(snapshots(root)).size(), 2);
        const QJsonObject app = inspect(root, QStringLiteral("app:1"));
        const QJsonObject base = inspect(root, QStringLiteral("base:1"));
        QCOMPARE(app.value(QLatin1String("RootFS")).toObject().value(QLatin1String("Layers")).toArray().first(),
            base.value(QLatin1String("RootFS")).toObject().value(QLatin1String("Layers")).toArray().first());
        QCOMPARE(app.value(QLatin1String("Size")).toInteger(), qint64(1300));
        QCOMPARE(base.value(QLatin1String("Size")).toInteger(), qint64(1000));
        if (m_driver == QLatin1String("overlay2")) {
            const QString lower = app.value(QLatin1String("GraphDriver")).toObject().value(QLatin1String("Data")).toObject().value(QLatin1String("LowerDir")).toString();
            QVERIFY(QFile::exists(lower + QStringLiteral("/etc/doomed")));
        } else { // full trees: the base's has the file, app's has the deletion applied
            QVERIFY(QFile::exists(topSnapshot(root, QStringLiteral("base:1")) + QStringLiteral("/etc/doomed")));
            QVERIFY(!QFile::exists(topSnapshot(root, QStringLiteral("app:1")) + QStringLiteral("/etc/doomed")));
        }
        QCOMPARE(stratactl(root, { QStringLiteral("check") }).exitCode, 0);
    }

    void diskUsageSharedAndUnique()
    {
        const QString root = newRoot();
        loadPair(root);
        const RunResult r = stratactl(root, { QStringLiteral("system"), QStringLiteral("df"), QStringLiteral("-v") });
        QCOMPARE(r.exitCode, 0);
        const QString out = QString::fromUtf8(r.out);
        // REPOSITORY TAG ID CREATED(2 words+) SIZE SHARED UNIQUE CONTAINERS
        static const QRegularExpression appRow(QStringLiteral(R"(^app\s+1\s+\w{12}\s+.*ago\s+(\S+)\s+(\S+)\s+(\S+)\s+0$)"), QRegularExpression::MultilineOption);
        static const QRegularExpression baseRow(QStringLiteral(R"(^base\s+1\s+\w{12}\s+.*ago\s+(\S+)\s+(\S+)\s+(\S+)\s+0$)"), QRegularExpression::MultilineOption);
        const auto app = appRow.match(out), base = baseRow.match(out);
        QVERIFY2(app.hasMatch() && base.hasMatch(), qPrintable(out));
        QCOMPARE(app.capturedTexts().mid(1), (QStringList { QStringLiteral("1.3kB"), QStringLiteral("1kB"), QStringLiteral("300B") }));
        QCOMPARE(base.capturedTexts().mid(1), (QStringList { QStringLiteral("1kB"), QStringLiteral("1kB"), QStringLiteral("0B") }));
        QVERIFY2(out.contains(QStringLiteral("Total: 1.3kB")), qPrintable(out)); // each layer once, not 2.3kB
        const RunResult summary = stratactl(root, { QStringLiteral("system"), QStringLiteral("df") });
        QVERIFY(QString::fromUtf8(summary.out).contains(QRegularExpression(QStringLiteral(R"(Images\s+2\s+0\s+1.3kB)"))));
    }

    void rmiKeepsSharedLayers_data() { drivers(); }
    void rmiKeepsSharedLayers()
    {
        if (!setDriver())
            return;
        const QString root = newRoot();
        loadPair(root);
        RunResult r = stratactl(root, { QStringLiteral("rmi"), QStringLiteral("app:1") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.startsWith("Untagged: app:1\nDeleted: sha256:"));
        QCOMPARE(entries(snapshots(root)).size(), 1); // base's layer stays
        QCOMPARE(lines(stratactl(root, { QStringLiteral("images"), QStringLiteral("-q") }).out).size(), 1);
        QCOMPARE(stratactl(root, { QStringLiteral("check") }).exitCode, 0);
        r = stratactl(root, { QStringLiteral("rmi"), QStringLiteral("base:1") });
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(entries(snapshots(root)), QStringList());
        QCOMPARE(entries(root + QStringLiteral("/images/blobs/sha256")), QStringList());
        QCOMPARE(stratactl(root, { QStringLiteral("check") }).exitCode, 0);
    }

    // With one image's manifest unreadable for a moment, removing another image must not
    // collect the first one's config and layers: what an unreadable image uses is unknown.
    void rmiRefusesWhileAnImageIsUnreadable_data() { drivers(); }
    void rmiRefusesWhileAnImageIsUnreadable()
    {
        if (!setDriver())
            return;
        const QString root = newRoot();
        loadPair(root);
        const QByteArray other = TarBuilder().dir("opt").file("opt/other", QByteArray(200, 'o')).build();
        QCOMPARE(stratactl(root, { QStringLiteral("load"), QStringLiteral("-i"), file(QStringLiteral("other.tar"), dockerArchive({ other }, QStringLiteral("other:1"))) }).exitCode, 0);
        const QJsonObject base = inspect(root, QStringLiteral("base:1"));
        QVERIFY(!base.isEmpty());
        QString manifestDigest;
        const QJsonArray index = QJsonDocument::fromJson(readFile(root + QStringLiteral("/images/index.json"))).object().value(QLatin1String("manifests")).toArray();
        for (const QJsonValue &m : index) {
            if (m[QLatin1String("annotations")][QLatin1String("org.opencontainers.image.ref.name")].toString() == QLatin1String("base:1"))
                manifestDigest = m[QLatin1String("digest")].toString();
        }
        const QString manifest = root + QStringLiteral("/images/blobs/sha256/") + manifestDigest.mid(7);
        QVERIFY2(QFile::exists(manifest), qPrintable(manifest));
        const QString before = treeSnapshot(root + QStringLiteral("/layers")) + treeSnapshot(root + QStringLiteral("/images/blobs"));
        QVERIFY(QFile::rename(manifest, manifest + QStringLiteral(".away")));
        const RunResult r = stratactl(root, { QStringLiteral("rmi"), QStringLiteral("app:1") });
        QVERIFY(QFile::rename(manifest + QStringLiteral(".away"), manifest));
        QVERIFY2(r.exitCode != 0 && r.err.contains("not removed") && r.err.contains("cannot tell which layers"), r.err.constData());
        QCOMPARE(treeSnapshot(root + QStringLiteral("/layers")) + treeSnapshot(root + QStringLiteral("/images/blobs")), before);
        QCOMPARE(stratactl(root, { QStringLiteral("check") }).exitCode, 0);
        // Readable again, the same rmi goes through and keeps what base:1 shares with app:1.
        QCOMPARE(stratactl(root, { QStringLiteral("rmi"), QStringLiteral("app:1") }).exitCode, 0);
        QCOMPARE(inspect(root, QStringLiteral("base:1")).value(QLatin1String("Id")), base.value(QLatin1String("Id")));
        QCOMPARE(stratactl(root, { QStringLiteral("check") }).exitCode, 0);
    }

    // Trees deeper than the engine walks are refused with an error naming them, never walked
    // until the stack runs out: importing such a directory, and (vfs) copying such a layer.
    void deepTreesRefused()
    {
        const QString deep = m_tmp.filePath(QStringLiteral("deep"));
        QByteArray rel;
        for (int i = 0; i < 1100; ++i)
            rel += i ? "/d" : "d";
        QVERIFY(QDir().mkpath(deep + u'/' + QString::fromLatin1(rel)));
        QString root = newRoot();
        QCOMPARE(stratactl(root, { QStringLiteral("images") }).exitCode, 0);
        RunResult r = stratactl(root, { QStringLiteral("import"), deep, QStringLiteral("deep:1") });
        QVERIFY2(r.exitCode == 1 && r.err.contains("deeper than 1024 directories"), r.err.constData());
        QCOMPARE(stratactl(root, { QStringLiteral("images"), QStringLiteral("-q") }).out, QByteArray());
        QCOMPARE(stratactl(root, { QStringLiteral("check") }).exitCode, 0);

        // On vfs each snapshot starts as a copy of its parent's: a deep base layer under a
        // second one makes the copy meet the bound.
        TarBuilder base;
        for (qsizetype i = 1; i <= rel.size(); ++i) {
            if (i == rel.size() || rel[i] == '/')
                base.dir(rel.left(i));
        }
        root = newRoot();
        QCOMPARE(stratactl(root, { QStringLiteral("--driver"), QStringLiteral("vfs"), QStringLiteral("images") }).exitCode, 0);
        const QString archive = file(QStringLiteral("deep.tar"), dockerArchive({ base.build(), TarBuilder().file("top", "x").build() }, QStringLiteral("deep:2")));
        r = stratactl(root, { QStringLiteral("load"), QStringLiteral("-i"), archive });
        QVERIFY2(r.exitCode == 1 && r.err.contains("deeper than 1024 directories"), r.err.constData());
        QCOMPARE(entries(snapshots(root)), QStringList());
        QCOMPARE(stratactl(root, { QStringLiteral("check") }).exitCode, 0);
        QDir(deep).removeRecursively();
    }

    // A hard link whose target's directory is looked up while the applier's cache of open
    // directories is full lands where the archive says: the cache eviction once closed the
    // link's own directory and the target's lookup reused its descriptor number.
    void hardLinkAcrossCacheEviction_data() { drivers(); }
    void hardLinkAcrossCacheEviction()
    {
        if (!setDriver())
            return;
        TarBuilder tar;
        tar.dir("zz").file("zz/target", "linked\n");
        for (int i = 0; i < 255; ++i) // enough directories to fill the cache (128) twice
            tar.dir("d" + QByteArray::number(i)).file("d" + QByteArray::number(i) + "/f", "x");
        tar.hardlink("d127/x", "zz/target");
        const QString root = newRoot();
        const RunResult r = stratactl(root, { QStringLiteral("load"), QStringLiteral("-i"), file(QStringLiteral("links.tar"), dockerArchive({ tar.build() }, QStringLiteral("links:1"))) });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString diff = snapshots(root) + u'/' + entries(snapshots(root)).value(0) + QStringLiteral("/diff");
        QVERIFY2(!QFileInfo::exists(diff + QStringLiteral("/zz/x")), "the hard link was made in the target's directory");
        struct stat link, target;
        QCOMPARE(stat(QFile::encodeName(diff + QStringLiteral("/d127/x")).constData(), &link), 0);
        QCOMPARE(stat(QFile::encodeName(diff + QStringLiteral("/zz/target")).constData(), &target), 0);
        QCOMPARE(link.st_ino, target.st_ino);
    }

    // A file capability survives extraction, also for a file the layer gives another owner
    // (chown removes security.capability, so it must come after the owner).
    void fileCapabilityKept()
    {
        if (geteuid() != 0)
            QSKIP("only root may set security.capability: run the suite as root");
        // VFS_CAP_REVISION_2 with the effective bit, permitting CAP_NET_BIND_SERVICE (10).
        const QByteArray cap = QByteArray::fromHex("0100000200040000000000000000000000000000");
        const QByteArray layer = TarBuilder().dir("bin").owner(1000, 1000).fileWithXattr("bin/server", "#!/bin/sh\n", "security.capability", cap).build();
        const QString root = newRoot();
        const RunResult r = stratactl(root, { QStringLiteral("load"), QStringLiteral("-i"), file(QStringLiteral("cap.tar"), dockerArchive({ layer }, QStringLiteral("cap:1"))) });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QStringList chains = entries(snapshots(root));
        QCOMPARE(chains.size(), 1);
        const QByteArray path = QFile::encodeName(snapshots(root) + u'/' + chains.first() + QStringLiteral("/diff/bin/server"));
        char value[64];
        const ssize_t n = getxattr(path.constData(), "security.capability", value, sizeof value);
        QVERIFY2(n > 0, "security.capability was dropped");
        QCOMPARE(QByteArray(value, int(n)), cap);
        struct stat st;
        QCOMPARE(stat(path.constData(), &st), 0);
        QCOMPARE(st.st_uid, uid_t(1000));
    }

    // A store that lost its index (and oci-layout) is damaged, not new: opening it must not
    // write an empty index, after which the next collection would delete every layer.
    void lostIndexIsNotReplaced_data() { drivers(); }
    void lostIndexIsNotReplaced()
    {
        if (!setDriver())
            return;
        const QString root = newRoot();
        loadPair(root);
        const QString before = treeSnapshot(root + QStringLiteral("/layers")) + treeSnapshot(root + QStringLiteral("/images/blobs"));
        QVERIFY(QFile::remove(root + QStringLiteral("/images/index.json")));
        QVERIFY(QFile::remove(root + QStringLiteral("/images/oci-layout")));
        QVERIFY(stratactl(root, { QStringLiteral("images") }).exitCode != 0);
        QVERIFY(stratactl(root, { QStringLiteral("rmi"), QStringLiteral("app:1") }).exitCode != 0);
        QVERIFY(!QFile::exists(root + QStringLiteral("/images/index.json")));
        const RunResult check = stratactl(root, { QStringLiteral("check") });
        QVERIFY2(check.exitCode != 0 && check.out.contains("index.json"), check.out.constData());
        QCOMPARE(treeSnapshot(root + QStringLiteral("/layers")) + treeSnapshot(root + QStringLiteral("/images/blobs")), before);
    }

    void tagsMoveAndProtect_data() { drivers(); }
    void tagsMoveAndProtect()
    {
        if (!setDriver())
            return;
        const QString root = newRoot();
        loadPair(root);
        QCOMPARE(stratactl(root, { QStringLiteral("tag"), QStringLiteral("app:1"), QStringLiteral("registry.example:5000/team/app:v2") }).exitCode, 0);
        const QJsonObject app = inspect(root, QStringLiteral("registry.example:5000/team/app:v2"));
        QCOMPARE(app.value(QLatin1String("RepoTags")).toArray().size(), 2);
        const QString id = app.value(QLatin1String("Id")).toString();
        // By ID with two tags: refused without --force, naming both.
        RunResult r = stratactl(root, { QStringLiteral("rmi"), id.mid(7, 12) });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("app:1") && r.err.contains("team/app:v2"), r.err.constData());
        // By tag: only untags.
        r = stratactl(root, { QStringLiteral("rmi"), QStringLiteral("app:1") });
        QCOMPARE(r.out, QByteArray("Untagged: app:1\n"));
        // A tag moves to another image.
        QCOMPARE(stratactl(root, { QStringLiteral("tag"), QStringLiteral("base:1"), QStringLiteral("registry.example:5000/team/app:v2") }).exitCode, 0);
        QCOMPARE(inspect(root, QStringLiteral("registry.example:5000/team/app:v2")).value(QLatin1String("Id")), inspect(root, QStringLiteral("base:1")).value(QLatin1String("Id")));
        // The former image stays, untagged, as with docker.
        QVERIFY(stratactl(root, { QStringLiteral("images") }).out.contains("<none>"));
        QCOMPARE(stratactl(root, { QStringLiteral("check") }).exitCode, 0);
    }

    void badInputNamesTheObject_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("mustName");
        QTest::newRow("load missing file") << QStringList { QStringLiteral("load"), QStringLiteral("-i"), QStringLiteral("/nonexistent/x.tar") } << QStringLiteral("/nonexistent/x.tar");
        QTest::newRow("rmi unknown") << QStringList { QStringLiteral("rmi"), QStringLiteral("nosuch:tag") } << QStringLiteral("nosuch:tag");
        QTest::newRow("tag bad target") << QStringList { QStringLiteral("tag"), QStringLiteral("base:1"), QStringLiteral("Bad Name") } << QStringLiteral("Bad Name");
        QTest::newRow("inspect unknown") << QStringList { QStringLiteral("inspect"), QStringLiteral("ghost") } << QStringLiteral("ghost");
        QTest::newRow("import missing") << QStringList { QStringLiteral("import"), QStringLiteral("/nonexistent/rootfs") } << QStringLiteral("/nonexistent/rootfs");
        QTest::newRow("save unknown") << QStringList { QStringLiteral("save"), QStringLiteral("-o"), QStringLiteral("/tmp/strata-never.tar"), QStringLiteral("ghost") } << QStringLiteral("ghost");
        // A real, small source: refusing the change must not depend on checking it before the source.
        QTest::newRow("import bad change") << QStringList { QStringLiteral("import"), QStringLiteral("-c"), QStringLiteral("RUN rm -rf /"), QStringLiteral(STRATACTL_PATH) } << QStringLiteral("RUN rm -rf /");
    }
    void badInputNamesTheObject()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, mustName);
        const QString root = newRoot();
        QCOMPARE(stratactl(root, { QStringLiteral("images") }).exitCode, 0);
        const RunResult r = stratactl(root, args);
        QVERIFY(r.exitCode != 0);
        QVERIFY2(QString::fromUtf8(r.err).contains(mustName), r.err.constData());
        QVERIFY(!QFile::exists(QStringLiteral("/tmp/strata-never.tar")));
        QCOMPARE(stratactl(root, { QStringLiteral("check") }).exitCode, 0);
    }

    void checkFindsAndRepairs_data() { drivers(); }
    void checkFindsAndRepairs()
    {
        if (!setDriver())
            return;
        const QString root = newRoot();
        loadPair(root, TarBuilder::Compression::Gzip);
        const QJsonObject app = inspect(root, QStringLiteral("app:1"));
        const QJsonObject base = inspect(root, QStringLiteral("base:1"));
        QVERIFY(!app.isEmpty() && !base.isEmpty());
        const QString upper = topSnapshot(root, QStringLiteral("app:1"));
        const QString baseDiff = topSnapshot(root, QStringLiteral("base:1"));
        // 1: a damaged snapshot (a file gone).
        QVERIFY(QFile::remove(upper + QStringLiteral("/app/run")));
        // 2: a snapshot that is missing altogether.
        QVERIFY(QDir(QFileInfo(baseDiff).path()).removeRecursively());
        // 3: a dangling tag (its manifest blob removed).
        QCOMPARE(stratactl(root, { QStringLiteral("tag"), QStringLiteral("base:1"), QStringLiteral("dangling:x") }).exitCode, 0);
        const QByteArray danglingManifest = file(QStringLiteral("dangling.tar"), dockerArchive({ TarBuilder().file("x", "y").build() }, QStringLiteral("dangling:x"))).toUtf8();
        QCOMPARE(stratactl(root, { QStringLiteral("load"), QStringLiteral("-i"), QString::fromUtf8(danglingManifest) }).exitCode, 0);
        const QString danglingDigest = inspect(root, QStringLiteral("dangling:x")).value(QLatin1String("Manifest")).toObject().value(QLatin1String("Digest")).toString();
        QVERIFY(QFile::remove(root + QStringLiteral("/images/blobs/sha256/") + danglingDigest.mid(7)));
        // 4: an orphan snapshot; 5: an unreferenced blob; 6: stray staging of a dead job; 7: a stray file.
        QVERIFY(QDir().mkpath(snapshots(root) + u'/' + sha256Hex("orphan") + QStringLiteral("/diff")));
        QVERIFY(writeFile(root + QStringLiteral("/images/blobs/sha256/") + sha256Hex("loose"), "loose"));
        QVERIFY(QDir().mkpath(root + QStringLiteral("/tmp/job-1-dead/layer-1")));
        QVERIFY(writeFile(root + QStringLiteral("/images/blobs/sha256/notes.txt"), "x"));

        RunResult r = stratactl(root, { QStringLiteral("check") });
        QCOMPARE(r.exitCode, 1);
        const QStringList problems = lines(r.out).filter(QRegularExpression(QStringLiteral("^problem: ")));
        const QStringList expected { QStringLiteral("is damaged"), QStringLiteral("is missing"), QStringLiteral("dangling tag 'dangling:x'"), QStringLiteral("orphan snapshot"),
            QStringLiteral("unreferenced blob sha256:") + sha256Hex("loose"), QStringLiteral("stray staging tmp/job-1-dead"), QStringLiteral("stray file images/blobs/sha256/notes.txt") };
        for (const QString &e : expected)
            QVERIFY2(!problems.filter(e).isEmpty(), qPrintable(QStringLiteral("no problem says '%1':\n%2").arg(e, QString::fromUtf8(r.out))));
        // The dangling tag's image leaves an unreferenced config and layer blob, each reported too.
        QVERIFY2(problems.size() >= expected.size(), r.out.constData());

        r = stratactl(root, { QStringLiteral("check"), QStringLiteral("--repair") });
        QVERIFY2(r.exitCode == 0, r.out.constData());
        r = stratactl(root, { QStringLiteral("check") });
        QVERIFY2(r.exitCode == 0, r.out.constData());
        QCOMPARE(readFile(upper + QStringLiteral("/app/run")), QByteArray(300, 'r'));
        QCOMPARE(readFile(baseDiff + QStringLiteral("/etc/doomed")), QByteArray(400, 'd'));
        QVERIFY(!stratactl(root, { QStringLiteral("images") }).out.contains("dangling"));
    }

    void corruptBlobReported_data() { drivers(); }
    void corruptBlobReported()
    {
        if (!setDriver())
            return;
        const QString root = newRoot();
        loadPair(root, TarBuilder::Compression::Gzip);
        const QString digest = sha256Hex(m_topBlob);
        QFile blob(root + QStringLiteral("/images/blobs/sha256/") + digest);
        QVERIFY(blob.open(QIODevice::ReadWrite));
        blob.seek(blob.size() / 2);
        blob.write("X");
        blob.close();
        const RunResult r = stratactl(root, { QStringLiteral("check") });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.out.contains(QByteArray("blob sha256:" + digest.toUtf8() + " is corrupt")), r.out.constData());
    }

    void fullTreeDrivers_data()
    {
        QTest::addColumn<QString>("driver");
        QTest::newRow("vfs") << QStringLiteral("vfs");
        QTest::newRow("btrfs") << QStringLiteral("btrfs");
    }
    void fullTreeDrivers()
    {
        if (!setDriver())
            return;
        const QString root = newRoot();
        RunResult r = stratactl(root, { QStringLiteral("info") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.contains(QByteArray(QByteArray("Storage driver:  ") + m_driver.toUtf8())));
        loadPair(root);
        const QString top = inspect(root, QStringLiteral("app:1")).value(QLatin1String("GraphDriver")).toObject().value(QLatin1String("Data")).toObject().value(QLatin1String("Dir")).toString();
        QVERIFY(!top.isEmpty());
        QCOMPARE(readFile(top + QStringLiteral("/etc/base.conf")), QByteArray(600, 'b')); // a full copy of the layer below
        QVERIFY(!QFile::exists(top + QStringLiteral("/etc/doomed"))); // the whiteout applied
        QCOMPARE(readFile(top + QStringLiteral("/app/run")), QByteArray(300, 'r'));
        QCOMPARE(QFileInfo(top + QStringLiteral("/app/run")).permissions() & QFile::ExeOwner, QFile::ExeOwner);
        // btrfs: every snapshot is a subvolume (its root is inode 256, on a device of its own).
        struct stat st, parent;
        for (const QString &chain : entries(snapshots(root))) {
            const QString diff = snapshots(root) + u'/' + chain + QStringLiteral("/diff");
            QCOMPARE(lstat(QFile::encodeName(diff).constData(), &st), 0);
            QCOMPARE(lstat(QFile::encodeName(diff + QStringLiteral("/..")).constData(), &parent), 0);
            QCOMPARE(st.st_ino == 256 && st.st_dev != parent.st_dev, m_driver == QLatin1String("btrfs"));
        }
        // The driver is fixed when the store is made.
        r = stratactl(root, { QStringLiteral("--driver"), QStringLiteral("overlay2"), QStringLiteral("images") });
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains(m_driver.toUtf8()));
        QCOMPARE(stratactl(root, { QStringLiteral("check") }).exitCode, 0);
    }

    // Chosen by itself for a new store on btrfs, refused with the reason elsewhere.
    void btrfsWhereItCanBe()
    {
        if (!m_btrfs.isMounted())
            QSKIP(qPrintable(m_btrfs.whyNot()));
        RunResult r = stratactl(m_btrfs.mountPoint() + QStringLiteral("/default"), { QStringLiteral("info") });
        QVERIFY2(r.out.contains("Storage driver:  btrfs"), r.out.constData());
        QVERIFY2(QRegularExpression(QStringLiteral("^btrfs +yes +yes +btrfs subvolumes"), QRegularExpression::MultilineOption).match(QString::fromUtf8(r.out)).hasMatch(), r.out.constData());
        const QString elsewhere = newRoot();
        r = stratactl(elsewhere, { QStringLiteral("--driver"), QStringLiteral("btrfs"), QStringLiteral("images") });
        QVERIFY2(r.exitCode == 1 && r.err.contains("storage driver btrfs is not available here") && r.err.contains("not btrfs"), r.err.constData());
        QVERIFY(!QFile::exists(elsewhere + QStringLiteral("/store.json")) || !readFile(elsewhere + QStringLiteral("/store.json")).contains("btrfs"));
        r = stratactl(newRoot(), { QStringLiteral("info") });
        QVERIFY2(QRegularExpression(QStringLiteral("^btrfs +yes +no +the data root is on \\S+, not btrfs"), QRegularExpression::MultilineOption).match(QString::fromUtf8(r.out)).hasMatch(), r.out.constData());
    }

    // A child's snapshot shares its parent's extents: a 1 MiB file of the base layer has the
    // same physical extents in both snapshots (FIEMAP), flagged shared.
    void btrfsSnapshotsShareExtents()
    {
        m_driver = QStringLiteral("btrfs");
        if (!m_btrfs.isMounted())
            QSKIP(qPrintable(m_btrfs.whyNot()));
        const QString root = newRoot();
        QByteArray big(1024 * 1024, '\0');
        for (int i = 0; i < big.size(); ++i)
            big[i] = char(i * 7 + i / 4096);
        const QByteArray base = TarBuilder().dir("opt").file("opt/big", big).build();
        const QByteArray top = TarBuilder().file("small", "s").build();
        const RunResult r = stratactl(root, { QStringLiteral("load"), QStringLiteral("-i"), file(QStringLiteral("big.tar"), dockerArchive({ base, top }, QStringLiteral("big:1"))) });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QStringList extents;
        for (const QString &chain : entries(snapshots(root))) {
            const RunResult map = run(QStringLiteral("filefrag"), { QStringLiteral("-v"), snapshots(root) + u'/' + chain + QStringLiteral("/diff/opt/big") });
            if (map.exitCode != 0)
                QSKIP("filefrag (e2fsprogs) is missing: cannot read the extents");
            QVERIFY2(map.out.contains("shared"), map.out.constData());
            // "   0:        0..     255:      3360..      3615:    256:             last,shared,eof"
            static const QRegularExpression row(QStringLiteral(R"(^\s*\d+:\s+\d+\.\.\s*\d+:\s+(\d+)\.\.)"), QRegularExpression::MultilineOption);
            QString physical;
            for (auto it = row.globalMatch(QString::fromUtf8(map.out)); it.hasNext();)
                physical += it.next().captured(1) + u' ';
            extents.append(physical);
        }
        QCOMPARE(extents.size(), 2);
        QVERIFY(!extents.first().isEmpty());
        QCOMPARE(extents.first(), extents.last());
    }

    // check and --repair on subvolumes: a layer snapshot that is a plain directory, an orphan
    // snapshot and a dead job's staged snapshot that are subvolumes.
    void btrfsCheckCoversSubvolumes()
    {
        m_driver = QStringLiteral("btrfs");
        if (!m_btrfs.isMounted())
            QSKIP(qPrintable(m_btrfs.whyNot()));
        const QString root = newRoot();
        loadPair(root);
        const QString top = topSnapshot(root, QStringLiteral("app:1"));
        const QString baseTop = topSnapshot(root, QStringLiteral("base:1")); // before tmp/ gets a leftover: opening the store sweeps it
        QCOMPARE(run(QStringLiteral("cp"), { QStringLiteral("-a"), top, top + QStringLiteral(".plain") }).exitCode, 0);
        RunResult r = run(QStringLiteral("btrfs"), { QStringLiteral("subvolume"), QStringLiteral("delete"), top });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(QFile::rename(top + QStringLiteral(".plain"), top));
        const QString orphan = snapshots(root) + u'/' + sha256Hex("orphan");
        QVERIFY(QDir().mkpath(orphan));
        QCOMPARE(run(QStringLiteral("btrfs"), { QStringLiteral("subvolume"), QStringLiteral("create"), orphan + QStringLiteral("/diff") }).exitCode, 0);
        QVERIFY(writeFile(orphan + QStringLiteral("/diff/file"), "x"));
        QVERIFY(QDir().mkpath(root + QStringLiteral("/tmp/job-9-dead/layer-1")));
        r = run(QStringLiteral("btrfs"), { QStringLiteral("subvolume"), QStringLiteral("snapshot"), baseTop, root + QStringLiteral("/tmp/job-9-dead/layer-1/diff") });
        QVERIFY2(r.exitCode == 0, QByteArray(r.out + r.err).constData());

        r = stratactl(root, { QStringLiteral("check") });
        QCOMPARE(r.exitCode, 1);
        for (const char *e : { "is a plain directory, not a btrfs subvolume", "orphan snapshot", "stray staging tmp/job-9-dead" })
            QVERIFY2(r.out.contains(e), qPrintable(QStringLiteral("no problem says '%1':\n%2").arg(QLatin1String(e), QString::fromUtf8(r.out))));
        r = stratactl(root, { QStringLiteral("check"), QStringLiteral("--repair") });
        QVERIFY2(r.exitCode == 0, r.out.constData());
        r = stratactl(root, { QStringLiteral("check") });
        QVERIFY2(r.exitCode == 0, r.out.constData());
        struct stat st;
        QCOMPARE(lstat(QFile::encodeName(topSnapshot(root, QStringLiteral("app:1"))).constData(), &st), 0);
        QCOMPARE(st.st_ino, ino_t(256));
        QCOMPARE(readFile(topSnapshot(root, QStringLiteral("app:1")) + QStringLiteral("/app/run")), QByteArray(300, 'r'));
        // Exactly the two layers' subvolumes are left in this store.
        r = run(QStringLiteral("btrfs"), { QStringLiteral("subvolume"), QStringLiteral("list"), QStringLiteral("-o"), m_btrfs.mountPoint() });
        const QStringList mine = lines(r.out).filter(QFileInfo(root).fileName() + u'/');
        QVERIFY2(mine.size() == 2 && mine.filter(QStringLiteral("/layers/btrfs/")).size() == 2, r.out.constData());
        // rmi deletes them.
        QCOMPARE(stratactl(root, { QStringLiteral("rmi"), QStringLiteral("app:1"), QStringLiteral("base:1") }).exitCode, 0);
        r = run(QStringLiteral("btrfs"), { QStringLiteral("subvolume"), QStringLiteral("list"), QStringLiteral("-o"), m_btrfs.mountPoint() });
        QVERIFY2(lines(r.out).filter(QFileInfo(root).fileName() + u'/').isEmpty(), r.out.constData());
    }

    void infoListsEveryDriver()
    {
        const RunResult r = stratactl(newRoot(), { QStringLiteral("info") });
        QCOMPARE(r.exitCode, 0);
        for (const char *d : { "overlay2", "vfs", "btrfs", "zfs", "devicemapper", "aufs" })
            QVERIFY2(QRegularExpression(QStringLiteral("^%1 +(yes|no) +(yes|no) +\\S").arg(QLatin1String(d)), QRegularExpression::MultilineOption).match(QString::fromUtf8(r.out)).hasMatch(), r.out.constData());
    }

    void saveLoadRoundTrip_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QString>("driver");
        for (const char *d : { "overlay2", "vfs", "btrfs" }) {
            QTest::addRow("docker-archive %s", d) << QStringLiteral("docker-archive") << QString::fromLatin1(d);
            QTest::addRow("oci %s", d) << QStringLiteral("oci") << QString::fromLatin1(d);
        }
    }
    void saveLoadRoundTrip()
    {
        QFETCH(QString, format);
        if (!setDriver())
            return;
        const QString root = newRoot();
        loadPair(root);
        // A gzip layer too, which docker-archive must carry inflated.
        const QByteArray gz = TarBuilder().file("zipped", QByteArray(5000, 'g')).build(TarBuilder::Compression::Gzip);
        const QByteArray plain = TarBuilder().file("zipped", QByteArray(5000, 'g')).build();
        QCOMPARE(stratactl(root, { QStringLiteral("load"), QStringLiteral("-i"), file(QStringLiteral("gz.tar"), dockerArchive({ gz }, QStringLiteral("gz:1"), { QStringLiteral("sha256:") + sha256Hex(plain) })) }).exitCode, 0);
        const QString out = m_tmp.filePath(QStringLiteral("saved-%1-%2.tar").arg(format, m_driver));
        RunResult r = stratactl(root, { QStringLiteral("save"), QStringLiteral("--format"), format, QStringLiteral("-o"), out, QStringLiteral("app:1"), QStringLiteral("gz:1") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString again = newRoot();
        r = stratactl(again, { QStringLiteral("load"), QStringLiteral("-i"), out });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        for (const QString &ref : { QStringLiteral("app:1"), QStringLiteral("gz:1") }) {
            const QJsonObject a = inspect(root, ref), b = inspect(again, ref);
            QCOMPARE(b.value(QLatin1String("Id")), a.value(QLatin1String("Id")));
            QCOMPARE(b.value(QLatin1String("RootFS")), a.value(QLatin1String("RootFS")));
            QCOMPARE(b.value(QLatin1String("Size")), a.value(QLatin1String("Size")));
        }
        QCOMPARE(stratactl(again, { QStringLiteral("check") }).exitCode, 0);
    }

    void importTarAndDirectory_data() { drivers(); }
    void importTarAndDirectory()
    {
        if (!setDriver())
            return;
        const QString root = newRoot();
        const QString dir = m_tmp.filePath(QStringLiteral("rootfs"));
        QVERIFY(writeFile(dir + QStringLiteral("/bin/tool"), "#!/bin/sh\necho tool\n"));
        QVERIFY(writeFile(dir + QStringLiteral("/etc/motd"), "hello\n"));
        RunResult r = stratactl(root, { QStringLiteral("import"), QStringLiteral("-c"), QStringLiteral("CMD [\"/bin/tool\"]"), QStringLiteral("-c"), QStringLiteral("ENV A=b"), dir, QStringLiteral("fromdir") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject a = inspect(root, QStringLiteral("fromdir:latest"));
        QCOMPARE(a.value(QLatin1String("Config")).toObject().value(QLatin1String("Cmd")).toArray(), QJsonArray { QStringLiteral("/bin/tool") });
        QVERIFY(a.value(QLatin1String("Config")).toObject().value(QLatin1String("Env")).toArray().contains(QStringLiteral("A=b")));
        // The same directory gives the same layer (deterministic tar).
        QCOMPARE(stratactl(root, { QStringLiteral("import"), dir, QStringLiteral("again") }).exitCode, 0);
        QCOMPARE(inspect(root, QStringLiteral("again")).value(QLatin1String("RootFS")), a.value(QLatin1String("RootFS")));
        // A tar (here gzip) is kept as the layer blob; its diffID is the digest of the plain tar.
        const QByteArray plain = TarBuilder().file("hello", "world").build();
        r = stratactl(root, { QStringLiteral("import"), file(QStringLiteral("rootfs.tar.gz"), TarBuilder().file("hello", "world").build(TarBuilder::Compression::Gzip)), QStringLiteral("fromtar:1") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(inspect(root, QStringLiteral("fromtar:1")).value(QLatin1String("RootFS")).toObject().value(QLatin1String("Layers")).toArray(),
            QJsonArray { QString(QStringLiteral("sha256:") + sha256Hex(plain)) });
        QCOMPARE(stratactl(root, { QStringLiteral("check") }).exitCode, 0);
    }

    // Several stratactl processes write one store at once; the lock keeps it consistent.
    void concurrentWriters_data() { drivers(); }
    void concurrentWriters()
    {
        if (!setDriver())
            return;
        const QString root = newRoot();
        QCOMPARE(stratactl(root, { QStringLiteral("images") }).exitCode, 0);
        QList<QProcess *> procs;
        for (int i = 0; i < 6; ++i) {
            const QByteArray layer = TarBuilder().file("shared", QByteArray(2000, 's')).build();
            const QByteArray own = TarBuilder().file(QByteArray("own") + QByteArray::number(i), QByteArray(100 + i, 'o')).build();
            const QString path = file(QStringLiteral("c%1.tar").arg(i), dockerArchive({ layer, own }, QStringLiteral("c:%1").arg(i)));
            auto *p = new QProcess(this);
            p->start(QStringLiteral(STRATACTL_PATH), { QStringLiteral("--root"), root, QStringLiteral("load"), QStringLiteral("-i"), path });
            procs.append(p);
        }
        for (QProcess *p : procs) {
            QVERIFY(p->waitForFinished(60000));
            QVERIFY2(p->exitCode() == 0, p->readAllStandardError().constData());
        }
        QCOMPARE(lines(stratactl(root, { QStringLiteral("images"), QStringLiteral("-q") }).out).size(), 6);
        QCOMPARE(entries(snapshots(root)).size(), 7); // the shared base once
        QCOMPARE(stratactl(root, { QStringLiteral("check") }).exitCode, 0);
        qDeleteAll(procs);
    }
};

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
