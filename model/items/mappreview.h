#pragma once

#include "layermapgeometry.h"

#include <QString>

#include <optional>

namespace strata {

// The layer map as the window last saw it, kept in the user's cache with the store's change
// counter, so that the next start paints the map before the store's ~2,000 records are read
// and verified again. It is shown only while the counter in store.lock is still the one it was
// saved with (nothing changed the store since), and the real snapshot replaces it moments
// later. Loaded and saved off the GUI thread.
namespace mappreview {

    // The cache file of a data root (empty: the default one).
    QString cachePath(const QString &root);
    // Saves `input` as the map of `root` at `counter`/`inode` (StoreLock::peekChangeCounter
    // taken before the snapshot it came from).
    bool save(const QString &root, quint64 counter, quint64 inode, const LayerMapInput &input);
    // The saved map, when the store has not changed since it was saved.
    std::optional<LayerMapInput> loadIfCurrent(const QString &root);

} // namespace mappreview

} // namespace strata
