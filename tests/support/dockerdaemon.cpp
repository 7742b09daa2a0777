#include "dockerdaemon.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QThread>

#include <algorithm>
#include <functional>

#include <signal.h>
#include <unistd.h>

namespace strata::test {

QString DockerDaemon::client()
{
    return QStringLiteral("/usr/bin/docker");
}

DockerDaemon::DockerDaemon(const QString &dir)
    : m_dir(dir)
{
}

DockerDaemon::~DockerDaemon()
{
    stop();
}

QString DockerDaemon::unavailableReason()
{
    if (geteuid() != 0)
        return QStringLiteral("dockerd needs root and the test runs as uid %1").arg(geteuid());
    if (!QFileInfo(client()).isExecutable())
        return QStringLiteral("%1 is missing (package docker.io)").arg(client());
    if (QStandardPaths::findExecutable(QStringLiteral("dockerd")).isEmpty())
        return QStringLiteral("dockerd is not installed (package docker.io)");
    if (QStandardPaths::findExecutable(QStringLiteral("unshare")).isEmpty())
        return QStringLiteral("unshare (util-linux) is missing; dockerd would write /run/docker and /run/containerd on the host");
    return {};
}

QString DockerDaemon::logTail(int n) const
{
    const QStringList lines = QString::fromUtf8(readFile(m_dir + QStringLiteral("/dockerd.log"))).split(u'\n');
    return lines.mid(qMax(0, int(lines.size()) - n)).join(u'\n');
}

bool DockerDaemon::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

RunResult DockerDaemon::docker(const QStringList &args, int timeoutMs, const QMap<QString, QString> &env) const
{
    QMap<QString, QString> e = m_env;
    for (auto it = env.cbegin(); it != env.cend(); ++it)
        e.insert(it.key(), it.value());
    return run(client(), QStringList { QStringLiteral("-H"), QStringLiteral("unix://") + m_dir + QStringLiteral("/docker.sock") } + args, timeoutMs, e);
}

QString DockerDaemon::start()
{
    if (const QString why = unavailableReason(); !why.isEmpty())
        return why;
    const QString d = m_dir;
    for (const char *sub : { "data", "exec", "host/run-docker", "host/run-containerd", "client" })
        QDir().mkpath(d + u'/' + QLatin1String(sub));
    // Own daemon.json (ignores /etc/docker/daemon.json) and own trust key (else /etc/docker/key.json).
    writeFile(d + QStringLiteral("/daemon.json"), QStringLiteral("{\"deprecated-key-path\": \"%1/key.json\"}\n").arg(d).toUtf8());
    m_env = { { QStringLiteral("DOCKER_CONFIG"), d + QStringLiteral("/client") }, { QStringLiteral("DOCKER_BUILDKIT"), QStringLiteral("0") } };
    for (const QString &mountPoint : { QStringLiteral("/run/docker"), QStringLiteral("/run/containerd") }) {
        if (QFileInfo(mountPoint).isDir())
            continue;
        if (!QDir().mkpath(mountPoint))
            return QStringLiteral("cannot create the mount point %1").arg(mountPoint);
        m_createdHostDirs.prepend(mountPoint);
    }
    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    m_process->setStandardOutputFile(d + QStringLiteral("/dockerd.log"));
    m_process->start(QStringLiteral("unshare"),
        { QStringLiteral("-m"), QStringLiteral("--propagation"), QStringLiteral("private"), QStringLiteral("sh"), QStringLiteral("-c"),
            QStringLiteral("mount --bind \"$1\" /run/docker && mount --bind \"$2\" /run/containerd && shift 2 && exec \"$@\""), QStringLiteral("sh"),
            d + QStringLiteral("/host/run-docker"), d + QStringLiteral("/host/run-containerd"), QStringLiteral("dockerd"), QStringLiteral("--config-file"),
            d + QStringLiteral("/daemon.json"), QStringLiteral("--data-root"), d + QStringLiteral("/data"), QStringLiteral("--exec-root"), d + QStringLiteral("/exec"),
            QStringLiteral("--pidfile"), d + QStringLiteral("/dockerd.pid"), QStringLiteral("-H"), QStringLiteral("unix://") + d + QStringLiteral("/docker.sock"),
            QStringLiteral("--iptables=false"), QStringLiteral("--ip6tables=false"), QStringLiteral("--ip-forward=false"), QStringLiteral("--ip-masq=false"),
            QStringLiteral("--bridge=none") });
    if (!m_process->waitForStarted(10000)) {
        const QString why = QStringLiteral("cannot start dockerd: %1").arg(m_process->errorString());
        m_process.reset();
        return why;
    }
    QElapsedTimer timer;
    timer.start();
    for (;;) {
        const RunResult v = docker({ QStringLiteral("version"), QStringLiteral("--format"), QStringLiteral("{{.Server.Version}}") }, 10000);
        if (v.exitCode == 0) {
            m_version = QString::fromUtf8(v.out.trimmed());
            return {};
        }
        if (m_process->state() == QProcess::NotRunning)
            return QStringLiteral("dockerd exited with code %1 while starting; log tail:\n%2").arg(m_process->exitCode()).arg(logTail(15));
        if (timer.elapsed() > 60000)
            return QStringLiteral("dockerd did not answer on %1/docker.sock within 60 s; last client error: %2; log tail:\n%3")
                .arg(d, QString::fromUtf8(v.err).trimmed(), logTail(15));
        QThread::msleep(100);
    }
}

void DockerDaemon::stop()
{
    if (m_process) {
        const QString d = m_dir;
        // Containers first: a running one makes dockerd wait its 10 s stop timeout.
        if (m_process->state() == QProcess::Running) {
            const RunResult ps = docker({ QStringLiteral("ps"), QStringLiteral("-aq") }, 20000);
            const QStringList ids = QString::fromUtf8(ps.out).split(u'\n', Qt::SkipEmptyParts);
            if (!ids.isEmpty())
                docker(QStringList { QStringLiteral("rm"), QStringLiteral("-f") } + ids, 60000);
            m_process->terminate();
            if (!m_process->waitForFinished(20000)) {
                qWarning("dockerd did not stop on SIGTERM within 20 s; killing it");
                m_process->kill();
                m_process->waitForFinished(5000);
            }
        }
        // Leftovers of a daemon that died: its containerd, containers, and shims (found by this
        // daemon's containerd socket in their command line, killed by pid).
        const QByteArray containerdPid = readFile(d + QStringLiteral("/exec/containerd/containerd.pid")).trimmed();
        if (!containerdPid.isEmpty() && containerdPid.toInt() > 0 && ::kill(containerdPid.toInt(), 0) == 0)
            ::kill(containerdPid.toInt(), SIGKILL);
        const QString runcRoot = d + QStringLiteral("/exec/runtime-runc/moby");
        if (QFileInfo(runcRoot).isDir()) {
            const RunResult list = run(QStringLiteral("runc"), { QStringLiteral("--root"), runcRoot, QStringLiteral("list"), QStringLiteral("-q") });
            for (const QString &id : QString::fromUtf8(list.out).split(u'\n', Qt::SkipEmptyParts))
                run(QStringLiteral("runc"), { QStringLiteral("--root"), runcRoot, QStringLiteral("delete"), QStringLiteral("-f"), id });
        }
        const QByteArray shimAddress = QFile::encodeName(d + QStringLiteral("/exec/containerd/containerd.sock"));
        const QStringList procs = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
        for (const QString &pid : procs) {
            bool isPid = false;
            const int n = pid.toInt(&isPid);
            if (!isPid)
                continue;
            const QByteArray cmdline = readFile(QStringLiteral("/proc/") + pid + QStringLiteral("/cmdline"));
            if (cmdline.startsWith("/usr/bin/containerd-shim") && cmdline.contains(shimAddress))
                ::kill(n, SIGKILL);
        }
        // Mounts left under the daemon's directory (there should be none outside the namespace).
        const QList<QByteArray> mounts = readFile(QStringLiteral("/proc/self/mounts")).split('\n');
        QStringList targets;
        for (const QByteArray &m : mounts) {
            const QList<QByteArray> f = m.split(' ');
            if (f.size() > 1 && QString::fromUtf8(f[1]).startsWith(d))
                targets.append(QString::fromUtf8(f[1]));
        }
        std::sort(targets.begin(), targets.end(), std::greater<>());
        for (const QString &t : std::as_const(targets))
            run(QStringLiteral("umount"), { QStringLiteral("-l"), t });
        m_process.reset();
    }
    // The mount points this daemon created on the host; rmdir only, so nothing of anyone else goes.
    for (const QString &dir : std::as_const(m_createdHostDirs))
        if (!QDir().rmdir(dir))
            qWarning("could not remove %s (not empty?)", qPrintable(dir));
    m_createdHostDirs.clear();
}

} // namespace strata::test
