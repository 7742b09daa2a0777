#include "store.h"

#include "fsutil.h"

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <unistd.h>

namespace strata {

Store::Store(const QString &root)
    : m_root(root)
    , m_rootless(geteuid() != 0)
    , m_content(root + QStringLiteral("/images"))
{
}

QString Store::defaultRoot()
{
    const QString env = qEnvironmentVariable("STRATA_ROOT");
    if (!env.isEmpty())
        return env;
    if (geteuid() == 0)
        return QStringLiteral("/var/lib/strata");
    QString data = qEnvironmentVariable("XDG_DATA_HOME");
    if (data.isEmpty())
        data = QDir::homePath() + QStringLiteral("/.local/share");
    return data + QStringLiteral("/strata");
}

QString Store::relative(const QString &path) const
{
    return path.startsWith(m_root + u'/') ? path.mid(m_root.size() + 1) : path;
}

Result<std::unique_ptr<Store>> Store::open(const Options &options)
{
    QString root = options.root.isEmpty() ? defaultRoot() : options.root;
    root = QDir::cleanPath(QDir(root).absolutePath());
    std::unique_ptr<Store> store(new Store(root));
    STRATA_TRY(store->initialise(options));
    return store;
}

Status Store::initialise(const Options &options)
{
    STRATA_TRY(fs::makeDirs(m_root, 0711));
    STRATA_TRY(m_lock.open(m_root + QStringLiteral("/store.lock")));
    StoreLockGuard guard(m_lock);
    STRATA_TRY(guard.status());

    const QString storeJson = m_root + QStringLiteral("/store.json");
    QString driverName;
    if (fs::exists(storeJson)) {
        auto bytes = fs::readFile(storeJson, 1024 * 1024);
        if (!bytes)
            return bytes.takeError();
        QJsonParseError err;
        const QJsonObject obj = QJsonDocument::fromJson(bytes.value(), &err).object();
        if (err.error != QJsonParseError::NoError)
            return fail(QStringLiteral("%1: not valid JSON: %2").arg(storeJson, err.errorString()));
        if (obj.value(QLatin1String("formatVersion")).toInt() != formatVersion)
            return fail(QStringLiteral("%1: unsupported store format version %2").arg(storeJson).arg(obj.value(QLatin1String("formatVersion")).toInt()));
        driverName = obj.value(QLatin1String("driver")).toString();
        if (!options.driver.isEmpty() && options.driver != driverName)
            return fail(QStringLiteral("store %1 uses the %2 driver; it cannot be opened with %3").arg(m_root, driverName, options.driver));
    } else {
        for (const char *dir : { "images/blobs/sha256", "containers", "volumes", "build-cache", "tmp" }) {
            STRATA_TRY(fs::makeDirs(m_root + u'/' + QLatin1String(dir), 0700));
        }
        driverName = options.driver.isEmpty() ? StorageDriver::defaultName(m_root, m_rootless) : options.driver;
        if (!StorageDriver::implementedNames().contains(driverName))
            return fail(QStringLiteral("storage driver '%1' is not one Strata implements (%2)").arg(driverName, StorageDriver::implementedNames().join(QStringLiteral(", "))));
        if (!options.driver.isEmpty()) {
            QTemporaryDir scratch(m_root + QStringLiteral("/tmp/probe-XXXXXX"));
            Status probe = StorageDriver::probe(driverName, scratch.path(), m_rootless);
            if (!probe)
                return fail(QStringLiteral("storage driver %1 is not available here: %2").arg(driverName, probe.error()));
        }
        STRATA_TRY(fs::makeDirs(m_root + QStringLiteral("/layers/") + driverName, 0700));
        m_created = true;
        QJsonObject obj { { QStringLiteral("formatVersion"), formatVersion }, { QStringLiteral("driver"), driverName } };
        STRATA_TRY(fs::writeFileAtomic(storeJson, QJsonDocument(obj).toJson()));
    }
    m_driver = StorageDriver::create(driverName, m_rootless);
    if (!m_driver)
        return fail(QStringLiteral("%1: unknown storage driver '%2'").arg(storeJson, driverName));
    STRATA_TRY(fs::makeDirs(layersDir(), 0700));
    STRATA_TRY(fs::makeDirs(tmpDir(), 0700));
    return {};
}

Result<Staging> Store::newStaging()
{
    StoreLockGuard guard(m_lock);
    STRATA_TRY(guard.status());
    return Staging::create(tmpDir());
}

QList<Staging::Leftover> Store::deadStaging() const
{
    return Staging::deadEntries(tmpDir());
}

} // namespace strata
