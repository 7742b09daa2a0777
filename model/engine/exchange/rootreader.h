#pragma once

#include "result.h"
#include "uniquefd.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPair>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QStringView>

#include <sys/types.h>

namespace strata {

// A component of a path below a peer's root: no separator, no dot entries, no NUL.
bool isPlainName(QStringView name);

// Reads below the opened root of a peer's store (Docker's, containers/storage's), every path
// component opened O_RDONLY|O_NOFOLLOW (and O_NOATIME where allowed) so that a symlink planted in
// the peer's tree leads nowhere, every file read with a size bound, nothing opened for writing or
// locked. Every error names the file and the cause.
class RootReader {
public:
    // `what`: how messages name the root ("Docker data root").
    RootReader(QString root, QString what);

    Status open();
    const QString &root() const { return m_root; }
    QString path(const QString &rel) const { return rel.isEmpty() ? m_root : m_root + u'/' + rel; }

    // Opens `rel` ('/'-separated plain names). `dir`: the last component must be a directory.
    Result<fs::UniqueFd> openRel(const QString &rel, bool dir) const;
    bool exists(const QString &rel, bool dir) const;
    // Whether `rel` exists as anything at all (a file, a folder, a symlink), without following it.
    bool present(const QString &rel) const;
    // A regular file of at most `limit` bytes.
    Result<QByteArray> read(const QString &rel, qint64 limit) const;
    // A JSON document of at most `limit` bytes (an object or an array).
    Result<QJsonDocument> readJsonDocument(const QString &rel, qint64 limit) const;
    Result<QJsonObject> readJson(const QString &rel, qint64 limit) const;
    Result<QJsonDocument> parseJsonDocument(const QString &rel, const QByteArray &bytes) const;
    Result<QJsonObject> parseJson(const QString &rel, const QByteArray &bytes) const;
    // The names in a directory (without . and ..), sorted.
    Result<QStringList> list(const QString &rel) const;
    // The size of a layer directory as Docker's and containers/storage's pkg/directory count it:
    // every entry but directories, each inode once, nothing followed; depth bounded so a hostile
    // tree cannot exhaust the stack.
    Result<qint64> treeSize(const QString &rel) const;

private:
    Status walk(int dirFd, const QString &rel, int depth, QSet<QPair<dev_t, ino_t>> &seen, qint64 &total) const;

    QString m_root;
    QString m_what;
    fs::UniqueFd m_fd;
};

} // namespace strata
