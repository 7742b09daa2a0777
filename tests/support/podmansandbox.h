#pragma once

#include "testsupport.h"

#include <QMap>
#include <QString>
#include <QStringList>

namespace strata::test {

// podman and skopeo as root with everything they write kept inside a directory the test owns:
// a private --root/--runroot, containers.conf and storage.conf (runc, cgroupfs, no network), and
// a private mount namespace in which /var/lib/containers (the blob-info cache), /run/containers
// and /run/runc are bind mounts of folders of that directory. Mount points it has to create on
// the host are removed again by the destructor (rmdir only).
class PodmanSandbox {
public:
    explicit PodmanSandbox(const QString &dir);
    ~PodmanSandbox();
    PodmanSandbox(const PodmanSandbox &) = delete;
    PodmanSandbox &operator=(const PodmanSandbox &) = delete;

    // Sets up the directory and checks that podman starts; returns why it cannot (for QSKIP).
    QString start();
    RunResult podman(const QStringList &args, int timeoutMs = 120000) const;
    // skopeo in the same private mounts, so its blob-info cache is the sandbox's.
    RunResult skopeo(const QStringList &args, int timeoutMs = 120000) const;
    QString version() const { return m_version; }

    // Runs `command` in a private mount namespace where each "source:target" of `binds` is
    // bind-mounted first.
    static RunResult inPrivateMounts(const QStringList &binds, const QStringList &command, int timeoutMs, const QMap<QString, QString> &env = {});

private:
    RunResult sandboxed(const QStringList &command, int timeoutMs) const;

    QString m_dir;
    QString m_version;
    QMap<QString, QString> m_env;
    QStringList m_createdHostDirs;
};

} // namespace strata::test
