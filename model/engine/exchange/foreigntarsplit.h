#pragma once

#include "result.h"
#include "uniquefd.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <memory>

namespace strata {

// A layer's exact tar stream, rebuilt from the tar-split a peer keeps beside its files, as the
// peer's own `save` rebuilds it: Docker's image/overlay2/layerdb/sha256/<chainID>/tar-split.json.gz
// and containers/storage's overlay-layers/<layerID>.tar-split.gz, both vbatts/tar-split's format.
// That is a gzip of one JSON object a line, numbered by "position" from 0: type 2 a segment of
// the stream (headers, padding, the end blocks), its bytes in base64 in "payload"; type 1 a
// file, by "name" (or "name_raw", base64, when not UTF-8) relative to the layer's directory,
// with its "size" and, when size > 0, the CRC-64 (ISO polynomial, as Go's hash/crc64 computes
// it, big-endian) of its content in "payload"; a type 1 entry of size 0 adds nothing.
//
// Both the split and the directory are untrusted: a line is at most maxLineBytes, the entries
// at most maxEntries, the segments' bytes at most maxSegmentBytes; a file's name must stay below
// the directory (no "..", opened one component at a time with O_NOFOLLOW), be a regular file
// of the size the split gives and hash to its CRC. Every error names the split or the file and
// the cause. Nothing is written or locked; files are opened O_NOATIME where allowed. Used by one
// thread.
class ForeignTarSplit {
public:
    ForeignTarSplit();
    ~ForeignTarSplit();
    ForeignTarSplit(const ForeignTarSplit &) = delete;
    ForeignTarSplit &operator=(const ForeignTarSplit &) = delete;

    // `split`: the opened tar-split file; `dir`: the opened layer directory; their paths are
    // for messages.
    Status open(fs::UniqueFd split, const QString &splitPath, fs::UniqueFd dir, const QString &dirPath);
    // A pass over the split alone (no file is opened): checks every entry and returns the
    // length of the tar it describes.
    Result<qint64> measure();
    // The tar, block by block from its first byte (the first read() after open(), measure() or
    // rewind() starts a pass), an empty block at the end.
    Result<QByteArrayView> read();
    // The next read() starts from the first byte again.
    void rewind();

    static constexpr qsizetype maxLineBytes = 16 * 1024 * 1024;
    static constexpr qint64 maxEntries = 8 * 1024 * 1024;
    static constexpr qint64 maxSegmentBytes = qint64(1) << 30;
    static constexpr qint64 maxTarBytes = qint64(1) << 50; // no file or tar is larger (1 PiB)

    // CRC-64 with the ISO polynomial, reflected, as Go's hash/crc64 (the checksum tar-split keeps).
    static quint64 crc64(quint64 crc, const char *data, qsizetype size);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace strata
