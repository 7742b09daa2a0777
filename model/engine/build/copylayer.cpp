#include "copylayer.h"

#include "blobwriter.h"
#include "fsutil.h"
#include "layerview.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSet>
#include <QScopeGuard>

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace strata {

namespace {
    constexpr int maxLinkHops = 255; // as the kernel's MAXSYMLINKS is 40; Docker allows 255

    QByteArray parentOf(const QByteArray &path)
    {
        const qsizetype slash = path.lastIndexOf('/');
        return slash < 0 ? QByteArray() : path.left(slash);
    }
}

CopyLayer::CopyLayer(const QStringList &viewTopFirst)
    : m_view(viewTopFirst)
{
}

CopyLayer::~CopyLayer() = default;

Status CopyLayer::open()
{
    m_layerView = std::make_unique<LayerView>(m_view);
    return m_layerView->open();
}

void CopyLayer::setDefaults(Owner owner, qint64 mtimeSec)
{
    m_owner = owner;
    m_mtime = mtimeSec;
}

std::optional<LayerEntry> CopyLayer::imageEntry(const QByteArray &relativePath) const
{
    if (relativePath.isEmpty()) {
        LayerEntry root;
        root.mode = S_IFDIR | 0755;
        return root;
    }
    auto found = m_layerView->find(relativePath);
    if (!found || found->whiteout)
        return std::nullopt;
    struct stat st;
    if (!m_layerView->stat(found->layer, relativePath, &st))
        return std::nullopt;
    LayerEntry e;
    e.path = relativePath;
    e.mode = st.st_mode;
    e.uid = st.st_uid;
    e.gid = st.st_gid;
    e.mtimeSec = st.st_mtim.tv_sec;
    e.mtimeNsec = st.st_mtim.tv_nsec;
    e.size = S_ISREG(st.st_mode) ? st.st_size : 0;
    if (S_ISLNK(st.st_mode)) {
        auto version = readVisibleFile(m_view, '/' + relativePath, 0);
        if (version)
            e.linkTarget = version->linkTarget;
    }
    return e;
}

bool CopyLayer::exists(const QByteArray &relativePath) const
{
    return m_entries.contains(relativePath) || imageEntry(relativePath).has_value();
}

bool CopyLayer::isDirectory(const QByteArray &relativePath) const
{
    if (auto it = m_entries.constFind(relativePath); it != m_entries.constEnd())
        return S_ISDIR(it->entry.mode);
    auto e = imageEntry(relativePath);
    return e && S_ISDIR(e->mode);
}

Result<QByteArray> CopyLayer::resolve(const QByteArray &absolutePath) const
{
    QList<QByteArray> pending = absolutePath.split('/');
    std::reverse(pending.begin(), pending.end());
    QList<QByteArray> done;
    int hops = 0;
    while (!pending.isEmpty()) {
        const QByteArray part = pending.takeLast();
        if (part.isEmpty() || part == ".")
            continue;
        if (part == "..") { // confined: above the root is the root
            if (!done.isEmpty())
                done.removeLast();
            continue;
        }
        done.append(part);
        const QByteArray path = done.join('/');
        // What this layer adds wins over the image (a link the step itself writes is not
        // followed: Docker resolves against the image as it was).
        if (m_entries.contains(path))
            continue;
        auto e = imageEntry(path);
        if (!e || !S_ISLNK(e->mode))
            continue;
        if (++hops > maxLinkHops)
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: too many levels of symbolic links").arg(QString::fromUtf8(absolutePath)));
        done.removeLast();
        if (e->linkTarget.startsWith('/'))
            done.clear();
        QList<QByteArray> target = e->linkTarget.split('/');
        for (qsizetype i = target.size() - 1; i >= 0; --i)
            pending.append(target[i]);
    }
    return done.join('/');
}

Status CopyLayer::ensureDirectory(const QByteArray &path, bool above)
{
    if (path.isEmpty() || m_entries.contains(path))
        return {};
    STRATA_TRY(addParents(path));
    // The image's own directory, as overlay copies it up; else one made with the defaults. A
    // file in the way of a directory above an entry is an error; at the destination itself
    // the new directory replaces it.
    if (auto existing = imageEntry(path); existing && (S_ISDIR(existing->mode) || above)) {
        if (!S_ISDIR(existing->mode))
            return fail(ErrorCode::InvalidInput, QStringLiteral("/%1 is not a directory in the image").arg(QString::fromUtf8(path)));
        m_entries.insert(path, { existing.value(), {} });
        return {};
    }
    m_entries.insert(path, { newDirectory(path, m_owner, m_mtime), {} });
    return {};
}

Status CopyLayer::addParents(const QByteArray &relativePath)
{
    return ensureDirectory(parentOf(relativePath), true);
}

Status CopyLayer::addDirectory(const QByteArray &relativePath)
{
    return ensureDirectory(relativePath, false);
}

LayerEntry CopyLayer::newDirectory(const QByteArray &path, Owner owner, qint64 mtimeSec)
{
    LayerEntry made;
    made.path = path;
    made.mode = S_IFDIR | 0755;
    made.uid = owner.uid;
    made.gid = owner.gid;
    made.mtimeSec = mtimeSec;
    return made;
}

CopyLayer::Content CopyLayer::fileContent(const QString &path)
{
    return [path]() -> Result<int> {
        const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            return fail(ErrorCode::Io, QStringLiteral("%1: %2").arg(path, fs::errorText(errno)));
        return fd;
    };
}

Status CopyLayer::add(LayerEntry entry, const Content &content)
{
    if (entry.path.isEmpty())
        return {}; // the root itself: its metadata stays the image's
    STRATA_TRY(addParents(entry.path));
    const QByteArray path = entry.path;
    m_entries.insert(path, { std::move(entry), content });
    return {};
}

Status CopyLayer::write(BlobWriter &out) const
{
    QList<LayerEntry> entries;
    entries.reserve(m_entries.size());
    for (const Item &item : m_entries)
        entries.append(item.entry);
    return LayerWriter::writeEntries(entries, [this](const LayerEntry &e) -> Result<int> {
        const Item &item = m_entries[e.path];
        if (!item.content)
            return fail(QStringLiteral("no content"));
        return item.content();
    }, out);
}

namespace {
    archive *openArchive(int fd)
    {
        if (lseek(fd, 0, SEEK_SET) != 0)
            return nullptr;
        archive *a = archive_read_new();
        archive_read_support_format_tar(a);
        archive_read_support_filter_gzip(a);
        archive_read_support_filter_bzip2(a);
        archive_read_support_filter_xz(a);
        archive_read_support_filter_zstd(a);
        if (archive_read_open_fd(a, fd, 1 << 16) != ARCHIVE_OK) {
            archive_read_free(a);
            return nullptr;
        }
        return a;
    }

    // "a/./b/" -> "a/b"; "/x" -> "x"; nullopt when it climbs out.
    std::optional<QByteArray> cleanName(const QByteArray &name)
    {
        QByteArrayList out;
        for (const QByteArray &part : name.split('/')) {
            if (part.isEmpty() || part == ".")
                continue;
            if (part == "..") {
                if (out.isEmpty())
                    return std::nullopt;
                out.removeLast();
                continue;
            }
            out.append(part);
        }
        return out.join('/');
    }
}

bool CopyLayer::isArchive(int fd)
{
    archive *a = openArchive(fd);
    if (!a)
        return false;
    archive_entry *entry;
    const bool ok = archive_read_next_header(a, &entry) == ARCHIVE_OK;
    archive_read_free(a);
    return ok;
}

Status CopyLayer::addArchive(int fd, const QString &name, const QByteArray &destRelative, const QString &scratchDir, qint64 maxBytes)
{
    archive *a = openArchive(fd);
    if (!a)
        return fail(ErrorCode::InvalidInput, QStringLiteral("%1: not a readable archive").arg(name));
    const auto freeArchive = qScopeGuard([a] { archive_read_free(a); });
    const auto refuse = [&](const QByteArray &entry, const QString &why) {
        return fail(ErrorCode::InvalidInput, QStringLiteral("archive %1: entry '%2' %3").arg(name, QString::fromUtf8(entry.left(300)), why));
    };
    const auto join = [&](const QByteArray &rel) { return destRelative.isEmpty() ? rel : rel.isEmpty() ? destRelative : destRelative + '/' + rel; };
    QHash<QByteArray, QString> staged; // archive name -> staged content, for hard links
    QSet<QByteArray> links; // names of symbolic links this archive made
    qint64 total = 0;
    int fileIndex = 0;
    archive_entry *entry;
    for (;;) {
        const int r = archive_read_next_header(a, &entry);
        if (r == ARCHIVE_EOF)
            break;
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
            return fail(ErrorCode::InvalidInput, QStringLiteral("archive %1: %2").arg(name, QString::fromLocal8Bit(archive_error_string(a))));
        const QByteArray raw = archive_entry_pathname(entry) ? QByteArray(archive_entry_pathname(entry)) : QByteArray();
        const auto cleaned = cleanName(raw);
        if (!cleaned)
            return refuse(raw, QStringLiteral("is outside of the destination"));
        const QByteArray rel = cleaned.value();
        if (rel.isEmpty())
            continue; // "./": the destination itself
        const QByteArray base = rel.mid(rel.lastIndexOf('/') + 1);
        if (base.startsWith(".wh."))
            return refuse(raw, QStringLiteral("has a name reserved for whiteouts"));
        for (QByteArray p = rel; p.contains('/');) {
            p = p.left(p.lastIndexOf('/'));
            if (links.contains(p))
                return refuse(raw, QStringLiteral("lies below the symbolic link '%1' the archive made").arg(QString::fromUtf8(p)));
        }
        LayerEntry e;
        e.path = join(rel);
        e.uid = quint32(archive_entry_uid(entry));
        e.gid = quint32(archive_entry_gid(entry));
        e.mtimeSec = archive_entry_mtime(entry);
        e.mtimeNsec = archive_entry_mtime_nsec(entry);
        const mode_t type = archive_entry_filetype(entry);
        const quint32 perm = quint32(archive_entry_perm(entry));
        if (const char *hard = archive_entry_hardlink(entry)) {
            const auto target = cleanName(hard);
            if (!target || !staged.contains(target.value()))
                return refuse(raw, QStringLiteral("is a hard link to '%1', which is not a file earlier in the archive").arg(QString::fromUtf8(hard)));
            const QString file = staged.value(target.value());
            e.mode = S_IFREG | perm;
            e.size = QFileInfo(file).size();
            STRATA_TRY(add(e, fileContent(file)));
            continue;
        }
        if (type == AE_IFDIR) {
            e.mode = S_IFDIR | perm;
            STRATA_TRY(add(e));
        } else if (type == AE_IFLNK) {
            const QByteArray target = archive_entry_symlink(entry) ? QByteArray(archive_entry_symlink(entry)) : QByteArray();
            if (!target.startsWith('/')) {
                const QByteArray dir = rel.contains('/') ? rel.left(rel.lastIndexOf('/')) + '/' : QByteArray();
                if (!cleanName(dir + target))
                    return refuse(raw, QStringLiteral("is a symbolic link to '%1', outside of the destination").arg(QString::fromUtf8(target)));
            }
            e.mode = S_IFLNK | 0777;
            e.linkTarget = target;
            links.insert(rel);
            STRATA_TRY(add(e));
        } else if (type == AE_IFREG) {
            const qint64 size = archive_entry_size(entry);
            total += size;
            if (size < 0 || total > maxBytes)
                return refuse(raw, QStringLiteral("takes the archive past %1 bytes").arg(maxBytes));
            const QString file = scratchDir + QStringLiteral("/add-%1").arg(fileIndex++);
            const int fd = ::open(QFile::encodeName(file).constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
            if (fd < 0)
                return fail(ErrorCode::Io, QStringLiteral("%1: %2").arg(file, fs::errorText(errno)));
            const int copied = archive_read_data_into_fd(a, fd);
            close(fd);
            if (copied != ARCHIVE_OK)
                return refuse(raw, QStringLiteral("cannot be read: %1").arg(QString::fromLocal8Bit(archive_error_string(a))));
            e.mode = S_IFREG | perm;
            e.size = QFileInfo(file).size();
            if (e.size != size)
                return refuse(raw, QStringLiteral("is shorter than its header says"));
            staged.insert(rel, file);
            STRATA_TRY(add(e, fileContent(file)));
        } else {
            return refuse(raw, QStringLiteral("is a device or FIFO, which ADD does not extract"));
        }
    }
    return {};
}

} // namespace strata
