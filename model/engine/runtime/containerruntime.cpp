#include "containerruntime.h"

#include "containerinit.h"
#include "containermonitor.h"
#include "containerstore.h"
#include "fsutil.h"
#include "store.h"
#include "volumestore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonArray>
#include <QFileInfo>
#include <QThread>

#include <cerrno>
#include <csignal>
#include <QScopeGuard>

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace strata {

namespace {
    constexpr int startTimeoutMs = 30000;

    // Reads one line from the monitor's status pipe; empty at end of file.
    // A line from the monitor; with a timeout (ms), an empty line when it passes first.
    QByteArray readLine(int fd, int timeoutMs = -1, bool *timedOut = nullptr)
    {
        QByteArray line;
        char c;
        QElapsedTimer timer;
        timer.start();
        for (;;) {
            if (timeoutMs >= 0) {
                pollfd pfd { fd, POLLIN, 0 };
                const int left = int(qMax<qint64>(0, timeoutMs - timer.elapsed()));
                const int ready = poll(&pfd, 1, left);
                if (ready < 0 && errno == EINTR)
                    continue;
                if (ready == 0) {
                    if (timedOut)
                        *timedOut = true;
                    return {};
                }
            }
            const ssize_t n = read(fd, &c, 1);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0 || c == '\n')
                return line;
            line.append(c);
        }
    }

    // The monitors this process forked (Launch::Fork) that it has not reaped yet.
    QList<pid_t> &forkedMonitors()
    {
        static QList<pid_t> pids;
        return pids;
    }

    void reapMonitors()
    {
        forkedMonitors().removeIf([](pid_t pid) { return waitpid(pid, nullptr, WNOHANG) != 0; });
    }

    QString describeStatus(int status)
    {
        if (WIFEXITED(status))
            return QStringLiteral("exit status %1").arg(WEXITSTATUS(status));
        if (WIFSIGNALED(status))
            return QStringLiteral("signal %1").arg(WTERMSIG(status));
        return QStringLiteral("status %1").arg(status);
    }

} // namespace

// Copies our stdin into a pseudo-terminal's master side and its output to our stdout until
// `child` (which waits for the program) ends, then what the program wrote last.
void ContainerRuntime::relayTerminal(int master, bool withInput, pid_t child, int inFd, int outFd)
{
    auto toStdout = [outFd](const char *buf, size_t n) {
        for (size_t done = 0; done < n;) {
            const ssize_t w = write(outFd, buf + done, n - done);
            if (w <= 0)
                return;
            done += size_t(w);
        }
    };
    const int childFd = int(syscall(SYS_pidfd_open, child, 0));
    int in = withInput ? inFd : -1;
    // A resize of our terminal reaches the program's terminal (which then sends it SIGWINCH).
    sigset_t winch, before;
    sigemptyset(&winch);
    sigaddset(&winch, SIGWINCH);
    sigprocmask(SIG_BLOCK, &winch, &before);
    const int resized = signalfd(-1, &winch, SFD_CLOEXEC | SFD_NONBLOCK);
    const auto restore = qScopeGuard([&] {
        if (resized >= 0)
            close(resized);
        sigprocmask(SIG_SETMASK, &before, nullptr);
    });
    for (;;) {
        pollfd fds[4] = { { master, POLLIN, 0 }, { childFd, POLLIN, 0 }, { in, POLLIN, 0 }, { resized, POLLIN, 0 } };
        if (poll(fds, 4, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        char buf[4096];
        if (fds[0].revents) {
            const ssize_t n = read(master, buf, sizeof buf);
            if (n <= 0 && !(n < 0 && errno == EINTR))
                break;
            if (n > 0)
                toStdout(buf, size_t(n));
        }
        if (fds[1].revents || childFd < 0) {
            drainTerminal(master, toStdout);
            break;
        }
        if (fds[3].revents) {
            signalfd_siginfo info;
            while (read(resized, &info, sizeof info) == sizeof info) { }
            copyWindowSize(outFd, master);
        }
        if (in >= 0 && fds[2].revents) {
            const ssize_t n = read(in, buf, sizeof buf);
            if (n > 0)
                (void)!write(master, buf, size_t(n));
            else if (n == 0 || errno != EINTR)
                in = -1;
        }
    }
    if (childFd >= 0)
        close(childFd);
}

ContainerRuntime::ContainerRuntime(Store &store, Launch launch)
    : m_store(store)
    , m_launch(launch)
{
}

QString ContainerRuntime::monitorProgram()
{
    const QString fromEnv = qEnvironmentVariable("STRATA_MONITOR_PROGRAM");
    if (!fromEnv.isEmpty())
        return fromEnv;
    return QCoreApplication::applicationDirPath() + QStringLiteral("/stratactl");
}

Result<StartedContainer> ContainerRuntime::start(const Container &container, bool attached, int *failedStatus, const StreamFds &streams)
{
    if (failedStatus)
        *failedStatus = 125;
    reapMonitors();
    ContainerStore containers(m_store);
    if (containers.monitorAlive(container.config.id))
        return fail(ErrorCode::Conflict, QStringLiteral("container %1 is already running").arg(container.config.name));
    // A forked monitor runs this process's own code: no program to find (and no readlink of
    // /proc/self/exe and its path, component by component).
    const QString program = m_launch == Launch::Exec ? monitorProgram() : QString();
    if (m_launch == Launch::Exec && !QFileInfo(program).isExecutable())
        return fail(QStringLiteral("cannot start container %1: the monitor program %2 is missing (set STRATA_MONITOR_PROGRAM)").arg(container.config.name, program));

    // Everything the forked children use is prepared now: between fork and exec only
    // async-signal-safe calls (the GUI that calls this has threads).
    const QByteArray path = QFile::encodeName(program);
    QList<QByteArray> argStore { "stratactl", "--root", QFile::encodeName(m_store.root()), "__monitor", "--status-fd", "3" };
    if (attached)
        argStore.append("--attach");
    argStore.append(container.config.id.toLatin1());
    std::vector<char *> argv;
    for (QByteArray &a : argStore)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    const bool interactive = attached && container.config.interactive;

    int status[2];
    if (pipe2(status, O_CLOEXEC) != 0)
        return fail(QStringLiteral("cannot start container %1: %2").arg(container.config.name, fs::errorText(errno)));
    const pid_t child = fork();
    if (child < 0) {
        close(status[0]);
        close(status[1]);
        return fail(QStringLiteral("cannot start container %1: fork: %2").arg(container.config.name, fs::errorText(errno)));
    }
    if (child == 0) {
        // A new session: the monitor never waits on a terminal, nor gets our terminal's
        // signals. Executed, it is forked once more, so that it is nobody's child but init's
        // and a caller with a long life (the window) has no zombie to reap. A forked monitor
        // is our child (stratactl lives shorter than its containers; reapMonitors() collects
        // the ones that end before it does): a second fork of this process, a copy of its
        // whole address space, would cost 0.3 ms of every `run`.
        setsid();
        if (m_launch == Launch::Exec) {
            const pid_t monitor = fork();
            if (monitor != 0)
                _exit(monitor < 0 ? 1 : 0);
        }
        const int devNull = open("/dev/null", O_RDWR);
        if (attached) {
            // Duplicated above 3 first, so that moving one onto 0..2 cannot overwrite another.
            const int in = fcntl(streams.inOr(0), F_DUPFD_CLOEXEC, 10);
            const int out = fcntl(streams.outOr(1), F_DUPFD_CLOEXEC, 10);
            const int err = fcntl(streams.errOr(2), F_DUPFD_CLOEXEC, 10);
            dup2(interactive ? in : devNull, 0);
            dup2(out, 1);
            dup2(err, 2);
        } else {
            dup2(devNull, 0);
            dup2(devNull, 1);
            dup2(devNull, 2);
        }
        dup2(status[1], 3);
        syscall(SYS_close_range, 4u, ~0u, 0u);
        if (m_launch == Launch::Fork)
            _exit(ContainerMonitor::run(m_store, container, attached, 3));
        execv(path.constData(), argv.data());
        _exit(127);
    }
    close(status[1]);
    if (m_launch == Launch::Exec) {
        int ws = 0;
        while (waitpid(child, &ws, 0) < 0 && errno == EINTR) { }
    } else {
        forkedMonitors().append(child);
    }
    // Bounded: a monitor that hangs (a mount that blocks, say) must not hang the caller too.
    bool timedOut = false;
    const QByteArray line = readLine(status[0], startTimeoutMs, &timedOut);
    if (timedOut) {
        close(status[0]);
        return fail(ErrorCode::Io, QStringLiteral("container %1: its monitor did not report within %2 s").arg(container.config.name).arg(startTimeoutMs / 1000));
    }
    if (line.startsWith("started ")) {
        StartedContainer s;
        s.pid = line.mid(8).toLongLong();
        if (attached)
            s.statusFd = status[0];
        else
            close(status[0]);
        return s;
    }
    close(status[0]);
    if (line.startsWith("error ")) {
        const QByteArray rest = line.mid(6);
        if (failedStatus)
            *failedStatus = rest.left(rest.indexOf(' ')).toInt();
        return fail(QStringLiteral("container %1: %2").arg(container.config.name, QString::fromUtf8(rest.mid(rest.indexOf(' ') + 1))));
    }
    return fail(QStringLiteral("container %1: its monitor%2 ended without starting it").arg(container.config.name, program.isEmpty() ? QString() : u' ' + program));
}

Result<ContainerRuntime::Run> ContainerRuntime::run(const CreateRequest &request, bool attached, int *failedStatus, const StreamFds &streams)
{
    if (failedStatus)
        *failedStatus = 125;
    ContainerStore containers(m_store);
    auto config = containers.create(request);
    if (!config)
        return config.takeError();
    const Container container { config.value(), {} }; // just made: created, never started
    auto started = start(container, attached, failedStatus, streams);
    if (!started)
        return started.takeError();
    return Run { container, started.value() };
}

Result<int> ContainerRuntime::waitForExit(StartedContainer &started, const Container &container)
{
    for (;;) {
        const QByteArray line = readLine(started.statusFd);
        if (line.startsWith("exit ")) {
            // Once `run` returns, `rm` must work: the monitor is ending, give it a moment to be
            // gone. Its end closes the status pipe, which wakes us at once; the lock is the
            // proof (checked every 5 ms all the same, should the pipe's other end live on).
            if (!container.config.autoRemove) {
                ContainerStore containers(m_store);
                QElapsedTimer timer;
                timer.start();
                bool closed = false;
                while (containers.monitorAlive(container.config.id) && timer.elapsed() < 2000) {
                    if (closed) {
                        QThread::usleep(200); // the lock goes with the pipe, a moment later
                        continue;
                    }
                    pollfd pfd { started.statusFd, POLLIN, 0 };
                    char c;
                    if (poll(&pfd, 1, 5) > 0 && read(started.statusFd, &c, 1) == 0)
                        closed = true;
                }
            }
            close(started.statusFd);
            started.statusFd = -1;
            return line.mid(5).toInt();
        }
        if (line.isEmpty()) {
            close(started.statusFd);
            started.statusFd = -1;
            const ContainerState s = ContainerStore(m_store).state(container.config.id);
            if (s.status == ContainerState::Status::Exited)
                return s.exitCode;
            return fail(QStringLiteral("container %1: its monitor ended without reporting the exit status (state: %2)").arg(container.config.name, s.statusName()));
        }
    }
}

int ContainerRuntime::openInit(const Container &container) const
{
    ContainerStore containers(m_store);
    const ContainerState before = containers.state(container.config.id);
    if (!before.running() || before.pid <= 0)
        return -1;
    const int pidFd = int(syscall(SYS_pidfd_open, pid_t(before.pid), 0));
    // The monitor records the exit before it reaps the process: "running" read after the
    // pidfd was opened means the pidfd is the container's init, not a reuse of its pid.
    if (pidFd >= 0 && !containers.state(container.config.id).running()) {
        close(pidFd);
        return -1;
    }
    return pidFd;
}

Status ContainerRuntime::kill(const Container &container, int signal)
{
    const int pidFd = openInit(container);
    if (pidFd < 0)
        return fail(QStringLiteral("container %1 is not running").arg(container.config.name));
    const bool sent = syscall(SYS_pidfd_send_signal, pidFd, signal, nullptr, 0) == 0;
    const int err = errno;
    close(pidFd);
    if (!sent)
        return fail(QStringLiteral("container %1: cannot send signal %2: %3").arg(container.config.name).arg(signal).arg(fs::errorText(err)));
    return {};
}

bool ContainerRuntime::waitForMonitor(const QString &id, int timeoutMs) const
{
    ContainerStore containers(m_store);
    QElapsedTimer timer;
    timer.start();
    while (containers.monitorAlive(id)) {
        if (timer.elapsed() >= timeoutMs)
            return false;
        QThread::msleep(5);
    }
    return true;
}

Status ContainerRuntime::remove(const Container &c, bool force, bool volumes)
{
    ContainerStore containers(m_store);
    if (containers.state(c.config.id).running()) {
        if (!force)
            return fail(ErrorCode::InUse, QStringLiteral("container %1 is running: stop it first, or use rm -f").arg(c.config.name));
        (void)kill(c, SIGKILL);
        if (!waitForMonitor(c.config.id, 10000))
            return fail(QStringLiteral("container %1 did not stop after SIGKILL").arg(c.config.name));
        if (!QFileInfo::exists(containers.dir(c.config.id)))
            return {}; // a --rm container: its monitor removed it
    }
    STRATA_TRY(containers.remove(c));
    if (volumes) {
        VolumeStore store(m_store);
        for (const MountSpec &m : c.config.mounts) {
            if (m.anonymous)
                STRATA_TRY(store.remove(m.source));
        }
    }
    return {};
}

Status ContainerRuntime::stop(const Container &container, int timeoutSeconds)
{
    ContainerStore containers(m_store);
    if (!containers.state(container.config.id).running())
        return {};
    (void)kill(container, SIGTERM);
    if (waitForMonitor(container.config.id, std::max(0, timeoutSeconds) * 1000))
        return {};
    (void)kill(container, SIGKILL);
    if (!waitForMonitor(container.config.id, 10000))
        return fail(QStringLiteral("container %1 did not stop after SIGKILL").arg(container.config.name));
    return {};
}

QJsonObject ExecRequest::toJson() const
{
    return QJsonObject {
        { QStringLiteral("command"), QJsonArray::fromStringList(command) },
        { QStringLiteral("env"), QJsonArray::fromStringList(env) },
        { QStringLiteral("workingDir"), workingDir },
        { QStringLiteral("user"), user },
        { QStringLiteral("interactive"), interactive },
        { QStringLiteral("tty"), tty },
    };
}

ExecRequest ExecRequest::fromJson(const QJsonObject &o)
{
    ExecRequest r;
    for (const QJsonValue &v : o.value(QLatin1String("command")).toArray())
        r.command.append(v.toString());
    for (const QJsonValue &v : o.value(QLatin1String("env")).toArray())
        r.env.append(v.toString());
    r.workingDir = o.value(QLatin1String("workingDir")).toString();
    r.user = o.value(QLatin1String("user")).toString();
    r.interactive = o.value(QLatin1String("interactive")).toBool();
    r.tty = o.value(QLatin1String("tty")).toBool();
    return r;
}

Result<int> ContainerRuntime::exec(const Container &container, const ExecRequest &request)
{
    return m_launch == Launch::Fork ? execHere(container, request) : execThroughHelper(container, request);
}

Result<int> ContainerRuntime::execThroughHelper(const Container &container, const ExecRequest &request)
{
    const QString program = monitorProgram();
    if (!QFileInfo(program).isExecutable())
        return fail(QStringLiteral("exec in %1: the helper program %2 is missing (set STRATA_MONITOR_PROGRAM)").arg(container.config.name, program));
    // Everything the child needs is made now: after fork it only moves descriptors and execs.
    const QByteArray path = QFile::encodeName(program);
    QList<QByteArray> argStore { "stratactl", "--root", QFile::encodeName(m_store.root()), "__exec", "--report-fd", "3", "--request",
        QJsonDocument(request.toJson()).toJson(QJsonDocument::Compact), container.config.id.toLatin1() };
    std::vector<char *> argv;
    for (QByteArray &a : argStore)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0)
        return fail(ErrorCode::Io, QStringLiteral("exec in %1: %2").arg(container.config.name, fs::errorText(errno)));
    const int in = request.streams.inOr(0), out = request.streams.outOr(1), err = request.streams.errOr(2);
    const pid_t child = fork();
    if (child == 0) {
        const int fds[4] = { fcntl(in, F_DUPFD_CLOEXEC, 10), fcntl(out, F_DUPFD_CLOEXEC, 10), fcntl(err, F_DUPFD_CLOEXEC, 10), fcntl(report[1], F_DUPFD_CLOEXEC, 10) };
        for (int i = 0; i < 4; ++i)
            dup2(fds[i], i);
        syscall(SYS_close_range, 4u, ~0u, 0u);
        execv(path.constData(), argv.data());
        _exit(127);
    }
    close(report[1]);
    if (child < 0) {
        close(report[0]);
        return fail(ErrorCode::Io, QStringLiteral("exec in %1: fork: %2").arg(container.config.name, fs::errorText(errno)));
    }
    const QByteArray line = readLine(report[0]);
    close(report[0]);
    int ws = 0;
    while (waitpid(child, &ws, 0) < 0 && errno == EINTR) { }
    if (line.startsWith("exit "))
        return line.mid(5).toInt();
    if (line.startsWith("error ")) {
        const QByteArray rest = line.mid(6);
        return fail(ErrorCode(rest.left(rest.indexOf(' ')).toInt()), QString::fromUtf8(rest.mid(rest.indexOf(' ') + 1)));
    }
    return fail(QStringLiteral("exec in %1: the helper %2 ended with %3 and no report").arg(container.config.name, program, describeStatus(ws)));
}

int ContainerRuntime::runExecHelper(Store &store, const QString &containerId, const QJsonObject &request, int reportFd)
{
    const auto report = [reportFd](const QByteArray &line) { (void)!write(reportFd, line.constData(), size_t(line.size())); };
    auto container = ContainerStore(store).load(containerId);
    Result<int> status = container ? ContainerRuntime(store, Launch::Fork).execHere(container.value(), ExecRequest::fromJson(request)) : Result<int>(container.takeError());
    if (!status) {
        report("error " + QByteArray::number(int(status.code())) + ' ' + status.error().toUtf8().replace('\n', ' ') + '\n');
        return 125;
    }
    report("exit " + QByteArray::number(status.value()) + '\n');
    return status.value();
}

Result<int> ContainerRuntime::execHere(const Container &container, const ExecRequest &request)
{
    ContainerStore containers(m_store);
    const ContainerState s = containers.state(container.config.id);
    if (!s.running())
        return fail(QStringLiteral("container %1 is not running").arg(container.config.name));
    if (request.command.isEmpty())
        return fail(QStringLiteral("exec in %1: name the program to run").arg(container.config.name));
    int pidFd = openInit(container);
    if (pidFd < 0)
        return fail(QStringLiteral("container %1 is not running").arg(container.config.name));
    const auto closePidFd = qScopeGuard([&] { // on every early return below too
        if (pidFd >= 0)
            close(pidFd);
    });

    ProcessSpec spec;
    for (const QString &a : request.command)
        spec.args.append(a.toUtf8());
    QStringList env = container.config.env;
    if (Status s = applyEnvironment(env, request.env); !s)
        return fail(QStringLiteral("exec in %1: %2").arg(container.config.name, s.error()));
    for (const QString &e : std::as_const(env))
        spec.env.append(e.toUtf8());
    spec.workingDir = (request.workingDir.isEmpty() ? container.config.workingDir : request.workingDir).toUtf8();
    spec.user = (request.user.isEmpty() ? container.config.user : request.user).toUtf8();
    spec.hostname = container.config.hostname.toUtf8();
    spec.rootless = m_store.rootless();
    const bool hostNetwork = container.config.network == QLatin1String("host");
    const bool interactive = request.interactive;
    const StreamFds streams = request.streams;
    // -t: the terminal is opened inside the container (its own devpts, so `tty` names it) by
    // the joined process, which sends us the master side to relay.
    int master = -1;
    int heldSlave = -1; // keeps the master readable until the program's last output is read
    int terminalSocket[2] = { -1, -1 };
    if (request.tty && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, terminalSocket) != 0)
        return fail(QStringLiteral("exec in %1: %2").arg(container.config.name, fs::errorText(errno)));
    const auto closeTerminal = qScopeGuard([&] {
        for (int fd : { master, heldSlave, terminalSocket[0], terminalSocket[1] }) {
            if (fd >= 0)
                close(fd);
        }
    });

    int errorPipe[2];
    if (pipe2(errorPipe, O_CLOEXEC) != 0)
        return fail(QStringLiteral("exec in %1: %2").arg(container.config.name, fs::errorText(errno)));
    const pid_t child = fork();
    if (child < 0) {
        const int err = errno;
        close(errorPipe[0]);
        close(errorPipe[1]);
        return fail(ErrorCode::Io, QStringLiteral("exec in %1: fork: %2").arg(container.config.name, fs::errorText(err)));
    }
    if (child == 0) {
        close(errorPipe[0]);
        // Not dumpable: the container must not open /proc/<pid>/exe (this binary) while we
        // stand in its namespaces (runc's CVE-2019-5736).
        prctl(PR_SET_DUMPABLE, 0);
        // A container on the host network shares our network namespace: nothing to join there.
        const int flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | (hostNetwork ? 0 : CLONE_NEWNET);
        if (setns(pidFd, flags) != 0) {
            const QByteArray msg = "125 cannot join the container's namespaces: " + QByteArray(strerror(errno));
            (void)!write(errorPipe[1], msg.constData(), size_t(msg.size()));
            _exit(125);
        }
        close(pidFd);
        int slave = -1;
        if (terminalSocket[1] >= 0 && (slave = openTerminalFor(terminalSocket[1])) < 0) {
            const QByteArray msg = "125 cannot allocate a pseudo-terminal in the container: " + QByteArray(strerror(errno));
            (void)!write(errorPipe[1], msg.constData(), size_t(msg.size()));
            _exit(125);
        }
        // Joining a PID namespace applies to children: the program runs in a second fork.
        const pid_t inner = fork();
        if (inner == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            // A session of its own: the program must not reach our terminal or process group
            // (TIOCSTI, kill(0, ...)); stdin only when asked for.
            setsid();
            if (slave >= 0) {
                dup2(slave, 0);
                dup2(slave, 1);
                dup2(slave, 2);
                ioctl(0, TIOCSCTTY, 0);
            } else {
                const int devNull = open("/dev/null", O_RDONLY | O_CLOEXEC);
                const int fds[3] = { fcntl(interactive ? streams.inOr(0) : devNull, F_DUPFD_CLOEXEC, 10), fcntl(streams.outOr(1), F_DUPFD_CLOEXEC, 10),
                    fcntl(streams.errOr(2), F_DUPFD_CLOEXEC, 10) };
                for (int i = 0; i < 3; ++i)
                    dup2(fds[i], i);
            }
            execInContainer(spec, errorPipe[1]);
        }
        close(errorPipe[1]);
        if (slave >= 0)
            close(slave); // the program's now: its terminal ends when the program's last process does
        int ws = 0;
        while (inner > 0 && waitpid(inner, &ws, 0) < 0 && errno == EINTR) { }
        _exit(inner < 0 ? 125 : WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws));
    }
    close(pidFd);
    pidFd = -1;
    close(errorPipe[1]);
    if (terminalSocket[1] >= 0) {
        close(terminalSocket[1]);
        terminalSocket[1] = -1;
        const Terminal terminal = receiveTerminal(terminalSocket[0]); // -1s if the child failed first
        master = terminal.master;
        heldSlave = terminal.slave;
        copyWindowSize(streams.outOr(1), master);
    }
    const QByteArray failure = fs::readToEnd(errorPipe[0]);
    close(errorPipe[0]);
    if (master >= 0 && failure.isEmpty())
        relayTerminal(master, interactive, child, streams.inOr(0), streams.outOr(1));
    int ws = 0;
    while (waitpid(child, &ws, 0) < 0 && errno == EINTR) { }
    if (!failure.isEmpty())
        return fail(QStringLiteral("exec in %1: %2").arg(container.config.name, QString::fromUtf8(failure.mid(failure.indexOf(' ') + 1))));
    if (!WIFEXITED(ws))
        return fail(QStringLiteral("exec in %1: ended by %2").arg(container.config.name, describeStatus(ws)));
    return WEXITSTATUS(ws);
}

} // namespace strata
