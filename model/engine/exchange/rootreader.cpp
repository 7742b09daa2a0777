#include "rootreader.h"

#include "fsutil.h"

#include <QFile>
#include <QJsonParseError>

#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace strata {

bool isPlainName(QStringView name)
{
    if (name.isEmpty() || name.size() > 255 || name == u"." || name == u"..")
        return false;
    for (QChar c : name)
        if (c == u'/' || c == QChar(0))
            return false;
    return true;
}

RootReader::RootReader(QString root, QString what)
    : m_root(std::move(root))
    , m_what(std::move(what))
{
}

Status RootReader::open()
{
    // The root itself may be a symlink (/var/lib/docker on another disk); below it nothing may.
    m_fd = fs::UniqueFd(::open(QFile::encodeName(m_root).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!m_fd.ok())
        return fail(errno == ENOENT ? ErrorCode::NotFound : ErrorCode::Io, QStringLiteral("%1 %2: %3").arg(m_what, m_root, fs::errorText(errno)));
    return {};
}

Result<fs::UniqueFd> RootReader::openRel(const QString &rel, bool dir) const
{
    const QStringList parts = rel.split(u'/');
    int at = m_fd.get();
    fs::UniqueFd current;
    for (qsizetype i = 0; i < parts.size(); ++i) {
        if (!isPlainName(parts[i]))
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: '%2' is not a plain file name").arg(path(rel), parts[i]));
        const bool last = i == parts.size() - 1;
        const int flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | ((last && !dir) ? O_NONBLOCK : O_DIRECTORY);
        fs::UniqueFd next(fs::openNoAtime(at, QFile::encodeName(parts[i]).constData(), flags));
        if (!next.ok()) {
            const int e = errno;
            const QString where = path(parts.mid(0, i + 1).join(u'/'));
            if (e == ELOOP || (e == ENOTDIR && !last))
                return fail(ErrorCode::InvalidInput, QStringLiteral("%1: is a symbolic link or not a directory; refusing to follow it").arg(where));
            return fail(e == ENOENT ? ErrorCode::NotFound : ErrorCode::Io, QStringLiteral("%1: %2").arg(where, fs::errorText(e)));
        }
        current = std::move(next);
        at = current.get();
    }
    return current;
}

bool RootReader::exists(const QString &rel, bool dir) const
{
    auto fd = openRel(rel, dir);
    return fd.ok();
}

bool RootReader::present(const QString &rel) const
{
    const qsizetype slash = rel.lastIndexOf(u'/');
    fs::UniqueFd parent;
    int at = m_fd.get();
    if (slash > 0) {
        auto p = openRel(rel.left(slash), true);
        if (!p)
            return false;
        parent = std::move(p.value());
        at = parent.get();
    }
    const QString name = rel.mid(slash + 1);
    if (!isPlainName(name))
        return false;
    struct stat st {};
    return ::fstatat(at, QFile::encodeName(name).constData(), &st, AT_SYMLINK_NOFOLLOW) == 0;
}

Result<QByteArray> RootReader::read(const QString &rel, qint64 limit) const
{
    auto fd = openRel(rel, false);
    if (!fd)
        return fd.takeError();
    struct stat st {};
    if (::fstat(fd->get(), &st) != 0)
        return fail(ErrorCode::Io, QStringLiteral("%1: %2").arg(path(rel), fs::errorText(errno)));
    if (!S_ISREG(st.st_mode))
        return fail(ErrorCode::InvalidInput, QStringLiteral("%1: not a regular file").arg(path(rel)));
    if (st.st_size > limit)
        return fail(ErrorCode::InvalidInput, QStringLiteral("%1: %2 bytes, more than the %3 a file of this kind may have").arg(path(rel)).arg(st.st_size).arg(limit));
    QByteArray data;
    data.resize(qsizetype(st.st_size) + 1);
    qsizetype got = 0;
    while (got < data.size()) {
        const ssize_t n = ::read(fd->get(), data.data() + got, size_t(data.size() - got));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return fail(ErrorCode::Io, QStringLiteral("%1: %2").arg(path(rel), fs::errorText(errno)));
        }
        if (n == 0)
            break;
        got += n;
        if (got > limit)
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: grew past %2 bytes while read").arg(path(rel)).arg(limit));
    }
    data.truncate(got);
    return data;
}

Result<QJsonDocument> RootReader::parseJsonDocument(const QString &rel, const QByteArray &bytes) const
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &pe);
    if (pe.error != QJsonParseError::NoError)
        return fail(ErrorCode::InvalidInput, QStringLiteral("%1: not valid JSON (%2 at offset %3)").arg(path(rel), pe.errorString()).arg(pe.offset));
    return doc;
}

Result<QJsonObject> RootReader::parseJson(const QString &rel, const QByteArray &bytes) const
{
    auto doc = parseJsonDocument(rel, bytes);
    if (!doc)
        return doc.takeError();
    if (!doc->isObject())
        return fail(ErrorCode::InvalidInput, QStringLiteral("%1: not a JSON object").arg(path(rel)));
    return doc->object();
}

Result<QJsonDocument> RootReader::readJsonDocument(const QString &rel, qint64 limit) const
{
    auto bytes = read(rel, limit);
    if (!bytes)
        return bytes.takeError();
    return parseJsonDocument(rel, bytes.value());
}

Result<QJsonObject> RootReader::readJson(const QString &rel, qint64 limit) const
{
    auto bytes = read(rel, limit);
    if (!bytes)
        return bytes.takeError();
    return parseJson(rel, bytes.value());
}

Result<QStringList> RootReader::list(const QString &rel) const
{
    fs::UniqueFd fd;
    if (rel.isEmpty()) {
        fd = fs::UniqueFd(::openat(m_fd.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!fd.ok())
            return fail(ErrorCode::Io, QStringLiteral("%1: %2").arg(m_root, fs::errorText(errno)));
    } else {
        auto opened = openRel(rel, true);
        if (!opened)
            return opened.takeError();
        fd = std::move(opened.value());
    }
    DIR *d = ::fdopendir(fd.get());
    if (!d)
        return fail(ErrorCode::Io, QStringLiteral("%1: %2").arg(path(rel), fs::errorText(errno)));
    fd.release(); // closedir closes it
    QStringList names;
    while (const dirent *e = ::readdir(d)) {
        const QString n = QFile::decodeName(e->d_name);
        if (n != QLatin1String(".") && n != QLatin1String(".."))
            names.append(n);
    }
    ::closedir(d);
    names.sort();
    return names;
}

Result<qint64> RootReader::treeSize(const QString &rel) const
{
    auto fd = openRel(rel, true);
    if (!fd)
        return fd.takeError();
    QSet<QPair<dev_t, ino_t>> seen;
    qint64 total = 0;
    STRATA_TRY(walk(fd->get(), rel, 0, seen, total));
    return total;
}

Status RootReader::walk(int dirFd, const QString &rel, int depth, QSet<QPair<dev_t, ino_t>> &seen, qint64 &total) const
{
    if (depth > 256)
        return fail(ErrorCode::InvalidInput, QStringLiteral("%1: nested more than 256 folders deep").arg(path(rel)));
    fs::UniqueFd own(::dup(dirFd));
    DIR *d = own.ok() ? ::fdopendir(own.get()) : nullptr;
    if (!d)
        return fail(ErrorCode::Io, QStringLiteral("%1: %2").arg(path(rel), fs::errorText(errno)));
    own.release(); // closedir closes it
    ::lseek(dirfd(d), 0, SEEK_SET);
    QList<QByteArray> subdirs;
    while (const dirent *e = ::readdir(d)) {
        const QByteArray name(e->d_name);
        if (name == "." || name == "..")
            continue;
        struct stat st {};
        if (::fstatat(dirfd(d), name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue; // gone meanwhile: the peer may be writing
        if (S_ISDIR(st.st_mode)) {
            subdirs.append(name);
            continue;
        }
        if (st.st_size == 0 || seen.contains({ st.st_dev, st.st_ino }))
            continue;
        seen.insert({ st.st_dev, st.st_ino });
        total += st.st_size;
    }
    const int at = dirfd(d);
    for (const QByteArray &name : std::as_const(subdirs)) {
        fs::UniqueFd sub(fs::openNoAtime(at, name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!sub.ok())
            continue;
        if (Status s = walk(sub.get(), rel + u'/' + QFile::decodeName(name), depth + 1, seen, total); !s) {
            ::closedir(d);
            return s;
        }
    }
    ::closedir(d);
    return {};
}

} // namespace strata
