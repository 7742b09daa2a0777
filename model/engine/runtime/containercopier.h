#pragma once

#include "containertypes.h"
#include "progress.h"
#include "result.h"

#include <QString>

namespace strata {

class Store;

// `cp` between the host and a container, running or not, with Docker's rules: a file onto an
// existing directory lands inside it; a directory onto a missing path becomes that path;
// "dir/." copies a directory's contents. Paths inside the container resolve inside its root
// (its symbolic links cannot point at the host): a helper process enters the container's
// namespaces (running) or mounts its root filesystem privately (stopped) and chroots there.
//
// Threads: a process with threads must not do more than async-signal-safe calls between fork
// and exec, so by default the copy runs in a fresh `stratactl cp` (Launch::Exec); stratactl
// itself, single-threaded, forks its helper directly (Launch::Fork).
class ContainerCopier {
public:
    enum class Launch { Exec, Fork };
    explicit ContainerCopier(Store &store, Launch launch = Launch::Exec);
    // A cancel stops the copy within 100 ms; what was copied until then stays, as with a
    // killed `docker cp`.
    Status copyIn(const Container &container, const QString &hostPath, const QString &containerPath, const Progress &progress = {});
    Status copyOut(const Container &container, const QString &containerPath, const QString &hostPath, const Progress &progress = {});

private:
    Status run(const Container &container, const QString &hostPath, const QString &containerPath, bool intoContainer, const Progress &progress);
    Status runProgram(const Container &container, const QString &hostPath, const QString &containerPath, bool intoContainer, const Progress &progress);
    Store &m_store;
    Launch m_launch;
};

} // namespace strata
