#include "containercli.h"

#include "args.h"
#include "changewatcher.h"
#include "containercommitter.h"
#include "containercopier.h"
#include "containermonitor.h"
#include "containerruntime.h"
#include "containerdescription.h"
#include "containerlog.h"
#include "containerstore.h"
#include "humanize.h"
#include "progressbar.h"
#include "store.h"
#include "texttable.h"
#include "volumestore.h"

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QThread>

#include <csignal>
#include <termios.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace strata {

namespace {

    // Pidfds of the attached container's init and of its monitor, for the handler below.
    volatile sig_atomic_t attachedPidFd = -1;
    volatile sig_atomic_t monitorPidFd = -1;

    // As `docker run` does: Ctrl-C, SIGTERM and SIGHUP sent to the attached stratactl go to the
    // container (whose init decides what they mean), not just to stratactl; a terminal resize
    // (SIGWINCH) goes to the monitor, which resizes the container's terminal.
    void proxySignal(int sig)
    {
        const int target = sig == SIGWINCH ? int(monitorPidFd) : int(attachedPidFd);
        if (target >= 0)
            syscall(SYS_pidfd_send_signal, target, sig, nullptr, 0);
    }

    // Raw mode on our terminal while a container's pseudo-terminal is attached: keystrokes
    // (Ctrl-C included) go to the container's terminal as they are typed.
    class RawTerminal {
    public:
        explicit RawTerminal(bool wanted)
        {
            if (!wanted || !isatty(0) || tcgetattr(0, &m_saved) != 0)
                return;
            termios raw = m_saved;
            cfmakeraw(&raw);
            m_active = tcsetattr(0, TCSANOW, &raw) == 0;
        }
        ~RawTerminal()
        {
            if (m_active)
                tcsetattr(0, TCSANOW, &m_saved);
        }
        RawTerminal(const RawTerminal &) = delete;
        RawTerminal &operator=(const RawTerminal &) = delete;

    private:
        termios m_saved {};
        bool m_active = false;
    };

    void proxySignals(int pidFd, qint64 monitorPid)
    {
        if (pidFd < 0)
            return;
        attachedPidFd = pidFd;
        if (monitorPid > 0)
            monitorPidFd = int(syscall(SYS_pidfd_open, pid_t(monitorPid), 0));
        struct sigaction sa {};
        sa.sa_handler = proxySignal;
        sigemptyset(&sa.sa_mask);
        for (int sig : { SIGINT, SIGTERM, SIGHUP, SIGWINCH })
            sigaction(sig, &sa, nullptr);
    }

    const QStringList commands { QStringLiteral("create"), QStringLiteral("start"), QStringLiteral("run"), QStringLiteral("ps"), QStringLiteral("logs"),
        QStringLiteral("stop"), QStringLiteral("kill"), QStringLiteral("rm"), QStringLiteral("exec"), QStringLiteral("volume"), QStringLiteral("diff"), QStringLiteral("watch"), QStringLiteral("commit"), QStringLiteral("cp") };

    const QStringList createFlags { QStringLiteral("-d"), QStringLiteral("--detach"), QStringLiteral("--rm"), QStringLiteral("-i"),
        QStringLiteral("--interactive"), QStringLiteral("-t"), QStringLiteral("--tty") };
    const QStringList createOptions { QStringLiteral("-e"), QStringLiteral("--env"), QStringLiteral("-w"), QStringLiteral("--workdir"),
        QStringLiteral("--name"), QStringLiteral("--entrypoint"), QStringLiteral("--network"), QStringLiteral("--net"), QStringLiteral("-v"),
        QStringLiteral("--volume"), QStringLiteral("-u"), QStringLiteral("--user") };

    Result<CreateRequest> createRequest(const Args &a)
    {
        CreateRequest r;
        r.tty = a.has(QStringLiteral("-t"), QStringLiteral("--tty"));
        if (r.tty && a.has(QStringLiteral("-i"), QStringLiteral("--interactive")) && !a.has(QStringLiteral("-d"), QStringLiteral("--detach")) && !isatty(0))
            return fail(ErrorCode::InvalidInput, QStringLiteral("the input device is not a TTY: drop -t, or run from a terminal"));
        r.image = a.positional.first();
        r.command = a.positional.mid(1);
        r.name = a.value(QStringLiteral("--name"));
        if (a.options.contains(QStringLiteral("--entrypoint")))
            r.entrypoint = a.value(QStringLiteral("--entrypoint"));
        r.env = a.values(QStringLiteral("-e"), QStringLiteral("--env"));
        r.workingDir = a.value(QStringLiteral("-w"), QStringLiteral("--workdir"));
        r.user = a.value(QStringLiteral("-u"), QStringLiteral("--user"));
        r.network = a.value(QStringLiteral("--network"), QStringLiteral("--net"));
        r.volumes = a.values(QStringLiteral("-v"), QStringLiteral("--volume"));
        r.autoRemove = a.has(QStringLiteral("--rm"));
        r.interactive = a.has(QStringLiteral("-i"), QStringLiteral("--interactive"));
        return r;
    }

    QString statusText(const ContainerState &s)
    {
        switch (s.status) {
        case ContainerState::Status::Created:
            return s.error.isEmpty() ? QStringLiteral("Created") : QStringLiteral("Created (start failed: %1)").arg(s.exitCode);
        case ContainerState::Status::Running:
            return QStringLiteral("Up ") + humanize::duration(s.startedAt);
        case ContainerState::Status::Exited:
            return QStringLiteral("Exited (%1) %2").arg(s.exitCode).arg(humanize::ago(s.finishedAt));
        case ContainerState::Status::Dead:
            return QStringLiteral("Dead (monitor gone)");
        }
        return QString();
    }

    QString commandText(const ContainerConfig &c, bool noTrunc)
    {
        QString text = u'"' + c.args().join(u' ') + u'"';
        if (!noTrunc && text.size() > 22)
            text = text.left(20) + QStringLiteral("…\"");
        return text;
    }

    int signalNumber(const QString &name)
    {
        bool numeric = false;
        const int n = name.toInt(&numeric);
        if (numeric)
            return n;
        QString s = name.toUpper();
        if (s.startsWith(QLatin1String("SIG")))
            s = s.mid(3);
        static const QHash<QString, int> names { { QStringLiteral("HUP"), SIGHUP }, { QStringLiteral("INT"), SIGINT }, { QStringLiteral("QUIT"), SIGQUIT },
            { QStringLiteral("KILL"), SIGKILL }, { QStringLiteral("USR1"), SIGUSR1 }, { QStringLiteral("USR2"), SIGUSR2 }, { QStringLiteral("TERM"), SIGTERM },
            { QStringLiteral("STOP"), SIGSTOP }, { QStringLiteral("CONT"), SIGCONT } };
        return names.value(s, -1);
    }

} // namespace

ContainerCli::ContainerCli(Store &store, QTextStream &out, QTextStream &err)
    : m_store(store)
    , m_out(out)
    , m_err(err)
{
}

bool ContainerCli::handles(const QString &command)
{
    return commands.contains(command);
}

QString ContainerCli::usage()
{
    return QStringLiteral(R"(
Containers:
  create [OPTIONS] IMAGE [COMMAND [ARG...]]
                                a container with a writable layer on the image
  run [OPTIONS] IMAGE [COMMAND [ARG...]]
                                create and start; options: -d, --rm, -i, -t, -e KEY=VALUE,
                                -w DIR, --name NAME, --entrypoint CMD, --network none|host,
                                -u USER, -v VOLUME:/path, -v /host/path:/path[:ro]
  start [-a] [-i] CONTAINER...  start created or exited containers
  ps [-a] [-q] [--no-trunc]     list containers, with the size of each writable layer
  logs [-f] CONTAINER           the container's output (-f follows it)
  stop [-t SECONDS] CONTAINER...
                                SIGTERM, then SIGKILL after -t seconds (default 10)
  kill [-s SIGNAL] CONTAINER... send a signal (default KILL)
  rm [-f] [-v] CONTAINER...     remove containers with their writable layers; -f stops
                                running ones, -v removes their anonymous volumes
  exec [-i] [-t] [-e KEY=VALUE] [-w DIR] [-u USER] CONTAINER COMMAND [ARG...]
                                run a program in a running container
  diff CONTAINER                changes against the image: A added, C changed, D deleted
  cp CONTAINER:PATH HOSTPATH | cp HOSTPATH CONTAINER:PATH
                                copy files between the host and a container
  commit [-m MESSAGE] CONTAINER [REPOSITORY[:TAG]]
                                the writable layer as a new image layer
  watch CONTAINER               the writable layer changing, live: Added, Changed (with
                                copy-ups and their layer), Deleted, Opaque
  volume create|ls|inspect|rm|prune
                                named volumes (volumes/<name>/_data)
)");
}

void ContainerCli::printChanges(const QList<Change> &changes, QTextStream &out)
{
    QByteArray text;
    for (const Change &ch : changes)
        text += ch.letter() + QByteArray(" ") + ch.path + '\n';
    out.flush();
    (void)!write(1, text.constData(), size_t(text.size()));
}

void ContainerCli::printEventsUntilGone(ChangeWatcher &watcher, const QStringList &labels, QTextStream &out)
{
    QEventLoop loop;
    QObject::connect(&watcher, &ChangeWatcher::changed, &loop, [&](const ChangeEvent &e) {
        out << e.time.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz")) << "  " << e.kindName().leftJustified(7) << "  " << QString::fromUtf8(e.path);
        if (e.kind != ChangeEvent::Kind::Deleted)
            out << (e.isDir ? QStringLiteral("  (directory)") : QStringLiteral("  (%1)").arg(humanize::size(e.size)));
        if (e.copiedFromLayer >= 0)
            out << "  copied up from " << labels.value(e.copiedFromLayer) << ", " << humanize::size(e.copiedBytes) << " copied";
        out << '\n';
        out.flush();
    });
    QObject::connect(&watcher, &ChangeWatcher::finished, &loop, [&] {
        out << "The writable layer is gone (container removed).\n";
        loop.quit();
    });
    loop.exec();
}

int ContainerCli::failWith(const QString &command, const QString &message, int code)
{
    ProgressBar::clearLine(m_err);
    m_err << "stratactl " << command << ": " << message << '\n';
    m_err.flush();
    return code;
}

int ContainerCli::runMonitor(const QString &root, const QStringList &arguments, QTextStream &err)
{
    auto a = parseArgs(arguments, { QStringLiteral("--attach") }, { QStringLiteral("--status-fd") });
    if (!a || a->positional.size() != 1) {
        err << "stratactl __monitor: [--attach] [--status-fd N] CONTAINER-ID (started by stratactl, not by hand)\n";
        return 2;
    }
    const int statusFd = a->value(QStringLiteral("--status-fd"), {}, QStringLiteral("-1")).toInt();
    return ContainerMonitor::run(root, a->positional.first(), a->has(QStringLiteral("--attach")), statusFd);
}

int ContainerCli::runExecHelper(Store &store, const QStringList &arguments, QTextStream &err)
{
    auto a = parseArgs(arguments, {}, { QStringLiteral("--report-fd"), QStringLiteral("--request") });
    const QJsonDocument request = a ? QJsonDocument::fromJson(a->value(QStringLiteral("--request"), {}).toUtf8()) : QJsonDocument();
    if (!a || a->positional.size() != 1 || !request.isObject()) {
        err << "stratactl __exec: --report-fd N --request JSON CONTAINER-ID (started by Strata, not by hand)\n";
        return 2;
    }
    return ContainerRuntime::runExecHelper(store, a->positional.first(), request.object(), a->value(QStringLiteral("--report-fd"), {}, QStringLiteral("-1")).toInt());
}

std::optional<QJsonObject> ContainerCli::inspect(const QString &reference)
{
    ContainerStore containers(m_store);
    auto c = containers.resolve(reference);
    if (!c)
        return std::nullopt;
    return ContainerDescription(m_store).inspect(c.value());
}

int ContainerCli::run(const QString &command, const QStringList &args)
{
    ContainerStore containers(m_store);
    // stratactl has no threads: its monitors can be forks of it (ContainerRuntime::Launch).
    ContainerRuntime runtime(m_store, ContainerRuntime::Launch::Fork);
    auto parse = [&](const QStringList &flags, const QStringList &options, qsizetype minPositional, bool stopAtPositional = false) -> std::optional<Args> {
        auto parsed = parseArgs(args, flags, options, stopAtPositional);
        if (!parsed) {
            failWith(command, parsed.error(), 2);
            return std::nullopt;
        }
        if (parsed->positional.size() < minPositional) {
            failWith(command, QStringLiteral("wrong number of arguments (see stratactl --help)"), 2);
            return std::nullopt;
        }
        return parsed.value();
    };
    // The one container a command names (diff, watch).
    int singleStatus = 2; // the exit status when single() finds none
    auto single = [&]() -> std::optional<Container> {
        auto a = parse({}, {}, 1);
        if (!a)
            return std::nullopt;
        if (a->positional.size() != 1) {
            failWith(command, QStringLiteral("name one container"), 2);
            return std::nullopt;
        }
        auto c = containers.resolve(a->positional.first());
        if (!c) {
            singleStatus = failWith(command, c.error());
            return std::nullopt;
        }
        return c.value();
    };
    // Runs `action` for each named container; the exit status is 1 if any failed.
    auto forEach = [&](const QStringList &refs, const std::function<Status(const Container &)> &action) {
        int status = 0;
        for (const QString &ref : refs) {
            auto c = containers.resolve(ref);
            Status s = c ? action(c.value()) : Status(c.takeError());
            if (!s)
                status = failWith(command, s.error());
            else
                m_out << ref << '\n';
        }
        return status;
    };

    if (command == QLatin1String("create") || command == QLatin1String("run")) {
        auto a = parse(createFlags, createOptions, 1, true);
        if (!a)
            return 2;
        auto request = createRequest(a.value());
        if (!request)
            return failWith(command, request.error(), 2);
        if (command == QLatin1String("create")) {
            auto config = containers.create(request.value());
            if (!config)
                return failWith(command, config.error(), 125);
            m_out << config->id << '\n';
            return 0;
        }
        const bool detach = a->has(QStringLiteral("-d"), QStringLiteral("--detach"));
        m_out.flush();
        int failedStatus = 125;
        auto ran = runtime.run(request.value(), !detach, &failedStatus);
        if (!ran) // as Docker: the container stays (created, with the error) unless --rm
            return failWith(command, ran.error(), failedStatus > 0 ? failedStatus : 125);
        const Container &container = ran->container;
        if (detach) {
            m_out << container.config.id << '\n';
            return 0;
        }
        proxySignals(runtime.openInit(container), containers.state(container.config.id).monitorPid);
        const RawTerminal raw(container.config.tty && container.config.interactive);
        auto status = runtime.waitForExit(ran->started, container);
        if (!status)
            return failWith(command, status.error(), 125);
        return status.value();
    }
    if (command == QLatin1String("start")) {
        auto a = parse({ QStringLiteral("-a"), QStringLiteral("--attach"), QStringLiteral("-i"), QStringLiteral("--interactive") }, {}, 1);
        if (!a)
            return 2;
        const bool attach = a->has(QStringLiteral("-a"), QStringLiteral("--attach"));
        if (attach) {
            if (a->positional.size() != 1)
                return failWith(command, QStringLiteral("-a attaches to one container"), 2);
            auto c = containers.resolve(a->positional.first());
            if (!c)
                return failWith(command, c.error());
            auto started = runtime.start(c.value(), true);
            if (!started)
                return failWith(command, started.error());
            proxySignals(runtime.openInit(c.value()), containers.state(c->config.id).monitorPid);
            const RawTerminal raw(c->config.tty && c->config.interactive);
            auto status = runtime.waitForExit(started.value(), c.value());
            return status ? status.value() : failWith(command, status.error());
        }
        return forEach(a->positional, [&](const Container &c) -> Status {
            if (c.state.running())
                return {}; // as Docker: starting a running container is not an error
            auto started = runtime.start(c, false);
            return started ? Status() : Status(started.takeError());
        });
    }
    if (command == QLatin1String("ps")) {
        auto a = parse({ QStringLiteral("-a"), QStringLiteral("--all"), QStringLiteral("-q"), QStringLiteral("--quiet"), QStringLiteral("--no-trunc"),
                           QStringLiteral("-s"), QStringLiteral("--size") },
            {}, 0);
        if (!a)
            return 2;
        QStringList problems;
        auto list = containers.list(&problems);
        if (!list)
            return failWith(command, list.error());
        for (const QString &p : problems)
            m_err << "warning: " << p << " (run stratactl check)\n";
        const bool all = a->has(QStringLiteral("-a"), QStringLiteral("--all"));
        const bool noTrunc = a->has(QStringLiteral("--no-trunc"));
        TextTable table({ QStringLiteral("CONTAINER ID"), QStringLiteral("IMAGE"), QStringLiteral("COMMAND"), QStringLiteral("CREATED"),
            QStringLiteral("STATUS"), QStringLiteral("SIZE"), QStringLiteral("NAMES") });
        QStringList ids;
        for (const Container &c : list.value()) {
            if (!all && !c.state.running())
                continue;
            ids << (noTrunc ? c.config.id : c.config.shortId());
            table.add({ ids.last(), c.config.imageRef, commandText(c.config, noTrunc), humanize::ago(c.config.created), statusText(c.state),
                humanize::size(containers.writableSize(c.config.id)), c.config.name });
        }
        if (a->has(QStringLiteral("-q"), QStringLiteral("--quiet")))
            m_out << (ids.isEmpty() ? QString() : ids.join(u'\n') + u'\n');
        else
            m_out << table.render();
        return 0;
    }
    if (command == QLatin1String("logs")) {
        auto a = parse({ QStringLiteral("-f"), QStringLiteral("--follow"), QStringLiteral("-t"), QStringLiteral("--timestamps") }, {}, 1);
        if (!a)
            return 2;
        auto c = containers.resolve(a->positional.first());
        if (!c)
            return failWith(command, c.error());
        ContainerLog log(containers.logPath(c->config.id));
        if (Status s = log.open(); !s)
            return failWith(command, QStringLiteral("container %1: %2").arg(c->config.name, s.error()));
        const bool follow = a->has(QStringLiteral("-f"), QStringLiteral("--follow"));
        const bool timestamps = a->has(QStringLiteral("-t"), QStringLiteral("--timestamps"));
        for (;;) {
            // Liveness first: whatever the monitor wrote before it ended is read after it.
            const bool alive = follow && containers.monitorAlive(c->config.id);
            auto entries = log.readNew();
            if (!entries)
                return failWith(command, QStringLiteral("container %1: %2").arg(c->config.name, entries.error()));
            for (const LogEntry &e : std::as_const(entries.value())) {
                QTextStream &s = e.stream == LogEntry::Stream::Stderr ? m_err : m_out;
                if (timestamps)
                    s << e.time << ' ';
                s << e.text;
                s.flush();
            }
            if (!alive)
                break; // a partial last line (a monitor killed mid-write) stays unprinted
            QThread::msleep(50);
        }
        return 0;
    }
    if (command == QLatin1String("stop")) {
        auto a = parse({}, { QStringLiteral("-t"), QStringLiteral("--time") }, 1);
        if (!a)
            return 2;
        bool ok = false;
        const int timeout = a->value(QStringLiteral("-t"), QStringLiteral("--time"), QStringLiteral("10")).toInt(&ok);
        if (!ok || timeout < 0)
            return failWith(command, QStringLiteral("-t takes a number of seconds"), 2);
        return forEach(a->positional, [&](const Container &c) { return runtime.stop(c, timeout); });
    }
    if (command == QLatin1String("kill")) {
        auto a = parse({}, { QStringLiteral("-s"), QStringLiteral("--signal") }, 1);
        if (!a)
            return 2;
        const QString name = a->value(QStringLiteral("-s"), QStringLiteral("--signal"), QStringLiteral("KILL"));
        const int sig = signalNumber(name);
        if (sig <= 0 || sig >= 65)
            return failWith(command, QStringLiteral("unknown signal '%1'").arg(name), 2);
        return forEach(a->positional, [&](const Container &c) { return runtime.kill(c, sig); });
    }
    if (command == QLatin1String("rm")) {
        auto a = parse({ QStringLiteral("-f"), QStringLiteral("--force"), QStringLiteral("-v"), QStringLiteral("--volumes") }, {}, 1);
        if (!a)
            return 2;
        const bool force = a->has(QStringLiteral("-f"), QStringLiteral("--force"));
        const bool volumes = a->has(QStringLiteral("-v"), QStringLiteral("--volumes"));
        return forEach(a->positional, [&](const Container &c) { return runtime.remove(c, force, volumes); });
    }
    if (command == QLatin1String("exec")) {
        auto a = parse({ QStringLiteral("-i"), QStringLiteral("--interactive"), QStringLiteral("-t"), QStringLiteral("--tty"), QStringLiteral("-d") },
            { QStringLiteral("-e"), QStringLiteral("--env"), QStringLiteral("-w"), QStringLiteral("--workdir"), QStringLiteral("-u"), QStringLiteral("--user") }, 2, true);
        if (!a)
            return 2;
        auto c = containers.resolve(a->positional.first());
        if (!c)
            return failWith(command, c.error());
        ExecRequest r;
        r.command = a->positional.mid(1);
        r.env = a->values(QStringLiteral("-e"), QStringLiteral("--env"));
        r.workingDir = a->value(QStringLiteral("-w"), QStringLiteral("--workdir"));
        r.user = a->value(QStringLiteral("-u"), QStringLiteral("--user"));
        r.interactive = a->has(QStringLiteral("-i"), QStringLiteral("--interactive"));
        r.tty = a->has(QStringLiteral("-t"), QStringLiteral("--tty"));
        if (r.tty && r.interactive && !isatty(0))
            return failWith(command, QStringLiteral("the input device is not a TTY: drop -t, or run from a terminal"), 2);
        if (a->has(QStringLiteral("-d")))
            return failWith(command, QStringLiteral("-d (detached exec) is not supported: run the program in the background inside the container"), 2);
        m_out.flush();
        const RawTerminal raw(r.tty && r.interactive);
        auto status = runtime.exec(c.value(), r);
        if (!status)
            return failWith(command, status.error(), 126);
        return status.value();
    }
    if (command == QLatin1String("diff")) {
        auto c = single();
        if (!c)
            return singleStatus;
        auto changes = containers.changes(c.value());
        if (!changes)
            return failWith(command, changes.error());
        printChanges(changes.value(), m_out);
        return 0;
    }
    if (command == QLatin1String("cp")) {
        auto a = parse({ QStringLiteral("-a"), QStringLiteral("--archive") }, {}, 2);
        if (!a || a->positional.size() != 2)
            return a ? failWith(command, QStringLiteral("usage: cp CONTAINER:PATH HOSTPATH, or cp HOSTPATH CONTAINER:PATH"), 2) : 2;
        // A container side is NAME:PATH; a host path containing ':' can be written ./a:b.
        auto containerSide = [](const QString &arg) { return !arg.startsWith(u'/') && !arg.startsWith(u'.') && arg.contains(u':'); };
        const bool fromContainer = containerSide(a->positional[0]);
        const bool toContainer = containerSide(a->positional[1]);
        if (fromContainer == toContainer)
            return failWith(command, QStringLiteral("exactly one side must be CONTAINER:PATH"), 2);
        const QString spec = a->positional[fromContainer ? 0 : 1];
        auto c = containers.resolve(spec.left(spec.indexOf(u':')));
        if (!c)
            return failWith(command, c.error());
        const QString inside = spec.mid(spec.indexOf(u':') + 1);
        ContainerCopier copier(m_store, ContainerCopier::Launch::Fork); // stratactl has no threads
        const ProgressBar bar(m_err);
        Status s = fromContainer ? copier.copyOut(c.value(), inside, a->positional[1], bar.progress())
                                 : copier.copyIn(c.value(), a->positional[0], inside, bar.progress());
        return s ? 0 : failWith(command, s.error());
    }
    if (command == QLatin1String("commit")) {
        auto a = parse({}, { QStringLiteral("-m"), QStringLiteral("--message") }, 1);
        if (!a || a->positional.size() > 2)
            return a ? failWith(command, QStringLiteral("usage: commit [-m MESSAGE] CONTAINER [REPOSITORY[:TAG]]"), 2) : 2;
        auto c = containers.resolve(a->positional.first());
        if (!c)
            return failWith(command, c.error());
        const ProgressBar bar(m_err);
        auto id = ContainerCommitter(m_store).commit(c.value(), a->positional.value(1), a->value(QStringLiteral("-m"), QStringLiteral("--message")), bar.progress());
        if (!id)
            return failWith(command, id.error());
        m_out << id->toString() << '\n';
        return 0;
    }
    if (command == QLatin1String("watch")) {
        auto c = single();
        if (!c)
            return singleStatus;
        auto base = containers.baseLayers(c->config);
        if (!base)
            return failWith(command, base.error());
        // Layer labels: 0 is the container's init layer, then the image's from the top.
        QStringList labels { QStringLiteral("the init layer") };
        for (qsizetype i = 1; i < base->size(); ++i) {
            const QString chain = QFileInfo(base->at(i)).dir().dirName();
            labels << QStringLiteral("image layer %1 of %2 (chain sha256:%3)").arg(base->size() - i).arg(base->size() - 1).arg(chain.left(12));
        }
        ChangeWatcher watcher(containers.upperDir(c->config.id), base.value(), m_store.driver().whiteoutStyle());
        if (Status s = watcher.start(); !s)
            return failWith(command, s.error());
        m_out << "Watching the writable layer of " << c->config.name << " (" << containers.upperDir(c->config.id) << "); Ctrl-C stops.\n";
        if (m_store.driver().name() == QLatin1String("vfs"))
            m_out << "Note: with vfs the writable layer is a full copy of the image: nothing is copied up on write.\n";
        else if (m_store.driver().name() == QLatin1String("btrfs"))
            m_out << "Note: with btrfs the writable layer is a snapshot of the image: a write takes new blocks only for the extents it changes, nothing is copied up.\n";
        m_out.flush();
        printEventsUntilGone(watcher, labels, m_out);
        return 0;
    }
    if (command == QLatin1String("volume")) {
        if (args.isEmpty())
            return failWith(command, QStringLiteral("name a subcommand: create, ls, inspect, rm, prune"), 2);
        const QString sub = args.first();
        auto a = parseArgs(args.mid(1), { QStringLiteral("-f"), QStringLiteral("--force"), QStringLiteral("-q"), QStringLiteral("--quiet") }, {});
        if (!a)
            return failWith(command, a.error(), 2);
        VolumeStore volumes(m_store);
        if (sub == QLatin1String("create")) {
            auto v = volumes.create(a->positional.value(0, QString::fromLatin1(QByteArray::number(QRandomGenerator::system()->generate64(), 16))));
            if (!v)
                return failWith(command, v.error());
            m_out << v->name << '\n';
            return 0;
        }
        if (sub == QLatin1String("ls")) {
            auto list = volumes.list(true);
            if (!list)
                return failWith(command, list.error());
            if (a->has(QStringLiteral("-q"), QStringLiteral("--quiet"))) {
                for (const Volume &v : list.value())
                    m_out << v.name << '\n';
                return 0;
            }
            TextTable table({ QStringLiteral("DRIVER"), QStringLiteral("VOLUME NAME"), QStringLiteral("SIZE"), QStringLiteral("USED BY") });
            for (const Volume &v : list.value())
                table.add({ QStringLiteral("local"), v.name, humanize::size(v.size), v.usedBy.join(QStringLiteral(", ")) });
            m_out << table.render();
            return 0;
        }
        if (sub == QLatin1String("inspect")) {
            QJsonArray out;
            int status = 0;
            for (const QString &name : a->positional) {
                auto v = volumes.get(name, true);
                if (v)
                    out.append(v->toJson());
                else
                    status = failWith(command, v.error());
            }
            m_out << QJsonDocument(out).toJson(QJsonDocument::Indented);
            return status;
        }
        if (sub == QLatin1String("rm")) {
            int status = 0;
            for (const QString &name : a->positional) {
                if (Status s = volumes.remove(name, a->has(QStringLiteral("-f"), QStringLiteral("--force"))); !s)
                    status = failWith(command, s.error());
                else
                    m_out << name << '\n';
            }
            return status;
        }
        if (sub == QLatin1String("prune")) {
            auto removed = volumes.prune();
            if (!removed)
                return failWith(command, removed.error());
            if (!removed->isEmpty())
                m_out << "Deleted Volumes:\n" << removed->join(u'\n') << '\n';
            m_out << "Total: " << removed->size() << " volume(s) removed\n";
            return 0;
        }
        return failWith(command, QStringLiteral("unknown subcommand '%1' (create, ls, inspect, rm, prune)").arg(sub), 2);
    }
    return failWith(command, QStringLiteral("unknown command"), 2);
}

} // namespace strata
