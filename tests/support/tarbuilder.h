#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace strata::test {

// Builds tar archives in memory for fixtures, hostile ones included: any path, type, link
// target, xattr or PAX record can be written, and the result compressed or cut short.
class TarBuilder {
public:
    enum class Compression { None, Gzip, Zstd, Xz };

    TarBuilder &file(const QByteArray &path, const QByteArray &content, int mode = 0644);
    TarBuilder &dir(const QByteArray &path, int mode = 0755);
    TarBuilder &symlink(const QByteArray &path, const QByteArray &target);
    TarBuilder &hardlink(const QByteArray &path, const QByteArray &target);
    TarBuilder &device(const QByteArray &path, bool block, int major, int minor);
    TarBuilder &fifo(const QByteArray &path);
    // A file with an extra xattr (written as a SCHILY.xattr PAX record).
    TarBuilder &fileWithXattr(const QByteArray &path, const QByteArray &content, const QByteArray &name, const QByteArray &value);
    TarBuilder &owner(int uid, int gid); // applies to entries added afterwards
    TarBuilder &mtime(qint64 seconds);

    // Damage, for hostile fixtures. badChecksum() and sizeField() change the header of the entry
    // added last: its checksum no longer adds up, or its size field says `size` while the data
    // written stays the entry's content. raw() writes bytes as they are between two entries.
    TarBuilder &badChecksum();
    TarBuilder &sizeField(qint64 size);
    TarBuilder &raw(const QByteArray &bytes);
    // One valid ustar header block (512 bytes) of a regular file, to hide in another entry's data;
    // `type` is the tar type flag ('0' a file, 'x' a PAX extended header).
    static QByteArray header(const QByteArray &path, qint64 size, char type = '0');
    // Pads to a whole number of 512-byte blocks, as tar data is stored.
    static QByteArray padded(const QByteArray &data);

    // /bin/busybox (from the host's busybox-static) and a link per applet in /bin: the start of
    // every test's base image; each adds its own /etc and folders.
    static TarBuilder busybox(const QList<QByteArray> &applets);

    QByteArray build(Compression compression = Compression::None) const;
    static QByteArray compress(const QByteArray &tar, Compression compression);

private:
    struct Entry {
        QByteArray path;
        int type;
        int mode;
        QByteArray content;
        QByteArray link;
        bool hard = false;
        int major = 0, minor = 0;
        QByteArray xattrName, xattrValue;
        int uid = 0, gid = 0;
        qint64 mtime = 0;
        bool badChecksum = false;
        qint64 sizeField = -1; // the header's size field, when it is to lie
        bool raw = false; // `content` goes out as it is, without a header
    };
    QList<Entry> m_entries;
    int m_uid = 0, m_gid = 0;
    qint64 m_mtime = 1700000000;
};

} // namespace strata::test
