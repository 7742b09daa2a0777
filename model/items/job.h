#pragma once

#include "progress.h"
#include "result.h"

#include <QMutex>
#include <QObject>
#include <QTimer>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>

namespace strata {

class Store;

// One piece of long engine work (load, save, run, remove, …) run off the GUI thread: a title,
// progress as it goes, a cancel flag the work honours, and a message at the end. The window
// shows every job in one place, its status bar, never as a modal wait.
class Job : public QObject {
    Q_OBJECT
public:
    // Runs on a worker thread; returns what to tell the user on success.
    using Work = std::function<Result<QString>(Store &store, const Progress &progress)>;

    Job(const QString &title, std::shared_ptr<Store> store, Work work, QObject *parent = nullptr);
    ~Job() override;

    QString title() const { return m_title; }

    void start();
    // Asks the work to stop; it ends with ErrorCode::Cancelled and leaves nothing half-made.
    void cancel();

Q_SIGNALS:
    void progressed(const strata::ProgressUpdate &update);
    void finished(bool ok, const QString &message);

private:
    void readProgress();

    struct Shared {
        QMutex mutex;
        ProgressUpdate update;
        quint64 serial = 0;
    };
    QString m_title;
    std::shared_ptr<Store> m_store;
    Work m_work;
    // Shared with the worker, which may outlive this object when the window closes first.
    std::shared_ptr<std::atomic<bool>> m_cancel = std::make_shared<std::atomic<bool>>(false);
    bool m_running = false;
    std::shared_ptr<Shared> m_shared = std::make_shared<Shared>();
    quint64 m_seen = 0;
    QTimer m_poll;
};

} // namespace strata

Q_DECLARE_METATYPE(strata::ProgressUpdate)
