#pragma once

#include "digest.h"
#include "imagetypes.h"
#include "result.h"

#include <QString>

#include <optional>

namespace strata {

class Store;

// The builder's layer cache (build-cache/<key>.json): for each step built, the state it made
// (the image config after the step and the layers under it), keyed by what the step depended
// on. Keys are computed by the builder from content the store verified (the parent state's
// own config digest, the instruction, the build args, the sources' hashes), never from what an
// image's config claims about its parent: a loaded image cannot make itself a cache hit
// (CVE-2024-24557). An entry counts only while every layer it names is in the store with the
// diffID its config lists; its layers are kept by garbage collection like an image's, until
// `builder prune`.
// Threads: a cheap view over a shared Store.
class BuildCache {
public:
    explicit BuildCache(Store &store);

    QString dir() const;
    // The state a step with `key` made, or nullopt when there is none or it is no longer
    // complete. A damaged entry is a miss, not an error: the step is built again.
    std::optional<Image> lookup(const Digest &key) const;
    // Records `state` (its configBytes and layers) as what step `key` made. Written before the
    // layers it names are committed, so a collection in between cannot take them away.
    Status store(const Digest &key, const Image &state);
    // What the entries keep alive, added to an image index's references.
    void addReferences(References &refs) const;
    // Removes every entry (garbage collection then takes what only they kept).
    Result<int> clear();
    int entryCount() const;

private:
    Store &m_store;
};

} // namespace strata
