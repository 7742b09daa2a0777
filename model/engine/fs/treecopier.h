#pragma once

#include "result.h"

#include <QByteArray>
#include <QHash>
#include <QPair>

#include <sys/stat.h>

namespace strata {

// Copies a tree: contents, modes, owners (when asked and allowed), times, xattrs and hard
// links, never following symbolic links. Used for vfs snapshots and by `cp`.
class TreeCopier {
public:
    explicit TreeCopier(bool keepOwners);

    // Hard links are recreated relative to this directory: set it to where `rel` paths start.
    void setRoot(int dstRoot) { m_dstRoot = dstRoot; }
    // The entries of `srcFd` into `dstFd`; `relPath` is the destination directory below the root.
    Status copyDir(int srcFd, int dstFd, const QByteArray &relPath);
    // `srcName` in `srcDir` as `dstName` in `dstDir` (`rel`: its path below the root).
    Status copyEntry(int srcDir, const QByteArray &srcName, int dstDir, const QByteArray &dstName, const QByteArray &rel);

private:
    Status error(const QByteArray &rel, const char *what);
    void copyXattrs(int src, int dst);
    void finish(int src, int dst, const struct stat &st);

    bool m_keepOwners;
    int m_dstRoot = -1;
    QHash<QPair<quint64, quint64>, QByteArray> m_links;
    QByteArray m_buffer;
};

} // namespace strata
