#include "mappreview.h"

#include "digest.h"
#include "sha256.h"
#include "store.h"
#include "storelock.h"

#include <QDataStream>
#include <QDir>
#include <QFile>
#include <QSaveFile>
#include <QStandardPaths>

namespace strata::mappreview {

namespace {
    constexpr quint32 magic = 0x53544d50; // "STMP"
    constexpr quint32 version = 1;
    constexpr int maxItems = 1 << 20; // a damaged file must not make us allocate without bound

    QString rootOf(const QString &root) { return root.isEmpty() ? Store::defaultRoot() : QDir(root).absolutePath(); }

    QDataStream &operator<<(QDataStream &s, const Digest &d) { return s << d.toString(); }
    bool readDigest(QDataStream &s, Digest &d)
    {
        QString text;
        s >> text;
        auto parsed = Digest::parse(text);
        if (!parsed)
            return false;
        d = parsed.value();
        return true;
    }
    bool readCount(QDataStream &s, qint32 &n)
    {
        s >> n;
        return s.status() == QDataStream::Ok && n >= 0 && n <= maxItems;
    }
}

QString cachePath(const QString &root)
{
    const QByteArray key = Sha256::of(rootOf(root).toUtf8()).toString().mid(7, 24).toLatin1();
    return QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + QStringLiteral("/maps/") + QString::fromLatin1(key) + QStringLiteral(".map");
}

bool save(const QString &root, quint64 counter, quint64 inode, const LayerMapInput &input)
{
    const QString path = cachePath(root);
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return false;
    QDataStream s(&f);
    s.setVersion(QDataStream::Qt_6_4);
    s << magic << version << rootOf(root) << counter << inode << qint32(input.images.size());
    for (const LayerMapInput::Image &i : input.images) {
        s << i.id << i.name << qint32(i.layers.size());
        for (const LayerMapInput::Layer &l : i.layers)
            s << l.chainId << l.size << l.instruction;
        s << qint32(i.bands.size());
        for (const QStringList &b : i.bands)
            s << b;
        s << qint32(i.containers.size());
        for (const LayerMapInput::Container &c : i.containers)
            s << c.id << c.name << c.writableBytes << c.running;
    }
    return s.status() == QDataStream::Ok && f.commit();
}

std::optional<LayerMapInput> loadIfCurrent(const QString &root)
{
    const QString dir = rootOf(root);
    const auto peek = StoreLock::peekChangeCounter(dir + QStringLiteral("/store.lock"));
    if (!peek)
        return std::nullopt;
    QFile f(cachePath(root));
    if (!f.open(QIODevice::ReadOnly))
        return std::nullopt;
    QDataStream s(&f);
    s.setVersion(QDataStream::Qt_6_4);
    quint32 m = 0, v = 0;
    QString savedRoot;
    quint64 counter = 0, inode = 0;
    s >> m >> v >> savedRoot >> counter >> inode;
    if (s.status() != QDataStream::Ok || m != magic || v != version || savedRoot != dir || counter != peek->counter || inode != peek->inode)
        return std::nullopt;
    LayerMapInput input;
    qint32 images = 0;
    if (!readCount(s, images))
        return std::nullopt;
    for (qint32 k = 0; k < images; ++k) {
        LayerMapInput::Image i;
        qint32 n = 0;
        if (!readDigest(s, i.id))
            return std::nullopt;
        s >> i.name;
        if (!readCount(s, n))
            return std::nullopt;
        for (qint32 j = 0; j < n; ++j) {
            LayerMapInput::Layer l;
            if (!readDigest(s, l.chainId))
                return std::nullopt;
            s >> l.size >> l.instruction;
            i.layers.append(l);
        }
        if (!readCount(s, n))
            return std::nullopt;
        for (qint32 j = 0; j < n; ++j) {
            QStringList b;
            s >> b;
            i.bands.append(b);
        }
        if (!readCount(s, n))
            return std::nullopt;
        for (qint32 j = 0; j < n; ++j) {
            LayerMapInput::Container c;
            s >> c.id >> c.name >> c.writableBytes >> c.running;
            i.containers.append(c);
        }
        if (s.status() != QDataStream::Ok)
            return std::nullopt;
        input.images.append(i);
    }
    return input;
}

} // namespace strata::mappreview
