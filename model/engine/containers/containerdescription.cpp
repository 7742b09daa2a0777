#include "containerdescription.h"

#include "containerstore.h"
#include "store.h"
#include "volumestore.h"

#include <QJsonArray>

namespace strata {

ContainerDescription::ContainerDescription(Store &store)
    : m_store(store)
{
}

QJsonObject ContainerDescription::inspect(const Container &container) const
{
    const ContainerStore containers(m_store);
    const ContainerConfig &c = container.config;
    const ContainerState &s = container.state;
    auto iso = [](const QDateTime &t) { return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QStringLiteral("0001-01-01T00:00:00Z"); };
    QJsonArray mounts, binds;
    VolumeStore volumes(m_store);
    for (const MountSpec &m : c.mounts) {
        QJsonObject o { { QStringLiteral("Type"), m.typeName() }, { QStringLiteral("Destination"), m.destination }, { QStringLiteral("RW"), !m.readOnly } };
        if (m.type == MountSpec::Type::Volume) {
            o.insert(QStringLiteral("Name"), m.source);
            o.insert(QStringLiteral("Source"), volumes.dataDir(m.source));
            o.insert(QStringLiteral("Driver"), QStringLiteral("local"));
        } else {
            o.insert(QStringLiteral("Source"), m.source);
        }
        mounts.append(o);
        binds.append(QStringLiteral("%1:%2%3").arg(m.anonymous ? QString() : m.source, m.destination, m.readOnly ? QStringLiteral(":ro") : QString()));
    }
    const QString d = containers.dir(c.id);
    auto imageLayers = containers.imageLayerDirs(c);
    const QJsonObject graph = m_store.driver().containerGraphData(d, containers.initDir(), imageLayers ? imageLayers.value() : QStringList());
    const QStringList args = c.args();
    return {
        { QStringLiteral("Id"), c.id },
        { QStringLiteral("Created"), iso(c.created) },
        { QStringLiteral("Path"), args.value(0) },
        { QStringLiteral("Args"), QJsonArray::fromStringList(args.mid(1)) },
        { QStringLiteral("State"),
            QJsonObject { { QStringLiteral("Status"), s.statusName() }, { QStringLiteral("Running"), s.running() }, { QStringLiteral("Paused"), false },
                { QStringLiteral("Restarting"), false }, { QStringLiteral("OOMKilled"), false }, { QStringLiteral("Dead"), s.status == ContainerState::Status::Dead },
                { QStringLiteral("Pid"), s.running() ? s.pid : 0 }, { QStringLiteral("MonitorPid"), s.running() ? s.monitorPid : 0 },
                { QStringLiteral("ExitCode"), s.exitCode }, { QStringLiteral("Error"), s.error }, { QStringLiteral("StartedAt"), iso(s.startedAt) },
                { QStringLiteral("FinishedAt"), iso(s.finishedAt) } } },
        { QStringLiteral("Image"), c.imageId.toString() },
        { QStringLiteral("Name"), QString(u'/' + c.name) },
        { QStringLiteral("Driver"), c.driver },
        { QStringLiteral("HostnamePath"), QString(d + QStringLiteral("/hostname")) },
        { QStringLiteral("HostsPath"), QString(d + QStringLiteral("/hosts")) },
        { QStringLiteral("ResolvConfPath"), QString(d + QStringLiteral("/resolv.conf")) },
        { QStringLiteral("LogPath"), containers.logPath(c.id) },
        { QStringLiteral("HostConfig"),
            QJsonObject { { QStringLiteral("Binds"), binds }, { QStringLiteral("NetworkMode"), c.network }, { QStringLiteral("AutoRemove"), c.autoRemove } } },
        { QStringLiteral("Mounts"), mounts },
        { QStringLiteral("Config"),
            QJsonObject { { QStringLiteral("Hostname"), c.hostname }, { QStringLiteral("User"), c.user }, { QStringLiteral("Env"), QJsonArray::fromStringList(c.env) },
                { QStringLiteral("Cmd"), QJsonArray::fromStringList(c.cmd) }, { QStringLiteral("Entrypoint"), QJsonArray::fromStringList(c.entrypoint) },
                { QStringLiteral("WorkingDir"), c.workingDir }, { QStringLiteral("Image"), c.imageRef }, { QStringLiteral("OpenStdin"), c.interactive }, { QStringLiteral("Tty"), c.tty } } },
        { QStringLiteral("GraphDriver"), QJsonObject { { QStringLiteral("Name"), c.driver }, { QStringLiteral("Data"), graph } } },
        { QStringLiteral("SizeRw"), containers.writableSize(c.id) },
    };
}

} // namespace strata
