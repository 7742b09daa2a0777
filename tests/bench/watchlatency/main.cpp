// Watch latency: from a write inside a container to ChangeWatcher's event about it.
// A child process joins the container's user and mount namespaces (as `exec` does) and writes
// COUNT files into its root at a steady pace, reporting each write's CLOCK_MONOTONIC time on a
// pipe; this process watches the container's writable layer and matches events to writes.
// Prints p50, p95 and max in milliseconds. Used by tests/bench/bench_containers.sh.
//
// Usage: bench_watch_latency --root STORE CONTAINER [COUNT] [INTERVAL_MS]
#include "changewatcher.h"
#include "containerstore.h"
#include "store.h"
#include "storeopen.h"

#include <QCoreApplication>
#include <QHash>
#include <QSocketNotifier>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fcntl.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace strata;

namespace {

qint64 monotonicNs()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

double percentile(QList<double> v, double p)
{
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0 : v[qsizetype(std::min<double>(double(v.size() - 1), p * double(v.size() - 1) + 0.5))];
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 4 || args[1] != QLatin1String("--root")) {
        std::fprintf(stderr, "usage: bench_watch_latency --root STORE CONTAINER [COUNT] [INTERVAL_MS]\n");
        return 2;
    }
    const int count = args.value(4, QStringLiteral("200")).toInt();
    const int intervalMs = args.value(5, QStringLiteral("20")).toInt();
    Store::Options options;
    options.root = args[2];
    auto store = openStore(options);
    if (!store) {
        std::fprintf(stderr, "%s\n", qPrintable(store.error()));
        return 1;
    }
    ContainerStore containers(*store.value());
    auto c = containers.resolve(args[3]);
    if (!c || !c->state.running()) {
        std::fprintf(stderr, "container %s: %s\n", qPrintable(args[3]), c ? "not running" : qPrintable(c.error()));
        return 1;
    }
    auto base = containers.baseLayers(c->config);
    if (!base) {
        std::fprintf(stderr, "%s\n", qPrintable(base.error()));
        return 1;
    }
    ChangeWatcher watcher(containers.upperDir(c->config.id), base.value());
    if (Status s = watcher.start(); !s) {
        std::fprintf(stderr, "%s\n", qPrintable(s.error()));
        return 1;
    }

    int pipeFds[2];
    if (pipe2(pipeFds, O_CLOEXEC) != 0)
        return 1;
    const pid_t writer = fork();
    if (writer == 0) {
        close(pipeFds[0]);
        const int pidFd = int(syscall(SYS_pidfd_open, pid_t(c->state.pid), 0));
        if (pidFd < 0 || setns(pidFd, CLONE_NEWUSER | CLONE_NEWNS) != 0)
            _exit(3);
        mkdir("/latency", 0755);
        for (int i = 0; i < count; ++i) {
            usleep(useconds_t(intervalMs) * 1000);
            char path[64];
            std::snprintf(path, sizeof path, "/latency/w%d", i);
            const qint64 t = monotonicNs();
            const int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
            if (fd < 0)
                _exit(4);
            (void)!write(fd, "x", 1);
            close(fd);
            char line[64];
            const int n = std::snprintf(line, sizeof line, "%d %lld\n", i, static_cast<long long>(t));
            (void)!write(pipeFds[1], line, size_t(n));
        }
        _exit(0);
    }
    close(pipeFds[1]);

    QHash<int, qint64> written, seen;
    QByteArray pending;
    QList<double> latencies;
    auto settle = [&](int i) {
        if (written.contains(i) && seen.contains(i))
            latencies.append(double(seen.value(i) - written.value(i)) / 1e6);
        if (latencies.size() == count)
            app.quit();
    };
    QSocketNotifier notifier(pipeFds[0], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, [&] {
        char buf[4096];
        const ssize_t n = read(pipeFds[0], buf, sizeof buf);
        if (n <= 0) {
            notifier.setEnabled(false);
            return;
        }
        pending.append(buf, n);
        qsizetype nl;
        while ((nl = pending.indexOf('\n')) >= 0) {
            const QList<QByteArray> f = pending.left(nl).split(' ');
            pending.remove(0, nl + 1);
            const int i = f.value(0).toInt();
            written.insert(i, f.value(1).toLongLong());
            settle(i);
        }
    });
    QObject::connect(&watcher, &ChangeWatcher::changed, [&](const ChangeEvent &e) {
        const qint64 now = monotonicNs();
        if (!e.path.startsWith("/latency/w") || e.kind != ChangeEvent::Kind::Added)
            return;
        const int i = e.path.mid(10).toInt();
        if (!seen.contains(i)) {
            seen.insert(i, now);
            settle(i);
        }
    });
    QTimer::singleShot(count * (intervalMs + 50) + 10000, &app, &QCoreApplication::quit);
    app.exec();
    int status = 0;
    waitpid(writer, &status, 0);
    if (latencies.size() < count)
        std::printf("warning: %lld of %d writes were reported\n", static_cast<long long>(latencies.size()), count);
    std::printf("watch latency over %lld writes: p50 %.2f ms, p95 %.2f ms, max %.2f ms\n", static_cast<long long>(latencies.size()), percentile(latencies, 0.5),
        percentile(latencies, 0.95), latencies.isEmpty() ? 0.0 : *std::max_element(latencies.cbegin(), latencies.cend()));
    return latencies.isEmpty() ? 1 : 0;
}
