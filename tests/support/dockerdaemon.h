#pragma once

#include "testsupport.h"

#include <QMap>
#include <QString>
#include <QStringList>

#include <memory>

class QProcess;

namespace strata::test {

// A private dockerd for interop tests, started by the test inside a directory it owns: its own
// data root, exec root, socket, daemon.json and trust key; no iptables, no bridge (RUN needs
// `--network none`); in a private mount namespace, so that its bind mount of the data root,
// the overlay mounts and the shim sockets stay off the host and a host containerd is not
// picked up. stop() (also run by the destructor) leaves no process, mount or /run state.
class DockerDaemon {
public:
    // Debian's 20.10 client, matching Debian's dockerd 20.10; /usr/local/bin/docker is newer.
    static QString client();

    explicit DockerDaemon(const QString &dir);
    ~DockerDaemon();
    DockerDaemon(const DockerDaemon &) = delete;
    DockerDaemon &operator=(const DockerDaemon &) = delete;

    // Why dockerd cannot run here (not root, no docker.io, no unshare), or empty.
    static QString unavailableReason();
    // Starts dockerd and waits until it answers; returns why it could not (for QSKIP), or empty.
    QString start();
    bool isRunning() const;
    QString version() const { return m_version; }
    // The client against this daemon, with the classic builder (DOCKER_BUILDKIT=0).
    RunResult docker(const QStringList &args, int timeoutMs = 120000, const QMap<QString, QString> &env = {}) const;
    // Removes its containers, stops it (SIGTERM, then SIGKILL), kills leftovers of a daemon that
    // died (containerd, runc containers, shims, found by this daemon's own paths), unmounts what
    // is left under its directory and removes the /run mount points it created.
    void stop();

    QString directory() const { return m_dir; }
    QString logTail(int lines) const;

private:
    QString m_dir;
    QString m_version;
    std::unique_ptr<QProcess> m_process;
    QStringList m_createdHostDirs;
    QMap<QString, QString> m_env;
};

} // namespace strata::test
