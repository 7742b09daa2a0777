#include "progress.h"

#include <QElapsedTimer>

#include <mutex>

namespace strata {

namespace {
    constexpr qint64 intervalMs = 50;
}

struct Progress::State {
    Sink sink;
    std::mutex mutex; // guards everything below and serialises the sink
    ProgressUpdate update;
    QElapsedTimer sinceReport;
    std::atomic<qint64> done { 0 };
};

Progress::Progress(Sink sink, const std::atomic<bool> *cancel)
    : m_cancel(cancel)
{
    if (sink) {
        m_state = std::make_shared<State>();
        m_state->sink = std::move(sink);
    }
}

void Progress::begin(const QString &phase, qint64 total, ProgressUpdate::Unit unit) const
{
    if (!m_state)
        return;
    {
        std::lock_guard guard(m_state->mutex);
        m_state->update = ProgressUpdate { phase, 0, total, unit };
        m_state->done = 0;
    }
    emitUpdate(true);
}

void Progress::advance(qint64 delta) const
{
    if (!m_state || delta == 0)
        return;
    m_state->done.fetch_add(delta, std::memory_order_relaxed);
    emitUpdate(false);
}

void Progress::finishPhase() const
{
    if (!m_state)
        return;
    {
        std::lock_guard guard(m_state->mutex);
        if (m_state->update.total >= 0)
            m_state->done = m_state->update.total;
    }
    emitUpdate(true);
}

void Progress::emitUpdate(bool force) const
{
    std::lock_guard guard(m_state->mutex);
    if (!force && m_state->sinceReport.isValid() && m_state->sinceReport.elapsed() < intervalMs)
        return;
    m_state->sinceReport.start();
    ProgressUpdate u = m_state->update;
    u.done = m_state->done.load(std::memory_order_relaxed);
    if (u.total >= 0 && u.done > u.total)
        u.done = u.total;
    m_state->sink(u);
}

Status Progress::checkCancelled(const QString &subject) const
{
    if (!cancelled())
        return {};
    return fail(ErrorCode::Cancelled, QStringLiteral("%1: cancelled").arg(subject));
}

} // namespace strata
