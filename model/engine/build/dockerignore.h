#pragma once

#include "result.h"

#include <QByteArrayView>
#include <QList>
#include <QRegularExpression>
#include <QString>

namespace strata {

// The patterns of a .dockerignore, read as Docker reads them (moby/patternmatcher and
// docker/cli's dockerignore.ReadAll): one pattern per line, `#` comments, blank lines skipped,
// surrounding white space trimmed, each pattern cleaned like Go's filepath.Clean with a leading
// '/' dropped; `*`, `?`, `[...]` and `\` as in Go's filepath.Match, `**` any number of
// directories; a leading `!` makes an exception. The last pattern that matches a path, or any
// of its parent directories, decides. A pattern that is malformed (a bad character class) or
// that climbs out of the context ("../x" after cleaning) is an error naming its line.
class IgnorePatterns {
public:
    IgnorePatterns() = default; // ignores nothing
    static Result<IgnorePatterns> parse(QByteArrayView text);

    bool isEmpty() const { return m_patterns.isEmpty(); }
    // `path` is relative to the context root, '/'-separated and clean ("a/b.txt").
    bool excluded(const QString &path) const;
    // Whether a walk must still descend into the excluded directory `dir`, because an exception
    // could bring back something inside it.
    bool mayIncludeUnder(const QString &dir) const;

    // Go's filepath.Clean on a '/'-separated path ("a//b/../c/" -> "a/c", "" -> "."), as Docker
    // cleans patterns and COPY sources.
    static QString cleanPath(QStringView path);
    // Go's filepath.Match on '/'-separated paths (`*` and `?` never match '/', `[...]` with `^`
    // negation and ranges, `\` escapes), as COPY matches its globs; an error for a malformed
    // pattern, whatever the name.
    static Result<bool> globMatch(QStringView pattern, QStringView name);

private:
    struct Pattern {
        QString text; // cleaned, without the '!'
        bool exception = false;
        QRegularExpression regex;
    };
    QList<Pattern> m_patterns;
};

} // namespace strata
