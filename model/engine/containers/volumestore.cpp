#include "volumestore.h"

#include "containerstore.h"
#include "containertypes.h"
#include "fsutil.h"
#include "store.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>

#include <cerrno>
#include <cstdio>

namespace strata {

QJsonObject Volume::toJson() const
{
    QJsonObject o { { QStringLiteral("Name"), name }, { QStringLiteral("Driver"), QStringLiteral("local") }, { QStringLiteral("Mountpoint"), mountpoint },
        { QStringLiteral("CreatedAt"), created.toUTC().toString(Qt::ISODate) }, { QStringLiteral("Scope"), QStringLiteral("local") },
        { QStringLiteral("Labels"), anonymous ? QJsonObject { { QStringLiteral("strata.anonymous"), QStringLiteral("true") } } : QJsonObject() },
        { QStringLiteral("UsedBy"), QJsonArray::fromStringList(usedBy) } };
    if (size >= 0)
        o.insert(QStringLiteral("UsageData"), QJsonObject { { QStringLiteral("Size"), size }, { QStringLiteral("RefCount"), usedBy.size() } });
    return o;
}

VolumeStore::VolumeStore(Store &store)
    : m_store(store)
{
}

QString VolumeStore::dataDir(const QString &name) const
{
    return m_store.root() + QStringLiteral("/volumes/") + name + QStringLiteral("/_data");
}

Result<Volume> VolumeStore::create(const QString &name, bool anonymous)
{
    if (!isValidObjectName(name))
        return fail(ErrorCode::InvalidInput, QStringLiteral("volume '%1': not a valid name (letters, digits, '_', '.', '-'; at most 128)").arg(name));
    StoreLockGuard guard(m_store.lock());
    STRATA_TRY(guard.status());
    if (auto existing = get(name))
        return existing;
    // Built in tmp/ and renamed in, so a volume is either complete or absent.
    auto staging = Staging::create(m_store.tmpDir());
    if (!staging)
        return staging.takeError();
    const QString dir = staging->file(QStringLiteral("volume"));
    STRATA_TRY(fs::makeDirs(dir + QStringLiteral("/_data")));
    const QJsonObject meta { { QStringLiteral("Name"), name }, { QStringLiteral("CreatedAt"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs) },
        { QStringLiteral("Anonymous"), anonymous } };
    STRATA_TRY(fs::writeFileAtomic(dir + QStringLiteral("/volume.json"), QJsonDocument(meta).toJson()));
    const QString target = m_store.root() + QStringLiteral("/volumes/") + name;
    if (std::rename(QFile::encodeName(dir).constData(), QFile::encodeName(target).constData()) != 0)
        return fail(QStringLiteral("volume '%1': cannot move into the store: %2").arg(name, fs::errorText(errno)));
    STRATA_TRY(fs::fsyncPath(m_store.root() + QStringLiteral("/volumes")));
    m_store.lock().bumpChangeCounter(ChangeScope::Volumes);
    return get(name);
}

Result<Volume> VolumeStore::get(const QString &name, bool withSize) const
{
    if (!isValidObjectName(name))
        return fail(ErrorCode::InvalidInput, QStringLiteral("volume '%1': not a valid name").arg(name));
    const QString dir = m_store.root() + QStringLiteral("/volumes/") + name;
    auto bytes = fs::readFile(dir + QStringLiteral("/volume.json"), 1024 * 1024);
    if (!bytes)
        return fail(ErrorCode::NotFound, QStringLiteral("volume '%1': no such volume in the store %2").arg(name, m_store.root()));
    const QJsonObject meta = QJsonDocument::fromJson(bytes.value()).object();
    Volume v;
    v.name = name;
    v.mountpoint = dataDir(name);
    v.created = QDateTime::fromString(meta.value(QLatin1String("CreatedAt")).toString(), Qt::ISODateWithMs);
    v.anonymous = meta.value(QLatin1String("Anonymous")).toBool();
    if (auto users = this->users(name))
        v.usedBy = users.value(); // what a listing shows; remove() asks again and refuses when it cannot tell
    if (withSize) {
        auto stats = fs::treeStats(v.mountpoint);
        v.size = stats ? stats->bytes : -1;
    }
    return v;
}

Result<QList<Volume>> VolumeStore::list(bool withSize) const
{
    QList<Volume> out;
    const QStringList names = QDir(m_store.root() + QStringLiteral("/volumes")).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (const QString &name : names) {
        if (auto v = get(name, withSize))
            out.append(v.value());
    }
    return out;
}

Result<QStringList> VolumeStore::users(const QString &name) const
{
    auto configs = ContainerStore(m_store).allConfigs(QStringLiteral("volume '%1': cannot tell which containers use it").arg(name));
    if (!configs)
        return configs.takeError();
    QStringList out;
    for (const ContainerConfig &c : configs.value()) {
        for (const MountSpec &m : c.mounts) {
            if (m.type == MountSpec::Type::Volume && m.source == name)
                out.append(c.name);
        }
    }
    return out;
}

Status VolumeStore::remove(const QString &name, bool force)
{
    auto trash = m_store.newStaging();
    if (!trash)
        return trash.takeError();
    StoreLockGuard guard(m_store.lock());
    STRATA_TRY(guard.status());
    auto v = get(name);
    if (!v)
        return v.takeError();
    // Even with force: removing data a container has mounted would pull it from under it.
    auto users = this->users(name);
    if (!users)
        return users.takeError();
    if (!users->isEmpty())
        return fail(ErrorCode::InUse, QStringLiteral("volume '%1' is in use by container %2: remove the container first%3")
                        .arg(name, users->join(QStringLiteral(", ")), force ? QStringLiteral(" (--force does not override this)") : QString()));
    const QString dir = m_store.root() + QStringLiteral("/volumes/") + name;
    const QString moved = trash->file(QStringLiteral("volume"));
    if (std::rename(QFile::encodeName(dir).constData(), QFile::encodeName(moved).constData()) != 0)
        return fail(QStringLiteral("volume '%1': cannot remove: %2").arg(name, fs::errorText(errno)));
    m_store.lock().bumpChangeCounter(ChangeScope::Volumes);
    return fs::removeTree(moved);
}

Result<QStringList> VolumeStore::prune()
{
    auto all = list();
    if (!all)
        return all.takeError();
    QStringList removed;
    for (const Volume &v : all.value()) {
        auto users = this->users(v.name);
        if (!users)
            return users.takeError();
        if (!users->isEmpty())
            continue;
        STRATA_TRY(remove(v.name));
        removed.append(v.name);
    }
    return removed;
}

} // namespace strata
