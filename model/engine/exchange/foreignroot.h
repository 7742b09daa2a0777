#pragma once

#include "foreignsnapshot.h"
#include "result.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace strata {

// The read-only readers of peers' data roots behind one door: which peer keeps a root, reading
// it as a ForeignSnapshot, and the roots that exist on this machine (for the window to offer).
namespace ForeignRoot {

// The kinds this build reads: "docker" (Docker's overlay2 data root) and "podman"
// (containers/storage with the overlay driver).
QStringList kinds();
// The kind of peer whose data root `root` is, or empty when it is none (a Strata store, say).
// Only looks; opens nothing for writing.
QString detect(const QString &root);
// The peer's usual data root for `kind` ("/var/lib/docker"; podman's for the caller:
// /var/lib/containers/storage as root, else ~/.local/share/containers/storage).
QString defaultRoot(const QString &kind);
// Reads `root` as a `kind` store ("docker"; empty: detect()). Fails naming the file and the cause.
Result<ForeignSnapshot> read(const QString &kind, const QString &root);
// The peer's own `image inspect` JSON for `image` of `snapshot` (docker's, or podman's).
QJsonObject inspect(const ForeignSnapshot &snapshot, const Image &image);

} // namespace ForeignRoot

} // namespace strata
