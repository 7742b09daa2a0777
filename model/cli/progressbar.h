#pragma once

#include "progress.h"

#include <QTextStream>

#include <atomic>
#include <csignal>

namespace strata {

// What stratactl shows during long work: on a terminal, one line on stderr redrawn in place
// ("Loading  [=========>          ]  48%  110MB / 229MB"), erased when the work ends; nothing
// when stderr is not a terminal, so scripts and tests read the same output as before. While
// it exists, Ctrl-C (SIGINT) or SIGTERM cancels the work cleanly instead of killing the process.
class ProgressBar {
public:
    // `draw` false: only the cancelling, for work that writes its own log (build).
    enum class Draw { OnTerminal, Never };
    explicit ProgressBar(QTextStream &err, Draw mode = Draw::OnTerminal);
    ~ProgressBar();
    ProgressBar(const ProgressBar &) = delete;
    ProgressBar &operator=(const ProgressBar &) = delete;

    const Progress &progress() const { return m_progress; }

    // The line for an update, `width` columns wide (for tests and the drawing alike).
    static QString line(const ProgressUpdate &update, int width);
    // Erases a progress line still on the terminal, so that a message starts on a clean line.
    static void clearLine(QTextStream &err);

private:
    void draw(const ProgressUpdate &update);

    QTextStream &m_err;
    bool m_terminal = false;
    Progress m_progress;
    struct sigaction m_oldInt {};
    struct sigaction m_oldTerm {};
};

} // namespace strata
