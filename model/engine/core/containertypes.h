#pragma once

#include "digest.h"
#include "result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace strata {

// Value types describing containers (DESIGN §4). They are what config.json and state.json of
// containers/<id>/ hold, and what crosses threads and processes.

// Names of containers and volumes: letters, digits, '_', '.' and '-', starting with a letter
// or digit, at most 128 characters (as Docker allows them).
bool isValidObjectName(const QString &name);
// The strings of a JSON array (Cmd, Entrypoint, Env of an image config).
QStringList stringsOf(const QJsonValue &value);
// Applies `-e` arguments to an environment: KEY=value sets or replaces KEY in place; a bare
// KEY takes the caller's own value, or is skipped when the caller has none.
Status applyEnvironment(QStringList &env, const QStringList &entries);

// A volume or bind mount of a container (`-v name:/path`, `-v /host:/path[:ro]`).
struct MountSpec {
    enum class Type { Volume, Bind };
    Type type = Type::Volume;
    QString source; // the volume's name, or an absolute host path
    QString destination; // absolute path inside the container
    bool readOnly = false;
    bool anonymous = false; // a volume created for this container (`-v /path`); `rm -v` removes it

    QString typeName() const { return type == Type::Volume ? QStringLiteral("volume") : QStringLiteral("bind"); }
    QJsonObject toJson() const;
    static MountSpec fromJson(const QJsonObject &obj);
    // Parses the argument of `-v`: name:/path[:ro|rw], /host:/path[:ro|rw] or /path.
    static Result<MountSpec> parse(const QString &text);
};

// What a container runs: fixed when it is created (containers/<id>/config.json).
struct ContainerConfig {
    QString id; // 64 hex digits
    QString name;
    Digest imageId;
    QString imageRef; // what the user asked for ("busybox", "demo:layers")
    QStringList entrypoint;
    QStringList cmd;
    QStringList env; // KEY=value, image's first, then -e
    QString workingDir;
    QString user;
    QString hostname;
    QString network = QStringLiteral("none"); // "none" (own namespace, loopback only) or "host"
    QList<MountSpec> mounts;
    bool autoRemove = false;
    bool interactive = false;
    bool tty = false; // a pseudo-terminal for the program's standard streams
    QString driver;
    QDateTime created;
    // A builder's container (a RUN step): its image is the build's state at that step, not an
    // image of the index, so it names its layers itself (chain IDs, base first).
    bool build = false;
    QList<Digest> buildLayers;

    QStringList args() const { return entrypoint + cmd; }
    QString shortId() const { return id.left(12); }
    // Lives only as long as its program (--rm) or its build step: nothing of it needs to
    // survive a power loss, so its files are written without fsync.
    bool throwaway() const { return autoRemove || build; }
    QJsonObject toJson() const;
    static Result<ContainerConfig> fromJson(const QJsonObject &obj);
};

// Where a container is in its life (containers/<id>/state.json, written by its monitor).
struct ContainerState {
    enum class Status {
        Created, // never started, or its start failed (then `error` says why)
        Running, // its monitor and init process are alive
        Exited, // its init process ended; `exitCode` says how
        Dead, // state.json says running, but its monitor is gone (killed): nobody saw the end
    };
    Status status = Status::Created;
    qint64 pid = 0; // the init process, as the host sees it
    qint64 monitorPid = 0;
    int exitCode = 0;
    QString error;
    QDateTime startedAt;
    QDateTime finishedAt;

    bool running() const { return status == Status::Running; }
    QString statusName() const; // "created", "running", "exited", "dead" (Docker's words)
    QJsonObject toJson() const;
    static ContainerState fromJson(const QJsonObject &obj);
};

// A container as listed: its config, its state, and the size of its writable layer.
struct Container {
    ContainerConfig config;
    ContainerState state;
};

} // namespace strata
