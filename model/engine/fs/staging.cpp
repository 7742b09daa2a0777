#include "staging.h"

#include "fsutil.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>

#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace strata {

static const QString journalName = QStringLiteral("journal.json");

Staging::~Staging()
{
    discard();
}

Staging::Staging(Staging &&other) noexcept
    : m_path(std::move(other.m_path))
    , m_lockPath(std::move(other.m_lockPath))
    , m_lockFd(other.m_lockFd)
{
    other.m_lockFd = -1;
    other.m_path.clear();
}

Result<Staging> Staging::create(const QString &tmpDir)
{
    Staging s;
    const QString name = QStringLiteral("job-%1-%2").arg(getpid()).arg(QRandomGenerator::global()->generate64(), 16, 16, QChar(u'0'));
    s.m_path = tmpDir + u'/' + name;
    s.m_lockPath = s.m_path + QStringLiteral(".lock");
    s.m_lockFd = ::open(QFile::encodeName(s.m_lockPath).constData(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (s.m_lockFd < 0)
        return fail(QStringLiteral("%1: cannot create staging lock: %2").arg(s.m_lockPath, fs::errorText(errno)));
    if (!fs::tryLockExclusive(s.m_lockFd))
        return fail(QStringLiteral("%1: cannot lock staging: %2").arg(s.m_lockPath, fs::errorText(errno)));
    if (mkdir(QFile::encodeName(s.m_path).constData(), 0700) != 0)
        return fail(QStringLiteral("%1: cannot create staging directory: %2").arg(s.m_path, fs::errorText(errno)));
    return s;
}

Status Staging::writeJournal(const QStringList &storePaths)
{
    return fs::writeFileAtomic(file(journalName), QJsonDocument(QJsonArray::fromStringList(storePaths)).toJson(QJsonDocument::Compact));
}

void Staging::discard()
{
    if (!m_path.isEmpty()) {
        (void)fs::removeTree(m_path);
        m_path.clear();
    }
    if (m_lockFd >= 0) {
        unlink(QFile::encodeName(m_lockPath).constData());
        close(m_lockFd);
        m_lockFd = -1;
    }
}

QList<Staging::Leftover> Staging::deadEntries(const QString &tmpDir)
{
    QList<Leftover> dead;
    const QStringList names = QDir(tmpDir).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
    for (const QString &name : names) {
        if (name.endsWith(QStringLiteral(".lock")))
            continue; // judged together with its directory below
        const QString path = tmpDir + u'/' + name;
        const QString lockPath = path + QStringLiteral(".lock");
        if (fs::lockedElsewhere(lockPath))
            continue;
        Leftover l { path, {} };
        auto journal = fs::readFile(path + u'/' + journalName, 16 * 1024 * 1024);
        if (journal.ok()) {
            for (const auto &v : QJsonDocument::fromJson(journal.value()).array())
                l.journal.append(v.toString());
        }
        dead.append(l);
    }
    // Lock files whose directory is gone (a job killed between the two creations).
    for (const QString &name : names) {
        if (!name.endsWith(QStringLiteral(".lock")))
            continue;
        const QString path = tmpDir + u'/' + name;
        const QString dirPath = path.chopped(5);
        if (names.contains(dirPath.mid(tmpDir.size() + 1)))
            continue;
        if (fs::exists(path) && !fs::lockedElsewhere(path))
            dead.append(Leftover { path, {} });
    }
    return dead;
}

void Staging::removeLeftover(const Leftover &leftover)
{
    (void)fs::removeTree(leftover.path);
    if (!leftover.path.endsWith(QStringLiteral(".lock")))
        unlink(QFile::encodeName(leftover.path + QStringLiteral(".lock")).constData());
}

} // namespace strata
