#include "entrymetadata.h"

#include "confineddirs.h"
#include "fsutil.h"
#include "tarentry.h"

#include <QFile>

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

namespace strata {

namespace {
    // The process umask, read without changing it (umask(2) can only set it, and other threads
    // may be creating files). /proc/self/status has it since Linux 4.7.
    mode_t currentUmask()
    {
        QFile status(QStringLiteral("/proc/self/status"));
        if (status.open(QIODevice::ReadOnly)) {
            for (const QByteArray &line : status.readAll().split('\n')) {
                if (line.startsWith("Umask:"))
                    return mode_t(line.mid(6).trimmed().toUInt(nullptr, 8));
            }
        }
        return 0777; // unknown: every file gets its explicit chmod
    }
}

EntryMetadata::EntryMetadata(bool rootless)
    : m_rootless(rootless)
    , m_umask(currentUmask())
    , m_euid(geteuid())
    , m_egid(getegid())
{
}

EntryMetadata::FilePlan EntryMetadata::planFile(archive_entry *entry) const
{
    const mode_t perm = mode_t(archive_entry_perm(entry));
    const uid_t uid = uid_t(archive_entry_uid(entry));
    const gid_t gid = gid_t(archive_entry_gid(entry));
    FilePlan plan;
    // A new file already has the caller's owner, and the mode it is created with.
    plan.chown = !m_rootless && (!m_freshRoot || uid != m_euid || gid != m_egid);
    plan.chmod = plan.chown || (perm & (m_umask | S_ISUID | S_ISGID | S_ISVTX)) != 0;
    plan.createMode = plan.chmod ? 0600 : perm;
    return plan;
}

Status EntryMetadata::finishFile(int fd, archive_entry *entry, const FilePlan &plan) const
{
    if (plan.chown && fchown(fd, uid_t(archive_entry_uid(entry)), gid_t(archive_entry_gid(entry))) != 0)
        return fail(ErrorCode::Io, QStringLiteral("cannot set its owner: %1").arg(fs::errorText(errno)));
    // After chown, which clears set-id bits.
    if (plan.chmod && fchmod(fd, mode_t(archive_entry_perm(entry))) != 0)
        return fail(ErrorCode::Io, QStringLiteral("cannot set its mode: %1").arg(fs::errorText(errno)));
    // Last: chown also removes security.capability.
    STRATA_TRY(applyXattrs(fd, entry));
    timespec t[2];
    tarentry::times(entry, t);
    futimens(fd, t);
    return {};
}

Status EntryMetadata::applyOwner(int dirFd, const QByteArray &name, archive_entry *entry) const
{
    if (m_rootless)
        return {}; // the blob keeps the owners; an unprivileged user cannot apply them
    if (fchownat(dirFd, name.constData(), uid_t(archive_entry_uid(entry)), gid_t(archive_entry_gid(entry)), AT_SYMLINK_NOFOLLOW) != 0)
        return fail(ErrorCode::Io, QStringLiteral("cannot set its owner: %1").arg(fs::errorText(errno)));
    return {};
}

Status EntryMetadata::applyXattrs(int fd, archive_entry *entry) const
{
    if (archive_entry_xattr_reset(entry) == 0)
        return {};
    const char *name;
    const void *value;
    size_t size;
    while (archive_entry_xattr_next(entry, &name, &value, &size) == ARCHIVE_OK) {
        QByteArrayView n(name);
        if (n.contains(".overlay."))
            continue;
        const bool allowed = n.startsWith("user.") || (!m_rootless && (n.startsWith("security.") || n.startsWith("trusted.")));
        if (!allowed)
            continue;
        if (fsetxattr(fd, name, value, size, 0) != 0)
            return fail(ErrorCode::Io, QStringLiteral("cannot set its extended attribute '%1': %2").arg(QString::fromUtf8(name), fs::errorText(errno)));
    }
    return {};
}

Status EntryMetadata::finishSpecial(int dirFd, const QByteArray &name, archive_entry *entry, bool setMode) const
{
    STRATA_TRY(applyOwner(dirFd, name, entry));
    // fchmodat cannot refuse to follow a link (AT_SYMLINK_NOFOLLOW is not implemented): the
    // mode is set only on what was just created as a device or fifo, never on a link.
    if (setMode)
        fchmodat(dirFd, name.constData(), mode_t(archive_entry_perm(entry)), 0);
    timespec t[2];
    tarentry::times(entry, t);
    utimensat(dirFd, name.constData(), t, AT_SYMLINK_NOFOLLOW);
    return {};
}

void EntryMetadata::deferDirectory(const QByteArray &cleanPath, archive_entry *entry)
{
    DirMeta meta { cleanPath, mode_t(archive_entry_perm(entry)), {} };
    tarentry::times(entry, meta.times);
    m_dirs.append(meta);
}

Status EntryMetadata::finishDirectories(ConfinedDirs &dirs)
{
    dirs.clear();
    for (qsizetype i = m_dirs.size() - 1; i >= 0; --i) {
        const DirMeta &meta = m_dirs[i];
        const QList<QByteArray> parts = meta.path.split('/');
        auto parent = dirs.open(parts, parts.size() - 1, false);
        if (!parent)
            return fail(parent.takeError(), QStringLiteral("entry '%1' ").arg(QString::fromUtf8(meta.path.left(200))));
        if (parent.value() < 0)
            continue;
        fchmodat(parent.value(), parts.last().constData(), meta.mode, 0);
        utimensat(parent.value(), parts.last().constData(), meta.times, AT_SYMLINK_NOFOLLOW);
    }
    dirs.clear();
    return {};
}

} // namespace strata
