#pragma once

#include "result.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <sys/stat.h>
#include <ctime>

struct archive_entry;

namespace strata::tarentry {

// What one layer entry is, by its tar header (a whiteout is told by its name, see whiteout.h).
enum class Kind { Directory, File, Symlink, Hardlink, Device, Fifo, Whiteout };

constexpr int maxPathBytes = 4096;

// "directory", "file", …: for messages.
QString kindName(Kind kind);
// Whether an entry may be given twice in one layer with these kinds (a hard link and a file are
// both files); any other redefinition is refused, since readers would disagree on which wins.
bool sameKind(Kind a, Kind b);
// The kind of a non-whiteout entry; fails, with the cause as its message, for a type that no
// snapshot can hold (sockets, contiguous files, unknown codes).
Result<Kind> kindOf(archive_entry *entry);
// `raw` split into components below the layer root ("./a//b/" -> a, b; "" or "." -> none).
// `what` names the field in the cause of an error ("path", "link target"): absolute, `..`, a
// NUL byte, longer than maxPathBytes.
Result<QList<QByteArray>> splitPath(const char *raw, const char *what);
// The entry's access and modification times (the access time is the modification time when
// the header has none), for futimens / utimensat.
void times(archive_entry *entry, timespec out[2]);

} // namespace strata::tarentry
