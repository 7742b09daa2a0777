#include "confineddirs.h"

#include "fsutil.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace strata {

namespace {
    QString show(const QByteArray &path) { return QString::fromUtf8(path.left(200)); }
}

void ConfinedDirs::clear()
{
    for (int fd : std::as_const(m_cache))
        close(fd);
    m_cache.clear();
}

void ConfinedDirs::forget(const QByteArray &path)
{
    const QByteArray prefix = path + '/';
    for (auto it = m_cache.begin(); it != m_cache.end();) {
        if (it.key() == path || it.key().startsWith(prefix)) {
            close(*it);
            it = m_cache.erase(it);
        } else {
            ++it;
        }
    }
}

Result<int> ConfinedDirs::open(const QList<QByteArray> &parts, qsizetype count, bool create)
{
    if (count == 0)
        return m_root;
    QByteArray key = parts.first();
    for (qsizetype i = 1; i < count; ++i)
        key += '/' + parts[i];
    if (auto it = m_cache.constFind(key); it != m_cache.constEnd())
        return *it;
    if (m_cache.size() >= maxOpen)
        clear();

    int fd = m_root;
    QByteArray walked;
    for (qsizetype i = 0; i < count; ++i) {
        walked += (i ? "/" : "") + parts[i];
        if (auto it = m_cache.constFind(walked); it != m_cache.constEnd()) {
            fd = *it;
            continue;
        }
        int next = openat(fd, parts[i].constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (next < 0 && errno == ENOENT && create) {
            if (mkdirat(fd, parts[i].constData(), 0755) != 0 && errno != EEXIST)
                return fail(ErrorCode::Io, QStringLiteral("cannot create parent '%1': %2").arg(show(walked), fs::errorText(errno)));
            next = openat(fd, parts[i].constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
        if (next < 0) {
            const int err = errno;
            if (err == ENOENT)
                return -1; // the caller decides (a whiteout of something absent is fine)
            struct stat st;
            if (fstatat(fd, parts[i].constData(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
                return fail(ErrorCode::InvalidInput, QStringLiteral("goes through the symbolic link '%1'").arg(show(walked)));
            if (err == ENOTDIR)
                return fail(ErrorCode::InvalidInput, QStringLiteral("has the parent '%1' that is not a directory").arg(show(walked)));
            return fail(ErrorCode::Io, QStringLiteral("cannot open parent '%1': %2").arg(show(walked), fs::errorText(err)));
        }
        m_cache.insert(walked, next);
        fd = next;
    }
    return fd;
}

} // namespace strata
