#include "containermonitor.h"

#include "containerinit.h"
#include "containerstore.h"
#include "rootfsplan.h"
#include "fsutil.h"
#include "store.h"
#include "storeopen.h"
#include "volumestore.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

namespace strata {

namespace {

    void writeAll(int fd, const char *p, size_t n)
    {
        while (n > 0) {
            const ssize_t w = write(fd, p, n);
            if (w < 0) {
                if (errno == EINTR)
                    continue;
                return; // an attached client that went away must not stop the container
            }
            p += w;
            n -= size_t(w);
        }
    }

    void report(int fd, const QByteArray &line)
    {
        if (fd >= 0)
            writeAll(fd, line.constData(), size_t(line.size()));
    }

    // One stream of the container, split into Docker's json-file lines.
    struct LogStream {
        const char *name;
        int fd = -1; // read end of the container's pipe
        int forwardFd = -1; // the attached client's stream, or -1
        QByteArray partial;
    };

    QByteArray logLine(const char *stream, const QByteArray &text)
    {
        QJsonObject o { { QStringLiteral("log"), QString::fromUtf8(text) }, { QStringLiteral("stream"), QLatin1String(stream) },
            { QStringLiteral("time"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs) } };
        return QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
    }

    // Takes output of the container: forwarded to an attached client, logged line by line.
    void absorb(LogStream &s, const char *buf, size_t n, int logFd)
    {
        if (s.forwardFd >= 0)
            writeAll(s.forwardFd, buf, n);
        s.partial.append(buf, qsizetype(n));
        QByteArray out;
        qsizetype start = 0;
        for (qsizetype nl; (nl = s.partial.indexOf('\n', start)) >= 0; start = nl + 1)
            out += logLine(s.name, s.partial.mid(start, nl + 1 - start));
        s.partial.remove(0, start);
        if (s.partial.size() >= 16 * 1024) { // as Docker: very long lines are cut into records
            out += logLine(s.name, s.partial);
            s.partial.clear();
        }
        if (!out.isEmpty())
            report(logFd, out);
    }

    void flushPartial(LogStream &s, int logFd)
    {
        if (!s.partial.isEmpty())
            report(logFd, logLine(s.name, s.partial));
        s.partial.clear();
    }

    // Reads what is available; returns false at end of stream.
    bool pump(LogStream &s, int logFd)
    {
        char buf[65536];
        const ssize_t n = read(s.fd, buf, sizeof buf);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            return true;
        if (n <= 0) { // end of a pipe, or EIO from a terminal whose last user left
            flushPartial(s, logFd);
            return false;
        }
        absorb(s, buf, size_t(n), logFd);
        return true;
    }

    int statusOf(int waitStatus)
    {
        if (WIFEXITED(waitStatus))
            return WEXITSTATUS(waitStatus);
        if (WIFSIGNALED(waitStatus))
            return 128 + WTERMSIG(waitStatus);
        return 255;
    }

    class Monitor {
    public:
        Monitor(Store &store, const Container &container, bool attached, int statusFd)
            : m_store(store)
            , m_containers(store)
            , m_c(container)
            , m_attached(attached)
            , m_statusFd(statusFd)
        {
        }

        int run();

    private:
        Result<InitPlan> plan() const;
        int failStart(int status, const QString &message);
        // Records how the container ended, trying again for a moment (a full disk may clear):
        // if it still fails, the attached client is told, and readers see the container as
        // dead once this monitor is gone, which is the truth they can know.
        void recordExit(const ContainerState &state);
        // --rm: out of the store, with the volumes made for it, then the exit reported.
        void removeAfterExit(const ContainerState &state);
        static QByteArray exitLine(const ContainerState &state);

        Store &m_store;
        ContainerStore m_containers;
        Container m_c;
        bool m_attached;
        int m_statusFd;
    };

    Result<InitPlan> Monitor::plan() const
    {
        const ContainerConfig &c = m_c.config;
        const QString dir = m_containers.dir(c.id);
        InitPlan p;
        p.rootless = m_store.rootless();
        p.ownNetwork = c.network != QLatin1String("host");
        STRATA_TRY(planRootFilesystem(m_store, c, p));
        p.process.hostname = c.hostname.toUtf8();
        p.process.rootless = p.rootless;
        for (const char *file : { "hostname", "hosts", "resolv.conf" })
            p.binds.append({ QFile::encodeName(dir + u'/' + QLatin1String(file)), QByteArray("/etc/") + file, false, true });
        VolumeStore volumes(m_store);
        for (const MountSpec &m : c.mounts) {
            QString source = m.source;
            if (m.type == MountSpec::Type::Volume) {
                auto v = volumes.get(m.source);
                if (!v)
                    return fail(QStringLiteral("container %1: volume %2 is gone: %3").arg(c.name, m.source, v.error()));
                source = v->mountpoint;
            }
            QFileInfo info(source);
            if (!info.exists())
                return fail(QStringLiteral("container %1: the host path %2 of its mount on %3 does not exist").arg(c.name, source, m.destination));
            p.binds.append({ QFile::encodeName(source), QFile::encodeName(m.destination), m.readOnly, !info.isDir() });
        }
        for (const QString &a : c.args())
            p.process.args.append(a.toUtf8());
        for (const QString &e : c.env)
            p.process.env.append(e.toUtf8());
        p.process.workingDir = c.workingDir.toUtf8();
        p.process.user = c.user.toUtf8();
        return p;
    }

    int Monitor::failStart(int status, const QString &message)
    {
        ContainerState s;
        s.status = ContainerState::Status::Created;
        s.exitCode = status;
        s.error = message;
        QString text = message;
        if (Status written = m_containers.writeState(m_c.config.id, s); !written)
            text += QStringLiteral(" (and the failure could not be recorded: %1)").arg(written.error());
        report(m_statusFd, "error " + QByteArray::number(status) + ' ' + text.toUtf8() + '\n');
        if (m_c.config.autoRemove)
            (void)m_containers.remove(m_c, {}, ContainerStore::LockHeld::ByCaller);
        return 1;
    }

    void Monitor::recordExit(const ContainerState &state)
    {
        Status written;
        for (int attempt = 0; attempt < 5; ++attempt) {
            written = m_containers.writeState(m_c.config.id, state);
            if (written)
                return;
            usleep(100 * 1000);
        }
        report(m_statusFd, "warning container " + m_c.config.name.toUtf8() + ": cannot record its exit: " + written.error().toUtf8() + '\n');
    }

    int Monitor::run()
    {
        const QString id = m_c.config.id;
        // Held for the monitor's whole life (never closed): it is how everyone tells it is alive.
        auto lock = m_containers.lockIdle(m_c);
        if (!lock) {
            report(m_statusFd, "error 1 " + lock.error().toUtf8() + '\n');
            return 1;
        }
        auto p = plan();
        if (!p)
            return failStart(InitSetupFailed, p.error());

        const int logFd = open(QFile::encodeName(m_containers.logPath(id)).constData(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
        if (logFd < 0)
            return failStart(InitSetupFailed, QStringLiteral("cannot open the log: %1").arg(fs::errorText(errno)));
        int out[2], err[2], errorPipe[2], sync[2];
        if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0 || pipe2(errorPipe, O_CLOEXEC) != 0
            || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sync) != 0)
            return failStart(InitSetupFailed, QStringLiteral("cannot create pipes: %1").arg(fs::errorText(errno)));
        const int devNull = open("/dev/null", O_RDWR | O_CLOEXEC);
        p->stdinFd = m_attached && m_c.config.interactive ? 0 : devNull;
        p->stdoutFd = out[1];
        p->stderrFd = err[1];
        // -t: the init opens a pseudo-terminal in the container and sends us its master side;
        // we relay the attached client's keystrokes into it and its output to the client and log.
        int master = -1;
        int heldSlave = -1; // keeps the master readable (no EIO) until we have drained it
        p->tty = m_c.config.tty;

        unsigned long flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC;
        if (p->ownNetwork)
            flags |= CLONE_NEWNET;
        if (p->rootless)
            flags |= CLONE_NEWUSER;
        const pid_t child = pid_t(syscall(SYS_clone, flags | SIGCHLD, nullptr, nullptr, nullptr, nullptr));
        if (child < 0)
            return failStart(InitSetupFailed, QStringLiteral("cannot create the container's namespaces: %1").arg(fs::errorText(errno)));
        if (child == 0) {
            close(sync[0]);
            close(errorPipe[0]);
            runContainerInit(p.value(), sync[1], errorPipe[1]);
        }
        close(sync[1]);
        close(errorPipe[1]);
        close(out[1]);
        close(err[1]);
        if (p->tty) {
            // The container writes to the terminal, not to the pipes.
            close(out[0]);
            close(err[0]);
            out[0] = err[0] = -1; // the terminal's master side, once received, reads for both
        }

        // The child asks for its id maps once its user namespace exists.
        char c = 0;
        if (read(sync[0], &c, 1) == 1 && c == InitSyncNeedMaps) {
            const QByteArray maps = writeIdMaps(QByteArray::number(child), p->rootless, geteuid(), getegid());
            if (!maps.isEmpty()) {
                kill(child, SIGKILL);
                waitpid(child, nullptr, 0);
                return failStart(InitSetupFailed, QStringLiteral("cannot map the container's user namespace: %1").arg(QString::fromUtf8(maps)));
            }
            (void)!write(sync[0], "g", 1);
        }
        if (p->tty) {
            const Terminal terminal = receiveTerminal(sync[0]); // -1s when the init failed first (errorPipe says why)
            master = out[0] = terminal.master;
            heldSlave = terminal.slave;
            // The attached client's size (its terminal is our stdin); the init set 80x24.
            if (m_attached)
                copyWindowSize(0, master);
        }
        close(sync[0]);
        const QByteArray failure = fs::readToEnd(errorPipe[0]);
        close(errorPipe[0]);
        if (!failure.isEmpty()) {
            int ws = 0;
            waitpid(child, &ws, 0);
            const qsizetype space = failure.indexOf(' ');
            const int status = failure.left(space).toInt();
            return failStart(status ? status : InitSetupFailed, QString::fromUtf8(failure.mid(space + 1)));
        }

        ContainerState state;
        state.status = ContainerState::Status::Running;
        state.pid = child;
        state.monitorPid = getpid();
        state.startedAt = QDateTime::currentDateTimeUtc();
        if (Status written = m_containers.writeState(id, state); !written) {
            // Unrecorded, nobody could find the container to stop it: it does not run at all.
            kill(child, SIGKILL);
            waitpid(child, nullptr, 0);
            return failStart(InitSetupFailed, QStringLiteral("container %1: cannot record that it runs: %2").arg(m_c.config.name, written.error()));
        }
        report(m_statusFd, "started " + QByteArray::number(child) + '\n');

        LogStream streams[2] = { { "stdout", out[0], m_attached ? 1 : -1, {} }, { "stderr", err[0], m_attached ? 2 : -1, {} } };
        // The client's keystrokes for the terminal (a pipe keeps stdin in the container's hands).
        int keys = p->tty && m_attached && m_c.config.interactive ? 0 : -1;
        // The attached client passes on SIGWINCH when its terminal (our stdin) is resized.
        int resized = -1;
        if (keys >= 0 && master >= 0) {
            sigset_t winch;
            sigemptyset(&winch);
            sigaddset(&winch, SIGWINCH);
            sigprocmask(SIG_BLOCK, &winch, nullptr);
            resized = signalfd(-1, &winch, SFD_CLOEXEC | SFD_NONBLOCK);
        }
        const int pidFd = int(syscall(SYS_pidfd_open, child, 0));
        bool exited = false;
        int waitStatus = 0;
        int openStreams = p->tty ? 1 : 2;
        qint64 drainUntil = 0;
        while (openStreams > 0 || !exited) {
            pollfd fds[5];
            int nfds = 0;
            for (const LogStream &s : streams) {
                if (s.fd >= 0)
                    fds[nfds++] = { s.fd, POLLIN, 0 };
            }
            if (keys >= 0 && !exited)
                fds[nfds++] = { keys, POLLIN, 0 };
            if (resized >= 0 && !exited)
                fds[nfds++] = { resized, POLLIN, 0 };
            if (!exited)
                fds[nfds++] = { pidFd, POLLIN, 0 };
            int timeout = -1;
            if (exited) // the init process is gone; a stray holder of the pipes gets a moment
                timeout = int(std::max<qint64>(0, drainUntil - QDateTime::currentMSecsSinceEpoch()));
            const int ready = poll(fds, nfds_t(nfds), pidFd < 0 && !exited ? 100 : timeout);
            if (ready < 0 && errno != EINTR)
                break;
            if (exited && ready == 0)
                break;
            if (exited && master >= 0 && streams[0].fd == master) {
                drainTerminal(master, [&](const char *buf, size_t n) { absorb(streams[0], buf, n, logFd); });
                flushPartial(streams[0], logFd);
                close(master);
                streams[0].fd = -1;
                openStreams = 0;
                break;
            }
            for (int i = 0; i < nfds; ++i) {
                if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                    continue;
                if (fds[i].fd == resized) {
                    signalfd_siginfo info;
                    while (read(resized, &info, sizeof info) == sizeof info) { }
                    copyWindowSize(0, master);
                    continue;
                }
                if (fds[i].fd == keys) {
                    char buf[4096];
                    const ssize_t n = read(keys, buf, sizeof buf);
                    if (n > 0)
                        writeAll(master, buf, size_t(n));
                    else if (n == 0 || errno != EINTR)
                        keys = -1; // the client went away: the container keeps running
                    continue;
                }
                for (LogStream &s : streams) {
                    if (s.fd == fds[i].fd && !pump(s, logFd)) {
                        close(s.fd);
                        s.fd = -1;
                        --openStreams;
                    }
                }
            }
            // Seen without reaping (WNOWAIT): state.json says "exited" before the pid can be
            // reused, so whoever reads "running" and then signals reaches this process.
            siginfo_t info {};
            if (!exited && waitid(P_PID, id_t(child), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == child) {
                exited = true;
                drainUntil = QDateTime::currentMSecsSinceEpoch() + 2000;
                state.status = ContainerState::Status::Exited;
                state.exitCode = info.si_code == CLD_EXITED ? info.si_status : 128 + info.si_status;
                state.finishedAt = QDateTime::currentDateTimeUtc();
                // A --rm container leaves the store instead (below, before its init is reaped,
                // so that nobody reads "running" with a pid that may be reused): its exit is
                // recorded only if it cannot leave, which saves a write of state.json.
                if (!m_c.config.autoRemove)
                    recordExit(state);
            }
        }
        const bool removeNow = m_c.config.autoRemove && state.status == ContainerState::Status::Exited;
        if (removeNow)
            removeAfterExit(state);
        waitpid(child, &waitStatus, 0);
        if (heldSlave >= 0)
            close(heldSlave);
        for (LogStream &s : streams) {
            if (s.fd >= 0)
                close(s.fd);
        }
        close(logFd);
        if (removeNow)
            return 0;

        if (state.status != ContainerState::Status::Exited) { // the loop ended early (poll failed)
            state.status = ContainerState::Status::Exited;
            state.exitCode = statusOf(waitStatus);
            state.finishedAt = QDateTime::currentDateTimeUtc();
            recordExit(state);
        }
        if (m_c.config.autoRemove)
            removeAfterExit(state);
        else
            report(m_statusFd, exitLine(state));
        return 0;
    }

    QByteArray Monitor::exitLine(const ContainerState &state)
    {
        return "exit " + QByteArray::number(state.exitCode) + '\n';
    }

    void Monitor::removeAfterExit(const ContainerState &state)
    {
        // The starter may return once the container has left the store; its files are
        // deleted after that (a crash then leaves them in tmp/, swept on the next open).
        // As Docker's --rm: the volumes made for this container go with it, before the
        // starter hears of the exit, so it finds neither when it returns.
        const auto removeVolumes = [&] {
            VolumeStore volumes(m_store);
            for (const MountSpec &m : m_c.config.mounts) {
                if (!m.anonymous)
                    continue;
                if (Status gone = volumes.remove(m.source); !gone)
                    report(m_statusFd, "warning " + gone.error().toUtf8() + '\n');
            }
        };
        bool reported = false;
        Status s = m_containers.remove(m_c, [&] { removeVolumes(), report(m_statusFd, exitLine(state)), reported = true; }, ContainerStore::LockHeld::ByCaller);
        if (!s && !reported) { // still in the store: it says how it ended
            report(m_statusFd, "warning " + s.error().toUtf8() + '\n');
            if (state.status == ContainerState::Status::Exited && m_containers.state(m_c.config.id).status != ContainerState::Status::Exited)
                recordExit(state);
        }
        if (!reported)
            report(m_statusFd, exitLine(state));
    }

    int runMonitor(Store &store, const Container &container, bool attached, int statusFd)
    {
        prctl(PR_SET_NAME, "strata-monitor"); // what ps and top show, whether forked or executed
        signal(SIGPIPE, SIG_IGN);
        signal(SIGHUP, SIG_IGN);
        signal(SIGINT, SIG_IGN);
        Monitor monitor(store, container, attached, statusFd);
        return monitor.run();
    }

} // namespace

int ContainerMonitor::run(const QString &root, const QString &id, bool attached, int statusFd)
{
    Store::Options options;
    options.root = root;
    options.sweep = false;
    auto store = openStore(options);
    if (!store) {
        report(statusFd, "error 125 " + store.error().toUtf8() + '\n');
        return 1;
    }
    auto container = ContainerStore(*store.value()).load(id);
    if (!container) {
        report(statusFd, "error 125 " + container.error().toUtf8() + '\n');
        return 1;
    }
    return runMonitor(*store.value(), container.value(), attached, statusFd);
}

int ContainerMonitor::run(Store &store, const Container &container, bool attached, int statusFd)
{
    // A fork shares the parent's description of store.lock, and with it the parent's flock:
    // the monitor needs one of its own to be excluded from the parent's changes.
    if (Status reopened = store.lock().reopen(); !reopened) {
        report(statusFd, "error 125 " + reopened.error().toUtf8() + '\n');
        return 1;
    }
    return runMonitor(store, container, attached, statusFd);
}

} // namespace strata
