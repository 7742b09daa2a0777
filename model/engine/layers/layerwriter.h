#pragma once

#include "layerview.h"
#include "result.h"

#include <QString>

namespace strata {

class BlobWriter;

// Writes a directory tree as a deterministic PAX tar: entries sorted by name, mtimes, modes,
// owners and xattrs preserved, no atime/ctime, no user or group names, hard links as links. The
// same tree always gives the same bytes, so the same diffID.
class LayerWriter {
public:
    static Status writeTree(const QString &dir, BlobWriter &out);
    // A layer of `changes` (in order, parents first) taken from the tree at `root`: added and
    // changed entries as they are there, deleted ones as OCI whiteouts (Docker's commit).
    static Status writeChanges(const QString &root, const QList<Change> &changes, BlobWriter &out);
};

} // namespace strata
