#pragma once

#include "foreignsnapshot.h"
#include "imagetypes.h"
#include "result.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace strata {

// A strictly read-only reader of Docker's data root (/var/lib/docker) with the overlay2 graph
// driver: repositories.json, the image and layer databases under image/overlay2, overlay2/<cache-id>
// and containers/<id>/config.v2.json. Every file is untrusted: it is opened O_RDONLY|O_NOFOLLOW
// one path component at a time below the root, read with a size bound, and every digest is
// checked as lowercase sha256 hex (and against the content it names) before it becomes part of a
// path. Nothing under the root is created, changed or locked; the peer's daemon may be running.
class DockerRoot {
public:
    using Layer = ForeignSnapshot::Layer;
    using Container = ForeignSnapshot::Container;
    using Snapshot = ForeignSnapshot;

    // Reads everything listed above. Fails (naming the file and the cause) when the root is not
    // an overlay2 Docker root, when repositories.json is damaged or hostile, and for Docker's
    // containerd image store (Docker 29+), which is not read yet.
    // `daemonJson`: the daemon's configuration (read only to notice features.containerd-snapshotter
    // when its data-root is `root`; a missing file is no error).
    static Result<Snapshot> read(const QString &root, const QString &daemonJson = defaultDaemonJson());
    static QString defaultDaemonJson() { return QStringLiteral("/etc/docker/daemon.json"); }
    static Result<Image> resolve(const Snapshot &snapshot, const QString &ref) { return snapshot.resolve(ref); }
    // docker image inspect's JSON for `image`, GraphDriver naming the layers' overlay2 folders.
    static QJsonObject inspect(const Snapshot &snapshot, const Image &image);
    // Why `root` is not a Docker overlay2 data root this reader can open, or empty.
    static QString unsupportedReason(const QString &root, const QString &daemonJson = defaultDaemonJson());
    // Whether `root` is Docker's data root rather than a Strata store: no store.json, and Docker's
    // image/ and overlay2/ folders (or, for the containerd image store, containerd/daemon and
    // containers/). Only looks; opens nothing for writing.
    static bool looksLikeDockerRoot(const QString &root);

    static constexpr qint64 maxJsonBytes = 16 * 1024 * 1024;
};

} // namespace strata
