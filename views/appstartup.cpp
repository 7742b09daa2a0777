#include "appstartup.h"

#include <QApplication>
#include <QFile>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

#include <cstring>

namespace strata {

StartupCheck checkStartup(int argc, char **argv)
{
    bool headless = false;
    bool platformGiven = false;
    for (int i = 1; i < argc; ++i) {
        const char *a = argv[i];
        if (!std::strcmp(a, "--screenshot") || !std::strncmp(a, "--screenshot=", 13) || !std::strcmp(a, "--help") || !std::strcmp(a, "-h")
            || !std::strcmp(a, "--version") || !std::strcmp(a, "-v"))
            headless = true;
        if (!std::strcmp(a, "-platform") || !std::strcmp(a, "--platform"))
            platformGiven = true;
    }
    if (platformGiven || !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        return {};
    if (headless) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
        return {};
    }
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")) {
        StartupCheck c;
        c.ok = false;
        c.message = QStringLiteral("strata: no display to open a window on (neither DISPLAY nor WAYLAND_DISPLAY is set).\n"
                                   "Start it from a desktop session, render the window to a file with\n"
                                   "  strata --screenshot FILE.png [--select REF]\n"
                                   "or use stratactl on the command line.");
        return c;
    }
    return {};
}

void installTranslations(QApplication &app)
{
    // English is a catalogue too: it holds the plural forms ("1 layer", "3 layers"). It is the
    // fallback for a locale without one of its own (C, POSIX, or a language not translated yet).
    auto *own = new QTranslator(&app);
    if (own->load(QLocale(), QStringLiteral("strata"), QStringLiteral("_"), QStringLiteral(":/i18n"))
        || own->load(QStringLiteral("strata_en"), QStringLiteral(":/i18n")))
        QApplication::installTranslator(own);
    auto *qt = new QTranslator(&app);
    if (qt->load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"), QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(qt);
}

qint64 residentKilobytes()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

} // namespace strata
