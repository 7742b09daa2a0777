#pragma once

#include "result.h"

#include <QString>
#include <QStringList>

namespace strata {

class StoreLock;

// A private working directory under <root>/tmp for one in-flight job (a load, an import).
// Its owner holds an flock on <name>.lock while it lives, so a sweep can tell a dead job's
// leftovers from a live one's. Before a job moves content into the store it writes a journal
// of what it adds; a sweep of a dead job removes whatever of that is not referenced.
class Staging {
public:
    Staging() = default;
    ~Staging();
    Staging(Staging &&other) noexcept;
    Staging &operator=(Staging &&) = delete;
    Staging(const Staging &) = delete;

    // Call with the store lock held, so no sweep runs in between.
    static Result<Staging> create(const QString &tmpDir);

    QString path() const { return m_path; }
    QString file(const QString &name) const { return m_path + u'/' + name; }
    // Records the store-relative paths the job is about to move in.
    Status writeJournal(const QStringList &storePaths);
    // Removes the directory (the lock file goes with the object).
    void discard();

    struct Leftover {
        QString path; // absolute path of the entry in tmp/
        QStringList journal; // store-relative paths a dead job was moving in
    };
    // Entries of tmpDir that belong to no live job. Never blocks.
    static QList<Leftover> deadEntries(const QString &tmpDir);
    static void removeLeftover(const Leftover &leftover);

private:
    QString m_path;
    QString m_lockPath;
    int m_lockFd = -1;
};

} // namespace strata
