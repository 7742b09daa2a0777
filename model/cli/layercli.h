#pragma once

#include "args.h"
#include "imagetypes.h"
#include "layercontents.h"
#include "result.h"

#include <QStringList>
#include <QTextStream>

#include <functional>
#include <optional>
#include <utility>

namespace strata {

class Store;

// What is inside the layers, the way dive shows it, from the command line: `layer ls`,
// `layer files`, `image efficiency` and `xray`. The window shows the same engine results.
class LayerCli {
public:
    LayerCli(Store &store, QTextStream &out, QTextStream &err);
    // The same commands (but `layer ls`, which needs the store) over layers read elsewhere: a
    // peer's store read in place (`--foreign`), its images found by `resolve`.
    using Resolver = std::function<Result<Image>(const QString &reference)>;
    LayerCli(LayerContents contents, Resolver resolve, QTextStream &out, QTextStream &err);

    static bool handles(const QString &command);
    static QString usage();
    int run(const QString &command, const QStringList &args);

private:
    int failWith(const QString &command, const QString &message, int code = 1);
    // The arguments (`positional` of them, the first an image) and the image; on failure the
    // exit status is in `status`, the error already printed.
    std::optional<std::pair<Args, Image>> imageArgs(const QString &command, const QStringList &args, const QStringList &flags, qsizetype positional, int *status);
    int layerList(const QStringList &args);
    int layerFiles(const QStringList &args);
    int efficiency(const QStringList &args);
    int xray(const QStringList &args);

    Store *m_store = nullptr; // null over layers read elsewhere
    LayerContents m_contents;
    Resolver m_resolve;
    QTextStream &m_out;
    QTextStream &m_err;
};

} // namespace strata
