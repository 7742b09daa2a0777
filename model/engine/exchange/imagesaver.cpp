#include "imagesaver.h"

#include "fsutil.h"
#include "imagestore.h"
#include "layerstore.h"
#include "store.h"
#include "tarsplit.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <archive.h>
#include <archive_entry.h>
#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace strata {

namespace {

    QString directoryOf(const QString &path)
    {
        const qsizetype slash = path.lastIndexOf(u'/');
        return slash > 0 ? path.left(slash) : slash == 0 ? QStringLiteral("/") : QStringLiteral(".");
    }

    // A file without a name in `dir` (O_TMPFILE), or -1 with errno when the filesystem has none.
    int openUnnamed(const QString &dir, int flags)
    {
        // linkat of /proc/self/fd/N needs no privilege (AT_EMPTY_PATH does): without /proc a
        // nameless output could not be linked into place at the end.
        if (::access("/proc/self/fd", F_OK) != 0) {
            errno = EOPNOTSUPP;
            return -1;
        }
        return ::open(QFile::encodeName(dir).constData(), O_TMPFILE | flags | O_CLOEXEC, 0666);
    }

    bool noUnnamedFiles(int err) { return err == EOPNOTSUPP || err == EISDIR || err == EINVAL; }

    // The output tar. It has no name until commit() (O_TMPFILE, linked in as OUT.partial and
    // renamed over OUT), so a save that fails, or is killed, leaves nothing; where the
    // filesystem has no O_TMPFILE it is written as OUT.partial, removed again on failure.
    class TarOut {
    public:
        ~TarOut()
        {
            if (m_archive)
                archive_write_free(m_archive);
            if (m_fd >= 0)
                ::close(m_fd);
            if (!m_committed && m_named)
                ::unlink(QFile::encodeName(partialPath()).constData());
        }
        Status open(const QString &path, const Progress &progress)
        {
            m_path = path;
            m_progress = progress;
            m_fd = openUnnamed(directoryOf(path), O_WRONLY);
            if (m_fd < 0 && noUnnamedFiles(errno)) {
                m_fd = ::open(QFile::encodeName(partialPath()).constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
                m_named = m_fd >= 0;
            }
            if (m_fd < 0)
                return fail(QStringLiteral("%1: cannot create: %2").arg(partialPath(), fs::errorText(errno)));
            m_archive = archive_write_new();
            archive_write_set_format_pax_restricted(m_archive);
            if (archive_write_open_fd(m_archive, m_fd) != ARCHIVE_OK)
                return error();
            return {};
        }
        Status addBytes(const QString &name, const QByteArray &data)
        {
            STRATA_TRY(header(name, AE_IFREG, data.size()));
            if (archive_write_data(m_archive, data.constData(), size_t(data.size())) != data.size())
                return error();
            return {};
        }
        Status addDirectory(const QString &name) { return header(name + u'/', AE_IFDIR, 0); }
        Status addFile(const QString &name, const QString &source, bool inflate)
        {
            if (!inflate) {
                int fd = ::open(QFile::encodeName(source).constData(), O_RDONLY | O_CLOEXEC);
                if (fd < 0)
                    return fail(QStringLiteral("%1: %2").arg(source, fs::errorText(errno)));
                Status s = addContent(name, fd, source);
                ::close(fd);
                return s;
            }
            // A plain tar is needed: inflate into a scratch file first, the header wants the size.
            // The scratch file has no name either (or loses it at once), whatever happens next.
            const QString scratchPath = m_path + QStringLiteral(".inflate");
            int scratch = openUnnamed(directoryOf(m_path), O_RDWR);
            if (scratch < 0 && noUnnamedFiles(errno)) {
                scratch = ::open(QFile::encodeName(scratchPath).constData(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
                if (scratch >= 0)
                    ::unlink(QFile::encodeName(scratchPath).constData());
            }
            if (scratch < 0)
                return fail(QStringLiteral("%1: cannot create: %2").arg(scratchPath, fs::errorText(errno)));
            archive *in = archive_read_new();
            archive_read_support_filter_all(in);
            archive_read_support_format_raw(in);
            Status s;
            archive_entry *e;
            if (archive_read_open_filename(in, QFile::encodeName(source).constData(), 1 << 20) != ARCHIVE_OK || archive_read_next_header(in, &e) != ARCHIVE_OK) {
                s = fail(QStringLiteral("%1: %2").arg(source, QString::fromLocal8Bit(archive_error_string(in))));
            } else {
                const void *buf;
                size_t len;
                la_int64_t off;
                int rc;
                while (s && (rc = archive_read_data_block(in, &buf, &len, &off)) == ARCHIVE_OK)
                    s = writeAll(scratch, buf, len, scratchPath);
                if (s && rc != ARCHIVE_EOF)
                    s = fail(QStringLiteral("%1: %2").arg(source, QString::fromLocal8Bit(archive_error_string(in))));
            }
            archive_read_free(in);
            if (s)
                s = addContent(name, scratch, source);
            ::close(scratch);
            return s;
        }
        // A layer's tar rebuilt from its snapshot: `size` bytes, checked whole by the reader.
        Status addRebuilt(const QString &name, qint64 size, TarSplitReader &reader)
        {
            STRATA_TRY(header(name, AE_IFREG, size));
            for (;;) {
                STRATA_TRY(m_progress.checkCancelled(QStringLiteral("save to %1").arg(m_path)));
                auto block = reader.read();
                if (!block)
                    return block.takeError();
                if (block->isEmpty())
                    return {};
                if (archive_write_data(m_archive, block->data(), size_t(block->size())) != block->size())
                    return error();
                m_progress.advance(block->size());
            }
        }
        Status close()
        {
            if (archive_write_close(m_archive) != ARCHIVE_OK)
                return error();
            return {};
        }
        // Puts the finished tar in place: linked in as OUT.partial, then renamed over OUT.
        Status commit()
        {
            const QByteArray partial = QFile::encodeName(partialPath());
            if (!m_named) {
                const QByteArray self = "/proc/self/fd/" + QByteArray::number(m_fd);
                ::unlink(partial.constData()); // a leftover of an older, killed save
                if (::linkat(AT_FDCWD, self.constData(), AT_FDCWD, partial.constData(), AT_SYMLINK_FOLLOW) != 0)
                    return fail(QStringLiteral("%1: cannot link into place: %2").arg(partialPath(), fs::errorText(errno)));
                m_named = true;
            }
            if (std::rename(partial.constData(), QFile::encodeName(m_path).constData()) != 0)
                return fail(QStringLiteral("%1: cannot rename into place: %2").arg(m_path, fs::errorText(errno)));
            m_committed = true;
            return {};
        }

    private:
        QString partialPath() const { return m_path + QStringLiteral(".partial"); }
        static Status writeAll(int fd, const void *data, size_t size, const QString &path)
        {
            const char *p = static_cast<const char *>(data);
            while (size > 0) {
                const ssize_t n = ::write(fd, p, size);
                if (n < 0 && errno == EINTR)
                    continue;
                if (n < 0)
                    return fail(QStringLiteral("%1: cannot write: %2").arg(path, fs::errorText(errno)));
                p += n;
                size -= size_t(n);
            }
            return {};
        }
        // Copies a regular file whole, read from its start: a read error, or a file that is
        // not as long as it was when the header was written, fails the save (the tar would
        // otherwise go out zero-padded, or cut, as if complete).
        Status addContent(const QString &name, int fd, const QString &source)
        {
            struct stat st;
            if (::fstat(fd, &st) != 0)
                return fail(QStringLiteral("%1: %2").arg(source, fs::errorText(errno)));
            if (!S_ISREG(st.st_mode))
                return fail(QStringLiteral("%1: not a regular file").arg(source));
            if (::lseek(fd, 0, SEEK_SET) != 0)
                return fail(QStringLiteral("%1: cannot seek: %2").arg(source, fs::errorText(errno)));
            const qint64 size = st.st_size;
            STRATA_TRY(header(name, AE_IFREG, size));
            char buffer[1 << 16];
            qint64 copied = 0;
            for (;;) {
                STRATA_TRY(m_progress.checkCancelled(QStringLiteral("save to %1").arg(m_path)));
                const ssize_t n = ::read(fd, buffer, sizeof buffer);
                if (n < 0 && errno == EINTR)
                    continue;
                if (n < 0)
                    return fail(QStringLiteral("%1: cannot read: %2").arg(source, fs::errorText(errno)));
                if (n == 0)
                    break;
                if (copied + n > size)
                    return fail(QStringLiteral("%1: grew while being saved (more than %2 bytes)").arg(source).arg(size));
                if (archive_write_data(m_archive, buffer, size_t(n)) != n)
                    return error();
                copied += n;
                m_progress.advance(n);
            }
            if (copied != size)
                return fail(QStringLiteral("%1: shrank while being saved (%2 of %3 bytes)").arg(source).arg(copied).arg(size));
            return {};
        }
        Status header(const QString &name, mode_t type, qint64 size)
        {
            archive_entry *e = archive_entry_new();
            archive_entry_set_pathname(e, name.toUtf8().constData());
            archive_entry_set_filetype(e, type);
            archive_entry_set_perm(e, type == AE_IFDIR ? 0755 : 0644);
            archive_entry_set_size(e, size);
            archive_entry_set_mtime(e, 0, 0);
            int rc = archive_write_header(m_archive, e);
            archive_entry_free(e);
            if (rc != ARCHIVE_OK)
                return error();
            return {};
        }
        Error error() const { return fail(QStringLiteral("%1: %2").arg(partialPath(), QString::fromLocal8Bit(archive_error_string(m_archive)))); }

        archive *m_archive = nullptr;
        Progress m_progress;
        QString m_path; // the output, OUT
        int m_fd = -1;
        bool m_named = false; // OUT.partial exists (no O_TMPFILE, or linked in by commit())
        bool m_committed = false;
    };

} // namespace

ImageSaver::ImageSaver(Store &store)
    : m_store(store)
{
}

Status ImageSaver::save(const QStringList &references, const QString &outputPath, Format format, const Progress &progress)
{
    ImageStore images(m_store);
    QList<Image> selected;
    QList<QStringList> tagsOf;
    for (const QString &ref : references) {
        auto image = images.resolve(ref);
        if (!image)
            return image.takeError();
        auto normalized = ImageStore::normalizeReference(ref);
        // Saving by tag carries that tag only; saving by ID carries every tag, as docker save does.
        const QStringList tags = normalized && image->tags.contains(normalized.value()) ? QStringList { normalized.value() } : image->tags;
        selected.append(image.value());
        tagsOf.append(tags);
    }
    qint64 total = 0; // of the blobs as stored: compressed layers grow when a docker-archive inflates them
    for (const Image &image : std::as_const(selected)) {
        total += image.configBytes.size();
        for (const ImageLayer &l : image.layers)
            total += l.blob.size;
    }
    progress.begin(QStringLiteral("Saving to %1").arg(QFileInfo(outputPath).fileName()), total);
    TarOut out; // removes what it wrote unless commit() succeeds
    STRATA_TRY(out.open(outputPath, progress));
    const ContentStore &content = m_store.content();
    LayerStore layers(m_store);
    // A layer's tar as stored: its blob, or rebuilt from its snapshot and tar-split.
    auto addLayer = [&](const QString &name, const ImageLayer &l, bool inflate) -> Status {
        auto record = layers.read(l.chainId);
        if (record && record->tarSplit && record->blob.digest == l.blob.digest) {
            TarSplitReader reader;
            STRATA_TRY(layers.openTar(record.value(), reader));
            return out.addRebuilt(name, l.blob.size, reader);
        }
        return out.addFile(name, content.blobPath(l.blob.digest), inflate);
    };
    QSet<QString> written;
    if (format == Format::DockerArchive) {
        QJsonArray manifest;
        QJsonObject repositories;
        for (qsizetype i = 0; i < selected.size(); ++i) {
            const Image &image = selected[i];
            QJsonArray layerNames;
            for (const ImageLayer &l : image.layers) {
                const QString dir = l.diffId.hex();
                const QString name = dir + QStringLiteral("/layer.tar");
                layerNames.append(name);
                if (written.contains(name))
                    continue;
                written.insert(name);
                STRATA_TRY(out.addDirectory(dir));
                STRATA_TRY(out.addBytes(dir + QStringLiteral("/VERSION"), "1.0"));
                STRATA_TRY(addLayer(name, l, l.blob.digest != l.diffId));
            }
            const QString configName = image.id.hex() + QStringLiteral(".json");
            if (!written.contains(configName)) {
                written.insert(configName);
                STRATA_TRY(out.addBytes(configName, image.configBytes));
            }
            manifest.append(QJsonObject { { QStringLiteral("Config"), configName }, { QStringLiteral("RepoTags"), QJsonArray::fromStringList(tagsOf[i]) },
                { QStringLiteral("Layers"), layerNames } });
            for (const QString &tag : tagsOf[i]) {
                const qsizetype colon = tag.lastIndexOf(u':');
                QJsonObject repo = repositories.value(tag.left(colon)).toObject();
                repo.insert(tag.mid(colon + 1), image.layers.isEmpty() ? QString() : image.layers.last().diffId.hex());
                repositories.insert(tag.left(colon), repo);
            }
        }
        STRATA_TRY(out.addBytes(QStringLiteral("manifest.json"), QJsonDocument(manifest).toJson(QJsonDocument::Compact)));
        STRATA_TRY(out.addBytes(QStringLiteral("repositories"), QJsonDocument(repositories).toJson(QJsonDocument::Compact)));
    } else {
        STRATA_TRY(out.addBytes(QStringLiteral("oci-layout"), R"({"imageLayoutVersion":"1.0.0"})"));
        QList<IndexEntry> index;
        STRATA_TRY(out.addDirectory(QStringLiteral("blobs")));
        STRATA_TRY(out.addDirectory(QStringLiteral("blobs/sha256")));
        auto once = [&](const Digest &d) {
            const QString name = QStringLiteral("blobs/sha256/") + d.hex();
            if (written.contains(name))
                return QString();
            written.insert(name);
            return name;
        };
        auto addBlob = [&](const Digest &d) -> Status {
            const QString name = once(d);
            return name.isEmpty() ? Status() : out.addFile(name, content.blobPath(d), false);
        };
        for (qsizetype i = 0; i < selected.size(); ++i) {
            const Image &image = selected[i];
            for (const ImageLayer &l : image.layers) {
                if (const QString name = once(l.blob.digest); !name.isEmpty())
                    STRATA_TRY(addLayer(name, l, false));
            }
            STRATA_TRY(addBlob(image.id));
            STRATA_TRY(addBlob(image.manifest.digest));
            if (tagsOf[i].isEmpty())
                index.append({ image.manifest, {} });
            for (const QString &tag : tagsOf[i])
                index.append({ image.manifest, tag });
        }
        STRATA_TRY(out.addBytes(QStringLiteral("index.json"), ImageIndex::json(index)));
    }
    STRATA_TRY(out.close());
    return out.commit();
}

} // namespace strata
