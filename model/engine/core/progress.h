#pragma once

#include "result.h"

#include <QString>

#include <atomic>
#include <functional>
#include <memory>

namespace strata {

// Where long work stands: the phase ("Loading", "Extracting layer 2/3", "Checking"), how much
// of it is done and of what total (-1: not known), in the phase's unit.
struct ProgressUpdate {
    enum class Unit { Bytes, Entries };
    QString phase;
    qint64 done = 0;
    qint64 total = -1;
    Unit unit = Unit::Bytes;
};

// Progress reporting and cancellation for long engine work (load, save, import, commit, check,
// layer apply, cp). A default Progress reports nothing and is never cancelled. Copies share one
// state, so the work may report from several threads; the sink is called at most every 50 ms
// per phase (and at a phase's start and end), from whichever thread reports. Work checks
// cancelled() often enough to stop within 100 ms, and then fails with ErrorCode::Cancelled,
// leaving nothing half-made (its staging is discarded, as on any error).
class Progress {
public:
    using Sink = std::function<void(const ProgressUpdate &)>;

    Progress() = default;
    // `cancel` (may be null) is read, never written: the caller sets it to stop the work.
    Progress(Sink sink, const std::atomic<bool> *cancel);

    void begin(const QString &phase, qint64 total, ProgressUpdate::Unit unit = ProgressUpdate::Unit::Bytes) const;
    void advance(qint64 delta) const;
    void finishPhase() const;

    bool cancelled() const { return m_cancel && m_cancel->load(std::memory_order_relaxed); }
    // Cancelled: an error naming what was stopped; otherwise success.
    Status checkCancelled(const QString &subject) const;

private:
    struct State;
    void emitUpdate(bool force) const;

    std::shared_ptr<State> m_state;
    const std::atomic<bool> *m_cancel = nullptr;
};

} // namespace strata
