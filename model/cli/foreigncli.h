#pragma once

#include "foreignsnapshot.h"

#include <QString>
#include <QStringList>
#include <QTextStream>

namespace strata {

// The commands of `stratactl --foreign KIND` that read the files of a peer's layers and
// containers in place, never writing there: layer files, image efficiency and xray (as on
// Strata's own store, the same engine over the peer's folders), diff and watch of a container.
// They work through ForeignSnapshot alone, so every peer ForeignRoot reads has them.
namespace ForeignCli {

    bool handles(const QString &command, const QStringList &args);
    // "layer files, image efficiency, xray, diff, watch", for the list of what --foreign offers.
    QString offered();
    int run(const ForeignSnapshot &snapshot, const QString &command, const QStringList &args, QTextStream &out, QTextStream &err);

} // namespace ForeignCli

} // namespace strata
