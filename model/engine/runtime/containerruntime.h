#pragma once

#include "containerstore.h"
#include "containertypes.h"
#include "result.h"

#include <QJsonObject>

#include <QString>
#include <QStringList>

#include <sys/types.h>

namespace strata {

class Store;

// A started container, as its starter sees it.
struct StartedContainer {
    qint64 pid = 0;
    int statusFd = -1; // the monitor's reports; open while attached
};

// Standard streams a caller hands over; -1 for this process's own.
struct StreamFds {
    int in = -1;
    int out = -1;
    int err = -1;
    int inOr(int own) const { return in >= 0 ? in : own; }
    int outOr(int own) const { return out >= 0 ? out : own; }
    int errOr(int own) const { return err >= 0 ? err : own; }
};

struct ExecRequest {
    QStringList command;
    QStringList env; // KEY=value, added to the container's
    QString workingDir; // empty: the container's
    QString user; // empty: the container's
    bool interactive = false; // -i: the program reads stdin (else /dev/null)
    bool tty = false; // -t: the program gets a pseudo-terminal, relayed to stdin/stdout
    // The streams the program uses (pipes of a window's console, say); -1: this process's own
    // 0, 1 and 2. With tty, keystrokes come from stdinFd and the terminal's output goes to
    // stdoutFd. The caller keeps them; they are only duplicated.
    StreamFds streams;

    QJsonObject toJson() const; // without the streams: for `stratactl __exec`
    static ExecRequest fromJson(const QJsonObject &object);
};

// Starts, signals and enters containers. Daemonless: `start` launches a monitor (see
// ContainerMonitor) in a session of its own that lives on when the caller exits, and with it
// the container; every other operation works from state.json and the monitor's lock.
// Threads: a process with threads uses Launch::Exec (the default): after its forks it only
// moves descriptors and execs. Calls block (start, exec, stop): run them off a GUI thread.
class ContainerRuntime {
public:
    enum class Launch {
        Exec, // the monitor is a fresh `stratactl __monitor` process: safe from any caller
        Fork, // the monitor is a fork of this process, with its open store: saves an exec,
              // Qt's loading and the store's opening (~5 ms of a 20 ms `run`), only for
              // callers without threads (stratactl)
    };
    explicit ContainerRuntime(Store &store, Launch launch = Launch::Exec);

    // The program that runs monitors: $STRATA_MONITOR_PROGRAM, else stratactl next to this
    // executable.
    static QString monitorProgram();

    // Launches the monitor and waits until the container's program runs (or fails to). When
    // attached, the monitor writes the container's output to `streams` (this process's stdout
    // and stderr by default) and feeds it their stdin if the container is interactive; then
    // call waitForExit().
    // On failure, `failedStatus` gets the exit status Docker would give (127 for a program not
    // found, 126 for one that cannot run, 125 for the rest).
    Result<StartedContainer> start(const Container &container, bool attached, int *failedStatus = nullptr, const StreamFds &streams = {});
    // `run`: create, then start. The container stays when the start fails (created, with the
    // error, as Docker keeps it) unless it was asked for --rm; `failedStatus` as for start().
    struct Run {
        Container container;
        StartedContainer started;
    };
    Result<Run> run(const CreateRequest &request, bool attached, int *failedStatus = nullptr, const StreamFds &streams = {});
    // The container's exit status, from the monitor's report (attached starts only).
    Result<int> waitForExit(StartedContainer &started, const Container &container);

    Status kill(const Container &container, int signal);
    // A pidfd of the running container's init, or -1 when it is not running.
    int openInit(const Container &container) const;
    // SIGTERM, then SIGKILL after `timeoutSeconds`; returns once the monitor has recorded the end.
    Status stop(const Container &container, int timeoutSeconds);
    // `rm`: refuses a running container unless `force` (then SIGKILL first); `volumes` also
    // removes the anonymous volumes made for it.
    Status remove(const Container &container, bool force, bool volumes);
    // Waits until the container's monitor is gone; false on timeout.
    bool waitForMonitor(const QString &id, int timeoutMs) const;
    // Runs a program inside a running container with the request's streams and returns its
    // exit status. With Launch::Exec the joining is done by a fresh `stratactl __exec` process,
    // so a caller with threads never runs more than async-signal-safe calls after its fork.
    Result<int> exec(const Container &container, const ExecRequest &request);
    // `stratactl __exec`: the exec itself in this (single-threaded) process, reporting on
    // `reportFd` "exit N" or "error CODE MESSAGE".
    static int runExecHelper(Store &store, const QString &containerId, const QJsonObject &request, int reportFd);

private:
    Result<int> execHere(const Container &container, const ExecRequest &request);
    Result<int> execThroughHelper(const Container &container, const ExecRequest &request);
    static void relayTerminal(int master, bool withInput, pid_t child, int inFd, int outFd);
    Store &m_store;
    Launch m_launch;
};

} // namespace strata
