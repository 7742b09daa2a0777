// Strata's builder against Docker's classic builder: the same Dockerfiles and contexts built by a
// private dockerd 20.10 (`DOCKER_BUILDKIT=0 docker build`) and by `stratactl build`, from the
// same busybox base image loaded into both, must give the same run config, the same history
// (created_by and empty_layer of every entry, in order) and, layer by layer, the same set of
// tar entries (path, type, mode, owner, size, link target; not times). Together the rows use
// every Dockerfile instruction. Without a dockerd the suite skips with the reason.

#include "dockerdaemon.h"
#include "tarbuilder.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

#include <sys/stat.h>
#include <unistd.h>

using namespace strata::test;

namespace {

// One file, directory or symbolic link of a build context, with its mode set explicitly:
// Docker's source hashes depend on modes, so nothing may come from the umask.
struct ContextFile {
    QString path;
    QByteArray content; // a file's content, a link's target
    int mode = 0644;
    char type = 'f'; // f, d, l
};

struct Fixture {
    // Built in order as compat-<row>:<n>; a later one may build FROM an earlier one.
    QList<QByteArray> dockerfiles;
    QList<ContextFile> files;
    QStringList buildArgs;
};

} // namespace

Q_DECLARE_METATYPE(Fixture)

namespace {

QByteArray gzipped(const QByteArray &data)
{
    // gzip(1), not libarchive's writer: that pads the stream to whole blocks, which Go's gzip
    // reader (and so Docker's ADD) refuses as a second, invalid member.
    QProcess gzip;
    gzip.start(QStringLiteral("gzip"), { QStringLiteral("-n"), QStringLiteral("-c") });
    gzip.waitForStarted();
    gzip.write(data);
    gzip.closeWriteChannel();
    gzip.waitForFinished();
    return gzip.readAllStandardOutput();
}

const QList<QByteArray> applets { "sh", "echo", "cat", "ls", "sleep", "test", "mkdir", "rm", "touch", "true", "false", "seq", "head", "dd",
    "chmod", "chown", "ln", "id", "stat", "wc", "printf", "env", "pwd" };

// The base: static busybox with its applets, a root and a uid 1000 user, their groups (and a
// group named like the user, so that `--chown=app` shows which group Docker takes), /tmp, and
// /lib -> usr/lib.
QByteArray baseLayer()
{
    TarBuilder base = TarBuilder::busybox(applets);
    base.dir("etc")
        .file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001:app:/home/app:/bin/sh\n")
        .file("etc/group", "root:x:0:\napps:x:1001:\napp:x:1002:\n");
    base.dir("root", 0700).dir("tmp", 01777).dir("usr").dir("usr/lib").symlink("lib", "usr/lib");
    return base.build();
}

// The fields of the run config compared, and whether Docker's container.Config marks them
// omitempty (then a missing field, null and an empty value are the same; otherwise Docker
// always writes the field, and what it writes is compared as it is).
const QList<QPair<QString, bool>> configFields {
    { QStringLiteral("Env"), false },
    { QStringLiteral("Entrypoint"), false },
    { QStringLiteral("Cmd"), false },
    { QStringLiteral("WorkingDir"), false },
    { QStringLiteral("User"), false },
    { QStringLiteral("ExposedPorts"), true },
    { QStringLiteral("Volumes"), false },
    { QStringLiteral("Labels"), false },
    { QStringLiteral("StopSignal"), true },
    { QStringLiteral("Shell"), true },
    { QStringLiteral("Healthcheck"), true },
    { QStringLiteral("OnBuild"), false },
};

QString show(const QJsonObject &o, const QString &key)
{
    if (!o.contains(key))
        return QStringLiteral("(missing)");
    const QJsonValue v = o.value(key);
    if (v.isArray())
        return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
    if (v.isObject())
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    if (v.isNull())
        return QStringLiteral("null");
    if (v.isString())
        return u'"' + v.toString() + u'"';
    return QString::fromUtf8(QJsonDocument(QJsonArray { v }).toJson(QJsonDocument::Compact));
}

bool emptyValue(const QJsonValue &v)
{
    return v.isUndefined() || v.isNull() || (v.isString() && v.toString().isEmpty()) || (v.isArray() && v.toArray().isEmpty())
        || (v.isObject() && v.toObject().isEmpty());
}

// What an image archive (docker save, stratactl save) holds: its config and its layers' entries.
struct Saved {
    QJsonObject config;
    QList<QStringList> layers; // base first
    QString error;
};

Saved readSaved(const QString &tar, const QString &dir)
{
    Saved s;
    QDir(dir).removeRecursively();
    QDir().mkpath(dir);
    const RunResult x = run(QStringLiteral("tar"), { QStringLiteral("-C"), dir, QStringLiteral("-xf"), tar });
    if (x.exitCode != 0) {
        s.error = QStringLiteral("tar -xf %1: %2").arg(tar, QString::fromUtf8(x.err));
        return s;
    }
    const QJsonObject manifest = QJsonDocument::fromJson(readFile(dir + QStringLiteral("/manifest.json"))).array().first().toObject();
    s.config = QJsonDocument::fromJson(readFile(dir + u'/' + manifest.value(QLatin1String("Config")).toString())).object();
    if (s.config.isEmpty()) {
        s.error = QStringLiteral("%1: no config in manifest.json").arg(tar);
        return s;
    }
    for (const QJsonValue &l : manifest.value(QLatin1String("Layers")).toArray()) {
        QString err;
        QStringList entries = tarListing(dir + u'/' + l.toString(), &err);
        if (!err.isEmpty()) {
            s.error = err;
            return s;
        }
        s.layers.append(entries);
    }
    return s;
}

QStringList historyLines(const QJsonObject &config)
{
    QStringList out;
    for (const QJsonValue &h : config.value(QLatin1String("history")).toArray()) {
        const QJsonObject e = h.toObject();
        out.append(e.value(QLatin1String("created_by")).toString() + (e.value(QLatin1String("empty_layer")).toBool() ? QStringLiteral("  [empty_layer]") : QString()));
    }
    return out;
}

} // namespace

class TestBuildCompat : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_root; // the Strata store
    QString m_skip; // why nothing can be compared; empty when dockerd runs
    std::unique_ptr<DockerDaemon> m_docker;

    RunResult ctl(const QStringList &args, int timeoutMs = 300000) { return stratactl(m_root, args, timeoutMs); }

    QString makeContext(const QString &name, const QList<ContextFile> &files, const QByteArray &dockerfile)
    {
        const QString dir = m_tmp.filePath(QStringLiteral("ctx/") + name);
        QDir(dir).removeRecursively();
        QDir().mkpath(dir);
        ::chmod(QFile::encodeName(dir).constData(), 0755);
        writeFile(dir + QStringLiteral("/Dockerfile"), dockerfile);
        ::chmod(QFile::encodeName(dir + QStringLiteral("/Dockerfile")).constData(), 0644);
        QList<QPair<QString, int>> dirModes;
        for (const ContextFile &f : files) {
            const QString path = dir + u'/' + f.path;
            if (f.type == 'd') {
                QDir().mkpath(path);
                dirModes.prepend({ path, f.mode });
            } else if (f.type == 'l') {
                QDir().mkpath(QFileInfo(path).path());
                if (::symlink(f.content.constData(), QFile::encodeName(path).constData()) != 0)
                    return {};
            } else {
                if (!writeFile(path, f.content) || ::chmod(QFile::encodeName(path).constData(), mode_t(f.mode)) != 0)
                    return {};
            }
        }
        for (const auto &d : std::as_const(dirModes)) // deepest last-listed first, so a 0500 parent does not block its children
            ::chmod(QFile::encodeName(d.first).constData(), mode_t(d.second));
        return dir;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        // To look at what was built after a failure: STRATA_KEEP_TMP=1 keeps the directory.
        if (qEnvironmentVariableIsSet("STRATA_KEEP_TMP")) {
            m_tmp.setAutoRemove(false);
            qInfo("keeping %s", qPrintable(m_tmp.path()));
        }
        QVERIFY2(QFileInfo(QStringLiteral(STRATACTL_PATH)).isExecutable(), STRATACTL_PATH " is not built");
        if (!QFileInfo(QStringLiteral("/bin/busybox")).isExecutable())
            m_skip = QStringLiteral("/bin/busybox (package busybox-static) is missing: there is no base image");
        else
            m_skip = DockerDaemon::unavailableReason();
        if (!m_skip.isEmpty()) {
            qWarning("docker unavailable: %s", qPrintable(m_skip));
            return;
        }
        m_docker = std::make_unique<DockerDaemon>(m_tmp.filePath(QStringLiteral("dockerd")));
        m_skip = m_docker->start();
        if (!m_skip.isEmpty()) {
            qWarning("docker unavailable: %s", qPrintable(m_skip));
            return;
        }
        qInfo("peer: dockerd %s", qPrintable(m_docker->version()));

        // The same base in both: one docker-archive, loaded by each.
        const QString archive = m_tmp.filePath(QStringLiteral("bb.tar"));
        QVERIFY(writeFile(archive, dockerArchive({ baseLayer() }, QStringLiteral("bb:latest"))));
        const RunResult loaded = m_docker->docker({ QStringLiteral("load"), QStringLiteral("-i"), archive });
        QVERIFY2(loaded.exitCode == 0, QByteArray(loaded.out + loaded.err).constData());
        m_root = m_tmp.filePath(QStringLiteral("store"));
        const RunResult r = ctl({ QStringLiteral("load"), QStringLiteral("-i"), archive });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString dockerId = QString::fromUtf8(m_docker->docker({ QStringLiteral("image"), QStringLiteral("inspect"), QStringLiteral("-f"), QStringLiteral("{{.Id}}"), QStringLiteral("bb") }).out.trimmed());
        const QString strataId = QJsonDocument::fromJson(ctl({ QStringLiteral("inspect"), QStringLiteral("bb") }).out).array().first().toObject().value(QLatin1String("Id")).toString();
        QCOMPARE(strataId, dockerId); // the same config bytes, so the same image ID
    }

    void cleanupTestCase()
    {
        if (m_docker)
            m_docker->stop();
        m_docker.reset();
    }

    void matchesDockersClassicBuilder_data()
    {
        QTest::addColumn<Fixture>("fixture");

        QTest::newRow("env-label-expose-user") << Fixture { { "FROM bb\n"
                                                              "MAINTAINER Strata Tests <tests@example.com>\n"
                                                              "ENV A=1 B=\"two words\" C=three\\ four\n"
                                                              "ENV LEGACY a value with  spaces\n"
                                                              "ENV D=${A}-$B E=$LEGACY\n"
                                                              "ENV A=overridden\n"
                                                              "LABEL org.example.a=one \"org.example.b\"=\"two words\" c=$A\n"
                                                              "LABEL org.example.a=again\n"
                                                              "EXPOSE 80 53/udp 8000-8002/tcp\n"
                                                              "EXPOSE 80/tcp\n"
                                                              "STOPSIGNAL SIGUSR1\n"
                                                              "USER app\n"
                                                              "USER 1000:1001\n" },
            {}, {} };

        QTest::newRow("workdir") << Fixture { { "FROM bb\n"
                                                "WORKDIR /tmp\n"
                                                "WORKDIR sub\n"
                                                "WORKDIR /opt/app\n"
                                                "WORKDIR ../other\n"
                                                "WORKDIR /usr/lib\n"
                                                "WORKDIR /lib/deeper\n"
                                                "ENV DIR=/srv/data\n"
                                                "WORKDIR $DIR\n"
                                                "USER app\n"
                                                "WORKDIR /home/app\n"
                                                "RUN pwd > /tmp/pwd\n" },
            {}, {} };

        QTest::newRow("cmd-entrypoint") << Fixture { {
                                                         "FROM bb\n"
                                                         "CMD echo \"shell form\" $HOME\n"
                                                         "ENTRYPOINT [\"/bin/echo\", \"entry\"]\n"
                                                         "CMD [\"json\", \"form\"]\n",
                                                         "FROM bb\n"
                                                         "ENTRYPOINT [\"cat\"]\n",
                                                         "FROM bb\n"
                                                         "ENTRYPOINT echo entry shell\n"
                                                         "CMD [\"unterminated\n",
                                                         "FROM bb\n"
                                                         "CMD [echo, not json]\n"
                                                         "ENTRYPOINT [\"sh\", 'single']\n",
                                                     },
            {}, {} };

        QTest::newRow("shell-healthcheck") << Fixture { {
                                                            "FROM bb\n"
                                                            "SHELL [\"/bin/sh\", \"-ec\"]\n"
                                                            "ENV AFTER=shell\n"
                                                            "LABEL after=shell\n"
                                                            "RUN echo \"$AFTER\" > /after\n"
                                                            "CMD cat /after\n"
                                                            "HEALTHCHECK --interval=30s --timeout=5s --start-period=1m30s --retries=3 CMD cat /after || exit 1\n",
                                                            "FROM compat-shell-healthcheck:0\n"
                                                            "HEALTHCHECK --interval=500ms --timeout=1h2m3s CMD [\"cat\", \"/after\"]\n",
                                                            "FROM compat-shell-healthcheck:1\n"
                                                            "HEALTHCHECK NONE\n",
                                                        },
            {}, {} };

        QTest::newRow("run-args") << Fixture { { "ARG UNUSED_META=meta\n"
                                                 "FROM bb\n"
                                                 "ARG FIRST=one\n"
                                                 "ARG SECOND\n"
                                                 "ARG THIRD=3\n"
                                                 "ARG NOVALUE\n"
                                                 "RUN echo \"$FIRST $SECOND $THIRD\" > /args\n"
                                                 "RUN [\"/bin/sh\", \"-c\", \"echo json > /json\"]\n"
                                                 "RUN true\n"
                                                 "ENV FIRST=env-wins\n"
                                                 "RUN echo $FIRST > /envwins\n"
                                                 "RUN mkdir -p /a/b && echo x > /a/b/c && rm /args && ln -s /json /jsonlink && chmod 0600 /json\n" },
            {}, { QStringLiteral("SECOND=given"), QStringLiteral("THIRD=override"), QStringLiteral("NEVERDECLARED=x") } };

        QTest::newRow("run-deletes") << Fixture { { "FROM bb\n"
                                                    "RUN mkdir -p /d/sub /e && echo f > /d/f && echo s > /d/sub/s && echo k > /e/k && chmod 0750 /d && chown 1000:1001 /d\n"
                                                    "RUN rm -rf /d && mkdir /d && chmod 0700 /d && echo new > /d/g && rm /e/k\n" },
            {}, {} };

        QTest::newRow("volume") << Fixture { { "FROM bb\n"
                                               "VOLUME /data /var/cache/app\n"
                                               "VOLUME [\"/json-vol\"]\n"
                                               "ENV V=/from-env\n"
                                               "VOLUME $V\n"
                                               "RUN echo after-volume > /after && echo lost > /data/lost\n"
                                               "RUN echo second > /second\n"
                                               "VOLUME /tmp\n"
                                               "RUN true\n" },
            {}, {} };

        const QList<ContextFile> copyFiles {
            { QStringLiteral("file.txt"), "a file\n", 0644 },
            { QStringLiteral("script.sh"), "#!/bin/sh\necho script\n", 0755 },
            { QStringLiteral("secret.txt"), "secret\n", 0600 },
            { QStringLiteral("one.conf"), "one\n", 0640 },
            { QStringLiteral("two.conf"), "two\n", 0644 },
            { QStringLiteral("dir"), {}, 0755, 'd' },
            { QStringLiteral("dir/a.txt"), "a\n", 0644 },
            { QStringLiteral("dir/sub"), {}, 0750, 'd' },
            { QStringLiteral("dir/sub/b.txt"), "b\n", 0664 },
            { QStringLiteral("dir/link"), "a.txt", 0777, 'l' },
        };
        QTest::newRow("copy") << Fixture { { "FROM bb\n"
                                             "COPY file.txt /etc/app/file.txt\n"
                                             "COPY dir /etc/app/dir/\n"
                                             "COPY file.txt script.sh /multi/\n"
                                             "COPY *.conf /confs/\n"
                                             "COPY --chown=1000:1001 dir /etc/owned/\n"
                                             "COPY --chown=app:apps secret.txt /etc/named.txt\n"
                                             "COPY --chown=1000 file.txt /etc/uidonly.txt\n"
                                             "COPY --chown=1000:1001 dir /new/deep/\n"
                                             "COPY --chown=1000:1001 file.txt /new2/deep/\n"
                                             "COPY dir /tmp/\n"
                                             "COPY dir/sub /etc/app/dir/sub2\n"
                                             "COPY file.txt /lib/\n"
                                             "WORKDIR /work\n"
                                             "COPY file.txt relative.txt\n"
                                             "COPY dir/sub ./sub/\n"
                                             "COPY [\"file.txt\", \"/json form/\"]\n"
                                             "COPY . /everything/\n" },
            copyFiles, {} };
        QTest::newRow("copy-chown-name") << Fixture { { "FROM bb\nCOPY --chown=app file.txt /etc/useronly.txt\n" }, copyFiles, {} };

        const QByteArray tarGz = TarBuilder()
                                     .owner(1234, 5678)
                                     .dir("pkg", 0750)
                                     .file("pkg/data.txt", "packed\n", 0640)
                                     .symlink("pkg/link", "data.txt")
                                     .owner(0, 0)
                                     .file("top.txt", "top\n", 0600)
                                     .build();
        QTest::newRow("add") << Fixture { { "FROM bb\n"
                                            "ADD plain.txt /added/\n"
                                            "ADD archive.tar.gz /extracted/\n"
                                            "ADD archive.tar.gz /extracted2\n"
                                            "ADD --chown=1000:1001 plain.txt /owned-add.txt\n"
                                            "ADD dir /adddir/\n" },
            { { QStringLiteral("plain.txt"), "plain\n", 0644 }, { QStringLiteral("archive.tar.gz"), gzipped(tarGz), 0644 }, { QStringLiteral("dir"), {}, 0755, 'd' },
                { QStringLiteral("dir/x.txt"), "x\n", 0644 } },
            {} };

        QTest::newRow("multi-stage") << Fixture { { "ARG BASE=bb\n"
                                                    "ARG UNUSED\n"
                                                    "FROM ${BASE} AS build\n"
                                                    "ARG BASE\n"
                                                    "RUN mkdir -p /out/sub && echo compiled > /out/program && echo more > /out/sub/x && echo $BASE > /out/base\n"
                                                    "FROM bb\n"
                                                    "COPY --from=build /out /opt/out\n"
                                                    "COPY --from=0 /out/program /usr/local/bin/\n"
                                                    "COPY --from=build --chown=1000:1001 /out/sub /opt/sub/\n" },
            {}, {} };

        QTest::newRow("onbuild") << Fixture { {
                                                  "FROM bb\n"
                                                  "ONBUILD RUN echo triggered > /triggered\n"
                                                  "ONBUILD COPY file.txt /from-trigger/\n"
                                                  "ONBUILD ENV TRIGGERED=yes\n"
                                                  "LABEL parent=yes\n",
                                                  "FROM compat-onbuild:0\n"
                                                  "RUN cat /triggered\n",
                                              },
            { { QStringLiteral("file.txt"), "for the trigger\n", 0644 } }, {} };
    }

    void matchesDockersClassicBuilder()
    {
        if (!m_skip.isEmpty())
            QSKIP(qPrintable(m_skip));
        QFETCH(Fixture, fixture);
        const QString row = QString::fromUtf8(QTest::currentDataTag());
        QStringList problems;
        // How a deletion is written, listed apart: Docker's overlay2 diff writes `.wh.<name>`
        // with mode 0600, and a directory made opaque as one `.wh..wh..opq` with the
        // directory's mode and owner.
        QStringList whiteoutProblems;
        const auto isWhiteout = [](const QString &entry) {
            const QString path = entry.left(entry.indexOf(u' '));
            return path.mid(path.lastIndexOf(u'/') + 1).startsWith(QLatin1String(".wh."));
        };
        for (qsizetype n = 0; n < fixture.dockerfiles.size(); ++n) {
            const QString tag = QStringLiteral("compat-%1:%2").arg(row).arg(n);
            const QString dir = makeContext(QStringLiteral("%1-%2").arg(row).arg(n), fixture.files, fixture.dockerfiles[n]);
            QVERIFY(!dir.isEmpty());
            QStringList args { QStringLiteral("build"), QStringLiteral("--network"), QStringLiteral("none"), QStringLiteral("-t"), tag };
            for (const QString &a : fixture.buildArgs)
                args << QStringLiteral("--build-arg") << a;
            args << dir;
            const RunResult d = m_docker->docker(args, 600000);
            QVERIFY2(d.exitCode == 0, qPrintable(QStringLiteral("docker build %1:\n%2%3").arg(tag, QString::fromUtf8(d.out), QString::fromUtf8(d.err))));
            const RunResult s = ctl(args);
            QVERIFY2(s.exitCode == 0, qPrintable(QStringLiteral("stratactl build %1:\n%2%3").arg(tag, QString::fromUtf8(s.out), QString::fromUtf8(s.err))));

            const QString dTar = m_tmp.filePath(QStringLiteral("docker-%1-%2.tar").arg(row).arg(n));
            const QString sTar = m_tmp.filePath(QStringLiteral("strata-%1-%2.tar").arg(row).arg(n));
            RunResult saved = m_docker->docker({ QStringLiteral("save"), QStringLiteral("-o"), dTar, tag });
            QVERIFY2(saved.exitCode == 0, saved.err.constData());
            saved = ctl({ QStringLiteral("save"), QStringLiteral("-o"), sTar, tag });
            QVERIFY2(saved.exitCode == 0, QByteArray(saved.err + "\nbuild output:\n" + s.out + s.err).constData());
            const Saved dockerSaved = readSaved(dTar, m_tmp.filePath(QStringLiteral("x/docker")));
            QVERIFY2(dockerSaved.error.isEmpty(), qPrintable(dockerSaved.error));
            const Saved strataSaved = readSaved(sTar, m_tmp.filePath(QStringLiteral("x/strata")));
            QVERIFY2(strataSaved.error.isEmpty(), qPrintable(strataSaved.error));

            // Strata's config as its store holds it (the blob the image ID names).
            const QString id = QJsonDocument::fromJson(ctl({ QStringLiteral("inspect"), tag }).out).array().first().toObject().value(QLatin1String("Id")).toString();
            QVERIFY2(id.startsWith(QLatin1String("sha256:")), qPrintable(id));
            const QJsonObject strataConfig = QJsonDocument::fromJson(readFile(m_root + QStringLiteral("/images/blobs/sha256/") + id.mid(7))).object();
            QVERIFY(!strataConfig.isEmpty());
            QCOMPARE(strataConfig, strataSaved.config);
            const QJsonObject &dockerConfig = dockerSaved.config;

            const QString where = QStringLiteral("[%1] ").arg(tag);
            const QJsonObject dRun = dockerConfig.value(QLatin1String("config")).toObject();
            const QJsonObject sRun = strataConfig.value(QLatin1String("config")).toObject();
            for (const auto &[field, omitEmpty] : configFields) {
                const bool same = omitEmpty ? ((emptyValue(dRun.value(field)) && emptyValue(sRun.value(field))) || dRun.value(field) == sRun.value(field))
                                            : (dRun.contains(field) == sRun.contains(field) && dRun.value(field) == sRun.value(field));
                if (!same)
                    problems.append(where + QStringLiteral("config %1: docker %2, strata %3").arg(field, show(dRun, field), show(sRun, field)));
            }

            const QStringList dHistory = historyLines(dockerConfig);
            const QStringList sHistory = historyLines(strataConfig);
            for (qsizetype h = 0; h < qMax(dHistory.size(), sHistory.size()); ++h) {
                if (dHistory.value(h) != sHistory.value(h))
                    problems.append(where + QStringLiteral("history %1:\n    docker: %2\n    strata: %3").arg(h).arg(dHistory.value(h, QStringLiteral("(none)")), sHistory.value(h, QStringLiteral("(none)"))));
            }

            if (dockerSaved.layers.size() != strataSaved.layers.size()) {
                problems.append(where + QStringLiteral("layers: docker %1, strata %2").arg(dockerSaved.layers.size()).arg(strataSaved.layers.size()));
            } else {
                for (qsizetype l = 0; l < dockerSaved.layers.size(); ++l) {
                    const QStringList &dl = dockerSaved.layers[l];
                    const QStringList &sl = strataSaved.layers[l];
                    const QSet<QString> ds(dl.cbegin(), dl.cend()), ss(sl.cbegin(), sl.cend());
                    if (ds.size() != dl.size() || ss.size() != sl.size())
                        problems.append(where + QStringLiteral("layer %1: an entry repeats (docker %2/%3, strata %4/%5)").arg(l).arg(ds.size()).arg(dl.size()).arg(ss.size()).arg(sl.size()));
                    for (const QString &e : dl)
                        if (!ss.contains(e))
                            (isWhiteout(e) ? whiteoutProblems : problems).append(where + QStringLiteral("layer %1: only docker's has %2").arg(l).arg(e));
                    for (const QString &e : sl)
                        if (!ds.contains(e))
                            (isWhiteout(e) ? whiteoutProblems : problems).append(where + QStringLiteral("layer %1: only strata's has %2").arg(l).arg(e));
                }
            }
            // What the comparison rests on: there is something to compare.
            QVERIFY(dHistory.size() >= 2);
        }
        // One line each: Qt Test cuts a long failure message short.
        for (const QString &p : std::as_const(problems))
            qWarning("%s", qPrintable(p));
        QVERIFY2(problems.isEmpty(), qPrintable(QStringLiteral("%1 difference(s) from Docker, listed above").arg(problems.size())));
        for (const QString &p : std::as_const(whiteoutProblems))
            qWarning("whiteout encoding: %s", qPrintable(p));
        QVERIFY2(whiteoutProblems.isEmpty(), qPrintable(QStringLiteral("%1 whiteout difference(s), listed above").arg(whiteoutProblems.size())));
    }
};

QTEST_GUILESS_MAIN(TestBuildCompat)
#include "tst_buildcompat.moc"
