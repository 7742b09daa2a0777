// Interop with the real peers: a private dockerd, podman, skopeo and umoci, all started by the
// test inside a QTemporaryDir. Images built by `docker build` (file overwrite, whiteouts, opaque
// directory, ENV, CMD) go through Strata and back out again; every peer must read what Strata
// writes with the same identities (image ID, diffIDs, manifest digest) and the same filesystem.
// A peer that is missing or cannot start makes its checks QSKIP with the reason.

#include "dockerdaemon.h"
#include "historytable.h"
#include "podmansandbox.h"
#include "testsupport.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <algorithm>
#include <functional>
#include <memory>

#include <signal.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using strata::test::RunResult;

namespace {

// One test image: built by docker from `dockerfile` (FROM strata-base), or, when that is empty,
// made by `stratactl import` of the busybox root filesystem directory.
struct ImageSpec {
    QString key;
    QString ref;
    QString dockerfile;
    QString probe; // shell script run in a container of the image
    QString expected; // its exact stdout
};

QList<ImageSpec> imageSpecs()
{
    return {
        { u"built"_s, u"strata-test:latest"_s,
            u"FROM strata-base\n"
            "RUN echo hi > /a && echo v1 > /o && mkdir -p /d /e/sub && echo old > /d/f && echo s > /e/sub/s"
            " && echo k > /e/keep && echo k2 > /e/keep2 && ln -s /o /lnk && ln /e/keep2 /e/hard"
            " && chown 1234:5678 /e/keep2 && chmod 0640 /e/keep2\n"
            "ENV X=1\n"
            "RUN echo v2 > /o && rm /a /e/keep && rm -rf /d /e/sub && mkdir /d && echo new > /d/g && chmod 0700 /d\n"
            "CMD [\"sh\"]\n"_s,
            u"echo hello; cat /o; ls -A /d; ls -A /e; test -e /a || echo no-a; test -e /e/sub || echo no-sub;"
            " echo X=$X; cat /lnk; stat -c '%u:%g %a' /e/hard"_s,
            u"hello\nv2\ng\nhard\nkeep2\nno-a\nno-sub\nX=1\nv2\n1234:5678 640\n"_s },
        { u"opaque"_s, u"strata-opaque:latest"_s,
            u"FROM strata-base\n"
            "RUN mkdir -p /d/sub && echo old > /d/f && echo s > /d/sub/s\n"
            "RUN rm -rf /d && mkdir /d && echo new > /d/g\n"_s,
            u"echo hello; ls -A /d; cat /d/g"_s, u"hello\ng\nnew\n"_s },
        { u"nested-dir-whiteout"_s, u"strata-rmdir:latest"_s,
            u"FROM strata-base\n"
            "RUN mkdir -p /e/sub/deeper && echo s > /e/sub/deeper/s && echo k > /e/k\n"
            "RUN rm -rf /e/sub\n"_s,
            u"echo hello; ls -A /e"_s, u"hello\nk\n"_s },
        { u"file-whiteouts"_s, u"strata-rmfile:latest"_s,
            u"FROM strata-base\n"
            "RUN mkdir /e && echo k > /e/k && echo a > /a && echo o > /o\n"
            "RUN rm /e/k /a && echo o2 > /o\n"_s,
            u"echo hello; ls -A /e; cat /o; test -e /a || echo no-a"_s, u"hello\no2\nno-a\n"_s },
        { u"imported"_s, u"strata-imported:1.0"_s, QString(), u"echo hello; ls /bin/busybox"_s,
            u"hello\n/bin/busybox\n"_s },
    };
}

const QStringList busyboxApplets { u"sh"_s, u"echo"_s, u"ls"_s, u"cat"_s, u"mkdir"_s, u"rm"_s, u"touch"_s, u"mv"_s,
    u"cp"_s, u"ln"_s, u"env"_s, u"true"_s, u"false"_s, u"sleep"_s, u"id"_s, u"stat"_s, u"chown"_s, u"chmod"_s, u"test"_s };

QString text(const QByteArray &b) { return QString::fromUtf8(b); }

QString describe(const QString &what, const RunResult &r)
{
    return u"%1: exit %2\n--- stdout ---\n%3\n--- stderr ---\n%4"_s.arg(what).arg(r.exitCode).arg(text(r.out).left(4000), text(r.err).left(4000));
}

QString sha256OfBytes(const QByteArray &b) { return u"sha256:"_s + QString::fromLatin1(QCryptographicHash::hash(b, QCryptographicHash::Sha256).toHex()); }

QStringList toStrings(const QJsonValue &v)
{
    QStringList out;
    const QJsonArray a = v.toArray();
    for (const QJsonValue &x : a)
        out.append(x.toString());
    return out;
}

// Chain IDs as the OCI image spec defines them, from the diffIDs ("sha256:<hex>").
QStringList chainIds(const QStringList &diffIds)
{
    QStringList out;
    for (const QString &d : diffIds)
        out.append(out.isEmpty() ? d : sha256OfBytes((out.last() + u' ' + d).toUtf8()));
    return out;
}

QString hexOf(const QString &digest) { return digest.startsWith(u"sha256:"_s) ? digest.mid(7) : digest; }

QString lastLines(const QString &path, int n)
{
    const QStringList lines = text(strata::test::readFile(path)).split(u'\n');
    return lines.mid(qMax(0, int(lines.size()) - n)).join(u'\n');
}

using HistoryRow = strata::test::HistoryTableRow;
using strata::test::parseDockerHistory;
using strata::test::parseStrataHistory;

// Every entry under `root` (the root itself excluded) with type, mode, owner, size, link count,
// content hash, link target or device number, and mtime for non-directories.
QStringList treeListing(const QString &root, QString *error)
{
    QStringList lines;
    QDirIterator it(root, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QByteArray native = QFile::encodeName(path);
        struct stat st;
        if (::lstat(native.constData(), &st) != 0) {
            *error = u"lstat %1 failed"_s.arg(path);
            return {};
        }
        QString line = path.mid(root.size() + 1) + u' ';
        const QString common = u" mode=%1 owner=%2:%3"_s.arg(uint(st.st_mode & 07777), 4, 8, QChar(u'0')).arg(st.st_uid).arg(st.st_gid);
        const QString mtime = u" mtime=%1"_s.arg(qint64(st.st_mtim.tv_sec));
        switch (st.st_mode & S_IFMT) {
        case S_IFDIR:
            line += u"dir"_s + common;
            break;
        case S_IFREG: {
            QFile f(path);
            if (!f.open(QIODevice::ReadOnly)) {
                *error = u"cannot read %1"_s.arg(path);
                return {};
            }
            line += u"file size=%1 nlink=%2 %3"_s.arg(qint64(st.st_size)).arg(qulonglong(st.st_nlink)).arg(sha256OfBytes(f.readAll())) + common + mtime;
            break;
        }
        case S_IFLNK: {
            char buf[4096];
            const ssize_t n = ::readlink(native.constData(), buf, sizeof buf);
            line += u"symlink -> "_s + QString::fromUtf8(buf, n < 0 ? 0 : n) + common + mtime;
            break;
        }
        case S_IFCHR:
        case S_IFBLK:
            line += u"%1 %2,%3"_s.arg(S_ISCHR(st.st_mode) ? u"chardev"_s : u"blockdev"_s).arg(major(st.st_rdev)).arg(minor(st.st_rdev)) + common;
            break;
        case S_IFIFO:
            line += u"fifo"_s + common;
            break;
        default:
            line += u"other"_s + common;
        }
        lines.append(line);
    }
    lines.sort();
    return lines;
}

QString listingDiff(const QStringList &a, const QString &aName, const QStringList &b, const QString &bName)
{
    const QSet<QString> sa(a.cbegin(), a.cend()), sb(b.cbegin(), b.cend());
    QStringList out;
    for (const QString &l : a)
        if (!sb.contains(l))
            out.append(u"only in %1: %2"_s.arg(aName, l));
    for (const QString &l : b)
        if (!sa.contains(l))
            out.append(u"only in %1: %2"_s.arg(bName, l));
    if (out.size() > 60)
        out = out.mid(0, 60) << u"... (%1 more)"_s.arg(out.size() - 60);
    return out.join(u'\n');
}

} // namespace

class TestInterop : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void strataLoadsDockerSave_data();
    void strataLoadsDockerSave();
    void dockerLoadsStrataSave_data();
    void dockerLoadsStrataSave();
    void podmanLoadsStrataSave_data();
    void podmanLoadsStrataSave();
    void skopeoReadsStore_data();
    void skopeoReadsStore();
    void umociUnpacksStrataOci_data();
    void umociUnpacksStrataOci();
    void diffMatchesDocker_data();
    void diffMatchesDocker();
    void storesStayConsistent();

private:
    QString path(const QString &rel) const { return m_tmp.filePath(rel); }
    RunResult docker(const QStringList &args, int timeoutMs = 120000) const;
    RunResult podman(const QStringList &args, int timeoutMs = 120000) const { return m_podman->podman(args, timeoutMs); }
    void startDockerd();
    void buildDockerFixtures();
    void setUpPodman();
    void stopDockerd();
    QString ensureImage(const QString &root, bool vfs, const ImageSpec &spec) const;
    QJsonObject strataInspect(const QString &root, const QString &ref, QString *error) const;
    void imageRows(bool dockerBuiltOnly);
    ImageSpec specFor(const QString &key) const;

    QTemporaryDir m_tmp;
    QString m_store, m_vfsStore, m_rootfs;

    // docker
    QString m_dockerSkip; // why docker checks are skipped; empty when dockerd runs
    QString m_fixtureError; // why docker-built images are missing although dockerd runs
    std::unique_ptr<strata::test::DockerDaemon> m_dockerd;
    struct DockerFacts {
        QString tar, id;
        QStringList layers;
        qint64 size = -1; // docker inspect Size: the sum of its layers' sizes
        QList<HistoryRow> history;
    };
    QMap<QString, DockerFacts> m_docker; // by spec key

    // podman, skopeo, umoci
    QString m_podmanSkip, m_skopeoSkip, m_umociSkip;
    std::unique_ptr<strata::test::PodmanSandbox> m_podman;
};

#define REQUIRE(reason)                                                                                                \
    do {                                                                                                               \
        if (!(reason).isEmpty())                                                                                       \
            QSKIP(qPrintable(reason));                                                                                 \
    } while (false)

// ---------------------------------------------------------------------------------------------
// Peers

RunResult TestInterop::docker(const QStringList &args, int timeoutMs) const
{
    return m_dockerd->docker(args, timeoutMs);
}

void TestInterop::initTestCase()
{
    QVERIFY2(m_tmp.isValid(), qPrintable(m_tmp.errorString()));
    QVERIFY2(QFileInfo(QStringLiteral(STRATACTL_PATH)).isExecutable(), STRATACTL_PATH " is not built");
    m_store = path(u"store-overlay2"_s);
    m_vfsStore = path(u"store-vfs"_s);

    // The base root filesystem: static busybox and its applets; `stratactl import` uses it as a
    // directory, docker as a tar.
    m_rootfs = path(u"rootfs"_s);
    const bool haveBusybox = QFileInfo(u"/bin/busybox"_s).isExecutable();
    if (haveBusybox) {
        for (const QString &d : { u"bin"_s, u"tmp"_s, u"etc"_s, u"proc"_s, u"sys"_s, u"dev"_s })
            QVERIFY(QDir().mkpath(m_rootfs + u'/' + d));
        QVERIFY(QFile::copy(u"/bin/busybox"_s, m_rootfs + u"/bin/busybox"_s));
        for (const QString &a : busyboxApplets)
            QVERIFY(QFile::link(u"busybox"_s, m_rootfs + u"/bin/"_s + a));
        QCOMPARE(::chmod(QFile::encodeName(m_rootfs + u"/tmp"_s).constData(), 01777), 0);
    }

    const bool root = geteuid() == 0;
    const bool haveUnshare = !QStandardPaths::findExecutable(u"unshare"_s).isEmpty();
    if (!haveBusybox)
        m_dockerSkip = u"/bin/busybox (busybox-static) is missing: no base image can be made without a registry"_s;
    else if (!root)
        m_dockerSkip = u"dockerd needs root and the test runs as uid %1"_s.arg(geteuid());
    else
        m_dockerSkip = strata::test::DockerDaemon::unavailableReason();
    if (m_dockerSkip.isEmpty())
        startDockerd();
    if (m_dockerSkip.isEmpty())
        buildDockerFixtures();

    if (!haveBusybox)
        m_podmanSkip = u"/bin/busybox is missing: no image to run"_s;
    else if (QStandardPaths::findExecutable(u"podman"_s).isEmpty())
        m_podmanSkip = u"podman is not installed"_s;
    else if (!root)
        m_podmanSkip = u"podman is run as root with a private --root here, and the test runs as uid %1"_s.arg(geteuid());
    else if (!haveUnshare)
        m_podmanSkip = u"unshare (util-linux) is missing; podman would write /var/lib/containers/cache on the host"_s;
    if (m_podmanSkip.isEmpty())
        setUpPodman();

    if (QStandardPaths::findExecutable(u"skopeo"_s).isEmpty())
        m_skopeoSkip = u"skopeo is not installed"_s;
    else if (const RunResult r = strata::test::run(u"skopeo"_s, { u"--version"_s }); r.exitCode != 0)
        m_skopeoSkip = describe(u"skopeo --version fails"_s, r);
    else
        qInfo("peer: %s", r.out.trimmed().constData());

    if (QStandardPaths::findExecutable(u"umoci"_s).isEmpty())
        m_umociSkip = u"umoci is not installed"_s;
    else if (const RunResult r = strata::test::run(u"umoci"_s, { u"--version"_s }); r.exitCode != 0)
        m_umociSkip = describe(u"umoci --version fails"_s, r);
    else
        qInfo("peer: %s", r.out.trimmed().constData());

    for (const QString &skip : { m_dockerSkip, m_podmanSkip, m_skopeoSkip, m_umociSkip })
        if (!skip.isEmpty())
            qWarning("peer unavailable: %s", qPrintable(skip));
}

void TestInterop::startDockerd()
{
    m_dockerd = std::make_unique<strata::test::DockerDaemon>(path(u"dockerd"_s));
    QElapsedTimer timer;
    timer.start();
    m_dockerSkip = m_dockerd->start();
    if (m_dockerSkip.isEmpty())
        qInfo("peer: dockerd %s up after %lld ms", qPrintable(m_dockerd->version()), timer.elapsed());
}

void TestInterop::buildDockerFixtures()
{
    const auto fail = [this](const QString &what, const RunResult &r) { m_fixtureError = describe(what, r); };
    const QString baseTar = path(u"base-rootfs.tar"_s);
    RunResult r = strata::test::run(u"tar"_s, { u"-C"_s, m_rootfs, u"-cf"_s, baseTar, u"."_s });
    if (r.exitCode != 0)
        return fail(u"tar of the busybox rootfs"_s, r);
    r = docker({ u"import"_s, baseTar, u"strata-base:latest"_s });
    if (r.exitCode != 0)
        return fail(u"docker import "_s + baseTar, r);

    for (const ImageSpec &spec : imageSpecs()) {
        if (spec.dockerfile.isEmpty())
            continue;
        const QString ctx = path(u"ctx/"_s + spec.key);
        strata::test::writeFile(ctx + u"/Dockerfile"_s, spec.dockerfile.toUtf8());
        r = docker({ u"build"_s, u"-q"_s, u"-t"_s, spec.ref, ctx }, 180000);
        if (r.exitCode != 0)
            return fail(u"DOCKER_BUILDKIT=0 docker build -t %1"_s.arg(spec.ref), r);
        DockerFacts facts;
        facts.tar = path(u"docker-save-"_s + spec.key + u".tar"_s);
        r = docker({ u"save"_s, u"-o"_s, facts.tar, spec.ref });
        if (r.exitCode != 0)
            return fail(u"docker save "_s + spec.ref, r);
        r = docker({ u"inspect"_s, spec.ref });
        if (r.exitCode != 0)
            return fail(u"docker inspect "_s + spec.ref, r);
        const QJsonObject o = QJsonDocument::fromJson(r.out).array().first().toObject();
        facts.id = o.value(u"Id"_s).toString();
        facts.layers = toStrings(o.value(u"RootFS"_s).toObject().value(u"Layers"_s));
        facts.size = o.value(u"Size"_s).toInteger(-1);
        r = docker({ u"history"_s, u"--no-trunc"_s, u"--format"_s, u"{{json .}}"_s, spec.ref });
        if (r.exitCode != 0)
            return fail(u"docker history "_s + spec.ref, r);
        QString err;
        facts.history = parseDockerHistory(r.out, &err);
        if (!err.isEmpty()) {
            m_fixtureError = err;
            return;
        }
        m_docker.insert(spec.key, facts);
    }

    // Empty docker's store again, so that loading Strata's archives really unpacks every layer.
    // Removing the tags removes the untagged build parents with them.
    QStringList refs { u"strata-base:latest"_s };
    for (const ImageSpec &spec : imageSpecs())
        if (!spec.dockerfile.isEmpty())
            refs.append(spec.ref);
    r = docker(QStringList { u"rmi"_s, u"-f"_s } + refs);
    if (r.exitCode != 0)
        return fail(u"docker rmi -f (emptying the fixture daemon)"_s, r);
    r = docker({ u"images"_s, u"-aq"_s });
    if (r.exitCode != 0 || !r.out.trimmed().isEmpty())
        return fail(u"docker images -aq (should list nothing after removing the fixtures)"_s, r);
}

void TestInterop::setUpPodman()
{
    m_podman = std::make_unique<strata::test::PodmanSandbox>(path(u"podman"_s));
    m_podmanSkip = m_podman->start();
    if (m_podmanSkip.isEmpty())
        qInfo("peer: podman %s", qPrintable(m_podman->version()));
}

void TestInterop::stopDockerd()
{
    if (!m_dockerd)
        return;
    m_dockerd->stop();
    m_dockerd.reset();
    // Mounts left under the test dir (there should be none outside the private namespaces).
    const QList<QByteArray> mounts = strata::test::readFile(u"/proc/self/mounts"_s).split('\n');
    QStringList targets;
    for (const QByteArray &m : mounts) {
        const QList<QByteArray> f = m.split(' ');
        if (f.size() > 1 && QString::fromUtf8(f[1]).startsWith(m_tmp.path()))
            targets.append(QString::fromUtf8(f[1]));
    }
    std::sort(targets.begin(), targets.end(), std::greater<>());
    for (const QString &t : std::as_const(targets))
        strata::test::run(u"umount"_s, { u"-l"_s, t });
}

void TestInterop::cleanupTestCase()
{
    stopDockerd();
    m_podman.reset(); // removes the mount points it created on the host
}

// ---------------------------------------------------------------------------------------------
// Helpers over the stores

ImageSpec TestInterop::specFor(const QString &key) const
{
    for (const ImageSpec &s : imageSpecs())
        if (s.key == key)
            return s;
    return {};
}

QJsonObject TestInterop::strataInspect(const QString &root, const QString &ref, QString *error) const
{
    const RunResult r = strata::test::stratactl(root, { u"inspect"_s, ref });
    if (r.exitCode != 0) {
        *error = describe(u"stratactl --root %1 inspect %2"_s.arg(root, ref), r);
        return {};
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(r.out, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isArray() || doc.array().size() != 1) {
        *error = u"stratactl inspect %1 printed no one-element JSON array (%2):\n%3"_s.arg(ref, pe.errorString(), text(r.out));
        return {};
    }
    return doc.array().first().toObject();
}

// Puts the image of `spec` into the store when it is not there yet: `stratactl load` of docker's
// save, or `stratactl import` of the rootfs directory. Returns an error text, empty on success.
QString TestInterop::ensureImage(const QString &root, bool vfs, const ImageSpec &spec) const
{
    const QStringList driver = vfs ? QStringList { u"--driver"_s, u"vfs"_s } : QStringList();
    if (strata::test::stratactl(root, driver + QStringList { u"inspect"_s, spec.ref }).exitCode == 0)
        return {};
    RunResult r;
    if (spec.dockerfile.isEmpty())
        r = strata::test::stratactl(root, driver + QStringList { u"import"_s, u"-c"_s, u"CMD [\"sh\"]"_s, m_rootfs, spec.ref });
    else
        r = strata::test::stratactl(root, driver + QStringList { u"load"_s, u"-i"_s, m_docker.value(spec.key).tar });
    return r.exitCode == 0 ? QString() : describe(u"putting %1 into the store %2"_s.arg(spec.ref, root), r);
}

void TestInterop::imageRows(bool dockerBuiltOnly)
{
    QTest::addColumn<QString>("key");
    for (const ImageSpec &s : imageSpecs())
        if (!dockerBuiltOnly || !s.dockerfile.isEmpty())
            QTest::newRow(qPrintable(s.key)) << s.key;
}

// Rows that need docker-built images skip when there is no dockerd and fail when it runs but
// the fixtures could not be built.
#define REQUIRE_SPEC_IMAGE(spec)                                                                                       \
    do {                                                                                                               \
        if (!(spec).dockerfile.isEmpty()) {                                                                            \
            if (!m_dockerSkip.isEmpty())                                                                               \
                QSKIP(qPrintable(u"%1 is made by docker build, and docker is unavailable: %2"_s.arg((spec).ref, m_dockerSkip))); \
            QVERIFY2(m_fixtureError.isEmpty(), qPrintable(m_fixtureError));                                            \
        }                                                                                                              \
    } while (false)

// ---------------------------------------------------------------------------------------------
// b) docker save -> stratactl load

void TestInterop::strataLoadsDockerSave_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("driver");
    for (const ImageSpec &s : imageSpecs()) {
        if (s.dockerfile.isEmpty())
            continue;
        for (const QString &driver : { u"overlay2"_s, u"vfs"_s })
            QTest::addRow("%s/%s", qPrintable(s.key), qPrintable(driver)) << s.key << driver;
    }
}

void TestInterop::strataLoadsDockerSave()
{
    QFETCH(QString, key);
    QFETCH(QString, driver);
    REQUIRE(m_dockerSkip);
    QVERIFY2(m_fixtureError.isEmpty(), qPrintable(m_fixtureError));
    const ImageSpec spec = specFor(key);
    const DockerFacts facts = m_docker.value(key);

    const QString root = path(u"fresh-"_s + key + u'-' + driver);
    RunResult r = strata::test::stratactl(root, { u"--driver"_s, driver, u"load"_s, u"-i"_s, facts.tar });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl load -i "_s + facts.tar, r)));
    QVERIFY2(text(r.out).contains(u"Loaded image: "_s + spec.ref), qPrintable(describe(u"stratactl load output"_s, r)));

    QString err;
    const QJsonObject img = strataInspect(root, spec.ref, &err);
    QVERIFY2(err.isEmpty(), qPrintable(err));
    QCOMPARE(img.value(u"Id"_s).toString(), facts.id);
    QCOMPARE(toStrings(img.value(u"RootFS"_s).toObject().value(u"Layers"_s)), facts.layers);
    QCOMPARE(img.value(u"Size"_s).toInteger(), facts.size); // disk accounting as Docker counts it
    QCOMPARE(toStrings(img.value(u"RepoTags"_s)), QStringList { spec.ref });

    // One snapshot per layer, named by chain ID (DESIGN §3).
    for (const QString &chain : chainIds(facts.layers)) {
        const QString dir = root + u"/layers/"_s + driver + u'/' + hexOf(chain) + u"/diff"_s;
        QVERIFY2(QFileInfo(dir).isDir(), qPrintable(u"no snapshot directory "_s + dir));
    }

    // History: same rows, instructions, comments and empty-layer pattern as `docker history`.
    r = strata::test::stratactl(root, { u"history"_s, u"--no-trunc"_s, spec.ref });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl history --no-trunc"_s, r)));
    const QList<HistoryRow> mine = parseStrataHistory(text(r.out), &err);
    QVERIFY2(err.isEmpty(), qPrintable(err + u'\n' + text(r.out)));
    const QString both = u"\nstratactl history:\n%1\ndocker history (fixture build):\n%2"_s.arg(
        text(r.out), [&] {
            QStringList l;
            for (const HistoryRow &h : facts.history)
                l << u"%1 | %2 | %3"_s.arg(h.createdBy, h.size, h.comment);
            return l.join(u'\n');
        }());
    QVERIFY2(!mine.isEmpty() && mine.size() == facts.history.size(), qPrintable(u"row count differs"_s + both));
    for (qsizetype i = 0; i < mine.size(); ++i) {
        const HistoryRow &a = mine[i], &b = facts.history[i];
        QVERIFY2(a.createdBy == b.createdBy, qPrintable(u"row %1 CREATED BY differs"_s.arg(i) + both));
        QVERIFY2(a.comment == b.comment, qPrintable(u"row %1 COMMENT differs"_s.arg(i) + both));
        QVERIFY2((a.size == u"0B"_s) == (b.size == u"0B"_s), qPrintable(u"row %1 empty-layer pattern differs"_s.arg(i) + both));
    }
    QCOMPARE(mine.first().image, facts.id);

    r = strata::test::stratactl(root, { u"check"_s });
    QVERIFY2(r.exitCode == 0 && text(r.out).contains(u"no problems found"_s), qPrintable(describe(u"stratactl check"_s, r)));
}

// ---------------------------------------------------------------------------------------------
// c) stratactl save -> docker load / inspect / run

void TestInterop::dockerLoadsStrataSave_data() { imageRows(false); }

void TestInterop::dockerLoadsStrataSave()
{
    QFETCH(QString, key);
    REQUIRE(m_dockerSkip);
    const ImageSpec spec = specFor(key);
    REQUIRE_SPEC_IMAGE(spec);
    QString err = ensureImage(m_store, false, spec);
    QVERIFY2(err.isEmpty(), qPrintable(err));
    const QJsonObject img = strataInspect(m_store, spec.ref, &err);
    QVERIFY2(err.isEmpty(), qPrintable(err));

    const QString tar = path(u"strata-save-"_s + key + u".tar"_s);
    RunResult r = strata::test::stratactl(m_store, { u"save"_s, u"-o"_s, tar, spec.ref });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl save -o "_s + tar, r)));

    docker({ u"rmi"_s, u"-f"_s, spec.ref });
    r = docker({ u"load"_s, u"-i"_s, tar });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"docker load -i "_s + tar, r)));
    QVERIFY2(text(r.out).contains(u"Loaded image: "_s + spec.ref), qPrintable(describe(u"docker load output"_s, r)));

    r = docker({ u"inspect"_s, spec.ref });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"docker inspect"_s, r)));
    const QJsonObject theirs = QJsonDocument::fromJson(r.out).array().first().toObject();
    QCOMPARE(theirs.value(u"Id"_s).toString(), img.value(u"Id"_s).toString());
    QCOMPARE(toStrings(theirs.value(u"RootFS"_s).toObject().value(u"Layers"_s)), toStrings(img.value(u"RootFS"_s).toObject().value(u"Layers"_s)));
    QCOMPARE(toStrings(theirs.value(u"Config"_s).toObject().value(u"Cmd"_s)), toStrings(img.value(u"Config"_s).toObject().value(u"Cmd"_s)));
    QCOMPARE(toStrings(theirs.value(u"Config"_s).toObject().value(u"Env"_s)), toStrings(img.value(u"Config"_s).toObject().value(u"Env"_s)));

    // docker's history of the loaded image against Strata's (imported images included).
    r = docker({ u"history"_s, u"--no-trunc"_s, u"--format"_s, u"{{json .}}"_s, spec.ref });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"docker history"_s, r)));
    const QList<HistoryRow> theirHistory = parseDockerHistory(r.out, &err);
    QVERIFY2(err.isEmpty(), qPrintable(err));
    r = strata::test::stratactl(m_store, { u"history"_s, u"--no-trunc"_s, spec.ref });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl history"_s, r)));
    const QList<HistoryRow> mine = parseStrataHistory(text(r.out), &err);
    QVERIFY2(err.isEmpty(), qPrintable(err));
    QCOMPARE(mine.size(), theirHistory.size());
    for (qsizetype i = 0; i < mine.size(); ++i) {
        QCOMPARE(mine[i].createdBy, theirHistory[i].createdBy);
        QCOMPARE(mine[i].comment, theirHistory[i].comment);
    }

    // The filesystem docker assembles: whiteouts and opaque directories honoured.
    r = docker({ u"run"_s, u"--rm"_s, u"--network"_s, u"none"_s, spec.ref, u"sh"_s, u"-c"_s, spec.probe });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"docker run --rm --network none %1 sh -c '%2'"_s.arg(spec.ref, spec.probe), r)));
    QCOMPARE(text(r.out), spec.expected);
}

// ---------------------------------------------------------------------------------------------
// d) stratactl save (docker-archive and OCI) -> podman load / inspect / run

void TestInterop::podmanLoadsStrataSave_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("format");
    for (const ImageSpec &s : imageSpecs())
        for (const QString &format : { u"docker-archive"_s, u"oci"_s })
            QTest::addRow("%s/%s", qPrintable(s.key), qPrintable(format)) << s.key << format;
}

void TestInterop::podmanLoadsStrataSave()
{
    QFETCH(QString, key);
    QFETCH(QString, format);
    REQUIRE(m_podmanSkip);
    const ImageSpec spec = specFor(key);
    REQUIRE_SPEC_IMAGE(spec);
    QString err = ensureImage(m_store, false, spec);
    QVERIFY2(err.isEmpty(), qPrintable(err));
    const QJsonObject img = strataInspect(m_store, spec.ref, &err);
    QVERIFY2(err.isEmpty(), qPrintable(err));

    const QString tar = path(u"strata-save-%1-%2.tar"_s.arg(key, format));
    RunResult r = strata::test::stratactl(m_store, { u"save"_s, u"-o"_s, tar, u"--format"_s, format, spec.ref });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl save --format %1"_s.arg(format), r)));

    podman({ u"rmi"_s, u"-f"_s, spec.ref });
    r = podman({ u"load"_s, u"-i"_s, tar });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"podman load -i "_s + tar, r)));
    QVERIFY2(text(r.out).contains(u"localhost/"_s + spec.ref), qPrintable(describe(u"podman load output"_s, r)));

    r = podman({ u"image"_s, u"inspect"_s, spec.ref });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"podman image inspect"_s, r)));
    const QJsonObject theirs = QJsonDocument::fromJson(r.out).array().first().toObject();
    QCOMPARE(theirs.value(u"Id"_s).toString(), hexOf(img.value(u"Id"_s).toString()));
    QCOMPARE(toStrings(theirs.value(u"RootFS"_s).toObject().value(u"Layers"_s)), toStrings(img.value(u"RootFS"_s).toObject().value(u"Layers"_s)));

    r = podman({ u"run"_s, u"--rm"_s, spec.ref, u"sh"_s, u"-c"_s, spec.probe });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"podman run --rm %1 sh -c '%2'"_s.arg(spec.ref, spec.probe), r)));
    QCOMPARE(text(r.out), spec.expected);
    podman({ u"rmi"_s, u"-f"_s, spec.ref });
}

// ---------------------------------------------------------------------------------------------
// e) skopeo reads the store's OCI layout directly

void TestInterop::skopeoReadsStore_data() { imageRows(false); }

void TestInterop::skopeoReadsStore()
{
    QFETCH(QString, key);
    REQUIRE(m_skopeoSkip);
    const ImageSpec spec = specFor(key);
    REQUIRE_SPEC_IMAGE(spec);
    QString err = ensureImage(m_store, false, spec);
    QVERIFY2(err.isEmpty(), qPrintable(err));
    const QJsonObject img = strataInspect(m_store, spec.ref, &err);
    QVERIFY2(err.isEmpty(), qPrintable(err));
    const QString manifestDigest = img.value(u"Manifest"_s).toObject().value(u"Digest"_s).toString();
    QVERIFY2(manifestDigest.startsWith(u"sha256:"_s), qPrintable(u"stratactl inspect has no Manifest.Digest"_s));

    // skopeo matches the reference against org.opencontainers.image.ref.name exactly.
    const QString ref = u"oci:"_s + m_store + u"/images:"_s + spec.ref;
    RunResult r = strata::test::run(u"skopeo"_s, { u"inspect"_s, u"--raw"_s, ref });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"skopeo inspect --raw "_s + ref, r)));
    QCOMPARE(sha256OfBytes(r.out), manifestDigest);
    const QJsonObject manifest = QJsonDocument::fromJson(r.out).object();
    QStringList manifestLayers;
    for (const QJsonValue &l : manifest.value(u"layers"_s).toArray())
        manifestLayers.append(l.toObject().value(u"digest"_s).toString());
    QCOMPARE(manifest.value(u"config"_s).toObject().value(u"digest"_s).toString(), img.value(u"Id"_s).toString());

    r = strata::test::run(u"skopeo"_s, { u"inspect"_s, ref });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"skopeo inspect "_s + ref, r)));
    const QJsonObject summary = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(summary.value(u"Digest"_s).toString(), manifestDigest);
    QCOMPARE(toStrings(summary.value(u"Layers"_s)), manifestLayers);
    QCOMPARE(toStrings(summary.value(u"Env"_s)), toStrings(img.value(u"Config"_s).toObject().value(u"Env"_s)));

    r = strata::test::run(u"skopeo"_s, { u"inspect"_s, u"--config"_s, u"--raw"_s, ref });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"skopeo inspect --config --raw "_s + ref, r)));
    QCOMPARE(sha256OfBytes(r.out), img.value(u"Id"_s).toString());
    const QJsonObject config = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(toStrings(config.value(u"rootfs"_s).toObject().value(u"diff_ids"_s)), toStrings(img.value(u"RootFS"_s).toObject().value(u"Layers"_s)));
}

// ---------------------------------------------------------------------------------------------
// f) stratactl save --format oci -> umoci unpack, against the vfs snapshot (a full tree)

void TestInterop::umociUnpacksStrataOci_data() { imageRows(false); }

void TestInterop::umociUnpacksStrataOci()
{
    QFETCH(QString, key);
    REQUIRE(m_umociSkip);
    const ImageSpec spec = specFor(key);
    REQUIRE_SPEC_IMAGE(spec);
    QString err = ensureImage(m_store, false, spec);
    QVERIFY2(err.isEmpty(), qPrintable(err));
    err = ensureImage(m_vfsStore, true, spec);
    QVERIFY2(err.isEmpty(), qPrintable(err));
    const QJsonObject img = strataInspect(m_store, spec.ref, &err);
    QVERIFY2(err.isEmpty(), qPrintable(err));

    const QString tar = path(u"strata-save-%1-oci.tar"_s.arg(key));
    RunResult r = strata::test::stratactl(m_store, { u"save"_s, u"-o"_s, tar, u"--format"_s, u"oci"_s, spec.ref });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl save --format oci"_s, r)));
    const QString layout = path(u"oci-"_s + key);
    QVERIFY(QDir().mkpath(layout));
    r = strata::test::run(u"tar"_s, { u"-C"_s, layout, u"-xf"_s, tar });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"tar -xf "_s + tar, r)));

    const QString bundle = path(u"bundle-"_s + key);
    QStringList args { u"unpack"_s };
    if (geteuid() != 0)
        args << u"--rootless"_s; // owners cannot be applied; compare what remains
    args << u"--image"_s << layout + u':' + spec.ref << bundle;
    r = strata::test::run(u"umoci"_s, args);
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"umoci "_s + args.join(u' '), r)));

    // The vfs store's top snapshot is the whole root filesystem of the image.
    const QStringList layers = toStrings(img.value(u"RootFS"_s).toObject().value(u"Layers"_s));
    const QString snapshot = m_vfsStore + u"/layers/vfs/"_s + hexOf(chainIds(layers).last()) + u"/diff"_s;
    QVERIFY2(QFileInfo(snapshot).isDir(), qPrintable(u"no vfs snapshot "_s + snapshot));
    const QStringList theirs = treeListing(bundle + u"/rootfs"_s, &err);
    QVERIFY2(err.isEmpty(), qPrintable(err));
    const QStringList mine = treeListing(snapshot, &err);
    QVERIFY2(err.isEmpty(), qPrintable(err));
    QVERIFY2(!mine.isEmpty(), qPrintable(u"empty vfs snapshot "_s + snapshot));
    QVERIFY2(mine == theirs, qPrintable(u"vfs snapshot and umoci rootfs differ:\n"_s + listingDiff(mine, u"strata"_s, theirs, u"umoci"_s)));
}

// ---------------------------------------------------------------------------------------------
// f) the same operations in a container of the same image: stratactl diff = docker diff

void TestInterop::diffMatchesDocker_data()
{
    QTest::addColumn<QString>("driver");
    QTest::addColumn<QString>("script");
    const QList<QPair<const char *, QString>> scripts {
        { "add-change-delete", u"echo new > /added; echo more >> /o; rm /e/keep2; mkdir -p /n/deep && touch /n/deep/f; rm /bin/true"_s },
        { "metadata-and-moves", u"chmod 600 /d/g; mv /o /moved; ln -s /x /newlink; chown 7:7 /e"_s },
        { "replace-directories", u"rm -rf /d && mkdir /d && echo z > /d/z; rm -rf /e"_s },
        { "undone-changes", u"echo x > /d/tmp && rm /d/tmp; mkdir /gone && rm -r /gone; touch /bin/new && rm /bin/new; echo k > /kept"_s },
        { "deep-new-file-in-lower-dir", u"echo deep > /e/deep.txt; cp /o /bin/o-copy"_s },
    };
    for (const auto &[name, script] : scripts)
        for (const QString &driver : { u"overlay2"_s, u"vfs"_s })
            QTest::addRow("%s/%s", name, qPrintable(driver)) << driver << script;
    // Changing one name of a hard link: overlay copies up that name alone (the link breaks),
    // as in docker's overlay2; a vfs copy keeps the link, so both names change there (as in
    // docker's vfs, which this daemon does not run).
    QTest::addRow("hardlink-copy-up/overlay2") << u"overlay2"_s << u"chown 7:7 /e/hard"_s;
}

void TestInterop::diffMatchesDocker()
{
    QFETCH(QString, driver);
    QFETCH(QString, script);
    REQUIRE(m_dockerSkip);
    QVERIFY2(m_fixtureError.isEmpty(), qPrintable(m_fixtureError));
    const ImageSpec spec = specFor(u"built"_s);
    const DockerFacts facts = m_docker.value(spec.key);
    const auto setOf = [](const QByteArray &out) {
        QStringList l = text(out).split(u'\n', Qt::SkipEmptyParts);
        l.sort();
        return l;
    };

    RunResult r = docker({ u"load"_s, u"-i"_s, facts.tar });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"docker load -i "_s + facts.tar, r)));
    const QString name = u"strata-diff-%1"_s.arg(QString::fromLatin1(QTest::currentDataTag()).replace(u'/', u'-'));
    docker({ u"rm"_s, u"-f"_s, name });
    r = docker({ u"run"_s, u"--name"_s, name, u"--network"_s, u"none"_s, spec.ref, u"sh"_s, u"-c"_s, script });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"docker run sh -c '%1'"_s.arg(script), r)));
    r = docker({ u"diff"_s, name });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"docker diff"_s, r)));
    const QStringList theirs = setOf(r.out);
    docker({ u"rm"_s, u"-f"_s, name });

    const QString root = path(u"diff-"_s + driver);
    r = strata::test::stratactl(root, { u"--driver"_s, driver, u"load"_s, u"-i"_s, facts.tar });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl load"_s, r)));
    strata::test::stratactl(root, { u"rm"_s, u"-f"_s, name });
    r = strata::test::stratactl(root, { u"run"_s, u"--name"_s, name, spec.ref, u"sh"_s, u"-c"_s, script });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl run sh -c '%1'"_s.arg(script), r)));
    r = strata::test::stratactl(root, { u"diff"_s, name });
    QVERIFY2(r.exitCode == 0, qPrintable(describe(u"stratactl diff"_s, r)));
    const QStringList mine = setOf(r.out);
    QVERIFY2(!theirs.isEmpty(), "docker diff printed nothing: the scenario changes nothing docker sees");
    QVERIFY2(mine == theirs, qPrintable(u"docker diff:\n%1\nstratactl diff:\n%2"_s.arg(theirs.join(u'\n'), mine.join(u'\n'))));
    QCOMPARE(strata::test::stratactl(root, { u"rm"_s, name }).exitCode, 0);
}

void TestInterop::storesStayConsistent()
{
    int checked = 0;
    for (const QString &root : { m_store, m_vfsStore }) {
        if (!QFileInfo::exists(root + u"/store.json"_s))
            continue;
        const RunResult r = strata::test::stratactl(root, { u"check"_s });
        QVERIFY2(r.exitCode == 0 && text(r.out).contains(u"no problems found"_s), qPrintable(describe(u"stratactl check of "_s + root, r)));
        ++checked;
    }
    if (checked == 0)
        QSKIP("no store was created: every peer check was skipped");
}

QTEST_GUILESS_MAIN(TestInterop)
#include "tst_interop.moc"
