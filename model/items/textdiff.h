#pragma once

#include <QString>
#include <QStringList>

namespace strata {

// A line diff of two texts, for "what did this layer change in the file": lines only in the
// old text start with "-", only in the new with "+", shared ones with " " (context beyond three
// lines of a change is folded into "…"). Texts over `maxLines` lines are not compared.
struct TextDiff {
    QStringList lines;
    bool tooLarge = false;
    int added = 0;
    int removed = 0;

    static TextDiff compute(const QString &before, const QString &after, int maxLines = 3000);
};

// Whether bytes look like text (UTF-8 without NUL bytes), and a hex dump of bytes that do not.
bool looksLikeText(const QByteArray &bytes);
QString hexDump(const QByteArray &bytes, int maxBytes = 4096);

} // namespace strata
