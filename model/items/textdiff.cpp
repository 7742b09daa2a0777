#include "textdiff.h"

#include <QStringDecoder>

#include <vector>

namespace strata {

TextDiff TextDiff::compute(const QString &before, const QString &after, int maxLines)
{
    TextDiff diff;
    const QStringList a = before.split(u'\n');
    const QStringList b = after.split(u'\n');
    if (a.size() > maxLines || b.size() > maxLines) {
        diff.tooLarge = true;
        return diff;
    }
    // Longest common subsequence, table from the end so the walk goes forwards.
    const qsizetype n = a.size(), m = b.size();
    std::vector<quint16> table(size_t((n + 1) * (m + 1)), 0);
    const auto at = [&](qsizetype i, qsizetype j) -> quint16 & { return table[size_t(i * (m + 1) + j)]; };
    for (qsizetype i = n - 1; i >= 0; --i) {
        for (qsizetype j = m - 1; j >= 0; --j)
            at(i, j) = a[i] == b[j] ? quint16(at(i + 1, j + 1) + 1) : std::max(at(i + 1, j), at(i, j + 1));
    }
    QStringList all;
    qsizetype i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && a[i] == b[j]) {
            all.append(u' ' + a[i]);
            ++i;
            ++j;
        } else if (j < m && (i == n || at(i, j + 1) >= at(i + 1, j))) {
            all.append(u'+' + b[j++]);
            ++diff.added;
        } else {
            all.append(u'-' + a[i++]);
            ++diff.removed;
        }
    }
    // Context: three lines around each change.
    constexpr int context = 3;
    std::vector<bool> keep(size_t(all.size()), false);
    for (qsizetype k = 0; k < all.size(); ++k) {
        if (!all[k].startsWith(u' ')) {
            for (qsizetype c = std::max<qsizetype>(0, k - context); c <= std::min<qsizetype>(all.size() - 1, k + context); ++c)
                keep[size_t(c)] = true;
        }
    }
    bool folded = false;
    for (qsizetype k = 0; k < all.size(); ++k) {
        if (keep[size_t(k)]) {
            diff.lines.append(all[k]);
            folded = false;
        } else if (!folded) {
            diff.lines.append(QStringLiteral(" …"));
            folded = true;
        }
    }
    return diff;
}

bool looksLikeText(const QByteArray &bytes)
{
    if (bytes.contains('\0'))
        return false;
    QStringDecoder decoder(QStringDecoder::Utf8);
    (void)decoder.decode(bytes);
    if (!decoder.hasError())
        return true;
    // A head cut in the middle of a multi-byte character is no reason to call it binary.
    QStringDecoder shorter(QStringDecoder::Utf8);
    (void)shorter.decode(bytes.left(std::max<qsizetype>(0, bytes.size() - 3)));
    return !shorter.hasError();
}

QString hexDump(const QByteArray &bytes, int maxBytes)
{
    QString out;
    const qsizetype n = std::min<qsizetype>(bytes.size(), maxBytes);
    for (qsizetype off = 0; off < n; off += 16) {
        out += QStringLiteral("%1  ").arg(off, 8, 16, QLatin1Char('0'));
        QString ascii;
        for (qsizetype k = 0; k < 16; ++k) {
            if (off + k < n) {
                const uchar c = uchar(bytes[off + k]);
                out += QStringLiteral("%1 ").arg(c, 2, 16, QLatin1Char('0'));
                ascii += (c >= 0x20 && c < 0x7f) ? QChar::fromLatin1(char(c)) : u'.';
            } else {
                out += QStringLiteral("   ");
            }
            if (k == 7)
                out += u' ';
        }
        out += u' ' + ascii + u'\n';
    }
    return out;
}

} // namespace strata
