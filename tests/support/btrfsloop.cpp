#include "btrfsloop.h"

#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>

#include <unistd.h>

namespace strata::test {

BtrfsLoop::~BtrfsLoop()
{
    unmount();
}

bool BtrfsLoop::mount(const QString &mountPoint, QString *why, const QStringList &options, int sizeMb)
{
    const auto refuse = [&](const QString &reason) {
        m_why = QStringLiteral("no btrfs loop mount: ") + reason;
        if (why)
            *why = m_why;
        return false;
    };
    if (geteuid() != 0)
        return refuse(QStringLiteral("mounting a loop device needs root: run the suite as root"));
    if (!readFile(QStringLiteral("/proc/filesystems")).contains("\tbtrfs\n"))
        return refuse(QStringLiteral("the kernel has no btrfs (/proc/filesystems)"));
    if (QStandardPaths::findExecutable(QStringLiteral("mkfs.btrfs"), { QStringLiteral("/usr/sbin"), QStringLiteral("/sbin"), QStringLiteral("/usr/bin") }).isEmpty())
        return refuse(QStringLiteral("mkfs.btrfs is missing (Debian package btrfs-progs)"));
    m_mountPoint = QDir::cleanPath(mountPoint);
    m_image = m_mountPoint + QStringLiteral(".img");
    if (!QDir().mkpath(m_mountPoint))
        return refuse(QStringLiteral("cannot create %1").arg(m_mountPoint));
    QFile image(m_image);
    if (!image.open(QIODevice::WriteOnly | QIODevice::Truncate) || !image.resize(qint64(sizeMb) * 1024 * 1024))
        return refuse(QStringLiteral("cannot make the image %1: %2").arg(m_image, image.errorString()));
    image.close();
    RunResult r = run(QStringLiteral("mkfs.btrfs"), { QStringLiteral("-q"), QStringLiteral("-f"), m_image });
    if (r.exitCode != 0)
        return refuse(QStringLiteral("mkfs.btrfs %1: %2").arg(m_image, QString::fromUtf8(r.err)));
    r = run(QStringLiteral("losetup"), { QStringLiteral("--find"), QStringLiteral("--show"), m_image });
    if (r.exitCode != 0) {
        QFile::remove(m_image);
        return refuse(QStringLiteral("no loop device for %1: losetup: %2").arg(m_image, QString::fromUtf8(r.err.trimmed())));
    }
    m_device = QString::fromUtf8(r.out.trimmed());
    QStringList args;
    if (!options.isEmpty())
        args << QStringLiteral("-o") << options.join(u',');
    r = run(QStringLiteral("mount"), args + QStringList { QStringLiteral("-t"), QStringLiteral("btrfs"), m_device, m_mountPoint });
    if (r.exitCode != 0) {
        const QString err = QString::fromUtf8(r.err.trimmed());
        unmount();
        return refuse(QStringLiteral("mount %1 on %2: %3").arg(m_device, m_mountPoint, err));
    }
    // Unprivileged users of the suites need to reach their stores below it.
    run(QStringLiteral("chmod"), { QStringLiteral("755"), m_mountPoint });
    return true;
}

void BtrfsLoop::unmount()
{
    if (m_device.isEmpty())
        return;
    // Lazily, should a container's monitor still be on its way out.
    if (run(QStringLiteral("umount"), { m_mountPoint }).exitCode != 0)
        run(QStringLiteral("umount"), { QStringLiteral("-l"), m_mountPoint });
    run(QStringLiteral("losetup"), { QStringLiteral("-d"), m_device });
    m_device.clear();
    QFile::remove(m_image);
}

} // namespace strata::test
