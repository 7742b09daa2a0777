#include "tarbuilder.h"

#include <QFile>
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

TarBuilder &TarBuilder::badChecksum()
{
    if (!m_entries.isEmpty())
        m_entries.last().badChecksum = true;
    return *this;
}

TarBuilder &TarBuilder::sizeField(qint64 size)
{
    if (!m_entries.isEmpty())
        m_entries.last().sizeField = size;
    return *this;
}

TarBuilder &TarBuilder::raw(const QByteArray &bytes)
{
    Entry e {};
    e.content = bytes;
    e.raw = true;
    m_entries.append(e);
    return *this;
}

static void setOctal(QByteArray &block, int offset, int width, qint64 value)
{
    const QByteArray digits = QByteArray::number(value, 8).rightJustified(width - 1, '0') + '\0';
    block.replace(offset, width, digits);
}

// The sum of the header bytes with the checksum field counted as spaces (POSIX ustar).
static int headerSum(const QByteArray &block)
{
    int sum = 0;
    for (int i = 0; i < 512; ++i)
        sum += (i >= 148 && i < 156) ? ' ' : uchar(block[i]);
    return sum;
}

static void setChecksum(QByteArray &block, int delta)
{
    const QByteArray field = QByteArray::number(headerSum(block) + delta, 8).rightJustified(6, '0') + QByteArray("\0 ", 2);
    block.replace(148, 8, field);
}

QByteArray TarBuilder::header(const QByteArray &path, qint64 size, char type)
{
    QByteArray block(512, '\0');
    block.replace(0, qMin<qsizetype>(path.size(), 100), path.left(100));
    setOctal(block, 100, 8, 0644);
    setOctal(block, 108, 8, 0);
    setOctal(block, 116, 8, 0);
    setOctal(block, 124, 12, size);
    setOctal(block, 136, 12, 1700000000);
    block[156] = type;
    block.replace(257, 8, QByteArray("ustar\0" "00", 8));
    setChecksum(block, 0);
    return block;
}

QByteArray TarBuilder::padded(const QByteArray &data)
{
    return data + QByteArray((512 - data.size() % 512) % 512, '\0');
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
    archive_write_set_bytes_per_block(a, 512);
    archive_write_open(a, &out, nullptr, appendTo, nullptr);
    QList<QPair<qsizetype, const Entry *>> patches; // ustar header offset, entry whose header lies
    for (const Entry &e : m_entries) {
        if (e.raw) {
            archive_write_finish_entry(a); // the previous entry's padding goes out first
            out.append(e.content);
            continue;
        }
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
        // With 512-byte blocks the header has gone out whole: it is the last block written.
        if (e.badChecksum || e.sizeField >= 0)
            patches.append({ out.size() - 512, &e });
        if (e.type == AE_IFREG && !e.hard && !e.content.isEmpty())
            archive_write_data(a, e.content.constData(), size_t(e.content.size()));
        archive_entry_free(entry);
    }
    archive_write_close(a);
    archive_write_free(a);
    for (const auto &[at, e] : std::as_const(patches)) {
        QByteArray block = out.mid(at, 512);
        if (e->sizeField >= 0)
            setOctal(block, 124, 12, e->sizeField);
        setChecksum(block, e->badChecksum ? 1 : 0);
        out.replace(at, 512, block);
    }
    return compress(out, compression);
}

// Compression is a second pass over the finished tar, so damage written into it (raw bytes,
// patched headers) ends up inside the compressed stream.
QByteArray TarBuilder::compress(const QByteArray &tar, Compression compression)
{
    if (compression == Compression::None)
        return tar;
    if (compression == Compression::Zstd) {
        // Through the zstd program: libarchive 3.6's zstd writer output is not readable back.
        QProcess zstd;
        zstd.start(QStringLiteral("zstd"), { QStringLiteral("-q"), QStringLiteral("-c") });
        zstd.waitForStarted();
        zstd.write(tar);
        zstd.closeWriteChannel();
        zstd.waitForFinished();
        return zstd.readAllStandardOutput();
    }
    QByteArray out;
    archive *a = archive_write_new();
    archive_write_set_format_raw(a);
    if (compression == Compression::Gzip)
        archive_write_add_filter_gzip(a);
    else
        archive_write_add_filter_xz(a);
    archive_write_set_bytes_per_block(a, 512);
    archive_write_open(a, &out, nullptr, appendTo, nullptr);
    archive_entry *entry = archive_entry_new();
    archive_entry_set_pathname(entry, "tar");
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_size(entry, tar.size());
    archive_write_header(a, entry);
    archive_write_data(a, tar.constData(), size_t(tar.size()));
    archive_entry_free(entry);
    archive_write_close(a);
    archive_write_free(a);
    return out;
}

TarBuilder TarBuilder::busybox(const QList<QByteArray> &applets)
{
    QFile f(QStringLiteral("/bin/busybox"));
    const QByteArray binary = f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    TarBuilder t;
    t.dir("bin").file("bin/busybox", binary, 0755);
    for (const QByteArray &a : applets)
        t.symlink("bin/" + a, "busybox");
    return t;
}

} // namespace strata::test
