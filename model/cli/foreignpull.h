#pragma once

#include <QString>
#include <QStringList>
#include <QTextStream>

namespace strata {

class Store;

// `stratactl pull docker-daemon:REF` and `pull containers-storage:REF`: an image copied from a
// peer's data root into the store without the peer's save (ForeignCopier), printed as `load`
// prints it. The root: --foreign-root DIR, or containers-storage's "[driver@ROOT+runroot]REF"
// form, else the peer's usual one. Registry pulls are the other `pull`.
namespace ForeignPull {

// Whether `ref` names a peer's store: "docker-daemon:…" or "containers-storage:…".
bool isForeignTransport(const QString &ref);
// Whether `pull ARGS` is such a pull (its image argument names a peer's store).
bool handles(const QStringList &args);
QString usage();
int run(Store &store, const QStringList &args, QTextStream &out, QTextStream &err);

} // namespace ForeignPull

} // namespace strata
