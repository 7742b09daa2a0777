#pragma once

#include <functional>

#include <cstddef>

namespace strata {

// Pseudo-terminals for `run -t` and `exec -t`, shared by the container's init, the monitor and
// exec: opened inside the container, passed over a Unix socket, relayed outside.

// Gives a terminal's master side the window size of the terminal `from` (when it has one).
void copyWindowSize(int from, int master);

// A pseudo-terminal from the /dev/ptmx of the current root (the container's own devpts, so
// `tty` names it inside): sends both sides over the Unix socket `toFd` and returns the slave
// side, or -1 with errno set. The receiver keeps a slave descriptor too, so that reading the
// master does not end (EIO) before it has read what the program wrote last.
int openTerminalFor(int toFd);
struct Terminal {
    int master = -1;
    int slave = -1;
};
// Receives what openTerminalFor() sent; -1s if the other side closed first.
Terminal receiveTerminal(int fromFd);
// Reads what is left on a terminal's master side after its program ended, until it has been
// quiet for a moment, writing it with `sink`.
void drainTerminal(int master, const std::function<void(const char *, size_t)> &sink);

} // namespace strata
