// One copy of each layer: an uncompressed layer is kept as its snapshot and its tar-split, and
// the byte-identical tar is rebuilt from the two for save and check. Through stratactl, as a
// user runs it, on overlay2 (snapshots of a layer's own changes) and vfs (whole trees).
#include "tarbuilder.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace strata::test;

class TestTarSplit : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    int m_count = 0;

    QString path(const QString &name) const { return m_tmp.filePath(name); }
    QString newRoot() { return path(QStringLiteral("store-%1").arg(++m_count)); }
    RunResult ctl(const QString &root, const QString &driver, QStringList args)
    {
        if (!driver.isEmpty())
            args.prepend(QStringLiteral("--driver=") + driver);
        return stratactl(root, args);
    }
    // Loads `layers` as one image `tag` from a docker-archive.
    bool load(const QString &root, const QString &driver, const QByteArrayList &layers, const QString &tag = QStringLiteral("split:1"))
    {
        const QString archive = path(QStringLiteral("in-%1.tar").arg(++m_count));
        if (!writeFile(archive, dockerArchive(layers, tag)))
            return false;
        const RunResult r = ctl(root, driver, { QStringLiteral("load"), QStringLiteral("-i"), archive });
        if (r.exitCode != 0)
            qWarning("load: %s", r.err.constData());
        return r.exitCode == 0;
    }
    static QJsonObject record(const QString &root, const QString &chainHex)
    {
        const QString snapshot = snapshotOf(root, chainHex);
        return QJsonDocument::fromJson(readFile(snapshot.left(snapshot.size() - 5) + QStringLiteral("/layer.json"))).object();
    }
    static QStringList chainsOf(const QByteArrayList &layers)
    {
        QStringList chains;
        for (const QByteArray &layer : layers) {
            const QString diff = sha256Hex(layer);
            chains << (chains.isEmpty() ? diff : sha256Hex((QStringLiteral("sha256:") + chains.last() + QStringLiteral(" sha256:") + diff).toUtf8()));
        }
        return chains;
    }
    // What `save` writes for each layer, in a docker-archive and in an OCI layout.
    void verifySavedIdentical(const QString &root, const QByteArrayList &layers, const QString &tag = QStringLiteral("split:1"))
    {
        for (const QString &format : { QStringLiteral("docker-archive"), QStringLiteral("oci") }) {
            const QString out = path(QStringLiteral("out-%1.tar").arg(++m_count));
            const QString dir = path(QStringLiteral("out-%1").arg(m_count));
            RunResult r = stratactl(root, { QStringLiteral("save"), QStringLiteral("--format"), format, QStringLiteral("-o"), out, tag });
            QVERIFY2(r.exitCode == 0, r.err.constData());
            QVERIFY(QDir().mkpath(dir));
            r = run(QStringLiteral("tar"), { QStringLiteral("-xf"), out, QStringLiteral("-C"), dir });
            QVERIFY2(r.exitCode == 0, r.err.constData());
            for (const QByteArray &layer : layers) {
                const QString name = format == QLatin1String("oci") ? QStringLiteral("blobs/sha256/") + sha256Hex(layer) : sha256Hex(layer) + QStringLiteral("/layer.tar");
                const QByteArray saved = readFile(dir + u'/' + name);
                QVERIFY2(saved == layer, qPrintable(QStringLiteral("%1: %2 differs from the loaded layer (%3 bytes, loaded %4)").arg(format, name).arg(saved.size()).arg(layer.size())));
            }
        }
    }

    static QByteArray randomBytes(qsizetype size)
    {
        QByteArray bytes(size, Qt::Uninitialized);
        QRandomGenerator gen(42);
        for (qsizetype i = 0; i + 4 <= size; i += 4) {
            const quint32 v = gen.generate();
            memcpy(bytes.data() + i, &v, 4);
        }
        return bytes;
    }
    // A layer GNU tar makes of a folder: its own header layout, long names as GNU records, and
    // the archive padded to its 10 KiB records.
    QByteArray gnuTar(const QString &format, bool sparse)
    {
        const QString dir = path(QStringLiteral("gnu-%1").arg(++m_count));
        QDir().mkpath(dir + QStringLiteral("/a/very/long/path/that/goes/on/and/on/beyond/the/hundred/bytes/of/a/ustar/name/field/for/sure"));
        for (int i = 0; i < 300; ++i)
            writeFile(dir + QStringLiteral("/a/f%1").arg(i), QByteArray(i * 7, char('a' + i % 26)));
        writeFile(dir + QStringLiteral("/a/very/long/path/that/goes/on/and/on/beyond/the/hundred/bytes/of/a/ustar/name/field/for/sure/file-with-a-long-name-too.txt"), "long");
        QFile::link(QStringLiteral("f1"), dir + QStringLiteral("/a/link"));
        ::link(QFile::encodeName(dir + QStringLiteral("/a/f2")).constData(), QFile::encodeName(dir + QStringLiteral("/a/hard")).constData());
        if (sparse) {
            QFile f(dir + QStringLiteral("/sparse"));
            f.open(QIODevice::WriteOnly);
            f.seek(8 << 20);
            f.write("end");
        }
        const QString out = dir + QStringLiteral(".tar");
        QStringList args { QStringLiteral("--format=") + format, QStringLiteral("-C"), dir, QStringLiteral("-cf"), out, QStringLiteral(".") };
        if (sparse)
            args.prepend(QStringLiteral("--sparse"));
        const RunResult r = run(QStringLiteral("tar"), args);
        if (r.exitCode != 0)
            qWarning("tar: %s", r.err.constData());
        return readFile(out);
    }

private slots:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    void roundTrip_data()
    {
        QTest::addColumn<QString>("driver");
        QTest::addColumn<QByteArrayList>("layers");
        const QByteArray files = TarBuilder()
                                     .dir("etc")
                                     .file("etc/conf", "key=value\n")
                                     .file("etc/empty", "")
                                     .file("big", randomBytes(3 * 1024 * 1024 + 17), 0755) // spans the stream's 1 MiB blocks
                                     .symlink("etc/link", "conf")
                                     .hardlink("etc/hard", "etc/conf")
                                     .fifo("pipe")
                                     .build();
        const QByteArray pax = TarBuilder()
                                   .file(QByteArray("d/") + QByteArray(150, 'n') + "/file", "long name")
                                   .fileWithXattr("x", "with an xattr", "user.lesson", "copy-on-write")
                                   .file("caf\xc3\xa9", "utf-8 name")
                                   .owner(1000, 1000)
                                   .file("owned", "by 1000")
                                   .build();
        const QByteArray base = TarBuilder().dir("etc").file("etc/doomed", "x").dir("var").dir("var/cache").file("var/cache/old", "o").build();
        const QByteArray top = TarBuilder().dir("etc").file("etc/.wh.doomed", "").dir("var/cache").file("var/cache/.wh..wh..opq", "").file("var/cache/new", "n").build();
        const QByteArray gnu = gnuTar(QStringLiteral("gnu"), false);
        const QByteArray posix = gnuTar(QStringLiteral("posix"), false);
        QVERIFY(!gnu.isEmpty() && !posix.isEmpty());
        for (const QString &driver : { QStringLiteral("overlay2"), QStringLiteral("vfs") }) {
            QTest::addRow("%s: files, links, a fifo", qPrintable(driver)) << driver << QByteArrayList { files };
            QTest::addRow("%s: PAX records", qPrintable(driver)) << driver << QByteArrayList { pax };
            QTest::addRow("%s: whiteouts", qPrintable(driver)) << driver << QByteArrayList { base, top };
            QTest::addRow("%s: GNU tar", qPrintable(driver)) << driver << QByteArrayList { gnu };
            QTest::addRow("%s: GNU tar, posix format", qPrintable(driver)) << driver << QByteArrayList { posix, files };
            QTest::addRow("%s: empty layer", qPrintable(driver)) << driver << QByteArrayList { QByteArray(1024, '\0') };
        }
    }

    // Loaded, each uncompressed layer is a snapshot and a tar-split, with no blob beside it;
    // saved, each is the very tar that was loaded; check finds nothing to say.
    void roundTrip()
    {
        QFETCH(QString, driver);
        QFETCH(QByteArrayList, layers);
        const QString root = newRoot();
        QVERIFY(load(root, driver, layers));
        const QStringList chains = chainsOf(layers);
        for (qsizetype i = 0; i < layers.size(); ++i) {
            const QJsonObject r = record(root, chains[i]);
            QVERIFY2(r.value(QLatin1String("tarSplit")).toBool(), QJsonDocument(r).toJson().constData());
            QVERIFY(QFile::exists(snapshotOf(root, chains[i]) + QStringLiteral("/../tar-split")));
            QVERIFY2(!QFile::exists(root + QStringLiteral("/images/blobs/sha256/") + sha256Hex(layers[i])), "the layer's blob is kept beside its snapshot");
        }
        verifySavedIdentical(root, layers);
        const RunResult r = stratactl(root, { QStringLiteral("check") });
        QVERIFY2(r.exitCode == 0, r.out.constData());
    }

    // A tar the snapshot cannot reproduce is kept as its blob, and still saved as it came.
    void unsplittableKeepsBlob_data()
    {
        QTest::addColumn<QByteArray>("layer");
        QTest::newRow("a file written twice") << TarBuilder().file("f", "first").file("f", "second, which the snapshot keeps").build();
        QTest::newRow("a sparse file") << gnuTar(QStringLiteral("gnu"), true);
    }
    void unsplittableKeepsBlob()
    {
        QFETCH(QByteArray, layer);
        QVERIFY(!layer.isEmpty());
        const QString root = newRoot();
        QVERIFY(load(root, QString(), { layer }));
        const QString chain = sha256Hex(layer);
        QVERIFY(!record(root, chain).value(QLatin1String("tarSplit")).toBool());
        QVERIFY(!QFile::exists(snapshotOf(root, chain) + QStringLiteral("/../tar-split")));
        QVERIFY(QFile::exists(root + QStringLiteral("/images/blobs/sha256/") + chain));
        verifySavedIdentical(root, { layer });
        const RunResult r = stratactl(root, { QStringLiteral("check") });
        QVERIFY2(r.exitCode == 0, r.out.constData());
    }

    // Damage to the only copy is named: a changed file, a missing one, an extra one. What can be
    // repaired is: while every file's content is intact, the snapshot is extracted again from
    // the tar rebuilt from it. What cannot says why, and save refuses rather than writing a tar
    // that is not the layer.
    void checkNamesDamage_data()
    {
        QTest::addColumn<QString>("damage");
        QTest::addColumn<QString>("message");
        QTest::addColumn<bool>("repairable");
        QTest::newRow("changed") << QStringLiteral("changed") << QStringLiteral("'etc/conf' has other content than the layer's") << false;
        QTest::newRow("grown") << QStringLiteral("grown") << QStringLiteral("'etc/conf' has 11 bytes instead of 10") << false;
        QTest::newRow("missing") << QStringLiteral("missing") << QStringLiteral("'etc/conf' is missing") << false;
        QTest::newRow("missing link") << QStringLiteral("missing link") << QStringLiteral("lacks 1 entries of its layer: 'etc/link'") << true;
        QTest::newRow("chmod") << QStringLiteral("chmod") << QStringLiteral("has 1 entries of another type or mode than its layer's: 'other'") << true;
        QTest::newRow("file for link") << QStringLiteral("file for link") << QStringLiteral("has 1 entries of another type or mode than its layer's: 'etc/link'") << true;
        QTest::newRow("extra") << QStringLiteral("extra") << QStringLiteral("holds 2 entries its layer does not: 'extra', 'extra/file'") << true;
        QTest::newRow("layer.json lost") << QStringLiteral("record") << QStringLiteral("has no valid layer.json") << true;
    }
    void checkNamesDamage()
    {
        QFETCH(QString, damage);
        QFETCH(QString, message);
        QFETCH(bool, repairable);
        const QByteArray layer = TarBuilder().dir("etc").file("etc/conf", "key=value\n").symlink("etc/link", "conf").file("other", QByteArray(5000, 'o')).build();
        const QString root = newRoot();
        QVERIFY(load(root, QString(), { layer }));
        const QString snapshot = snapshotOf(root, sha256Hex(layer));
        if (damage == QLatin1String("changed"))
            QVERIFY(writeFile(snapshot + QStringLiteral("/etc/conf"), "key=VALUE\n"));
        else if (damage == QLatin1String("grown"))
            QVERIFY(writeFile(snapshot + QStringLiteral("/etc/conf"), "key=values\n"));
        else if (damage == QLatin1String("missing"))
            QVERIFY(QFile::remove(snapshot + QStringLiteral("/etc/conf")));
        else if (damage == QLatin1String("missing link"))
            QVERIFY(QFile::remove(snapshot + QStringLiteral("/etc/link")));
        else if (damage == QLatin1String("chmod"))
            QVERIFY(QFile::setPermissions(snapshot + QStringLiteral("/other"), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ExeGroup | QFile::ExeOther));
        else if (damage == QLatin1String("file for link"))
            QVERIFY(QFile::remove(snapshot + QStringLiteral("/etc/link")) && writeFile(snapshot + QStringLiteral("/etc/link"), ""));
        else if (damage == QLatin1String("extra"))
            QVERIFY(QDir().mkpath(snapshot + QStringLiteral("/extra")) && writeFile(snapshot + QStringLiteral("/extra/file"), "x"));
        else
            QVERIFY(QFile::remove(snapshot + QStringLiteral("/../layer.json")));

        RunResult r = stratactl(root, { QStringLiteral("check") });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.out.contains(message.toUtf8()), r.out.constData());
        r = stratactl(root, { QStringLiteral("check"), QStringLiteral("--repair") });
        QCOMPARE(r.exitCode, repairable ? 0 : 1);
        if (!repairable) {
            QVERIFY2(r.out.contains("not repaired") && r.out.contains("the snapshot is the layer's only copy"), r.out.constData());
            const QString out = path(QStringLiteral("refused-%1.tar").arg(++m_count));
            r = stratactl(root, { QStringLiteral("save"), QStringLiteral("-o"), out, QStringLiteral("split:1") });
            QVERIFY(r.exitCode != 0);
            QVERIFY2(r.err.contains("etc/"), r.err.constData());
            QVERIFY(!QFile::exists(out));
            return;
        }
        r = stratactl(root, { QStringLiteral("check") });
        QVERIFY2(r.exitCode == 0, r.out.constData());
        QVERIFY(record(root, sha256Hex(layer)).value(QLatin1String("tarSplit")).toBool());
        verifySavedIdentical(root, { layer });
    }

    // A store of the version before, which kept every layer's blob beside its snapshot, keeps
    // working as it is (its blobs are used, check notes them), and check --repair converts it.
    void olderStoreKeepsWorking()
    {
        const QByteArray layer = TarBuilder().dir("etc").file("etc/conf", "old store\n").file("data", QByteArray(20000, 'd')).build();
        const QString root = newRoot();
        QVERIFY(load(root, QString(), { layer }));
        const QString chain = sha256Hex(layer);
        const QString snapshotDir = QFileInfo(snapshotOf(root, chain)).path();
        // As the version before left it: the blob, no tar-split, no "tarSplit" in layer.json.
        QVERIFY(writeFile(root + QStringLiteral("/images/blobs/sha256/") + chain, layer));
        QVERIFY(QFile::remove(snapshotDir + QStringLiteral("/tar-split")));
        QJsonObject r = record(root, chain);
        r.remove(QStringLiteral("tarSplit"));
        QVERIFY(writeFile(snapshotDir + QStringLiteral("/layer.json"), QJsonDocument(r).toJson()));

        RunResult check = stratactl(root, { QStringLiteral("check") });
        QVERIFY2(check.exitCode == 0, check.out.constData());
        QVERIFY2(check.out.contains(QByteArray("note: layer sha256:" + chain.toUtf8() + " keeps its uncompressed blob beside its snapshot")), check.out.constData());
        verifySavedIdentical(root, { layer });
        QVERIFY(load(root, QString(), { layer }, QStringLiteral("again:1")));
        QVERIFY(QFile::exists(root + QStringLiteral("/images/blobs/sha256/") + chain));
        QVERIFY(!QFile::exists(snapshotDir + QStringLiteral("/tar-split")));

        // check --repair converts it: the layer extracted again with its tar-split, the blob gone.
        check = stratactl(root, { QStringLiteral("check"), QStringLiteral("--repair") });
        QVERIFY2(check.exitCode == 0 && check.out.contains(QByteArray("repaired: layer sha256:" + chain.toUtf8())), check.out.constData());
        QVERIFY(!QFile::exists(root + QStringLiteral("/images/blobs/sha256/") + chain));
        QVERIFY(record(root, chain).value(QLatin1String("tarSplit")).toBool());
        check = stratactl(root, { QStringLiteral("check") });
        QVERIFY2(check.exitCode == 0 && !check.out.contains("note:"), check.out.constData());
        verifySavedIdentical(root, { layer });
        verifySavedIdentical(root, { layer }, QStringLiteral("again:1"));
    }

    // system df's footprint is what du counts, within 5 %, and the store holds its layers once:
    // not much more than the layers unpacked, each into a folder of its own.
    void footprintAgreesWithDu()
    {
        TarBuilder big;
        big.file("blob", randomBytes(8 * 1024 * 1024));
        for (int i = 0; i < 2000; ++i)
            big.file("small/f" + QByteArray::number(i), QByteArray(1024, char('a' + i % 26)));
        const QByteArray layer = big.build();
        const QString root = newRoot();
        QVERIFY(load(root, QString(), { layer }));
        const RunResult df = stratactl(root, { QStringLiteral("system"), QStringLiteral("df") });
        QVERIFY2(df.exitCode == 0, df.err.constData());
        const RunResult du = run(QStringLiteral("du"), { QStringLiteral("-sB1"), root });
        QVERIFY2(du.exitCode == 0, du.err.constData());
        const double duBytes = QString::fromUtf8(du.out).section(u'\t', 0, 0).toDouble();
        const QRegularExpressionMatch total = QRegularExpression(QStringLiteral("^Total\\s+([0-9.]+)(B|kB|MB|GB)"), QRegularExpression::MultilineOption).match(QString::fromUtf8(df.out));
        QVERIFY2(total.hasMatch(), df.out.constData());
        const double unit = QHash<QString, double> { { QStringLiteral("B"), 1 }, { QStringLiteral("kB"), 1e3 }, { QStringLiteral("MB"), 1e6 }, { QStringLiteral("GB"), 1e9 } }.value(total.captured(2));
        const double dfBytes = total.captured(1).toDouble() * unit;
        QVERIFY2(qAbs(dfBytes - duBytes) <= 0.05 * duBytes, qPrintable(QStringLiteral("system df says %1, du %2:\n%3").arg(dfBytes).arg(duBytes).arg(QString::fromUtf8(df.out))));
        const QString unpacked = path(QStringLiteral("unpacked-%1").arg(++m_count));
        QVERIFY(QDir().mkpath(unpacked));
        const QString tarPath = path(QStringLiteral("layer-%1.tar").arg(m_count));
        QVERIFY(writeFile(tarPath, layer));
        QCOMPARE(run(QStringLiteral("tar"), { QStringLiteral("-xf"), tarPath, QStringLiteral("-C"), unpacked }).exitCode, 0);
        const double unpackedBytes = QString::fromUtf8(run(QStringLiteral("du"), { QStringLiteral("-sB1"), unpacked }).out).section(u'\t', 0, 0).toDouble();
        QVERIFY2(duBytes <= 1.1 * unpackedBytes, qPrintable(QStringLiteral("the store takes %1 bytes, its layer unpacked %2").arg(duBytes).arg(unpackedBytes)));
    }

    // import writes a layer blob of its own: it too is kept once.
    void importKeepsOneCopy()
    {
        const QByteArray rootfs = TarBuilder().dir("bin").file("bin/tool", QByteArray(4096, 't'), 0755).build();
        const QString root = newRoot();
        const QString in = path(QStringLiteral("rootfs.tar"));
        QVERIFY(writeFile(in, rootfs));
        RunResult r = stratactl(root, { QStringLiteral("import"), in, QStringLiteral("imported:1") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QStringList blobs = QDir(root + QStringLiteral("/images/blobs/sha256")).entryList(QDir::Files);
        QCOMPARE(blobs.size(), 2); // its config and manifest only
        verifySavedIdentical(root, { rootfs }, QStringLiteral("imported:1"));
    }
};

QTEST_GUILESS_MAIN(TestTarSplit)
#include "tst_tarsplit.moc"
