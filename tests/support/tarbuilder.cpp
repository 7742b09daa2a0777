#include "tarbuilder.h"

#include <QProcess>

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

namespace strata::test {

TarBuilder &TarBuilder::file(const QByteArray &path, const QByteArray &content, int mode)
{
    m_entries.append({ path, AE_IFREG, mode, content, {}, false, 0, 0, {}, {}, m_uid, m_gid, m_mtime });
    return *this;
}

TarBuilder &TarBuilder::dir(const QByteArray &path, int mode)
{
    m_entries.append({ path, AE_IFDIR, mode, {}, {}, false, 0, 0, {}, {}, m_uid, m_gid, m_mtime });
    return *this;
}

TarBuilder &TarBuilder::symlink(const QByteArray &path, const QByteArray &target)
{
    m_entries.append({ path, AE_IFLNK, 0777, {}, target, false, 0, 0, {}, {}, m_uid, m_gid, m_mtime });
    return *this;
}

TarBuilder &TarBuilder::hardlink(const QByteArray &path, const QByteArray &target)
{
    m_entries.append({ path, AE_IFREG, 0644, {}, target, true, 0, 0, {}, {}, m_uid, m_gid, m_mtime });
    return *this;
}

TarBuilder &TarBuilder::device(const QByteArray &path, bool block, int major, int minor)
{
    m_entries.append({ path, block ? AE_IFBLK : AE_IFCHR, 0600, {}, {}, false, major, minor, {}, {}, m_uid, m_gid, m_mtime });
    return *this;
}

TarBuilder &TarBuilder::fifo(const QByteArray &path)
{
    m_entries.append({ path, AE_IFIFO, 0644, {}, {}, false, 0, 0, {}, {}, m_uid, m_gid, m_mtime });
    return *this;
}

TarBuilder &TarBuilder::fileWithXattr(const QByteArray &path, const QByteArray &content, const QByteArray &name, const QByteArray &value)
{
    m_entries.append({ path, AE_IFREG, 0644, content, {}, false, 0, 0, name, value, m_uid, m_gid, m_mtime });
    return *this;
}

TarBuilder &TarBuilder::owner(int uid, int gid)
{
    m_uid = uid;
    m_gid = gid;
    return *this;
}

TarBuilder &TarBuilder::mtime(qint64 seconds)
{
    m_mtime = seconds;
    return *this;
}

static la_ssize_t appendTo(archive *, void *client, const void *buffer, size_t length)
{
    static_cast<QByteArray *>(client)->append(static_cast<const char *>(buffer), qsizetype(length));
    return la_ssize_t(length);
}

QByteArray TarBuilder::build(Compression compression) const
{
    QByteArray out;
    archive *a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    switch (compression) {
    case Compression::Gzip:
        archive_write_add_filter_gzip(a);
        break;
    case Compression::Zstd:
        break; // below, through the zstd program: libarchive 3.6's zstd writer output is not readable back
    case Compression::Xz:
        archive_write_add_filter_xz(a);
        break;
    case Compression::None:
        break;
    }
    archive_write_set_bytes_per_block(a, 512);
    archive_write_open(a, &out, nullptr, appendTo, nullptr);
    for (const Entry &e : m_entries) {
        archive_entry *entry = archive_entry_new();
        archive_entry_set_pathname(entry, e.path.constData());
        archive_entry_set_filetype(entry, e.type);
        archive_entry_set_perm(entry, e.mode);
        archive_entry_set_uid(entry, e.uid);
        archive_entry_set_gid(entry, e.gid);
        archive_entry_set_mtime(entry, e.mtime, 0);
        if (e.hard) {
            archive_entry_set_hardlink(entry, e.link.constData());
            archive_entry_set_size(entry, 0);
        } else if (e.type == AE_IFLNK) {
            archive_entry_set_symlink(entry, e.link.constData());
        } else if (e.type == AE_IFCHR || e.type == AE_IFBLK) {
            archive_entry_set_rdevmajor(entry, e.major);
            archive_entry_set_rdevminor(entry, e.minor);
        }
        if (e.type == AE_IFREG && !e.hard)
            archive_entry_set_size(entry, e.content.size());
        if (!e.xattrName.isEmpty())
            archive_entry_xattr_add_entry(entry, e.xattrName.constData(), e.xattrValue.constData(), size_t(e.xattrValue.size()));
        archive_write_header(a, entry);
        if (e.type == AE_IFREG && !e.hard && !e.content.isEmpty())
            archive_write_data(a, e.content.constData(), size_t(e.content.size()));
        archive_entry_free(entry);
    }
    archive_write_close(a);
    archive_write_free(a);
    if (compression == Compression::Zstd) {
        QProcess zstd;
        zstd.start(QStringLiteral("zstd"), { QStringLiteral("-q"), QStringLiteral("-c") });
        zstd.waitForStarted();
        zstd.write(out);
        zstd.closeWriteChannel();
        zstd.waitForFinished();
        return zstd.readAllStandardOutput();
    }
    return out;
}

} // namespace strata::test
