#pragma once

#include <unistd.h>
#include <utility>

namespace strata::fs {

// A file descriptor that closes itself; movable, not copyable.
class UniqueFd {
public:
    explicit UniqueFd(int fd = -1)
        : m_fd(fd)
    {
    }
    ~UniqueFd() { reset(-1); }
    UniqueFd(const UniqueFd &) = delete;
    UniqueFd &operator=(const UniqueFd &) = delete;
    UniqueFd(UniqueFd &&o) noexcept
        : m_fd(std::exchange(o.m_fd, -1))
    {
    }
    UniqueFd &operator=(UniqueFd &&o) noexcept
    {
        if (this != &o)
            reset(std::exchange(o.m_fd, -1));
        return *this;
    }
    int get() const { return m_fd; }
    bool ok() const { return m_fd >= 0; }
    // Now someone else's to close (fdopendir, closedir).
    int release() { return std::exchange(m_fd, -1); }
    void reset(int fd)
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = fd;
    }

private:
    int m_fd;
};

} // namespace strata::fs
