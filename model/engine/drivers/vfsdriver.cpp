#include "vfsdriver.h"

#include "fsutil.h"
#include "treecopier.h"

#include <QByteArray>
#include <QFile>
#include <QHash>
#include <QList>

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

namespace strata {

Status VfsDriver::prepare(const QString &diffDir, const QString &parentDiffDir) const
{
    STRATA_TRY(fs::makeDirs(diffDir));
    if (parentDiffDir.isEmpty())
        return {};
    return copyTree(parentDiffDir, diffDir);
}

Status VfsDriver::copyTree(const QString &parentDiffDir, const QString &diffDir) const
{
    int src = open(QFile::encodeName(parentDiffDir).constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (src < 0)
        return fail(QStringLiteral("%1: cannot open parent snapshot: %2").arg(parentDiffDir, fs::errorText(errno)));
    int dst = open(QFile::encodeName(diffDir).constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dst < 0) {
        close(src);
        return fail(QStringLiteral("%1: cannot open snapshot: %2").arg(diffDir, fs::errorText(errno)));
    }
    TreeCopier copier(geteuid() == 0);
    copier.setRoot(dst);
    Status status = copier.copyDir(src, dst, {});
    struct stat st;
    if (fstat(src, &st) == 0) {
        fchmod(dst, st.st_mode & 07777);
        const timespec times[2] = { st.st_atim, st.st_mtim };
        futimens(dst, times);
    }
    close(src);
    close(dst);
    if (!status)
        return fail(QStringLiteral("vfs snapshot from %1: %2").arg(parentDiffDir, status.error()));
    return {};
}

} // namespace strata
