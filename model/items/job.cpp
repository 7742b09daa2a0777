#include "job.h"

#include <QMutexLocker>
#include <QtConcurrent/QtConcurrentRun>

namespace strata {

namespace {
    struct Outcome {
        bool ok = false;
        QString message; // the result, or the error
    };
}

Job::Job(const QString &title, std::shared_ptr<Store> store, Work work, QObject *parent)
    : QObject(parent)
    , m_title(title)
    , m_store(std::move(store))
    , m_work(std::move(work))
{
}

Job::~Job()
{
    // The worker keeps its own references; tell it nobody waits any more.
    m_cancel->store(true);
}

void Job::start()
{
    if (m_running)
        return;
    m_running = true;
    // The worker writes its latest update into shared state and this object reads it on a
    // timer: the worker never touches this object, which the window may delete meanwhile.
    auto shared = m_shared;
    Progress::Sink sink = [shared](const ProgressUpdate &update) {
        const QMutexLocker locker(&shared->mutex);
        shared->update = update;
        ++shared->serial;
    };
    connect(&m_poll, &QTimer::timeout, this, &Job::readProgress);
    m_poll.start(100);
    auto cancel = m_cancel;
    auto store = m_store;
    auto work = m_work;
    QtConcurrent::run([store, work, sink, cancel] {
        const Progress progress(sink, cancel.get());
        Result<QString> r = work(*store, progress);
        Outcome out;
        out.ok = r.ok();
        out.message = r.ok() ? r.value() : r.error();
        return out;
    }).then(this, [this](const Outcome &out) {
        m_poll.stop();
        readProgress();
        m_running = false;
        Q_EMIT finished(out.ok, out.message);
    });
}

void Job::readProgress()
{
    ProgressUpdate update;
    {
        const QMutexLocker locker(&m_shared->mutex);
        if (m_shared->serial == m_seen)
            return;
        m_seen = m_shared->serial;
        update = m_shared->update;
    }
    Q_EMIT progressed(update);
}

void Job::cancel()
{
    m_cancel->store(true);
}

} // namespace strata
