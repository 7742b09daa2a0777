#include "filemode.h"

#include <sys/stat.h>

namespace strata {

QString modeString(quint32 mode)
{
    const mode_t m = mode_t(mode);
    QString s;
    s += S_ISDIR(m) ? u'd' : S_ISLNK(m) ? u'l' : S_ISCHR(m) ? u'c' : S_ISBLK(m) ? u'b' : S_ISFIFO(m) ? u'p' : S_ISSOCK(m) ? u's' : u'-';
    const char *rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; ++i)
        s += (m & (0400 >> i)) ? QChar::fromLatin1(rwx[i]) : u'-';
    // Set-id and sticky bits take the execute position: lowercase over an x, uppercase without.
    const auto special = [&](int at, mode_t bit, QChar withX, QChar withoutX) {
        if (m & bit)
            s[at] = s[at] == u'-' ? withoutX : withX;
    };
    special(3, S_ISUID, u's', u'S');
    special(6, S_ISGID, u's', u'S');
    special(9, S_ISVTX, u't', u'T');
    return s;
}

} // namespace strata
