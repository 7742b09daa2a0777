// Docker's data root read as a foreign store (stratactl --foreign docker): a private dockerd
// (tests/support/dockerdaemon) gets a busybox-based image, a second tag and a created container;
// stratactl then lists the image with docker's ID and tags, its history and diffIDs as docker
// has them and its size as docker reports it, and the data root's tree (type, mode, owner, size,
// mtime and content of every path) is the same afterwards. Hostile copies of the root (a
// repositories.json naming a non-hex ID, a cache-id with "../", a config that does not hash to
// its name) are refused with a message naming the file, and left unchanged too.
// Skipped, with the reason, only when docker is not installed or cannot start here.

#include "changewatcher.h"
#include "dockerdaemon.h"
#include "dockerroot.h"
#include "humanize.h"
#include "imagedescription.h"
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
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using strata::test::RunResult;
using strata::test::treeDifference;
using strata::test::treeState;

namespace {

QString text(const QByteArray &b) { return QString::fromUtf8(b); }

QStringList sortedLines(const QByteArray &out)
{
    QStringList lines = text(out).split(u'\n', Qt::SkipEmptyParts);
    lines.sort();
    return lines;
}

QStringList toStringList(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &x : v.toArray())
        out.append(x.toString());
    return out;
}

QString describe(const QString &what, const RunResult &r)
{
    return u"%1: exit %2\n--- stdout ---\n%3\n--- stderr ---\n%4"_s.arg(what).arg(r.exitCode).arg(text(r.out).left(4000), text(r.err).left(4000));
}

// The data rows of a stratactl table (header left out), cut at the header's column starts (a
// column may be empty, as CREATED BY of an imported layer is).
QList<QStringList> tableRows(const QByteArray &out)
{
    QList<QStringList> rows;
    const QStringList lines = text(out).split(u'\n', Qt::SkipEmptyParts);
    if (lines.isEmpty())
        return rows;
    QList<qsizetype> starts;
    const QRegularExpression gap(u" {3,}"_s);
    starts.append(0);
    for (auto it = gap.globalMatch(lines.first()); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        starts.append(m.capturedEnd());
    }
    for (qsizetype i = 1; i < lines.size(); ++i) {
        QStringList cols;
        for (qsizetype c = 0; c < starts.size(); ++c) {
            const qsizetype end = c + 1 < starts.size() ? starts[c + 1] : lines[i].size();
            cols.append(lines[i].mid(starts[c], end - starts[c]).trimmed());
        }
        rows.append(cols);
    }
    return rows;
}

} // namespace

class TestForeign : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void imagesListsDockersIdsAndTags();
    void historyAndLayersEqualDockers();
    void systemDfAndLayerLs();
    void inspectEqualsDockers();
    void otherCommandsRefused();
    void diffEqualsDockers();
    void layerContentsEqualStrataStores();
    void dataRootUnchanged();
    // After the check above: the container writes to its own writable layer here.
    void runningContainersWritesWatched();
    void hostile_data();
    void hostile();
    void containerdStoreNamed();

private:
    QString path(const QString &name) const { return m_tmp.path() + u'/' + name; }
    RunResult foreign(const QString &root, const QStringList &args) const
    {
        return strata::test::stratactl(root, QStringList { u"--foreign"_s, u"docker"_s } + args);
    }

    QTemporaryDir m_tmp;
    QString m_skip;
    std::unique_ptr<strata::test::DockerDaemon> m_dockerd;
    QString m_data; // dockerd's data root
    QStringList m_before; // its tree after docker's own work, before Strata read it
    QString m_id; // docker's image ID of strata-foreign:1
    QStringList m_diffIds;
    qint64 m_size = -1;
    QStringList m_createdBy; // docker history, oldest first
    qint64 m_c2SizeRw = -1; // docker inspect --size of the container that wrote
    qint64 m_liveSizeRw = -1; // and of the one still running
    QMap<QString, QByteArray> m_dockerDiff; // docker diff of each container, as docker printed it
};

#define REQUIRE_DOCKER()                                                                                               \
    do {                                                                                                               \
        if (!m_skip.isEmpty())                                                                                         \
            QSKIP(qPrintable(m_skip));                                                                                 \
    } while (false)

void TestForeign::initTestCase()
{
    QVERIFY2(m_tmp.isValid(), qPrintable(m_tmp.errorString()));
    QVERIFY2(QFileInfo(QStringLiteral(STRATACTL_PATH)).isExecutable(), STRATACTL_PATH " is not built");
    QVERIFY2(QFileInfo(u"/bin/busybox"_s).isExecutable(), "/bin/busybox (busybox-static) is missing: the test image is made from it");
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

    const QByteArray base = strata::test::TarBuilder::busybox({ "sh", "echo", "ls", "cat" }).dir("tmp", 01777).dir("etc").build();
    QVERIFY(strata::test::writeFile(path(u"base.tar"_s), base));
    RunResult r = m_dockerd->docker({ u"import"_s, path(u"base.tar"_s), u"strata-foreign-base:latest"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"docker import"_s, r)));
    const QString ctx = path(u"ctx"_s);
    QVERIFY(strata::test::writeFile(ctx + u"/a.txt"_s, "copied by COPY\n"));
    QVERIFY(strata::test::writeFile(ctx + u"/Dockerfile"_s,
        "FROM strata-foreign-base:latest\n"
        "COPY a.txt /a.txt\n"
        "ENV X=1\n"
        "RUN echo hello > /hello && rm /a.txt\n"
        "CMD [\"sh\"]\n"));
    r = m_dockerd->docker({ u"build"_s, u"-q"_s, u"-t"_s, u"strata-foreign:1"_s, ctx }, 300000);
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"docker build"_s, r)));
    r = m_dockerd->docker({ u"tag"_s, u"strata-foreign:1"_s, u"strata-foreign:also"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"docker tag"_s, r)));
    r = m_dockerd->docker({ u"create"_s, u"--network"_s, u"none"_s, u"--name"_s, u"foreign-c1"_s, u"strata-foreign:1"_s, u"sh"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"docker create"_s, r)));

    // A container that ran and wrote to its writable layer (a file, a folder, a hard link).
    r = m_dockerd->docker({ u"run"_s, u"--network"_s, u"none"_s, u"--name"_s, u"foreign-c2"_s, u"strata-foreign:1"_s, u"sh"_s, u"-c"_s,
        u"echo written > /w; mkdir /d; echo 0123456789 > /d/y; ln /d/y /d/z; echo changed > /hello; rm /bin/echo; mkdir -p /tmp/t && touch /tmp/t/new; "
        // /bin removed and made anew: an opaque folder over the image's.
        "cp /bin/busybox /busybox && /busybox rm -rf /bin && /busybox mkdir /bin && /busybox ln -s /busybox /bin/sh && /busybox ln -s /busybox /bin/new"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"docker run"_s, r)));
    r = m_dockerd->docker({ u"inspect"_s, u"--size"_s, u"foreign-c2"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"docker inspect --size"_s, r)));
    m_c2SizeRw = QJsonDocument::fromJson(r.out).array().first().toObject().value(u"SizeRw"_s).toInteger(-1);
    QVERIFY2(m_c2SizeRw > 0, r.out.constData());

    // And one that is running while Strata reads, with what it wrote before (docker diff shows
    // when it has; docker's own look comes before the tree's picture below).
    r = m_dockerd->docker({ u"run"_s, u"-d"_s, u"--network"_s, u"none"_s, u"--name"_s, u"foreign-live"_s, u"strata-foreign:1"_s, u"sh"_s, u"-c"_s,
        u"echo live > /live; exec sleep 3600"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"docker run -d"_s, r)));
    QTRY_VERIFY_WITH_TIMEOUT(m_dockerd->docker({ u"diff"_s, u"foreign-live"_s }).out.contains("A /live"), 20000);
    r = m_dockerd->docker({ u"inspect"_s, u"--size"_s, u"foreign-live"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"docker inspect --size"_s, r)));
    m_liveSizeRw = QJsonDocument::fromJson(r.out).array().first().toObject().value(u"SizeRw"_s).toInteger(-1);

    r = m_dockerd->docker({ u"image"_s, u"inspect"_s, u"strata-foreign:1"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"docker image inspect"_s, r)));
    const QJsonObject o = QJsonDocument::fromJson(r.out).array().first().toObject();
    m_id = o.value(u"Id"_s).toString();
    for (const QJsonValue &v : o.value(u"RootFS"_s).toObject().value(u"Layers"_s).toArray())
        m_diffIds.append(v.toString());
    m_size = o.value(u"Size"_s).toInteger(-1);
    r = m_dockerd->docker({ u"history"_s, u"--no-trunc"_s, u"--format"_s, u"{{json .}}"_s, u"strata-foreign:1"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"docker history"_s, r)));
    for (const QByteArray &line : r.out.split('\n'))
        if (!line.trimmed().isEmpty())
            m_createdBy.prepend(QJsonDocument::fromJson(line).object().value(u"CreatedBy"_s).toString());
    QVERIFY(m_id.startsWith(u"sha256:"_s));
    QCOMPARE(m_diffIds.size(), 3);
    QVERIFY(m_size > 0);

    // docker diff rewrites the mtime of the container's -init folder (issue 11): docker's own
    // operations come first, then the picture Strata must leave as it is.
    for (const QString &c : { u"foreign-c1"_s, u"foreign-c2"_s, u"foreign-live"_s }) {
        r = m_dockerd->docker({ u"diff"_s, c });
        QVERIFY2(r.exitCode == 0, qPrintable(describe(u"docker diff"_s, r)));
        m_dockerDiff.insert(c, r.out);
    }
    // docker save makes its working folder in the root's tmp/: also before the picture.
    r = m_dockerd->docker({ u"save"_s, u"-o"_s, path(u"saved.tar"_s), u"strata-foreign:1"_s }, 120000);
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"docker save"_s, r)));
    // The daemon's containerd writes its metadata (meta.db) a moment after a container starts:
    // the picture is taken once the tree has stood still for a second.
    m_before = treeState(m_data);
    for (int tries = 0; tries < 20; ++tries) {
        QTest::qWait(1000);
        const QStringList again = treeState(m_data);
        if (again == m_before)
            break;
        m_before = again;
    }
    QVERIFY(m_before.size() > 20);
}

void TestForeign::cleanupTestCase()
{
    if (m_dockerd)
        m_dockerd->stop();
}

void TestForeign::imagesListsDockersIdsAndTags()
{
    REQUIRE_DOCKER();
    const RunResult docker = m_dockerd->docker({ u"images"_s, u"--no-trunc"_s, u"--format"_s, u"{{.Repository}}:{{.Tag}} {{.ID}}"_s });
    QVERIFY2(docker.exitCode == 0, qPrintable(describe(u"docker images"_s, docker)));
    QStringList expected = text(docker.out).split(u'\n', Qt::SkipEmptyParts);
    expected.sort();
    const RunResult r = foreign(m_data, { u"images"_s, u"--no-trunc"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl --foreign docker images"_s, r)));
    QVERIFY2(r.err.isEmpty(), r.err.constData());
    QStringList got;
    for (const QStringList &row : tableRows(r.out))
        got.append(row.value(0) + u':' + row.value(1) + u' ' + row.value(2));
    got.sort();
    QCOMPARE(got, expected);
    QVERIFY(got.contains(u"strata-foreign:1 "_s + m_id));
    QVERIFY(got.contains(u"strata-foreign:also "_s + m_id));

    // The SIZE column is docker's Size, in the same units as for Strata's own store.
    const RunResult shortList = foreign(m_data, { u"images"_s, u"strata-foreign"_s });
    QVERIFY2(shortList.exitCode == 0, qPrintable(describe(u"stratactl --foreign docker images strata-foreign"_s, shortList)));
    const QList<QStringList> rows = tableRows(shortList.out);
    QCOMPARE(rows.size(), 2);
    for (const QStringList &row : rows) {
        QCOMPARE(row.value(2), m_id.mid(7, 12));
        QCOMPARE(row.value(4), strata::humanize::size(m_size));
    }
    // Without --foreign, a --root that is Docker's is detected: the same listing, no store made there.
    const RunResult detected = strata::test::stratactl(m_data, { u"images"_s, u"--no-trunc"_s });
    QCOMPARE(detected.exitCode, 0);
    QCOMPARE(detected.out, r.out);
    QVERIFY(!QFileInfo::exists(m_data + u"/store.json"_s));
    const RunResult refused = strata::test::stratactl(m_data, { u"rmi"_s, u"strata-foreign:1"_s });
    QCOMPARE(refused.exitCode, 2);
    QVERIFY2(text(refused.err).contains(u"read-only foreign store: rmi is not available"_s), refused.err.constData());

    const RunResult quiet = foreign(m_data, { u"images"_s, u"-q"_s });
    QVERIFY(text(quiet.out).split(u'\n', Qt::SkipEmptyParts).contains(m_id.mid(7, 12)));
}

void TestForeign::historyAndLayersEqualDockers()
{
    REQUIRE_DOCKER();
    // The engine's view, exactly: image ID, diffIDs, sizes and history as docker has them.
    auto snap = strata::DockerRoot::read(m_data);
    QVERIFY2(snap.ok(), qPrintable(snap.error()));
    QVERIFY2(snap->problems.isEmpty(), qPrintable(snap->problems.join(u'\n')));
    auto image = snap->resolve(u"strata-foreign:1"_s);
    QVERIFY2(image.ok(), qPrintable(image.error()));
    QCOMPARE(image->id.toString(), m_id);
    QStringList diffIds;
    for (const strata::ImageLayer &l : image->layers)
        diffIds.append(l.diffId.toString());
    QCOMPARE(diffIds, m_diffIds);
    QCOMPARE(image->size(), m_size);
    QStringList createdBy;
    for (const strata::HistoryRow &h : strata::ImageDescription::history(image.value()))
        createdBy.append(h.createdBy);
    QCOMPARE(createdBy, m_createdBy);
    // Each layer's files are where layerdb's cache-id says.
    for (const strata::ImageLayer &l : image->layers) {
        const QString cacheId = snap->layers.value(l.chainId).cacheId;
        QVERIFY(QFileInfo(m_data + u"/overlay2/"_s + cacheId + u"/diff"_s).isDir());
    }
    QVERIFY(QFileInfo(m_data + u"/overlay2/"_s + snap->layers.value(image->layers.last().chainId).cacheId + u"/diff/hello"_s).isFile());
    QCOMPARE(snap->containers.size(), 3);
    QMap<QString, strata::DockerRoot::Container> byName;
    for (const strata::DockerRoot::Container &c : std::as_const(snap->containers))
        byName.insert(c.name, c);
    QCOMPARE(byName.keys(), (QStringList { u"foreign-c1"_s, u"foreign-c2"_s, u"foreign-live"_s }));
    QCOMPARE(byName[u"foreign-live"_s].status, u"running"_s);
    QVERIFY(byName[u"foreign-live"_s].running);
    QCOMPARE(byName[u"foreign-live"_s].writableSize, m_liveSizeRw);
    QCOMPARE(byName[u"foreign-c1"_s].imageId.toString(), m_id);
    QCOMPARE(byName[u"foreign-c1"_s].status, u"created"_s);
    QCOMPARE(byName[u"foreign-c1"_s].writableSize, 0);
    QCOMPARE(byName[u"foreign-c2"_s].status, u"exited"_s);
    QCOMPARE(byName[u"foreign-c2"_s].writableSize, m_c2SizeRw);

    // The command line: every created_by of docker's history, newest first, and the ID on top.
    for (const QString &ref : { u"strata-foreign:1"_s, m_id, m_id.mid(7, 12) }) {
        const RunResult r = foreign(m_data, { u"history"_s, u"--no-trunc"_s, ref });
        QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl --foreign docker history "_s + ref, r)));
        const QList<QStringList> rows = tableRows(r.out);
        QCOMPARE(rows.size(), m_createdBy.size());
        QCOMPARE(rows.first().value(0), m_id);
        for (qsizetype i = 0; i < rows.size(); ++i)
            QVERIFY2(rows[i].value(2).trimmed() == m_createdBy[m_createdBy.size() - 1 - i].trimmed(),
                qPrintable(u"row %1: '%2' vs docker's '%3'"_s.arg(i).arg(rows[i].value(2), m_createdBy[m_createdBy.size() - 1 - i])));
    }
    const RunResult missing = foreign(m_data, { u"history"_s, u"no-such-image"_s });
    QCOMPARE(missing.exitCode, 1);
    QVERIFY2(text(missing.err).contains(u"no such image"_s), missing.err.constData());
}

void TestForeign::systemDfAndLayerLs()
{
    REQUIRE_DOCKER();
    const RunResult r = foreign(m_data, { u"system"_s, u"df"_s, u"-v"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl --foreign docker system df -v"_s, r)));
    const QString out = text(r.out);
    QVERIFY2(out.startsWith(u"Images space usage:"_s), qPrintable(out));
    // docker's own df -v: the image's SIZE.
    const RunResult docker = m_dockerd->docker({ u"system"_s, u"df"_s, u"-v"_s, u"--format"_s, u"{{json .}}"_s });
    QVERIFY2(docker.exitCode == 0, qPrintable(describe(u"docker system df -v"_s, docker)));
    // Its {{json .}} has the sizes as the docker CLI prints them ("1.98MB"), the short ID.
    QString dockerSize;
    for (const QJsonValue &v : QJsonDocument::fromJson(docker.out).object().value(u"Images"_s).toArray())
        if (const QString id = v.toObject().value(u"ID"_s).toString().remove(u"sha256:"_s); id.size() >= 12 && m_id.mid(7).startsWith(id))
            dockerSize = v.toObject().value(u"Size"_s).toString();
    QVERIFY2(!dockerSize.isEmpty(), docker.out.constData());
    QCOMPARE(dockerSize, strata::humanize::size(m_size));
    bool found = false;
    for (const QString &line : out.split(u'\n')) {
        if (!line.startsWith(u"strata-foreign "_s))
            continue;
        const QStringList cols = line.split(QRegularExpression(u" {3,}"_s));
        QCOMPARE(cols.value(2), m_id.mid(7, 12));
        QCOMPARE(cols.value(4), strata::humanize::size(m_size));
        QCOMPARE(cols.value(7), u"3"_s); // the created container, the one that ran, the running one
        found = true;
    }
    QVERIFY2(found, qPrintable(out));
    QVERIFY2(out.contains(u"foreign-c1"_s), qPrintable(out));
    bool c2 = false;
    for (const QString &line : out.split(u'\n')) {
        if (line.endsWith(u"foreign-c2"_s)) {
            QVERIFY2(line.contains(u"   "_s + strata::humanize::size(m_c2SizeRw) + u"   "_s), qPrintable(line));
            c2 = true;
        }
    }
    QVERIFY2(c2, qPrintable(out));

    const RunResult layers = foreign(m_data, { u"layer"_s, u"ls"_s, u"--no-trunc"_s, u"strata-foreign:1"_s });
    QVERIFY2(layers.exitCode == 0, qPrintable(describe(u"stratactl --foreign docker layer ls"_s, layers)));
    const QList<QStringList> rows = tableRows(layers.out);
    QCOMPARE(rows.size(), m_diffIds.size());
    for (qsizetype i = 0; i < rows.size(); ++i)
        QCOMPARE(rows[i].value(1), m_diffIds[i]);
}

void TestForeign::inspectEqualsDockers()
{
    REQUIRE_DOCKER();
    const RunResult docker = m_dockerd->docker({ u"image"_s, u"inspect"_s, u"strata-foreign:1"_s });
    QVERIFY2(docker.exitCode == 0, qPrintable(describe(u"docker image inspect"_s, docker)));
    const QJsonObject d = QJsonDocument::fromJson(docker.out).array().first().toObject();
    const RunResult r = foreign(m_data, { u"inspect"_s, u"strata-foreign:1"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl --foreign docker inspect"_s, r)));
    const QJsonObject o = QJsonDocument::fromJson(r.out).array().first().toObject();
    for (const QString &key : { u"Id"_s, u"Size"_s, u"RootFS"_s, u"Config"_s, u"Architecture"_s, u"Os"_s, u"Created"_s })
        QVERIFY2(o.value(key) == d.value(key), qPrintable(key + u": "_s + text(QJsonDocument(QJsonObject { { u"strata"_s, o.value(key) }, { u"docker"_s, d.value(key) } }).toJson())));
    QStringList tags = toStringList(d.value(u"RepoTags"_s));
    tags.sort();
    QCOMPARE(toStringList(o.value(u"RepoTags"_s)), tags);
    // The layers' folders: docker's overlay2 names them through its l/ links, Strata through cache-id.
    const QJsonObject dg = d.value(u"GraphDriver"_s).toObject().value(u"Data"_s).toObject();
    const QJsonObject og = o.value(u"GraphDriver"_s).toObject().value(u"Data"_s).toObject();
    QCOMPARE(o.value(u"GraphDriver"_s).toObject().value(u"Name"_s).toString(), d.value(u"GraphDriver"_s).toObject().value(u"Name"_s).toString());
    for (const QString &key : { u"LowerDir"_s, u"UpperDir"_s, u"MergedDir"_s, u"WorkDir"_s })
        QCOMPARE(og.value(key).toString(), dg.value(key).toString());
}

void TestForeign::otherCommandsRefused()
{
    REQUIRE_DOCKER();
    for (const QStringList &args : { QStringList { u"rmi"_s, u"strata-foreign:1"_s }, QStringList { u"tag"_s, u"strata-foreign:1"_s, u"x:y"_s },
             QStringList { u"run"_s, u"strata-foreign:1"_s }, QStringList { u"check"_s, u"--repair"_s }, QStringList { u"image"_s, u"prune"_s } }) {
        const RunResult r = foreign(m_data, args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(text(r.err).contains(u"read-only foreign store: %1 is not available"_s.arg(args.first())), r.err.constData());
    }
}

void TestForeign::diffEqualsDockers()
{
    REQUIRE_DOCKER();
    // The same lines as docker's: the created one (none), the one that added, changed, deleted
    // and replaced a folder (opaque, over the image's /bin), the running one. docker 20.10 lists
    // them in the order of Go's map iteration, another at every call; Strata in path order.
    const QByteArray c2 = m_dockerDiff.value(u"foreign-c2"_s);
    for (const char *line : { "C /hello\n", "C /bin\n", "D /bin/echo\n", "A /bin/new\n", "A /busybox\n", "A /tmp/t/new\n", "A /d/z\n" })
        QVERIFY2(c2.contains(line), qPrintable(u"'%1' not in docker diff:\n%2"_s.arg(QString::fromLatin1(line).trimmed(), text(c2))));
    for (auto it = m_dockerDiff.constBegin(); it != m_dockerDiff.constEnd(); ++it) {
        const RunResult r = foreign(m_data, { u"diff"_s, it.key() });
        QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl --foreign docker diff "_s + it.key(), r)));
        QVERIFY2(sortedLines(r.out) == sortedLines(it.value()), qPrintable(u"%1:\n--- docker diff ---\n%2--- stratactl diff ---\n%3"_s.arg(it.key(), text(it.value()), text(r.out))));
        // Each folder before what it holds, as `stratactl diff` prints its own store's.
        QStringList paths;
        for (const QString &line : text(r.out).split(u'\n', Qt::SkipEmptyParts))
            paths.append(line.mid(2));
        for (qsizetype i = 0; i < paths.size(); ++i) {
            const qsizetype parent = paths.indexOf(paths[i].left(paths[i].lastIndexOf(u'/')));
            QVERIFY2(parent < i, qPrintable(u"%1 before its folder"_s.arg(paths[i])));
        }
    }
    const RunResult missing = foreign(m_data, { u"diff"_s, u"no-such-container"_s });
    QCOMPARE(missing.exitCode, 1);
    QVERIFY2(text(missing.err).contains(u"no such container"_s), missing.err.constData());
}

void TestForeign::layerContentsEqualStrataStores()
{
    REQUIRE_DOCKER();
    // The image docker saved, loaded into a store of Strata's own: what is inside its layers
    // reads the same from docker's overlay2 folders as from Strata's snapshots.
    const QString store = path(u"strata-store"_s);
    RunResult r = strata::test::stratactl(store, { u"--driver"_s, u"overlay2"_s, u"load"_s, u"-i"_s, path(u"saved.tar"_s) });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl load"_s, r)));
    const QList<QStringList> commands {
        { u"layer"_s, u"files"_s, u"strata-foreign:1"_s, u"0"_s },
        { u"layer"_s, u"files"_s, u"strata-foreign:1"_s, u"1"_s },
        { u"layer"_s, u"files"_s, u"strata-foreign:1"_s, u"2"_s },
        { u"layer"_s, u"files"_s, u"--aggregated"_s, u"strata-foreign:1"_s, u"2"_s },
        { u"xray"_s, u"strata-foreign:1"_s, u"/a.txt"_s },
        { u"xray"_s, u"strata-foreign:1"_s, u"/hello"_s },
        { u"xray"_s, u"strata-foreign:1"_s, u"/bin/sh"_s },
    };
    for (const QStringList &command : commands) {
        const RunResult mine = strata::test::stratactl(store, command);
        const RunResult theirs = foreign(m_data, command);
        QVERIFY2(mine.exitCode == 0, qPrintable(describe(command.join(u' '), mine)));
        QVERIFY2(theirs.exitCode == 0, qPrintable(describe(u"--foreign docker "_s + command.join(u' '), theirs)));
        QVERIFY2(text(mine.out).count(u'\n') > 1, qPrintable(describe(command.join(u' '), mine)));
        QVERIFY2(theirs.out == mine.out, qPrintable(u"%1:\n--- Strata's store ---\n%2--- docker's root ---\n%3"_s.arg(command.join(u' '), text(mine.out), text(theirs.out))));
    }
    // The COPY layer's file, deleted by the RUN layer above: wasted space, counted alike.
    const RunResult xray = foreign(m_data, { u"xray"_s, u"strata-foreign:1"_s, u"/a.txt"_s });
    QVERIFY2(text(xray.out).contains(u"added"_s) && text(xray.out).contains(u"deleted"_s), xray.out.constData());
    const RunResult mine = strata::test::stratactl(store, { u"image"_s, u"efficiency"_s, u"strata-foreign:1"_s });
    const RunResult theirs = foreign(m_data, { u"image"_s, u"efficiency"_s, u"strata-foreign:1"_s });
    QVERIFY2(mine.exitCode == 0 && theirs.exitCode == 0, qPrintable(describe(u"image efficiency"_s, theirs)));
    // The first line names the image by its first tag, which docker's copy has two of.
    const auto report = [](const QByteArray &out) { return text(out).section(u'\n', 1); };
    QVERIFY2(report(theirs.out) == report(mine.out), qPrintable(u"--- Strata's store ---\n%1--- docker's root ---\n%2"_s.arg(text(mine.out), text(theirs.out))));
    QVERIFY2(text(theirs.out).contains(u"/a.txt"_s), theirs.out.constData());
}

void TestForeign::dataRootUnchanged()
{
    REQUIRE_DOCKER();
    // After every read above (the slots run in order) and the daemon still running.
    const QStringList after = treeState(m_data);
    QVERIFY2(after == m_before, qPrintable(treeDifference(m_before, after)));
    QVERIFY(!QFileInfo::exists(m_data + u"/store.lock"_s));
    QVERIFY(!QFileInfo::exists(m_data + u"/store.json"_s));
}

void TestForeign::runningContainersWritesWatched()
{
    REQUIRE_DOCKER();
    auto snap = strata::DockerRoot::read(m_data);
    QVERIFY2(snap.ok(), qPrintable(snap.error()));
    const strata::DockerRoot::Container *live = snap->container(u"foreign-live"_s);
    QVERIFY(live && live->running);
    auto base = snap->containerBase(*live);
    QVERIFY2(base.ok(), qPrintable(base.error()));
    const QStringList before = treeState(m_data);

    // stratactl watch, and the engine's watcher in this process, on the running container's
    // upper folder while it writes.
    QProcess watch;
    watch.setProcessChannelMode(QProcess::SeparateChannels);
    watch.start(QStringLiteral(STRATACTL_PATH), { u"--root"_s, m_data, u"--foreign"_s, u"docker"_s, u"watch"_s, u"foreign-live"_s });
    QVERIFY2(watch.waitForStarted(), qPrintable(watch.errorString()));
    QByteArray watched;
    QTRY_VERIFY_WITH_TIMEOUT((watched += watch.readAllStandardOutput()).contains("Watching the writable layer of foreign-live"), 20000);
    strata::ChangeWatcher watcher(live->writableDir, base.value(), strata::WhiteoutStyle::Overlay);
    QList<strata::ChangeEvent> events;
    connect(&watcher, &strata::ChangeWatcher::changed, this, [&](const strata::ChangeEvent &e) { events.append(e); });
    const strata::Status started = watcher.start();
    QVERIFY2(started.ok(), qPrintable(started.error()));

    const RunResult r = m_dockerd->docker({ u"exec"_s, u"foreign-live"_s, u"sh"_s, u"-c"_s, u"echo one > /live2; mkdir /ldir; echo two > /ldir/f; echo again >> /hello; rm /bin/ls"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"docker exec"_s, r)));
    const auto seen = [&](strata::ChangeEvent::Kind kind, const QByteArray &path) {
        for (const strata::ChangeEvent &e : std::as_const(events))
            if (e.kind == kind && e.path == path)
                return true;
        return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(seen(strata::ChangeEvent::Kind::Added, "/live2") && seen(strata::ChangeEvent::Kind::Added, "/ldir/f")
            && seen(strata::ChangeEvent::Kind::Changed, "/hello") && seen(strata::ChangeEvent::Kind::Deleted, "/bin/ls"),
        10000);
    for (const strata::ChangeEvent &e : std::as_const(events))
        if (e.path == "/hello")
            QVERIFY2(e.copiedFromLayer == 1 && e.copiedBytes == 6, qPrintable(u"copied from %1, %2 bytes"_s.arg(e.copiedFromLayer).arg(e.copiedBytes)));
    const auto lineWith = [&](const QString &kind, const QString &path) {
        for (const QString &line : text(watched).split(u'\n'))
            if (line.contains(u"  "_s + kind.leftJustified(7) + u"  "_s + path))
                return line;
        return QString();
    };
    QTRY_VERIFY_WITH_TIMEOUT((watched += watch.readAllStandardOutput(), !lineWith(u"Added"_s, u"/live2"_s).isEmpty() && !lineWith(u"Added"_s, u"/ldir/f"_s).isEmpty()
                                     && !lineWith(u"Changed"_s, u"/hello"_s).isEmpty() && !lineWith(u"Deleted"_s, u"/bin/ls"_s).isEmpty()),
        10000);
    QVERIFY2(lineWith(u"Changed"_s, u"/hello"_s).contains(u"copied up from image layer 3 of 3"_s), watched.constData());
    watch.kill();
    watch.waitForFinished();

    // Nothing changed in the root but what the container wrote into its own writable layer's
    // folder (its diff/, and overlay's work/ the kernel copies up through).
    const QString upper = QFileInfo(live->writableDir).path().mid(m_data.size());
    const QStringList after = treeState(m_data);
    const QSet<QString> was(before.begin(), before.end()), is(after.begin(), after.end());
    QStringList elsewhere;
    for (const QString &line : (was - is) + (is - was))
        if (!line.startsWith(upper + u'/') && !line.startsWith(upper + u' '))
            elsewhere.append(line);
    QVERIFY2(elsewhere.isEmpty(), qPrintable(elsewhere.join(u'\n')));
    QVERIFY2(before != after, "the container's writes did not reach its writable layer");

    // And its diff now, as docker has it (docker diff last: it touches the -init folder).
    const RunResult mine = foreign(m_data, { u"diff"_s, u"foreign-live"_s });
    const RunResult theirs = m_dockerd->docker({ u"diff"_s, u"foreign-live"_s });
    QVERIFY2(mine.exitCode == 0 && theirs.exitCode == 0, qPrintable(describe(u"diff"_s, mine)));
    QVERIFY2(sortedLines(mine.out) == sortedLines(theirs.out), qPrintable(u"--- docker diff ---\n%1--- stratactl diff ---\n%2"_s.arg(text(theirs.out), text(mine.out))));
}

void TestForeign::hostile_data()
{
    QTest::addColumn<QString>("damage");
    QTest::addColumn<QStringList>("command");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");
    QTest::newRow("repositories.json names a non-hex ID")
        << u"repositories"_s << QStringList { u"images"_s } << 1 << u"repositories.json: the image ID of 'evil:latest', '../../../etc' is not a lowercase sha256 digest"_s;
    QTest::newRow("cache-id with ../")
        << u"cache-id"_s << QStringList { u"history"_s, u"strata-foreign:1"_s } << 1 << u"/cache-id: '../../../../etc' is not a plain folder name of overlay2/"_s;
    QTest::newRow("config that does not hash to its name")
        << u"config"_s << QStringList { u"history"_s, u"strata-foreign:1"_s } << 1 << u"content hashes to sha256:"_s;
    QTest::newRow("layer diff that is not the config's")
        << u"diff"_s << QStringList { u"history"_s, u"strata-foreign:1"_s } << 1 << u"but the image's config has"_s;
    QTest::newRow("cache-id a symlink to a file outside")
        << u"symlink"_s << QStringList { u"history"_s, u"strata-foreign:1"_s } << 1 << u"/cache-id: is a symbolic link or not a directory; refusing to follow it"_s;
    QTest::newRow("repositories.json of 17 MiB")
        << u"oversized"_s << QStringList { u"images"_s } << 1 << u"repositories.json: 17825792 bytes, more than the 16777216"_s;
    QTest::newRow("repositories.json a FIFO (a read would block)")
        << u"fifo"_s << QStringList { u"images"_s } << 1 << u"repositories.json: not a regular file"_s;
}

void TestForeign::hostile()
{
    REQUIRE_DOCKER();
    QFETCH(QString, damage);
    QFETCH(QStringList, command);
    QFETCH(int, exitCode);
    QFETCH(QString, message);
    // A copy of docker's image and layer databases, damaged: the daemon's own root stays intact.
    const QString root = path(u"hostile-"_s + damage);
    QVERIFY(QDir().mkpath(root));
    const RunResult cp = strata::test::run(u"cp"_s, { u"-a"_s, m_data + u"/image"_s, m_data + u"/overlay2"_s, m_data + u"/containers"_s, root });
    QVERIFY2(cp.exitCode == 0, qPrintable(describe(u"cp -a"_s, cp)));
    auto snap = strata::DockerRoot::read(root);
    QVERIFY2(snap.ok(), qPrintable(snap.error()));
    auto image = snap->resolve(u"strata-foreign:1"_s);
    QVERIFY2(image.ok(), qPrintable(image.error()));
    const QString db = root + u"/image/overlay2"_s;
    const QString topLayer = db + u"/layerdb/sha256/"_s + image->layers.last().chainId.hex();
    if (damage == u"repositories"_s) {
        QVERIFY(strata::test::writeFile(db + u"/repositories.json"_s, R"({"Repositories":{"evil":{"evil:latest":"../../../etc"}}})"));
    } else if (damage == u"cache-id"_s) {
        QVERIFY(strata::test::writeFile(topLayer + u"/cache-id"_s, "../../../../etc"));
    } else if (damage == u"config"_s) {
        const QString config = db + u"/imagedb/content/sha256/"_s + image->id.hex();
        QByteArray bytes = strata::test::readFile(config);
        bytes.replace("hello", "HELLO");
        QVERIFY(strata::test::writeFile(config, bytes));
    } else if (damage == u"diff"_s) {
        QVERIFY(strata::test::writeFile(topLayer + u"/diff"_s, "sha256:" + QByteArray(64, 'a')));
    } else if (damage == u"symlink"_s) {
        const QString outside = path(u"outside-cache-id"_s);
        QVERIFY(strata::test::writeFile(outside, strata::test::readFile(topLayer + u"/cache-id"_s)));
        QVERIFY(QFile::remove(topLayer + u"/cache-id"_s));
        QVERIFY(QFile::link(outside, topLayer + u"/cache-id"_s));
    } else if (damage == u"oversized"_s) {
        QFile f(db + u"/repositories.json"_s);
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.resize(17 * 1024 * 1024)); // sparse: the size alone must refuse it
    } else if (damage == u"fifo"_s) {
        QVERIFY(QFile::remove(db + u"/repositories.json"_s));
        QCOMPARE(::mkfifo(QFile::encodeName(db + u"/repositories.json"_s).constData(), 0644), 0);
    }
    const QStringList before = treeState(root);
    const RunResult r = foreign(root, command);
    QCOMPARE(r.exitCode, exitCode);
    QVERIFY2(text(r.err).contains(message), qPrintable(describe(command.join(u' '), r)));
    QVERIFY2(text(r.err).contains(root), r.err.constData()); // the file is named
    if (command.first() == u"history"_s) // the image's own cause, not "no such image"
        QVERIFY2(text(r.err).contains(u"image strata-foreign:1 cannot be read: "_s), r.err.constData());
    const QStringList after = treeState(root);
    QVERIFY2(after == before, qPrintable(treeDifference(before, after)));
    // A damaged image is left out of the listing with a warning, not shown half-read.
    if (damage != u"repositories"_s && damage != u"oversized"_s && damage != u"fifo"_s) {
        const RunResult list = foreign(root, { u"images"_s });
        QCOMPARE(list.exitCode, 0);
        QVERIFY2(text(list.err).contains(u"warning: "_s), list.err.constData());
        QVERIFY2(!text(list.out).contains(u"strata-foreign "_s), list.out.constData());
        QVERIFY2(text(list.out).contains(u"strata-foreign-base "_s), list.out.constData());
    }
}

void TestForeign::containerdStoreNamed()
{
    // No daemon needed: the layout of Docker 29's containerd image store, without image/overlay2.
    const QString root = path(u"containerd-store"_s);
    QVERIFY(QDir().mkpath(root + u"/containerd/daemon/io.containerd.content.v1.content/blobs/sha256"_s));
    QVERIFY(QDir().mkpath(root + u"/containerd/daemon/io.containerd.snapshotter.v1.overlayfs/snapshots"_s));
    const QStringList before = treeState(root);
    const RunResult r = foreign(root, { u"images"_s });
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(text(r.err).contains(u"containerd image store"_s) && text(r.err).contains(u"not read yet"_s), r.err.constData());
    QCOMPARE(treeState(root), before);
    // A daemon whose daemon.json turns the containerd image store on for this root, even where
    // image/overlay2 is still there (from before the switch).
    const QString both = path(u"switched-store"_s);
    QVERIFY(QDir().mkpath(both + u"/image/overlay2/imagedb/content/sha256"_s));
    QVERIFY(QDir().mkpath(both + u"/overlay2"_s));
    const QString daemonJson = path(u"daemon.json"_s);
    QVERIFY(strata::test::writeFile(daemonJson, u"{\"data-root\": \"%1\", \"features\": {\"containerd-snapshotter\": true}}"_s.arg(both).toUtf8()));
    auto switched = strata::DockerRoot::read(both, daemonJson);
    QVERIFY(!switched.ok());
    QVERIFY2(switched.error().contains(u"features.containerd-snapshotter"_s) && switched.error().contains(daemonJson), qPrintable(switched.error()));
    QVERIFY(strata::test::writeFile(daemonJson, u"{\"data-root\": \"%1\"}"_s.arg(both).toUtf8()));
    auto classic = strata::DockerRoot::read(both, daemonJson);
    QVERIFY2(classic.ok(), qPrintable(classic.error()));
    QVERIFY(classic->images.isEmpty());

    const RunResult none = foreign(path(u"no-such-root"_s), { u"images"_s });
    QCOMPARE(none.exitCode, 1);
    QVERIFY2(text(none.err).contains(u"No such file or directory"_s), none.err.constData());
    QVERIFY(!QFileInfo::exists(path(u"no-such-root"_s)));
}

QTEST_GUILESS_MAIN(TestForeign)
#include "tst_foreign.moc"
