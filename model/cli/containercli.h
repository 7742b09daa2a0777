#pragma once

#include <QJsonObject>
#include <QList>
#include <QStringList>
#include <QTextStream>

#include <optional>

namespace strata {

class ChangeWatcher;
class Store;
struct Change;

// The container and volume commands of stratactl (create, start, run, ps, logs, stop, kill,
// rm, exec, diff, commit, cp, watch, volume), kept apart from the image commands in cli.cpp.
class ContainerCli {
public:
    ContainerCli(Store &store, QTextStream &out, QTextStream &err);

    static bool handles(const QString &command);
    static QString usage();
    // The hidden `__monitor` command, which runs before any store is opened here.
    // The hidden `__exec` command: ContainerRuntime::exec on behalf of a process with threads.
    static int runExecHelper(Store &store, const QStringList &arguments, QTextStream &err);
    static int runMonitor(const QString &root, const QStringList &args, QTextStream &err);
    int run(const QString &command, const QStringList &args);
    // A container's inspect JSON, if `reference` names one.
    std::optional<QJsonObject> inspect(const QString &reference);

    // What `diff` and `watch` print, for a container of Strata's store or of a peer's:
    // `diff`'s lines (A, C or D and the path, as docker prints them) written to standard output.
    static void printChanges(const QList<Change> &changes, QTextStream &out);
    // `watch`'s lines until the writable layer goes away, from the started `watcher`; `labels`
    // name the layers under the writable one (0 = top), for copy-ups.
    static void printEventsUntilGone(ChangeWatcher &watcher, const QStringList &labels, QTextStream &out);

private:
    int failWith(const QString &command, const QString &message, int code = 1);

    Store &m_store;
    QTextStream &m_out;
    QTextStream &m_err;
};

} // namespace strata
