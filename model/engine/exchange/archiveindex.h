#pragma once

#include "digest.h"
#include "layerstream.h"
#include "progress.h"
#include "result.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QPair>
#include <QSet>
#include <QString>
#include <QStringList>

#include <functional>

namespace strata {

class Staging;

// The members of an image archive (a docker-archive or an OCI layout tar), read once, in one
// pass: small files kept in memory, large ones read in place later in an uncompressed archive
// (hashed when their digest is needed: an uncompressed layer's is proven by its extraction),
// else written into the job's staging with their digests, links resolved within the archive. Every name is cleaned and confined to the
// archive's root; a damaged header, a cut archive, a name that leaves the root or more small
// files than memory allows is an error naming the entry. Used by one thread.
class ArchiveIndex {
public:
    struct Member {
        QByteArray bytes; // small files
        QString stagedPath; // large files of a compressed archive
        qint64 offset = -1; // large files of an uncompressed archive: where their data starts in it
        Digest digest; // null for a member read in place until digestOf() (or its extraction) hashes it
        qint64 size = 0;
        bool inMemory() const { return stagedPath.isEmpty() && offset < 0; }
    };

    ArchiveIndex(const QString &archivePath, Staging &staging, const Progress &progress);
    Status read();
    bool contains(const QString &name) const;
    // A member by name, following hard and symbolic links (16 hops at most).
    Result<Member *> find(const QString &name);
    // A member's bytes, for a JSON document (at most 16 MiB).
    Result<QByteArray> bytesOf(const QString &name, Member *member);
    // A member as a file in the staging (written there if it was in memory or read in place;
    // a member read in place must still hash to its digest).
    Result<QString> fileOf(Member *member);
    // A member's digest, hashed now if it was not yet (a member read in place).
    Result<Digest> digestOf(Member *member);
    // Where a large member's bytes are: its staged file, or its range of the archive.
    BlobSource sourceOf(const Member &member) const;
    // Its first bytes (the compression's magic number).
    QByteArray headOf(const Member &member, qsizetype count) const;
    // Removes the staged copies of large members, but for the files in `keep`: extracted
    // already, they would only be written back to disk by the commit's sync.
    void dropStagedFiles(const QSet<QString> &keep);

private:
    Error error(const QString &cause) const;
    Result<QString> cleanName(const char *raw) const;

    QString m_archive;
    Staging &m_staging;
    Progress m_progress;
    QHash<QString, Member> m_members;
    QHash<QString, QString> m_links; // archive name -> target name
    qint64 m_memory = 0;
    int m_files = 0;
};

// What an archive's format reader reports for each image: its config bytes, its layers (the
// member names, with the members) base first, and its tags, normalised.
using ImageFound = std::function<Status(const QByteArray &config, const QList<QPair<QString, ArchiveIndex::Member *>> &layers, const QStringList &tags)>;

} // namespace strata
