// What is inside the layers, in-process and through stratactl: each layer's changes with their
// kinds and sizes, the aggregated tree, dive's efficiency and wasted space, a path's X-ray,
// and the store snapshot the window shows. Both drivers: overlay2 keeps a layer's own changes,
// vfs full trees that are compared with the layer below.
#include "tarbuilder.h"
#include "testsupport.h"

#include "imageloader.h"
#include "imagestore.h"
#include "layercontents.h"
#include "store.h"
#include "storeopen.h"
#include "storesnapshot.h"

#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace strata;
using namespace strata::test;

class TestLayerContents : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    int m_count = 0;

    // Three layers: a base with a config and a log; a layer rewriting the config (bigger) and
    // adding a cache; a layer deleting the cache directory and the log.
    std::unique_ptr<Store> storeWithLayers(const QString &driver)
    {
        const QString root = m_tmp.filePath(QStringLiteral("store-%1").arg(++m_count));
        const QByteArray l0 = TarBuilder().dir("etc").file("etc/app.conf", QByteArray(100, 'a')).dir("var").file("var/log", QByteArray(50, 'l')).build();
        const QByteArray l1 = TarBuilder()
                                  .dir("etc")
                                  .file("etc/app.conf", QByteArray(300, 'b'))
                                  .dir("var")
                                  .dir("var/cache")
                                  .file("var/cache/one", QByteArray(1000, '1'))
                                  .file("var/cache/two", QByteArray(2000, '2'))
                                  .build();
        const QByteArray l2 = TarBuilder().dir("var").file("var/.wh.cache", "").file("var/.wh.log", "").build();
        const QString archive = m_tmp.filePath(QStringLiteral("layers-%1.tar").arg(m_count));
        writeFile(archive, dockerArchive({ l0, l1, l2 }, QStringLiteral("lc:1")));
        Store::Options o;
        o.root = root;
        o.driver = driver;
        auto store = openStore(o);
        if (!store) {
            qWarning("%s", qPrintable(store.error()));
            return {};
        }
        auto loaded = ImageLoader(*store.value()).load(archive);
        if (!loaded) {
            qWarning("%s", qPrintable(loaded.error()));
            return {};
        }
        return std::move(store).value();
    }

    static const Change *find(const QList<Change> &changes, const QByteArray &path)
    {
        for (const Change &c : changes) {
            if (c.path == path)
                return &c;
        }
        return nullptr;
    }

private slots:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    void layerChanges_data()
    {
        QTest::addColumn<QString>("driver");
        QTest::newRow("overlay2") << QStringLiteral("overlay2");
        QTest::newRow("vfs") << QStringLiteral("vfs");
    }
    void layerChanges()
    {
        QFETCH(QString, driver);
        auto store = storeWithLayers(driver);
        QVERIFY(store);
        QCOMPARE(store->driver().name(), driver);
        auto image = ImageStore(*store).resolve(QStringLiteral("lc:1"));
        QVERIFY2(image, qPrintable(image ? QString() : image.error()));
        LayerContents contents(*store);

        auto base = contents.changes(image.value(), 0);
        QVERIFY2(base, qPrintable(base ? QString() : base.error()));
        QVERIFY(find(base.value(), "/etc/app.conf"));
        QCOMPARE(find(base.value(), "/etc/app.conf")->kind, Change::Kind::Added);
        QCOMPARE(find(base.value(), "/etc/app.conf")->size, qint64(100));

        auto middle = contents.changes(image.value(), 1);
        QVERIFY(middle);
        const Change *conf = find(middle.value(), "/etc/app.conf");
        QVERIFY(conf);
        QCOMPARE(conf->kind, Change::Kind::Changed);
        QCOMPARE(conf->size, qint64(300));
        QVERIFY(S_ISREG(mode_t(conf->mode)));
        QCOMPARE(find(middle.value(), "/var/cache/two")->kind, Change::Kind::Added);
        QCOMPARE(find(middle.value(), "/var/cache/two")->size, qint64(2000));
        QVERIFY(!find(middle.value(), "/var/log")); // untouched by this layer

        auto top = contents.changes(image.value(), 2);
        QVERIFY(top);
        const Change *cache = find(top.value(), "/var/cache");
        QVERIFY(cache);
        QCOMPARE(cache->kind, Change::Kind::Deleted);
        QVERIFY(S_ISDIR(mode_t(cache->mode)));
        QCOMPARE(find(top.value(), "/var/log")->kind, Change::Kind::Deleted);
        QCOMPARE(find(top.value(), "/var/log")->size, qint64(50));
        QVERIFY(!find(top.value(), "/etc/app.conf"));

        QVERIFY(!contents.changes(image.value(), 3));
        QCOMPARE(contents.changes(image.value(), 3).code(), ErrorCode::NotFound);
    }

    void aggregatedTree_data() { layerChanges_data(); }
    void aggregatedTree()
    {
        QFETCH(QString, driver);
        auto store = storeWithLayers(driver);
        QVERIFY(store);
        auto image = ImageStore(*store).resolve(QStringLiteral("lc:1"));
        QVERIFY(image);
        LayerContents contents(*store);
        auto upToMiddle = contents.mergedTree(image.value(), 1);
        QVERIFY(upToMiddle);
        QStringList paths;
        for (const TreeEntry &e : std::as_const(upToMiddle.value()))
            paths.append(QString::fromUtf8(e.path));
        // Depth first, a directory's entries right after it.
        QCOMPARE(paths, QStringList({ u"/etc"_qs, u"/etc/app.conf"_qs, u"/var"_qs, u"/var/cache"_qs, u"/var/cache/one"_qs, u"/var/cache/two"_qs, u"/var/log"_qs }));
        const TreeEntry &conf = upToMiddle->at(1);
        QCOMPARE(conf.size, qint64(300));
        if (driver == QLatin1String("overlay2")) {
            QCOMPARE(conf.layer, 1);
            QCOMPARE(upToMiddle->last().layer, 0); // /var/log from the base
        }
        auto all = contents.mergedTree(image.value(), 2);
        QVERIFY(all);
        paths.clear();
        for (const TreeEntry &e : std::as_const(all.value()))
            paths.append(QString::fromUtf8(e.path));
        QCOMPARE(paths, QStringList({ u"/etc"_qs, u"/etc/app.conf"_qs, u"/var"_qs }));
    }

    // dive's definition: every path seen more than once wastes the sizes of all its versions;
    // the score is the smallest versions over all versions.
    void efficiencyAsDiveDefinesIt_data() { layerChanges_data(); }
    void efficiencyAsDiveDefinesIt()
    {
        QFETCH(QString, driver);
        auto store = storeWithLayers(driver);
        QVERIFY(store);
        auto image = ImageStore(*store).resolve(QStringLiteral("lc:1"));
        QVERIFY(image);
        auto report = LayerContents(*store).efficiency(image.value());
        QVERIFY2(report, qPrintable(report ? QString() : report.error()));
        // app.conf: 100 + 300; log: 50 + 50 (deleted). The cache's files are seen once each, and
        // its directory once, by the deletion that hides their 3000 bytes: dive visits only the
        // leaves of each layer, and the directory is no leaf where its files were added.
        QCOMPARE(report->wastedBytes, qint64(400 + 100));
        QCOMPARE(report->inefficiencies.size(), 2);
        QCOMPARE(report->inefficiencies.first().path, QByteArray("/etc/app.conf"));
        QCOMPARE(report->inefficiencies.first().occurrences, 2);
        QCOMPARE(report->inefficiencies.first().totalBytes, qint64(400));
        QCOMPARE(report->inefficiencies.last().path, QByteArray("/var/log"));
        // Smallest versions: conf 100, log 50, cache 3000 (its deletion) vs one 1000 + two 2000
        // seen once each, and the /etc and /var directories of no size.
        const qint64 smallest = 100 + 50 + 3000 + 1000 + 2000;
        const qint64 all = 400 + 100 + 3000 + 1000 + 2000;
        QVERIFY(qAbs(report->score - double(smallest) / double(all)) < 1e-9);
        QCOMPARE(report->userSizeBytes, image->layers[1].size + image->layers[2].size);
    }

    void efficiencyOfAnImageWithoutWaste()
    {
        const QList<QList<Change>> layers { { { Change::Kind::Added, "/a", 10, S_IFREG | 0644 } }, { { Change::Kind::Added, "/b", 20, S_IFREG | 0644 } } };
        const EfficiencyReport r = EfficiencyReport::compute(layers, { 10, 20 });
        QCOMPARE(r.score, 1.0);
        QCOMPARE(r.wastedBytes, qint64(0));
        QVERIFY(r.inefficiencies.isEmpty());
        QCOMPARE(r.userSizeBytes, qint64(20));
    }

    void xray_data() { layerChanges_data(); }
    void xray()
    {
        QFETCH(QString, driver);
        auto store = storeWithLayers(driver);
        QVERIFY(store);
        auto image = ImageStore(*store).resolve(QStringLiteral("lc:1"));
        QVERIFY(image);
        LayerContents contents(*store);
        auto conf = contents.xray(image.value(), "/etc/app.conf");
        QVERIFY(conf);
        QCOMPARE(conf->size(), 2);
        QCOMPARE(conf->at(0).layer, 0);
        QCOMPARE(conf->at(0).kind, Change::Kind::Added);
        QVERIFY(!conf->at(0).visible);
        QCOMPARE(conf->at(1).layer, 1);
        QCOMPARE(conf->at(1).kind, Change::Kind::Changed);
        QCOMPARE(conf->at(1).size, qint64(300));
        QVERIFY(conf->at(1).visible);

        auto one = contents.xray(image.value(), "var/cache/one");
        QVERIFY(one);
        QCOMPARE(one->size(), 2);
        QCOMPARE(one->at(1).kind, Change::Kind::Deleted); // with its directory
        QVERIFY(!one->at(1).visible);

        auto never = contents.xray(image.value(), "/nowhere");
        QVERIFY(never);
        QVERIFY(never->isEmpty());
        QVERIFY(!contents.xray(image.value(), "/etc/../../x"));
    }

    void snapshotSharesLayers()
    {
        auto store = storeWithLayers(QStringLiteral("overlay2"));
        QVERIFY(store);
        // A second image on the first two layers.
        const QByteArray l0 = TarBuilder().dir("etc").file("etc/app.conf", QByteArray(100, 'a')).dir("var").file("var/log", QByteArray(50, 'l')).build();
        const QString archive = m_tmp.filePath(QStringLiteral("second.tar"));
        writeFile(archive, dockerArchive({ l0 }, QStringLiteral("second:1")));
        QVERIFY(ImageLoader(*store).load(archive));
        auto snap = StoreSnapshot::take(*store);
        QVERIFY2(snap, qPrintable(snap ? QString() : snap.error()));
        QCOMPARE(snap->images.size(), 2);
        QCOMPARE(snap->layers.size(), 3);
        QCOMPARE(snap->driver, QStringLiteral("overlay2"));
        const auto *lc = [&]() -> const StoreSnapshot::ImageEntry * {
            for (const auto &e : snap->images) {
                if (e.image.tags.contains(QStringLiteral("lc:1")))
                    return &e;
            }
            return nullptr;
        }();
        QVERIFY(lc);
        const Digest baseChain = lc->image.layers.first().chainId;
        QCOMPARE(snap->layers.value(baseChain).images.size(), 2);
        QVERIFY(snap->layers.value(baseChain).parent.isNull());
        QCOMPARE(snap->layers.value(lc->image.layers[1].chainId).parent, baseChain);
        QCOMPARE(snap->layers.value(lc->image.layers[1].chainId).images.size(), 1);
        QCOMPARE(lc->shared, snap->layers.value(baseChain).size);
        QCOMPARE(snap->disk.images, lc->size);
        QCOMPARE(lc->history.size(), 3);
    }

    void commandLine()
    {
        const QString root = m_tmp.filePath(QStringLiteral("cli"));
        const QByteArray l0 = TarBuilder().dir("etc").file("etc/app.conf", QByteArray(100, 'a')).build();
        const QByteArray l1 = TarBuilder().dir("etc").file("etc/app.conf", QByteArray(300, 'b')).build();
        const QString archive = m_tmp.filePath(QStringLiteral("cli.tar"));
        writeFile(archive, dockerArchive({ l0, l1 }, QStringLiteral("cli:1")));
        QCOMPARE(stratactl(root, { QStringLiteral("load"), QStringLiteral("-i"), archive }).exitCode, 0);

        auto r = stratactl(root, { QStringLiteral("layer"), QStringLiteral("ls"), QStringLiteral("cli:1") });
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(QString::fromUtf8(r.out).split(u'\n', Qt::SkipEmptyParts).size(), 1 + 2);
        r = stratactl(root, { QStringLiteral("layer"), QStringLiteral("files"), QStringLiteral("cli:1"), QStringLiteral("1") });
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("modified   -rw-r--r--   300B   /etc/app.conf"), r.out.constData());
        r = stratactl(root, { QStringLiteral("image"), QStringLiteral("efficiency"), QStringLiteral("cli:1") });
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("Wasted space:         400B (400 bytes)"), r.out.constData());
        r = stratactl(root, { QStringLiteral("xray"), QStringLiteral("cli:1"), QStringLiteral("/etc/app.conf") });
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("yes"), r.out.constData());
        r = stratactl(root, { QStringLiteral("layer"), QStringLiteral("files"), QStringLiteral("cli:1"), QStringLiteral("7") });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("image cli:1 has no layer 7 (it has 2)"), r.err.constData());
        r = stratactl(root, { QStringLiteral("xray"), QStringLiteral("nosuch:1"), QStringLiteral("/etc") });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("nosuch"), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestLayerContents)
#include "tst_layercontents.moc"
