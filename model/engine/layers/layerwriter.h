#pragma once

#include "layerview.h"
#include "result.h"

#include <QString>

#include <functional>

namespace strata {

class BlobWriter;

// An entry of a layer a caller composes rather than reads from a tree (the builder's COPY):
// its metadata as given, a regular file's content read from a descriptor.
struct LayerEntry {
    QByteArray path; // relative: no leading or trailing '/'
    quint32 mode = 0; // st_mode: type and permissions
    quint32 uid = 0;
    quint32 gid = 0;
    qint64 mtimeSec = 0;
    long mtimeNsec = 0;
    qint64 size = 0; // regular files: the bytes the descriptor must give
    QByteArray linkTarget; // symbolic links
};

// Writes a directory tree as a deterministic PAX tar: entries sorted by name, mtimes, modes,
// owners and xattrs preserved, no atime/ctime, no user or group names, hard links as links. The
// same tree always gives the same bytes, so the same diffID.
class LayerWriter {
public:
    static Status writeTree(const QString &dir, BlobWriter &out);
    // Who owns what a container wrote, as the layer must say it: a rootless container's root is
    // the store's owner on the host, so that owner is written as 0 (uid and gid); -1 maps nothing.
    struct RootOwner {
        qint64 uid = -1;
        qint64 gid = -1;
        static RootOwner forStore(bool rootless);
    };
    // A layer of `changes` (in order, parents first) taken from the tree at `root`: added and
    // changed entries as they are there, deleted ones as OCI whiteouts (Docker's commit).
    static Status writeChanges(const QString &root, const QList<Change> &changes, BlobWriter &out, RootOwner root0);
    static Status writeChanges(const QString &root, const QList<Change> &changes, BlobWriter &out) { return writeChanges(root, changes, out, RootOwner()); }
    // A layer of `entries`, in the order given (parents before children). A regular file's
    // content comes from the descriptor `open` returns (closed here); a file whose size is not
    // the entry's fails the layer.
    using OpenContent = std::function<Result<int>(const LayerEntry &)>;
    static Status writeEntries(const QList<LayerEntry> &entries, const OpenContent &open, BlobWriter &out);
};

} // namespace strata
