#pragma once

#include "result.h"
#include "whiteout.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QStringList>

#include <memory>
#include <optional>
#include <sys/stat.h>

class QSocketNotifier;

namespace strata {

class LayerView;

// One change seen in a container's writable layer.
struct ChangeEvent {
    enum class Kind { Added, Changed, Deleted, Opaque };
    Kind kind = Kind::Added;
    QByteArray path; // as the container sees it: "/etc/passwd"
    qint64 size = 0; // bytes of the entry in the writable layer now
    bool isDir = false;
    // A copy-up: the entry came from a lower layer (index into the base layers given to the
    // watcher, 0 = top) and the kernel copied `copiedBytes` into the writable layer first.
    int copiedFromLayer = -1;
    qint64 copiedBytes = 0;
    QDateTime time;

    QString kindName() const;
};

// Watches a container's writable layer (overlay's upper directory) with inotify, following
// directories created later, and turns what the kernel does there into ChangeEvents: a file
// created (Added), a lower file copied up or a file rewritten (Changed), a whiteout or a
// removed file (Deleted), a directory made opaque (Opaque). Runs in the thread it lives in,
// driven by its event loop.
//
// Bursts are coalesced: the events the kernel queued together are read in one go, and repeated
// changes of one path among them come out as one event with the latest size. When the kernel's
// queue overflows (events were lost), overflowed() is emitted and the layer is rescanned: what
// appeared, changed size or went away meanwhile is reported as if it had just happened.
class ChangeWatcher : public QObject {
    Q_OBJECT
public:
    // `baseLayers`: the snapshot directories below the writable layer, top first.
    // `deletions`: how the writable layer shows a deletion, as its driver writes it: a
    // whiteout (overlay2, whose upper directory holds only what changed), or the entry simply
    // gone from a full tree (vfs, btrfs: there a lower file rewritten is a change, not a
    // copy-up).
    ChangeWatcher(const QString &upperDir, const QStringList &baseLayers, WhiteoutStyle deletions = WhiteoutStyle::Overlay, QObject *parent = nullptr);
    ~ChangeWatcher() override;

    Status start();

Q_SIGNALS:
    void changed(const strata::ChangeEvent &event);
    // The writable layer itself went away (the container was removed).
    void finished();
    // The kernel dropped events (its queue overflowed); a rescan follows at once.
    void overflowed();

private:
    void readEvents();
    void end();
    void addWatch(const QByteArray &relPath, bool reportContents);
    std::optional<QList<QByteArray>> watchDir(const QByteArray &relPath);
    // `scanned`: found listing a directory just watched, rather than by an event.
    void entryAppeared(const QByteArray &relPath, bool scanned = false);
    void emitEvent(ChangeEvent::Kind kind, const QByteArray &relPath, const struct stat *st, int copiedFrom = -1, qint64 copied = 0);
    void flush();
    void rescan();
    void rescanDir(const QByteArray &relPath, QSet<QByteArray> &present, int depth);

    QString m_upper;
    QStringList m_baseDirs;
    bool m_fullTree = false; // WhiteoutStyle::Delete
    std::unique_ptr<LayerView> m_base;
    int m_fd = -1;
    int m_rootFd = -1;
    int m_parentWatch = -1; // on the writable layer's parent, for its own deletion
    QByteArray m_upperName;
    QSocketNotifier *m_notifier = nullptr;
    QHash<int, QByteArray> m_watches; // watch descriptor -> directory path (relative)
    QSet<QByteArray> m_pendingNew; // files created but not yet closed after writing
    QSet<QByteArray> m_opaque;
    QSet<QByteArray> m_whiteouts; // a file made here later replaces a deletion: not a copy-up
    QHash<QByteArray, qint64> m_reported; // entries reported present, with their size: what a rescan compares with
    QList<ChangeEvent> m_batch; // events of the current read, emitted (coalesced) when it ends
};

} // namespace strata
