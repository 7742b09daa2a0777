#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace strata::test {

struct RunResult {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

// Runs the real stratactl binary built with the tests.
RunResult stratactl(const QString &root, const QStringList &args, int timeoutMs = 120000);
// Runs any program, with `env` on top of this process's environment (an empty value removes the
// variable).
RunResult run(const QString &program, const QStringList &args, int timeoutMs = 120000, const QMap<QString, QString> &env = {});
// This process's environment with `env` on top (an empty value removes the variable).
QProcessEnvironment environmentWith(const QMap<QString, QString> &env);

bool writeFile(const QString &path, const QByteArray &data);
QByteArray readFile(const QString &path);

// A docker-archive tar around the given layer tars (uncompressed or not) with a config listing
// their diffIDs. `diffIds` may be given to lie about them.
QByteArray dockerArchive(const QList<QByteArray> &layers, const QString &tag, const QStringList &diffIds = {});
// Config JSON of an image whose layers have these diffIDs.
QByteArray imageConfig(const QStringList &diffIds, const QStringList &createdBy = {});
QString sha256Hex(const QByteArray &data);
// One gzip member and nothing after it, by the gzip program (-n: no name or time, so the same
// bytes every time). TarBuilder's gzip pads to 512-byte blocks, which Go's readers (docker,
// podman, skopeo) take for a second, broken member.
QByteArray gzipStream(const QByteArray &data);
// The snapshot directory (…/diff) of the layer `chainHex` in the store at `root`, whatever its
// driver; empty when the store has none.
QString snapshotOf(const QString &root, const QString &chainHex);

// The entries of a tar (a layer) without their times, one line each, in archive order:
// "<path> <type> <mode> <uid>:<gid> size=<n>[ -> <link target>][ => <hard link target>]",
// path without "./" and trailing '/', type one of f d l h c b p, mode the octal permission
// bits with set-ID and sticky bits. Empty with *error set when the tar cannot be read.
QStringList tarListing(const QString &path, QString *error);

// A tree of files outside the store that hostile input must not touch; snapshot() lists every
// entry with its type, size and content hash so any change shows.
QString treeSnapshot(const QString &dir);

// An unprivileged account for rootless tests, created when missing. Empty when impossible
// (not root, no useradd), with the reason in *why.
QString unprivilegedUser(QString *why);

} // namespace strata::test
