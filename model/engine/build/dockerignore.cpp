#include "dockerignore.h"

#include <string>
#include <string_view>

namespace strata {

namespace {

    using Runes = std::u32string_view;
    constexpr char32_t separator = U'/';
    // bufio.Scanner's default token limit: Docker fails on a longer line, and so do we.
    constexpr qsizetype maxLineBytes = 64 * 1024;

    // The pieces of Go's path/filepath match.go, ported rune for rune so that a glob matches
    // here exactly what it matches for Docker, malformed-pattern errors included (Go checks
    // the rest of a pattern even once the match has failed).
    struct Chunk {
        bool star = false;
        Runes chunk;
        Runes rest;
    };

    Chunk scanChunk(Runes pattern)
    {
        Chunk c;
        while (!pattern.empty() && pattern.front() == U'*') {
            pattern.remove_prefix(1);
            c.star = true;
        }
        bool inRange = false;
        size_t i = 0;
        bool stop = false;
        for (; i < pattern.size() && !stop; ++i) {
            switch (pattern[i]) {
            case U'\\':
                if (i + 1 < pattern.size())
                    ++i;
                break;
            case U'[':
                inRange = true;
                break;
            case U']':
                inRange = false;
                break;
            case U'*':
                if (!inRange) {
                    stop = true;
                    --i; // the loop's ++i would step over the star
                }
                break;
            default:
                break;
            }
        }
        c.chunk = pattern.substr(0, i);
        c.rest = pattern.substr(i);
        return c;
    }

    // One character of a class, escapes resolved; false for a malformed class.
    bool getEsc(Runes chunk, char32_t &r, Runes &next)
    {
        if (chunk.empty() || chunk.front() == U'-' || chunk.front() == U']')
            return false;
        if (chunk.front() == U'\\') {
            chunk.remove_prefix(1);
            if (chunk.empty())
                return false;
        }
        r = chunk.front();
        next = chunk.substr(1);
        return !next.empty();
    }

    enum class ChunkResult { Match, NoMatch, BadPattern };

    ChunkResult matchChunk(Runes chunk, Runes s, Runes &rest)
    {
        bool failed = false;
        while (!chunk.empty()) {
            if (!failed && s.empty())
                failed = true;
            switch (chunk.front()) {
            case U'[': {
                char32_t r = 0;
                if (!failed) {
                    r = s.front();
                    s.remove_prefix(1);
                }
                chunk.remove_prefix(1);
                bool negated = false;
                if (!chunk.empty() && chunk.front() == U'^') {
                    negated = true;
                    chunk.remove_prefix(1);
                }
                bool match = false;
                int ranges = 0;
                for (;;) {
                    if (!chunk.empty() && chunk.front() == U']' && ranges > 0) {
                        chunk.remove_prefix(1);
                        break;
                    }
                    char32_t lo = 0;
                    if (!getEsc(chunk, lo, chunk))
                        return ChunkResult::BadPattern;
                    char32_t hi = lo;
                    if (chunk.front() == U'-' && !getEsc(chunk.substr(1), hi, chunk))
                        return ChunkResult::BadPattern;
                    if (lo <= r && r <= hi)
                        match = true;
                    ++ranges;
                }
                if (match == negated)
                    failed = true;
                break;
            }
            case U'?':
                if (!failed) {
                    if (s.front() == separator)
                        failed = true;
                    s.remove_prefix(1);
                }
                chunk.remove_prefix(1);
                break;
            case U'\\':
                chunk.remove_prefix(1);
                if (chunk.empty())
                    return ChunkResult::BadPattern;
                [[fallthrough]];
            default:
                if (!failed) {
                    if (chunk.front() != s.front())
                        failed = true;
                    s.remove_prefix(1);
                }
                chunk.remove_prefix(1);
                break;
            }
        }
        if (failed)
            return ChunkResult::NoMatch;
        rest = s;
        return ChunkResult::Match;
    }

    // Go's match, on runes. -1: malformed pattern.
    int goMatch(Runes pattern, Runes name)
    {
        while (!pattern.empty()) {
            const Chunk c = scanChunk(pattern);
            pattern = c.rest;
            if (c.star && c.chunk.empty())
                return name.find(separator) == Runes::npos ? 1 : 0;
            Runes t;
            const ChunkResult first = matchChunk(c.chunk, name, t);
            if (first == ChunkResult::Match && (t.empty() || !pattern.empty())) {
                name = t;
                continue;
            }
            if (first == ChunkResult::BadPattern)
                return -1;
            bool advanced = false;
            if (c.star) {
                for (size_t i = 0; i < name.size() && name[i] != separator; ++i) {
                    const ChunkResult r = matchChunk(c.chunk, name.substr(i + 1), t);
                    if (r == ChunkResult::Match) {
                        if (pattern.empty() && !t.empty())
                            continue;
                        name = t;
                        advanced = true;
                        break;
                    }
                    if (r == ChunkResult::BadPattern)
                        return -1;
                }
            }
            if (advanced)
                continue;
            while (!pattern.empty()) {
                const Chunk rest = scanChunk(pattern);
                pattern = rest.rest;
                Runes unused;
                if (matchChunk(rest.chunk, Runes(), unused) == ChunkResult::BadPattern)
                    return -1;
            }
            return 0;
        }
        return name.empty() ? 1 : 0;
    }

    QString regexLiteral(char32_t ch) { return QStringLiteral("\\x{%1}").arg(uint(ch), 0, 16); }

    // The regular expression patternmatcher compiles a pattern into: `*` and `?` stay within a
    // component, `**` spans any number of them. Two places keep Go's filepath.Match meaning
    // where patternmatcher hands the pattern text to Go's regexp as it is: a character class is
    // rebuilt from its parsed ranges (Docker would let `[*]` or `[\d]` mean regexp things), and
    // `\x` is always the literal x. Called on patterns that Go's Match has accepted.
    QString toRegex(const std::u32string &p)
    {
        QString re = QStringLiteral("^");
        const size_t n = p.size();
        for (size_t i = 0; i < n; ++i) {
            const char32_t ch = p[i];
            if (ch == U'*') {
                if (i + 1 < n && p[i + 1] == U'*') {
                    ++i;
                    if (i + 1 < n && p[i + 1] == separator)
                        ++i; // "**/" is "**"
                    re += i + 1 >= n ? QStringLiteral(".*") : QStringLiteral("(.*/)?");
                } else {
                    re += QStringLiteral("[^/]*");
                }
            } else if (ch == U'?') {
                re += QStringLiteral("[^/]");
            } else if (ch == U'\\' && i + 1 < n) {
                re += regexLiteral(p[++i]);
            } else if (ch == U'[') {
                QString cls = QStringLiteral("[");
                ++i;
                if (i < n && p[i] == U'^') {
                    cls += QLatin1Char('^');
                    ++i;
                }
                bool first = true;
                while (i < n && !(p[i] == U']' && !first)) {
                    char32_t lo = p[i];
                    if (lo == U'\\')
                        lo = p[++i];
                    ++i;
                    char32_t hi = lo;
                    if (i < n && p[i] == U'-') {
                        ++i;
                        hi = p[i];
                        if (hi == U'\\')
                            hi = p[++i];
                        ++i;
                    }
                    cls += regexLiteral(lo);
                    if (hi != lo)
                        cls += QLatin1Char('-') + regexLiteral(hi);
                    first = false;
                }
                re += cls + QLatin1Char(']');
            } else {
                re += regexLiteral(ch);
            }
        }
        // \z, not $: PCRE's $ also matches before a final newline, Go's does not.
        return re + QStringLiteral("\\z");
    }

    QString lineError(int line, const QString &cause) { return QStringLiteral(".dockerignore line %1: %2").arg(line).arg(cause); }

} // namespace

QString IgnorePatterns::cleanPath(QStringView path)
{
    if (path.isEmpty())
        return QStringLiteral(".");
    const bool rooted = path.startsWith(QLatin1Char('/'));
    QStringList out;
    for (QStringView part : path.split(QLatin1Char('/'))) {
        if (part.isEmpty() || part == QLatin1String("."))
            continue;
        if (part == QLatin1String("..")) {
            if (!out.isEmpty() && out.constLast() != QLatin1String(".."))
                out.removeLast();
            else if (!rooted)
                out.append(QStringLiteral(".."));
            continue;
        }
        out.append(part.toString());
    }
    const QString joined = out.join(QLatin1Char('/'));
    if (rooted)
        return QLatin1Char('/') + joined;
    return joined.isEmpty() ? QStringLiteral(".") : joined;
}

Result<bool> IgnorePatterns::globMatch(QStringView pattern, QStringView name)
{
    const std::u32string p = pattern.toString().toStdU32String();
    const std::u32string s = name.toString().toStdU32String();
    const int r = goMatch(p, s);
    if (r < 0)
        return fail(ErrorCode::InvalidInput, QStringLiteral("syntax error in pattern '%1'").arg(pattern));
    return r == 1;
}

Result<IgnorePatterns> IgnorePatterns::parse(QByteArrayView text)
{
    IgnorePatterns result;
    int lineNo = 0;
    qsizetype at = 0;
    while (at < text.size()) {
        qsizetype end = text.indexOf('\n', at);
        if (end < 0)
            end = text.size();
        QByteArrayView line = text.sliced(at, end - at);
        at = end + 1;
        ++lineNo;
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.size() > maxLineBytes)
            return fail(ErrorCode::InvalidInput, lineError(lineNo, QStringLiteral("the line is longer than %1 bytes").arg(maxLineBytes)));
        if (lineNo == 1 && line.startsWith("\xEF\xBB\xBF"))
            line = line.sliced(3);
        // As docker/cli's ReadAll: a comment only when '#' is the very first character.
        if (line.startsWith('#'))
            continue;
        QString pattern = QString::fromUtf8(line).trimmed();
        if (pattern.isEmpty())
            continue;
        const bool exception = pattern.startsWith(QLatin1Char('!'));
        if (exception)
            pattern = pattern.mid(1).trimmed();
        if (pattern.isEmpty())
            return fail(ErrorCode::InvalidInput, lineError(lineNo, QStringLiteral("illegal exclusion pattern: \"!\"")));
        const QString written = pattern;
        pattern = cleanPath(pattern);
        if (pattern.size() > 1 && pattern.startsWith(QLatin1Char('/')))
            pattern = pattern.mid(1);
        if (pattern == QLatin1String("..") || pattern.startsWith(QLatin1String("../")))
            return fail(ErrorCode::InvalidInput, lineError(lineNo, QStringLiteral("the pattern '%1' refers to a path outside the build context").arg(written)));
        // Docker checks the syntax by matching against "." (Go checks the whole pattern).
        const std::u32string runes = pattern.toStdU32String();
        if (goMatch(runes, U".") < 0)
            return fail(ErrorCode::InvalidInput, lineError(lineNo, QStringLiteral("malformed pattern '%1': syntax error in pattern").arg(written)));
        Pattern p;
        p.text = pattern;
        p.exception = exception;
        p.regex = QRegularExpression(toRegex(runes));
        if (!p.regex.isValid())
            return fail(ErrorCode::InvalidInput, lineError(lineNo, QStringLiteral("malformed pattern '%1': %2").arg(written, p.regex.errorString())));
        p.regex.optimize();
        result.m_patterns.append(std::move(p));
    }
    return result;
}

bool IgnorePatterns::excluded(const QString &path) const
{
    // moby/patternmatcher's MatchesOrParentMatches: the last pattern that matches the path or
    // one of its parent directories decides.
    const qsizetype slash = path.lastIndexOf(QLatin1Char('/'));
    const QStringView parent = slash < 0 ? QStringView() : QStringView(path).left(slash);
    bool matched = false;
    for (const Pattern &p : m_patterns) {
        if (p.exception != matched)
            continue; // cannot change the outcome
        bool match = p.regex.match(path).hasMatch();
        for (qsizetype from = 0; !match && !parent.isEmpty();) {
            const qsizetype next = parent.indexOf(QLatin1Char('/'), from);
            match = p.regex.match(next < 0 ? parent : parent.left(next)).hasMatch();
            if (next < 0)
                break;
            from = next + 1;
        }
        if (match)
            matched = !p.exception;
    }
    return matched;
}

bool IgnorePatterns::mayIncludeUnder(const QString &dir) const
{
    // As Docker's TarWithOptions decides whether to walk an excluded directory: only an
    // exception whose text starts with the directory can bring something back; one such as
    // "!**/keep" does not, so Docker leaves the directory out all the same.
    const QString dirSlash = dir + QLatin1Char('/');
    for (const Pattern &p : m_patterns) {
        if (p.exception && QString(p.text + QLatin1Char('/')).startsWith(dirSlash))
            return true;
    }
    return false;
}

} // namespace strata
