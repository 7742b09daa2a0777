#include "testsupport.h"

#include "sha256.h"
#include "tarbuilder.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <unistd.h>

namespace strata::test {

QProcessEnvironment environmentWith(const QMap<QString, QString> &env)
{
    QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    for (auto it = env.cbegin(); it != env.cend(); ++it) {
        if (it.value().isEmpty())
            e.remove(it.key());
        else
            e.insert(it.key(), it.value());
    }
    return e;
}

RunResult run(const QString &program, const QStringList &args, int timeoutMs, const QMap<QString, QString> &env)
{
    QProcess p;
    p.setProcessEnvironment(environmentWith(env));
    p.start(program, args);
    RunResult r;
    if (!p.waitForStarted(10000)) {
        r.err = "cannot start " + program.toUtf8();
        return r;
    }
    p.closeWriteChannel();
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.err = "timed out: " + program.toUtf8();
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

RunResult stratactl(const QString &root, const QStringList &args, int timeoutMs)
{
    return run(QStringLiteral(STRATACTL_PATH), QStringList { QStringLiteral("--root"), root } + args, timeoutMs);
}

bool writeFile(const QString &path, const QByteArray &data)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QString snapshotOf(const QString &root, const QString &chainHex)
{
    for (const QString &driver : QDir(root + QStringLiteral("/layers")).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        const QString dir = QStringLiteral("%1/layers/%2/%3/diff").arg(root, driver, chainHex);
        if (QFileInfo(dir).isDir())
            return dir;
    }
    return {};
}

QString sha256Hex(const QByteArray &data)
{
    return Sha256::of(data).hex();
}

QByteArray gzipStream(const QByteArray &data)
{
    QProcess gzip;
    gzip.start(QStringLiteral("gzip"), { QStringLiteral("-n"), QStringLiteral("-c") });
    if (!gzip.waitForStarted())
        return {};
    gzip.write(data);
    gzip.closeWriteChannel();
    gzip.waitForFinished(60000);
    return gzip.readAllStandardOutput();
}

QByteArray imageConfig(const QStringList &diffIds, const QStringList &createdBy)
{
    QJsonArray diffs;
    QJsonArray history;
    for (qsizetype i = 0; i < diffIds.size(); ++i) {
        diffs.append(diffIds[i]);
        history.append(QJsonObject { { QStringLiteral("created"), QStringLiteral("2024-01-01T00:00:00Z") },
            { QStringLiteral("created_by"), createdBy.value(i, QStringLiteral("layer %1").arg(i)) } });
    }
    QJsonObject config { { QStringLiteral("architecture"), QStringLiteral("amd64") }, { QStringLiteral("os"), QStringLiteral("linux") },
        { QStringLiteral("created"), QStringLiteral("2024-01-01T00:00:00Z") },
        { QStringLiteral("config"), QJsonObject { { QStringLiteral("Cmd"), QJsonArray { QStringLiteral("sh") } } } },
        { QStringLiteral("rootfs"), QJsonObject { { QStringLiteral("type"), QStringLiteral("layers") }, { QStringLiteral("diff_ids"), diffs } } },
        { QStringLiteral("history"), history } };
    return QJsonDocument(config).toJson(QJsonDocument::Compact);
}

QByteArray dockerArchive(const QList<QByteArray> &layers, const QString &tag, const QStringList &givenDiffIds)
{
    QStringList diffIds = givenDiffIds;
    if (diffIds.isEmpty()) {
        for (const QByteArray &l : layers)
            diffIds.append(QStringLiteral("sha256:") + sha256Hex(l));
    }
    const QByteArray config = imageConfig(diffIds);
    const QString configName = sha256Hex(config) + QStringLiteral(".json");
    TarBuilder tar;
    QJsonArray layerNames;
    for (qsizetype i = 0; i < layers.size(); ++i) {
        const QByteArray name = QByteArray::number(i) + "/layer.tar";
        tar.file(name, layers[i]);
        layerNames.append(QString::fromUtf8(name));
    }
    tar.file(configName.toUtf8(), config);
    QJsonArray manifest { QJsonObject { { QStringLiteral("Config"), configName },
        { QStringLiteral("RepoTags"), tag.isEmpty() ? QJsonArray() : QJsonArray { tag } }, { QStringLiteral("Layers"), layerNames } } };
    tar.file("manifest.json", QJsonDocument(manifest).toJson(QJsonDocument::Compact));
    return tar.build();
}

QStringList tarListing(const QString &path, QString *error)
{
    archive *a = archive_read_new();
    archive_read_support_format_tar(a);
    archive_read_support_filter_all(a);
    const auto close = [a] { archive_read_free(a); };
    if (archive_read_open_filename(a, QFile::encodeName(path).constData(), 1 << 16) != ARCHIVE_OK) {
        *error = QStringLiteral("%1: %2").arg(path, QString::fromLocal8Bit(archive_error_string(a)));
        close();
        return {};
    }
    QStringList lines;
    archive_entry *e;
    for (;;) {
        const int r = archive_read_next_header(a, &e);
        if (r == ARCHIVE_EOF)
            break;
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
            *error = QStringLiteral("%1: %2").arg(path, QString::fromLocal8Bit(archive_error_string(a)));
            close();
            return {};
        }
        QByteArray name = archive_entry_pathname(e);
        while (name.startsWith("./"))
            name = name.mid(2);
        while (name.endsWith('/'))
            name.chop(1);
        char type = '?';
        switch (archive_entry_filetype(e)) {
        case AE_IFREG:
            type = 'f';
            break;
        case AE_IFDIR:
            type = 'd';
            break;
        case AE_IFLNK:
            type = 'l';
            break;
        case AE_IFCHR:
            type = 'c';
            break;
        case AE_IFBLK:
            type = 'b';
            break;
        case AE_IFIFO:
            type = 'p';
            break;
        default:
            break;
        }
        const char *hard = archive_entry_hardlink(e);
        if (hard)
            type = 'h';
        QString line = QStringLiteral("%1 %2 %3 %4:%5 size=%6")
                           .arg(QString::fromUtf8(name))
                           .arg(QLatin1Char(type))
                           .arg(uint(archive_entry_mode(e) & 07777), 4, 8, QLatin1Char('0'))
                           .arg(qint64(archive_entry_uid(e)))
                           .arg(qint64(archive_entry_gid(e)))
                           .arg(qint64(archive_entry_size(e)));
        if (type == 'l')
            line += QStringLiteral(" -> ") + QString::fromUtf8(archive_entry_symlink(e));
        if (hard)
            line += QStringLiteral(" => ") + QString::fromUtf8(hard);
        lines.append(line);
    }
    close();
    return lines;
}

QString treeSnapshot(const QString &dir)
{
    QStringList lines;
    QDirIterator it(dir, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QFileInfo info(path);
        QString line = path.mid(dir.size()) + u' ';
        if (info.isSymLink())
            line += QStringLiteral("link ") + info.symLinkTarget();
        else if (info.isDir())
            line += QStringLiteral("dir");
        else
            line += QStringLiteral("file %1 %2").arg(info.size()).arg(sha256Hex(readFile(path)));
        line += QStringLiteral(" mode %1").arg(int(info.permissions()), 0, 16);
        lines.append(line);
    }
    lines.sort();
    return lines.join(u'\n');
}

QString unprivilegedUser(QString *why)
{
    const QString name = QStringLiteral("stratatest");
    if (geteuid() != 0) {
        *why = QStringLiteral("the tests do not run as root, so they cannot create or switch to another user");
        return {};
    }
    if (run(QStringLiteral("id"), { name }).exitCode == 0)
        return name;
    const RunResult r = run(QStringLiteral("useradd"), { QStringLiteral("-m"), QStringLiteral("-s"), QStringLiteral("/bin/sh"), name });
    if (r.exitCode != 0) {
        *why = QStringLiteral("useradd failed: %1").arg(QString::fromUtf8(r.err));
        return {};
    }
    return name;
}

} // namespace strata::test
