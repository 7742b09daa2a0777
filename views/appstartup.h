#pragma once

#include <QString>

class QApplication;

namespace strata {

// What `strata` does before and as it starts (app/strata/main.cpp stays a main() only).

// What `strata` checks before QApplication exists: without a display Qt would abort, so say
// what to do instead. --screenshot (and --help, --version) need none: they use the offscreen
// platform.
struct StartupCheck {
    bool ok = true;
    QString message;
};
StartupCheck checkStartup(int argc, char **argv);

// The window's catalogue (strata_<language>.qm, built into the program) and Qt's own, for the
// first of the user's languages that has one.
void installTranslations(QApplication &app);

// VmRSS of this process, from /proc/self/status (the benchmark's memory figure).
qint64 residentKilobytes();

} // namespace strata
