#pragma once

#include "terminal.h"

#include <QByteArray>
#include <QList>

#include <functional>

#include <sys/types.h>

namespace strata {

// A program to start inside a container: by its init, or by `exec` after joining it.
struct ProcessSpec {
    QList<QByteArray> args;
    QList<QByteArray> env;
    QByteArray workingDir;
    QByteArray user; // "", "name", "uid", "name:group", "uid:gid"
    QByteArray hostname;
    bool rootless = false;
};

// Everything the container's first process needs, prepared by the monitor before clone() so
// that the child only makes system calls on ready-made bytes.
struct InitPlan {
    struct Bind {
        QByteArray source; // host path
        QByteArray destination; // path inside the container
        bool readOnly = false;
        bool isFile = false;
    };
    bool rootless = false; // the user namespace was made by clone() (the caller's uid is root)
    bool ownNetwork = true; // a network namespace with only loopback
    // The root filesystem: an overlay of `lowerDirs` (relative to `lowerBase`, top first) with
    // `upperDir` and `workDir`, or (vfs) a bind mount of `upperDir`; mounted on `rootfs`.
    bool overlay = true;
    QByteArray lowerBase;
    QList<QByteArray> lowerDirs;
    QByteArray upperDir;
    QByteArray workDir;
    // Mounted with overlayfs' `volatile`: no sync of the upper filesystem when the container's
    // mount goes away. For a container that runs once and whose writable layer is thrown away
    // or read back at once (a build step), never restarted: after a crash such an upper may
    // not be mounted again, which nobody does.
    bool volatileUpper = false;
    QByteArray rootfs;
    QList<Bind> binds; // /etc/hostname etc. first, then the user's volumes and bind mounts
    ProcessSpec process;
    int stdinFd = -1;
    int stdoutFd = -1;
    int stderrFd = -1;
    bool tty = false; // the init opens a pseudo-terminal in the container for all three and
                      // sends its master side to the monitor over the sync socket
};


// The monitor writes the user namespace's id maps for the child; the child tells it when its
// user namespace exists (at once when rootless; after the mounts, which need the host's
// privileges, otherwise).
enum : char { InitSyncNeedMaps = 'u', InitSyncMapsWritten = 'g' };

// Exit statuses the child uses when it never reaches the user's program, as Docker does.
enum : int { InitSetupFailed = 125, InitCannotExecute = 126, InitNotFound = 127 };

// Runs in the child clone()d with the container's namespaces: mounts the root filesystem,
// /proc, /dev, /sys and the volumes, pivots into it, sets identity, environment and working
// directory, closes every other descriptor, sets no_new_privs and executes the program. On
// failure it writes "<status> <message>" to `errorFd` (close-on-exec, so a successful exec
// closes it with nothing written) and exits with that status.
[[noreturn]] void runContainerInit(const InitPlan &plan, int syncFd, int errorFd);

// Writes the id maps of the user namespace of `process` ("self" or a pid). Rootless: `uid`
// and `gid` (the caller's, read before it entered any namespace) become root and nothing else
// is mapped. Root: the identity map, so files keep their owners, but the container's root
// holds its capabilities only inside its own namespaces. Returns an error message, or empty.
QByteArray writeIdMaps(const QByteArray &process, bool rootless, uid_t uid, gid_t gid);

// Mounts the container's root filesystem on plan.rootfs (in the caller's mount namespace);
// returns an error message, empty on success.
QByteArray mountRootFilesystem(const InitPlan &plan);

// The last steps of both: identity from the container's /etc/passwd, environment, working
// directory, no_new_privs, every descriptor above 2 closed, exec. Call inside the container's
// root; on failure reports on `errorFd` as above.
[[noreturn]] void execInContainer(const ProcessSpec &spec, int errorFd);

} // namespace strata
