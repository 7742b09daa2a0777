#include "imagesaver.h"

#include "blobwriter.h"
#include "fsutil.h"
#include "imagestore.h"
#include "store.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <archive.h>
#include <archive_entry.h>
#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <unistd.h>

namespace strata {

namespace {

    class TarOut {
    public:
        ~TarOut()
        {
            if (m_archive)
                archive_write_free(m_archive);
        }
        Status open(const QString &path)
        {
            m_path = path;
            m_archive = archive_write_new();
            archive_write_set_format_pax_restricted(m_archive);
            if (archive_write_open_filename(m_archive, QFile::encodeName(path).constData()) != ARCHIVE_OK)
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
                const off_t size = lseek(fd, 0, SEEK_END);
                lseek(fd, 0, SEEK_SET);
                Status s = header(name, AE_IFREG, size);
                char buffer[1 << 16];
                ssize_t n;
                while (s && (n = ::read(fd, buffer, sizeof buffer)) > 0) {
                    if (archive_write_data(m_archive, buffer, size_t(n)) != n)
                        s = error();
                }
                ::close(fd);
                return s;
            }
            // A plain tar is needed: inflate into a scratch file first, the header wants the size.
            const QString scratch = m_path + QStringLiteral(".inflate");
            archive *in = archive_read_new();
            archive_read_support_filter_all(in);
            archive_read_support_format_raw(in);
            Status s;
            archive_entry *e;
            if (archive_read_open_filename(in, QFile::encodeName(source).constData(), 1 << 20) != ARCHIVE_OK || archive_read_next_header(in, &e) != ARCHIVE_OK) {
                s = fail(QStringLiteral("%1: %2").arg(source, QString::fromLocal8Bit(archive_error_string(in))));
            } else {
                BlobWriter w;
                s = w.open(scratch);
                const void *buf;
                size_t len;
                la_int64_t off;
                int rc;
                while (s && (rc = archive_read_data_block(in, &buf, &len, &off)) == ARCHIVE_OK)
                    s = w.write(buf, len);
                if (s && rc != ARCHIVE_EOF)
                    s = fail(QStringLiteral("%1: %2").arg(source, QString::fromLocal8Bit(archive_error_string(in))));
                if (s)
                    s = w.finish().ok() ? Status {} : fail(QStringLiteral("%1: cannot write").arg(scratch));
            }
            archive_read_free(in);
            if (s)
                s = addFile(name, scratch, false);
            std::remove(QFile::encodeName(scratch).constData());
            return s;
        }
        Status close()
        {
            if (archive_write_close(m_archive) != ARCHIVE_OK)
                return error();
            return {};
        }

    private:
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
        Error error() const { return fail(QStringLiteral("%1: %2").arg(m_path, QString::fromLocal8Bit(archive_error_string(m_archive)))); }

        archive *m_archive = nullptr;
        QString m_path;
    };

} // namespace

ImageSaver::ImageSaver(Store &store)
    : m_store(store)
{
}

Status ImageSaver::save(const QStringList &references, const QString &outputPath, Format format)
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
    const QString partial = outputPath + QStringLiteral(".partial");
    TarOut out;
    STRATA_TRY(out.open(partial));
    const ContentStore &content = m_store.content();
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
                STRATA_TRY(out.addFile(name, content.blobPath(l.blob.digest), l.blob.digest != l.diffId));
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
        auto addBlob = [&](const Digest &d) -> Status {
            const QString name = QStringLiteral("blobs/sha256/") + d.hex();
            if (written.contains(name))
                return {};
            written.insert(name);
            return out.addFile(name, content.blobPath(d), false);
        };
        for (qsizetype i = 0; i < selected.size(); ++i) {
            const Image &image = selected[i];
            for (const ImageLayer &l : image.layers)
                STRATA_TRY(addBlob(l.blob.digest));
            STRATA_TRY(addBlob(image.id));
            STRATA_TRY(addBlob(image.manifest.digest));
            if (tagsOf[i].isEmpty())
                index.append({ image.manifest, {} });
            for (const QString &tag : tagsOf[i])
                index.append({ image.manifest, tag });
        }
        STRATA_TRY(out.addBytes(QStringLiteral("index.json"), ImageStore::indexJson(index)));
    }
    STRATA_TRY(out.close());
    if (std::rename(QFile::encodeName(partial).constData(), QFile::encodeName(outputPath).constData()) != 0)
        return fail(QStringLiteral("%1: cannot rename into place: %2").arg(outputPath, fs::errorText(errno)));
    return {};
}

} // namespace strata
