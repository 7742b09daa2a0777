// stratactl pull against a registry that attacks it (HostileRegistry, a server of the test's own
// on loopback; no peer needed). Each scenario must end with exit status 1 and a message naming
// the cause, in bounded time (STRATA_REGISTRY_STALL_SECONDS=2, 20 s allowed: a correctness
// bound, not a performance target) and bounded memory (the child's peak RSS, while the server
// would send GBs), with nothing committed to the store: no image, `check` clean, tmp/ empty,
// and every file of the store as it was. A control row pulls the same image from the same
// server behaving well, so a failure above is the attack's, not the server's.

#include "hostileregistry.h"
#include "tarbuilder.h"
#include "testsupport.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using strata::test::HostileRegistry;
using strata::test::RunResult;
using Scenario = HostileRegistry::Scenario;

Q_DECLARE_METATYPE(HostileRegistry::Scenario)

namespace {

constexpr qint64 maxElapsedMs = 20000;
constexpr qint64 maxRssKiB = 200 * 1024;

QString describe(const QString &what, const RunResult &r)
{
    return u"%1: exit %2\n--- stdout ---\n%3\n--- stderr ---\n%4"_s.arg(what).arg(r.exitCode).arg(QString::fromUtf8(r.out).left(3000),
        QString::fromUtf8(r.err).left(3000));
}

} // namespace

class TestHostileRegistry : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void wellBehavedServerPulls();
    void redirectElsewhereGetsNoCredentials();
    void layersFetchedInParallel();
    void attackRefused_data();
    void attackRefused();
    void pushUploadElsewhereGetsNoCredentials();
    void pushRefused_data();
    void pushRefused();

private:
    struct Pull {
        strata::test::MeasuredRun run;
        QString root;
        QString before;
    };
    Pull pull(HostileRegistry &server, const QString &name);
    strata::test::MeasuredRun push(HostileRegistry &server, const QString &creds);
    QMap<QString, QString> env() const;

    QTemporaryDir m_tmp;
    QString m_pushStore, m_pushError; // a store with the image push rows push
    int m_pushes = 0;
};

void TestHostileRegistry::initTestCase()
{
    QVERIFY2(m_tmp.isValid(), qPrintable(m_tmp.errorString()));
    QDir().mkpath(m_tmp.filePath(u"home/.config"_s));
    // The image to push: a gzip layer and an uncompressed one.
    m_pushStore = m_tmp.filePath(u"push-store"_s);
    const QByteArray a = strata::test::TarBuilder().file("a.txt", QByteArray("pushed\n").repeated(5000)).build();
    const QByteArray b = strata::test::TarBuilder().file("b.txt", "also pushed\n").build();
    const QString archive = m_tmp.filePath(u"push.tar"_s);
    strata::test::writeFile(archive,
        strata::test::dockerArchive({ strata::test::gzipStream(a), b }, u"pushed:1"_s,
            { u"sha256:"_s + strata::test::sha256Hex(a), u"sha256:"_s + strata::test::sha256Hex(b) }));
    const RunResult r = strata::test::stratactl(m_pushStore, { u"load"_s, u"-i"_s, archive });
    if (r.exitCode != 0)
        m_pushError = describe(u"stratactl load of the image to push"_s, r);
}

strata::test::MeasuredRun TestHostileRegistry::push(HostileRegistry &server, const QString &creds)
{
    const QString work = m_tmp.filePath(u"push-run-%1"_s.arg(++m_pushes));
    QDir().mkpath(work);
    QStringList args { u"--root"_s, m_pushStore, u"push"_s };
    if (!creds.isEmpty())
        args << u"--creds"_s << creds;
    args << u"pushed:1"_s << server.ref();
    const strata::test::MeasuredRun run = strata::test::runMeasured(QStringLiteral(STRATACTL_PATH), args, env(), work, 60000);
    qInfo("push: exit %d in %lld ms, peak RSS %lld KiB, server sent %lld bytes; stderr: %s", run.result.exitCode, run.elapsedMs, run.maxRssKiB,
        server.bytesSent(), run.result.err.trimmed().left(400).constData());
    return run;
}

// No credentials of the host's user may reach the hostile server, and none of its answers may
// linger in a cache outside the test.
QMap<QString, QString> TestHostileRegistry::env() const
{
    return { { u"STRATA_REGISTRY_STALL_SECONDS"_s, u"2"_s }, { u"HOME"_s, m_tmp.filePath(u"home"_s) },
        { u"XDG_CONFIG_HOME"_s, m_tmp.filePath(u"home/.config"_s) }, { u"REGISTRY_AUTH_FILE"_s, QString() }, { u"DOCKER_CONFIG"_s, QString() },
        { u"http_proxy"_s, QString() }, { u"https_proxy"_s, QString() }, { u"HTTP_PROXY"_s, QString() }, { u"HTTPS_PROXY"_s, QString() },
        { u"all_proxy"_s, QString() }, { u"ALL_PROXY"_s, QString() } };
}

TestHostileRegistry::Pull TestHostileRegistry::pull(HostileRegistry &server, const QString &name)
{
    Pull p;
    p.root = m_tmp.filePath(u"store-"_s + name);
    const RunResult init = strata::test::stratactl(p.root, { u"images"_s });
    if (init.exitCode != 0)
        qWarning("%s", qPrintable(describe(u"stratactl images (making the store)"_s, init)));
    p.before = strata::test::treeSnapshot(p.root);
    const QString work = m_tmp.filePath(u"run-"_s + name);
    QDir().mkpath(work);
    p.run = strata::test::runMeasured(QStringLiteral(STRATACTL_PATH), { u"--root"_s, p.root, u"pull"_s, server.ref() }, env(), work, 60000);
    qInfo("%s: exit %d in %lld ms, peak RSS %lld KiB, server sent %lld bytes; stderr: %s", qPrintable(name), p.run.result.exitCode,
        p.run.elapsedMs, p.run.maxRssKiB, server.bytesSent(), p.run.result.err.trimmed().left(400).constData());
    return p;
}

void TestHostileRegistry::wellBehavedServerPulls()
{
    HostileRegistry server(Scenario::None);
    const QString err = server.start();
    QVERIFY2(err.isEmpty(), qPrintable(err));
    const Pull p = pull(server, u"control"_s);
    QVERIFY2(!p.run.timedOut && p.run.result.exitCode == 0, qPrintable(describe(u"stratactl pull "_s + server.ref(), p.run.result)));
    QVERIFY2(QString::fromUtf8(p.run.result.out).contains(u"Digest: "_s + server.manifestDigest()), qPrintable(describe(u"pull output"_s, p.run.result)));

    const RunResult r = strata::test::stratactl(p.root, { u"inspect"_s, server.ref() });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl inspect "_s + server.ref(), r)));
    const QJsonObject img = QJsonDocument::fromJson(r.out).array().first().toObject();
    QStringList layers;
    for (const QJsonValue &v : img.value(u"RootFS"_s).toObject().value(u"Layers"_s).toArray())
        layers.append(v.toString());
    QCOMPARE(layers, server.diffIds());
    QCOMPARE(img.value(u"Id"_s).toString(), server.configDigest());
    const RunResult check = strata::test::stratactl(p.root, { u"check"_s });
    QVERIFY2(check.exitCode == 0, qPrintable(describe(u"stratactl check"_s, check)));
}

// A registry may send a blob elsewhere (a storage backend on another host): the pull works, and
// neither the registry's token nor the user's password goes with it.
void TestHostileRegistry::redirectElsewhereGetsNoCredentials()
{
    HostileRegistry server(Scenario::ForeignRedirect);
    const QString err = server.start();
    QVERIFY2(err.isEmpty(), qPrintable(err));
    const QString root = m_tmp.filePath(u"store-redirect"_s);
    const QString work = m_tmp.filePath(u"run-redirect"_s);
    QDir().mkpath(work);
    const strata::test::MeasuredRun run = strata::test::runMeasured(QStringLiteral(STRATACTL_PATH),
        { u"--root"_s, root, u"pull"_s, u"--creds"_s, u"someone:secret"_s, server.ref() }, env(), work, 60000);
    const QString what = describe(u"stratactl pull "_s + server.ref(), run.result) + u"\nrequests: "_s + server.requests().join(u", "_s)
        + u"\nat 127.0.0.2: "_s + server.foreignRequests().join(u", "_s);
    QVERIFY2(run.result.exitCode == 0, qPrintable(what));
    QVERIFY2(server.requests().filter(u"/token"_s).size() >= 1, qPrintable(u"no token was asked for; "_s + what));
    const QStringList foreign = server.foreignRequests();
    QVERIFY2(!foreign.isEmpty() && foreign.first().startsWith(u"GET /blobs/"_s + server.hostileLayerDigest()), qPrintable(what));
    QVERIFY2(foreign.filter(u"Authorization"_s).isEmpty(), qPrintable(u"credentials went to the other host; "_s + what));
    const RunResult check = strata::test::stratactl(root, { u"check"_s });
    QVERIFY2(check.exitCode == 0, qPrintable(describe(u"stratactl check"_s, check)));
}

// Up to three layers at a time: with six slow ones, never more than three requests wait at once,
// and more than one does.
void TestHostileRegistry::layersFetchedInParallel()
{
    HostileRegistry server(Scenario::SlowLayers);
    const QString err = server.start();
    QVERIFY2(err.isEmpty(), qPrintable(err));
    const Pull p = pull(server, u"parallel"_s);
    QVERIFY2(p.run.result.exitCode == 0, qPrintable(describe(u"stratactl pull "_s + server.ref(), p.run.result)));
    QCOMPARE(server.requests().filter(QRegularExpression(u"^GET .*/blobs/"_s)).size(), 7); // six layers and the config, each once
    QVERIFY2(server.maxLayersInFlight() >= 2 && server.maxLayersInFlight() <= 3,
        qPrintable(u"%1 layer requests waited at once"_s.arg(server.maxLayersInFlight())));
    const RunResult r = strata::test::stratactl(p.root, { u"inspect"_s, server.ref() });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl inspect"_s, r)));
    QCOMPARE(QJsonDocument::fromJson(r.out).array().first().toObject().value(u"RootFS"_s).toObject().value(u"Layers"_s).toArray().size(), 6);
}

// Push: an upload the registry locates on another host gets there without credentials; an
// endless answer to the upload's POST and a refused manifest end the push with exit 1, naming why.
void TestHostileRegistry::pushUploadElsewhereGetsNoCredentials()
{
    QVERIFY2(m_pushError.isEmpty(), qPrintable(m_pushError));
    HostileRegistry server(Scenario::PushUploadElsewhere);
    const QString err = server.start();
    QVERIFY2(err.isEmpty(), qPrintable(err));
    const strata::test::MeasuredRun run = push(server, u"someone:secret"_s);
    const QString what = u"at 127.0.0.2: "_s + server.foreignRequests().join(u", "_s) + u'\n' + describe(u"stratactl push"_s, run.result)
        + u"\nrequests: "_s + server.requests().join(u", "_s).left(1500);
    QVERIFY2(run.result.exitCode == 0, qPrintable(what));
    QVERIFY2(server.requests().filter(QRegularExpression(u"^PUT .*/manifests/1$"_s)).size() == 1, qPrintable(u"no manifest PUT; "_s + what));
    const QStringList foreign = server.foreignRequests();
    QVERIFY2(!foreign.filter(QRegularExpression(u"^PUT /upload/"_s)).isEmpty(), qPrintable(u"nothing uploaded to the other host; "_s + what));
    QVERIFY2(foreign.filter(u"Authorization"_s).isEmpty(), qPrintable(u"credentials went to the other host; "_s + what));
}

void TestHostileRegistry::pushRefused_data()
{
    QTest::addColumn<Scenario>("scenario");
    QTest::addColumn<QString>("cause");
    QTest::newRow("endless answer to the upload's POST") << Scenario::PushEndlessAnswer << u"MiB|too large|too big|limit|exceed|allowed"_s;
    QTest::newRow("manifest refused") << Scenario::PushManifestRefused << u"MANIFEST_INVALID|manifest invalid|refuses every manifest"_s;
}

void TestHostileRegistry::pushRefused()
{
    QFETCH(Scenario, scenario);
    QFETCH(QString, cause);
    QVERIFY2(m_pushError.isEmpty(), qPrintable(m_pushError));
    HostileRegistry server(scenario);
    const QString err = server.start();
    QVERIFY2(err.isEmpty(), qPrintable(err));
    const strata::test::MeasuredRun run = push(server, {});
    const QString what = describe(u"stratactl push"_s, run.result) + u"\nrequests: "_s + server.requests().join(u", "_s).left(2000);
    QVERIFY2(!run.timedOut, qPrintable(u"still running after 60 s, killed; "_s + what));
    QVERIFY2(run.result.exitCode == 1, qPrintable(what));
    const QString stderrText = QString::fromUtf8(run.result.err);
    QVERIFY2(stderrText.startsWith(u"stratactl push: "_s) && stderrText.contains(server.ref()), qPrintable(u"stderr does not start with 'stratactl push: ' naming the reference; "_s + what));
    QVERIFY2(stderrText.contains(QRegularExpression(cause, QRegularExpression::CaseInsensitiveOption)), qPrintable(u"stderr does not name the cause /%1/; "_s.arg(cause) + what));
    QVERIFY2(run.elapsedMs < maxElapsedMs, qPrintable(u"took %1 ms; "_s.arg(run.elapsedMs) + what));
    QVERIFY2(run.maxRssKiB < maxRssKiB, qPrintable(u"peak RSS %1 KiB; "_s.arg(run.maxRssKiB) + what));
    // The local image is untouched.
    const RunResult check = strata::test::stratactl(m_pushStore, { u"check"_s });
    QVERIFY2(check.exitCode == 0 && check.out.contains("no problems found"), qPrintable(describe(u"stratactl check"_s, check)));
    if (run.maxRssKiB < 0)
        QSKIP("the peak memory was not measured: /usr/bin/time (package time) is missing");
}

void TestHostileRegistry::attackRefused_data()
{
    QTest::addColumn<Scenario>("scenario");
    // Every pattern must match stderr (case-insensitive): what names the cause.
    QTest::addColumn<QStringList>("causes");
    // A request the server must have seen: the attack was reached, not avoided by failing earlier.
    QTest::addColumn<QString>("reached");
    const QString layer = u"blobs/sha256:"_s, manifest = u"manifests/"_s;
    // {layer} and {config} stand for the digests the manifest names: the message names the blob.
    const QString L = u"{layer}"_s, C = u"{config}"_s;
    const QString tooBig = u"MiB|too large|too big|limit|exceed|allowed"_s;
    const QString stall = u"stall|no data|no progress|timed? ?out|timeout|too slow"_s;
    QTest::newRow("wrong digest") << Scenario::WrongDigest << QStringList { L, u"digest|hash"_s } << layer;
    QTest::newRow("short blob") << Scenario::ShortBlob << QStringList { L, u"size|bytes|short"_s } << layer;
    QTest::newRow("long blob (4 GiB)") << Scenario::LongBlob << QStringList { L, u"size|bytes|more|long"_s } << layer;
    QTest::newRow("endless blob") << Scenario::EndlessBlob << QStringList { L, u"size|bytes|more|long"_s } << layer;
    QTest::newRow("5 MiB manifest") << Scenario::OversizedManifest << QStringList { u"manifest"_s, tooBig } << manifest;
    QTest::newRow("endless manifest") << Scenario::EndlessManifest << QStringList { u"manifest"_s, tooBig } << manifest;
    QTest::newRow("9 MiB config") << Scenario::OversizedConfig << QStringList { C, tooBig } << manifest;
    QTest::newRow("2 MiB token") << Scenario::OversizedToken << QStringList { u"token"_s, tooBig } << u"/token"_s;
    QTest::newRow("redirect loop") << Scenario::RedirectLoop << QStringList { L, u"redirect"_s } << layer;
    QTest::newRow("20 redirects") << Scenario::TooManyRedirects << QStringList { L, u"redirect"_s } << u"/r/1"_s;
    QTest::newRow("index pointing at itself") << Scenario::SelfIndex << QStringList { u"digest|hash|itself|nest|depth|loop"_s } << manifest + u"sha256:"_s;
    QTest::newRow("index nested twice") << Scenario::NestedIndex << QStringList { u"nest|depth|deep"_s } << manifest;
    QTest::newRow("plain-HTTP realm on another host") << Scenario::ForeignPlainRealm << QStringList { u"realm|token"_s, u"127\\.0\\.0\\.2"_s } << u"/v2/"_s;
    QTest::newRow("truncated blob") << Scenario::TruncatedBlob << QStringList { L, u"size|bytes|short|truncat|closed|remaining|partial"_s } << layer;
    QTest::newRow("trickling blob") << Scenario::TrickleBlob << QStringList { L, stall } << layer;
    QTest::newRow("silent headers") << Scenario::SilentHeaders << QStringList { u"manifest"_s, stall } << manifest;
    QTest::newRow("silent body") << Scenario::SilentBody << QStringList { L, stall } << layer;
    QTest::newRow("200 KiB of headers") << Scenario::HugeHeaders << QStringList { u"header"_s } << manifest;
    QTest::newRow("endless headers") << Scenario::EndlessHeaders << QStringList { u"header"_s } << manifest;
    QTest::newRow("Docker-Content-Digest differs") << Scenario::DigestHeaderMismatch << QStringList { u"Docker-Content-Digest"_s } << manifest;
    QTest::newRow("wrong diffID") << Scenario::WrongDiffId << QStringList { u"diff ?id|uncompressed"_s } << layer;
    QTest::newRow("manifest by digest differs") << Scenario::ManifestDigestMismatch << QStringList { u"digest|hash"_s } << manifest + u"sha256:"_s;
}

void TestHostileRegistry::attackRefused()
{
    QFETCH(Scenario, scenario);
    QFETCH(QStringList, causes);
    QFETCH(QString, reached);
    HostileRegistry server(scenario);
    const QString err = server.start();
    QVERIFY2(err.isEmpty(), qPrintable(err));
    const QString name = QString::fromLatin1(QTest::currentDataTag()).replace(QRegularExpression(u"[^A-Za-z0-9]+"_s), u"-"_s);
    const Pull p = pull(server, name);
    const RunResult &r = p.run.result;
    const QString what = describe(u"stratactl pull "_s + server.ref(), r) + u"\nrequests: "_s + server.requests().join(u", "_s).left(2000);

    QVERIFY2(!p.run.timedOut, qPrintable(u"still running after 60 s, killed; "_s + what));
    QVERIFY2(r.exitCode == 1, qPrintable(what));
    const QString stderrText = QString::fromUtf8(r.err);
    QVERIFY2(stderrText.startsWith(u"stratactl pull: "_s + server.ref() + u": "_s), qPrintable(u"stderr does not start with 'stratactl pull: REF: '; "_s + what));
    for (QString cause : std::as_const(causes)) {
        cause.replace(u"{layer}"_s, server.hostileLayerDigest()).replace(u"{config}"_s, server.configDigest());
        QVERIFY2(stderrText.contains(QRegularExpression(cause, QRegularExpression::CaseInsensitiveOption)),
            qPrintable(u"stderr does not name the cause /%1/; "_s.arg(cause) + what));
    }
    QVERIFY2(p.run.elapsedMs < maxElapsedMs, qPrintable(u"took %1 ms (bound %2 ms); "_s.arg(p.run.elapsedMs).arg(maxElapsedMs) + what));
    QVERIFY2(p.run.maxRssKiB < maxRssKiB,
        qPrintable(u"peak RSS %1 KiB (bound %2 KiB), server sent %3 bytes; "_s.arg(p.run.maxRssKiB).arg(maxRssKiB).arg(server.bytesSent()) + what));
    bool sawIt = false;
    for (const QString &req : server.requests())
        sawIt = sawIt || req.contains(reached);
    QVERIFY2(sawIt, qPrintable(u"the client never asked for '%1', so the attack was not reached; "_s.arg(reached) + what));
    QVERIFY2(server.foreignRequests().isEmpty(), qPrintable(u"requests reached the other host 127.0.0.2: "_s + server.foreignRequests().join(u", "_s)));

    // Nothing committed.
    const RunResult images = strata::test::stratactl(p.root, { u"images"_s, u"-q"_s });
    QVERIFY2(images.exitCode == 0 && images.out.trimmed().isEmpty(), qPrintable(describe(u"stratactl images -q (should list nothing)"_s, images)));
    const RunResult check = strata::test::stratactl(p.root, { u"check"_s });
    QVERIFY2(check.exitCode == 0 && check.out.contains("no problems found"), qPrintable(describe(u"stratactl check"_s, check)));
    const QStringList leftInTmp = QDir(p.root + u"/tmp"_s).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
    QVERIFY2(leftInTmp.isEmpty(), qPrintable(u"left in the store's tmp/: "_s + leftInTmp.join(u", "_s)));
    const QString after = strata::test::treeSnapshot(p.root);
    QVERIFY2(after == p.before, qPrintable(u"the store changed:\nbefore:\n%1\nafter:\n%2"_s.arg(p.before, after).left(6000)));
    if (p.run.maxRssKiB < 0)
        QSKIP("the peak memory was not measured: /usr/bin/time (package time) is missing");
}

QTEST_GUILESS_MAIN(TestHostileRegistry)
#include "tst_hostileregistry.moc"
