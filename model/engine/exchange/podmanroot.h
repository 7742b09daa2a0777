#pragma once

#include "foreignsnapshot.h"
#include "imagetypes.h"
#include "result.h"

#include <QJsonObject>
#include <QString>

namespace strata {

// A strictly read-only reader of containers/storage with the overlay driver, as Podman (and
// Buildah, CRI-O) keep it: /var/lib/containers/storage for root, ~/.local/share/containers/storage
// rootless. It reads overlay-images/images.json with each image's config (a "big-data" file of
// overlay-images/<id>/), overlay-layers/layers.json, overlay-containers/containers.json, the
// layers' files in overlay/<layer id>/diff, and libpod's container state in libpod/bolt_state.db
// (a bbolt file, read as bytes: never opened with bolt, so never locked). Every file is untrusted,
// read as DockerRoot reads Docker's: each path component opened O_NOFOLLOW below the root, sizes
// bounded, every ID checked as 64 lowercase hex digits before it becomes part of a path, the
// config hashed against its image ID, each layer's diff digest against the config's diff_ids.
// Nothing under the root is created, changed or locked; podman may be running.
class PodmanRoot {
public:
    // Reads everything listed above. Fails (naming the file and the cause) when `root` is not a
    // containers/storage root with the overlay driver (another driver's store is named as not
    // read yet), or when images.json or layers.json is damaged or hostile; an image or container
    // that cannot be read is left out and named in `problems`.
    static Result<ForeignSnapshot> read(const QString &root);
    // `podman image inspect`'s JSON for `image`, as far as Strata's Image holds it.
    static QJsonObject inspect(const ForeignSnapshot &snapshot, const Image &image);
    // Whether `root` looks like a containers/storage root: no store.json, and one of the
    // <driver>-images / <driver>-layers folders containers/storage keeps. Only looks.
    static bool looksLikeStorageRoot(const QString &root);
    // Podman's graph root for the caller: /var/lib/containers/storage as root, else
    // $XDG_DATA_HOME/containers/storage (~/.local/share/containers/storage).
    static QString defaultRoot();
    // The file name containers/storage gives an image's big-data item `key` (makeBigDataBaseName):
    // the key itself when it is only [.0-9a-z], else "=" and its base64.
    static QString bigDataFileName(const QString &key);

    static constexpr qint64 maxJsonBytes = 64 * 1024 * 1024; // images.json of many images
    static constexpr qint64 maxConfigBytes = 16 * 1024 * 1024;
    static constexpr qint64 maxStateBytes = 256 * 1024 * 1024; // libpod's bolt_state.db
};

} // namespace strata
