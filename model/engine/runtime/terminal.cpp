#include "terminal.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace strata {

void copyWindowSize(int from, int master)
{
    winsize size {};
    if (master >= 0 && ioctl(from, TIOCGWINSZ, &size) == 0 && size.ws_row > 0)
        ioctl(master, TIOCSWINSZ, &size); // the program on the terminal gets SIGWINCH
}

int openTerminalFor(int toFd)
{
    const int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    char name[128];
    if (master < 0 || unlockpt(master) != 0 || ptsname_r(master, name, sizeof name) != 0)
        return -1;
    const int slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave < 0) {
        close(master);
        return -1;
    }
    // 80x24 until the receiver sets the attached client's size (the program then gets SIGWINCH).
    const winsize classic { 24, 80, 0, 0 };
    ioctl(slave, TIOCSWINSZ, &classic);
    char tag = 't';
    iovec iov { &tag, 1 };
    const int fds[2] = { master, slave };
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof fds)] = {};
    msghdr msg {};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof fds);
    std::memcpy(CMSG_DATA(c), fds, sizeof fds);
    const bool sent = sendmsg(toFd, &msg, MSG_NOSIGNAL) == 1;
    close(master);
    if (!sent) {
        close(slave);
        return -1;
    }
    return slave;
}

Terminal receiveTerminal(int fromFd)
{
    Terminal t;
    char tag = 0;
    iovec iov { &tag, 1 };
    alignas(cmsghdr) char control[CMSG_SPACE(2 * sizeof(int))] = {};
    msghdr msg {};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n;
    do
        n = recvmsg(fromFd, &msg, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    cmsghdr *c = n == 1 ? CMSG_FIRSTHDR(&msg) : nullptr;
    if (!c || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(2 * sizeof(int)))
        return t;
    int fds[2];
    std::memcpy(fds, CMSG_DATA(c), sizeof fds);
    t.master = fds[0];
    t.slave = fds[1];
    return t;
}

void drainTerminal(int master, const std::function<void(const char *, size_t)> &sink)
{
    for (;;) {
        pollfd p { master, POLLIN, 0 };
        if (poll(&p, 1, 50) <= 0)
            return; // quiet for 50 ms: the program's last output has arrived
        char buf[4096];
        const ssize_t n = read(master, buf, sizeof buf);
        if (n <= 0)
            return;
        sink(buf, size_t(n));
    }
}

} // namespace strata
