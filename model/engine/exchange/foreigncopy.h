#pragma once

#include "foreignsnapshot.h"
#include "progress.h"
#include "result.h"

#include <QString>
#include <QStringList>

namespace strata {

class Store;

// Copies an image from a peer's data root (a ForeignSnapshot: Docker's, containers/storage's)
// into Strata's store without the peer's `save`: each layer's exact tar is rebuilt from the
// tar-split the peer keeps and the layer's folder (ForeignTarSplit), and goes through the same
// extraction as `load` (LayerStore::stage), which refuses it unless it hashes to the diffID;
// the config is copied byte for byte. So the store ends up as after `docker save | stratactl
// load`: the same image ID, diffIDs, history and tags. A layer without its tar-split is refused
// (a tar written afresh from the folder would have another diffID, so another image). Nothing
// under the peer's root is written; the store changes only in the final commit, so a refused
// or cancelled copy leaves it as it was. Threads: any thread, one copy a call; it blocks.
class ForeignCopier {
public:
    explicit ForeignCopier(Store &store);
    // `ref`: a tag or an image ID, as ForeignSnapshot::resolve takes it. The copy gets the tag
    // `ref` names, or every tag of the image when `ref` is an ID. Returns load's lines
    // ("Loaded image: name:tag", or "Loaded image ID: sha256:…" for an untagged image).
    // `progress`: reading the tar-splits, then copying the layers the store lacks (their bytes).
    Result<QStringList> copy(const ForeignSnapshot &snapshot, const QString &ref, const Progress &progress = {});

    // Where the peer keeps `layer`'s tar-split, relative to its root.
    static QString tarSplitPath(const QString &kind, const ForeignSnapshot::Layer &layer);

private:
    Store &m_store;
};

} // namespace strata
