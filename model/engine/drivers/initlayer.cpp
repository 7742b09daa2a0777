#include "initlayer.h"

#include "fsutil.h"

#include <QFile>

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace strata {

namespace {

    constexpr const char *initDirs[] = { "proc", "sys", "dev", "dev/pts", "dev/shm", "etc" };
    constexpr const char *initFiles[] = { "etc/hostname", "etc/hosts", "etc/resolv.conf" };

} // namespace

Status InitLayer::applyTo(const QString &init, const QString &target)
{
    const int root = open(QFile::encodeName(target).constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (root < 0)
        return fail(QStringLiteral("%1: %2").arg(target, fs::errorText(errno)));
    auto parentOf = [&](const QByteArray &rel, QByteArray *base) {
        const qsizetype slash = rel.lastIndexOf('/');
        *base = rel.mid(slash + 1);
        return slash < 0 ? dup(root) : openat(root, rel.left(slash).constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    };
    for (const char *d : initDirs) {
        QByteArray base;
        const int parent = parentOf(d, &base);
        if (parent >= 0) {
            (void)mkdirat(parent, base.constData(), 0755);
            close(parent);
        }
    }
    for (const char *f : initFiles) {
        QByteArray base;
        const int parent = parentOf(f, &base);
        if (parent < 0)
            continue;
        struct stat st;
        if (fstatat(parent, base.constData(), &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode))
            unlinkat(parent, base.constData(), 0);
        const int fd = openat(parent, base.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        struct stat initSt;
        if (fd >= 0 && stat(QFile::encodeName(init + u'/' + QLatin1String(f)).constData(), &initSt) == 0) {
            const timespec times[2] = { initSt.st_atim, initSt.st_mtim };
            futimens(fd, times);
        }
        if (fd >= 0)
            close(fd);
        close(parent);
    }
    close(root);
    return {};
}

Status InitLayer::create(const QString &init)
{
    for (const char *sub : initDirs)
        STRATA_TRY(fs::makeDirs(init + u'/' + QLatin1String(sub)));
    for (const char *file : initFiles) {
        QFile f(init + u'/' + QLatin1String(file));
        if (!f.open(QIODevice::WriteOnly))
            return fail(ErrorCode::Io, QStringLiteral("%1: cannot create: %2").arg(f.fileName(), f.errorString()));
    }
    return {};
}

} // namespace strata
