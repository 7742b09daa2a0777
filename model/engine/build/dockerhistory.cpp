#include "dockerhistory.h"

namespace strata::dockerhistory {

QString nop(const QStringList &shell, const QString &text)
{
    return (shell + QStringList { QStringLiteral("#(nop) "), text }).join(u' ');
}

QString nopString(const QStringList &shell, const QString &text)
{
    return (shell + QStringList { QStringLiteral("#(nop) ") + text }).join(u' ');
}

QString goQuote(const QString &text)
{
    QString out = QStringLiteral("\"");
    const QList<uint> codes = text.toUcs4();
    for (uint c : codes) {
        switch (c) {
        case '"':
            out += QStringLiteral("\\\"");
            continue;
        case '\\':
            out += QStringLiteral("\\\\");
            continue;
        case '\a':
            out += QStringLiteral("\\a");
            continue;
        case '\b':
            out += QStringLiteral("\\b");
            continue;
        case '\f':
            out += QStringLiteral("\\f");
            continue;
        case '\n':
            out += QStringLiteral("\\n");
            continue;
        case '\r':
            out += QStringLiteral("\\r");
            continue;
        case '\t':
            out += QStringLiteral("\\t");
            continue;
        case '\v':
            out += QStringLiteral("\\v");
            continue;
        default:
            break;
        }
        if (c < 0x20 || c == 0x7f)
            out += QStringLiteral("\\x%1").arg(c, 2, 16, u'0');
        else if (!QChar::isPrint(char32_t(c)))
            out += c > 0xffff ? QStringLiteral("\\U%1").arg(c, 8, 16, u'0') : QStringLiteral("\\u%1").arg(c, 4, 16, u'0');
        else
            out += QString::fromUcs4(reinterpret_cast<const char32_t *>(&c), 1);
    }
    return out + u'"';
}

QString goQuoted(const QStringList &list)
{
    QStringList quoted;
    for (const QString &s : list)
        quoted.append(goQuote(s));
    return u'[' + quoted.join(u' ') + u']';
}

QString goList(const QStringList &list)
{
    return u'[' + list.join(u' ') + u']';
}

} // namespace strata::dockerhistory
