#pragma once

#include "layerwriter.h"
#include "result.h"

#include <QByteArray>
#include <QMap>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

namespace strata {

class BlobWriter;
class LayerView;

// The layer of one COPY, ADD or WORKDIR step, composed entry by entry rather than by running a
// container: what overlayfs would put in a writable layer if the files were copied in. Every
// directory above a written path is in the layer (as overlay copies it up), with its metadata
// from the image when the image has it, and made with mode 0755 and the step's owner when not.
// Destinations resolve through the image's own symbolic links, confined to its root as Docker
// resolves them (/bin -> usr/bin puts a file copied to /bin/ into /usr/bin/).
// Used by one thread.
class CopyLayer {
public:
    // `viewTopFirst`: the snapshot directories of the image so far.
    explicit CopyLayer(const QStringList &viewTopFirst);
    ~CopyLayer();
    Status open();

    struct Owner {
        quint32 uid = 0;
        quint32 gid = 0;
    };
    using Content = std::function<Result<int>()>;
    // A directory a step makes: 0755, the step's owner, its time.
    static LayerEntry newDirectory(const QByteArray &path, Owner owner, qint64 mtimeSec);
    // The content of the file at `path` (opened when the layer is written, links not followed).
    static Content fileContent(const QString &path);

    // What an absolute path in the image is after following its symbolic links (confined to
    // the root), relative ("usr/bin/x"); "" is the root. The last component may be missing.
    Result<QByteArray> resolve(const QByteArray &absolutePath) const;
    // Whether `relativePath` (resolved) is a directory in the image or in this layer.
    bool isDirectory(const QByteArray &relativePath) const;
    bool exists(const QByteArray &relativePath) const;
    // The image's metadata of an entry, if it has it.
    std::optional<LayerEntry> imageEntry(const QByteArray &relativePath) const;

    // Adds `entry` (path relative to the root, resolved) with the directories above it. A later
    // entry of the same path replaces an earlier one.
    Status add(LayerEntry entry, const Content &content = {});
    // The directories of `relativePath` itself and above it, made where the image lacks them.
    Status addDirectory(const QByteArray &relativePath);
    // ADD's local archives: whether `path` is a tar (plain, gzip, bzip2, xz or zstd), as Docker
    // decides it (a first tar header can be read).
    // `fd` is read from its start; the caller keeps it.
    static bool isArchive(int fd);
    // Extracts the archive into directory `destRelative` of the layer, owners and modes as the
    // archive has them. As Docker confines it: absolute names land inside the destination, a
    // name or link climbing out of it is refused, as are entries below a link, devices and
    // whiteout names; file contents are staged in `scratchDir` first, at most `maxBytes`.
    Status addArchive(int fd, const QString &name, const QByteArray &destRelative, const QString &scratchDir, qint64 maxBytes);
    // The owner and time given to directories the layer has to make.
    void setDefaults(Owner owner, qint64 mtimeSec);

    bool isEmpty() const { return m_entries.isEmpty(); }
    Status write(BlobWriter &out) const;

private:
    Status addParents(const QByteArray &relativePath);
    // `above`: the directory is above an entry, so the image may not have a file there.
    Status ensureDirectory(const QByteArray &path, bool above);

    QStringList m_view;
    std::unique_ptr<LayerView> m_layerView;
    struct Item {
        LayerEntry entry;
        Content content;
    };
    QMap<QByteArray, Item> m_entries;
    Owner m_owner;
    qint64 m_mtime = 0;
};

} // namespace strata
