#pragma once

#include "result.h"

#include <QByteArray>
#include <QList>

#include <ctime>
#include <sys/types.h>

struct archive_entry;

namespace strata {

class ConfinedDirs;

// The metadata of extracted entries: owners, modes, extended attributes and times, each taken
// from the tar header. Owners are not applied in a rootless store (the blob keeps them); an
// archive's overlay xattrs are never applied (they would change how a snapshot is merged), and
// security./trusted. ones only as root. A failure is refused rather than dropped: an image
// without its security.capability runs differently, and nothing would say why. Errors carry the
// cause; the caller names the entry. Used by one thread.
class EntryMetadata {
public:
    explicit EntryMetadata(bool rootless);

    // The target started empty: no directory in it passes on its group (set-gid directories get
    // their modes only at the end), so a new file owned by the caller skips its chown.
    void setFreshRoot(bool fresh) { m_freshRoot = fresh; }

    // How a new regular file is created, and which calls finishing it needs (skipped ones are a
    // third of the syscalls of a layer of small files).
    struct FilePlan {
        mode_t createMode = 0600;
        bool chown = false;
        bool chmod = false;
    };
    FilePlan planFile(archive_entry *entry) const;
    // Owner, mode, xattrs and times of a written file, in the order that keeps each: chown clears
    // set-id bits and security.capability.
    Status finishFile(int fd, archive_entry *entry, const FilePlan &plan) const;
    // Owner of `name` in `dirFd`, not following it.
    Status applyOwner(int dirFd, const QByteArray &name, archive_entry *entry) const;
    Status applyXattrs(int fd, archive_entry *entry) const;
    // A symbolic link, device or fifo: owner, then mode (not for a link), then times.
    Status finishSpecial(int dirFd, const QByteArray &name, archive_entry *entry, bool setMode) const;

    // A directory's mode and times, set by finishDirectories(): a read-only directory must still
    // take its children, and writing children changes a directory's mtime.
    void deferDirectory(const QByteArray &cleanPath, archive_entry *entry);
    // Deepest first; a directory removed again (by a later opaque marker) is skipped. The
    // directories are opened through `dirs`, which is cleared before and after.
    Status finishDirectories(ConfinedDirs &dirs);

private:
    struct DirMeta {
        QByteArray path;
        mode_t mode;
        timespec times[2];
    };
    bool m_rootless;
    bool m_freshRoot = false;
    mode_t m_umask;
    uid_t m_euid;
    gid_t m_egid;
    QList<DirMeta> m_dirs;
};

} // namespace strata
