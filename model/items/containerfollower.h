#pragma once

#include "changewatcher.h"
#include "containerlog.h"

#include <QObject>
#include <QStringList>
#include <QThread>

#include <memory>

namespace strata {

class Store;
struct ForeignSnapshot;

// Follows one container for the window: every change to its writable layer (a ChangeWatcher)
// and every line it logs, both read on a thread of their own so that the GUI thread never
// waits on the disk. Layer names say where a copy-up came from ("layer 3: COPY app.py /app").
class ContainerFollower : public QObject {
    Q_OBJECT
public:
    ContainerFollower(std::shared_ptr<Store> store, const QString &containerId, QObject *parent = nullptr);
    // A container of a peer's store (Docker's): its writable layer watched read-only (no log:
    // the peer keeps that in its own format).
    ContainerFollower(std::shared_ptr<const ForeignSnapshot> foreign, const QString &containerId, QObject *parent = nullptr);
    ~ContainerFollower() override;

    void start();

Q_SIGNALS:
    // The layers below the writable layer, top first, named for people.
    void layersKnown(const QStringList &names);
    // The watch is in place: every change from now on is reported (what was written before is
    // the container's diff, not the feed's).
    void watching();
    void changed(const strata::ChangeEvent &event);
    void logged(const QList<strata::LogEntry> &entries);
    void failed(const QString &message);
    // The writable layer's bytes, soon after it changes.
    void writableSize(qint64 bytes);
    void overflowed();

private:
    QThread m_thread;
    QObject *m_worker = nullptr; // lives in m_thread
    std::shared_ptr<Store> m_store;
    std::shared_ptr<const ForeignSnapshot> m_foreign;
    QString m_id;
};

} // namespace strata

Q_DECLARE_METATYPE(strata::ChangeEvent)
Q_DECLARE_METATYPE(strata::LogEntry)
