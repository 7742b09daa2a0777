#include "progressbar.h"

#include "humanize.h"

#include <sys/ioctl.h>
#include <unistd.h>

namespace strata {

namespace {
    std::atomic<bool> interrupted { false };
    bool drawn = false; // a progress line is on the terminal (stratactl has one at a time)

    void onSignal(int)
    {
        interrupted.store(true);
    }

    int terminalWidth()
    {
        winsize ws {};
        if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
            return ws.ws_col;
        return 80;
    }
}

ProgressBar::ProgressBar(QTextStream &err, Draw mode)
    : m_err(err)
    , m_terminal(mode == Draw::OnTerminal && isatty(STDERR_FILENO) == 1)
{
    interrupted.store(false);
    struct sigaction sa {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &m_oldInt);
    sigaction(SIGTERM, &sa, &m_oldTerm);
    m_progress = m_terminal ? Progress([this](const ProgressUpdate &u) { draw(u); }, &interrupted) : Progress({}, &interrupted);
}

ProgressBar::~ProgressBar()
{
    sigaction(SIGINT, &m_oldInt, nullptr);
    sigaction(SIGTERM, &m_oldTerm, nullptr);
    clearLine(m_err);
}

void ProgressBar::clearLine(QTextStream &err)
{
    if (!drawn)
        return;
    err << "\r\x1b[K";
    err.flush();
    drawn = false;
}

QString ProgressBar::line(const ProgressUpdate &u, int width)
{
    const bool bytes = u.unit == ProgressUpdate::Unit::Bytes;
    const auto amount = [&](qint64 v) { return bytes ? humanize::size(v) : QString::number(v); };
    QString figures = u.total >= 0 ? QStringLiteral("%1 / %2").arg(amount(u.done), amount(u.total)) : amount(u.done);
    QString phase = u.phase.left(qMax(10, width / 3));
    const int barWidth = width - int(phase.size()) - int(figures.size()) - 12;
    if (u.total <= 0 || barWidth < 10)
        return QStringLiteral("%1  %2").arg(phase, figures).left(width - 1);
    const double share = double(u.done) / double(u.total);
    const int filled = int(share * barWidth);
    QString bar = QString(filled, u'=');
    if (filled < barWidth)
        bar += u'>' + QString(barWidth - filled - 1, u' ');
    return QStringLiteral("%1  [%2] %3%  %4").arg(phase, bar).arg(int(share * 100), 3).arg(figures).left(width - 1);
}

void ProgressBar::draw(const ProgressUpdate &u)
{
    m_err << '\r' << line(u, terminalWidth()) << "\x1b[K";
    m_err.flush();
    drawn = true;
}

} // namespace strata
