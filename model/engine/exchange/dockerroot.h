#pragma once

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
    struct Layer {
        Digest chainId;
        Digest diffId;
        Digest parent;
        qint64 size = 0; // layerdb's `size`: what Docker counts for the layer
        QString cacheId; // overlay2/<cacheId>/diff holds the layer's files
    };
    struct Container {
        QString id;
        QString name;
        QString imageRef; // Config.Image as the user gave it
        Digest imageId;
        QString status; // running, exited, created, paused, …
        bool running = false;
        QDateTime created;
        QStringList command;
        QString mountId; // overlay2/<mountId>/diff is its writable layer
        qint64 writableSize = -1; // that layer's size as Docker counts it (SizeRw); -1 when unread
    };
    struct Snapshot {
        QString root;
        QList<Image> images; // the top-level ones, as `docker images` lists them
        QList<Image> intermediate; // untagged parents of other images (`docker images -a`)
        QHash<Digest, Layer> layers; // by chain ID
        QList<Container> containers;
        QStringList problems; // images or containers left out, each naming the file and the cause
        QHash<QString, QString> brokenTags; // tag -> why its image was left out
    };

    // Reads everything listed above. Fails (naming the file and the cause) when the root is not
    // an overlay2 Docker root, when repositories.json is damaged or hostile, and for Docker's
    // containerd image store (Docker 29+), which is not read yet.
    // `daemonJson`: the daemon's configuration (read only to notice features.containerd-snapshotter
    // when its data-root is `root`; a missing file is no error).
    static Result<Snapshot> read(const QString &root, const QString &daemonJson = defaultDaemonJson());
    static QString defaultDaemonJson() { return QStringLiteral("/etc/docker/daemon.json"); }
    // An image by tag ("busybox", "busybox:1.36"), full or short ID ("sha256:ab…", "ab12…").
    static Result<Image> resolve(const Snapshot &snapshot, const QString &ref);
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
