#pragma once

#include "digest.h"
#include "layerstream.h"
#include "progress.h"
#include "result.h"
#include "whiteout.h"

#include <QString>

struct archive;

namespace strata {

struct ApplyOptions {
    WhiteoutStyle whiteouts = WhiteoutStyle::Overlay;
    bool rootless = false; // owners are not applied, device nodes are refused
    QString opaqueXattr = QStringLiteral("trusted.overlay.opaque");
    QString subject; // names the layer in error messages, e.g. "layer sha256:ab12…"
    // Free space extraction leaves on the target's filesystem: a small compressed layer can
    // inflate to anything. -1: STRATA_MIN_FREE_BYTES, else min(1 GiB, 5 % of the filesystem).
    qint64 minFreeBytes = -1;
    // Advanced by the archive's bytes as they are read; cancelling stops the extraction.
    Progress progress;
    // When set, the layer's tar-split is written there (TarSplitWriter): an uncompressed layer
    // is then kept as its snapshot alone.
    QString tarSplitPath;
};

struct ApplyStats {
    Digest diffId; // sha256 of the uncompressed tar stream
    qint64 size = 0; // file content plus symlink target lengths, each hard-linked inode once (Docker's measure)
    qint64 entries = 0;
    bool compressed = false; // the blob's bytes are not the stream itself
    // The tar-split was written; else why not (the file is then removed).
    bool tarSplit = false;
    QString tarSplitRefused;
};

// Extracts one layer archive (plain tar, gzip, zstd, xz) into a snapshot directory. Every
// archive is untrusted: paths are resolved one component at a time from the target root and
// never through a symbolic link, so nothing is written outside `targetDir`. Refused entries
// produce an error that names the entry; the caller discards the half-written target.
class LayerApplier {
public:
    static Result<ApplyStats> apply(const BlobSource &archive, const QString &targetDir, const ApplyOptions &options);

    // Rules for reading any untrusted tar, shared with the image loader's outer archive.

    // Whether archive_read_next_header() returning `rc` means a damaged header: ARCHIVE_RETRY
    // (a bad checksum, after which libarchive would read the next 512 bytes as a header where
    // GNU tar and Python's tarfile stop) and every warning but one. The one is a name that
    // cannot be converted to the locale's character set: libarchive keeps its bytes.
    static bool damagedHeader(archive *tar, int rc);
    // The free space that writing untrusted content under `dir` must leave on its filesystem:
    // `configured` when it is >= 0, else STRATA_MIN_FREE_BYTES, else min(1 GiB, 5 %).
    static qint64 minFreeBytes(const QString &dir, qint64 configured = -1);
    // Fails, with the cause as its message, when the filesystem of `dir` has less than
    // `reserve` bytes free.
    static Status checkFreeSpace(const QString &dir, qint64 reserve);
};

} // namespace strata
