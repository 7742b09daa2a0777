// containers/storage read as a foreign store (stratactl --foreign podman): podman with a private
// root (PodmanSandbox) imports a busybox root filesystem, builds an image on it (COPY, ENV, RUN),
// tags it twice and once under a docker.io name, creates a container, runs one that writes
// files and leaves one running; stratactl then lists the images with podman's IDs, names and
// sizes, the intermediate images of the build as `podman images -a` does, the history and
// diffIDs, `system df -v`'s figures as podman prints them, the containers with their status and
// writable sizes, and `podman image inspect`'s fields; the root's tree (type, mode, owner, size,
// mtime and content of every path) is the same afterwards. A rootless store made by podman as
// an unprivileged user the test creates is read by that user from its default place. Hostile
// copies of the root (a symlinked layer folder, an oversized or FIFO images.json, a layer ID with
// "../", a parent cycle, a layers.json of an unknown shape, another graph driver, a config that
// does not hash to its ID, a damaged bolt_state.db) are refused naming the file and the cause,
// and left unchanged. Docker's version markers (a layerdb of an unknown layout, the graph/ layout
// of before 1.10, a config whose rootfs.type is not "layers") are checked on hand-made roots.
// Skipped, with the reason, only when podman is not installed or cannot start here.

#include "foreignroot.h"
#include "humanize.h"
#include "imagedescription.h"
#include "podmanroot.h"
#include "podmansandbox.h"
#include "sha256.h"
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
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include <memory>

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

// The data rows of a table (header left out), cut at the header's column starts.
QList<QStringList> tableRows(const QString &table)
{
    QList<QStringList> rows;
    const QStringList lines = table.split(u'\n', Qt::SkipEmptyParts);
    if (lines.isEmpty())
        return rows;
    QList<qsizetype> starts;
    starts.append(0);
    for (auto it = QRegularExpression(u" {2,}"_s).globalMatch(lines.first()); it.hasNext();)
        starts.append(it.next().capturedEnd());
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

// The section of `podman system df -v` after `heading` up to the next blank-line-separated heading.
QString dfSection(const QString &out, const QString &heading)
{
    const qsizetype at = out.indexOf(heading);
    if (at < 0)
        return {};
    const qsizetype start = out.indexOf(u"\n\n"_s, at) + 2;
    const qsizetype end = out.indexOf(u"\n\n"_s, start);
    return out.mid(start, end < 0 ? -1 : end - start);
}

// go-units' HumanSize, which podman's df prints: four significant digits, powers of 1000.
QString goHumanSize(qint64 bytes)
{
    static const char *const units[] = { "B", "kB", "MB", "GB", "TB", "PB" };
    double size = double(bytes);
    int i = 0;
    while (size >= 1000.0 && i < 5) {
        size /= 1000.0;
        ++i;
    }
    return QString::asprintf("%.4g%s", size, units[i]);
}

QStringList strings(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &x : v.toArray())
        out.append(x.toString());
    return out;
}

} // namespace

class TestForeignPodman : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void imagesEqualPodmans();
    void historyLayersAndContainers();
    void systemDfEqualsPodmans();
    void inspectEqualsPodmans();
    void shortNames();
    void otherCommandsRefused();
    void diffAndLayerFilesEqualPodmans();
    void rootUnchanged();
    void rootlessStoreReadByItsUser();
    void hostile_data();
    void hostile();
    void unknownLayouts();
    void dockerVersionMarkers();

private:
    QString path(const QString &name) const { return m_tmp.path() + u'/' + name; }
    RunResult foreign(const QString &root, const QStringList &args) const
    {
        return strata::test::stratactl(root, QStringList { u"--foreign"_s, u"podman"_s } + args);
    }
    RunResult podman(const QStringList &args, int timeoutMs = 300000) const { return m_podman->podman(args, timeoutMs); }
    QMap<QString, QByteArray> m_podmanDiff; // podman diff of each container, before the tree's picture
    QString copyRoot(const QString &name);

    QTemporaryDir m_tmp;
    QString m_skip;
    std::unique_ptr<strata::test::PodmanSandbox> m_podman;
    QString m_root; // podman's graph root
    QStringList m_before; // its tree after podman's own work, before Strata read it
    QJsonObject m_inspect; // podman image inspect strata-podman:1
    QString m_id; // its bare hex ID
    QJsonArray m_images; // podman images -a --format json
    QJsonArray m_ps; // podman ps -a --size --format json
    QString m_df; // podman system df -v
    QString m_dfSummary; // podman system df
    QStringList m_createdBy; // podman history, oldest first
};

#define REQUIRE_PODMAN()                                                                                               \
    do {                                                                                                               \
        if (!m_skip.isEmpty())                                                                                         \
            QSKIP(qPrintable(m_skip));                                                                                 \
    } while (false)

void TestForeignPodman::initTestCase()
{
    QVERIFY2(m_tmp.isValid(), qPrintable(m_tmp.errorString()));
    QVERIFY2(QFileInfo(QStringLiteral(STRATACTL_PATH)).isExecutable(), STRATACTL_PATH " is not built");
    QVERIFY2(QFileInfo(u"/bin/busybox"_s).isExecutable(), "/bin/busybox (busybox-static) is missing: the test image is made from it");
    m_podman = std::make_unique<strata::test::PodmanSandbox>(path(u"podman"_s));
    m_skip = m_podman->start();
    if (!m_skip.isEmpty()) {
        qWarning("podman unavailable: %s", qPrintable(m_skip));
        return;
    }
    m_root = path(u"podman/root"_s);
    qInfo("peer: podman %s, graph root %s", qPrintable(m_podman->version()), qPrintable(m_root));

    const QByteArray base = strata::test::TarBuilder::busybox({ "sh", "echo", "ls", "cat", "mkdir", "ln", "sleep" }).dir("tmp", 01777).dir("etc").build();
    QVERIFY(strata::test::writeFile(path(u"base.tar"_s), base));
    RunResult r = podman({ u"import"_s, path(u"base.tar"_s), u"localhost/strata-podman-base:1"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"podman import"_s, r)));
    const QString ctx = path(u"ctx"_s);
    QVERIFY(strata::test::writeFile(ctx + u"/a.txt"_s, "copied by COPY\n"));
    QVERIFY(strata::test::writeFile(ctx + u"/Containerfile"_s,
        "FROM localhost/strata-podman-base:1\n"
        "COPY a.txt /a.txt\n"
        "ENV X=1\n"
        "RUN echo hello > /hello && mkdir /d && echo 0123456789 > /d/f\n"
        "CMD [\"sh\"]\n"));
    r = podman({ u"build"_s, u"--layers"_s, u"-t"_s, u"strata-podman:1"_s, ctx });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"podman build"_s, r)));
    for (const QString &tag : { u"strata-podman:also"_s, u"docker.io/library/strata-hub:latest"_s }) {
        r = podman({ u"tag"_s, u"strata-podman:1"_s, tag });
        QVERIFY2(r.exitCode == 0, qPrintable(describe(u"podman tag"_s, r)));
    }
    r = podman({ u"create"_s, u"--name"_s, u"podman-c1"_s, u"strata-podman:1"_s, u"sh"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"podman create"_s, r)));
    // A container that ran and wrote to its writable layer (a file, a folder, a hard link).
    r = podman({ u"run"_s, u"--name"_s, u"podman-c2"_s, u"strata-podman:1"_s, u"sh"_s, u"-c"_s, u"echo written > /w; mkdir /e; echo 0123456789 > /e/y; ln /e/y /e/z"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"podman run"_s, r)));
    // And one that is running while Strata reads.
    r = podman({ u"run"_s, u"-d"_s, u"--name"_s, u"podman-live"_s, u"strata-podman:1"_s, u"sh"_s, u"-c"_s, u"echo live > /live; exec sleep 3600"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"podman run -d"_s, r)));
    QTRY_VERIFY_WITH_TIMEOUT(podman({ u"diff"_s, u"podman-live"_s }).out.contains("A /live"), 20000);

    // podman's own views, all before the picture of the tree below.
    r = podman({ u"image"_s, u"inspect"_s, u"strata-podman:1"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"podman image inspect"_s, r)));
    m_inspect = QJsonDocument::fromJson(r.out).array().first().toObject();
    m_id = m_inspect.value(u"Id"_s).toString();
    QCOMPARE(m_id.size(), 64);
    r = podman({ u"images"_s, u"-a"_s, u"--format"_s, u"json"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"podman images"_s, r)));
    m_images = QJsonDocument::fromJson(r.out).array();
    r = podman({ u"ps"_s, u"-a"_s, u"--size"_s, u"--format"_s, u"json"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"podman ps"_s, r)));
    m_ps = QJsonDocument::fromJson(r.out).array();
    QCOMPARE(m_ps.size(), 3);
    r = podman({ u"system"_s, u"df"_s, u"-v"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"podman system df -v"_s, r)));
    m_df = text(r.out);
    r = podman({ u"system"_s, u"df"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"podman system df"_s, r)));
    m_dfSummary = text(r.out);
    r = podman({ u"history"_s, u"--no-trunc"_s, u"--format"_s, u"json"_s, u"strata-podman:1"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"podman history"_s, r)));
    for (const QJsonValue &v : QJsonDocument::fromJson(r.out).array())
        m_createdBy.prepend(v.toObject().value(u"CreatedBy"_s).toString());
    for (const char *c : { "podman-c1", "podman-c2", "podman-live" }) {
        r = podman({ u"diff"_s, QString::fromLatin1(c) });
        QVERIFY2(r.exitCode == 0, qPrintable(describe(u"podman diff"_s, r)));
        m_podmanDiff.insert(QString::fromLatin1(c), r.out);
    }
    m_before = settledTreeState(m_root);
    QVERIFY(m_before.size() > 20);
    QVERIFY(m_images.size() >= 5); // the base, the build's intermediate images and the image (once for each name)
}

void TestForeignPodman::cleanupTestCase()
{
    if (m_podman && m_skip.isEmpty())
        podman({ u"rm"_s, u"-a"_s, u"-f"_s, u"-t"_s, u"0"_s });
    m_podman.reset();
}

void TestForeignPodman::imagesEqualPodmans()
{
    REQUIRE_PODMAN();
    // `podman images -a`: every image with its names; the untagged ones of the build too.
    QStringList expectedAll, expectedTop;
    QSet<QString> untagged;
    for (const QJsonValue &v : std::as_const(m_images)) {
        const QJsonObject o = v.toObject();
        const QStringList names = strings(o.value(u"Names"_s));
        for (const QString &n : names)
            expectedAll.append(n + u' ' + u"sha256:"_s + o.value(u"Id"_s).toString());
        if (names.isEmpty()) {
            expectedAll.append(u"<none>:<none> sha256:"_s + o.value(u"Id"_s).toString());
            untagged.insert(o.value(u"Id"_s).toString());
        }
    }
    const RunResult top = podman({ u"images"_s, u"--no-trunc"_s, u"--format"_s, u"{{.Repository}}:{{.Tag}} {{.ID}}"_s });
    QVERIFY2(top.exitCode == 0, qPrintable(describe(u"podman images"_s, top)));
    expectedTop = text(top.out).split(u'\n', Qt::SkipEmptyParts);
    expectedAll = QSet<QString>(expectedAll.begin(), expectedAll.end()).values(); // its JSON repeats an image for each name
    expectedAll.sort();
    expectedTop.sort();
    QVERIFY2(!untagged.isEmpty(), "podman build --layers left no intermediate images");

    const auto listed = [&](const QStringList &args) {
        const RunResult r = foreign(m_root, args);
        if (r.exitCode != 0 || !r.err.isEmpty())
            qWarning("%s", qPrintable(describe(args.join(u' '), r)));
        QStringList got;
        for (const QStringList &row : tableRows(text(r.out)))
            got.append(row.value(0) + u':' + row.value(1) + u' ' + row.value(2));
        got.sort();
        return got;
    };
    QCOMPARE(listed({ u"images"_s, u"--no-trunc"_s }), expectedTop);
    QCOMPARE(listed({ u"images"_s, u"-a"_s, u"--no-trunc"_s }), expectedAll);
    QVERIFY(expectedTop.contains(u"localhost/strata-podman:1 sha256:"_s + m_id));
    QVERIFY(expectedTop.contains(u"docker.io/library/strata-hub:latest sha256:"_s + m_id));

    // The SIZE column is podman's Size (config, manifest and signatures counted), in Strata's units.
    const RunResult sized = foreign(m_root, { u"images"_s, u"localhost/strata-podman"_s });
    QVERIFY2(sized.exitCode == 0, qPrintable(describe(u"stratactl --foreign podman images localhost/strata-podman"_s, sized)));
    const QList<QStringList> rows = tableRows(text(sized.out));
    QCOMPARE(rows.size(), 2);
    for (const QStringList &row : rows) {
        QCOMPARE(row.value(2), m_id.left(12));
        QCOMPARE(row.value(4), strata::humanize::size(m_inspect.value(u"Size"_s).toInteger()));
    }
    // Without --foreign, a --root that is containers/storage's is detected: the same listing,
    // no store made there.
    const RunResult detected = strata::test::stratactl(m_root, { u"images"_s, u"--no-trunc"_s });
    QCOMPARE(detected.exitCode, 0);
    QCOMPARE(detected.out, foreign(m_root, { u"images"_s, u"--no-trunc"_s }).out);
    QVERIFY(!QFileInfo::exists(m_root + u"/store.json"_s));
    QCOMPARE(strata::ForeignRoot::detect(m_root), u"podman"_s);
}

void TestForeignPodman::historyLayersAndContainers()
{
    REQUIRE_PODMAN();
    auto snap = strata::PodmanRoot::read(m_root);
    QVERIFY2(snap.ok(), qPrintable(snap.error()));
    QVERIFY2(snap->problems.isEmpty(), qPrintable(snap->problems.join(u'\n')));
    QCOMPARE(snap->kind, u"podman"_s);
    auto image = snap->resolve(u"strata-podman:1"_s);
    QVERIFY2(image.ok(), qPrintable(image.error()));
    QCOMPARE(image->id.hex(), m_id);
    QStringList diffIds;
    for (const strata::ImageLayer &l : image->layers)
        diffIds.append(l.diffId.toString());
    QCOMPARE(diffIds, strings(m_inspect.value(u"RootFS"_s).toObject().value(u"Layers"_s)));
    QCOMPARE(image->size(), m_inspect.value(u"Size"_s).toInteger());
    QStringList createdBy;
    for (const strata::HistoryRow &h : strata::ImageDescription::history(image.value()))
        createdBy.append(h.createdBy);
    QCOMPARE(createdBy, m_createdBy);
    // Each layer's files are in overlay/<layer id>/diff, the folders podman's GraphDriver names.
    const QJsonObject graph = m_inspect.value(u"GraphDriver"_s).toObject().value(u"Data"_s).toObject();
    QCOMPARE(snap->layers.value(image->layers.last().chainId).filesDir, graph.value(u"UpperDir"_s).toString());
    QVERIFY(QFileInfo(snap->layers.value(image->layers.last().chainId).filesDir + u"/hello"_s).isFile());
    for (const strata::ImageLayer &l : image->layers)
        QVERIFY(QFileInfo(snap->layers.value(l.chainId).filesDir).isDir());

    // The containers: status and command from libpod's state, the writable size podman's.
    QCOMPARE(snap->containers.size(), 3);
    QMap<QString, QJsonObject> ps;
    for (const QJsonValue &v : std::as_const(m_ps))
        ps.insert(strings(v.toObject().value(u"Names"_s)).value(0), v.toObject());
    for (const strata::ForeignSnapshot::Container &c : std::as_const(snap->containers)) {
        QVERIFY2(ps.contains(c.name), qPrintable(c.name));
        const QJsonObject p = ps.value(c.name);
        QCOMPARE(c.id, p.value(u"Id"_s).toString());
        QCOMPARE(c.status, p.value(u"State"_s).toString());
        QCOMPARE(c.running, p.value(u"State"_s).toString() == u"running"_s);
        QCOMPARE(c.writableSize, p.value(u"Size"_s).toObject().value(u"rwSize"_s).toInteger(-1));
        QCOMPARE(c.command, strings(p.value(u"Command"_s)));
        QCOMPARE(c.imageId.hex(), m_id);
        QVERIFY(QFileInfo(c.writableDir).isDir());
    }
    QVERIFY(QFileInfo(snap->container(u"podman-c2"_s)->writableDir + u"/w"_s).isFile());
    QVERIFY(snap->container(u"podman-c2"_s)->writableSize > 0);

    // The command line: every created_by of podman's history, newest first, the ID on top.
    for (const QString &ref : { u"strata-podman:1"_s, u"localhost/strata-podman:1"_s, m_id, m_id.left(12) }) {
        const RunResult r = foreign(m_root, { u"history"_s, u"--no-trunc"_s, ref });
        QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl --foreign podman history "_s + ref, r)));
        const QList<QStringList> rows = tableRows(text(r.out));
        QCOMPARE(rows.size(), m_createdBy.size());
        QCOMPARE(rows.first().value(0), u"sha256:"_s + m_id);
        for (qsizetype i = 0; i < rows.size(); ++i)
            QCOMPARE(rows[i].value(2).trimmed(), m_createdBy[m_createdBy.size() - 1 - i].trimmed());
    }
    const RunResult layers = foreign(m_root, { u"layer"_s, u"ls"_s, u"--no-trunc"_s, u"strata-podman:1"_s });
    QVERIFY2(layers.exitCode == 0, qPrintable(describe(u"stratactl --foreign podman layer ls"_s, layers)));
    const QList<QStringList> rows = tableRows(text(layers.out));
    QCOMPARE(rows.size(), diffIds.size());
    for (qsizetype i = 0; i < rows.size(); ++i)
        QCOMPARE(rows[i].value(1), diffIds[i]);
}

void TestForeignPodman::systemDfEqualsPodmans()
{
    REQUIRE_PODMAN();
    auto snap = strata::PodmanRoot::read(m_root);
    QVERIFY2(snap.ok(), qPrintable(snap.error()));
    QSet<strata::Digest> inUse;
    for (const auto &c : std::as_const(snap->containers))
        inUse.insert(c.imageId);
    const strata::ImageDiskUsage usage = snap->diskUsage(inUse);
    // podman's rows: IMAGE ID -> SIZE, SHARED SIZE, UNIQUE SIZE, CONTAINERS (go-units sizes).
    QMap<QString, QStringList> podmanRows;
    for (const QStringList &row : tableRows(dfSection(m_df, u"Images space usage:"_s)))
        podmanRows.insert(row.value(2), { row.value(4), row.value(5), row.value(6), row.value(7) });
    QVERIFY2(podmanRows.size() >= 4, qPrintable(m_df));
    QMap<QString, QStringList> ours;
    for (const auto &row : usage.images) {
        qsizetype containers = 0;
        for (const auto &c : std::as_const(snap->containers))
            containers += c.imageId == row.image.id ? 1 : 0;
        ours.insert(row.image.id.shortHex(), { goHumanSize(row.size), goHumanSize(row.shared), goHumanSize(row.unique), QString::number(containers) });
    }
    QCOMPARE(ours, podmanRows);
    // The containers' sizes as podman's df prints them.
    for (const QStringList &row : tableRows(dfSection(m_df, u"Containers space usage:"_s))) {
        const auto *c = snap->container(row.value(0));
        QVERIFY2(c, qPrintable(row.join(u" | ")));
        QCOMPARE(goHumanSize(c->writableSize), row.value(4));
        QCOMPARE(c->status, row.value(6));
    }
    // The summary: images' total and reclaimable as podman sums them.
    const QList<QStringList> summary = tableRows(m_dfSummary);
    QVERIFY2(summary.size() >= 2 && summary[0].value(0) == u"Images"_s, qPrintable(m_dfSummary));
    QCOMPARE(goHumanSize(usage.totalSize), summary[0].value(3));
    QVERIFY2(summary[0].value(4).startsWith(goHumanSize(usage.reclaimable) + u' '), qPrintable(summary[0].join(u" | ")));

    // The command line shows the same rows, in Strata's units.
    const RunResult r = foreign(m_root, { u"system"_s, u"df"_s, u"-v"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl --foreign podman system df -v"_s, r)));
    const QString out = text(r.out);
    for (const auto &row : usage.images)
        QVERIFY2(out.contains(row.image.id.shortHex()), qPrintable(out));
    bool found = false;
    for (const QString &line : out.split(u'\n')) {
        if (line.startsWith(u"localhost/strata-podman "_s)) {
            QVERIFY2(line.contains(u"   "_s + strata::humanize::size(m_inspect.value(u"Size"_s).toInteger()) + u"   "_s), qPrintable(line));
            found = true;
        }
    }
    QVERIFY2(found, qPrintable(out));
    QVERIFY2(out.contains(u"podman-live"_s) && out.contains(u"running"_s), qPrintable(out));
    // `system df`: the summary's TOTAL, ACTIVE and reclaimable percentage are podman's (it counts
    // a row for every name of an image).
    const RunResult plain = foreign(m_root, { u"system"_s, u"df"_s });
    QVERIFY2(plain.exitCode == 0, qPrintable(describe(u"stratactl --foreign podman system df"_s, plain)));
    const QList<QStringList> mine = tableRows(text(plain.out));
    QVERIFY2(!mine.isEmpty() && mine[0].value(0) == u"Images"_s, plain.out.constData());
    QCOMPARE(mine[0].value(1), summary[0].value(1));
    QCOMPARE(mine[0].value(2), summary[0].value(2));
    QCOMPARE(mine[0].value(3), strata::humanize::size(usage.totalSize));
    const QString percent = summary[0].value(4).mid(summary[0].value(4).indexOf(u'('));
    QVERIFY2(mine[0].value(4).endsWith(percent), qPrintable(mine[0].value(4) + u" vs podman's "_s + summary[0].value(4)));
    QCOMPARE(mine.value(1).value(1), summary.value(1).value(1)); // containers: total, running
    QCOMPARE(mine.value(1).value(2), summary.value(1).value(2));
}

void TestForeignPodman::inspectEqualsPodmans()
{
    REQUIRE_PODMAN();
    const RunResult r = foreign(m_root, { u"inspect"_s, u"strata-podman:1"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl --foreign podman inspect"_s, r)));
    const QJsonObject o = QJsonDocument::fromJson(r.out).array().first().toObject();
    QStringList keys = m_inspect.keys();
    for (const QString &key : std::as_const(keys)) {
        QJsonValue mine = o.value(key), theirs = m_inspect.value(key);
        if (key == u"RepoTags"_s || key == u"RepoDigests"_s || key == u"NamesHistory"_s) { // same names, maybe in another order
            QStringList a = strings(mine), b = strings(theirs);
            a.sort();
            b.sort();
            QVERIFY2(a == b, qPrintable(key + u": "_s + a.join(u", ") + u" vs podman's "_s + b.join(u", ")));
            continue;
        }
        if (theirs.isNull() && mine.isUndefined()) // podman prints null for what the image does not have
            continue;
        QVERIFY2(mine == theirs, qPrintable(key + u": "_s + text(QJsonDocument(QJsonObject { { u"strata"_s, mine }, { u"podman"_s, theirs } }).toJson())));
    }
    QCOMPARE(o.value(u"GraphDriver"_s).toObject().value(u"Name"_s).toString(), u"overlay"_s);
}

void TestForeignPodman::shortNames()
{
    REQUIRE_PODMAN();
    auto snap = strata::PodmanRoot::read(m_root);
    QVERIFY2(snap.ok(), qPrintable(snap.error()));
    for (const QString &ref : { u"strata-podman:1"_s, u"localhost/strata-podman:1"_s, u"strata-podman:also"_s, u"strata-hub"_s, u"strata-hub:latest"_s,
             u"docker.io/library/strata-hub:latest"_s, m_id, QString(u"sha256:"_s + m_id), m_id.left(12) }) {
        auto image = snap->resolve(ref);
        QVERIFY2(image.ok(), qPrintable(ref + u": "_s + image.error()));
        QCOMPARE(image->id.hex(), m_id);
    }
    auto base = snap->resolve(u"strata-podman-base:1"_s);
    QVERIFY2(base.ok(), qPrintable(base.error()));
    QVERIFY(base->id.hex() != m_id);
    for (const QString &ref : { u"strata-podman"_s /* :latest, which is not there */, u"nothing:1"_s }) {
        const RunResult r = foreign(m_root, { u"history"_s, ref });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(text(r.err).contains(u"no such image in the containers/storage root "_s + m_root), r.err.constData());
    }
}

void TestForeignPodman::otherCommandsRefused()
{
    REQUIRE_PODMAN();
    for (const QStringList &args : { QStringList { u"rmi"_s, u"strata-podman:1"_s }, QStringList { u"tag"_s, u"strata-podman:1"_s, u"x:y"_s },
             QStringList { u"run"_s, u"strata-podman:1"_s }, QStringList { u"load"_s, u"-i"_s, path(u"base.tar"_s) }, QStringList { u"image"_s, u"prune"_s } }) {
        const RunResult r = foreign(m_root, args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(text(r.err).contains(u"read-only foreign store: %1 is not available"_s.arg(args.first())), r.err.constData());
    }
}

void TestForeignPodman::diffAndLayerFilesEqualPodmans()
{
    REQUIRE_PODMAN();
    // The lines of podman diff (libpod's own mount points and files left out, as it does), in
    // Strata's order; what the image's layers hold, read from overlay/<id>/diff in place.
    const auto sorted = [](const QByteArray &out) {
        QStringList lines = text(out).split(u'\n', Qt::SkipEmptyParts);
        lines.sort();
        return lines;
    };
    QVERIFY2(m_podmanDiff.value(u"podman-c2"_s).contains("A /e/z"), m_podmanDiff.value(u"podman-c2"_s).constData());
    for (auto it = m_podmanDiff.constBegin(); it != m_podmanDiff.constEnd(); ++it) {
        const RunResult r = foreign(m_root, { u"diff"_s, it.key() });
        QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl --foreign podman diff "_s + it.key(), r)));
        QVERIFY2(sorted(r.out) == sorted(it.value()), qPrintable(u"%1:\n--- podman diff ---\n%2--- stratactl diff ---\n%3"_s.arg(it.key(), text(it.value()), text(r.out))));
    }
    const RunResult files = foreign(m_root, { u"layer"_s, u"files"_s, u"--aggregated"_s, u"strata-podman:1"_s, u"0"_s });
    QVERIFY2(files.exitCode == 0 && text(files.out).contains(u"/bin/busybox"_s), qPrintable(describe(u"layer files"_s, files)));
    const RunResult efficiency = foreign(m_root, { u"image"_s, u"efficiency"_s, u"strata-podman:1"_s });
    QVERIFY2(efficiency.exitCode == 0 && text(efficiency.out).contains(u"Efficiency:"_s), qPrintable(describe(u"image efficiency"_s, efficiency)));
}

void TestForeignPodman::rootUnchanged()
{
    REQUIRE_PODMAN();
    // After every read above (the slots run in order), with a container still running.
    const QStringList after = treeState(m_root);
    QVERIFY2(after == m_before, qPrintable(treeDifference(m_before, after)));
    QVERIFY(!QFileInfo::exists(m_root + u"/store.lock"_s));
    QVERIFY(!QFileInfo::exists(m_root + u"/store.json"_s));
    // podman still sees its store as it was.
    const RunResult r = podman({ u"images"_s, u"-a"_s, u"--format"_s, u"json"_s });
    QCOMPARE(QJsonDocument::fromJson(r.out).array(), m_images);
}

void TestForeignPodman::rootlessStoreReadByItsUser()
{
    REQUIRE_PODMAN();
    QString why;
    const QString user = strata::test::unprivilegedUser(&why);
    if (user.isEmpty())
        QSKIP(qPrintable(u"a rootless store needs an unprivileged user: "_s + why));
    const QString home = text(strata::test::run(u"sh"_s, { u"-c"_s, u"getent passwd %1 | cut -d: -f6"_s.arg(user) }).out.trimmed());
    QVERIFY(!home.isEmpty());
    // A folder the user can reach: its runtime directory, podman's config, a copy of stratactl.
    QTemporaryDir share(u"/tmp/strata-podman-rootless-XXXXXX"_s);
    QVERIFY(share.isValid());
    QVERIFY(QFile::setPermissions(share.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadOther | QFile::ExeOther | QFile::ReadGroup | QFile::ExeGroup));
    const QString binary = share.path() + u"/stratactl"_s;
    QVERIFY(QFile::copy(QStringLiteral(STRATACTL_PATH), binary));
    QVERIFY(QFile::copy(path(u"base.tar"_s), share.path() + u"/base.tar"_s));
    for (const QString &sub : { u"/run"_s, u"/config/containers"_s })
        QVERIFY(QDir().mkpath(share.path() + sub));
    QVERIFY(strata::test::writeFile(share.path() + u"/config/containers/containers.conf"_s,
        "[containers]\ndefault_ulimits = [\"nofile=1024:1024\", \"nproc=1024:1024\"]\nnetns = \"none\"\n[engine]\nruntime = \"runc\"\ncgroup_manager = \"cgroupfs\"\nevents_logger = \"file\"\n"));
    QVERIFY(strata::test::writeFile(share.path() + u"/config/containers/storage.conf"_s, "[storage]\ndriver = \"overlay\"\n"));
    QCOMPARE(strata::test::run(u"chown"_s, { u"-R"_s, user, share.path() }).exitCode, 0);
    QCOMPARE(strata::test::run(u"chmod"_s, { u"700"_s, share.path() + u"/run"_s }).exitCode, 0);
    const QStringList env { u"env"_s, u"HOME="_s + home, u"XDG_RUNTIME_DIR="_s + share.path() + u"/run"_s, u"XDG_CONFIG_HOME="_s + share.path() + u"/config"_s,
        u"XDG_DATA_HOME="_s + home + u"/.local/share"_s };
    const auto asUser = [&](const QStringList &command, int timeoutMs = 300000) {
        return strata::test::run(u"runuser"_s, QStringList { u"-u"_s, user, u"--"_s } + env + command, timeoutMs);
    };
    const QString storage = home + u"/.local/share/containers/storage"_s;
    // The test's own account: a store left by an earlier run is podman's to remove.
    if (QFileInfo::exists(storage))
        asUser({ u"podman"_s, u"system"_s, u"reset"_s, u"-f"_s });
    RunResult r = asUser({ u"podman"_s, u"import"_s, share.path() + u"/base.tar"_s, u"localhost/strata-rootless:1"_s });
    if (r.exitCode != 0)
        QSKIP(qPrintable(describe(u"rootless podman cannot import here (user namespaces, newuidmap, /etc/subuid)"_s, r)));
    r = asUser({ u"podman"_s, u"run"_s, u"--name"_s, u"rootless-c"_s, u"localhost/strata-rootless:1"_s, u"sh"_s, u"-c"_s, u"echo rootless > /r"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"rootless podman run"_s, r)));
    r = asUser({ u"podman"_s, u"images"_s, u"--no-trunc"_s, u"--format"_s, u"{{.Repository}}:{{.Tag}} {{.ID}}"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"rootless podman images"_s, r)));
    const QStringList expected = text(r.out).split(u'\n', Qt::SkipEmptyParts);
    r = asUser({ u"podman"_s, u"ps"_s, u"-a"_s, u"--size"_s, u"--format"_s, u"json"_s });
    const QJsonObject ps = QJsonDocument::fromJson(r.out).array().first().toObject();
    QVERIFY(QFileInfo(storage + u"/overlay-layers"_s).isDir()); // the overlay driver, as storage.conf says
    const QStringList before = treeState(storage);

    // As that user, with no --root: the default is its own ~/.local/share/containers/storage.
    r = asUser({ binary, u"--foreign"_s, u"podman"_s, u"images"_s, u"--no-trunc"_s });
    QVERIFY2(r.exitCode == 0 && r.err.isEmpty(), qPrintable(describe(u"stratactl --foreign podman images (rootless)"_s, r)));
    QStringList got;
    for (const QStringList &row : tableRows(text(r.out)))
        got.append(row.value(0) + u':' + row.value(1) + u' ' + row.value(2));
    QCOMPARE(got, expected);
    r = asUser({ binary, u"--foreign"_s, u"podman"_s, u"system"_s, u"df"_s, u"-v"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl --foreign podman system df -v (rootless)"_s, r)));
    QVERIFY2(text(r.out).contains(u"rootless-c"_s) && text(r.out).contains(u"exited"_s), r.out.constData());
    QVERIFY2(text(r.out).contains(storage), r.out.constData());
    QVERIFY2(text(r.out).contains(u"   "_s + strata::humanize::size(ps.value(u"Size"_s).toObject().value(u"rwSize"_s).toInteger()) + u"   "_s), r.out.constData());
    const QStringList after = treeState(storage);
    QVERIFY2(after == before, qPrintable(treeDifference(before, after)));
    asUser({ u"podman"_s, u"system"_s, u"reset"_s, u"-f"_s });
    asUser({ u"rm"_s, u"-rf"_s, home + u"/.local/share/containers"_s }); // the blob-info cache too: the test account's
    // Rootless podman keeps a pause process holding its user namespace: the test's own, ended.
    const QByteArray pause = strata::test::readFile(share.path() + u"/run/libpod/tmp/pause.pid"_s).trimmed();
    if (!pause.isEmpty() && pause.toInt() > 1)
        strata::test::run(u"kill"_s, { QString::fromLatin1(pause) });
}

QString TestForeignPodman::copyRoot(const QString &name)
{
    // The image, layer and container stores and the layers' folders: the live root stays intact.
    const QString root = path(u"hostile-"_s + name);
    QDir().mkpath(root);
    const RunResult cp = strata::test::run(u"cp"_s, { u"-a"_s, m_root + u"/overlay-images"_s, m_root + u"/overlay-layers"_s, m_root + u"/overlay-containers"_s,
                                                        m_root + u"/overlay"_s, m_root + u"/libpod"_s, root });
    if (cp.exitCode != 0)
        qWarning("%s", qPrintable(describe(u"cp -a"_s, cp)));
    return root;
}

void TestForeignPodman::hostile_data()
{
    QTest::addColumn<QString>("damage");
    QTest::addColumn<QStringList>("command");
    QTest::addColumn<QString>("message");
    QTest::newRow("a layer's folder a symlink to one outside")
        << u"symlink"_s << QStringList { u"history"_s, u"strata-podman:1"_s } << u"is a symbolic link or not a directory; refusing to follow it"_s;
    QTest::newRow("images.json of 65 MiB, sparse") << u"oversized"_s << QStringList { u"images"_s } << u"images.json: 68157440 bytes, more than the 67108864"_s;
    QTest::newRow("images.json a FIFO (a read would block)") << u"fifo"_s << QStringList { u"images"_s } << u"images.json: not a regular file"_s;
    QTest::newRow("a layer ID with ../") << u"dotdot"_s << QStringList { u"images"_s } << u"layers.json: entry 0: layer ID '../../../../etc' is not 64 lowercase hex digits"_s;
    QTest::newRow("an image's layer with ../")
        << u"imagelayer"_s << QStringList { u"history"_s, u"strata-podman:1"_s } << u"'s layer '../../etc' is not 64 lowercase hex digits"_s;
    QTest::newRow("a parent cycle") << u"cycle"_s << QStringList { u"history"_s, u"strata-podman:1"_s } << u"form a cycle"_s;
    QTest::newRow("layers.json of an unknown shape")
        << u"shape"_s << QStringList { u"images"_s } << u"layers.json: not the JSON array of objects containers/storage writes (a JSON object; an unknown version?)"_s;
    QTest::newRow("layers.json half-written") << u"truncated"_s << QStringList { u"images"_s } << u"layers.json: not valid JSON"_s;
    QTest::newRow("a config that does not hash to its ID")
        << u"config"_s << QStringList { u"history"_s, u"strata-podman:1"_s } << u"content hashes to sha256:"_s;
    QTest::newRow("a layer's diff-digest not the config's")
        << u"diffdigest"_s << QStringList { u"history"_s, u"strata-podman:1"_s } << u"but the config of image"_s;
    QTest::newRow("bolt_state.db damaged") << u"bolt"_s << QStringList { u"system"_s, u"df"_s, u"-v"_s } << u"bolt_state.db: no valid bbolt meta page"_s;
    QTest::newRow("bolt_state.db with a page of more elements than fit")
        << u"boltpage"_s << QStringList { u"system"_s, u"df"_s, u"-v"_s } << u"bolt_state.db: a page whose 65535 elements do not fit in it"_s;
}

void TestForeignPodman::hostile()
{
    REQUIRE_PODMAN();
    QFETCH(QString, damage);
    QFETCH(QStringList, command);
    QFETCH(QString, message);
    const QString root = copyRoot(damage);
    auto snap = strata::PodmanRoot::read(root);
    QVERIFY2(snap.ok(), qPrintable(snap.error()));
    auto image = snap->resolve(u"strata-podman:1"_s);
    QVERIFY2(image.ok(), qPrintable(image.error()));
    const QStringList folders = snap->layerFolders.value(image->id);
    QVERIFY(folders.size() >= 2);
    const QString layersJson = root + u"/overlay-layers/layers.json"_s, imagesJson = root + u"/overlay-images/images.json"_s;
    QJsonArray layers = QJsonDocument::fromJson(strata::test::readFile(layersJson)).array();
    QJsonArray images = QJsonDocument::fromJson(strata::test::readFile(imagesJson)).array();
    const auto indexOf = [](const QJsonArray &a, const QString &id) {
        for (qsizetype i = 0; i < a.size(); ++i)
            if (a[i].toObject().value(u"id"_s).toString() == id)
                return i;
        return qsizetype(-1);
    };
    if (damage == u"symlink"_s) {
        const QString outside = path(u"outside-"_s + damage);
        QVERIFY(QDir().mkpath(outside + u"/diff"_s));
        const QString top = root + u"/overlay/"_s + folders.last();
        QCOMPARE(strata::test::run(u"rm"_s, { u"-rf"_s, top }).exitCode, 0);
        QVERIFY(QFile::link(outside, top));
    } else if (damage == u"oversized"_s) {
        QFile f(imagesJson);
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.resize(65 * 1024 * 1024)); // sparse: the size alone must refuse it
    } else if (damage == u"fifo"_s) {
        QVERIFY(QFile::remove(imagesJson));
        QCOMPARE(::mkfifo(QFile::encodeName(imagesJson).constData(), 0644), 0);
    } else if (damage == u"dotdot"_s) {
        QJsonObject l = layers[0].toObject();
        l.insert(u"id"_s, u"../../../../etc"_s);
        layers[0] = l;
        QVERIFY(strata::test::writeFile(layersJson, QJsonDocument(layers).toJson()));
    } else if (damage == u"imagelayer"_s) {
        const qsizetype i = indexOf(images, image->id.hex());
        QJsonObject o = images[i].toObject();
        o.insert(u"layer"_s, u"../../etc"_s);
        images[i] = o;
        QVERIFY(strata::test::writeFile(imagesJson, QJsonDocument(images).toJson()));
    } else if (damage == u"cycle"_s) {
        const qsizetype i = indexOf(layers, folders[1]); // the second layer's parent: the top one (the base image stays whole)
        QJsonObject l = layers[i].toObject();
        l.insert(u"parent"_s, folders.last());
        layers[i] = l;
        QVERIFY(strata::test::writeFile(layersJson, QJsonDocument(layers).toJson()));
    } else if (damage == u"shape"_s) {
        QVERIFY(strata::test::writeFile(layersJson, QJsonDocument(QJsonObject { { u"layers"_s, layers } }).toJson()));
    } else if (damage == u"truncated"_s) {
        const QByteArray bytes = strata::test::readFile(layersJson);
        QVERIFY(strata::test::writeFile(layersJson, bytes.left(bytes.size() / 2)));
    } else if (damage == u"config"_s) {
        const QString config = root + u"/overlay-images/"_s + image->id.hex() + u'/' + strata::PodmanRoot::bigDataFileName(image->id.toString());
        QByteArray bytes = strata::test::readFile(config);
        QVERIFY(bytes.contains("hello"));
        bytes.replace("hello", "HELLO");
        QVERIFY(strata::test::writeFile(config, bytes));
    } else if (damage == u"diffdigest"_s) {
        const qsizetype i = indexOf(layers, folders.last());
        QJsonObject l = layers[i].toObject();
        l.insert(u"diff-digest"_s, QString(u"sha256:"_s + QString(64, u'a')));
        layers[i] = l;
        QVERIFY(strata::test::writeFile(layersJson, QJsonDocument(layers).toJson()));
    } else if (damage == u"bolt"_s) {
        QVERIFY(strata::test::writeFile(root + u"/libpod/bolt_state.db"_s, QByteArray(8192, 'x')));
    } else if (damage == u"boltpage"_s) {
        // The current meta page (the higher txid) names the root bucket's page: its element
        // count becomes 65535, the meta's checksum still right.
        QByteArray db = strata::test::readFile(root + u"/libpod/bolt_state.db"_s);
        const auto u32 = [&](qsizetype at) { return qFromLittleEndian<quint32>(db.constData() + at); };
        const auto u64 = [&](qsizetype at) { return qFromLittleEndian<quint64>(db.constData() + at); };
        const quint32 pageSize = u32(16 + 8);
        QVERIFY(pageSize >= 512 && db.size() >= 2 * qsizetype(pageSize));
        const qsizetype meta = u64(16 + 48) >= u64(pageSize + 16 + 48) ? 16 : qsizetype(pageSize) + 16;
        const quint64 rootPage = u64(meta + 16);
        QVERIFY(qsizetype(rootPage * pageSize) + 16 <= db.size());
        qToLittleEndian<quint16>(0xffff, db.data() + rootPage * pageSize + 10);
        QVERIFY(strata::test::writeFile(root + u"/libpod/bolt_state.db"_s, db));
    }
    const QStringList before = treeState(root);
    const RunResult r = foreign(root, command);
    if (damage.startsWith(u"bolt"_s)) {
        // The images and containers are still listed; their status is unknown, and why is said.
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(text(r.out).contains(u"unknown"_s), r.out.constData());
    } else {
        QCOMPARE(r.exitCode, 1);
    }
    QVERIFY2(text(r.err).contains(message), qPrintable(describe(command.join(u' '), r)));
    QVERIFY2(text(r.err).contains(root), r.err.constData()); // the file is named
    if (command.first() == u"history"_s) // the image's own cause, not "no such image"
        QVERIFY2(text(r.err).contains(u"image localhost/strata-podman:1 cannot be read: "_s), r.err.constData());
    QVERIFY2(treeState(root) == before, qPrintable(treeDifference(before, treeState(root))));
    // A damaged image is left out of the listing with a warning, not shown half-read.
    if (command.first() == u"history"_s) {
        const RunResult list = foreign(root, { u"images"_s });
        QCOMPARE(list.exitCode, 0);
        QVERIFY2(text(list.err).contains(u"warning: "_s), list.err.constData());
        QVERIFY2(!text(list.out).contains(u"localhost/strata-podman "_s), list.out.constData());
        QVERIFY2(text(list.out).contains(u"localhost/strata-podman-base "_s), list.out.constData());
    }
}

void TestForeignPodman::unknownLayouts()
{
    // No podman needed: roots of another graph driver, and a root of neither peer.
    const QString vfs = path(u"vfs-root"_s);
    for (const char *d : { "vfs-images", "vfs-layers", "vfs-containers", "vfs/dir", "libpod" })
        QVERIFY(QDir().mkpath(vfs + u'/' + QLatin1String(d)));
    QVERIFY(strata::test::writeFile(vfs + u"/vfs-layers/layers.json"_s, "[]"));
    QVERIFY(strata::test::writeFile(vfs + u"/storage.lock"_s, ""));
    const QStringList before = treeState(vfs);
    QCOMPARE(strata::ForeignRoot::detect(vfs), u"podman"_s);
    for (const QStringList &args : { QStringList { u"--foreign"_s, u"podman"_s, u"images"_s }, QStringList { u"images"_s } }) {
        const RunResult r = strata::test::stratactl(vfs, args);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(text(r.err).contains(vfs + u": the graph driver is vfs (vfs-layers): not read yet"_s), r.err.constData());
    }
    QCOMPARE(treeState(vfs), before);

    const QString empty = path(u"empty-root"_s);
    QVERIFY(QDir().mkpath(empty + u"/something"_s));
    const RunResult r = foreign(empty, { u"images"_s });
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(text(r.err).contains(u"no overlay-images or overlay-layers folder: not a containers/storage root with the overlay driver"_s), r.err.constData());
    const RunResult none = foreign(path(u"no-such-root"_s), { u"images"_s });
    QCOMPARE(none.exitCode, 1);
    QVERIFY2(text(none.err).contains(u"No such file or directory"_s), none.err.constData());
    QVERIFY(!QFileInfo::exists(path(u"no-such-root"_s)));
    // A fresh store (podman info makes the folders before any image): empty, not an error.
    const QString fresh = path(u"fresh-root"_s);
    for (const char *d : { "overlay-images", "overlay-layers", "overlay-containers", "overlay/l" })
        QVERIFY(QDir().mkpath(fresh + u'/' + QLatin1String(d)));
    const RunResult listed = foreign(fresh, { u"images"_s });
    QVERIFY2(listed.exitCode == 0 && listed.err.isEmpty(), qPrintable(describe(u"images of a fresh store"_s, listed)));
    // The default roots: root's system path here (the tests run as root).
    if (::geteuid() == 0)
        QCOMPARE(strata::ForeignRoot::defaultRoot(u"podman"_s), u"/var/lib/containers/storage"_s);
}

void TestForeignPodman::dockerVersionMarkers()
{
    // Hand-made Docker roots (no daemon needed): the reader names what it does not know.
    const auto dockerRoot = [&](const QString &name) {
        const QString root = path(u"docker-"_s + name);
        for (const char *d : { "image/overlay2/imagedb/content/sha256", "image/overlay2/imagedb/metadata/sha256", "image/overlay2/layerdb/sha256", "overlay2" })
            QDir().mkpath(root + u'/' + QLatin1String(d));
        return root;
    };
    const QString good = dockerRoot(u"good"_s);
    RunResult r = strata::test::stratactl(good, { u"--foreign"_s, u"docker"_s, u"images"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"an empty Docker root"_s, r)));

    const QString sha512 = dockerRoot(u"sha512"_s);
    QVERIFY(QDir().mkpath(sha512 + u"/image/overlay2/layerdb/sha512"_s));
    r = strata::test::stratactl(sha512, { u"--foreign"_s, u"docker"_s, u"images"_s });
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(text(r.err).contains(sha512 + u"/image/overlay2/layerdb/sha512: 'sha512' is not part of the layout Strata reads"_s) && text(r.err).contains(u"unknown version"_s),
        r.err.constData());

    const QString half = path(u"docker-half"_s);
    QVERIFY(QDir().mkpath(half + u"/image/overlay2/layerdb/sha256"_s));
    QVERIFY(QDir().mkpath(half + u"/overlay2"_s));
    r = strata::test::stratactl(half, { u"--foreign"_s, u"docker"_s, u"images"_s });
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(text(r.err).contains(half + u"/image/overlay2/imagedb: missing beside"_s) && text(r.err).contains(u"half-written"_s), r.err.constData());

    const QString old = path(u"docker-graph"_s);
    QVERIFY(QDir().mkpath(old + u"/graph/0123"_s));
    r = strata::test::stratactl(old, { u"--foreign"_s, u"docker"_s, u"images"_s });
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(text(r.err).contains(old + u"/graph: a Docker data root of before 1.10"_s), r.err.constData());

    // An image config whose rootfs.type is not "layers": left out, named, its tag refused.
    const QString odd = dockerRoot(u"rootfs"_s);
    const QByteArray config = R"({"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"squashfs","diff_ids":[]},"history":[]})";
    const strata::Digest id = strata::Sha256::of(config);
    QVERIFY(strata::test::writeFile(odd + u"/image/overlay2/imagedb/content/sha256/"_s + id.hex(), config));
    QVERIFY(strata::test::writeFile(odd + u"/image/overlay2/repositories.json"_s,
        u"{\"Repositories\":{\"odd\":{\"odd:latest\":\"%1\"}}}"_s.arg(id.toString()).toUtf8()));
    const QStringList before = treeState(odd);
    r = strata::test::stratactl(odd, { u"--foreign"_s, u"docker"_s, u"history"_s, u"odd"_s });
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(text(r.err).contains(u"rootfs.type is 'squashfs', not \"layers\""_s) && text(r.err).contains(odd + u"/image/overlay2/imagedb/content/sha256/"_s + id.hex()),
        r.err.constData());
    QCOMPARE(treeState(odd), before);
}

QTEST_GUILESS_MAIN(TestForeignPodman)
#include "tst_foreignpodman.moc"
