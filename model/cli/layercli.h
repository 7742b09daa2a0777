#pragma once

#include <QStringList>
#include <QTextStream>

namespace strata {

class Store;

// What is inside the layers, the way dive shows it, from the command line: `layer ls`,
// `layer files`, `image efficiency` and `xray`. The window shows the same engine results.
class LayerCli {
public:
    LayerCli(Store &store, QTextStream &out, QTextStream &err);

    static bool handles(const QString &command);
    static QString usage();
    int run(const QString &command, const QStringList &args);

private:
    int failWith(const QString &command, const QString &message, int code = 1);
    int layerList(const QStringList &args);
    int layerFiles(const QStringList &args);
    int efficiency(const QStringList &args);
    int xray(const QStringList &args);

    Store &m_store;
    QTextStream &m_out;
    QTextStream &m_err;
};

} // namespace strata
