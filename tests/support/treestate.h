#pragma once

#include <QString>
#include <QStringList>

namespace strata::test {

// Every path below `dir` (symlinks not followed) with its type, mode, owner, size, mtime and a
// hash of its content (a symlink's target, a device's number), one line each, sorted: any change
// to a tree shows (the read-only checks of peers' data roots and the "store as it was" checks).
QStringList treeState(const QString &dir);
// treeState once the tree has stood still for a second (a peer's daemon writes its metadata a
// moment after its commands return), waiting up to 20 s.
QStringList settledTreeState(const QString &dir);
// The first lines that differ, for a failure message.
QString treeDifference(const QStringList &before, const QStringList &after);

} // namespace strata::test
