// Hostile archives: every one is refused with an error naming the entry, nothing outside the
// store changes, nothing half-done stays inside it, and `check` finds nothing.
#include "tarbuilder.h"
#include "testsupport.h"

#include <QDir>
#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStorageInfo>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace strata::test;

namespace {

const QString manifestType = QStringLiteral("application/vnd.oci.image.manifest.v1+json");
const QString indexType = QStringLiteral("application/vnd.oci.image.index.v1+json");
const QString configType = QStringLiteral("application/vnd.oci.image.config.v1+json");
const QString layerType = QStringLiteral("application/vnd.oci.image.layer.v1.tar");
const QString gzipLayerType = QStringLiteral("application/vnd.oci.image.layer.v1.tar+gzip");

QByteArray json(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QString digestOf(const QByteArray &blob)
{
    return QStringLiteral("sha256:") + sha256Hex(blob);
}

QJsonObject descriptor(const QString &mediaType, const QByteArray &blob)
{
    return { { QStringLiteral("mediaType"), mediaType }, { QStringLiteral("digest"), digestOf(blob) }, { QStringLiteral("size"), qint64(blob.size()) } };
}

QJsonObject tagged(QJsonObject desc, const QString &ref)
{
    desc.insert(QStringLiteral("annotations"), QJsonObject { { QStringLiteral("org.opencontainers.image.ref.name"), ref } });
    return desc;
}

QJsonObject ociManifest(const QByteArray &config, const QList<QByteArray> &layers, const QString &layerMediaType = layerType)
{
    QJsonArray layerArray;
    for (const QByteArray &l : layers)
        layerArray.append(descriptor(layerMediaType, l));
    return { { QStringLiteral("schemaVersion"), 2 }, { QStringLiteral("mediaType"), manifestType }, { QStringLiteral("config"), descriptor(configType, config) },
        { QStringLiteral("layers"), layerArray } };
}

QJsonObject ociIndex(const QJsonArray &manifests)
{
    return { { QStringLiteral("schemaVersion"), 2 }, { QStringLiteral("mediaType"), indexType }, { QStringLiteral("manifests"), manifests } };
}

// An OCI layout tar: oci-layout, index.json and the blobs under blobs/sha256/.
QByteArray ociLayout(const QJsonObject &index, const QList<QByteArray> &blobs)
{
    TarBuilder tar;
    tar.file("oci-layout", R"({"imageLayoutVersion":"1.0.0"})").file("index.json", json(index));
    for (const QByteArray &b : blobs)
        tar.file("blobs/sha256/" + sha256Hex(b).toUtf8(), b);
    return tar.build();
}

// index.json -> `depth` nested indexes -> an image manifest with one plain layer, tagged `ref`.
QByteArray nestedOci(int depth, const QByteArray &layer, const QString &ref)
{
    const QByteArray config = imageConfig({ digestOf(layer) });
    QByteArray doc = json(ociManifest(config, { layer }));
    QString type = manifestType;
    QList<QByteArray> blobs { layer, config, doc };
    for (int i = 0; i < depth; ++i) {
        doc = json(ociIndex({ descriptor(type, doc) }));
        type = indexType;
        blobs.append(doc);
    }
    return ociLayout(ociIndex({ tagged(descriptor(type, doc), ref) }), blobs);
}

// The pieces of a one-layer docker-archive, for fixtures that damage the outer tar itself.
struct DockerParts {
    QByteArray layer, configName, config, manifest;
};

DockerParts dockerParts(const QByteArray &layer, const QString &tag, const QByteArray &config = {})
{
    DockerParts p { layer, {}, config.isEmpty() ? imageConfig({ digestOf(layer) }) : config, {} };
    p.configName = sha256Hex(p.config).toUtf8() + ".json";
    p.manifest = QJsonDocument(QJsonArray { QJsonObject { { QStringLiteral("Config"), QString::fromUtf8(p.configName) }, { QStringLiteral("RepoTags"), QJsonArray { tag } },
                                   { QStringLiteral("Layers"), QJsonArray { QStringLiteral("0/layer.tar") } } } })
                     .toJson(QJsonDocument::Compact);
    return p;
}

QStringList entries(const QString &dir)
{
    QStringList names;
    QDirIterator it(dir, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext())
        names.append(it.next().mid(dir.size()));
    names.sort();
    return names;
}

} // namespace

class TestHostile : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_canary; // outside every store; must never change
    QString m_canarySnapshot;
    int m_count = 0;
    int m_refusalsSeen = 0; // rows of refused() whose archive was refused and left nothing

    QByteArray canary() const { return m_canary.toUtf8(); }

    static QByteArray ociArchive(const QByteArray &layer, const std::function<void(QJsonObject *index, QJsonObject *manifest)> &tamper = {},
        const QByteArray &extraName = {}, const QByteArray &extraContent = {})
    {
        const QByteArray config = imageConfig({ QString(QStringLiteral("sha256:") + sha256Hex(layer)) });
        QJsonObject manifest { { QStringLiteral("schemaVersion"), 2 }, { QStringLiteral("mediaType"), QStringLiteral("application/vnd.oci.image.manifest.v1+json") },
            { QStringLiteral("config"), QJsonObject { { QStringLiteral("mediaType"), QStringLiteral("application/vnd.oci.image.config.v1+json") },
                                            { QStringLiteral("digest"), QString(QStringLiteral("sha256:") + sha256Hex(config)) }, { QStringLiteral("size"), qint64(config.size()) } } },
            { QStringLiteral("layers"), QJsonArray { QJsonObject { { QStringLiteral("mediaType"), QStringLiteral("application/vnd.oci.image.layer.v1.tar") },
                                            { QStringLiteral("digest"), QString(QStringLiteral("sha256:") + sha256Hex(layer)) }, { QStringLiteral("size"), qint64(layer.size()) } } } } };
        QJsonObject index;
        if (tamper)
            tamper(nullptr, &manifest); // the manifest first: the index names its final bytes
        QByteArray manifestBytes = QJsonDocument(manifest).toJson(QJsonDocument::Compact);
        index = QJsonObject { { QStringLiteral("schemaVersion"), 2 },
            { QStringLiteral("manifests"), QJsonArray { QJsonObject { { QStringLiteral("mediaType"), QStringLiteral("application/vnd.oci.image.manifest.v1+json") },
                                               { QStringLiteral("digest"), QString(QStringLiteral("sha256:") + sha256Hex(manifestBytes)) }, { QStringLiteral("size"), qint64(manifestBytes.size()) },
                                               { QStringLiteral("annotations"), QJsonObject { { QStringLiteral("org.opencontainers.image.ref.name"), QStringLiteral("hostile:oci") } } } } } } };
        if (tamper)
            tamper(&index, nullptr);
        TarBuilder tar;
        tar.file("oci-layout", R"({"imageLayoutVersion":"1.0.0"})").file("index.json", QJsonDocument(index).toJson(QJsonDocument::Compact));
        tar.file("blobs/sha256/" + sha256Hex(manifestBytes).toUtf8(), manifestBytes);
        tar.file("blobs/sha256/" + sha256Hex(config).toUtf8(), config);
        tar.file("blobs/sha256/" + sha256Hex(layer).toUtf8(), layer);
        if (!extraName.isEmpty())
            tar.file(extraName, extraContent);
        return tar.build();
    }

    static QByteArray layerArchive(const TarBuilder &layer) { return dockerArchive({ layer.build() }, QStringLiteral("hostile:latest")); }
    static QByteArray layerArchive(const QByteArray &layer) { return dockerArchive({ layer }, QStringLiteral("hostile:latest")); }

    QString newStore()
    {
        const QString root = m_tmp.filePath(QStringLiteral("store-%1").arg(++m_count));
        const RunResult r = stratactl(root, { QStringLiteral("images") });
        return r.exitCode == 0 ? root : QString();
    }

    // The refusal left everything as it was: the canary, and a store without images, blobs,
    // snapshots or staging that `check` finds clean.
    void verifyUntouched(const QString &root)
    {
        QCOMPARE(treeSnapshot(m_canary), m_canarySnapshot);
        // Only root could write there: for anyone else the canary above is the check.
        if (geteuid() == 0)
            QVERIFY(!QFile::exists(QStringLiteral("/etc/strata-evil")));
        const RunResult images = stratactl(root, { QStringLiteral("images"), QStringLiteral("-q") });
        QCOMPARE(images.exitCode, 0);
        QCOMPARE(images.out, QByteArray());
        // Nothing half-done: no snapshot, no blob, no staging left behind.
        // Whichever driver the store has: every folder under layers/ is empty.
        const QStringList drivers = QDir(root + QStringLiteral("/layers")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        QCOMPARE(drivers.size(), 1);
        for (const QString &driver : drivers)
            QCOMPARE(QDir(root + QStringLiteral("/layers/") + driver).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden), QStringList());
        QCOMPARE(QDir(root + QStringLiteral("/images/blobs/sha256")).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden), QStringList());
        QCOMPARE(QDir(root + QStringLiteral("/tmp")).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden), QStringList());
        const RunResult check = stratactl(root, { QStringLiteral("check") });
        QVERIFY2(check.exitCode == 0, check.out.constData());
    }

    static void verifyRefusal(const RunResult &r, const QString &mustName)
    {
        QVERIFY2(r.exitCode == 1, qPrintable(QStringLiteral("exit %1, out: %2 err: %3").arg(r.exitCode).arg(QString::fromUtf8(r.out), QString::fromUtf8(r.err))));
        QVERIFY2(QString::fromUtf8(r.err).contains(mustName), qPrintable(QStringLiteral("error does not name '%1': %2").arg(mustName, QString::fromUtf8(r.err))));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_canary = m_tmp.filePath(QStringLiteral("canary"));
        QVERIFY(writeFile(m_canary + QStringLiteral("/file"), "precious"));
        QVERIFY(writeFile(m_canary + QStringLiteral("/sub/deep"), "also precious"));
        m_canarySnapshot = treeSnapshot(m_canary);
    }

    void refused_data()
    {
        QTest::addColumn<QByteArray>("archive");
        QTest::addColumn<QString>("mustName"); // the error names this entry or object

        const QByteArray c = canary();
        const QByteArray gz = TarBuilder().file("ok", QByteArray(200000, 'z')).build(TarBuilder::Compression::Gzip);
        const QByteArray zst = TarBuilder().file("ok", QByteArray(200000, 'z')).build(TarBuilder::Compression::Zstd);
        const QByteArray plain = TarBuilder().file("ok", QByteArray(200000, 'z')).build();

        QTest::newRow("dotdot") << layerArchive(TarBuilder().file("../canary/evil", "x")) << QStringLiteral("../canary/evil");
        QTest::newRow("dotdot nested") << layerArchive(TarBuilder().dir("a").file("a/../../canary/evil", "x")) << QStringLiteral("a/../../canary/evil");
        QTest::newRow("dotdot deep") << layerArchive(TarBuilder().file("a/b/c/../../../../../../../../canary/file", "x")) << QStringLiteral("canary/file");
        QTest::newRow("absolute") << layerArchive(TarBuilder().file(c + "/evil", "x")) << QString::fromUtf8(c + "/evil");
        QTest::newRow("absolute etc") << layerArchive(TarBuilder().file("/etc/strata-evil", "x")) << QStringLiteral("/etc/strata-evil");
        QTest::newRow("symlink then write") << layerArchive(TarBuilder().symlink("s", c).file("s/evil", "x")) << QStringLiteral("s/evil");
        QTest::newRow("relative symlink then write") << layerArchive(TarBuilder().symlink("s", "../../../../../../../..").file("s/tmp/evil", "x")) << QStringLiteral("s/tmp/evil");
        QTest::newRow("symlink chain then write") << layerArchive(TarBuilder().symlink("s2", c).symlink("s1", "s2").file("s1/evil", "x")) << QStringLiteral("s1/evil");
        QTest::newRow("symlink then mkdir") << layerArchive(TarBuilder().symlink("s", c).dir("s/newdir")) << QStringLiteral("s/newdir");
        QTest::newRow("symlink then hardlink into") << layerArchive(TarBuilder().file("f", "x").symlink("s", c).hardlink("s/evil", "f")) << QStringLiteral("s/evil");
        QTest::newRow("hardlink outside") << layerArchive(TarBuilder().hardlink("h", "../canary/file")) << QStringLiteral("h");
        QTest::newRow("hardlink absolute") << layerArchive(TarBuilder().hardlink("h", c + "/file")) << QStringLiteral("h");
        QTest::newRow("hardlink through symlink") << layerArchive(TarBuilder().symlink("s", c).hardlink("h", "s/file")) << QStringLiteral("h");
        QTest::newRow("hardlink to missing") << layerArchive(TarBuilder().hardlink("h", "nothere")) << QStringLiteral("h");
        QTest::newRow("hardlink to directory") << layerArchive(TarBuilder().dir("d").hardlink("h", "d")) << QStringLiteral("h");
        QTest::newRow("whiteout dot") << layerArchive(TarBuilder().file(".wh..", "")) << QStringLiteral(".wh..");
        QTest::newRow("whiteout dotdot") << layerArchive(TarBuilder().file(".wh...", "")) << QStringLiteral(".wh...");
        QTest::newRow("whiteout empty name") << layerArchive(TarBuilder().dir("d").file("d/.wh.", "")) << QStringLiteral("d/.wh.");
        QTest::newRow("whiteout under symlink") << layerArchive(TarBuilder().symlink("s", c).file("s/.wh.file", "")) << QStringLiteral("s/.wh.file");
        QTest::newRow("opaque under symlink") << layerArchive(TarBuilder().symlink("s", c).file("s/.wh..wh..opq", "")) << QStringLiteral("s/.wh..wh..opq");
        QTest::newRow("whiteout dotdot path") << layerArchive(TarBuilder().file("../canary/.wh.file", "")) << QStringLiteral("../canary/.wh.file");
        QTest::newRow("redefined dir symlink file") << layerArchive(TarBuilder().dir("a").symlink("a", c).file("a/x", "x")) << QStringLiteral("'a'");
        QTest::newRow("redefined file to dir") << layerArchive(TarBuilder().file("a", "x").dir("a")) << QStringLiteral("'a/'");
        QTest::newRow("redefined symlink to file") << layerArchive(TarBuilder().symlink("a", c + "/file").file("a", "x")) << QStringLiteral("'a'");
        QTest::newRow("pax header over 1 MiB") << layerArchive(TarBuilder().fileWithXattr("big", "x", "user.big", QByteArray(1536 * 1024, 'p'))) << QStringLiteral("entry #1");
        QTest::newRow("path over 4 KiB") << layerArchive(TarBuilder().file(QByteArray(5000, 'a'), "x")) << QStringLiteral("aaaa");
        QTest::newRow("truncated gzip") << dockerArchive({ gz.left(gz.size() / 2) }, QStringLiteral("hostile:gz"), { QStringLiteral("sha256:") + sha256Hex(plain) }) << QStringLiteral("0/layer.tar");
        QTest::newRow("junk gzip") << dockerArchive({ QByteArray("\x1f\x8b\x08\x00", 4) + QByteArray(5000, '\x7f') }, QStringLiteral("hostile:gz"), { QStringLiteral("sha256:") + sha256Hex(plain) })
                                   << QStringLiteral("0/layer.tar");
        QTest::newRow("truncated zstd") << dockerArchive({ zst.left(zst.size() / 2) }, QStringLiteral("hostile:zst"), { QStringLiteral("sha256:") + sha256Hex(plain) }) << QStringLiteral("0/layer.tar");
        QTest::newRow("junk zstd") << dockerArchive({ QByteArray("\x28\xb5\x2f\xfd", 4) + QByteArray(5000, '\x55') }, QStringLiteral("hostile:zst"), { QStringLiteral("sha256:") + sha256Hex(plain) })
                                   << QStringLiteral("0/layer.tar");
        QTest::newRow("truncated tar") << dockerArchive({ plain.left(100000) }, QStringLiteral("hostile:cut")) << QStringLiteral("0/layer.tar");
        QTest::newRow("junk layer") << dockerArchive({ QByteArray(3000, 'J') }, QStringLiteral("hostile:junk")) << QStringLiteral("0/layer.tar");
        QTest::newRow("diffID mismatch") << dockerArchive({ plain }, QStringLiteral("hostile:lie"), { QStringLiteral("sha256:") + sha256Hex("other") }) << QStringLiteral("0/layer.tar");
        QTest::newRow("diffID mismatch compressed") << dockerArchive({ gz }, QStringLiteral("hostile:lie"), { QStringLiteral("sha256:") + sha256Hex("other") }) << QStringLiteral("0/layer.tar");
        QTest::newRow("config digest traversal") << dockerArchive({ plain }, QStringLiteral("hostile:dig"), { QStringLiteral("sha256:../x") }) << QStringLiteral("sha256:../x");
        QTest::newRow("oci manifest digest mismatch") << ociArchive(plain, [](QJsonObject *index, QJsonObject *) {
            if (!index)
                return;
            QJsonArray m = index->value(QLatin1String("manifests")).toArray();
            QJsonObject d = m[0].toObject();
            d.insert(QStringLiteral("digest"), QString(QStringLiteral("sha256:") + sha256Hex("not the manifest")));
            m[0] = d;
            index->insert(QStringLiteral("manifests"), m);
        }, "blobs/sha256/" + sha256Hex("not the manifest").toUtf8(), "{\"schemaVersion\":2}") << sha256Hex("not the manifest");
        QTest::newRow("oci layer size mismatch") << ociArchive(plain, [](QJsonObject *, QJsonObject *manifest) {
            if (!manifest)
                return;
            QJsonArray layers = manifest->value(QLatin1String("layers")).toArray();
            QJsonObject d = layers[0].toObject();
            d.insert(QStringLiteral("size"), d.value(QLatin1String("size")).toInt() - 1);
            layers[0] = d;
            manifest->insert(QStringLiteral("layers"), layers);
        }) << QStringLiteral("bytes");
        QTest::newRow("oci digest traversal") << ociArchive(plain, [](QJsonObject *index, QJsonObject *) {
            if (!index)
                return;
            QJsonArray m = index->value(QLatin1String("manifests")).toArray();
            QJsonObject d = m[0].toObject();
            d.insert(QStringLiteral("digest"), QStringLiteral("sha256:../x"));
            m[0] = d;
            index->insert(QStringLiteral("manifests"), m);
        }) << QStringLiteral("sha256:../x");
        QTest::newRow("oci uppercase digest") << ociArchive(plain, [](QJsonObject *, QJsonObject *manifest) {
            if (!manifest)
                return;
            QJsonObject config = manifest->value(QLatin1String("config")).toObject();
            config.insert(QStringLiteral("digest"), config.value(QLatin1String("digest")).toString().toUpper().replace(QLatin1String("SHA256"), QLatin1String("sha256")));
            manifest->insert(QStringLiteral("config"), config);
        }) << QStringLiteral("sha256:");

        // The outer archive itself.
        TarBuilder escape;
        escape.file("../evil", "x").file("manifest.json", "[]");
        QTest::newRow("outer dotdot entry") << escape.build() << QStringLiteral("../evil");
        TarBuilder outerAbs;
        outerAbs.file(c + "/evil", "x");
        QTest::newRow("outer absolute entry") << outerAbs.build() << QString::fromUtf8(c + "/evil");
        TarBuilder layerPath;
        layerPath.file("cfg.json", imageConfig({ QStringLiteral("sha256:") + sha256Hex(plain) }))
            .file("manifest.json", R"([{"Config":"cfg.json","RepoTags":["hostile:path"],"Layers":["../../etc/passwd"]}])");
        QTest::newRow("manifest layer path escapes") << layerPath.build() << QStringLiteral("../../etc/passwd");
        TarBuilder missing;
        missing.file("cfg.json", imageConfig({ QStringLiteral("sha256:") + sha256Hex(plain) }))
            .file("manifest.json", R"([{"Config":"cfg.json","RepoTags":["hostile:missing"],"Layers":["nothere/layer.tar"]}])");
        QTest::newRow("manifest layer missing") << missing.build() << QStringLiteral("nothere/layer.tar");
        TarBuilder linkOut;
        linkOut.symlink("manifest.json", "/etc/passwd");
        QTest::newRow("outer symlink escapes") << linkOut.build() << QStringLiteral("manifest.json");
        TarBuilder badTag;
        badTag.file("0/layer.tar", plain).file("cfg.json", imageConfig({ QStringLiteral("sha256:") + sha256Hex(plain) }))
            .file("manifest.json", R"([{"Config":"cfg.json","RepoTags":["../Evil:tag"],"Layers":["0/layer.tar"]}])");
        QTest::newRow("bad tag") << badTag.build() << QStringLiteral("../Evil:tag");
        QTest::newRow("not an archive") << QByteArray("this is not a tar file at all, just text") << QStringLiteral("hostile-");

        // Image references by the distribution/reference grammar, as a docker-archive's RepoTags.
        QTest::newRow("tag ../x") << dockerArchive({ plain }, QStringLiteral("../x")) << QStringLiteral("'../x'");
        QTest::newRow("tag with a trailing newline") << dockerArchive({ plain }, QStringLiteral("hostile:latest\n")) << QStringLiteral("'hostile:latest\\n'");
        QTest::newRow("domain with an empty component") << dockerArchive({ plain }, QStringLiteral("a..b/x")) << QStringLiteral("'a..b/x'");
        QTest::newRow("domain component ending in a dash") << dockerArchive({ plain }, QStringLiteral("a-.com/x:1")) << QStringLiteral("'a-.com/x:1'");
        QTest::newRow("image ID as repository") << dockerArchive({ plain }, sha256Hex("id")) << QStringLiteral("64 hexadecimal digits");
        QTest::newRow("reference by digest") << dockerArchive({ plain }, QStringLiteral("x@") + digestOf("d")) << QStringLiteral("by digest");
        QTest::newRow("repository over 255 characters") << dockerArchive({ plain }, QString(250, u'a')) << QStringLiteral("255 characters");

        // Damaged tar headers. libarchive reports a bad checksum as ARCHIVE_RETRY and would go on
        // reading the next 512 bytes as a header, where GNU tar and Python's tarfile stop: what
        // is hidden there must not be extracted. An entry whose size field disagrees with its
        // data puts the next header in the wrong place, or swallows the end-of-archive blocks.
        const QByteArray hiddenFile = TarBuilder::header("hidden", 6) + TarBuilder::padded("hidden");
        QTest::newRow("bad checksum entry") << layerArchive(TarBuilder().file("a", "x").file("b", "y").badChecksum().file("c", "z")) << QStringLiteral("byte offset 1024");
        QTest::newRow("bad checksum first entry") << layerArchive(TarBuilder().file("a", "x").badChecksum().file("b", "y")) << QStringLiteral("0/layer.tar");
        QTest::newRow("header hidden in bad-checksum entry") << layerArchive(TarBuilder().file("a", "x").file("b", hiddenFile).badChecksum()) << QStringLiteral("byte offset 1024");
        QTest::newRow("size field short of data") << layerArchive(TarBuilder().file("a", QByteArray(1000, 'A')).sizeField(10).file("b", "y")) << QStringLiteral("after 'a'");
        QTest::newRow("garbage between entries") << layerArchive(TarBuilder().file("a", "x").raw(QByteArray(512, 'G')).file("b", "y")) << QStringLiteral("byte offset 1024");
        QTest::newRow("size field swallows end marker") << layerArchive(TarBuilder().file("a", "x").file("b", "0123456789").sizeField(10 + 1024)) << QStringLiteral("'b'");
        const QByteArray twoFiles = TarBuilder().file("a", "x").file("b", "y").build();
        QTest::newRow("cut at a header boundary") << layerArchive(twoFiles.left(twoFiles.size() - 1024)) << QStringLiteral("'b'");
        QTest::newRow("cut inside a header") << layerArchive(twoFiles.left(1024 + 100)) << QStringLiteral("0/layer.tar");
        QTest::newRow("malformed pax record") << layerArchive(TarBuilder().raw(TarBuilder::header("PaxHeader", 12, 'x') + TarBuilder::padded("9 path=evil\n")).file("innocent", "x"))
                                              << QStringLiteral("innocent");
        QTest::newRow("bad checksum compressed") << dockerArchive({ TarBuilder().file("a", "x").file("b", hiddenFile).badChecksum().build(TarBuilder::Compression::Gzip) }, QStringLiteral("hostile:gz"),
            { QStringLiteral("sha256:") + sha256Hex(TarBuilder().file("a", "x").file("b", hiddenFile).badChecksum().build()) })
                                                 << QStringLiteral("byte offset 1024");

        // The same damage in the outer archive, which the loader reads itself.
        const DockerParts parts = dockerParts(plain, QStringLiteral("hostile:outer"));
        const qint64 afterConfig = 512 + TarBuilder::padded(plain).size() + 512 + TarBuilder::padded(parts.config).size();
        const QString junkAt = QStringLiteral("byte offset %1").arg(afterConfig);
        QTest::newRow("outer bad checksum entry") << TarBuilder().file("0/layer.tar", plain).file(parts.configName, parts.config).file("junk", "x").badChecksum().file("manifest.json", parts.manifest).build()
                                                  << junkAt;
        QTest::newRow("outer manifest hidden in bad-checksum entry")
            << TarBuilder().file("0/layer.tar", plain).file(parts.configName, parts.config).file("decoy", TarBuilder::header("manifest.json", parts.manifest.size()) + TarBuilder::padded(parts.manifest)).badChecksum().build()
            << junkAt;
        QTest::newRow("outer garbage between entries")
            << TarBuilder().file("0/layer.tar", plain).file(parts.configName, parts.config).raw(QByteArray(1024, 'G')).file("manifest.json", parts.manifest).build() << junkAt;
        QTest::newRow("outer size field short of data")
            << TarBuilder().file("0/layer.tar", plain).file(parts.configName, parts.config).file("junk", QByteArray(3000, 'J')).sizeField(1).file("manifest.json", parts.manifest).build()
            << QStringLiteral("after 'junk'");
        const QByteArray whole = TarBuilder().file("0/layer.tar", plain).file(parts.configName, parts.config).file("manifest.json", parts.manifest).build();
        QTest::newRow("outer cut at a header boundary") << whole.left(whole.size() - 1024) << QStringLiteral("'manifest.json'");
        QTest::newRow("outer size field swallows end marker")
            << TarBuilder().file("0/layer.tar", plain).file(parts.configName, parts.config).file("manifest.json", parts.manifest).file("tail", "t").sizeField(1 + 1024).build()
            << QStringLiteral("'tail'");

        // OCI rules. A config's rootfs MUST be of type "layers"; a document is a manifest or an
        // index, never both, and says what its descriptor says it is (CVE-2021-41190).
        const QByteArray plainConfig = imageConfig({ digestOf(plain) });
        const QByteArray plainManifest = json(ociManifest(plainConfig, { plain }));
        const QByteArray noRootfs = R"({"architecture":"amd64","os":"linux","config":{}})";
        const QByteArray emptyManifest = json(ociManifest(noRootfs, {}));
        QTest::newRow("oci config without rootfs") << ociLayout(ociIndex({ tagged(descriptor(manifestType, emptyManifest), QStringLiteral("hostile:oci")) }), { noRootfs, emptyManifest })
                                                   << QStringLiteral("rootfs");
        QJsonObject fooConfig = QJsonDocument::fromJson(plainConfig).object();
        fooConfig.insert(QStringLiteral("rootfs"), QJsonObject { { QStringLiteral("type"), QStringLiteral("foo") }, { QStringLiteral("diff_ids"), QJsonArray { digestOf(plain) } } });
        const QByteArray fooManifest = json(ociManifest(json(fooConfig), { plain }));
        QTest::newRow("oci rootfs type not layers") << ociLayout(ociIndex({ tagged(descriptor(manifestType, fooManifest), QStringLiteral("hostile:oci")) }), { plain, json(fooConfig), fooManifest })
                                                    << QStringLiteral("'foo'");
        const DockerParts fooParts = dockerParts(plain, QStringLiteral("hostile:foo"), json(fooConfig));
        QTest::newRow("docker rootfs type not layers") << TarBuilder().file("0/layer.tar", plain).file(fooParts.configName, fooParts.config).file("manifest.json", fooParts.manifest).build()
                                                       << QStringLiteral("'foo'");
        QJsonObject claimsIndex = ociManifest(plainConfig, { plain });
        claimsIndex.insert(QStringLiteral("mediaType"), indexType);
        QTest::newRow("manifest says it is an index") << ociLayout(ociIndex({ tagged(descriptor(manifestType, json(claimsIndex)), QStringLiteral("hostile:oci")) }), { plain, plainConfig, json(claimsIndex) })
                                                      << sha256Hex(json(claimsIndex));
        QTest::newRow("index entry says index, points at a manifest")
            << ociLayout(ociIndex({ tagged(descriptor(indexType, plainManifest), QStringLiteral("hostile:oci")) }), { plain, plainConfig, plainManifest }) << sha256Hex(plainManifest);
        const QByteArray otherLayer = TarBuilder().file("other", "o").build();
        const QByteArray otherConfig = imageConfig({ digestOf(otherLayer) });
        QJsonObject both = ociIndex({ descriptor(manifestType, plainManifest) });
        both.insert(QStringLiteral("config"), descriptor(configType, otherConfig));
        both.insert(QStringLiteral("layers"), QJsonArray { descriptor(layerType, otherLayer) });
        QTest::newRow("nested index with config and layers") << ociLayout(ociIndex({ tagged(descriptor(indexType, json(both)), QStringLiteral("hostile:oci")) }),
                                                                    { plain, plainConfig, plainManifest, otherLayer, otherConfig, json(both) })
                                                             << sha256Hex(json(both));
        QJsonObject topBoth = ociIndex({ tagged(descriptor(manifestType, plainManifest), QStringLiteral("hostile:oci")) });
        topBoth.insert(QStringLiteral("config"), descriptor(configType, otherConfig));
        topBoth.insert(QStringLiteral("layers"), QJsonArray { descriptor(layerType, otherLayer) });
        QTest::newRow("index.json with config and layers") << ociLayout(topBoth, { plain, plainConfig, plainManifest, otherLayer, otherConfig }) << QStringLiteral("index.json");
        QJsonObject manifestWithManifests = ociManifest(otherConfig, { otherLayer });
        manifestWithManifests.insert(QStringLiteral("manifests"), QJsonArray { descriptor(manifestType, plainManifest) });
        QTest::newRow("manifest with manifests") << ociLayout(ociIndex({ tagged(descriptor(manifestType, json(manifestWithManifests)), QStringLiteral("hostile:oci")) }),
                                                        { plain, plainConfig, plainManifest, otherLayer, otherConfig, json(manifestWithManifests) })
                                                 << sha256Hex(json(manifestWithManifests));
        QTest::newRow("index nested 5 deep") << nestedOci(5, plain, QStringLiteral("hostile:deep")) << QStringLiteral("deeper than 4");
        const QByteArray emptyIndex = json(ociIndex({}));
        QTest::newRow("nested index without manifests") << ociLayout(ociIndex({ tagged(descriptor(indexType, emptyIndex), QStringLiteral("hostile:oci")) }), { emptyIndex }) << sha256Hex(emptyIndex);
        const QByteArray schema1 = R"({"schemaVersion":1,"name":"library/x","tag":"latest","architecture":"amd64","fsLayers":[{"blobSum":"sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4"}],"history":[{"v1Compatibility":"{}"}]})";
        QTest::newRow("schema 1 manifest") << ociLayout(ociIndex({ tagged(descriptor(QStringLiteral("application/vnd.docker.distribution.manifest.v1+prettyjws"), schema1), QStringLiteral("hostile:v1")) }), { schema1 })
                                           << QStringLiteral("schema 1");
        QTest::newRow("schema 1 manifest, no media type") << ociLayout(ociIndex({ tagged(descriptor(manifestType, schema1), QStringLiteral("hostile:v1")) }), { schema1 }) << QStringLiteral("schema 1");
        QTest::newRow("oci layer size with a fraction") << ociArchive(plain, [](QJsonObject *, QJsonObject *manifest) {
            if (!manifest)
                return;
            QJsonArray layers = manifest->value(QLatin1String("layers")).toArray();
            QJsonObject d = layers[0].toObject();
            d.insert(QStringLiteral("size"), d.value(QLatin1String("size")).toDouble() + 0.5);
            layers[0] = d;
            manifest->insert(QStringLiteral("layers"), layers);
        }) << QString::number(plain.size()) + QStringLiteral(".5");
    }

    void refused()
    {
        QFETCH(QByteArray, archive);
        QFETCH(QString, mustName);
        const QString root = newStore();
        QVERIFY(!root.isEmpty());
        const QString path = m_tmp.filePath(QStringLiteral("hostile-%1.tar").arg(m_count));
        QVERIFY(writeFile(path, archive));

        verifyRefusal(stratactl(root, { QStringLiteral("load"), QStringLiteral("-i"), path }), mustName);
        if (QTest::currentTestFailed())
            return;
        verifyUntouched(root);
        if (!QTest::currentTestFailed())
            ++m_refusalsSeen;
    }

    // The harness can tell success from refusal: a benign archive with the same shapes loads.
    void benignControl()
    {
        const QString root = m_tmp.filePath(QStringLiteral("store-benign"));
        TarBuilder layer;
        layer.dir("d").file("d/f", "ok").symlink("abs", canary()).symlink("rel", "../../x").hardlink("d/h", "d/f").file(".wh.absent", "").dir("e").file("e/.wh..wh..opq", "");
        QVERIFY(writeFile(m_tmp.filePath(QStringLiteral("benign.tar")), dockerArchive({ layer.build() }, QStringLiteral("benign:latest"))));
        const RunResult r = stratactl(root, { QStringLiteral("load"), QStringLiteral("-i"), m_tmp.filePath(QStringLiteral("benign.tar")) });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.out, QByteArray("Loaded image: benign:latest\n"));
        QCOMPARE(treeSnapshot(m_canary), m_canarySnapshot);
        QCOMPARE(stratactl(root, { QStringLiteral("check") }).exitCode, 0);
    }

    // Legal shapes next to the refused ones: the checks above do not refuse these.
    void loads_data()
    {
        QTest::addColumn<QByteArray>("archive");
        QTest::addColumn<QByteArray>("out");
        const QByteArray layer = TarBuilder().file("f", "nested").build();
        QTest::newRow("oci index nested once") << nestedOci(1, layer, QStringLiteral("nested:1")) << QByteArray("Loaded image: nested:1\n");
        QTest::newRow("oci index nested twice") << nestedOci(2, layer, QStringLiteral("nested:2")) << QByteArray("Loaded image: nested:2\n");
        QTest::newRow("oci index nested 4 deep") << nestedOci(4, layer, QStringLiteral("nested:4")) << QByteArray("Loaded image: nested:4\n");
        const QByteArray config = imageConfig({ digestOf(layer) });
        const QByteArray manifest = json(ociManifest(config, { layer }));
        QJsonObject noMediaType = ociIndex({ tagged(descriptor(manifestType, manifest), QStringLiteral("plain:1")) });
        noMediaType.remove(QStringLiteral("mediaType")); // optional in index.json
        QTest::newRow("oci index.json without mediaType") << ociLayout(noMediaType, { layer, config, manifest }) << QByteArray("Loaded image: plain:1\n");
        // References the grammar allows, and the name:tag they are kept as.
        const QByteArray small = TarBuilder().file("f", "named").build();
        const QString longPath = QStringLiteral("registry.example.com/") + QString(250, u'a'); // the 255 are of the path, not the domain
        const QList<QPair<QString, QString>> references {
            { QStringLiteral("[::1]:5000/app:1"), QStringLiteral("[::1]:5000/app:1") },
            { QStringLiteral("localhost:5000/ns/app:v1.0"), QStringLiteral("localhost:5000/ns/app:v1.0") },
            { QStringLiteral("Registry.Example.com/app"), QStringLiteral("Registry.Example.com/app:latest") },
            { QStringLiteral("a__b/c--d.e_f:T_1.x-y"), QStringLiteral("a__b/c--d.e_f:T_1.x-y") },
            { longPath, longPath + QStringLiteral(":latest") },
        };
        for (const auto &[ref, kept] : references)
            QTest::addRow("reference %s", qPrintable(ref.left(40))) << dockerArchive({ small }, ref) << QByteArray("Loaded image: " + kept.toUtf8() + "\n");
        const QByteArray utf8 = TarBuilder().file("caf\xc3\xa9/na\xc3\xafve", "x").build();
        QTest::newRow("utf-8 names") << dockerArchive({ utf8 }, QStringLiteral("utf8:1")) << QByteArray("Loaded image: utf8:1\n");
        // A PAX path that is not UTF-8: libarchive warns that it cannot convert it and keeps the
        // bytes. That warning is not damage.
        const QByteArray latin1 = TarBuilder().raw(TarBuilder::header("PaxHeader", 13, 'x') + TarBuilder::padded("13 path=caf\xe9\n")).file("placeholder", "x").build();
        QTest::newRow("pax path not utf-8") << dockerArchive({ latin1 }, QStringLiteral("latin1:1")) << QByteArray("Loaded image: latin1:1\n");
    }

    void loads()
    {
        QFETCH(QByteArray, archive);
        QFETCH(QByteArray, out);
        const QString root = newStore();
        QVERIFY(!root.isEmpty());
        const QString path = m_tmp.filePath(QStringLiteral("legal-%1.tar").arg(m_count));
        QVERIFY(writeFile(path, archive));
        const RunResult r = stratactl(root, { QStringLiteral("load"), QStringLiteral("-i"), path });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.out, out);
        const RunResult check = stratactl(root, { QStringLiteral("check") });
        QVERIFY2(check.exitCode == 0, check.out.constData());
    }

    // The store's own index is read with the same care: a descriptor size of 2048.5 is no size.
    void storeIndexSizeWithFraction()
    {
        const QString root = newStore();
        QVERIFY(!root.isEmpty());
        const QString path = m_tmp.filePath(QStringLiteral("fraction.tar"));
        QVERIFY(writeFile(path, dockerArchive({ TarBuilder().file("f", "x").build() }, QStringLiteral("fraction:1"))));
        const RunResult loaded = stratactl(root, { QStringLiteral("load"), QStringLiteral("-i"), path });
        QVERIFY2(loaded.exitCode == 0, loaded.err.constData());
        const QString indexPath = root + QStringLiteral("/images/index.json");
        QJsonObject index = QJsonDocument::fromJson(readFile(indexPath)).object();
        QJsonArray manifests = index.value(QLatin1String("manifests")).toArray();
        QCOMPARE(manifests.size(), 1);
        QJsonObject desc = manifests[0].toObject();
        desc.insert(QStringLiteral("size"), desc.value(QLatin1String("size")).toDouble() + 0.5);
        manifests[0] = desc;
        index.insert(QStringLiteral("manifests"), manifests);
        QVERIFY(writeFile(indexPath, json(index)));
        const RunResult images = stratactl(root, { QStringLiteral("images") });
        QVERIFY2(images.exitCode != 0 && images.err.contains("no valid size"), qPrintable(QStringLiteral("exit %1, out: %2 err: %3").arg(images.exitCode).arg(QString::fromUtf8(images.out), QString::fromUtf8(images.err))));
    }

    // A small layer that inflates to more than the free space: the load stops while a reserve
    // of free space is left (STRATA_MIN_FREE_BYTES, set here just below what is free so a few
    // tens of MiB trip it), and leaves nothing staged.
    void refusedBeforeDiskFull_data()
    {
        QTest::addColumn<QByteArray>("archive");
        QTest::addColumn<QString>("mustName");
        const QByteArray zeros(96 * 1024 * 1024, '\0');
        const TarBuilder bomb = TarBuilder().file("zeros", zeros);
        const QString diffId = digestOf(bomb.build());
        QTest::newRow("gzip layer of zeros") << dockerArchive({ bomb.build(TarBuilder::Compression::Gzip) }, QStringLiteral("hostile:bomb"), { diffId }) << QStringLiteral("'zeros'");
        QTest::newRow("zstd layer of zeros") << dockerArchive({ bomb.build(TarBuilder::Compression::Zstd) }, QStringLiteral("hostile:bomb"), { diffId }) << QStringLiteral("'zeros'");
        const QByteArray small = TarBuilder().file("f", "small").build();
        const DockerParts parts = dockerParts(small, QStringLiteral("hostile:padded"));
        QTest::newRow("gzip archive with an unreferenced member of zeros")
            << TarBuilder().file("0/layer.tar", small).file(parts.configName, parts.config).file("manifest.json", parts.manifest).file("padding", zeros).build(TarBuilder::Compression::Gzip)
            << QStringLiteral("'padding'");
    }

    void refusedBeforeDiskFull()
    {
        QFETCH(QByteArray, archive);
        QFETCH(QString, mustName);
        const QString root = newStore();
        QVERIFY(!root.isEmpty());
        const QString path = m_tmp.filePath(QStringLiteral("bomb-%1.tar").arg(m_count));
        QVERIFY(writeFile(path, archive));
        const qint64 margin = 32 * 1024 * 1024; // the archives inflate to 96 MiB
        auto reserve = [&] { return QString::number(QStorageInfo(root).bytesAvailable() - margin); };
        if (QStorageInfo(root).bytesAvailable() < 4 * margin)
            QSKIP("less than 128 MiB free where the test stores live");
        const QString program = QStringLiteral(STRATACTL_PATH);
        verifyRefusal(run(program, { QStringLiteral("--root"), root, QStringLiteral("load"), QStringLiteral("-i"), path }, 120000, { { QStringLiteral("STRATA_MIN_FREE_BYTES"), reserve() } }),
            mustName);
        if (QTest::currentTestFailed())
            return;
        verifyUntouched(root);
        if (QTest::currentTestFailed())
            return;
        // The reserve is what stopped it: a small image loads with the same setting.
        const QString benign = m_tmp.filePath(QStringLiteral("small-%1.tar").arg(m_count));
        QVERIFY(writeFile(benign, dockerArchive({ TarBuilder().file("f", "small").build() }, QStringLiteral("small:latest"))));
        const RunResult r = run(program, { QStringLiteral("--root"), root, QStringLiteral("load"), QStringLiteral("-i"), benign }, 120000, { { QStringLiteral("STRATA_MIN_FREE_BYTES"), reserve() } });
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }

    // An archive whose config names a layer the store holds, beside a blob with other content:
    // every blob an archive brings is checked against the diffID it is loaded as, stored or not.
    void refusedLyingAboutStoredLayer_data()
    {
        QTest::addColumn<QByteArray>("archive");
        QTest::addColumn<QString>("mustName");
        const QByteArray stored = TarBuilder().file("real", "the stored layer").build();
        const QByteArray other = TarBuilder().file("fake", "other content").build();
        const QByteArray otherGz = TarBuilder().file("fake", "other content").build(TarBuilder::Compression::Gzip);
        QTest::newRow("docker gzip blob") << dockerArchive({ otherGz }, QStringLiteral("liar:gz"), { digestOf(stored) }) << QStringLiteral("0/layer.tar");
        QTest::newRow("docker plain blob") << dockerArchive({ other }, QStringLiteral("liar:plain"), { digestOf(stored) }) << QStringLiteral("0/layer.tar");
        const QByteArray config = imageConfig({ digestOf(stored) });
        const QByteArray manifest = json(ociManifest(config, { otherGz }, gzipLayerType));
        QTest::newRow("oci gzip blob") << ociLayout(ociIndex({ tagged(descriptor(manifestType, manifest), QStringLiteral("liar:oci")) }), { otherGz, config, manifest })
                                       << sha256Hex(otherGz);
        // Two images of one archive naming one new diffID with two different blobs.
        const QByteArray fresh = TarBuilder().file("fresh", "new layer").build();
        const QByteArray freshGz = TarBuilder().file("fresh", "new layer").build(TarBuilder::Compression::Gzip);
        const QByteArray configA = imageConfig({ digestOf(fresh) }, { QStringLiteral("a") });
        const QByteArray configB = imageConfig({ digestOf(fresh) }, { QStringLiteral("b") });
        const QJsonArray two {
            QJsonObject { { QStringLiteral("Config"), QString(sha256Hex(configA) + QStringLiteral(".json")) }, { QStringLiteral("RepoTags"), QJsonArray { QStringLiteral("liar:a") } },
                { QStringLiteral("Layers"), QJsonArray { QStringLiteral("0/layer.tar") } } },
            QJsonObject { { QStringLiteral("Config"), QString(sha256Hex(configB) + QStringLiteral(".json")) }, { QStringLiteral("RepoTags"), QJsonArray { QStringLiteral("liar:b") } },
                { QStringLiteral("Layers"), QJsonArray { QStringLiteral("1/layer.tar") } } },
        };
        QTest::newRow("one diffID, two blobs") << TarBuilder()
                                                       .file("0/layer.tar", freshGz)
                                                       .file("1/layer.tar", otherGz)
                                                       .file(sha256Hex(configA).toUtf8() + ".json", configA)
                                                       .file(sha256Hex(configB).toUtf8() + ".json", configB)
                                                       .file("manifest.json", QJsonDocument(two).toJson(QJsonDocument::Compact))
                                                       .build()
                                               << QStringLiteral("1/layer.tar");
    }

    void refusedLyingAboutStoredLayer()
    {
        QFETCH(QByteArray, archive);
        QFETCH(QString, mustName);
        const QString root = newStore();
        QVERIFY(!root.isEmpty());
        const QByteArray stored = TarBuilder().file("real", "the stored layer").build();
        const QString storedPath = m_tmp.filePath(QStringLiteral("stored-%1.tar").arg(m_count));
        QVERIFY(writeFile(storedPath, dockerArchive({ TarBuilder().file("real", "the stored layer").build(TarBuilder::Compression::Gzip) }, QStringLiteral("stored:1"), { digestOf(stored) })));
        const RunResult first = stratactl(root, { QStringLiteral("load"), QStringLiteral("-i"), storedPath });
        QVERIFY2(first.exitCode == 0, first.err.constData());
        const QByteArray imagesBefore = stratactl(root, { QStringLiteral("images"), QStringLiteral("-q") }).out;
        const QStringList storeBefore = entries(root + QStringLiteral("/images")) + entries(root + QStringLiteral("/layers"));

        const QString path = m_tmp.filePath(QStringLiteral("liar-%1.tar").arg(m_count));
        QVERIFY(writeFile(path, archive));
        verifyRefusal(stratactl(root, { QStringLiteral("load"), QStringLiteral("-i"), path }), mustName);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(stratactl(root, { QStringLiteral("images"), QStringLiteral("-q") }).out, imagesBefore);
        QCOMPARE(entries(root + QStringLiteral("/images")) + entries(root + QStringLiteral("/layers")), storeBefore);
        QCOMPARE(entries(root + QStringLiteral("/tmp")), QStringList());
        const RunResult check = stratactl(root, { QStringLiteral("check") });
        QVERIFY2(check.exitCode == 0, check.out.constData());
    }

    // The honest counterpart: the stored layer shipped as another blob (recompressed) loads.
    void storedLayerInAnotherBlobLoads()
    {
        const QString root = newStore();
        QVERIFY(!root.isEmpty());
        const TarBuilder layer = TarBuilder().file("real", "the stored layer");
        const QString diffId = digestOf(layer.build());
        QVERIFY(writeFile(m_tmp.filePath(QStringLiteral("gz.tar")), dockerArchive({ layer.build(TarBuilder::Compression::Gzip) }, QStringLiteral("stored:gz"), { diffId })));
        QVERIFY(writeFile(m_tmp.filePath(QStringLiteral("zst.tar")), dockerArchive({ layer.build(TarBuilder::Compression::Zstd) }, QStringLiteral("stored:zst"), { diffId })));
        RunResult r = stratactl(root, { QStringLiteral("load"), QStringLiteral("-i"), m_tmp.filePath(QStringLiteral("gz.tar")) });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = stratactl(root, { QStringLiteral("load"), QStringLiteral("-i"), m_tmp.filePath(QStringLiteral("zst.tar")) });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.out, QByteArray("Loaded image: stored:zst\n"));
        const RunResult check = stratactl(root, { QStringLiteral("check") });
        QVERIFY2(check.exitCode == 0, check.out.constData());
    }

    // Layers are extracted on several threads (overlay2); a thread that cannot start is an
    // error, not std::terminate. A huge stack limit makes every new thread's stack unmappable.
    void threadStartFailure()
    {
        if (QThread::idealThreadCount() < 2)
            QSKIP("one CPU: the loader starts no extra extraction thread");
        constexpr size_t hugeStack = size_t(1) << 40;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, hugeStack);
        pthread_t probe;
        const bool mapped = pthread_create(&probe, &attr, [](void *) -> void * { return nullptr; }, nullptr) == 0;
        pthread_attr_destroy(&attr);
        if (mapped) {
            pthread_join(probe, nullptr);
            QSKIP("this machine maps a 1 TiB thread stack (memory overcommit), so no thread start can be made to fail");
        }
        const QString root = newStore();
        QVERIFY(!root.isEmpty());
        if (!QDir(root + QStringLiteral("/layers/overlay2")).exists())
            QSKIP("the store's driver extracts layers one after the other, on one thread");
        QList<QByteArray> layers;
        for (int i = 0; i < 3; ++i)
            layers.append(TarBuilder().file("f" + QByteArray::number(i), "layer " + QByteArray::number(i)).build());
        const QString path = m_tmp.filePath(QStringLiteral("threads.tar"));
        QVERIFY(writeFile(path, dockerArchive(layers, QStringLiteral("threads:1"))));
        verifyRefusal(run(QStringLiteral("prlimit"), { QStringLiteral("--stack=%1").arg(hugeStack), QStringLiteral(STRATACTL_PATH), QStringLiteral("--root"), root, QStringLiteral("load"),
                                                         QStringLiteral("-i"), path }),
            QStringLiteral("thread"));
        if (QTest::currentTestFailed())
            return;
        verifyUntouched(root);
    }

    // A save that fails leaves neither the output nor OUT.partial. What its layer's tar comes
    // from is made unreadable (a link to /proc/self/mem, whose first page read() refuses), a
    // directory, or removed: the blob of a compressed layer, or the snapshot's file of an
    // uncompressed one (kept as snapshot and tar-split).
    void saveFailureLeavesNothing_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<bool>("compressed"); // the layer blob is kept, else its tar is rebuilt
        QTest::addColumn<QString>("damage"); // what replaces the blob, or the snapshot's file
        for (const QString &format : { QStringLiteral("docker-archive"), QStringLiteral("oci") }) {
            for (const bool compressed : { true, false }) {
                for (const QString &damage : { QStringLiteral("unreadable"), QStringLiteral("directory"), QStringLiteral("missing") })
                    QTest::addRow("%s, %s %s", qPrintable(format), qPrintable(damage), compressed ? "blob" : "snapshot file") << format << compressed << damage;
            }
        }
    }

    void saveFailureLeavesNothing()
    {
        QFETCH(QString, format);
        QFETCH(bool, compressed);
        QFETCH(QString, damage);
        const QString root = newStore();
        QVERIFY(!root.isEmpty());
        const QByteArray tar = TarBuilder().file("f", QByteArray(100000, 'f')).build();
        const QByteArray layer = compressed ? TarBuilder::compress(tar, TarBuilder::Compression::Gzip) : tar;
        const QString path = m_tmp.filePath(QStringLiteral("tosave-%1.tar").arg(m_count));
        QVERIFY(writeFile(path, dockerArchive({ layer }, QStringLiteral("tosave:1"), { QStringLiteral("sha256:") + sha256Hex(tar) })));
        RunResult r = stratactl(root, { QStringLiteral("load"), QStringLiteral("-i"), path });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString blobPath = compressed ? QString(root + QStringLiteral("/images/blobs/sha256/") + sha256Hex(layer)) : QString(snapshotOf(root, sha256Hex(tar)) + QStringLiteral("/f"));
        QVERIFY(!compressed || !QFile::exists(root + QStringLiteral("/images/blobs/sha256/") + sha256Hex(tar)));
        QVERIFY2(QFile::remove(blobPath), qPrintable(blobPath));
        if (damage == QLatin1String("unreadable"))
            QVERIFY(QFile::link(QStringLiteral("/proc/self/mem"), blobPath));
        else if (damage == QLatin1String("directory"))
            QVERIFY(QDir().mkdir(blobPath));
        const QString outDir = m_tmp.filePath(QStringLiteral("out-%1").arg(m_count));
        QVERIFY(QDir().mkpath(outDir));
        // A file size limit: a save that pads a file it cannot read could otherwise write until
        // the disk is full (a directory's size can read as 2^63).
        r = run(QStringLiteral("prlimit"), { QStringLiteral("--fsize=%1").arg(64 << 20), QStringLiteral(STRATACTL_PATH), QStringLiteral("--root"), root, QStringLiteral("save"),
                                               QStringLiteral("--format"), format, QStringLiteral("-o"), outDir + QStringLiteral("/out.tar"), QStringLiteral("tosave:1") });
        verifyRefusal(r, compressed ? sha256Hex(layer) : QStringLiteral("'f'"));
        QCOMPARE(entries(outDir), QStringList());
    }

    // A save killed halfway (here while it waits to read a blob that is a fifo: a compressed
    // layer's, kept as it came) leaves no OUT.partial: the output has no name until it is
    // complete.
    void killedSaveLeavesNothing()
    {
        const QString outDir = m_tmp.filePath(QStringLiteral("out-killed"));
        QVERIFY(QDir().mkpath(outDir));
        const int probe = ::open(QFile::encodeName(outDir).constData(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
        if (probe < 0)
            QSKIP("the test directory's filesystem has no O_TMPFILE, so a killed save leaves its .partial file");
        ::close(probe);
        const QString root = newStore();
        QVERIFY(!root.isEmpty());
        const QByteArray tar = TarBuilder().file("f", "killed").build();
        const QByteArray layer = TarBuilder::compress(tar, TarBuilder::Compression::Gzip);
        const QString path = m_tmp.filePath(QStringLiteral("tokill.tar"));
        QVERIFY(writeFile(path, dockerArchive({ layer }, QStringLiteral("tokill:1"), { QStringLiteral("sha256:") + sha256Hex(tar) })));
        const RunResult loaded = stratactl(root, { QStringLiteral("load"), QStringLiteral("-i"), path });
        QVERIFY2(loaded.exitCode == 0, loaded.err.constData());
        const QString blob = root + QStringLiteral("/images/blobs/sha256/") + sha256Hex(layer);
        QVERIFY(QFile::remove(blob));
        QCOMPARE(::mkfifo(QFile::encodeName(blob).constData(), 0600), 0);

        QProcess save;
        save.start(QStringLiteral(STRATACTL_PATH), { QStringLiteral("--root"), root, QStringLiteral("save"), QStringLiteral("-o"), outDir + QStringLiteral("/out.tar"), QStringLiteral("tokill:1") });
        QVERIFY(save.waitForStarted());
        // Wait until the output is open (its descriptor points into outDir), then kill.
        const QString fdDir = QStringLiteral("/proc/%1/fd").arg(save.processId());
        bool open = false;
        for (int i = 0; i < 200 && !open && save.state() == QProcess::Running; ++i) {
            for (const QFileInfo &fd : QDir(fdDir).entryInfoList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot))
                open = open || fd.symLinkTarget().startsWith(outDir + u'/');
            if (!open)
                QThread::msleep(20);
        }
        QVERIFY2(open, "the save never opened its output");
        QThread::msleep(100);
        ::kill(pid_t(save.processId()), SIGKILL);
        save.waitForFinished();
        QCOMPARE(entries(outDir), QStringList());
    }

    void cleanupTestCase()
    {
        // QTemporaryDir cannot remove the file whose name is not UTF-8 (the "pax path not utf-8"
        // image); rm takes names as bytes.
        QCOMPARE(run(QStringLiteral("rm"), { QStringLiteral("-rf"), m_tmp.path() }).exitCode, 0);
    }

    // At least 30 hostile archives, each refused and leaving the store untouched: counted as
    // refused() verified them, not as rows written in its table.
    void atLeastThirtyRefused()
    {
        if (m_refusalsSeen == 0)
            QSKIP("refused() did not run (a single test function was selected)");
        QVERIFY2(m_refusalsSeen >= 30, qPrintable(QString::number(m_refusalsSeen)));
    }
};

QTEST_GUILESS_MAIN(TestHostile)
#include "tst_hostile.moc"
