#include "containertypes.h"

#include <QDir>
#include <QJsonArray>
#include <QRegularExpression>

namespace strata {

namespace {

    QJsonArray toArray(const QStringList &list)
    {
        return QJsonArray::fromStringList(list);
    }

    QString isoTime(const QDateTime &t)
    {
        return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QString();
    }

    QDateTime parseTime(const QJsonValue &v)
    {
        return QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
    }

} // namespace

bool isValidObjectName(const QString &name)
{
    static const QRegularExpression valid(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"));
    return valid.match(name).hasMatch();
}

QStringList stringsOf(const QJsonValue &value)
{
    QStringList out;
    for (const QJsonValue &v : value.toArray())
        out.append(v.toString());
    return out;
}

Status applyEnvironment(QStringList &env, const QStringList &entries)
{
    for (QString e : entries) {
        if (e.isEmpty() || e.startsWith(u'='))
            return fail(QStringLiteral("environment variable '%1': expected KEY=value or KEY").arg(e));
        if (!e.contains(u'=')) {
            if (!qEnvironmentVariableIsSet(e.toLocal8Bit().constData()))
                continue;
            e += u'=' + qEnvironmentVariable(e.toLocal8Bit().constData());
        }
        const QString key = e.left(e.indexOf(u'='));
        auto same = std::find_if(env.begin(), env.end(), [&](const QString &x) { return x.left(x.indexOf(u'=')) == key; });
        if (same != env.end())
            *same = e;
        else
            env.append(e);
    }
    return {};
}

QJsonObject MountSpec::toJson() const
{
    return { { QStringLiteral("Type"), typeName() }, { QStringLiteral("Source"), source }, { QStringLiteral("Destination"), destination },
        { QStringLiteral("RW"), !readOnly }, { QStringLiteral("Anonymous"), anonymous } };
}

MountSpec MountSpec::fromJson(const QJsonObject &obj)
{
    MountSpec m;
    m.type = obj.value(QLatin1String("Type")).toString() == QLatin1String("bind") ? Type::Bind : Type::Volume;
    m.source = obj.value(QLatin1String("Source")).toString();
    m.destination = obj.value(QLatin1String("Destination")).toString();
    m.readOnly = !obj.value(QLatin1String("RW")).toBool(true);
    m.anonymous = obj.value(QLatin1String("Anonymous")).toBool();
    return m;
}

Result<MountSpec> MountSpec::parse(const QString &text)
{
    MountSpec m;
    QStringList parts = text.split(u':');
    if (parts.size() == 3 || (parts.size() == 2 && !parts[1].startsWith(u'/'))) {
        const QString mode = parts.takeLast();
        if (mode == QLatin1String("ro"))
            m.readOnly = true;
        else if (mode != QLatin1String("rw")) {
            return fail(ErrorCode::InvalidInput, QStringLiteral("volume '%1': unknown mode '%2' (ro or rw)").arg(text, mode));
        }
    }
    if (parts.size() == 1) {
        m.anonymous = true;
        m.destination = parts[0];
    } else if (parts.size() == 2) {
        m.source = parts[0];
        m.destination = parts[1];
    } else {
        return fail(ErrorCode::InvalidInput, QStringLiteral("volume '%1': expected NAME:/path, /host/path:/path or /path, with an optional :ro").arg(text));
    }
    if (!m.destination.startsWith(u'/') || m.destination.split(u'/').contains(QStringLiteral("..")) || QDir::cleanPath(m.destination) == QLatin1String("/")) {
        return fail(ErrorCode::InvalidInput, QStringLiteral("volume '%1': the path inside the container must be absolute, not '/', and without '..'").arg(text));
    }
    if (m.source.startsWith(u'/')) {
        m.type = Type::Bind;
    } else if (!m.anonymous) {
        if (!isValidObjectName(m.source)) {
            return fail(ErrorCode::InvalidInput, QStringLiteral("volume '%1': '%2' is not a valid volume name (letters, digits, '_', '.', '-'; at most 128), nor an absolute host path")
                         .arg(text, m.source));
        }
    }
    return m;
}

QJsonObject ContainerConfig::toJson() const
{
    QJsonArray mountArray;
    for (const MountSpec &m : mounts)
        mountArray.append(m.toJson());
    QJsonObject object {
        { QStringLiteral("Id"), id },
        { QStringLiteral("Name"), name },
        { QStringLiteral("Image"), imageId.toString() },
        { QStringLiteral("ImageRef"), imageRef },
        { QStringLiteral("Entrypoint"), toArray(entrypoint) },
        { QStringLiteral("Cmd"), toArray(cmd) },
        { QStringLiteral("Env"), toArray(env) },
        { QStringLiteral("WorkingDir"), workingDir },
        { QStringLiteral("User"), user },
        { QStringLiteral("Hostname"), hostname },
        { QStringLiteral("NetworkMode"), network },
        { QStringLiteral("Mounts"), mountArray },
        { QStringLiteral("AutoRemove"), autoRemove },
        { QStringLiteral("OpenStdin"), interactive },
        { QStringLiteral("Tty"), tty },
        { QStringLiteral("Driver"), driver },
        { QStringLiteral("Created"), isoTime(created) },
    };
    if (build) {
        QJsonArray chains;
        for (const Digest &d : buildLayers)
            chains.append(d.toString());
        object.insert(QStringLiteral("BuildLayers"), chains);
    }
    return object;
}

Result<ContainerConfig> ContainerConfig::fromJson(const QJsonObject &obj)
{
    ContainerConfig c;
    c.id = obj.value(QLatin1String("Id")).toString();
    c.name = obj.value(QLatin1String("Name")).toString();
    auto image = Digest::parse(obj.value(QLatin1String("Image")).toString());
    c.imageId = image ? image.value() : Digest();
    c.imageRef = obj.value(QLatin1String("ImageRef")).toString();
    c.entrypoint = stringsOf(obj.value(QLatin1String("Entrypoint")));
    c.cmd = stringsOf(obj.value(QLatin1String("Cmd")));
    c.env = stringsOf(obj.value(QLatin1String("Env")));
    c.workingDir = obj.value(QLatin1String("WorkingDir")).toString();
    c.user = obj.value(QLatin1String("User")).toString();
    c.hostname = obj.value(QLatin1String("Hostname")).toString();
    c.network = obj.value(QLatin1String("NetworkMode")).toString(QStringLiteral("none"));
    for (const QJsonValue &m : obj.value(QLatin1String("Mounts")).toArray())
        c.mounts.append(MountSpec::fromJson(m.toObject()));
    c.autoRemove = obj.value(QLatin1String("AutoRemove")).toBool();
    c.interactive = obj.value(QLatin1String("OpenStdin")).toBool();
    c.tty = obj.value(QLatin1String("Tty")).toBool();
    c.driver = obj.value(QLatin1String("Driver")).toString();
    c.created = parseTime(obj.value(QLatin1String("Created")));
    if (const QJsonValue chains = obj.value(QLatin1String("BuildLayers")); chains.isArray()) {
        c.build = true;
        for (const QJsonValue &v : chains.toArray()) {
            auto chain = Digest::parse(v.toString());
            if (!chain)
                return fail(ErrorCode::InvalidInput, QStringLiteral("not a container config: BuildLayers: %1").arg(chain.error()));
            c.buildLayers.append(chain.value());
        }
    }
    if (!Digest::isValidHex(c.id) || !image || c.name.isEmpty())
        return fail(ErrorCode::InvalidInput, QStringLiteral("not a container config: it lacks a valid Id, Image or Name"));
    return c;
}

QString ContainerState::statusName() const
{
    switch (status) {
    case Status::Created:
        return QStringLiteral("created");
    case Status::Running:
        return QStringLiteral("running");
    case Status::Exited:
        return QStringLiteral("exited");
    case Status::Dead:
        return QStringLiteral("dead");
    }
    return QString();
}

QJsonObject ContainerState::toJson() const
{
    return {
        { QStringLiteral("Status"), statusName() },
        { QStringLiteral("Pid"), pid },
        { QStringLiteral("MonitorPid"), monitorPid },
        { QStringLiteral("ExitCode"), exitCode },
        { QStringLiteral("Error"), error },
        { QStringLiteral("StartedAt"), isoTime(startedAt) },
        { QStringLiteral("FinishedAt"), isoTime(finishedAt) },
    };
}

ContainerState ContainerState::fromJson(const QJsonObject &obj)
{
    ContainerState s;
    const QString status = obj.value(QLatin1String("Status")).toString();
    if (status == QLatin1String("running"))
        s.status = Status::Running;
    else if (status == QLatin1String("exited"))
        s.status = Status::Exited;
    else if (status == QLatin1String("dead"))
        s.status = Status::Dead;
    s.pid = obj.value(QLatin1String("Pid")).toInteger();
    s.monitorPid = obj.value(QLatin1String("MonitorPid")).toInteger();
    s.exitCode = obj.value(QLatin1String("ExitCode")).toInt();
    s.error = obj.value(QLatin1String("Error")).toString();
    s.startedAt = parseTime(obj.value(QLatin1String("StartedAt")));
    s.finishedAt = parseTime(obj.value(QLatin1String("FinishedAt")));
    return s;
}

} // namespace strata
