#include "overlay2driver.h"

#include "fsutil.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <unistd.h>

namespace strata {

Status Overlay2Driver::prepare(const QString &diffDir, const QString &) const
{
    return fs::makeDirs(diffDir);
}

ApplyOptions Overlay2Driver::applyOptions(const QString &subject) const
{
    ApplyOptions o = StorageDriver::applyOptions(subject);
    o.opaqueXattr = rootless() ? QStringLiteral("user.overlay.opaque") : QStringLiteral("trusted.overlay.opaque");
    return o;
}

QJsonObject Overlay2Driver::imageGraphData(const QStringList &snapshots) const
{
    QJsonObject data;
    if (snapshots.isEmpty())
        return data;
    if (snapshots.size() > 1)
        data.insert(QStringLiteral("LowerDir"), snapshots.mid(1).join(u':'));
    data.insert(QStringLiteral("UpperDir"), snapshots.first());
    return data;
}

Status Overlay2Driver::prepareWritable(const QString &d, const QString &initDir, const QStringList &imageViewLayers) const
{
    for (const char *sub : { "/rw/diff", "/rw/work", "/rw/merged", "/lower" })
        STRATA_TRY(fs::makeDirs(d + QLatin1String(sub)));
    const QStringList targets = QStringList { initDir } + imageViewLayers;
    for (qsizetype i = 0; i < targets.size(); ++i) {
        const QByteArray link = QFile::encodeName(d + QStringLiteral("/lower/") + QString::number(i));
        if (symlink(QFile::encodeName(targets[i]).constData(), link.constData()) != 0)
            return fail(ErrorCode::Io, QStringLiteral("cannot link layer %1 into lower/: %2").arg(i).arg(fs::errorText(errno)));
    }
    return {};
}

Result<RootfsMount> Overlay2Driver::rootfsMount(const QString &d) const
{
    RootfsMount m;
    m.overlay = true;
    m.upperDir = d + QStringLiteral("/rw/diff");
    m.workDir = d + QStringLiteral("/rw/work");
    m.lowerBase = d + QStringLiteral("/lower");
    const qsizetype n = QDir(m.lowerBase).entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot).size();
    if (n < 2)
        return fail(QStringLiteral("lower/ does not list the image's layers"));
    for (qsizetype i = 0; i < n; ++i) {
        const QString link = m.lowerBase + u'/' + QString::number(i);
        if (!QFileInfo(link).isDir())
            return fail(ErrorCode::NotFound, QStringLiteral("layer %1 of its image is missing (%2)").arg(i).arg(QFileInfo(link).symLinkTarget()));
        m.lowerDirs.append(QString::number(i));
    }
    return m;
}

QJsonObject Overlay2Driver::containerGraphData(const QString &d, const QString &initDir, const QStringList &imageViewLayers) const
{
    return QJsonObject {
        { QStringLiteral("LowerDir"), (QStringList { initDir } + imageViewLayers).join(u':') },
        { QStringLiteral("UpperDir"), QString(d + QStringLiteral("/rw/diff")) },
        { QStringLiteral("WorkDir"), QString(d + QStringLiteral("/rw/work")) },
        { QStringLiteral("MergedDir"), QString(d + QStringLiteral("/rw/merged")) },
    };
}

Result<QList<Change>> Overlay2Driver::changes(const QString &writableDir, const QStringList &baseLayers, ChangeDetail detail) const
{
    return computeChanges(writableDir, true, baseLayers, detail);
}

} // namespace strata
