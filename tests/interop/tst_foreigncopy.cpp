// stratactl pull docker-daemon:IMAGE: images copied from a private dockerd's data root
// (tests/support/dockerdaemon) into fresh Strata stores, without docker save: each layer's tar
// rebuilt from Docker's tar-split and its overlay2 folder. The images: one docker loaded from a
// `stratactl save` (hard link, xattr), one docker built FROM scratch with busybox-static (hard
// links, a RUN rm's whiteouts, a RUN that changes nothing, an ENV step), one built on top of
// the first, one docker imported from an empty tar (an empty layer). Each
// copy has docker's image ID, diffIDs, history and tags; `stratactl check` is clean; a
// `stratactl save` of it loads back into docker with the same ID; Docker's root is unchanged.
// Hostile copies of the root (a damaged or missing tar-split, one naming ../x, a file of
// another size, a file changed after the fact) are refused naming the file, the store as it was.
// The same from Podman's containers/storage (pull containers-storage:IMAGE, a private root of
// PodmanSandbox): an image podman imported, one it built on it (hard link, whiteout), one it
// loaded from the `stratactl save`; each with podman's ID, diffIDs, history and tags, loaded
// back into podman with the same ID, podman's root unchanged, a damaged tar-split refused.
// Skipped, with the reason, only when docker or podman is not installed or cannot start here.

#include "dockerdaemon.h"
#include "podmansandbox.h"
#include "foreigntarsplit.h"
#include "imagedescription.h"
#include "imagestore.h"
#include "storeopen.h"
#include "tarbuilder.h"
#include "testsupport.h"
#include "treestate.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using strata::test::RunResult;
using strata::test::settledTreeState;
using strata::test::treeDifference;
using strata::test::treeState;

namespace {

QString text(const QByteArray &b) { return QString::fromUtf8(b); }

QString describe(const QString &what, const RunResult &r)
{
    return u"%1: exit %2\n--- stdout ---\n%3\n--- stderr ---\n%4"_s.arg(what).arg(r.exitCode).arg(text(r.out).left(4000), text(r.err).left(4000));
}

// What docker shows of an image.
struct DockerView {
    QString id;
    QStringList tags, diffIds, createdBy; // createdBy oldest first
};

// What `docker|podman image inspect` and `history --no-trunc --format json` show (docker's
// history: a JSON object a line; podman's: an array). Podman's ID lacks the "sha256:".
DockerView viewOf(const QByteArray &inspect, const QByteArray &history)
{
    const QJsonObject o = QJsonDocument::fromJson(inspect).array().first().toObject();
    DockerView v;
    v.id = o.value(u"Id"_s).toString();
    if (!v.id.startsWith(u"sha256:"_s))
        v.id.prepend(u"sha256:"_s);
    for (const QJsonValue &t : o.value(u"RepoTags"_s).toArray())
        v.tags.append(t.toString());
    for (const QJsonValue &l : o.value(u"RootFS"_s).toObject().value(u"Layers"_s).toArray())
        v.diffIds.append(l.toString());
    QJsonArray rows = QJsonDocument::fromJson(history).array();
    if (!history.trimmed().startsWith('['))
        for (const QByteArray &line : history.split('\n'))
            if (!line.trimmed().isEmpty())
                rows.append(QJsonDocument::fromJson(line).object());
    for (const QJsonValue &h : std::as_const(rows))
        v.createdBy.prepend(h.toObject().value(u"CreatedBy"_s).toString());
    return v;
}

// The history's created_by, oldest first, of the image `ref` of the Strata store at `root`.
QStringList strataCreatedBy(const QString &root, const QString &ref)
{
    strata::Store::Options options;
    options.root = root;
    auto store = strata::openStore(options);
    if (!store)
        return { u"cannot open "_s + store.error() };
    auto list = strata::ImageStore(*store.value()).list();
    if (!list)
        return { list.error() };
    for (const strata::Image &image : list.value()) {
        if (!image.tags.contains(ref))
            continue;
        QStringList out;
        for (const strata::HistoryRow &h : strata::ImageDescription::history(image))
            out.append(h.createdBy);
        return out;
    }
    return { u"no image "_s + ref };
}

QStringList withoutStagingParent(QStringList tree)
{
    tree.removeIf([](const QString &line) { return line.startsWith(u"/tmp mode="_s); });
    return tree;
}

} // namespace

class TestForeignCopy : public QObject {
    Q_OBJECT

private slots:
    void crc64IsGos();
    void tarSplitReader_data();
    void tarSplitReader();
    void initTestCase();
    void cleanupTestCase();
    void copiesEqualDockers_data();
    void copiesEqualDockers();
    void onTopOfACopiedBase();
    void byIdTakesEveryTag();
    void dataRootUnchanged();
    void hostile_data();
    void hostile();
    void savedCopyLoadsBackIntoDocker();
    void podmanCopiesEqualPodmans_data();
    void podmanCopiesEqualPodmans();
    void podmanRootUnchanged();
    void podmanDamagedTarSplit();
    void podmanSavedCopyLoadsBack();

private:
    QString path(const QString &name) const { return m_tmp.path() + u'/' + name; }
    RunResult pull(const QString &store, const QString &ref, const QString &root = {}) const
    {
        return strata::test::stratactl(store, { u"pull"_s, u"--foreign-root"_s, root.isEmpty() ? m_data : root, u"docker-daemon:"_s + ref }, 300000);
    }
    void verifyCopy(const QString &store, const QString &ref, const DockerView &view);
    void pullVerified(const QString &store, const QStringList &pullArgs, const QString &ref, const DockerView &view);
    void setUpPodman();
    void verifyChecked(const QString &store);

    QTemporaryDir m_tmp;
    QString m_skip;
    std::unique_ptr<strata::test::DockerDaemon> m_dockerd;
    QString m_data;
    QStringList m_before;
    QMap<QString, DockerView> m_views; // by tag

    RunResult pullPodman(const QString &store, const QString &ref, const QString &root = {}) const
    {
        return strata::test::stratactl(store, { u"pull"_s, u"--foreign-root"_s, root.isEmpty() ? m_podmanRoot : root, u"containers-storage:"_s + ref }, 300000);
    }
    std::unique_ptr<strata::test::PodmanSandbox> m_podman;
    QString m_podmanSkip;
    QString m_podmanRoot;
    QStringList m_podmanBefore;
    QMap<QString, DockerView> m_podmanViews; // by tag, as podman names it
};

#define REQUIRE_PODMAN()                                                                                               \
    do {                                                                                                               \
        if (!m_podmanSkip.isEmpty())                                                                                   \
            QSKIP(qPrintable(m_podmanSkip));                                                                           \
    } while (false)

#define REQUIRE_DOCKER()                                                                                               \
    do {                                                                                                               \
        if (!m_skip.isEmpty())                                                                                         \
            QSKIP(qPrintable(m_skip));                                                                                 \
    } while (false)

void TestForeignCopy::crc64IsGos()
{
    // CRC-64/GO-ISO's check value, whole and in pieces that cross the eight-byte steps.
    const QByteArray check = "123456789";
    QCOMPARE(strata::ForeignTarSplit::crc64(0, check.constData(), check.size()), quint64(0xB90956C775A41001ULL));
    quint64 crc = 0;
    for (qsizetype i = 0; i < check.size(); i += 2)
        crc = strata::ForeignTarSplit::crc64(crc, check.constData() + i, std::min<qsizetype>(2, check.size() - i));
    QCOMPARE(crc, quint64(0xB90956C775A41001ULL));
    // And what Docker's tar-split kept for a file holding "hi\n" (seen in a real layerdb).
    QCOMPARE(strata::ForeignTarSplit::crc64(0, "hi\n", 3), quint64(0x6149981000000000ULL));
}

// A tar-split line of each kind, as Docker's packer writes them (positions filled in later).
QByteArray segment(const QByteArray &bytes)
{
    return "{\"type\":2,\"payload\":\"" + bytes.toBase64() + "\",\"position\":@}";
}

QByteArray fileEntry(const QByteArray &name, const QByteArray &content, bool raw = false)
{
    QByteArray crc(8, '\0');
    quint64 c = strata::ForeignTarSplit::crc64(0, content.constData(), content.size());
    for (int i = 7; i >= 0; --i, c >>= 8)
        crc[i] = char(c & 0xff);
    const QByteArray named = raw ? QByteArray("\"name_raw\":\"" + name.toBase64() + "\"") : QByteArray("\"name\":\"" + name + "\"");
    return "{\"type\":1," + named + ",\"size\":" + QByteArray::number(content.size()) + ",\"payload\":\"" + crc.toBase64() + "\",\"position\":@}";
}

// The reader alone, on hand-made splits over a folder of the test's: what it rebuilds, and what
// it refuses (the split and the folder are the attacker's), with no peer.
void TestForeignCopy::tarSplitReader_data()
{
    QTest::addColumn<QList<QByteArray>>("lines");
    QTest::addColumn<QByteArray>("expected"); // the tar's bytes, or empty when refused
    QTest::addColumn<QString>("error"); // what the refusal says
    const QByteArray h1(512, 'H'), h2(512, 'h'), pad(507, '\0'), end(1024, '\0');
    QTest::newRow("segments and files") << QList<QByteArray> { segment(h1), fileEntry("a", "hello"), segment(pad), segment(h2), fileEntry("./sub//b", "xy"),
        "{\"type\":1,\"name\":\"sub/\",\"payload\":null,\"position\":@}", segment(end) }
                                        << h1 + "hello" + pad + h2 + "xy" + end << QString();
    QTest::newRow("name_raw, not UTF-8") << QList<QByteArray> { fileEntry("sub/\xff", "z", true) } << QByteArray("z") << QString();
    QTest::newRow("another CRC") << QList<QByteArray> { "{\"type\":1,\"name\":\"a\",\"size\":5,\"payload\":\"" + QByteArray(8, '\0').toBase64() + "\",\"position\":@}" }
                                 << QByteArray() << u"has other content than when the layer was stored"_s;
    QTest::newRow("not JSON") << QList<QByteArray> { segment(h1), "{\"type\":2,\"payload\":" } << QByteArray() << u"entry 2 is not a JSON object"_s;
    QTest::newRow("position out of order") << QList<QByteArray> { segment(h1), "{\"type\":2,\"payload\":null,\"position\":7}" } << QByteArray() << u"has position 7, not 1"_s;
    QTest::newRow("unknown type") << QList<QByteArray> { "{\"type\":3,\"payload\":null,\"position\":@}" } << QByteArray() << u"unknown type 3"_s;
    QTest::newRow("bad base64") << QList<QByteArray> { "{\"type\":2,\"payload\":\"!!!!\",\"position\":@}" } << QByteArray() << u"is not valid base64"_s;
    QTest::newRow("negative size") << QList<QByteArray> { "{\"type\":1,\"name\":\"a\",\"size\":-5,\"payload\":null,\"position\":@}" } << QByteArray() << u"has the size -5"_s;
    QTest::newRow("checksum not 8 bytes") << QList<QByteArray> { "{\"type\":1,\"name\":\"a\",\"size\":5,\"payload\":\"AAAA\",\"position\":@}" } << QByteArray() << u"a checksum of 3 bytes"_s;
    QTest::newRow("absolute name stays below") << QList<QByteArray> { fileEntry("/a", "hello") } << QByteArray("hello") << QString();
    QTest::newRow("dot-dot inside") << QList<QByteArray> { fileEntry("sub/../../a", "hello") } << QByteArray() << u"which leaves the layer's directory"_s;
    QTest::newRow("through a symlinked folder") << QList<QByteArray> { fileEntry("dirlink/b", "xy") } << QByteArray() << u"goes through the symbolic link 'dirlink'"_s;
    QTest::newRow("a symlink for a file") << QList<QByteArray> { fileEntry("link", "hello") } << QByteArray() << u"is a symbolic link"_s;
    QTest::newRow("a FIFO for a file") << QList<QByteArray> { fileEntry("fifo", "hello") } << QByteArray() << u"is not a regular file"_s;
    QTest::newRow("a missing file") << QList<QByteArray> { fileEntry("sub/none", "hello") } << QByteArray() << u"is missing"_s;
    QTest::newRow("a line over the limit") << QList<QByteArray> { segment(QByteArray(strata::ForeignTarSplit::maxLineBytes, 'x')) } << QByteArray() << u"is longer than"_s;
    QTest::newRow("no entries") << QList<QByteArray> { "" } << QByteArray() << u"it has no entries"_s;
}

void TestForeignCopy::tarSplitReader()
{
    QFETCH(QList<QByteArray>, lines);
    QFETCH(QByteArray, expected);
    QFETCH(QString, error);
    const QString dir = path(u"split-dir"_s);
    if (!QFileInfo::exists(dir)) {
        QVERIFY(strata::test::writeFile(dir + u"/a"_s, "hello"));
        QVERIFY(strata::test::writeFile(dir + u"/sub/b"_s, "xy"));
        const strata::fs::UniqueFd raw(::open(QFile::encodeName(dir + u"/sub/"_s).append('\xff').constData(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644)); // a name not UTF-8
        QVERIFY(raw.ok() && ::write(raw.get(), "z", 1) == 1);
        QVERIFY(QFile::link(u"a"_s, dir + u"/link"_s));
        QVERIFY(QFile::link(u"sub"_s, dir + u"/dirlink"_s));
        QCOMPARE(::mkfifo(QFile::encodeName(dir + u"/fifo"_s).constData(), 0644), 0);
    }
    QByteArray json;
    int position = 0;
    for (QByteArray line : lines) {
        if (line.contains('@'))
            line.replace('@', QByteArray::number(position++));
        json += line + '\n';
    }
    const QString split = path(u"split-%1.json.gz"_s).arg(QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'-'));
    QVERIFY(strata::test::writeFile(split + u".json"_s, json));
    const RunResult zipped = strata::test::run(u"sh"_s, { u"-c"_s, u"gzip -c \"$1\" > \"$2\""_s, u"sh"_s, split + u".json"_s, split });
    QVERIFY2(zipped.exitCode == 0, qPrintable(describe(u"gzip"_s, zipped)));
    strata::ForeignTarSplit reader;
    strata::fs::UniqueFd splitFd(::open(QFile::encodeName(split).constData(), O_RDONLY | O_CLOEXEC));
    strata::fs::UniqueFd dirFd(::open(QFile::encodeName(dir).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    QVERIFY(splitFd.ok() && dirFd.ok());
    QVERIFY(reader.open(std::move(splitFd), split, std::move(dirFd), dir).ok());
    QString got;
    QByteArray tar;
    if (auto size = reader.measure(); !size) {
        got = size.error();
    } else {
        for (;;) {
            auto block = reader.read();
            if (!block) {
                got = block.error();
                break;
            }
            if (block->isEmpty())
                break;
            tar += block->toByteArray();
        }
        if (got.isEmpty())
            QCOMPARE(size.value(), tar.size());
    }
    if (error.isEmpty()) {
        QVERIFY2(got.isEmpty(), qPrintable(got));
        QCOMPARE(tar, expected);
        // A second pass gives the same bytes.
        reader.rewind();
        QByteArray again;
        for (auto block = reader.read(); block && !block->isEmpty(); block = reader.read())
            again += block->toByteArray();
        QCOMPARE(again, expected);
    } else {
        QVERIFY2(got.contains(error), qPrintable(got));
        QVERIFY2(got.contains(split) || got.contains(dir), qPrintable(got)); // the file is named
    }
}

void TestForeignCopy::initTestCase()
{
    QVERIFY2(m_tmp.isValid(), qPrintable(m_tmp.errorString()));
    QVERIFY2(QFileInfo(QStringLiteral(STRATACTL_PATH)).isExecutable(), STRATACTL_PATH " is not built");
    QVERIFY2(QFileInfo(u"/bin/busybox"_s).isExecutable(), "/bin/busybox (busybox-static) is missing: the test images are made from it");
    setUpPodman();
    m_skip = strata::test::DockerDaemon::unavailableReason();
    if (m_skip.isEmpty()) {
        m_dockerd = std::make_unique<strata::test::DockerDaemon>(path(u"dockerd"_s));
        m_skip = m_dockerd->start();
    }
    if (!m_skip.isEmpty()) {
        qWarning("docker unavailable: %s", qPrintable(m_skip));
        return;
    }
    m_data = m_dockerd->directory() + u"/data"_s;
    qInfo("peer: dockerd %s, data root %s", qPrintable(m_dockerd->version()), qPrintable(m_data));

    // 1. docker load of a stratactl save: a hard link and an xattr (a SCHILY.xattr PAX record).
    const QByteArray base = strata::test::TarBuilder::busybox({ "sh", "echo", "ls", "cat", "rm" })
                                .dir("etc")
                                .fileWithXattr("etc/x", "with an xattr\n", "user.strata", "1")
                                .file("etc/hello", "hello\n")
                                .hardlink("etc/hello-again", "etc/hello")
                                .build();
    QVERIFY(strata::test::writeFile(path(u"base.tar"_s), base));
    const QString made = path(u"made-by-strata"_s);
    RunResult r = strata::test::stratactl(made, { u"import"_s, path(u"base.tar"_s), u"fc-saved:1"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl import"_s, r)));
    r = strata::test::stratactl(made, { u"save"_s, u"-o"_s, path(u"saved.tar"_s), u"fc-saved:1"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl save"_s, r)));
    r = m_dockerd->docker({ u"load"_s, u"-i"_s, path(u"saved.tar"_s) });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"docker load"_s, r)));

    // 2. docker build FROM scratch: busybox-static, hard links, a whiteout, an empty layer.
    const QString ctx = path(u"ctx"_s);
    QVERIFY(QDir().mkpath(ctx + u"/bin"_s));
    QVERIFY(QFile::copy(u"/bin/busybox"_s, ctx + u"/bin/busybox"_s));
    QVERIFY(strata::test::writeFile(ctx + u"/Dockerfile"_s,
        "FROM scratch\n"
        "COPY bin/busybox /bin/busybox\n"
        "RUN [\"/bin/busybox\", \"sh\", \"-c\", \"/bin/busybox mkdir -p /usr/bin /etc/d && /bin/busybox --install -s /usr/bin && "
        "echo one > /etc/a && /bin/busybox ln /etc/a /etc/b && /bin/busybox ln /etc/a /etc/d/c && echo two > /etc/d/e\"]\n"
        "ENV PATH=/usr/bin:/bin\n"
        "RUN [\"/bin/busybox\", \"rm\", \"-r\", \"/etc/b\", \"/etc/d\"]\n"
        "RUN [\"/bin/busybox\", \"true\"]\n"
        "CMD [\"sh\"]\n"));
    r = m_dockerd->docker({ u"build"_s, u"-q"_s, u"--network"_s, u"none"_s, u"-t"_s, u"fc-built:1"_s, ctx }, 300000);
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"docker build"_s, r)));
    r = m_dockerd->docker({ u"tag"_s, u"fc-built:1"_s, u"fc-built:also"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"docker tag"_s, r)));

    // 3. Built on the loaded image: its base layer comes from the store that has it already.
    const QString ctx2 = path(u"ctx2"_s);
    QVERIFY(strata::test::writeFile(ctx2 + u"/Dockerfile"_s, "FROM fc-saved:1\nRUN rm /etc/hello-again && echo more > /etc/more\n"));
    r = m_dockerd->docker({ u"build"_s, u"-q"_s, u"--network"_s, u"none"_s, u"-t"_s, u"fc-stacked:1"_s, ctx2 }, 300000);
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"docker build (stacked)"_s, r)));

    // 4. A layer that is an empty tar (its end-of-archive blocks alone).
    QVERIFY(strata::test::writeFile(path(u"empty.tar"_s), QByteArray(1024, '\0')));
    r = m_dockerd->docker({ u"import"_s, path(u"empty.tar"_s), u"fc-empty:1"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"docker import"_s, r)));

    for (const QString &tag : { u"fc-saved:1"_s, u"fc-built:1"_s, u"fc-stacked:1"_s, u"fc-empty:1"_s }) {
        const RunResult inspect = m_dockerd->docker({ u"image"_s, u"inspect"_s, tag });
        QVERIFY2(inspect.exitCode == 0, qPrintable(describe(u"docker image inspect"_s, inspect)));
        const RunResult history = m_dockerd->docker({ u"history"_s, u"--no-trunc"_s, u"--format"_s, u"{{json .}}"_s, tag });
        QVERIFY2(history.exitCode == 0, qPrintable(describe(u"docker history"_s, history)));
        m_views.insert(tag, viewOf(inspect.out, history.out));
        QVERIFY(!m_views[tag].diffIds.isEmpty() && m_views[tag].id.size() == 71);
    }
    // RUN true changes nothing: docker records an empty layer in the history, no diffID (as
    // for ENV and CMD), so history and layers differ in number.
    QCOMPARE(m_views[u"fc-built:1"_s].diffIds.size(), 3);
    QCOMPARE(m_views[u"fc-built:1"_s].createdBy.size(), 6);
    // An empty tar's layer: its diffID is the empty archive's.
    QCOMPARE(m_views[u"fc-empty:1"_s].diffIds, QStringList { u"sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"_s });
    QCOMPARE(m_views[u"fc-stacked:1"_s].diffIds.first(), m_views[u"fc-saved:1"_s].diffIds.first());

    // The picture of the root once it has stood still, after docker's own work.
    m_before = settledTreeState(m_data);
    QVERIFY(m_before.size() > 20);
}

void TestForeignCopy::cleanupTestCase()
{
    if (m_dockerd)
        m_dockerd->stop();
    m_podman.reset();
    // QTemporaryDir cannot remove a name that is not UTF-8 (tarSplitReader's).
    ::unlink(QFile::encodeName(path(u"split-dir/sub/"_s)).append('\xff').constData());
}

// podman with a private root: an import, a build on it, and a load of a `stratactl save`.
void TestForeignCopy::setUpPodman()
{
    m_podman = std::make_unique<strata::test::PodmanSandbox>(path(u"podman"_s));
    m_podmanSkip = m_podman->start();
    if (!m_podmanSkip.isEmpty()) {
        qWarning("podman unavailable: %s", qPrintable(m_podmanSkip));
        return;
    }
    m_podmanRoot = path(u"podman/root"_s);
    qInfo("peer: podman %s, graph root %s", qPrintable(m_podman->version()), qPrintable(m_podmanRoot));
    const QByteArray base = strata::test::TarBuilder::busybox({ "sh", "echo", "ls", "cat", "rm", "ln", "mkdir" }).dir("etc").file("etc/hello", "hello\n").build();
    QVERIFY(strata::test::writeFile(path(u"podman-base.tar"_s), base));
    RunResult r = m_podman->podman({ u"import"_s, path(u"podman-base.tar"_s), u"localhost/fcp-base:1"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"podman import"_s, r)));
    const QString ctx = path(u"podman-ctx"_s);
    QVERIFY(strata::test::writeFile(ctx + u"/Containerfile"_s,
        "FROM localhost/fcp-base:1\n"
        "RUN mkdir /d && echo one > /d/a && ln /d/a /d/b && rm /etc/hello\n"
        "ENV X=1\n"
        "CMD [\"sh\"]\n"));
    r = m_podman->podman({ u"build"_s, u"--layers"_s, u"-t"_s, u"localhost/fcp-built:1"_s, ctx }, 300000);
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"podman build"_s, r)));
    // The docker-archive a Strata store saved (a hard link and an xattr), as docker's test loads it.
    const QString made = path(u"made-for-podman"_s);
    QVERIFY(strata::test::writeFile(path(u"podman-xattr.tar"_s),
        strata::test::TarBuilder::busybox({ "sh" }).dir("etc").fileWithXattr("etc/x", "with an xattr\n", "user.strata", "1").hardlink("etc/y", "etc/x").build()));
    r = strata::test::stratactl(made, { u"import"_s, path(u"podman-xattr.tar"_s), u"localhost/fcp-saved:1"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl import"_s, r)));
    r = strata::test::stratactl(made, { u"save"_s, u"-o"_s, path(u"podman-saved.tar"_s), u"localhost/fcp-saved:1"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl save"_s, r)));
    r = m_podman->podman({ u"load"_s, u"-i"_s, path(u"podman-saved.tar"_s) });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"podman load"_s, r)));
    for (const QString &tag : { u"localhost/fcp-base:1"_s, u"localhost/fcp-built:1"_s, u"localhost/fcp-saved:1"_s }) {
        const RunResult inspect = m_podman->podman({ u"image"_s, u"inspect"_s, tag });
        QVERIFY2(inspect.exitCode == 0, qPrintable(describe(u"podman image inspect"_s, inspect)));
        const RunResult history = m_podman->podman({ u"history"_s, u"--no-trunc"_s, u"--format"_s, u"json"_s, tag });
        QVERIFY2(history.exitCode == 0, qPrintable(describe(u"podman history"_s, history)));
        m_podmanViews.insert(tag, viewOf(inspect.out, history.out));
        QVERIFY2(!m_podmanViews[tag].diffIds.isEmpty() && m_podmanViews[tag].id.size() == 71, qPrintable(tag));
    }
    m_podmanBefore = settledTreeState(m_podmanRoot);
    QVERIFY(m_podmanBefore.size() > 20);
}

void TestForeignCopy::podmanCopiesEqualPodmans_data()
{
    QTest::addColumn<QString>("ref");
    QTest::newRow("podman import") << u"localhost/fcp-base:1"_s;
    QTest::newRow("podman build") << u"localhost/fcp-built:1"_s;
    QTest::newRow("podman load of a stratactl save") << u"localhost/fcp-saved:1"_s;
}

void TestForeignCopy::podmanCopiesEqualPodmans()
{
    REQUIRE_PODMAN();
    QFETCH(QString, ref);
    const QString store = path(u"podman-store-"_s + QString(ref).replace(u'/', u'-').replace(u':', u'-'));
    pullVerified(store, { u"--foreign-root"_s, m_podmanRoot, u"containers-storage:"_s + ref }, ref, m_podmanViews[ref]);
    // The store specifier of containers-storage: names the root as well.
    pullVerified(store + u"-spec"_s, { u"containers-storage:[overlay@%1+/run/unused]%2"_s.arg(m_podmanRoot, ref) }, ref, m_podmanViews[ref]);
}

void TestForeignCopy::podmanRootUnchanged()
{
    REQUIRE_PODMAN();
    const QStringList after = treeState(m_podmanRoot);
    QVERIFY2(after == m_podmanBefore, qPrintable(treeDifference(m_podmanBefore, after)));
}

void TestForeignCopy::podmanDamagedTarSplit()
{
    REQUIRE_PODMAN();
    const QString root = path(u"podman-hostile"_s);
    const RunResult cp = strata::test::run(u"cp"_s, { u"-a"_s, m_podmanRoot, root });
    QVERIFY2(cp.exitCode == 0, qPrintable(describe(u"cp -a"_s, cp)));
    // The top layer of fcp-built:1: its ID from layers.json, the one whose diff digest is the last diffID.
    const QJsonArray layers = QJsonDocument::fromJson(strata::test::readFile(root + u"/overlay-layers/layers.json"_s)).array();
    QString id;
    for (const QJsonValue &l : layers)
        if (l.toObject().value(u"diff-digest"_s).toString() == m_podmanViews[u"localhost/fcp-built:1"_s].diffIds.last())
            id = l.toObject().value(u"id"_s).toString();
    QVERIFY2(!id.isEmpty(), "no layer in layers.json has the top diffID");
    const QString split = root + u"/overlay-layers/"_s + id + u".tar-split.gz"_s;
    QVERIFY2(QFileInfo(split).isFile(), qPrintable(split));
    QByteArray bytes = strata::test::readFile(split);
    bytes.truncate(bytes.size() / 2); // cut short
    QVERIFY(strata::test::writeFile(split, bytes));
    const QString store = path(u"podman-store-hostile"_s);
    const RunResult r = pullPodman(store, u"localhost/fcp-built:1"_s, root);
    QCOMPARE(r.exitCode, 1);
    qInfo("refused: %s", r.err.trimmed().constData());
    QVERIFY2(text(r.err).contains(split) && text(r.err).contains(u"damaged tar-split"_s), qPrintable(describe(u"stratactl pull"_s, r)));
    const RunResult images = strata::test::stratactl(store, { u"images"_s, u"-q"_s });
    QVERIFY2(images.exitCode == 0 && images.out.trimmed().isEmpty(), images.out.constData());
}

void TestForeignCopy::podmanSavedCopyLoadsBack()
{
    REQUIRE_PODMAN();
    const QString ref = u"localhost/fcp-built:1"_s;
    const QString store = path(u"podman-store-localhost-fcp-built-1"_s);
    const QString out = path(u"podman-copied-saved.tar"_s);
    RunResult r = strata::test::stratactl(store, { u"save"_s, u"-o"_s, out, ref });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl save"_s, r)));
    r = m_podman->podman({ u"rmi"_s, ref });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"podman rmi"_s, r)));
    r = m_podman->podman({ u"load"_s, u"-i"_s, out });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"podman load"_s, r)));
    r = m_podman->podman({ u"image"_s, u"inspect"_s, u"--format"_s, u"{{.Id}}"_s, ref });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"podman image inspect"_s, r)));
    QCOMPARE(u"sha256:"_s + text(r.out).trimmed(), m_podmanViews[ref].id);
}

void TestForeignCopy::verifyChecked(const QString &store)
{
    const RunResult check = strata::test::stratactl(store, { u"check"_s });
    QVERIFY2(check.exitCode == 0 && text(check.out).contains(u"no problems found"_s), qPrintable(describe(u"stratactl check"_s, check)));
}

// `stratactl pull ARGS` into `store` prints load's line and gives what the peer shows of `ref`.
void TestForeignCopy::pullVerified(const QString &store, const QStringList &pullArgs, const QString &ref, const DockerView &view)
{
    const RunResult r = strata::test::stratactl(store, QStringList { u"pull"_s } + pullArgs, 300000);
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl pull "_s + pullArgs.join(u' '), r)));
    QCOMPARE(text(r.out), u"Loaded image: %1\n"_s.arg(ref));
    verifyCopy(store, ref, view);
}

// The copy in `store` is what the peer shows of `ref`.
void TestForeignCopy::verifyCopy(const QString &store, const QString &ref, const DockerView &v)
{
    const RunResult r = strata::test::stratactl(store, { u"inspect"_s, ref });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl inspect"_s, r)));
    const QJsonObject o = QJsonDocument::fromJson(r.out).array().first().toObject();
    QCOMPARE(o.value(u"Id"_s).toString(), v.id);
    QStringList diffIds;
    for (const QJsonValue &l : o.value(u"RootFS"_s).toObject().value(u"Layers"_s).toArray())
        diffIds.append(l.toString());
    QCOMPARE(diffIds, v.diffIds);
    QVERIFY2(v.tags.contains(ref), qPrintable(v.tags.join(u' ')));
    QVERIFY2(o.value(u"RepoTags"_s).toArray().contains(ref), r.out.constData());
    QCOMPARE(strataCreatedBy(store, ref), v.createdBy);
    verifyChecked(store);
}

void TestForeignCopy::copiesEqualDockers_data()
{
    QTest::addColumn<QString>("ref");
    QTest::newRow("docker load of a stratactl save") << u"fc-saved:1"_s;
    QTest::newRow("docker build FROM scratch") << u"fc-built:1"_s;
    QTest::newRow("built on a loaded image") << u"fc-stacked:1"_s;
    QTest::newRow("an empty layer") << u"fc-empty:1"_s;
}

void TestForeignCopy::copiesEqualDockers()
{
    REQUIRE_DOCKER();
    QFETCH(QString, ref);
    const QString store = path(u"store-"_s + QString(ref).replace(u':', u'-'));
    const QStringList args { u"--foreign-root"_s, m_data, u"docker-daemon:"_s + ref };
    pullVerified(store, args, ref, m_views[ref]);
    pullVerified(store, args, ref, m_views[ref]); // once more: nothing to copy, the same image
}

void TestForeignCopy::onTopOfACopiedBase()
{
    REQUIRE_DOCKER();
    const QString store = path(u"store-stacked-on-base"_s);
    RunResult r = pull(store, u"fc-saved:1"_s);
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl pull fc-saved:1"_s, r)));
    r = pull(store, u"fc-stacked:1"_s);
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl pull fc-stacked:1"_s, r)));
    verifyCopy(store, u"fc-saved:1"_s, m_views[u"fc-saved:1"_s]);
    verifyCopy(store, u"fc-stacked:1"_s, m_views[u"fc-stacked:1"_s]);
}

void TestForeignCopy::byIdTakesEveryTag()
{
    REQUIRE_DOCKER();
    const QString store = path(u"store-by-id"_s);
    const DockerView &v = m_views[u"fc-built:1"_s];
    const RunResult r = pull(store, v.id);
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl pull docker-daemon:ID"_s, r)));
    QStringList lines = text(r.out).split(u'\n', Qt::SkipEmptyParts);
    lines.sort();
    QCOMPARE(lines, (QStringList { u"Loaded image: fc-built:1"_s, u"Loaded image: fc-built:also"_s }));
    const RunResult images = strata::test::stratactl(store, { u"images"_s, u"-q"_s, u"--no-trunc"_s });
    QCOMPARE(text(images.out).trimmed(), v.id);
    verifyCopy(store, u"fc-built:1"_s, m_views[u"fc-built:1"_s]);
}

void TestForeignCopy::dataRootUnchanged()
{
    REQUIRE_DOCKER();
    const QStringList after = treeState(m_data);
    QVERIFY2(after == m_before, qPrintable(treeDifference(m_before, after)));
}

void TestForeignCopy::hostile_data()
{
    QTest::addColumn<QString>("damage");
    QTest::addColumn<QString>("named"); // the path the error must name, relative to the root copy
    QTest::addColumn<QString>("cause");
    QTest::newRow("damaged tar-split") << u"garbage"_s << u"{split}"_s << u"damaged tar-split"_s;
    QTest::newRow("missing tar-split") << u"missing"_s << u"{split}"_s << u"a tar written afresh from its folder would have another diffID"_s;
    QTest::newRow("tar-split naming ../x") << u"dotdot"_s << u"{split}"_s << u"leaves the layer's directory"_s;
    QTest::newRow("tar-split of another stream") << u"stream"_s << u"{split}"_s << u"but the content hashes to"_s;
    QTest::newRow("file of another size") << u"size"_s << u"{files}/bin/busybox"_s << u"bytes, but the tar-split"_s;
    QTest::newRow("file changed after the fact") << u"changed"_s << u"{files}/bin/busybox"_s << u"has other content than when the layer was stored"_s;
    QTest::newRow("file replaced by a symlink") << u"symlink"_s << u"{files}/bin/busybox"_s << u"is a symbolic link"_s;
}

void TestForeignCopy::hostile()
{
    REQUIRE_DOCKER();
    QFETCH(QString, damage);
    QFETCH(QString, named);
    QFETCH(QString, cause);
    // A copy of docker's databases and layers, damaged: the daemon's own root stays intact.
    const QString root = path(u"hostile-"_s + damage);
    QVERIFY(QDir().mkpath(root));
    const RunResult cp = strata::test::run(u"cp"_s, { u"-a"_s, m_data + u"/image"_s, m_data + u"/overlay2"_s, root });
    QVERIFY2(cp.exitCode == 0, qPrintable(describe(u"cp -a"_s, cp)));
    // The busybox layer of fc-built:1: its chain ID is its diffID.
    const QString chain = m_views[u"fc-built:1"_s].diffIds.first().mid(7);
    const QString split = root + u"/image/overlay2/layerdb/sha256/"_s + chain + u"/tar-split.json.gz"_s;
    const QString cacheId = text(strata::test::readFile(root + u"/image/overlay2/layerdb/sha256/"_s + chain + u"/cache-id"_s)).trimmed();
    const QString files = root + u"/overlay2/"_s + cacheId + u"/diff"_s;
    QVERIFY2(QFileInfo(split).isFile() && QFileInfo(files + u"/bin/busybox"_s).isFile(), qPrintable(split));
    if (damage == u"garbage"_s) {
        QByteArray bytes = strata::test::readFile(split);
        bytes.replace(bytes.size() / 2, 16, QByteArray(16, 'x'));
        QVERIFY(strata::test::writeFile(split, bytes));
    } else if (damage == u"missing"_s) {
        QVERIFY(QFile::remove(split));
    } else if (damage == u"dotdot"_s) {
        const RunResult unzipped = strata::test::run(u"gzip"_s, { u"-dc"_s, split });
        QByteArray json = unzipped.out;
        QVERIFY2(json.contains("\"name\":\"bin/busybox\""), json.left(2000).constData());
        json.replace("\"name\":\"bin/busybox\"", "\"name\":\"../x\"");
        QVERIFY(strata::test::writeFile(path(u"dotdot.json"_s), json));
        const RunResult zipped = strata::test::run(u"sh"_s, { u"-c"_s, u"gzip -c \"$1\" > \"$2\""_s, u"sh"_s, path(u"dotdot.json"_s), split });
        QVERIFY2(zipped.exitCode == 0, qPrintable(describe(u"gzip"_s, zipped)));
        QVERIFY(strata::test::writeFile(root + u"/overlay2/"_s + cacheId + u"/x"_s, strata::test::readFile(files + u"/bin/busybox"_s)));
    } else if (damage == u"stream"_s) {
        // Three more zero bytes after the end-of-archive blocks: still a valid tar, another diffID.
        const RunResult unzipped = strata::test::run(u"gzip"_s, { u"-dc"_s, split });
        QByteArray json = unzipped.out;
        const qsizetype last = json.lastIndexOf("\"payload\":\"\"");
        QVERIFY2(last > 0, json.right(400).constData());
        json.replace(last, 12, "\"payload\":\"AAAA\"");
        QVERIFY(strata::test::writeFile(path(u"stream.json"_s), json));
        const RunResult zipped = strata::test::run(u"sh"_s, { u"-c"_s, u"gzip -c \"$1\" > \"$2\""_s, u"sh"_s, path(u"stream.json"_s), split });
        QVERIFY2(zipped.exitCode == 0, qPrintable(describe(u"gzip"_s, zipped)));
    } else if (damage == u"size"_s) {
        QFile f(files + u"/bin/busybox"_s);
        QVERIFY(f.open(QIODevice::Append));
        QVERIFY(f.write("!") == 1);
    } else if (damage == u"changed"_s) {
        QFile f(files + u"/bin/busybox"_s);
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.seek(f.size() / 2));
        const QByteArray old = f.read(1);
        QVERIFY(f.seek(f.size() / 2));
        QVERIFY(f.write(QByteArray(1, char(old.at(0) ^ 0x55))) == 1);
    } else if (damage == u"symlink"_s) {
        QVERIFY(QFile::rename(files + u"/bin/busybox"_s, files + u"/bin/busybox.real"_s));
        QVERIFY(QFile::link(u"busybox.real"_s, files + u"/bin/busybox"_s));
    }
    // A store with an image already: it is exactly as it was after the refused copy.
    const QString store = path(u"store-hostile-"_s + damage);
    const RunResult first = pull(store, u"fc-saved:1"_s);
    QVERIFY2(first.exitCode == 0, qPrintable(describe(u"stratactl pull fc-saved:1"_s, first)));
    QStringList storeBefore = treeState(store);
    const QStringList rootBefore = treeState(root);
    const RunResult r = pull(store, u"fc-built:1"_s, root);
    QCOMPARE(r.exitCode, 1);
    const QString expectedPath = QString(named).replace(u"{split}"_s, split).replace(u"{files}"_s, files);
    QVERIFY2(text(r.err).contains(expectedPath), qPrintable(u"expected %1 named: %2"_s.arg(expectedPath, describe(u"stratactl pull"_s, r))));
    QVERIFY2(text(r.err).contains(cause), qPrintable(describe(u"stratactl pull"_s, r)));
    QVERIFY(r.out.isEmpty());
    qInfo("refused: %s", r.err.trimmed().constData());
    // The store's contents as they were; only the mtime of tmp/, where the job's staging was
    // made and removed, moves (as for any refused load).
    const QStringList storeAfter = withoutStagingParent(treeState(store));
    storeBefore = withoutStagingParent(storeBefore);
    QVERIFY2(storeAfter == storeBefore, qPrintable(treeDifference(storeBefore, storeAfter)));
    const QStringList rootAfter = treeState(root);
    QVERIFY2(rootAfter == rootBefore, qPrintable(treeDifference(rootBefore, rootAfter)));
    verifyChecked(store);
}

void TestForeignCopy::savedCopyLoadsBackIntoDocker()
{
    REQUIRE_DOCKER();
    const QString store = path(u"store-fc-built-1"_s);
    const QString out = path(u"copied-saved.tar"_s);
    RunResult r = strata::test::stratactl(store, { u"save"_s, u"-o"_s, out, u"fc-built:1"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl save"_s, r)));
    r = m_dockerd->docker({ u"rmi"_s, u"fc-built:1"_s, u"fc-built:also"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"docker rmi"_s, r)));
    QVERIFY(m_dockerd->docker({ u"image"_s, u"inspect"_s, u"fc-built:1"_s }).exitCode != 0);
    r = m_dockerd->docker({ u"load"_s, u"-i"_s, out });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"docker load"_s, r)));
    r = m_dockerd->docker({ u"image"_s, u"inspect"_s, u"--format"_s, u"{{.Id}}"_s, u"fc-built:1"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"docker image inspect"_s, r)));
    QCOMPARE(text(r.out).trimmed(), m_views[u"fc-built:1"_s].id);
}

QTEST_GUILESS_MAIN(TestForeignCopy)
#include "tst_foreigncopy.moc"
