// stratactl pull, push, login and logout against Debian's docker-registry (RegistryFixture: TLS
// with a test CA and htpasswd auth, and a plain-HTTP one), with the real peers on the other end:
// a private dockerd, podman with a private root, and skopeo. Strata pushes, the peers pull and
// run with the same diffIDs and image ID; docker pushes, Strata pulls with the same diffIDs,
// image ID and history; a multi-platform index made with skopeo resolves to amd64, and
// --platform picks arm64; credentials, TLS, HEAD skips and cross-repository mounts.
// A peer that is missing or cannot start makes its checks QSKIP with the reason.

#include "dockerdaemon.h"
#include "historytable.h"
#include "podmansandbox.h"
#include "registryfixture.h"
#include "tarbuilder.h"
#include "testsupport.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using strata::test::RegistryFixture;
using strata::test::RunResult;
using strata::test::TarBuilder;

namespace {

QString text(const QByteArray &b) { return QString::fromUtf8(b); }

QString describe(const QString &what, const RunResult &r)
{
    return u"%1: exit %2\n--- stdout ---\n%3\n--- stderr ---\n%4"_s.arg(what).arg(r.exitCode).arg(text(r.out).left(4000), text(r.err).left(4000));
}

QStringList toStrings(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &x : v.toArray())
        out.append(x.toString());
    return out;
}

QString digestOf(const QByteArray &b) { return u"sha256:"_s + strata::test::sha256Hex(b); }

QJsonObject firstObject(const QByteArray &json) { return QJsonDocument::fromJson(json).array().first().toObject(); }

const QList<QByteArray> applets { "sh", "true", "echo", "cat", "ls" };

// An image the tests push: made by `stratactl import` (one layer Strata wrote) or loaded from a
// docker-archive whose layers are stored as they are given (gzip, zstd, uncompressed).
struct PushSpec {
    QString key, tag;
    QStringList layerDigests; // the blobs as loaded, when the image was loaded: a push keeps them
    QStringList compressions; // how each media type must end ("+zstd", ".tar"; empty: Strata's choice)
};

} // namespace

class TestRegistry : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void fixtureServesPeers();
    void strataPushesPeersPull_data();
    void strataPushesPeersPull();
    void pullSkipsLayersInStore();
    void dockerPushesStrataPulls();
    void multiPlatformIndex();
    void loginLogout();
    void dockerConfigRead();
    void certsDirectories_data();
    void certsDirectories();
    void headSkipAndMount();
    void tlsRefusedWithoutCa();
    void tlsVerifyFalse();
    void plainHttpLoopback();
    void storesStayConsistent();

private:
    QString path(const QString &rel) const { return m_tmp.filePath(rel); }
    // stratactl with a private HOME (no credentials of the host's user), `--root root` first.
    RunResult strata(const QString &root, const QStringList &args, const QMap<QString, QString> &env = {}, int timeoutMs = 300000) const;
    QStringList strataTls(const RegistryFixture &reg, bool creds = true) const;
    RunResult docker(const QStringList &args, int timeoutMs = 300000) const { return m_dockerd->docker(args, timeoutMs); }
    RunResult skopeo(const QStringList &args, int timeoutMs = 300000) const;
    QJsonObject strataInspect(const QString &root, const QString &ref, QString *error) const;
    QString pushedManifest(const RegistryFixture &reg, const QString &repoTag, QJsonObject *manifest) const;
    void makeImages();
    void makeDockerImage();

    QTemporaryDir m_tmp;
    QString m_store, m_home, m_rootfs;
    std::unique_ptr<RegistryFixture> m_reg; // TLS + htpasswd
    std::unique_ptr<RegistryFixture> m_plain; // plain HTTP, anonymous
    QString m_registrySkip;
    QString m_imageError;
    QList<PushSpec> m_images;

    std::unique_ptr<strata::test::DockerDaemon> m_dockerd;
    QString m_dockerSkip;
    QString m_dockerImageError;
    QString m_dockerRef; // docker-built image pushed by docker to m_reg
    std::unique_ptr<strata::test::PodmanSandbox> m_podman;
    QString m_podmanSkip, m_skopeoSkip;
};

#define REQUIRE(reason)                                                                                                \
    do {                                                                                                               \
        if (!(reason).isEmpty())                                                                                       \
            QSKIP(qPrintable(reason));                                                                                 \
    } while (false)

// ---------------------------------------------------------------------------------------------
// Fixtures

void TestRegistry::initTestCase()
{
    QVERIFY2(m_tmp.isValid(), qPrintable(m_tmp.errorString()));
    QVERIFY2(QFileInfo(QStringLiteral(STRATACTL_PATH)).isExecutable(), STRATACTL_PATH " is not built");
    m_home = path(u"home"_s);
    QDir().mkpath(m_home);
    m_store = path(u"store"_s);

    const RegistryFixture::Options tlsAuth { true, u"strata"_s, u"c0rrect-h0rse"_s };
    m_registrySkip = RegistryFixture::unavailableReason(tlsAuth);
    if (m_registrySkip.isEmpty()) {
        m_reg = std::make_unique<RegistryFixture>(path(u"registry-tls"_s), tlsAuth);
        m_registrySkip = m_reg->start();
    }
    if (m_registrySkip.isEmpty()) {
        m_plain = std::make_unique<RegistryFixture>(path(u"registry-plain"_s), RegistryFixture::Options { false, {}, {} });
        m_registrySkip = m_plain->start();
    }
    if (!m_registrySkip.isEmpty())
        QSKIP(qPrintable(u"no registry: "_s + m_registrySkip));
    qInfo("registries: %s (TLS, htpasswd), %s (plain HTTP)", qPrintable(m_reg->hostPort()), qPrintable(m_plain->hostPort()));

    if (!QFileInfo(u"/bin/busybox"_s).isExecutable()) {
        m_imageError = u"/bin/busybox (busybox-static) is missing: no image to push"_s;
    } else {
        m_rootfs = path(u"rootfs"_s);
        for (const QString &d : { u"bin"_s, u"tmp"_s, u"etc"_s, u"proc"_s, u"sys"_s, u"dev"_s })
            QDir().mkpath(m_rootfs + u'/' + d);
        QFile::copy(u"/bin/busybox"_s, m_rootfs + u"/bin/busybox"_s);
        for (const QByteArray &a : applets)
            QFile::link(u"busybox"_s, m_rootfs + u"/bin/"_s + QString::fromLatin1(a));
        makeImages();
    }

    m_dockerSkip = strata::test::DockerDaemon::unavailableReason();
    if (m_dockerSkip.isEmpty()) {
        m_dockerd = std::make_unique<strata::test::DockerDaemon>(path(u"dockerd"_s));
        m_dockerSkip = m_dockerd->start();
    }
    if (m_dockerSkip.isEmpty()) {
        qInfo("peer: dockerd %s", qPrintable(m_dockerd->version()));
        makeDockerImage();
    }

    m_podman = std::make_unique<strata::test::PodmanSandbox>(path(u"podman"_s));
    m_podmanSkip = m_podman->start();
    if (m_podmanSkip.isEmpty())
        qInfo("peer: podman %s", qPrintable(m_podman->version()));
    if (QStandardPaths::findExecutable(u"skopeo"_s).isEmpty())
        m_skopeoSkip = u"skopeo is not installed"_s;
    else if (!m_podmanSkip.isEmpty())
        m_skopeoSkip = u"skopeo runs in podman's sandbox (its blob-info cache kept private), which is unavailable: "_s + m_podmanSkip;
    for (const QString &skip : { m_dockerSkip, m_podmanSkip, m_skopeoSkip })
        if (!skip.isEmpty())
            qWarning("peer unavailable: %s", qPrintable(skip));
}

void TestRegistry::cleanupTestCase()
{
    if (m_dockerd)
        m_dockerd->stop();
    m_podman.reset();
    if (m_reg)
        m_reg->stop();
    if (m_plain)
        m_plain->stop();
}

RunResult TestRegistry::strata(const QString &root, const QStringList &args, const QMap<QString, QString> &env, int timeoutMs) const
{
    QMap<QString, QString> e { { u"HOME"_s, m_home }, { u"XDG_CONFIG_HOME"_s, QString() }, { u"REGISTRY_AUTH_FILE"_s, QString() },
        { u"DOCKER_CONFIG"_s, QString() }, { u"STRATA_REGISTRY_STALL_SECONDS"_s, u"30"_s } };
    for (auto it = env.cbegin(); it != env.cend(); ++it)
        e.insert(it.key(), it.value());
    const QStringList rootArgs = root.isEmpty() ? QStringList() : QStringList { u"--root"_s, root };
    return strata::test::run(QStringLiteral(STRATACTL_PATH), rootArgs + args, timeoutMs, e);
}

QStringList TestRegistry::strataTls(const RegistryFixture &reg, bool creds) const
{
    QStringList flags;
    if (reg.tls())
        flags << u"--cert-dir"_s << reg.certDir();
    if (creds && !reg.user().isEmpty())
        flags << u"--creds"_s << reg.creds();
    return flags;
}

RunResult TestRegistry::skopeo(const QStringList &args, int timeoutMs) const
{
    return m_podman->skopeo(args, timeoutMs);
}

QJsonObject TestRegistry::strataInspect(const QString &root, const QString &ref, QString *error) const
{
    const RunResult r = strata(root, { u"inspect"_s, ref });
    if (r.exitCode != 0) {
        *error = describe(u"stratactl --root %1 inspect %2"_s.arg(root, ref), r);
        return {};
    }
    const QJsonDocument doc = QJsonDocument::fromJson(r.out);
    if (!doc.isArray() || doc.array().size() != 1) {
        *error = u"stratactl inspect %1 printed no one-element JSON array:\n%2"_s.arg(ref, text(r.out));
        return {};
    }
    return doc.array().first().toObject();
}

// The manifest as the registry holds it, read with curl (no peer between).
QString TestRegistry::pushedManifest(const RegistryFixture &reg, const QString &repoTag, QJsonObject *manifest) const
{
    const qsizetype colon = repoTag.lastIndexOf(u':');
    QStringList args { u"-sf"_s, u"-H"_s,
        u"Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json, "
        "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json"_s };
    if (reg.tls())
        args << u"--cacert"_s << reg.caFile();
    if (!reg.user().isEmpty())
        args << u"-u"_s << reg.creds();
    args << u"%1/v2/%2/manifests/%3"_s.arg(reg.url(), repoTag.left(colon), repoTag.mid(colon + 1));
    const RunResult r = strata::test::run(u"curl"_s, args);
    if (r.exitCode != 0)
        return describe(u"curl of the manifest "_s + repoTag, r);
    *manifest = QJsonDocument::fromJson(r.out).object();
    return {};
}

void TestRegistry::makeImages()
{
    // One layer Strata writes itself.
    RunResult r = strata(m_store, { u"import"_s, u"-c"_s, u"CMD [\"sh\"]"_s, m_rootfs, u"strata-bb:1"_s });
    if (r.exitCode != 0) {
        m_imageError = describe(u"stratactl import of the busybox rootfs"_s, r);
        return;
    }
    m_images.append({ u"imported"_s, u"strata-bb:1"_s, {}, { QString() } });

    // Layers loaded as they come: busybox gzip, an uncompressed one, and a zstd one in a second
    // image (docker 20.10 reads no zstd layers: pulling them came with Docker 23.0).
    const QByteArray base = TarBuilder::busybox(applets).dir("etc").dir("tmp", 01777).build();
    const QByteArray plain = TarBuilder().dir("srv").file("srv/plain.txt", "stored as it is\n").build();
    const QByteArray zstd = TarBuilder().dir("srv").file("srv/zstd.txt", QByteArray("compressed with zstd\n").repeated(1000)).build();
    const QByteArray baseGz = strata::test::gzipStream(base);
    const QByteArray zstdBlob = TarBuilder::compress(zstd, TarBuilder::Compression::Zstd);
    const struct {
        QString key, tag;
        QList<QByteArray> blobs;
        QStringList diffIds, compressions;
    } loaded[] = {
        { u"gzip-tar"_s, u"strata-gzip:1"_s, { baseGz, plain }, { digestOf(base), digestOf(plain) }, { u"gzip"_s, u".tar"_s } },
        { u"gzip-zstd-tar"_s, u"strata-zstd:1"_s, { baseGz, zstdBlob, plain }, { digestOf(base), digestOf(zstd), digestOf(plain) },
            { u"gzip"_s, u"+zstd"_s, u".tar"_s } },
    };
    for (const auto &l : loaded) {
        const QString archive = path(l.key + u".tar"_s);
        strata::test::writeFile(archive, strata::test::dockerArchive(l.blobs, l.tag, l.diffIds));
        r = strata(m_store, { u"load"_s, u"-i"_s, archive });
        if (r.exitCode != 0) {
            m_imageError = describe(u"stratactl load of "_s + archive, r);
            return;
        }
        QStringList digests;
        for (const QByteArray &b : l.blobs)
            digests.append(digestOf(b));
        m_images.append({ l.key, l.tag, digests, l.compressions });
    }
}

// A docker-built image (import of the rootfs, then two RUN layers), pushed by docker to m_reg.
void TestRegistry::makeDockerImage()
{
    const auto fail = [this](const QString &what, const RunResult &r) { m_dockerImageError = describe(what, r); };
    if (!m_imageError.isEmpty()) {
        m_dockerImageError = m_imageError;
        return;
    }
    const QString baseTar = path(u"base-rootfs.tar"_s);
    RunResult r = strata::test::run(u"tar"_s, { u"-C"_s, m_rootfs, u"-cf"_s, baseTar, u"."_s });
    if (r.exitCode != 0)
        return fail(u"tar of the busybox rootfs"_s, r);
    r = docker({ u"import"_s, baseTar, u"strata-regbase:latest"_s });
    if (r.exitCode != 0)
        return fail(u"docker import"_s, r);
    const QString ctx = path(u"ctx"_s);
    strata::test::writeFile(ctx + u"/Dockerfile"_s,
        "FROM strata-regbase\nRUN echo one > /one && mkdir /d && echo f > /d/f\nENV X=1\nRUN rm /one && echo two > /two\nCMD [\"sh\"]\n");
    r = docker({ u"build"_s, u"-q"_s, u"--network"_s, u"none"_s, u"-t"_s, u"strata-dockerbuilt:1"_s, ctx });
    if (r.exitCode != 0)
        return fail(u"docker build"_s, r);
    r = docker({ u"login"_s, u"-u"_s, m_reg->user(), u"-p"_s, m_reg->password(), m_reg->hostPort() });
    if (r.exitCode != 0)
        return fail(u"docker login "_s + m_reg->hostPort() + u" (docker treats 127.0.0.0/8 as insecure: no CA needed)"_s, r);
    m_dockerRef = m_reg->ref(u"strata/dockerbuilt:1"_s);
    r = docker({ u"tag"_s, u"strata-dockerbuilt:1"_s, m_dockerRef });
    if (r.exitCode != 0)
        return fail(u"docker tag"_s, r);
    r = docker({ u"push"_s, m_dockerRef });
    if (r.exitCode != 0)
        return fail(u"docker push "_s + m_dockerRef, r);
}

// The fixture alone, with the peers only: the registry serves, and refuses what it should.
void TestRegistry::fixtureServesPeers()
{
    QCOMPARE(m_reg->httpStatus(u"/v2/"_s, false), 401);
    QCOMPARE(m_reg->httpStatus(u"/v2/"_s, true), 200);
    QCOMPARE(m_plain->httpStatus(u"/v2/"_s, false), 200);
    QCOMPARE(QDir(m_reg->certDir()).entryList(QDir::Files), QStringList { u"ca.crt"_s });
    REQUIRE(m_skopeoSkip);
    // skopeo verifies the certificate: refused without the CA, fine with --cert-dir.
    RunResult r = skopeo({ u"inspect"_s, u"--creds"_s, m_reg->creds(), u"docker://"_s + m_reg->ref(u"strata/none:1"_s) });
    QVERIFY2(r.exitCode != 0 && text(r.err).contains(u"certificate"_s), qPrintable(describe(u"skopeo inspect without the CA"_s, r)));
    if (m_dockerSkip.isEmpty()) {
        QVERIFY2(m_dockerImageError.isEmpty(), qPrintable(m_dockerImageError));
        r = skopeo(QStringList { u"inspect"_s } + m_reg->peerFlags() + QStringList { u"docker://"_s + m_dockerRef });
        QVERIFY2(r.exitCode == 0, qPrintable(describe(u"skopeo inspect of docker's push"_s, r)));
        r = skopeo({ u"inspect"_s, u"--cert-dir"_s, m_reg->certDir(), u"--creds"_s, m_reg->user() + u":wrong"_s, u"docker://"_s + m_dockerRef });
        QVERIFY2(r.exitCode != 0, qPrintable(describe(u"skopeo inspect with a wrong password"_s, r)));
    }
}

// ---------------------------------------------------------------------------------------------
// a) Strata pushes; docker, podman and skopeo pull (and run)

void TestRegistry::strataPushesPeersPull_data()
{
    QTest::addColumn<int>("index");
    QTest::newRow("imported") << 0;
    QTest::newRow("gzip-tar") << 1;
    QTest::newRow("gzip-zstd-tar") << 2;
}

void TestRegistry::strataPushesPeersPull()
{
    QFETCH(int, index);
    QVERIFY2(m_imageError.isEmpty(), qPrintable(m_imageError));
    const PushSpec spec = m_images.value(index);
    QString err;
    const QJsonObject img = strataInspect(m_store, spec.tag, &err);
    QVERIFY2(err.isEmpty(), qPrintable(err));
    const QStringList diffIds = toStrings(img.value(u"RootFS"_s).toObject().value(u"Layers"_s));
    const QString id = img.value(u"Id"_s).toString();
    const QString repoTag = u"strata/pushed-"_s + spec.key + u":1"_s;
    const QString ref = m_reg->ref(repoTag);

    RunResult r = strata(m_store, QStringList { u"push"_s } + strataTls(*m_reg) + QStringList { spec.tag, ref });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl push %1 %2"_s.arg(spec.tag, ref), r)));
    const QString out = text(r.out);
    QCOMPARE(out.count(QRegularExpression(u"^[0-9a-f]{12}: Pushed$"_s, QRegularExpression::MultilineOption)), diffIds.size());
    const QRegularExpressionMatch digestLine = QRegularExpression(u"^Digest: (sha256:[0-9a-f]{64})$"_s, QRegularExpression::MultilineOption).match(out);
    QVERIFY2(digestLine.hasMatch(), qPrintable(describe(u"push output without 'Digest: sha256:…'"_s, r)));
    const QString pushedDigest = digestLine.captured(1);

    // What the registry holds: the config is the image's (so the image ID stays), the layers
    // are the blobs as loaded.
    QJsonObject manifest;
    err = pushedManifest(*m_reg, repoTag, &manifest);
    QVERIFY2(err.isEmpty(), qPrintable(err));
    QCOMPARE(manifest.value(u"config"_s).toObject().value(u"digest"_s).toString(), id);
    QStringList layerDigests;
    for (const QJsonValue &l : manifest.value(u"layers"_s).toArray())
        layerDigests.append(l.toObject().value(u"digest"_s).toString());
    QCOMPARE(layerDigests.size(), diffIds.size());
    if (!spec.layerDigests.isEmpty())
        QCOMPARE(layerDigests, spec.layerDigests);
    // The media types name each layer's compression as it is.
    QStringList layerTypes;
    for (const QJsonValue &l : manifest.value(u"layers"_s).toArray())
        layerTypes.append(l.toObject().value(u"mediaType"_s).toString());
    QCOMPARE(layerTypes.size(), spec.compressions.size());
    for (qsizetype i = 0; i < layerTypes.size(); ++i)
        QVERIFY2(spec.compressions[i].isEmpty() ? layerTypes[i].endsWith(u".tar"_s) || layerTypes[i].endsWith(u"tar.gzip"_s) || layerTypes[i].endsWith(u"tar+gzip"_s)
                                                : layerTypes[i].endsWith(spec.compressions[i]),
            qPrintable(u"layer %1 is %2, pushed with media type %3; manifest: %4"_s.arg(i).arg(spec.compressions[i], layerTypes[i],
                QString::fromUtf8(QJsonDocument(manifest).toJson(QJsonDocument::Compact)))));
    const bool hasZstd = spec.compressions.contains(u"+zstd"_s);

    // -q: the digest only; pushed again, every layer is already there.
    r = strata(m_store, QStringList { u"push"_s, u"-q"_s } + strataTls(*m_reg) + QStringList { spec.tag, ref });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl push -q (again)"_s, r)));
    QCOMPARE(text(r.out).trimmed(), pushedDigest);

    QStringList skipped;
    if (m_skopeoSkip.isEmpty()) {
        const QString layout = path(u"skopeo-"_s + spec.key);
        r = skopeo(QStringList { u"copy"_s } + m_reg->peerFlags(u"--src-"_s) + QStringList { u"docker://"_s + ref, u"oci:"_s + layout + u":x"_s });
        QVERIFY2(r.exitCode == 0, qPrintable(describe(u"skopeo copy docker://%1 oci:"_s.arg(ref), r)));
        r = skopeo({ u"inspect"_s, u"--config"_s, u"oci:"_s + layout + u":x"_s });
        QVERIFY2(r.exitCode == 0, qPrintable(describe(u"skopeo inspect --config oci:"_s, r)));
        const QJsonObject config = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(toStrings(config.value(u"rootfs"_s).toObject().value(u"diff_ids"_s)), diffIds);
    } else {
        skipped << u"skopeo: "_s + m_skopeoSkip;
    }
    if (hasZstd && m_dockerSkip.isEmpty() && m_dockerd->version().section(u'.', 0, 0).toInt() < 23) {
        skipped << u"docker: dockerd %1 reads no zstd layers (pulling them came with Docker 23.0)"_s.arg(m_dockerd->version());
    } else if (m_dockerSkip.isEmpty()) {
        r = docker({ u"pull"_s, ref });
        QVERIFY2(r.exitCode == 0, qPrintable(describe(u"docker pull "_s + ref, r)));
        r = docker({ u"image"_s, u"inspect"_s, ref });
        QVERIFY2(r.exitCode == 0, qPrintable(describe(u"docker image inspect"_s, r)));
        const QJsonObject theirs = firstObject(r.out);
        QCOMPARE(theirs.value(u"Id"_s).toString(), id);
        QCOMPARE(toStrings(theirs.value(u"RootFS"_s).toObject().value(u"Layers"_s)), diffIds);
        QVERIFY2(toStrings(theirs.value(u"RepoDigests"_s)).contains(ref.left(ref.lastIndexOf(u':')) + u'@' + pushedDigest),
            qPrintable(u"docker's RepoDigests lack the pushed digest %1: %2"_s.arg(pushedDigest, toStrings(theirs.value(u"RepoDigests"_s)).join(u", "_s))));
        r = docker({ u"run"_s, u"--rm"_s, u"--network"_s, u"none"_s, ref, u"/bin/true"_s });
        QVERIFY2(r.exitCode == 0, qPrintable(describe(u"docker run --rm %1 /bin/true"_s.arg(ref), r)));
        docker({ u"rmi"_s, u"-f"_s, ref });
    } else {
        skipped << u"docker: "_s + m_dockerSkip;
    }
    if (m_podmanSkip.isEmpty()) {
        r = m_podman->podman(QStringList { u"pull"_s, u"-q"_s } + m_reg->peerFlags() + QStringList { ref });
        QVERIFY2(r.exitCode == 0, qPrintable(describe(u"podman pull "_s + ref, r)));
        r = m_podman->podman({ u"image"_s, u"inspect"_s, ref });
        QVERIFY2(r.exitCode == 0, qPrintable(describe(u"podman image inspect"_s, r)));
        const QJsonObject theirs = firstObject(r.out);
        QCOMPARE(u"sha256:"_s + theirs.value(u"Id"_s).toString(), id);
        QCOMPARE(toStrings(theirs.value(u"RootFS"_s).toObject().value(u"Layers"_s)), diffIds);
        r = m_podman->podman({ u"run"_s, u"--rm"_s, ref, u"/bin/true"_s });
        QVERIFY2(r.exitCode == 0, qPrintable(describe(u"podman run --rm %1 /bin/true"_s.arg(ref), r)));
        m_podman->podman({ u"rmi"_s, u"-f"_s, ref });
    } else {
        skipped << u"podman: "_s + m_podmanSkip;
    }
    if (skipped.size() == 3)
        QSKIP(qPrintable(u"pushed, but no peer to pull: "_s + skipped.join(u"; "_s)));
    for (const QString &s : std::as_const(skipped))
        qWarning("not checked: %s", qPrintable(s));
}

// A layer the store has already (the gzip busybox base both loaded images start with) is not
// fetched again: "Already exists", and the registry is not asked for it.
void TestRegistry::pullSkipsLayersInStore()
{
    QVERIFY2(m_imageError.isEmpty(), qPrintable(m_imageError));
    const PushSpec first = m_images.value(1), second = m_images.value(2);
    const QString firstRef = m_reg->ref(u"strata/skip-a:1"_s), secondRef = m_reg->ref(u"strata/skip-b:1"_s);
    for (const auto &[tag, ref] : { std::pair { first.tag, firstRef }, std::pair { second.tag, secondRef } }) {
        const RunResult r = strata(m_store, QStringList { u"push"_s, u"-q"_s } + strataTls(*m_reg) + QStringList { tag, ref });
        QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl push "_s + ref, r)));
    }
    const QString root = path(u"store-skip"_s);
    RunResult r = strata(root, QStringList { u"pull"_s } + strataTls(*m_reg) + QStringList { firstRef });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl pull "_s + firstRef, r)));
    const QString baseBlob = first.layerDigests.first();
    QVERIFY(second.layerDigests.first() == baseBlob);
    const qsizetype logBefore = strata::test::readFile(m_reg->directory() + u"/registry.log"_s).size();
    r = strata(root, QStringList { u"pull"_s } + strataTls(*m_reg) + QStringList { secondRef });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl pull "_s + secondRef, r)));
    const QString out = text(r.out);
    QVERIFY2(out.contains(QRegularExpression(u"^%1: Already exists$"_s.arg(baseBlob.mid(7, 12)), QRegularExpression::MultilineOption)),
        qPrintable(describe(u"the base layer %1 is not said to exist already"_s.arg(baseBlob), r)));
    QVERIFY2(out.contains(QRegularExpression(u"^%1: Pull complete$"_s.arg(second.layerDigests[1].mid(7, 12)), QRegularExpression::MultilineOption)),
        qPrintable(describe(u"the zstd layer was not pulled"_s, r)));
    const QByteArray log = strata::test::readFile(m_reg->directory() + u"/registry.log"_s).mid(logBefore);
    QVERIFY2(!log.contains(QByteArray("GET /v2/strata/skip-b/blobs/" + baseBlob.toLatin1())), qPrintable(u"the base layer was fetched again:\n"_s + text(log).right(3000)));
    QVERIFY2(log.contains(QByteArray("GET /v2/strata/skip-b/blobs/" + second.layerDigests[1].toLatin1())), qPrintable(u"no request for the zstd layer in the access log:\n"_s + text(log).right(3000)));
}

// ---------------------------------------------------------------------------------------------
// b) docker pushes; Strata pulls: diffIDs, image ID, history

void TestRegistry::dockerPushesStrataPulls()
{
    REQUIRE(m_dockerSkip);
    QVERIFY2(m_dockerImageError.isEmpty(), qPrintable(m_dockerImageError));
    RunResult r = docker({ u"image"_s, u"inspect"_s, m_dockerRef });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"docker image inspect"_s, r)));
    const QJsonObject theirs = firstObject(r.out);
    const QStringList diffIds = toStrings(theirs.value(u"RootFS"_s).toObject().value(u"Layers"_s));
    const QStringList repoDigests = toStrings(theirs.value(u"RepoDigests"_s));
    QVERIFY(!repoDigests.isEmpty());
    const QString manifestDigest = repoDigests.first().mid(repoDigests.first().indexOf(u'@') + 1);

    const QString root = path(u"store-pulled"_s);
    r = strata(root, QStringList { u"pull"_s } + strataTls(*m_reg) + QStringList { m_dockerRef });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl pull "_s + m_dockerRef, r)));
    QString out = text(r.out);
    QCOMPARE(out.count(QRegularExpression(u"^[0-9a-f]{12}: Pull complete$"_s, QRegularExpression::MultilineOption)), diffIds.size());
    QVERIFY2(out.contains(u"Digest: "_s + manifestDigest + u'\n'), qPrintable(describe(u"pull output (manifest digest %1)"_s.arg(manifestDigest), r)));
    QVERIFY2(out.contains(u"Status: Downloaded newer image for "_s + m_dockerRef), qPrintable(describe(u"pull output"_s, r)));

    QString err;
    const QJsonObject mine = strataInspect(root, m_dockerRef, &err);
    QVERIFY2(err.isEmpty(), qPrintable(err));
    QCOMPARE(mine.value(u"Id"_s).toString(), theirs.value(u"Id"_s).toString());
    QCOMPARE(toStrings(mine.value(u"RootFS"_s).toObject().value(u"Layers"_s)), diffIds);
    QCOMPARE(toStrings(mine.value(u"RepoTags"_s)), QStringList { m_dockerRef });
    QCOMPARE(toStrings(mine.value(u"Config"_s).toObject().value(u"Env"_s)), toStrings(theirs.value(u"Config"_s).toObject().value(u"Env"_s)));

    r = docker({ u"history"_s, u"--no-trunc"_s, u"--format"_s, u"{{json .}}"_s, m_dockerRef });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"docker history"_s, r)));
    const QList<strata::test::HistoryTableRow> theirHistory = strata::test::parseDockerHistory(r.out, &err);
    QVERIFY2(err.isEmpty(), qPrintable(err));
    r = strata(root, { u"history"_s, u"--no-trunc"_s, m_dockerRef });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl history"_s, r)));
    const QList<strata::test::HistoryTableRow> myHistory = strata::test::parseStrataHistory(text(r.out), &err);
    QVERIFY2(err.isEmpty(), qPrintable(err));
    QCOMPARE(myHistory.size(), theirHistory.size());
    for (qsizetype i = 0; i < myHistory.size(); ++i) {
        QCOMPARE(myHistory[i].createdBy, theirHistory[i].createdBy);
        QCOMPARE(myHistory[i].comment, theirHistory[i].comment);
        QCOMPARE(myHistory[i].size == u"0B"_s, theirHistory[i].size == u"0B"_s);
    }
    QCOMPARE(myHistory.first().image, theirs.value(u"Id"_s).toString());

    // The filesystem: run it.
    r = strata(root, { u"run"_s, u"--rm"_s, u"--network"_s, u"none"_s, m_dockerRef, u"sh"_s, u"-c"_s, u"cat /two /d/f; test -e /one || echo no-one"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl run --rm"_s, r)));
    QCOMPARE(text(r.out), u"two\nf\nno-one\n"_s);

    // Again: nothing to fetch; -q prints the image ID.
    r = strata(root, QStringList { u"pull"_s } + strataTls(*m_reg) + QStringList { m_dockerRef });
    QVERIFY2(r.exitCode == 0 && text(r.out).contains(u"Status: Image is up to date for "_s + m_dockerRef), qPrintable(describe(u"second pull"_s, r)));
    r = strata(root, QStringList { u"pull"_s, u"-q"_s } + strataTls(*m_reg) + QStringList { m_dockerRef });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"pull -q"_s, r)));
    QCOMPARE(text(r.out).trimmed(), theirs.value(u"Id"_s).toString());

    // By digest, into a store that has the layers: "Already exists".
    const QString byDigest = m_dockerRef.left(m_dockerRef.lastIndexOf(u':')) + u'@' + manifestDigest;
    r = strata(root, QStringList { u"pull"_s } + strataTls(*m_reg) + QStringList { byDigest });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl pull "_s + byDigest, r)));
    r = strata(root, { u"check"_s });
    QVERIFY2(r.exitCode == 0 && r.out.contains("no problems found"), qPrintable(describe(u"stratactl check"_s, r)));
}

// ---------------------------------------------------------------------------------------------
// c) a multi-platform index made by skopeo

void TestRegistry::multiPlatformIndex()
{
    REQUIRE(m_skopeoSkip);
    // An OCI layout with an index of two images, amd64 and arm64, each a distinct layer.
    const QString layout = path(u"multiarch"_s);
    QDir().mkpath(layout + u"/blobs/sha256"_s);
    const auto putBlob = [&](const QByteArray &data) {
        const QString d = digestOf(data);
        strata::test::writeFile(layout + u"/blobs/sha256/"_s + d.mid(7), data);
        return QJsonObject { { u"digest"_s, d }, { u"size"_s, data.size() } };
    };
    QJsonArray platforms;
    QMap<QString, QString> diffIdByArch;
    for (const QString &arch : { u"amd64"_s, u"arm64"_s }) {
        const QByteArray tar = TarBuilder().file("arch", arch.toUtf8() + '\n').build();
        QJsonObject layer = putBlob(tar);
        layer.insert(u"mediaType"_s, u"application/vnd.oci.image.layer.v1.tar"_s);
        diffIdByArch.insert(arch, digestOf(tar));
        QJsonObject config = QJsonDocument::fromJson(strata::test::imageConfig({ digestOf(tar) }, { u"arch "_s + arch })).object();
        config.insert(u"architecture"_s, arch);
        if (arch == u"arm64"_s)
            config.insert(u"variant"_s, u"v8"_s);
        QJsonObject configDesc = putBlob(QJsonDocument(config).toJson(QJsonDocument::Compact));
        configDesc.insert(u"mediaType"_s, u"application/vnd.oci.image.config.v1+json"_s);
        const QJsonObject manifest { { u"schemaVersion"_s, 2 }, { u"mediaType"_s, u"application/vnd.oci.image.manifest.v1+json"_s },
            { u"config"_s, configDesc }, { u"layers"_s, QJsonArray { layer } } };
        QJsonObject desc = putBlob(QJsonDocument(manifest).toJson(QJsonDocument::Compact));
        desc.insert(u"mediaType"_s, u"application/vnd.oci.image.manifest.v1+json"_s);
        desc.insert(u"platform"_s, QJsonObject { { u"os"_s, u"linux"_s }, { u"architecture"_s, arch } });
        platforms.append(desc);
    }
    const QJsonObject index { { u"schemaVersion"_s, 2 }, { u"mediaType"_s, u"application/vnd.oci.image.index.v1+json"_s }, { u"manifests"_s, platforms } };
    QJsonObject indexDesc = putBlob(QJsonDocument(index).toJson(QJsonDocument::Compact));
    indexDesc.insert(u"mediaType"_s, u"application/vnd.oci.image.index.v1+json"_s);
    indexDesc.insert(u"annotations"_s, QJsonObject { { u"org.opencontainers.image.ref.name"_s, u"multi"_s } });
    strata::test::writeFile(layout + u"/oci-layout"_s, R"({"imageLayoutVersion":"1.0.0"})");
    strata::test::writeFile(layout + u"/index.json"_s,
        QJsonDocument(QJsonObject { { u"schemaVersion"_s, 2 }, { u"manifests"_s, QJsonArray { indexDesc } } }).toJson(QJsonDocument::Compact));

    const QString ref = m_reg->ref(u"strata/multiarch:1"_s);
    RunResult r = skopeo(QStringList { u"copy"_s, u"--multi-arch"_s, u"all"_s } + m_reg->peerFlags(u"--dest-"_s)
        + QStringList { u"oci:"_s + layout + u":multi"_s, u"docker://"_s + ref });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"skopeo copy --multi-arch all"_s, r)));
    r = skopeo(QStringList { u"inspect"_s, u"--raw"_s } + m_reg->peerFlags() + QStringList { u"docker://"_s + ref });
    QVERIFY2(r.exitCode == 0 && QJsonDocument::fromJson(r.out).object().value(u"manifests"_s).toArray().size() == 2,
        qPrintable(describe(u"skopeo inspect --raw (an index of two)"_s, r)));

    const QString root = path(u"store-multiarch"_s);
    r = strata(root, QStringList { u"pull"_s } + strataTls(*m_reg) + QStringList { ref });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl pull "_s + ref, r)));
    QString err;
    QJsonObject img = strataInspect(root, ref, &err);
    QVERIFY2(err.isEmpty(), qPrintable(err));
    QCOMPARE(img.value(u"Architecture"_s).toString(), u"amd64"_s);
    QCOMPARE(toStrings(img.value(u"RootFS"_s).toObject().value(u"Layers"_s)), QStringList { diffIdByArch.value(u"amd64"_s) });

    const QString armRoot = path(u"store-multiarch-arm64"_s);
    r = strata(armRoot, QStringList { u"pull"_s, u"--platform"_s, u"linux/arm64"_s } + strataTls(*m_reg) + QStringList { ref });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl pull --platform linux/arm64 "_s + ref, r)));
    img = strataInspect(armRoot, ref, &err);
    QVERIFY2(err.isEmpty(), qPrintable(err));
    QCOMPARE(img.value(u"Architecture"_s).toString(), u"arm64"_s);
    QCOMPARE(toStrings(img.value(u"RootFS"_s).toObject().value(u"Layers"_s)), QStringList { diffIdByArch.value(u"arm64"_s) });

    r = strata(path(u"store-multiarch-none"_s), QStringList { u"pull"_s, u"--platform"_s, u"linux/s390x"_s } + strataTls(*m_reg) + QStringList { ref });
    QVERIFY2(r.exitCode == 1 && text(r.err).contains(u"s390x"_s), qPrintable(describe(u"stratactl pull --platform linux/s390x (not in the index)"_s, r)));
}

// ---------------------------------------------------------------------------------------------
// d) credentials

void TestRegistry::loginLogout()
{
    QVERIFY2(m_imageError.isEmpty(), qPrintable(m_imageError));
    const QString home = path(u"home-login"_s);
    QDir().mkpath(home);
    const QMap<QString, QString> env { { u"HOME"_s, home } };
    const QString authFile = home + u"/.config/strata/auth.json"_s;
    const QString host = m_reg->hostPort();
    const QStringList certs { u"--cert-dir"_s, m_reg->certDir() };

    RunResult r = strata({}, QStringList { u"login"_s, u"-u"_s, m_reg->user(), u"-p"_s, u"wrong"_s } + certs + QStringList { host }, env);
    QVERIFY2(r.exitCode == 1, qPrintable(describe(u"stratactl login with a wrong password"_s, r)));
    QVERIFY2(text(r.err).contains(QRegularExpression(u"unauthori[sz]ed|credentials|password|401"_s, QRegularExpression::CaseInsensitiveOption)),
        qPrintable(describe(u"login refused without naming why"_s, r)));
    QVERIFY2(!QFileInfo::exists(authFile) || !strata::test::readFile(authFile).contains(host.toUtf8()),
        qPrintable(u"a refused login stored credentials: "_s + text(strata::test::readFile(authFile))));

    // Without credentials the registry refuses the pull; the message says so.
    const QString ref = m_reg->ref(u"strata/login:1"_s);
    r = strata(m_store, QStringList { u"push"_s } + strataTls(*m_reg) + QStringList { m_images.first().tag, ref }, env);
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl push (with --creds)"_s, r)));
    const QString root = path(u"store-login"_s);
    r = strata(root, QStringList { u"pull"_s } + certs + QStringList { ref }, env);
    QVERIFY2(r.exitCode == 1, qPrintable(describe(u"stratactl pull without credentials"_s, r)));
    QVERIFY2(text(r.err).startsWith(u"stratactl pull: "_s + ref + u": "_s), qPrintable(describe(u"error line"_s, r)));
    QVERIFY2(text(r.err).contains(QRegularExpression(u"unauthori[sz]ed|authentication|credentials|login|401"_s, QRegularExpression::CaseInsensitiveOption)),
        qPrintable(describe(u"pull refused without naming the missing credentials"_s, r)));

    r = strata({}, QStringList { u"login"_s, u"-u"_s, m_reg->user(), u"-p"_s, m_reg->password() } + certs + QStringList { host }, env);
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl login"_s, r)));
    QVERIFY2(QFileInfo::exists(authFile), qPrintable(u"login wrote no "_s + authFile));
    struct stat st;
    QCOMPARE(::stat(QFile::encodeName(authFile).constData(), &st), 0);
    QCOMPARE(int(st.st_mode & 07777), 0600);
    const QJsonObject auths = QJsonDocument::fromJson(strata::test::readFile(authFile)).object().value(u"auths"_s).toObject();
    QCOMPARE(auths.value(host).toObject().value(u"auth"_s).toString(), QString::fromLatin1(m_reg->creds().toUtf8().toBase64()));

    r = strata(root, QStringList { u"pull"_s } + certs + QStringList { ref }, env);
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl pull after login"_s, r)));

    r = strata({}, { u"logout"_s, host }, env);
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl logout"_s, r)));
    QVERIFY(!QJsonDocument::fromJson(strata::test::readFile(authFile)).object().value(u"auths"_s).toObject().contains(host));
    r = strata(path(u"store-login-2"_s), QStringList { u"pull"_s } + certs + QStringList { ref }, env);
    QVERIFY2(r.exitCode == 1, qPrintable(describe(u"stratactl pull after logout"_s, r)));

    // --authfile, and $REGISTRY_AUTH_FILE: the same format, mode 0600.
    const QString other = path(u"other-auth.json"_s);
    r = strata({}, QStringList { u"login"_s, u"--authfile"_s, other, u"-u"_s, m_reg->user(), u"-p"_s, m_reg->password() } + certs + QStringList { host }, env);
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl login --authfile"_s, r)));
    QCOMPARE(::stat(QFile::encodeName(other).constData(), &st), 0);
    QCOMPARE(int(st.st_mode & 07777), 0600);
    QMap<QString, QString> withEnvFile = env;
    withEnvFile.insert(u"REGISTRY_AUTH_FILE"_s, other);
    r = strata(path(u"store-login-3"_s), QStringList { u"pull"_s } + certs + QStringList { ref }, withEnvFile);
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl pull with $REGISTRY_AUTH_FILE"_s, r)));

    // --password-stdin.
    QProcess login;
    login.setProcessEnvironment(strata::test::environmentWith({ { u"HOME"_s, home }, { u"XDG_CONFIG_HOME"_s, QString() }, { u"REGISTRY_AUTH_FILE"_s, QString() } }));
    login.start(QStringLiteral(STRATACTL_PATH), QStringList { u"login"_s, u"-u"_s, m_reg->user(), u"--password-stdin"_s } + certs + QStringList { host });
    QVERIFY(login.waitForStarted());
    login.write(m_reg->password().toUtf8() + '\n');
    login.closeWriteChannel();
    QVERIFY(login.waitForFinished(60000));
    QVERIFY2(login.exitCode() == 0, qPrintable(u"stratactl login --password-stdin: exit %1: %2"_s.arg(login.exitCode()).arg(text(login.readAllStandardError()))));
    QCOMPARE(QJsonDocument::fromJson(strata::test::readFile(authFile)).object().value(u"auths"_s).toObject().value(host).toObject().value(u"auth"_s).toString(),
        QString::fromLatin1(m_reg->creds().toUtf8().toBase64()));

    // Usage errors exit 2.
    r = strata({}, { u"login"_s }, env);
    QCOMPARE(r.exitCode, 2);
}

// Without --cert-dir, the CA is looked for in /etc/strata/certs.d/HOST:PORT/, then containers'
// and docker's folders. Each is tried alone: a folder for this registry's port (which nothing
// else uses) made and removed by the test.
void TestRegistry::certsDirectories_data()
{
    QTest::addColumn<QString>("base");
    for (const QString &b : { u"/etc/strata/certs.d"_s, u"/etc/containers/certs.d"_s, u"/etc/docker/certs.d"_s })
        QTest::newRow(qPrintable(b)) << b;
}

void TestRegistry::certsDirectories()
{
    QFETCH(QString, base);
    QVERIFY2(m_imageError.isEmpty(), qPrintable(m_imageError));
    if (geteuid() != 0)
        QSKIP("writing under /etc needs root");
    const QString dir = base + u'/' + m_reg->hostPort();
    QVERIFY2(!QFileInfo::exists(dir), qPrintable(dir + u" exists already; not touching it"_s));
    // The folders made here, deepest first, to remove them again (rmdir only).
    QStringList made;
    for (QString d = dir; !QFileInfo::exists(d); d = QFileInfo(d).path())
        made.append(d);
    QVERIFY(QDir().mkpath(dir));
    const auto cleanup = qScopeGuard([&] {
        QFile::remove(dir + u"/ca.crt"_s);
        for (const QString &d : std::as_const(made))
            QDir().rmdir(d);
    });
    QVERIFY(QFile::copy(m_reg->caFile(), dir + u"/ca.crt"_s));
    const QString ref = m_reg->ref(u"strata/certsd:1"_s);
    RunResult r = strata(m_store, { u"push"_s, u"--creds"_s, m_reg->creds(), m_images.first().tag, ref });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl push with the CA in "_s + dir, r)));
    r = strata(path(u"store-certsd"_s), { u"pull"_s, u"-q"_s, u"--creds"_s, m_reg->creds(), ref });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl pull with the CA in "_s + dir, r)));
}

void TestRegistry::dockerConfigRead()
{
    QVERIFY2(m_imageError.isEmpty(), qPrintable(m_imageError));
    const QString home = path(u"home-docker"_s);
    const QString host = m_reg->hostPort();
    strata::test::writeFile(home + u"/.docker/config.json"_s,
        QJsonDocument(QJsonObject { { u"auths"_s,
                          QJsonObject { { host, QJsonObject { { u"auth"_s, QString::fromLatin1(m_reg->creds().toUtf8().toBase64()) } } } } } })
            .toJson());
    const QString ref = m_reg->ref(u"strata/dockerconfig:1"_s);
    RunResult r = strata(m_store, QStringList { u"push"_s } + strataTls(*m_reg) + QStringList { m_images.first().tag, ref });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl push (with --creds)"_s, r)));
    r = strata(path(u"store-dockerconfig"_s), { u"pull"_s, u"--cert-dir"_s, m_reg->certDir(), ref }, { { u"HOME"_s, home } });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl pull with only ~/.docker/config.json"_s, r)));
    QVERIFY2(!QFileInfo::exists(home + u"/.config/strata/auth.json"_s), "reading ~/.docker/config.json wrote Strata's auth file");
}

// ---------------------------------------------------------------------------------------------
// e) HEAD skip and cross-repository mount

void TestRegistry::headSkipAndMount()
{
    QVERIFY2(m_imageError.isEmpty(), qPrintable(m_imageError));
    const PushSpec spec = m_images.value(2);
    const QString src = m_reg->ref(u"strata/mount-src:1"_s);
    RunResult r = strata(m_store, QStringList { u"push"_s } + strataTls(*m_reg) + QStringList { spec.tag, src });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"first push"_s, r)));
    r = strata(m_store, QStringList { u"push"_s } + strataTls(*m_reg) + QStringList { spec.tag, src });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"second push"_s, r)));
    QCOMPARE(text(r.out).count(QRegularExpression(u"^[0-9a-f]{12}: Layer already exists$"_s, QRegularExpression::MultilineOption)), spec.layerDigests.size());
    QVERIFY2(!text(r.out).contains(u"Pushed"_s), qPrintable(describe(u"second push uploaded again"_s, r)));

    // An image pulled from mount-src, pushed to another repository of the same registry: the
    // registry has its blobs there, so they are mounted, not uploaded.
    const QString root = path(u"store-mount"_s);
    r = strata(root, QStringList { u"pull"_s } + strataTls(*m_reg) + QStringList { src });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"pull "_s + src, r)));
    const QString dst = m_reg->ref(u"strata/mount-dst:1"_s);
    r = strata(root, QStringList { u"push"_s } + strataTls(*m_reg) + QStringList { src, dst });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"push "_s + dst, r)));
    QCOMPARE(text(r.out).count(QRegularExpression(u"^[0-9a-f]{12}: Mounted from strata/mount-src$"_s, QRegularExpression::MultilineOption)), spec.layerDigests.size());
    // The registry says so too: the blob's link in the destination repository exists.
    QJsonObject manifest;
    const QString err = pushedManifest(*m_reg, u"strata/mount-dst:1"_s, &manifest);
    QVERIFY2(err.isEmpty(), qPrintable(err));
    QStringList layerDigests;
    for (const QJsonValue &l : manifest.value(u"layers"_s).toArray())
        layerDigests.append(l.toObject().value(u"digest"_s).toString());
    QCOMPARE(layerDigests, spec.layerDigests);
}

// ---------------------------------------------------------------------------------------------
// f) TLS

void TestRegistry::tlsRefusedWithoutCa()
{
    const QString ref = m_reg->ref(u"strata/anything:1"_s);
    const QString root = path(u"store-noca"_s);
    const RunResult r = strata(root, { u"pull"_s, u"--creds"_s, m_reg->creds(), ref });
    QVERIFY2(r.exitCode == 1, qPrintable(describe(u"stratactl pull without the CA"_s, r)));
    QVERIFY2(text(r.err).startsWith(u"stratactl pull: "_s + ref + u": "_s), qPrintable(describe(u"error line"_s, r)));
    // Named as a certificate problem: plain HTTP is no fallback for a port that speaks TLS
    // (the registry would answer it "Client sent an HTTP request to an HTTPS server").
    QVERIFY2(text(r.err).contains(QRegularExpression(u"certificate|issuer|verif"_s, QRegularExpression::CaseInsensitiveOption)),
        qPrintable(describe(u"refused without naming the certificate"_s, r)));
    const RunResult images = strata(root, { u"images"_s, u"-q"_s });
    QVERIFY2(images.out.trimmed().isEmpty(), qPrintable(describe(u"images after a refused pull"_s, images)));
}

void TestRegistry::tlsVerifyFalse()
{
    QVERIFY2(m_imageError.isEmpty(), qPrintable(m_imageError));
    const QString ref = m_reg->ref(u"strata/noverify:1"_s);
    RunResult r = strata(m_store, { u"push"_s, u"--tls-verify=false"_s, u"--creds"_s, m_reg->creds(), m_images.first().tag, ref });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl push --tls-verify=false"_s, r)));
    r = strata(path(u"store-noverify"_s), { u"pull"_s, u"--tls-verify=false"_s, u"--creds"_s, m_reg->creds(), ref });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl pull --tls-verify=false"_s, r)));
}

void TestRegistry::plainHttpLoopback()
{
    QVERIFY2(m_imageError.isEmpty(), qPrintable(m_imageError));
    const PushSpec spec = m_images.value(1);
    const QString ref = m_plain->ref(u"strata/plain:1"_s);
    RunResult r = strata(m_store, { u"push"_s, spec.tag, ref });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl push to a plain-HTTP loopback registry"_s, r)));
    const QString root = path(u"store-plain"_s);
    r = strata(root, { u"pull"_s, ref });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl pull from a plain-HTTP loopback registry"_s, r)));
    QString err;
    const QJsonObject a = strataInspect(m_store, spec.tag, &err);
    QVERIFY2(err.isEmpty(), qPrintable(err));
    const QJsonObject b = strataInspect(root, ref, &err);
    QVERIFY2(err.isEmpty(), qPrintable(err));
    QCOMPARE(b.value(u"Id"_s).toString(), a.value(u"Id"_s).toString());
    QCOMPARE(toStrings(b.value(u"RootFS"_s).toObject().value(u"Layers"_s)), toStrings(a.value(u"RootFS"_s).toObject().value(u"Layers"_s)));
    // The pulled image keeps the layer digests too: pushed on from there, the same manifest.
    r = strata(root, { u"push"_s, u"-q"_s, ref, m_plain->ref(u"strata/plain-again:1"_s) });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"push of the pulled image"_s, r)));
    QJsonObject m1, m2;
    QVERIFY(pushedManifest(*m_plain, u"strata/plain:1"_s, &m1).isEmpty());
    QVERIFY(pushedManifest(*m_plain, u"strata/plain-again:1"_s, &m2).isEmpty());
    QCOMPARE(m2, m1);
}

void TestRegistry::storesStayConsistent()
{
    for (const QString &root : QDir(m_tmp.path()).entryList({ u"store*"_s }, QDir::Dirs)) {
        const RunResult r = strata(path(root), { u"check"_s });
        QVERIFY2(r.exitCode == 0 && r.out.contains("no problems found"), qPrintable(describe(u"stratactl check of "_s + root, r)));
    }
}

QTEST_GUILESS_MAIN(TestRegistry)
#include "tst_registry.moc"
