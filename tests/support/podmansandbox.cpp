#include "podmansandbox.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

#include <unistd.h>

namespace strata::test {

PodmanSandbox::PodmanSandbox(const QString &dir)
    : m_dir(dir)
{
}

PodmanSandbox::~PodmanSandbox()
{
    for (const QString &dir : std::as_const(m_createdHostDirs))
        if (!QDir().rmdir(dir))
            qWarning("could not remove %s (not empty?)", qPrintable(dir));
}

QString PodmanSandbox::start()
{
    if (geteuid() != 0)
        return QStringLiteral("podman is run as root with a private --root here, and the test runs as uid %1").arg(geteuid());
    if (QStandardPaths::findExecutable(QStringLiteral("podman")).isEmpty())
        return QStringLiteral("podman is not installed");
    if (QStandardPaths::findExecutable(QStringLiteral("unshare")).isEmpty())
        return QStringLiteral("unshare (util-linux) is missing; podman would write /var/lib/containers/cache on the host");
    const QString p = m_dir;
    for (const char *sub : { "root", "runroot", "tmp", "volumes", "net", "host/var-lib-containers", "host/run-containers", "host/run-runc" })
        QDir().mkpath(p + u'/' + QLatin1String(sub));
    // runc and cgroupfs; a nofile limit below this sandbox's hard limit (podman's default
    // 1048576 fails with "error setting rlimit type 7"); no network, so no iptables or bridges.
    writeFile(p + QStringLiteral("/containers.conf"),
        QStringLiteral("[containers]\n"
                       "default_ulimits = [\"nofile=1024:1024\", \"nproc=1024:1024\"]\n"
                       "netns = \"none\"\n"
                       "log_driver = \"k8s-file\"\n"
                       "[engine]\n"
                       "runtime = \"runc\"\n"
                       "cgroup_manager = \"cgroupfs\"\n"
                       "events_logger = \"file\"\n"
                       "events_logfile_path = \"%1/events.log\"\n"
                       "tmp_dir = \"%1/tmp\"\n"
                       "volume_path = \"%1/volumes\"\n"
                       "static_dir = \"%1/root/libpod\"\n"
                       "image_copy_tmp_dir = \"%1/tmp\"\n"
                       "infra_image = \"localhost/none:none\"\n"
                       "[network]\n"
                       "network_backend = \"netavark\"\n"
                       "network_config_dir = \"%1/net\"\n")
            .arg(p)
            .toUtf8());
    writeFile(p + QStringLiteral("/storage.conf"),
        QStringLiteral("[storage]\ndriver = \"overlay\"\ngraphroot = \"%1/root\"\nrunroot = \"%1/runroot\"\n").arg(p).toUtf8());
    m_env = { { QStringLiteral("CONTAINERS_CONF"), p + QStringLiteral("/containers.conf") },
        { QStringLiteral("CONTAINERS_STORAGE_CONF"), p + QStringLiteral("/storage.conf") }, { QStringLiteral("TMPDIR"), p + QStringLiteral("/tmp") } };
    for (const QString &dir : { QStringLiteral("/var/lib/containers"), QStringLiteral("/run/containers"), QStringLiteral("/run/runc") }) {
        if (QFileInfo(dir).isDir())
            continue;
        if (!QDir().mkpath(dir))
            return QStringLiteral("cannot create the mount point %1").arg(dir);
        m_createdHostDirs.prepend(dir);
    }
    const RunResult r = podman({ QStringLiteral("version"), QStringLiteral("--format"), QStringLiteral("{{.Client.Version}}") });
    if (r.exitCode != 0)
        return QStringLiteral("podman does not start with the private configuration (podman version): exit %1: %2")
            .arg(r.exitCode)
            .arg(QString::fromUtf8(r.err).trimmed());
    m_version = QString::fromUtf8(r.out.trimmed());
    return {};
}

RunResult PodmanSandbox::inPrivateMounts(const QStringList &binds, const QStringList &command, int timeoutMs, const QMap<QString, QString> &env)
{
    QString script;
    QStringList args { QStringLiteral("-m"), QStringLiteral("--propagation"), QStringLiteral("private"), QStringLiteral("sh"), QStringLiteral("-c") };
    QStringList positional;
    for (const QString &b : binds) {
        const qsizetype colon = b.indexOf(u':');
        positional << b.left(colon) << b.mid(colon + 1);
        script += QStringLiteral("mount --bind \"$%1\" \"$%2\" || exit 125; ").arg(positional.size() - 1).arg(positional.size());
    }
    script += QStringLiteral("shift %1; exec \"$@\"").arg(positional.size());
    args << script << QStringLiteral("sh") << positional << command;
    return run(QStringLiteral("unshare"), args, timeoutMs, env);
}

RunResult PodmanSandbox::sandboxed(const QStringList &command, int timeoutMs) const
{
    const QString p = m_dir;
    return inPrivateMounts({ p + QStringLiteral("/host/var-lib-containers:/var/lib/containers"), p + QStringLiteral("/host/run-containers:/run/containers"),
                               p + QStringLiteral("/host/run-runc:/run/runc") },
        command, timeoutMs, m_env);
}

RunResult PodmanSandbox::podman(const QStringList &args, int timeoutMs) const
{
    const QString p = m_dir;
    return sandboxed(QStringList { QStringLiteral("podman"), QStringLiteral("--root"), p + QStringLiteral("/root"), QStringLiteral("--runroot"),
                         p + QStringLiteral("/runroot"), QStringLiteral("--storage-driver"), QStringLiteral("overlay") }
            + args,
        timeoutMs);
}

RunResult PodmanSandbox::skopeo(const QStringList &args, int timeoutMs) const
{
    return sandboxed(QStringList { QStringLiteral("skopeo") } + args, timeoutMs);
}

} // namespace strata::test
