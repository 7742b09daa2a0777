#pragma once

#include "result.h"

#include <QByteArray>
#include <QHash>
#include <QList>

namespace strata {

// Directories below a root, opened one component at a time and never through a symbolic link
// (O_NOFOLLOW at every step), so that nothing an untrusted tree holds can lead outside the
// root; the descriptors are kept in a bounded cache. A descriptor it returns belongs to the
// cache: it stays valid until the next open(), forget() or clear() (hold a duplicate across
// those). Used by one thread.
class ConfinedDirs {
public:
    ConfinedDirs() = default;
    ~ConfinedDirs() { clear(); }
    ConfinedDirs(const ConfinedDirs &) = delete;
    ConfinedDirs &operator=(const ConfinedDirs &) = delete;

    // The root, owned by the caller.
    void setRoot(int rootFd) { m_root = rootFd; }
    // The directory formed by the first `count` components of `parts` (the root for none),
    // missing directories made when `create`; -1 when a component is absent and not made. An
    // error's message is the cause, naming the component ("goes through the symbolic link 'a/b'").
    Result<int> open(const QList<QByteArray> &parts, qsizetype count, bool create);
    // Drops the descriptors of `path` and of everything below it (about to be removed).
    void forget(const QByteArray &path);
    void clear();

private:
    static constexpr int maxOpen = 128;
    int m_root = -1;
    QHash<QByteArray, int> m_cache; // directory path (no trailing '/') -> open fd
};

} // namespace strata
