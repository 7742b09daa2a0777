#pragma once

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
};

} // namespace strata
