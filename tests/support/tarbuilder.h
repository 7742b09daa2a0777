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

    QByteArray build(Compression compression = Compression::None) const;

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
    };
    QList<Entry> m_entries;
    int m_uid = 0, m_gid = 0;
    qint64 m_mtime = 1700000000;
};

} // namespace strata::test
