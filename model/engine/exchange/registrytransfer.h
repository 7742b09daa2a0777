#pragma once

#include "progress.h"
#include "registryclient.h"
#include "result.h"

#include <QString>
#include <QStringList>

#include <functional>

namespace strata {

class Store;

// What a pull or push says of each layer as it goes, for a window's per-layer progress and the
// command line's lines ("<12 hex>: Pull complete").
struct LayerTransferEvent {
    QString shortId; // the blob digest's first 12 hex digits, as docker shows it
    QString status; // "Waiting", "Downloading", "Extracting", "Pull complete", "Already exists", "Pushing", "Pushed", …
    qint64 done = 0;
    qint64 total = -1;
    bool final = false; // the layer's last event
};
using LayerTransferSink = std::function<void(const LayerTransferEvent &)>; // any thread, serialised

struct TransferResult {
    Digest imageId;
    Digest manifestDigest;
    QString reference; // as the store tags it (pull) or as pushed
    bool upToDate = false; // pull: the store had this image under this tag already
    qint64 manifestSize = 0;
};

// Pulls an image from a registry into the store. The manifest (an index resolved to the
// platform), the config and every layer blob are checked (size and sha256) as they arrive;
// up to three layers are fetched at once into the job's staging, each extracted as soon as
// it is complete (its diffID checked) and committed with the image in one step at the end: a
// failed, refused or cancelled pull leaves the store as it was. Layers the store has are not
// fetched. Threads: blocks until done; any thread.
class RegistryPuller {
public:
    RegistryPuller(Store &store, RegistryOptions options);
    Result<TransferResult> pull(const QString &reference, const Progress &progress = {}, const LayerTransferSink &layers = {});

    // "linux/amd64" on this machine (the platform an index is resolved to without --platform).
    static QString hostPlatform();

private:
    Store &m_store;
    RegistryOptions m_options;
};

// Pushes an image of the store to a registry: blobs the repository has are skipped (HEAD),
// blobs another repository of the same registry has that this image came from are mounted,
// the rest uploaded (up to three at once), the manifest last, byte for byte as the store keeps
// it, so the layer digests are the ones the image was loaded or pulled with.
class RegistryPusher {
public:
    RegistryPusher(Store &store, RegistryOptions options);
    // `destination`: empty for the image's own tag.
    Result<TransferResult> push(const QString &image, const QString &destination, const Progress &progress = {}, const LayerTransferSink &layers = {});

private:
    Store &m_store;
    RegistryOptions m_options;
};

} // namespace strata
