#include "whiteout.h"

#include "fsutil.h"

#include <fcntl.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

namespace strata::whiteout {

namespace {
    const QByteArray prefix = QByteArrayLiteral(".wh.");
    const QByteArray opaqueMarker = QByteArrayLiteral(".wh..wh..opq");
    const QByteArray bookkeepingPrefix = QByteArrayLiteral(".wh..wh.");
}

Result<Name> parse(const QByteArray &component)
{
    Name name;
    if (!component.startsWith(prefix))
        return name;
    if (component == opaqueMarker) {
        name.type = Name::Type::Opaque;
        return name;
    }
    if (component.startsWith(bookkeepingPrefix)) {
        name.type = Name::Type::Bookkeeping;
        return name;
    }
    const QByteArray target = component.mid(prefix.size());
    if (target.isEmpty() || target == "." || target == ".." || target.startsWith(prefix))
        return fail(ErrorCode::InvalidInput, QStringLiteral("is a whiteout with an invalid name"));
    name.type = Name::Type::Deletion;
    name.target = target;
    return name;
}

QByteArray deletionEntry(const QByteArray &relPath)
{
    const qsizetype slash = relPath.lastIndexOf('/');
    return (slash < 0 ? QByteArray() : relPath.left(slash + 1)) + prefix + relPath.mid(slash + 1);
}

bool isOverlayDeletion(const struct stat &st)
{
    return S_ISCHR(st.st_mode) && major(st.st_rdev) == 0 && minor(st.st_rdev) == 0;
}

bool isOverlayOpaque(int dirFd, const char *name)
{
    const int fd = openat(dirFd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return false;
    char value[4];
    bool opaque = false;
    for (const char *attr : { "trusted.overlay.opaque", "user.overlay.opaque" }) {
        const ssize_t n = fgetxattr(fd, attr, value, sizeof value);
        if (n == 1 && value[0] == 'y')
            opaque = true;
    }
    close(fd);
    return opaque;
}

Status placeOverlayDeletion(int dirFd, const QByteArray &name)
{
    if (mknodat(dirFd, name.constData(), S_IFCHR | 0000, makedev(0, 0)) != 0)
        return fail(ErrorCode::Io, QStringLiteral("cannot create the whiteout device: %1").arg(fs::errorText(errno)));
    return {};
}

Status markOverlayOpaque(int dirFd, const QString &xattr)
{
    const QByteArray attr = xattr.toLatin1();
    if (fsetxattr(dirFd, attr.constData(), "y", 1, 0) != 0)
        return fail(ErrorCode::Io, QStringLiteral("cannot mark the directory opaque (%1): %2").arg(xattr, fs::errorText(errno)));
    return {};
}

} // namespace strata::whiteout
