#pragma once

#include "digest.h"
#include "progress.h"
#include "result.h"

#include <QString>
#include <QStringList>

namespace strata {

class Store;

// Makes a one-layer image from a root filesystem: a tar (plain or compressed, kept as the
// layer blob unchanged) or a directory (written as a deterministic tar first). Threads: any
// thread; blocking (Progress to follow and cancel).
class ImageImporter {
public:
    explicit ImageImporter(Store &store);
    // `changes` are Dockerfile-style config edits: "CMD …", "ENTRYPOINT …", "ENV k=v",
    // "WORKDIR /p", "USER u", as `docker import --change` takes them.
    Result<Digest> import(const QString &source, const QString &reference, const QStringList &changes = {}, const Progress &progress = {});

private:
    Store &m_store;
};

} // namespace strata
