#pragma once

#include "foreignsnapshot.h"
#include "result.h"

#include <QString>
#include <QStringList>

namespace strata {

// The read-only readers of peers' data roots behind one door: which peer keeps a root, reading
// it as a ForeignSnapshot, and the roots that exist on this machine (for the window to offer).
namespace ForeignRoot {

// The kinds this build reads: "docker" (Docker's overlay2 data root); "podman" follows.
QStringList kinds();
// The kind of peer whose data root `root` is, or empty when it is none (a Strata store, say).
// Only looks; opens nothing for writing.
QString detect(const QString &root);
// The peer's usual data root for `kind` ("/var/lib/docker").
QString defaultRoot(const QString &kind);
// Reads `root` as a `kind` store ("docker"; empty: detect()). Fails naming the file and the cause.
Result<ForeignSnapshot> read(const QString &kind, const QString &root);

} // namespace ForeignRoot

} // namespace strata
