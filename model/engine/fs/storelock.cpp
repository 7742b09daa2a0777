#include "storelock.h"

#include "fsutil.h"

#include <QFile>

#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace strata {

StoreLock::~StoreLock()
{
    if (m_fd >= 0)
        close(m_fd);
}

Status StoreLock::open(const QString &path)
{
    m_path = path;
    m_fd = ::open(QFile::encodeName(path).constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (m_fd < 0)
        return fail(ErrorCode::Io, QStringLiteral("%1: cannot open the store lock: %2").arg(path, fs::errorText(errno)));
    return {};
}

Status StoreLock::reopen()
{
    if (m_fd >= 0)
        close(m_fd);
    return open(m_path);
}

Status StoreLock::lock()
{
    m_mutex.lock();
    if (m_depth++ > 0)
        return {};
    while (flock(m_fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            const int err = errno;
            --m_depth;
            m_mutex.unlock();
            return fail(ErrorCode::Io, QStringLiteral("%1: cannot take the store lock: %2").arg(m_path, fs::errorText(err)));
        }
    }
    m_owner.store(std::this_thread::get_id());
    return {};
}

void StoreLock::unlock()
{
    if (!isLocked())
        return;
    if (--m_depth == 0) {
        m_owner.store(std::thread::id());
        flock(m_fd, LOCK_UN);
    }
    m_mutex.unlock();
}

bool StoreLock::isLocked() const
{
    return m_owner.load() == std::this_thread::get_id();
}

quint64 StoreLock::changeCounter(ChangeScope scope) const
{
    quint64 value = 0;
    if (pread(m_fd, &value, sizeof value, off_t(scope) * off_t(sizeof value)) != sizeof value)
        return 0;
    return value;
}

std::optional<StoreLock::Peek> StoreLock::peekChangeCounter(const QString &lockPath)
{
    const int fd = ::open(QFile::encodeName(lockPath).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return std::nullopt;
    Peek peek;
    struct stat st;
    const bool ok = fstat(fd, &st) == 0 && pread(fd, &peek.counter, sizeof peek.counter, 0) == sizeof peek.counter;
    close(fd);
    if (!ok)
        return std::nullopt;
    peek.inode = quint64(st.st_ino);
    return peek;
}

void StoreLock::bumpChangeCounter(ChangeScope scope)
{
    Q_ASSERT(isLocked());
    const auto bump = [this](ChangeScope s) {
        const quint64 value = changeCounter(s) + 1;
        if (pwrite(m_fd, &value, sizeof value, off_t(s) * off_t(sizeof value)) != sizeof value)
            qWarning("strata: cannot update the change counter in %s", qPrintable(m_path));
    };
    if (scope != ChangeScope::Any)
        bump(scope);
    bump(ChangeScope::Any); // last: a reader that sees Any move finds the scope moved too
}

} // namespace strata
