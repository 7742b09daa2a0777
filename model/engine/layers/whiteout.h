#pragma once

#include "result.h"

#include <QByteArray>
#include <QString>

#include <sys/stat.h>

namespace strata {

// How a layer's deletions land in a snapshot: the storage driver's choice.
enum class WhiteoutStyle {
    Overlay, // char device 0/0 for a deleted entry, the opaque xattr on an opaque directory
    Delete, // the entry is removed from a full tree (vfs)
};

// The translation between the two ways deletions are written down: the OCI layer format's
// names (`.wh.<name>` deletes <name>, `.wh..wh..opq` makes its directory opaque) and
// overlayfs's on-disk marks (a 0/0 character device, the `overlay.opaque` xattr). The
// applier reads the first and writes the second; the views and the watcher read the second;
// the layer writer turns the second back into the first.
namespace whiteout {

    // What an archive entry's last path component means.
    struct Name {
        enum class Type {
            Plain, // an ordinary entry
            Deletion, // deletes `target` from the layers below, in the same directory
            Opaque, // the directory holding it hides everything below
            Bookkeeping, // aufs's own (.wh..wh.plnk, .wh..wh.aufs): not content
        };
        Type type = Type::Plain;
        QByteArray target; // for a Deletion
    };
    // Fails, with the cause as its message, for a deletion whose target is empty, `.`, `..` or
    // itself a whiteout name.
    Result<Name> parse(const QByteArray &component);
    // The entry that deletes `relPath` ("a/b" -> "a/.wh.b").
    QByteArray deletionEntry(const QByteArray &relPath);

    // overlayfs: a deleted entry is a 0/0 character device.
    bool isOverlayDeletion(const struct stat &st);
    // Whether the directory `name` in `dirFd` carries overlay's opaque mark (trusted. or user.).
    bool isOverlayOpaque(int dirFd, const char *name);
    // Makes `name` in `dirFd` a 0/0 device; the message of an error is the cause.
    Status placeOverlayDeletion(int dirFd, const QByteArray &name);
    // Sets `xattr` ("trusted.overlay.opaque", or "user.overlay.opaque" for a rootless mount).
    Status markOverlayOpaque(int dirFd, const QString &xattr);

} // namespace whiteout

} // namespace strata
