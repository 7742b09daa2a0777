#pragma once

#include <QString>

namespace strata {

class Store;
struct Container;

// The small process that owns one running container (DESIGN §4): it outlives the command that
// started it, holds containers/<id>/monitor.lock for its whole life (so anyone can tell it is
// alive), creates the container's init process in its namespaces, writes state.json and the
// log, forwards output to an attached client, and removes the container after it exits when
// it was run with --rm.
//
// It runs as `stratactl __monitor` (see ContainerRuntime::start), or in a fork of a process
// without threads that has the store open (stratactl's own).
//
// It reports to the starter on `statusFd`, one line each: "started <pid>", then
// "exit <status>"; or "error <status> <message>" when the container could not start.
class ContainerMonitor {
public:
    // Opens the store at `root` (`stratactl __monitor`).
    static int run(const QString &root, const QString &id, bool attached, int statusFd);
    // In a fork of the process that has `store` open.
    static int run(Store &store, const Container &container, bool attached, int statusFd);
};

} // namespace strata
