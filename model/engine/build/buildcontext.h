#pragma once

#include "dockerignore.h"
#include "progress.h"
#include "result.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace strata {

// One file, directory or symbolic link of a build context.
struct ContextEntry {
    enum class Type { File, Directory, Symlink };
    QString path; // relative to the context root, '/'-separated, clean: "src/app.py"
    QString relative; // relative to the source it was found under; "" for the source itself
    Type type = Type::File;
    quint32 mode = 0; // permission bits with set-user-ID, set-group-ID and sticky
    qint64 size = 0; // regular files only
    qint64 mtimeNs = 0; // modification time, nanoseconds since the epoch
    QString linkTarget; // symbolic links only
};

// What one COPY or ADD source (a path or a glob) names in the context.
struct ContextSource {
    QString path; // the matched path, relative to the context root ("." for the root)
    ContextEntry::Type type = ContextEntry::Type::File; // after following a symlink named as source
    // A file: one entry (relative ""). A directory: the directory itself (relative "") then
    // every descendant that .dockerignore leaves, parents before children, sorted by path.
    QList<ContextEntry> entries;
    // Docker's classic builder's source hash, as it writes it into COPY's created_by and keys
    // its cache on: "file:<hex>" or "dir:<hex>" (contents, modes, types and link targets;
    // not mtimes).
    QString hash;
};

// The files a build may read: a directory used in place, or a tar (plain, gzip, bzip2, xz,
// zstd) or zip archive unpacked into a scratch directory first. Everything in it is untrusted:
// archive entries that climb out (`..`, absolute names, links through which later entries would
// escape) are refused with an error naming the entry, sizes and entry counts are bounded, and
// nothing is read outside the context nor written outside the scratch directory. Symbolic links
// are never followed out of the context: a source that is or passes through a link pointing
// outside is refused, as is copying such a link.
// Threads: any thread; a BuildContext is used by one thread at a time.
class BuildContext {
public:
    struct Limits {
        qint64 maxBytes = qint64(64) << 30; // unpacked, for archive contexts
        qint64 maxEntries = 4'000'000;
    };
    // `scratchDir` must be an empty directory the caller owns (in the store's tmp/) and removes
    // afterwards; it is used only for archive contexts.
    static Result<BuildContext> open(const QString &path, const QString &scratchDir, const Progress &progress = {});
    static Result<BuildContext> open(const QString &path, const QString &scratchDir, const Limits &limits, const Progress &progress);

    // The directory holding the context (the given one, or the unpacked archive).
    QString root() const { return m_root; }
    const IgnorePatterns &ignore() const { return m_ignore; }

    // A file of the context (the Dockerfile, say), at most `maxBytes`; `.dockerignore` does not
    // hide it, as Docker always sends the Dockerfile.
    Result<QByteArray> readFile(const QString &relativePath, qint64 maxBytes) const;
    // The sources of a COPY or ADD, each path or glob (Go's filepath.Match, per component)
    // relative to the context root, with .dockerignore applied (the Dockerfile and .dockerignore
    // are excluded only if a pattern says so). A source that matches nothing is an error
    // ("COPY: file not found in build context or excluded by .dockerignore: x"), as is one that
    // leaves the context.
    Result<QList<ContextSource>> sources(const QStringList &patterns) const;
    // A read-only descriptor of a regular file entry, opened without following links; the
    // caller closes it.
    Result<int> openFile(const ContextEntry &entry) const;
    // The hash Docker writes for several sources: "multi:<hex>" over their hashes, or the one
    // source's own hash.
    static QString combinedHash(const QList<ContextSource> &sources);

private:
    QString m_root;
    IgnorePatterns m_ignore;
};

} // namespace strata
