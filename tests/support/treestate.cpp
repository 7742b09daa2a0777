#include "treestate.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSet>
#include <QTest>

#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

namespace strata::test {

namespace {
    // nftw's callback takes no context: the walk under way (one at a time, from the test's thread).
    QStringList *g_lines = nullptr;
    qsizetype g_base = 0;

    int entry(const char *fpath, const struct stat *st, int, struct FTW *)
    {
        QString line = QFile::decodeName(fpath).mid(g_base);
        line += QStringLiteral(" mode=%1 uid=%2 gid=%3 size=%4 mtime=%5.%6")
                    .arg(st->st_mode, 0, 8)
                    .arg(st->st_uid)
                    .arg(st->st_gid)
                    .arg(st->st_size)
                    .arg(st->st_mtim.tv_sec)
                    .arg(st->st_mtim.tv_nsec);
        if (S_ISREG(st->st_mode)) {
            QFile f(QFile::decodeName(fpath));
            QCryptographicHash h(QCryptographicHash::Sha256);
            if (f.open(QIODevice::ReadOnly))
                h.addData(&f);
            else
                line += QStringLiteral(" unreadable");
            line += QStringLiteral(" sha256=") + QString::fromLatin1(h.result().toHex());
        } else if (S_ISLNK(st->st_mode)) {
            char target[4096];
            const ssize_t n = ::readlink(fpath, target, sizeof target);
            line += QStringLiteral(" -> ") + QFile::decodeName(QByteArray(target, n < 0 ? 0 : int(n)));
        } else if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) {
            line += QStringLiteral(" rdev=%1").arg(st->st_rdev);
        }
        g_lines->append(line);
        return 0;
    }
}

QStringList treeState(const QString &dir)
{
    QStringList lines;
    g_lines = &lines;
    g_base = dir.size();
    ::nftw(QFile::encodeName(dir).constData(), entry, 64, FTW_PHYS);
    g_lines = nullptr;
    lines.sort();
    return lines;
}

QStringList settledTreeState(const QString &dir)
{
    QStringList state = treeState(dir);
    for (int tries = 0; tries < 20; ++tries) {
        QTest::qWait(1000);
        QStringList again = treeState(dir);
        if (again == state)
            break;
        state = std::move(again);
    }
    return state;
}

QString treeDifference(const QStringList &before, const QStringList &after)
{
    const QSet<QString> a(before.begin(), before.end()), b(after.begin(), after.end());
    QStringList out;
    for (const QString &l : before)
        if (!b.contains(l))
            out.append(QStringLiteral("- ") + l);
    for (const QString &l : after)
        if (!a.contains(l))
            out.append(QStringLiteral("+ ") + l);
    return out.mid(0, 20).join(u'\n');
}

} // namespace strata::test
