#pragma once

#include "result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace strata {

class Store;

struct Volume {
    QString name;
    QString mountpoint; // volumes/<name>/_data
    QDateTime created;
    bool anonymous = false;
    QStringList usedBy; // names of the containers that mount it
    qint64 size = -1; // bytes of file content, when asked for

    QJsonObject toJson() const; // Docker's `volume inspect` shape
};

// Named volumes (DESIGN §1.7): volumes/<name>/volume.json and volumes/<name>/_data. A volume
// outlives the containers that mount it; it is only removed when asked and no container uses it.
// Threads: a cheap view over a shared Store.
class VolumeStore {
public:
    explicit VolumeStore(Store &store);

    QString dataDir(const QString &name) const;
    // Creates the volume, or returns the existing one with that name.
    Result<Volume> create(const QString &name, bool anonymous = false);
    Result<Volume> get(const QString &name, bool withSize = false) const;
    Result<QList<Volume>> list(bool withSize = false) const;
    Status remove(const QString &name, bool force = false);
    // Removes every volume no container uses; returns their names.
    Result<QStringList> prune();

private:
    // The containers that mount the volume; fails when a container's config cannot be read,
    // since that container might be one.
    Result<QStringList> users(const QString &name) const;
    Store &m_store;
};

} // namespace strata
