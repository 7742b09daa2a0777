#pragma once

#include "result.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace strata::fs {

// Small POSIX helpers the store builds its crash safety on.

QString errorText(int err);

// How deep a tree the store copies or writes (directories below its root). Trees come from
// untrusted layers and containers: deeper ones are refused with an error, never walked until
// the stack runs out. Real images stay far below it.
constexpr int maxTreeDepth = 1024;
// The number of directories above `relPath` ("a/b/c" has 2).
inline int depthOf(const QByteArray &relPath)
{
    return int(relPath.count('/'));
}

enum class Durability {
    Synced, // survives power loss: the file and its directory are fsynced
    Unsynced, // still atomic for readers, for state that means nothing after a reboot
};
// Writes `data` to a temp file beside `path`, fsyncs it, renames it over `path` and fsyncs the
// directory: readers see the old or the new content, never a mix.
Status writeFileAtomic(const QString &path, QByteArrayView data, Durability durability = Durability::Synced);
// Creates `path` with `data`, whole or not at all, for content-addressed files: the data goes
// to an unnamed file (O_TMPFILE) that is fsynced and then linked in, so a process killed on the
// way leaves nothing behind. A file already at `path` is kept (it holds the same content).
Status createFileOnce(const QString &path, QByteArrayView data);
Result<QByteArray> readFile(const QString &path, qint64 maxSize = 64 * 1024 * 1024);
// What `fd` gives from where it stands until end of file, at most `maxBytes` (`sizeHint`: the
// size expected, to read small files in one call). An error's message is the cause.
Result<QByteArray> readUpTo(int fd, qint64 maxBytes, qint64 sizeHint = 0);
// Everything a descriptor (a pipe) gives until end of file or an error other than EINTR.
QByteArray readToEnd(int fd);
Status fsyncPath(const QString &path);
// Writes back everything the filesystem holding `path` has dirty (syncfs): one call for a tree
// of many files, such as a layer snapshot that is the layer's only copy.
Status syncFilesystem(const QString &path);
Status makeDirs(const QString &path, int mode = 0755);
// Removes a tree without ever following a symbolic link; makes directories writable first
// (layer trees may hold read-only directories).
Status removeTree(const QString &path);
Status removeTreeAt(int dirFd, const char *name);
bool exists(const QString &path);
// The names in a directory, without "." and "..", in readdir order.
Result<QList<QByteArray>> entryNames(int dirFd);
bool isDirectory(const QString &path);

// Opens `relPath` below `rootFd` (empty: the root itself) without following any symbolic link
// and without leaving the root (openat2, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS): for trees a
// container or an archive controls, where a directory may become a link at any moment.
// Returns the descriptor, or -1 with errno set.
int openBeneath(int rootFd, const QByteArray &relPath, int flags);
// openat (or openBeneath) with O_NOATIME, which keeps even the access times of what is read as
// they were (a peer's data root); the kernel refuses it (EPERM) for files the caller does not own
// without CAP_FOWNER, and then it is left out.
int openNoAtime(int dirFd, const char *path, int flags);
int openBeneathNoAtime(int rootFd, const QByteArray &relPath, int flags);

// Liveness locks: an exclusive whole-file lock of the open file description (fcntl F_OFD_*),
// kept across fork like flock, and testable without taking it, so that asking "is its owner
// alive?" never makes the owner's own lock attempt fail. Returns false with errno set.
bool tryLockExclusive(int fd);
// Whether another open file description holds a lock on `fd`'s file.
bool lockedElsewhere(int fd);
// The same for a path: false when the file cannot be opened.
bool lockedElsewhere(const QString &path);

struct TreeStats {
    qint64 bytes = 0; // regular file content, each inode counted once
    qint64 entries = 0; // every entry below the root
};
// Walks a tree without following symbolic links.
Result<TreeStats> treeStats(const QString &path);
// Disk blocks the tree really occupies (st_blocks), each inode counted once.
qint64 diskUsage(const QString &path);

} // namespace strata::fs
