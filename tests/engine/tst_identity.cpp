// Known answers for digests, diffIDs, chainIDs and image IDs, and deterministic layer tars.
#include "blobwriter.h"
#include "digest.h"
#include "layerapplier.h"
#include "layerwriter.h"
#include "sha256.h"
#include "tarbuilder.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>
#include <sys/xattr.h>
#include <utime.h>

using namespace strata;
using namespace strata::test;

class TestIdentity : public QObject {
    Q_OBJECT

private:
    // Writes a tree as a tar through LayerWriter and returns its digest.
    static Digest tarDigest(const QString &dir, QByteArray *bytes = nullptr)
    {
        QTemporaryDir tmp;
        BlobWriter w;
        const QString path = tmp.filePath(QStringLiteral("out.tar"));
        if (!w.open(path))
            return {};
        if (!LayerWriter::writeTree(dir, w))
            return {};
        auto written = w.finish();
        if (bytes)
            *bytes = readFile(path);
        return written ? written->digest : Digest();
    }

    static void makeTree(const QString &root, const QStringList &order)
    {
        for (const QString &name : order) {
            writeFile(root + u'/' + name, name.toUtf8() + " content");
            const QByteArray p = QFile::encodeName(root + u'/' + name);
            struct utimbuf t { 1600000000, 1600000000 };
            utime(p.constData(), &t);
            chmod(p.constData(), 0640);
        }
        QDir(root).mkpath(QStringLiteral("emptydir"));
        QFile::link(QStringLiteral("a/one"), root + QStringLiteral("/link"));
        for (const QString &d : { QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("emptydir"), QString() }) {
            struct utimbuf t { 1600000000, 1600000000 };
            utime(QFile::encodeName(root + u'/' + d).constData(), &t);
        }
    }

private slots:
    void sha256KnownAnswers_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QString>("hex");
        QTest::newRow("empty") << QByteArray() << QStringLiteral("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        QTest::newRow("abc") << QByteArray("abc") << QStringLiteral("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        QTest::newRow("two blocks") << QByteArray("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                                    << QStringLiteral("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    }
    void sha256KnownAnswers()
    {
        QFETCH(QByteArray, input);
        QFETCH(QString, hex);
        QCOMPARE(Sha256::of(input).hex(), hex);
        // Incremental hashing gives the same answer as one call.
        Sha256 h;
        for (char c : input)
            h.add(&c, 1);
        QCOMPARE(h.finish().hex(), hex);
    }

    void chainIdKnownAnswers()
    {
        QList<Digest> diffs;
        for (const char *s : { "layer one", "layer two", "layer three" })
            diffs.append(Sha256::of(QByteArray(s)));
        const QList<Digest> chains = chainIds(diffs);
        QCOMPARE(chains.size(), 3);
        QCOMPARE(chains[0].toString(), QStringLiteral("sha256:f191e625176e7514249870c60bc24622131b04927a418001d1969c9cecd260f1"));
        QCOMPARE(chains[1].toString(), QStringLiteral("sha256:d440fc2ac5bfa225471b58c5d6b4283504f5dfbcd6251023a635cdcd0c058e3e"));
        QCOMPARE(chains[2].toString(), QStringLiteral("sha256:952689aceeac7e377b602804de533a4ad47ba634e3917ca7cb071e5ff2bff6cd"));
        QVERIFY(chainIds({}).isEmpty());
    }

    void digestValidation_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        const QString hex = QStringLiteral("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        QTest::newRow("valid") << QStringLiteral("sha256:") + hex << true;
        QTest::newRow("uppercase") << QStringLiteral("sha256:") + hex.toUpper() << false;
        QTest::newRow("traversal") << QStringLiteral("sha256:../x") << false;
        QTest::newRow("traversal padded") << QStringLiteral("sha256:../../../../../../../../../../../../../../../../../../etc/passwd") << false;
        QTest::newRow("short") << QStringLiteral("sha256:") + hex.left(63) << false;
        QTest::newRow("long") << QStringLiteral("sha256:") + hex + u'0' << false;
        QTest::newRow("other algorithm") << QStringLiteral("sha512:") + hex << false;
        QTest::newRow("no algorithm") << hex << false;
        QTest::newRow("slash") << QStringLiteral("sha256:") + hex.left(63) + u'/' << false;
    }
    void digestValidation()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        auto d = Digest::parse(text);
        QCOMPARE(d.ok(), valid);
        if (!valid)
            QVERIFY2(d.error().contains(text.left(20)), qPrintable(d.error()));
    }

    void imageIdIsConfigDigest()
    {
        QTemporaryDir tmp;
        const QString root = tmp.filePath(QStringLiteral("store"));
        const QByteArray layer = TarBuilder().dir("etc").file("etc/hello", "hi\n").build();
        const QByteArray archive = dockerArchive({ layer }, QStringLiteral("kat:1"));
        writeFile(tmp.filePath(QStringLiteral("a.tar")), archive);
        auto r = stratactl(root, { QStringLiteral("load"), QStringLiteral("-i"), tmp.filePath(QStringLiteral("a.tar")) });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = stratactl(root, { QStringLiteral("inspect"), QStringLiteral("kat:1") });
        QCOMPARE(r.exitCode, 0);
        const QJsonObject inspect = QJsonDocument::fromJson(r.out).array().first().toObject();
        const QByteArray config = imageConfig({ QStringLiteral("sha256:") + sha256Hex(layer) });
        QCOMPARE(inspect.value(QLatin1String("Id")).toString(), QStringLiteral("sha256:") + sha256Hex(config));
        QCOMPARE(inspect.value(QLatin1String("RootFS")).toObject().value(QLatin1String("Layers")).toArray().first().toString(),
            QStringLiteral("sha256:") + sha256Hex(layer));
    }

    void deterministicTars()
    {
        QTemporaryDir tmp;
        const QString one = tmp.filePath(QStringLiteral("one")), two = tmp.filePath(QStringLiteral("two"));
        // The same content created in a different order (different inode and readdir order).
        makeTree(one, { QStringLiteral("a/one"), QStringLiteral("a/two"), QStringLiteral("b/three"), QStringLiteral("top") });
        makeTree(two, { QStringLiteral("top"), QStringLiteral("b/three"), QStringLiteral("a/two"), QStringLiteral("a/one") });
        QByteArray bytesOne, bytesTwo;
        const Digest d1 = tarDigest(one, &bytesOne);
        const Digest d2 = tarDigest(two, &bytesTwo);
        QVERIFY(!d1.isNull());
        QCOMPARE(d1, d2);
        QCOMPARE(bytesOne, bytesTwo);
        QCOMPARE(tarDigest(one), d1); // and again

        // Any change of content or metadata changes the digest.
        writeFile(two + QStringLiteral("/a/two"), "a/two contenT");
        struct utimbuf t { 1600000000, 1600000000 };
        utime(QFile::encodeName(two + QStringLiteral("/a/two")).constData(), &t);
        QVERIFY(tarDigest(two) != d1);
        writeFile(two + QStringLiteral("/a/two"), "a/two content");
        utime(QFile::encodeName(two + QStringLiteral("/a/two")).constData(), &t);
        QCOMPARE(tarDigest(two), d1);
        chmod(QFile::encodeName(two + QStringLiteral("/a/two")).constData(), 0600);
        QVERIFY(tarDigest(two) != d1);
    }

    // A tar written from a tree, applied and written again, gives the same diffID: what goes
    // into a snapshot is exactly what the tar says.
    void applyWriteRoundTrip()
    {
        QTemporaryDir tmp;
        const QString src = tmp.filePath(QStringLiteral("src"));
        makeTree(src, { QStringLiteral("a/one"), QStringLiteral("a/two"), QStringLiteral("b/three") });
        QFile::link(QStringLiteral("one"), src + QStringLiteral("/a/sym"));
        ::link(QFile::encodeName(src + QStringLiteral("/a/one")).constData(), QFile::encodeName(src + QStringLiteral("/hard")).constData());
        setxattr(QFile::encodeName(src + QStringLiteral("/b/three")).constData(), "user.strata", "v", 1, 0);
        QByteArray tarBytes;
        const Digest original = tarDigest(src, &tarBytes);
        writeFile(tmp.filePath(QStringLiteral("layer.tar")), tarBytes);
        const QString dst = tmp.filePath(QStringLiteral("dst"));
        QDir().mkpath(dst);
        ApplyOptions options;
        options.subject = QStringLiteral("round trip");
        auto applied = LayerApplier::apply(tmp.filePath(QStringLiteral("layer.tar")), dst, options);
        QVERIFY2(applied.ok(), qPrintable(applied.error()));
        QCOMPARE(applied->diffId, original);
        struct utimbuf t { 1600000000, 1600000000 };
        utime(QFile::encodeName(dst).constData(), &t);
        QCOMPARE(tarDigest(dst), original);
        struct stat a, b;
        QCOMPARE(::stat(QFile::encodeName(dst + QStringLiteral("/hard")).constData(), &a), 0);
        QCOMPARE(::stat(QFile::encodeName(dst + QStringLiteral("/a/one")).constData(), &b), 0);
        QCOMPARE(a.st_ino, b.st_ino);
        char value[8] = {};
        QCOMPARE(getxattr(QFile::encodeName(dst + QStringLiteral("/b/three")).constData(), "user.strata", value, sizeof value), ssize_t(1));
    }

    // The diffID is the digest of the uncompressed stream, whatever the compression.
    void diffIdIgnoresCompression_data()
    {
        QTest::addColumn<int>("compression");
        QTest::newRow("gzip") << int(TarBuilder::Compression::Gzip);
        QTest::newRow("zstd") << int(TarBuilder::Compression::Zstd);
        QTest::newRow("xz") << int(TarBuilder::Compression::Xz);
    }
    void diffIdIgnoresCompression()
    {
        QFETCH(int, compression);
        TarBuilder tar;
        tar.dir("usr").dir("usr/bin").file("usr/bin/tool", QByteArray(100000, 'x'), 0755).symlink("tool", "usr/bin/tool");
        const QByteArray plain = tar.build();
        const QByteArray packed = tar.build(TarBuilder::Compression(compression));
        QVERIFY(packed != plain);
        QTemporaryDir tmp;
        writeFile(tmp.filePath(QStringLiteral("l")), packed);
        QDir().mkpath(tmp.filePath(QStringLiteral("t")));
        ApplyOptions options;
        options.subject = QStringLiteral("compressed");
        auto applied = LayerApplier::apply(tmp.filePath(QStringLiteral("l")), tmp.filePath(QStringLiteral("t")), options);
        QVERIFY2(applied.ok(), qPrintable(applied.error()));
        QCOMPARE(applied->diffId.hex(), sha256Hex(plain));
        QCOMPARE(applied->size, qint64(100000 + 12)); // the file and the symlink's target 'usr/bin/tool'
        QCOMPARE(readFile(tmp.filePath(QStringLiteral("t/usr/bin/tool"))).size(), 100000);
    }

    // Whiteouts in overlay form (device 0/0, opaque xattr) for overlay2, removal for vfs.
    void whiteoutStyles()
    {
        QTemporaryDir tmp;
        const QByteArray lower = TarBuilder().dir("d").file("d/keep", "k").file("d/old", "o").file("gone", "g").build();
        const QByteArray upper = TarBuilder().file(".wh.gone", "").dir("d").file("d/.wh..wh..opq", "").file("d/new", "n").build();
        writeFile(tmp.filePath(QStringLiteral("lower.tar")), lower);
        writeFile(tmp.filePath(QStringLiteral("upper.tar")), upper);

        // vfs: a full tree, the upper layer applied on a copy of the lower.
        const QString vfs = tmp.filePath(QStringLiteral("vfs"));
        QDir().mkpath(vfs);
        ApplyOptions del;
        del.whiteouts = WhiteoutStyle::Delete;
        QVERIFY(LayerApplier::apply(tmp.filePath(QStringLiteral("lower.tar")), vfs, del).ok());
        auto applied = LayerApplier::apply(tmp.filePath(QStringLiteral("upper.tar")), vfs, del);
        QVERIFY2(applied.ok(), qPrintable(applied.error()));
        QVERIFY(!QFile::exists(vfs + QStringLiteral("/gone")));
        QVERIFY(!QFile::exists(vfs + QStringLiteral("/d/old")));
        QVERIFY(!QFile::exists(vfs + QStringLiteral("/d/keep")));
        QCOMPARE(readFile(vfs + QStringLiteral("/d/new")), QByteArray("n"));

        // overlay2: only the upper layer's own changes, whiteouts as overlayfs reads them.
        const QString ovl = tmp.filePath(QStringLiteral("ovl"));
        QDir().mkpath(ovl);
        ApplyOptions overlay;
        overlay.opaqueXattr = geteuid() == 0 ? QStringLiteral("trusted.overlay.opaque") : QStringLiteral("user.overlay.opaque");
        applied = LayerApplier::apply(tmp.filePath(QStringLiteral("upper.tar")), ovl, overlay);
        QVERIFY2(applied.ok(), qPrintable(applied.error()));
        struct stat st;
        QCOMPARE(lstat(QFile::encodeName(ovl + QStringLiteral("/gone")).constData(), &st), 0);
        QVERIFY(S_ISCHR(st.st_mode));
        QCOMPARE(st.st_rdev, dev_t(0));
        char value[4] = {};
        QCOMPARE(getxattr(QFile::encodeName(ovl + QStringLiteral("/d")).constData(), overlay.opaqueXattr.toLatin1().constData(), value, sizeof value), ssize_t(1));
        QCOMPARE(value[0], 'y');
        QVERIFY(!QFile::exists(ovl + QStringLiteral("/d/.wh..wh..opq")));
    }
};

QTEST_GUILESS_MAIN(TestIdentity)
#include "tst_identity.moc"
