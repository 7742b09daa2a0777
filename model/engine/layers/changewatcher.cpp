#include "changewatcher.h"

#include "fsutil.h"
#include "layerview.h"
#include "whiteout.h"

#include <QFile>
#include <QSocketNotifier>

#include <algorithm>
#include <utility>

#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

namespace strata {

QString ChangeEvent::kindName() const
{
    switch (kind) {
    case Kind::Added:
        return QStringLiteral("Added");
    case Kind::Changed:
        return QStringLiteral("Changed");
    case Kind::Deleted:
        return QStringLiteral("Deleted");
    case Kind::Opaque:
        return QStringLiteral("Opaque");
    }
    return QString();
}

namespace {
    constexpr uint32_t dirMask = IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE | IN_MODIFY | IN_ATTRIB | IN_DELETE | IN_MOVED_FROM | IN_DELETE_SELF | IN_ONLYDIR;

    QByteArray join(const QByteArray &dir, const QByteArray &name)
    {
        return dir.isEmpty() ? name : dir + '/' + name;
    }

    // The container writes this tree: every path is resolved below the root without following
    // a symbolic link.
    using fs::openBeneath;

    bool statBeneath(int rootFd, const QByteArray &relPath, struct stat *st)
    {
        const qsizetype slash = relPath.lastIndexOf('/');
        const int parent = openBeneath(rootFd, slash < 0 ? QByteArray() : relPath.left(slash), O_PATH | O_DIRECTORY);
        if (parent < 0)
            return false;
        const bool ok = fstatat(parent, relPath.mid(slash + 1).constData(), st, AT_SYMLINK_NOFOLLOW) == 0;
        close(parent);
        return ok;
    }
} // namespace

ChangeWatcher::ChangeWatcher(const QString &upperDir, const QStringList &baseLayers, WhiteoutStyle deletions, QObject *parent)
    : QObject(parent)
    , m_upper(upperDir)
    , m_baseDirs(baseLayers)
    , m_fullTree(deletions == WhiteoutStyle::Delete)
{
}

ChangeWatcher::~ChangeWatcher()
{
    if (m_fd >= 0)
        close(m_fd);
    if (m_rootFd >= 0)
        close(m_rootFd);
}

Status ChangeWatcher::start()
{
    m_base = std::make_unique<LayerView>(m_baseDirs);
    STRATA_TRY(m_base->open());
    m_rootFd = open(QFile::encodeName(m_upper).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (m_rootFd < 0)
        return fail(QStringLiteral("writable layer %1: %2").arg(m_upper, fs::errorText(errno)));
    m_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (m_fd < 0)
        return fail(QStringLiteral("cannot watch %1: inotify: %2").arg(m_upper, fs::errorText(errno)));
    addWatch({}, false);
    // The writable layer's own name in its parent: a btrfs subvolume deleted with its ioctl
    // goes at once, with no event inside it, only this one in the parent.
    QString parent = m_upper;
    while (parent.size() > 1 && parent.endsWith(u'/'))
        parent.chop(1);
    m_upperName = QFile::encodeName(parent.mid(parent.lastIndexOf(u'/') + 1));
    parent.truncate(qMax<qsizetype>(parent.lastIndexOf(u'/'), 1));
    m_parentWatch = inotify_add_watch(m_fd, QFile::encodeName(parent).constData(), IN_DELETE | IN_MOVED_FROM | IN_ONLYDIR);
    m_notifier = new QSocketNotifier(m_fd, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &ChangeWatcher::readEvents);
    return {};
}

// Adds a watch on a directory (again, after an overflow: the kernel keeps one per inode) and
// returns its entries; nothing when it cannot be opened or watched.
std::optional<QList<QByteArray>> ChangeWatcher::watchDir(const QByteArray &relPath)
{
    const int dirFd = openBeneath(m_rootFd, relPath, O_RDONLY | O_DIRECTORY);
    if (dirFd < 0)
        return std::nullopt;
    // Watched through the descriptor's magic link: the directory just opened, not a path the
    // container could redirect in between.
    const QByteArray viaFd = "/proc/self/fd/" + QByteArray::number(dirFd);
    const int wd = inotify_add_watch(m_fd, viaFd.constData(), dirMask);
    if (wd < 0) {
        close(dirFd);
        return std::nullopt;
    }
    m_watches.insert(wd, relPath);
    auto names = fs::entryNames(dirFd);
    close(dirFd);
    if (!names)
        return std::nullopt;
    return names.value();
}

// Watches a directory and its subdirectories. Entries already there when a directory appears
// are reported too: they were created before the watch could see them.
void ChangeWatcher::addWatch(const QByteArray &relPath, bool reportContents)
{
    const auto names = watchDir(relPath);
    if (!names)
        return;
    for (const QByteArray &name : names.value()) {
        const QByteArray child = join(relPath, name);
        struct stat st;
        if (!statBeneath(m_rootFd, child, &st))
            continue;
        if (reportContents) {
            entryAppeared(child, true);
            continue;
        }
        // There before the watch began: not reported, but known, so a rescan compares with it.
        m_reported.insert(child, S_ISDIR(st.st_mode) ? 0 : qint64(st.st_size));
        if (S_ISDIR(st.st_mode))
            addWatch(child, false);
    }
}

void ChangeWatcher::emitEvent(ChangeEvent::Kind kind, const QByteArray &relPath, const struct stat *st, int copiedFrom, qint64 copied)
{
    ChangeEvent e;
    e.kind = kind;
    e.path = '/' + relPath;
    e.size = st && !S_ISDIR(st->st_mode) ? qint64(st->st_size) : 0;
    e.isDir = st && S_ISDIR(st->st_mode);
    e.copiedFromLayer = copiedFrom;
    e.copiedBytes = copied;
    e.time = QDateTime::currentDateTimeUtc();
    if (kind == ChangeEvent::Kind::Deleted)
        m_reported.remove(relPath);
    else
        m_reported.insert(relPath, e.size);
    // A burst rewriting one file (a loop of appends) comes out as one event.
    if (kind == ChangeEvent::Kind::Changed) {
        for (qsizetype i = m_batch.size() - 1; i >= 0; --i) {
            ChangeEvent &earlier = m_batch[i];
            if (earlier.path != e.path)
                continue;
            if (earlier.kind == ChangeEvent::Kind::Added || earlier.kind == ChangeEvent::Kind::Changed) {
                earlier.size = e.size;
                earlier.time = e.time;
                return;
            }
            break;
        }
    }
    m_batch.append(e);
}

void ChangeWatcher::flush()
{
    const QList<ChangeEvent> batch = std::exchange(m_batch, {});
    for (const ChangeEvent &e : batch)
        Q_EMIT changed(e);
}

void ChangeWatcher::rescan()
{
    QSet<QByteArray> present;
    rescanDir({}, present, 0);
    QList<QByteArray> gone;
    for (auto it = m_reported.cbegin(); it != m_reported.cend(); ++it) {
        if (!present.contains(it.key()))
            gone.append(it.key());
    }
    std::sort(gone.begin(), gone.end());
    for (const QByteArray &path : std::as_const(gone)) {
        m_pendingNew.remove(path);
        if (m_fullTree || !m_base->find(path))
            emitEvent(ChangeEvent::Kind::Deleted, path, nullptr);
        else
            m_reported.remove(path); // a lower file shows through again: nothing changed
    }
}

// Watches every directory again (new ones were missed) and reports what differs from what
// was reported. The walk is bounded by the kernel's own path limit, as the tree's depth is.
void ChangeWatcher::rescanDir(const QByteArray &relPath, QSet<QByteArray> &present, int depth)
{
    if (depth > 2048)
        return;
    const auto names = watchDir(relPath);
    if (!names)
        return;
    for (const QByteArray &name : names.value()) {
        const QByteArray child = join(relPath, name);
        struct stat st;
        if (!statBeneath(m_rootFd, child, &st))
            continue;
        present.insert(child);
        const auto known = m_reported.constFind(child);
        if (known == m_reported.cend()) {
            if (S_ISREG(st.st_mode) && !whiteout::isOverlayDeletion(st) && !m_base->find(child)) {
                m_pendingNew.remove(child); // its close may have been among the lost events
                emitEvent(ChangeEvent::Kind::Added, child, &st);
            } else {
                entryAppeared(child, true); // its close may have been among the lost events
            }
        } else if (!S_ISDIR(st.st_mode) && known.value() != qint64(st.st_size)) {
            emitEvent(ChangeEvent::Kind::Changed, child, &st);
        }
        if (S_ISDIR(st.st_mode))
            rescanDir(child, present, depth + 1);
    }
}

void ChangeWatcher::entryAppeared(const QByteArray &relPath, bool scanned)
{
    struct stat st;
    if (!statBeneath(m_rootFd, relPath, &st))
        return;
    if (whiteout::isOverlayDeletion(st)) {
        m_pendingNew.remove(relPath);
        m_whiteouts.insert(relPath);
        emitEvent(ChangeEvent::Kind::Deleted, relPath, nullptr);
        return;
    }
    const auto origin = m_base->find(relPath);
    if (S_ISDIR(st.st_mode)) {
        const qsizetype slash = relPath.lastIndexOf('/');
        const QByteArray parent = slash < 0 ? QByteArray() : relPath.left(slash);
        const int parentFd = openBeneath(m_rootFd, parent, O_RDONLY | O_DIRECTORY);
        const bool opaque = parentFd >= 0 && whiteout::isOverlayOpaque(parentFd, relPath.mid(slash + 1).constData());
        if (parentFd >= 0)
            close(parentFd);
        if (opaque) {
            m_opaque.insert(relPath);
            emitEvent(ChangeEvent::Kind::Opaque, relPath, &st);
        } else if (origin) {
            // A directory copied up, or (a full tree) made again where one was deleted.
            emitEvent(ChangeEvent::Kind::Changed, relPath, &st, m_fullTree ? -1 : origin->layer, 0);
        } else {
            emitEvent(ChangeEvent::Kind::Added, relPath, &st);
        }
        addWatch(relPath, true);
        return;
    }
    if (origin && !m_fullTree && !m_whiteouts.remove(relPath)) {
        // A name a lower layer has, appearing here complete: overlayfs copied the whole file
        // up (built in work/, then linked or renamed in) before the container's write.
        struct stat lower;
        const qint64 bytes = m_base->stat(origin->layer, relPath, &lower) && S_ISREG(lower.st_mode) ? qint64(lower.st_size) : 0;
        emitEvent(ChangeEvent::Kind::Changed, relPath, &st, origin->layer, bytes);
        return;
    }
    if (S_ISREG(st.st_mode)) {
        // Seen being created: reported once written and closed, with its size. Found by the
        // scan of a directory that was just watched: made before the watch, maybe written and
        // closed already, so its close may never come: reported now; more writes are changes.
        if (scanned)
            emitEvent(origin ? ChangeEvent::Kind::Changed : ChangeEvent::Kind::Added, relPath, &st);
        else
            m_pendingNew.insert(relPath);
        return;
    }
    emitEvent(origin ? ChangeEvent::Kind::Changed : ChangeEvent::Kind::Added, relPath, &st);
}

// The writable layer is gone: what was read is reported, then nothing more.
void ChangeWatcher::end()
{
    close(m_fd);
    m_fd = -1;
    m_notifier->setEnabled(false);
    flush();
    Q_EMIT finished();
}

void ChangeWatcher::readEvents()
{
    alignas(inotify_event) char buf[64 * 1024];
    for (;;) {
        const ssize_t n = read(m_fd, buf, sizeof buf);
        if (n <= 0) {
            flush();
            return;
        }
        for (ssize_t off = 0; off < n;) {
            const auto *ev = reinterpret_cast<const inotify_event *>(buf + off);
            off += ssize_t(sizeof(inotify_event) + ev->len);
            if (ev->mask & IN_Q_OVERFLOW) {
                Q_EMIT overflowed();
                rescan();
                continue;
            }
            if (ev->wd == m_parentWatch && ev->len > 0 && QByteArray(ev->name) == m_upperName) {
                end();
                return;
            }
            const auto dir = m_watches.constFind(ev->wd);
            if (dir == m_watches.constEnd())
                continue;
            if (ev->mask & IN_IGNORED) {
                const bool root = dir->isEmpty();
                m_watches.remove(ev->wd);
                if (root) {
                    end();
                    return;
                }
                continue;
            }
            if (ev->mask & IN_DELETE_SELF)
                continue;
            if ((ev->mask & (IN_DELETE | IN_MOVED_FROM)) && access(QFile::encodeName(m_upper).constData(), F_OK) != 0) {
                // The container is being removed (its directory was moved away): its layer's
                // deletion is not a change made inside it.
                end();
                return;
            }
            const QByteArray path = join(*dir, QByteArray(ev->name));
            if (ev->mask & (IN_CREATE | IN_MOVED_TO)) {
                entryAppeared(path);
            } else if (ev->mask & IN_CLOSE_WRITE) {
                struct stat st;
                if (!statBeneath(m_rootFd, path, &st))
                    continue;
                const bool isNew = m_pendingNew.remove(path);
                emitEvent(isNew && !m_base->find(path) ? ChangeEvent::Kind::Added : ChangeEvent::Kind::Changed, path, &st);
            } else if (ev->mask & (IN_DELETE | IN_MOVED_FROM)) {
                m_pendingNew.remove(path);
                // Gone from the writable layer: if a lower layer still has it, overlay writes a
                // whiteout next (reported then); otherwise the change is simply undone. From a
                // full tree, gone is deleted.
                if (m_fullTree || !m_base->find(path))
                    emitEvent(ChangeEvent::Kind::Deleted, path, nullptr);
            } else if ((ev->mask & IN_ATTRIB) && (ev->mask & IN_ISDIR) && !m_opaque.contains(path)) {
                const int parentFd = openBeneath(m_rootFd, *dir, O_RDONLY | O_DIRECTORY);
                if (parentFd >= 0 && whiteout::isOverlayOpaque(parentFd, ev->name)) {
                    m_opaque.insert(path);
                    struct stat st;
                    if (statBeneath(m_rootFd, path, &st))
                        emitEvent(ChangeEvent::Kind::Opaque, path, &st);
                }
                if (parentFd >= 0)
                    close(parentFd);
            }
        }
    }
}

} // namespace strata
