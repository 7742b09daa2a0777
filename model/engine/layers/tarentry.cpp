#include "tarentry.h"

#include <archive_entry.h>

namespace strata::tarentry {

QString kindName(Kind kind)
{
    switch (kind) {
    case Kind::Directory:
        return QStringLiteral("directory");
    case Kind::File:
    case Kind::Hardlink:
        return QStringLiteral("file");
    case Kind::Symlink:
        return QStringLiteral("symbolic link");
    case Kind::Device:
        return QStringLiteral("device node");
    case Kind::Fifo:
        return QStringLiteral("fifo");
    case Kind::Whiteout:
        return QStringLiteral("whiteout");
    }
    return {};
}

bool sameKind(Kind a, Kind b)
{
    auto norm = [](Kind k) { return k == Kind::Hardlink ? Kind::File : k; };
    return norm(a) == norm(b);
}

Result<Kind> kindOf(archive_entry *entry)
{
    if (archive_entry_hardlink(entry))
        return Kind::Hardlink;
    const mode_t type = archive_entry_filetype(entry);
    switch (type) {
    case AE_IFDIR:
        return Kind::Directory;
    case AE_IFREG:
        return Kind::File;
    case AE_IFLNK:
        return Kind::Symlink;
    case AE_IFCHR:
    case AE_IFBLK:
        return Kind::Device;
    case AE_IFIFO:
        return Kind::Fifo;
    default:
        return fail(ErrorCode::InvalidInput, QStringLiteral("has an unsupported file type (%1)").arg(type, 0, 8));
    }
}

Result<QList<QByteArray>> splitPath(const char *raw, const char *what)
{
    const QByteArray path(raw ? raw : "");
    const QString field = QString::fromLatin1(what);
    if (path.size() > maxPathBytes)
        return fail(ErrorCode::InvalidInput, QStringLiteral("has a %1 longer than %2 bytes").arg(field).arg(maxPathBytes));
    if (path.startsWith('/'))
        return fail(ErrorCode::InvalidInput, QStringLiteral("has an absolute %1").arg(field));
    QList<QByteArray> parts;
    for (const QByteArray &part : path.split('/')) {
        if (part.isEmpty() || part == ".")
            continue;
        if (part == "..")
            return fail(ErrorCode::InvalidInput, QStringLiteral("has a %1 that leaves the layer root ('..')").arg(field));
        if (part.contains('\0'))
            return fail(ErrorCode::InvalidInput, QStringLiteral("has a NUL byte in its %1").arg(field));
        parts.append(part);
    }
    return parts;
}

void times(archive_entry *entry, timespec out[2])
{
    out[1] = { archive_entry_mtime(entry), archive_entry_mtime_nsec(entry) };
    out[0] = archive_entry_atime_is_set(entry) ? timespec { archive_entry_atime(entry), archive_entry_atime_nsec(entry) } : out[1];
}

} // namespace strata::tarentry
