#include "dockerfile.h"

#include <QVarLengthArray>

#include <algorithm>
#include <limits>

// The Dockerfile grammar as moby/buildkit's frontend/dockerfile parser (parser.go,
// line_parsers.go), its instructions package (argument counts, flags) and shell/lex.go (the
// word expander) implement it. Where Docker's behaviour is a quirk, the quirk is kept: a
// Dockerfile that Docker accepts must parse here the same way, or a build would differ.
//
// Input is untrusted. Every pass is linear in the text; nothing recurses on the input except
// ${...} nesting (bounded) and ONBUILD (one level). Bytes are split into lines first and each
// line is decoded on its own with QString::fromUtf8: malformed UTF-8 becomes U+FFFD, as it does
// when Docker's Go code turns the bytes into runes, and since '\n' is never part of a
// multi-byte sequence, line boundaries are the same as in the bytes.

namespace strata {

namespace {

    constexpr qsizetype maxFileBytes = 16 * 1024 * 1024;
    constexpr qsizetype maxInstructionBytes = 1024 * 1024;
    // Go's encoding/json refuses deeper nesting; Docker then falls back to the shell form.
    constexpr int maxJsonDepth = 10000;
    // ${a:-${b:-...}} recurses; Docker has no limit, a hostile file must not exhaust the stack.
    constexpr int maxSubstitutionDepth = 64;

    // The text as it can be shown in a message: Go's %q, cut short.
    QString quoted(QStringView text)
    {
        constexpr qsizetype maxShown = 200;
        QString out = QStringLiteral("\"");
        for (const QChar c : text.left(maxShown)) {
            if (c == u'"' || c == u'\\')
                out += u'\\';
            if (c == u'\n')
                out += QStringLiteral("\\n");
            else if (c == u'\t')
                out += QStringLiteral("\\t");
            else if (c.unicode() < 0x20 || c.unicode() == 0x7f)
                out += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
            else
                out += c;
        }
        if (text.size() > maxShown)
            out += QStringLiteral("...");
        return out + u'"';
    }

    // Go's unicode.IsSpace, which the parser's trimming and the lexer's splitting use.
    bool isSpace(QChar c) { return c.isSpace(); }

    // The parser's reWhitespace, [\t\v\f\r ]: what separates a keyword from its arguments and
    // the words of FROM, EXPOSE, COPY, ADD and VOLUME (no quote handling there).
    bool isBlank(QChar c) { return c == u' ' || c == u'\t' || c == u'\v' || c == u'\f' || c == u'\r'; }

    QStringView trimNewline(QStringView s)
    {
        while (!s.isEmpty() && (s.back() == u'\n' || s.back() == u'\r'))
            s.chop(1);
        return s;
    }

    QStringView trimLeadingSpace(QStringView s)
    {
        qsizetype i = 0;
        while (i < s.size() && isSpace(s[i]))
            ++i;
        return s.sliced(i);
    }

    QStringList splitBlank(QStringView s)
    {
        QStringList out;
        qsizetype i = 0;
        while (i < s.size()) {
            while (i < s.size() && isBlank(s[i]))
                ++i;
            const qsizetype start = i;
            while (i < s.size() && !isBlank(s[i]))
                ++i;
            if (i > start)
                out.append(s.sliced(start, i - start).toString());
        }
        return out;
    }

    // First word and the rest, split at the first run of reWhitespace (Go's Split(s, 2)).
    std::pair<QString, QString> splitFirstBlank(QStringView s)
    {
        qsizetype i = 0;
        while (i < s.size() && !isBlank(s[i]))
            ++i;
        if (i == s.size())
            return { s.toString(), QString() };
        qsizetype j = i;
        while (j < s.size() && isBlank(s[j]))
            ++j;
        return { s.left(i).toString(), s.sliced(j).toString() };
    }

    // ---- Parser directives -------------------------------------------------------------------

    struct Directive {
        QString key; // lower case
        QString value;
    };

    // reDirectives: `#`, optional white space, a name of ASCII letters and digits, `=`, a
    // non-empty value; \s is Go's [\t\n\f\r ].
    std::optional<Directive> matchDirective(QStringView line)
    {
        const auto ws = [](QChar c) { return c == u' ' || c == u'\t' || c == u'\n' || c == u'\f' || c == u'\r'; };
        const auto letter = [](QChar c) { return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z'); };
        const auto digit = [](QChar c) { return c >= u'0' && c <= u'9'; };
        if (!line.startsWith(u'#'))
            return std::nullopt;
        qsizetype i = 1;
        while (i < line.size() && ws(line[i]))
            ++i;
        const qsizetype keyStart = i;
        if (i == line.size() || !letter(line[i]))
            return std::nullopt;
        while (i < line.size() && (letter(line[i]) || digit(line[i])))
            ++i;
        const QStringView key = line.sliced(keyStart, i - keyStart);
        while (i < line.size() && ws(line[i]))
            ++i;
        if (i == line.size() || line[i] != u'=')
            return std::nullopt;
        ++i;
        while (i < line.size() && ws(line[i]))
            ++i;
        QStringView value = line.sliced(i);
        while (!value.isEmpty() && ws(value.back()))
            value.chop(1);
        if (value.isEmpty())
            return std::nullopt;
        return Directive { key.toString().toLower(), value.toString() };
    }

    // ---- JSON (exec) form ------------------------------------------------------------------

    enum class JsonArray {
        Invalid, // not JSON: Docker takes the text as the shell form
        NotStrings, // JSON, but an element is not a string: an error in Docker
        Strings,
    };

    // A validator with Go's encoding/json rules (strict grammar, no raw control characters in
    // strings, nothing after the value), iterative so that deep nesting cannot overflow the stack.
    class JsonReader {
    public:
        explicit JsonReader(QStringView text)
            : m_s(text)
        {
        }

        JsonArray stringArray(QStringList &out)
        {
            skipSpace();
            if (!take(u'['))
                return JsonArray::Invalid;
            bool notStrings = false;
            skipSpace();
            if (!take(u']')) {
                for (;;) {
                    skipSpace();
                    if (peek() == u'"') {
                        QString s;
                        if (!string(&s))
                            return JsonArray::Invalid;
                        out.append(s);
                    } else {
                        notStrings = true;
                        if (!skipValue())
                            return JsonArray::Invalid;
                    }
                    skipSpace();
                    if (take(u','))
                        continue;
                    if (take(u']'))
                        break;
                    return JsonArray::Invalid;
                }
            }
            skipSpace();
            if (m_i != m_s.size())
                return JsonArray::Invalid;
            return notStrings ? JsonArray::NotStrings : JsonArray::Strings;
        }

    private:
        QChar peek() const { return m_i < m_s.size() ? m_s[m_i] : QChar(); }
        bool take(QChar c)
        {
            if (m_i < m_s.size() && m_s[m_i] == c) {
                ++m_i;
                return true;
            }
            return false;
        }
        void skipSpace()
        {
            while (m_i < m_s.size() && (m_s[m_i] == u' ' || m_s[m_i] == u'\t' || m_s[m_i] == u'\n' || m_s[m_i] == u'\r'))
                ++m_i;
        }

        static int hex(QChar c)
        {
            if (c >= u'0' && c <= u'9')
                return c.unicode() - u'0';
            if (c >= u'a' && c <= u'f')
                return c.unicode() - u'a' + 10;
            if (c >= u'A' && c <= u'F')
                return c.unicode() - u'A' + 10;
            return -1;
        }

        std::optional<char16_t> hex4()
        {
            if (m_i + 4 > m_s.size())
                return std::nullopt;
            int v = 0;
            for (int k = 0; k < 4; ++k) {
                const int h = hex(m_s[m_i + k]);
                if (h < 0)
                    return std::nullopt;
                v = v * 16 + h;
            }
            m_i += 4;
            return char16_t(v);
        }

        bool string(QString *out)
        {
            ++m_i; // the opening quote
            while (m_i < m_s.size()) {
                const QChar c = m_s[m_i];
                if (c == u'"') {
                    ++m_i;
                    return true;
                }
                if (c.unicode() < 0x20)
                    return false;
                if (c != u'\\') {
                    if (out)
                        out->append(c);
                    ++m_i;
                    continue;
                }
                ++m_i;
                if (m_i == m_s.size())
                    return false;
                const QChar e = m_s[m_i++];
                QChar decoded;
                switch (e.unicode()) {
                case u'"':
                case u'\\':
                case u'/':
                    decoded = e;
                    break;
                case u'b':
                    decoded = u'\b';
                    break;
                case u'f':
                    decoded = u'\f';
                    break;
                case u'n':
                    decoded = u'\n';
                    break;
                case u'r':
                    decoded = u'\r';
                    break;
                case u't':
                    decoded = u'\t';
                    break;
                case u'u': {
                    const auto unit = hex4();
                    if (!unit)
                        return false;
                    if (QChar::isHighSurrogate(*unit) && m_i + 6 <= m_s.size() && m_s[m_i] == u'\\' && m_s[m_i + 1] == u'u') {
                        const qsizetype save = m_i;
                        m_i += 2;
                        const auto low = hex4();
                        if (low && QChar::isLowSurrogate(*low)) {
                            if (out) {
                                out->append(QChar(*unit));
                                out->append(QChar(*low));
                            }
                            continue;
                        }
                        m_i = save;
                    }
                    // Go decodes a lone surrogate as U+FFFD.
                    decoded = QChar::isSurrogate(*unit) ? QChar(QChar::ReplacementCharacter) : QChar(*unit);
                    break;
                }
                default:
                    return false;
                }
                if (out)
                    out->append(decoded);
            }
            return false;
        }

        bool digits()
        {
            const qsizetype start = m_i;
            while (m_i < m_s.size() && m_s[m_i] >= u'0' && m_s[m_i] <= u'9')
                ++m_i;
            return m_i > start;
        }

        bool number()
        {
            take(u'-');
            if (take(u'0')) {
            } else if (peek() >= u'1' && peek() <= u'9') {
                digits();
            } else {
                return false;
            }
            if (take(u'.') && !digits())
                return false;
            if (take(u'e') || take(u'E')) {
                if (!take(u'+'))
                    take(u'-');
                if (!digits())
                    return false;
            }
            return true;
        }

        bool literal(QLatin1String word)
        {
            if (m_s.sliced(m_i).startsWith(word)) {
                m_i += word.size();
                return true;
            }
            return false;
        }

        bool scalar()
        {
            const QChar c = peek();
            if (c == u'"')
                return string(nullptr);
            if (c == u't')
                return literal(QLatin1String("true"));
            if (c == u'f')
                return literal(QLatin1String("false"));
            if (c == u'n')
                return literal(QLatin1String("null"));
            return number();
        }

        bool key()
        {
            skipSpace();
            if (peek() != u'"' || !string(nullptr))
                return false;
            skipSpace();
            return take(u':');
        }

        // One value of any kind, nested containers on an explicit stack.
        bool skipValue()
        {
            QVarLengthArray<char, 64> open;
            for (;;) {
                // A value starts here.
                skipSpace();
                if (take(u'[')) {
                    skipSpace();
                    if (!take(u']')) {
                        if (open.size() + 1 >= maxJsonDepth)
                            return false;
                        open.append('[');
                        continue; // its first element
                    }
                } else if (take(u'{')) {
                    skipSpace();
                    if (!take(u'}')) {
                        if (open.size() + 1 >= maxJsonDepth || !key())
                            return false;
                        open.append('{');
                        continue; // its first member's value
                    }
                } else if (!scalar()) {
                    return false;
                }
                // A value ended: close the containers that end here, then go on after a comma.
                for (;;) {
                    if (open.isEmpty())
                        return true;
                    skipSpace();
                    if (take(u',')) {
                        if (open.back() == '{' && !key())
                            return false;
                        break;
                    }
                    if (take(open.back() == '[' ? u']' : u'}')) {
                        open.removeLast();
                        continue;
                    }
                    return false;
                }
            }
        }

        QStringView m_s;
        qsizetype m_i = 0;
    };

    // ---- Flags -------------------------------------------------------------------------------

    // extractBuilderFlags: the leading `--words`, quotes removed and backslashes (always the
    // backslash, whatever the escape directive says) escaping the next character; `--` alone
    // ends them. Returns the flag words and the rest of the line.
    std::pair<QStringList, QString> extractFlags(QStringView line)
    {
        enum { InSpaces, InWord, InQuote } phase = InSpaces;
        QStringList words;
        QString word;
        QChar quote;
        bool blankOk = false;
        const qsizetype n = line.size();
        for (qsizetype pos = 0; pos <= n; ++pos) {
            QChar ch = pos < n ? line[pos] : QChar();
            if (phase == InSpaces) {
                if (pos == n)
                    break;
                if (isSpace(ch))
                    continue;
                if (ch != u'-' || pos + 1 == n || line[pos + 1] != u'-')
                    return { words, line.sliced(pos).toString() };
                phase = InWord;
            }
            if (pos == n) {
                if (word != QLatin1String("--") && (blankOk || !word.isEmpty()))
                    words.append(word);
                break;
            }
            if (phase == InWord) {
                if (isSpace(ch)) {
                    phase = InSpaces;
                    if (word == QLatin1String("--"))
                        return { words, line.sliced(pos).toString() };
                    if (blankOk || !word.isEmpty())
                        words.append(word);
                    word.clear();
                    blankOk = false;
                    continue;
                }
                if (ch == u'\'' || ch == u'"') {
                    quote = ch;
                    blankOk = true;
                    phase = InQuote;
                    continue;
                }
                if (ch == u'\\') {
                    if (pos + 1 == n)
                        continue;
                    ch = line[++pos];
                }
                word += ch;
                continue;
            }
            if (ch == quote) {
                phase = InWord;
                continue;
            }
            if (ch == u'\\') {
                if (pos + 1 == n) {
                    phase = InWord;
                    continue;
                }
                ch = line[++pos];
            }
            word += ch;
        }
        return { words, QString() };
    }

    enum class FlagType { String, Strings, Bool };
    struct FlagSpec {
        QLatin1String name;
        FlagType type;
    };

    QList<FlagSpec> flagsOf(const QString &keyword)
    {
        using L = QLatin1String;
        if (keyword == L("FROM"))
            return { { L("platform"), FlagType::String } };
        if (keyword == L("COPY"))
            return { { L("from"), FlagType::String }, { L("chown"), FlagType::String }, { L("chmod"), FlagType::String },
                { L("link"), FlagType::Bool }, { L("parents"), FlagType::Bool }, { L("exclude"), FlagType::Strings } };
        if (keyword == L("ADD"))
            return { { L("chown"), FlagType::String }, { L("chmod"), FlagType::String }, { L("link"), FlagType::Bool },
                { L("checksum"), FlagType::String }, { L("keep-git-dir"), FlagType::Bool }, { L("exclude"), FlagType::Strings } };
        if (keyword == L("RUN"))
            return { { L("mount"), FlagType::Strings }, { L("network"), FlagType::String }, { L("security"), FlagType::String } };
        if (keyword == L("HEALTHCHECK"))
            return { { L("interval"), FlagType::String }, { L("timeout"), FlagType::String }, { L("start-period"), FlagType::String },
                { L("start-interval"), FlagType::String }, { L("retries"), FlagType::String } };
        return {};
    }

    // BFlags.Parse: each flag known to the instruction, a value where one is needed, booleans
    // true or false, no repeats except for the list flags (--mount, --exclude).
    Result<QList<DockerfileFlag>> parseFlags(const QString &keyword, const QStringList &words)
    {
        const QList<FlagSpec> specs = flagsOf(keyword);
        QList<DockerfileFlag> out;
        for (const QString &word : words) {
            DockerfileFlag f;
            const QString body = word.mid(2);
            const qsizetype eq = body.indexOf(u'=');
            f.name = eq < 0 ? body : body.left(eq);
            f.hasValue = eq >= 0;
            f.value = eq < 0 ? QString() : body.mid(eq + 1);
            const auto spec = std::find_if(specs.begin(), specs.end(), [&](const FlagSpec &s) { return f.name == s.name; });
            if (spec == specs.end())
                return fail(ErrorCode::InvalidInput, QStringLiteral("unknown flag: --%1 (%2 takes %3)").arg(f.name, keyword, specs.isEmpty() ? QStringLiteral("no flags") : [&] {
                    QStringList names;
                    for (const FlagSpec &s : specs)
                        names.append(QStringLiteral("--") + s.name);
                    return names.join(QStringLiteral(", "));
                }()));
            const bool repeated = std::any_of(out.begin(), out.end(), [&](const DockerfileFlag &o) { return o.name == f.name; });
            if (repeated && spec->type != FlagType::Strings)
                return fail(ErrorCode::InvalidInput, QStringLiteral("duplicate flag specified: --%1").arg(f.name));
            switch (spec->type) {
            case FlagType::Bool:
                if (f.hasValue && f.value.isEmpty())
                    return fail(ErrorCode::InvalidInput, QStringLiteral("missing a value on flag: --%1").arg(f.name));
                if (f.hasValue && f.value.compare(QLatin1String("true"), Qt::CaseInsensitive) != 0
                    && f.value.compare(QLatin1String("false"), Qt::CaseInsensitive) != 0)
                    return fail(ErrorCode::InvalidInput, QStringLiteral("expecting boolean value for flag --%1, not: %2").arg(f.name, f.value));
                break;
            case FlagType::String:
            case FlagType::Strings:
                if (!f.hasValue)
                    return fail(ErrorCode::InvalidInput, QStringLiteral("missing a value on flag: --%1").arg(f.name));
                break;
            }
            out.append(f);
        }
        return out;
    }

    // time.ParseDuration's grammar ("1m30s", "1.5h", "0"), and Docker's floor of 1ms for a
    // non-zero HEALTHCHECK interval.
    Status checkDuration(const QString &flag, const QString &text)
    {
        const auto invalid = [&] { return fail(ErrorCode::InvalidInput, QStringLiteral("invalid duration %1 for --%2").arg(quoted(text), flag)); };
        qsizetype i = 0;
        bool negative = false;
        if (i < text.size() && (text[i] == u'-' || text[i] == u'+'))
            negative = text[i++] == u'-';
        if (text.mid(i) == QLatin1String("0"))
            return {};
        if (i == text.size())
            return invalid();
        double total = 0;
        while (i < text.size()) {
            const qsizetype start = i;
            while (i < text.size() && (text[i].isDigit() && text[i].unicode() < 128))
                ++i;
            if (i < text.size() && text[i] == u'.') {
                ++i;
                while (i < text.size() && (text[i].isDigit() && text[i].unicode() < 128))
                    ++i;
            }
            const QString number = text.mid(start, i - start);
            if (number.isEmpty() || number == QLatin1String("."))
                return invalid();
            const qsizetype unitStart = i;
            while (i < text.size() && !(text[i].isDigit() && text[i].unicode() < 128) && text[i] != u'.')
                ++i;
            const QString unit = text.mid(unitStart, i - unitStart);
            double scale = 0;
            if (unit == QLatin1String("ns"))
                scale = 1;
            else if (unit == QLatin1String("us") || unit == QStringView(u"\u00b5s") || unit == QStringView(u"\u03bcs"))
                scale = 1e3;
            else if (unit == QLatin1String("ms"))
                scale = 1e6;
            else if (unit == QLatin1String("s"))
                scale = 1e9;
            else if (unit == QLatin1String("m"))
                scale = 60e9;
            else if (unit == QLatin1String("h"))
                scale = 3600e9;
            else
                return invalid();
            total += number.toDouble() * scale;
        }
        if (total > 9.2e18)
            return invalid();
        if (total != 0 && (negative || total < 1e6))
            return fail(ErrorCode::InvalidInput, QStringLiteral("Interval \"%1\" cannot be less than 1ms").arg(flag));
        return {};
    }

    // ---- Word splitting of the parser ---------------------------------------------------------

    // parseWords: split on white space outside quotes, quotes and escapes kept for the expander
    // (ENV, LABEL, ARG).
    QStringList parseWords(QStringView rest, QChar escape)
    {
        enum { InSpaces, InWord, InQuote } phase = InSpaces;
        QStringList words;
        QString word;
        QChar quote;
        bool blankOk = false;
        const qsizetype n = rest.size();
        for (qsizetype pos = 0; pos <= n; ++pos) {
            QChar ch = pos < n ? rest[pos] : QChar();
            if (phase == InSpaces) {
                if (pos == n)
                    break;
                if (isSpace(ch))
                    continue;
                phase = InWord;
            }
            if (pos == n) {
                if (blankOk || !word.isEmpty())
                    words.append(word);
                break;
            }
            if (phase == InWord) {
                if (isSpace(ch)) {
                    phase = InSpaces;
                    if (blankOk || !word.isEmpty())
                        words.append(word);
                    word.clear();
                    blankOk = false;
                    continue;
                }
                if (ch == u'\'' || ch == u'"') {
                    quote = ch;
                    blankOk = true;
                    phase = InQuote;
                }
                if (ch == escape) {
                    if (pos + 1 == n)
                        continue; // an escape at the very end is dropped
                    // Outside quotes the escape and the character after it stay together, even
                    // when that character is a quote.
                    word += ch;
                    ch = rest[++pos];
                }
                word += ch;
                continue;
            }
            if (ch == quote)
                phase = InWord;
            // Nothing escapes inside single quotes.
            if (ch == escape && quote != u'\'') {
                if (pos + 1 == n) {
                    phase = InWord;
                    continue;
                }
                word += ch;
                ch = rest[++pos];
            }
            word += ch;
        }
        return words;
    }

    // ---- Heredocs ------------------------------------------------------------------------------

    struct HeredocWord {
        QString name;
        bool chomp = false;
        bool quoted = false;
    };

    // A `<<EOF`, `<<-EOF`, `2<<"EOF"` word (reHeredoc, then the delimiter with its quotes
    // removed; any quoting means no expansion). The escape is always the backslash here, as in
    // buildkit's heredoc detection.
    std::optional<HeredocWord> heredocWord(QStringView word)
    {
        qsizetype i = 0;
        while (i < word.size() && word[i] >= u'0' && word[i] <= u'9')
            ++i;
        if (!word.sliced(i).startsWith(QLatin1String("<<")))
            return std::nullopt;
        i += 2;
        HeredocWord h;
        if (i < word.size() && word[i] == u'-') {
            h.chomp = true;
            ++i;
        }
        const QStringView rest = word.sliced(i);
        if (rest.isEmpty() || rest.contains(u'<'))
            return std::nullopt;
        for (qsizetype k = 0; k < rest.size(); ++k) {
            const QChar c = rest[k];
            if (c == u'\'') {
                const qsizetype close = rest.indexOf(u'\'', k + 1);
                if (close < 0)
                    return std::nullopt;
                h.name += rest.sliced(k + 1, close - k - 1);
                h.quoted = true;
                k = close;
            } else if (c == u'"') {
                h.quoted = true;
                qsizetype j = k + 1;
                for (; j < rest.size() && rest[j] != u'"'; ++j) {
                    if (rest[j] == u'\\' && j + 1 < rest.size() && (rest[j + 1] == u'"' || rest[j + 1] == u'$' || rest[j + 1] == u'\\'))
                        ++j;
                    h.name += rest[j];
                }
                if (j == rest.size())
                    return std::nullopt;
                k = j;
            } else if (c == u'\\') {
                if (k + 1 < rest.size())
                    h.name += rest[++k];
            } else if (isSpace(c)) {
                return std::nullopt; // more than one word: not a heredoc
            } else {
                h.name += c;
            }
        }
        if (h.name.isEmpty())
            return std::nullopt;
        return h;
    }

    // The line's words for heredoc detection: split on white space outside quotes, everything
    // kept raw. An unterminated quote gives no words, as the lexer's error does in buildkit.
    QStringList rawWords(QStringView line)
    {
        QStringList out;
        QString word;
        for (qsizetype i = 0; i < line.size(); ++i) {
            const QChar c = line[i];
            if (c == u'\'' || c == u'"') {
                qsizetype j = i + 1;
                while (j < line.size() && line[j] != c) {
                    if (c == u'"' && line[j] == u'\\')
                        ++j;
                    ++j;
                }
                if (j >= line.size())
                    return {};
                word += line.sliced(i, j - i + 1);
                i = j;
            } else if (c == u'\\') {
                word += c;
                if (i + 1 < line.size())
                    word += line[++i];
            } else if (isSpace(c)) {
                if (!word.isEmpty())
                    out.append(std::exchange(word, QString()));
            } else {
                word += c;
            }
        }
        if (!word.isEmpty())
            out.append(word);
        return out;
    }

    bool mayHaveHeredocs(const QString &keyword, bool json)
    {
        return !json && (keyword == QLatin1String("RUN") || keyword == QLatin1String("COPY") || keyword == QLatin1String("ADD"));
    }

    // ---- The line reader ------------------------------------------------------------------------

    class LineReader {
    public:
        explicit LineReader(QByteArrayView text)
            : m_text(text)
        {
        }
        bool atEnd() const { return m_pos >= m_text.size(); }
        // The next line decoded, with its line ending; its size in bytes in `bytes`.
        QString next(qsizetype *bytes)
        {
            qsizetype end = m_text.indexOf('\n', m_pos);
            end = end < 0 ? m_text.size() : end + 1;
            const QByteArrayView line = m_text.sliced(m_pos, end - m_pos);
            m_pos = end;
            ++m_line;
            *bytes = line.size();
            // The caller refuses a line this long: no need to decode it.
            if (line.size() > maxInstructionBytes)
                return QString();
            return QString::fromUtf8(line);
        }
        int line() const { return m_line; } // of the line last read, 1-based

    private:
        QByteArrayView m_text;
        qsizetype m_pos = 0;
        int m_line = 0;
    };

    // ---- The parser -------------------------------------------------------------------------------

    class Parser {
    public:
        Parser(const QString &fileName, QChar escape, int lineOffset, bool directives)
            : m_fileName(fileName)
            , m_escape(escape)
            , m_lineOffset(lineOffset)
            , m_directivesDone(!directives)
        {
        }

        Result<QList<DockerfileInstruction>> run(QByteArrayView text);
        QChar escape() const { return m_escape; }
        const QString &syntax() const { return m_syntax; }

        Error error(int line, const QString &cause) const
        {
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1:%2: %3").arg(m_fileName, QString::number(line + m_lineOffset), cause));
        }

        Result<DockerfileInstruction> parseLine(const QString &line, int lineNo, bool nested);

    private:
        Status directive(QStringView token, int lineNo);
        // The escape at the end of a line, white space after it allowed, and not itself escaped.
        bool continues(QString &line) const;
        Status shape(DockerfileInstruction &ins, const QString &rest, int lineNo, bool nested);
        Status readHeredocs(LineReader &reader, DockerfileInstruction &ins, const QString &line, int startLine, qsizetype &bytes);

        QString m_fileName;
        QChar m_escape;
        int m_lineOffset;
        bool m_directivesDone;
        QStringList m_seenDirectives;
        QString m_syntax;
    };

    Status Parser::directive(QStringView token, int lineNo)
    {
        if (m_directivesDone)
            return {};
        const auto d = matchDirective(token);
        // `check` is buildkit's third directive (skip lint checks): known, so that it neither
        // ends the directives nor may be repeated; Strata has no linter to configure.
        if (!d || (d->key != QLatin1String("escape") && d->key != QLatin1String("syntax") && d->key != QLatin1String("check"))) {
            m_directivesDone = true;
            return {};
        }
        if (m_seenDirectives.contains(d->key))
            return error(lineNo, QStringLiteral("only one %1 parser directive can be used").arg(d->key));
        m_seenDirectives.append(d->key);
        if (d->key == QLatin1String("escape")) {
            if (d->value != QLatin1String("\\") && d->value != QLatin1String("`"))
                return error(lineNo, QStringLiteral("invalid escape token '%1' does not match ` or \\").arg(d->value));
            m_escape = d->value.front();
        } else if (d->key == QLatin1String("syntax")) {
            m_syntax = d->value;
        }
        return {};
    }

    bool Parser::continues(QString &line) const
    {
        qsizetype end = line.size();
        while (end > 0 && (line[end - 1] == u' ' || line[end - 1] == u'\t'))
            --end;
        if (end == 0 || line[end - 1] != m_escape)
            return false;
        // buildkit's regular expression: the escape alone on the line, or after a character that
        // is not the escape ("a \\" ends in an escaped escape, not a continuation).
        if (end >= 2 && line[end - 2] == m_escape)
            return false;
        line.truncate(end - 1);
        return true;
    }

    Result<QList<DockerfileInstruction>> Parser::run(QByteArrayView text)
    {
        QList<DockerfileInstruction> out;
        LineReader reader(text);
        while (!reader.atEnd()) {
            qsizetype bytes = 0;
            const QString raw = reader.next(&bytes);
            const int startLine = reader.line();
            if (bytes > maxInstructionBytes)
                return error(startLine, QStringLiteral("instruction is over the limit of 1 MiB"));
            const QStringView token = trimLeadingSpace(trimNewline(raw));
            STRATA_TRY(directive(token, startLine));
            QString line = token.startsWith(u'#') ? QString() : token.toString();
            bool more = continues(line);
            if (!more && line.isEmpty())
                continue;
            while (more && !reader.atEnd()) {
                qsizetype lineBytes = 0;
                const QString next = reader.next(&lineBytes);
                bytes += lineBytes;
                if (bytes > maxInstructionBytes)
                    return error(startLine, QStringLiteral("instruction is over the limit of 1 MiB"));
                // Unlike the first line, a continuation line keeps its leading white space.
                QString part = trimNewline(next).toString();
                const QStringView lead = trimLeadingSpace(part);
                // Comment lines and empty lines inside an instruction are dropped, and the
                // instruction goes on.
                if (lead.startsWith(u'#') || lead.isEmpty())
                    continue;
                more = continues(part);
                line += part;
            }
            auto parsed = parseLine(line, startLine, false);
            if (!parsed)
                return parsed.takeError();
            DockerfileInstruction ins = std::move(parsed).value();
            STRATA_TRY(readHeredocs(reader, ins, line, startLine, bytes));
            out.append(std::move(ins));
        }
        return out;
    }

    Status Parser::readHeredocs(LineReader &reader, DockerfileInstruction &ins, const QString &line, int startLine, qsizetype &bytes)
    {
        QString keyword = ins.keyword;
        bool json = ins.json;
        if (keyword == QLatin1String("ONBUILD") && !ins.args.isEmpty()) {
            // The trigger's own shape decides, as buildkit's canContainHeredoc does.
            auto trigger = parseLine(ins.args.front(), startLine, true);
            if (trigger) {
                keyword = trigger->keyword;
                json = trigger->json;
            }
        }
        if (!mayHaveHeredocs(keyword, json) || !line.contains(QLatin1String("<<")))
            return {};
        for (const QString &word : rawWords(line)) {
            const auto h = heredocWord(word);
            if (!h)
                continue;
            DockerfileHeredoc doc;
            doc.name = h->name;
            doc.expand = !h->quoted;
            bool terminated = false;
            while (!reader.atEnd()) {
                qsizetype lineBytes = 0;
                const QString raw = reader.next(&lineBytes);
                bytes += lineBytes;
                if (bytes > maxInstructionBytes)
                    return error(startLine, QStringLiteral("instruction is over the limit of 1 MiB"));
                QStringView body = raw;
                if (h->chomp) {
                    while (body.startsWith(u'\t'))
                        body = body.sliced(1);
                }
                if (trimNewline(body) == doc.name) {
                    terminated = true;
                    break;
                }
                doc.content += body;
            }
            if (!terminated)
                return error(startLine, QStringLiteral("unterminated heredoc %1").arg(doc.name));
            ins.heredocs.append(doc);
        }
        return {};
    }

    const QStringList &keywords()
    {
        static const QStringList list = {
            QStringLiteral("ADD"),
            QStringLiteral("ARG"),
            QStringLiteral("CMD"),
            QStringLiteral("COPY"),
            QStringLiteral("ENTRYPOINT"),
            QStringLiteral("ENV"),
            QStringLiteral("EXPOSE"),
            QStringLiteral("FROM"),
            QStringLiteral("HEALTHCHECK"),
            QStringLiteral("LABEL"),
            QStringLiteral("MAINTAINER"),
            QStringLiteral("ONBUILD"),
            QStringLiteral("RUN"),
            QStringLiteral("SHELL"),
            QStringLiteral("STOPSIGNAL"),
            QStringLiteral("USER"),
            QStringLiteral("VOLUME"),
            QStringLiteral("WORKDIR"),
        };
        return list;
    }

    Result<DockerfileInstruction> Parser::parseLine(const QString &line, int lineNo, bool nested)
    {
        // splitCommand: the keyword, then the flags, then the arguments, trimmed.
        const QStringView trimmed = QStringView(line).trimmed();
        auto [command, afterCommand] = splitFirstBlank(trimmed);
        if (command.isEmpty())
            return error(lineNo, QStringLiteral("empty instruction"));
        DockerfileInstruction ins;
        ins.line = lineNo + m_lineOffset;
        ins.text = line;
        ins.keyword = command.toUpper();
        if (!keywords().contains(ins.keyword))
            return error(lineNo, QStringLiteral("unknown instruction: %1").arg(command));
        auto [flagWords, rest] = extractFlags(afterCommand);
        rest = QStringView(rest).trimmed().toString();
        auto flags = parseFlags(ins.keyword, flagWords);
        if (!flags)
            return error(lineNo, flags.error());
        ins.flags = std::move(flags).value();
        STRATA_TRY(shape(ins, rest, lineNo, nested));
        return ins;
    }

    Status Parser::shape(DockerfileInstruction &ins, const QString &rest, int lineNo, bool nested)
    {
        using L = QLatin1String;
        const QString &k = ins.keyword;
        const auto bad = [&](const QString &cause) { return error(lineNo, cause); };
        const auto atLeastOne = [&] { return bad(QStringLiteral("%1 requires at least one argument").arg(k)); };
        const auto exactlyOne = [&] { return bad(QStringLiteral("%1 requires exactly one argument").arg(k)); };
        const QString notStrings = QStringLiteral("when using JSON array syntax, arrays must be comprised of strings only");

        // parseMaybeJSON: JSON if the text is a JSON array of strings, an error if it is a JSON
        // array of something else, the shell form otherwise.
        const auto maybeJson = [&](const QString &text) -> Status {
            if (text.isEmpty())
                return {};
            if (trimLeadingSpace(text).startsWith(u'[')) {
                QStringList strings;
                switch (JsonReader(text).stringArray(strings)) {
                case JsonArray::Strings:
                    ins.args.append(strings);
                    ins.json = true;
                    return {};
                case JsonArray::NotStrings:
                    return bad(notStrings);
                case JsonArray::Invalid:
                    break;
                }
            }
            ins.args.append(text);
            return {};
        };
        // parseMaybeJSONToList: the same, but the shell form is split on white space.
        const auto maybeJsonList = [&]() -> Status {
            if (trimLeadingSpace(rest).startsWith(u'[')) {
                QStringList strings;
                switch (JsonReader(rest).stringArray(strings)) {
                case JsonArray::Strings:
                    ins.args = strings;
                    ins.json = true;
                    return {};
                case JsonArray::NotStrings:
                    return bad(notStrings);
                case JsonArray::Invalid:
                    break;
                }
            }
            ins.args = splitBlank(rest);
            return {};
        };
        // parseNameVal: `key value...` (legacy: one pair, the value the rest of the line) or
        // `key=value ...`.
        const auto nameVal = [&]() -> Status {
            const QStringList words = parseWords(rest, m_escape);
            if (words.isEmpty())
                return atLeastOne();
            if (!words.front().contains(u'=')) {
                auto [key, value] = splitFirstBlank(rest);
                if (value.isEmpty())
                    return bad(QStringLiteral("%1 must have two arguments").arg(k));
                ins.args = { key, value };
            } else {
                for (const QString &word : words) {
                    const qsizetype eq = word.indexOf(u'=');
                    if (eq < 0)
                        return bad(QStringLiteral("Syntax error - can't find = in %1. Must be of the form: name=value").arg(quoted(word)));
                    ins.args.append(word.left(eq));
                    ins.args.append(word.mid(eq + 1));
                }
            }
            for (qsizetype i = 0; i < ins.args.size(); i += 2) {
                if (ins.args[i].isEmpty())
                    return bad(QStringLiteral("%1 names can not be blank").arg(k));
            }
            return {};
        };

        if (k == L("RUN") || k == L("CMD") || k == L("ENTRYPOINT")) {
            // Docker accepts these without a command (an empty CMD resets it).
            return maybeJson(rest);
        }
        if (k == L("SHELL")) {
            STRATA_TRY(maybeJson(rest));
            if (!ins.json && !ins.args.isEmpty())
                return bad(QStringLiteral("SHELL requires the arguments to be in JSON form"));
            if (ins.args.isEmpty())
                return atLeastOne();
            return {};
        }
        if (k == L("ENV") || k == L("LABEL"))
            return nameVal();
        if (k == L("ARG")) {
            ins.args = parseWords(rest, m_escape);
            if (ins.args.isEmpty())
                return atLeastOne();
            for (const QString &arg : std::as_const(ins.args)) {
                if (arg.startsWith(u'='))
                    return bad(QStringLiteral("ARG names can not be blank"));
            }
            return {};
        }
        if (k == L("FROM")) {
            ins.args = splitBlank(rest);
            const qsizetype n = ins.args.size();
            if (n != 1 && !(n == 3 && ins.args[1].compare(L("as"), Qt::CaseInsensitive) == 0))
                return bad(QStringLiteral("FROM requires either one or three arguments"));
            if (n == 3) {
                const QString name = ins.args[2].toLower();
                bool valid = name.front() >= u'a' && name.front() <= u'z';
                for (const QChar c : name) {
                    const bool ok = (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') || c == u'-' || c == u'_' || c == u'.';
                    valid = valid && ok;
                }
                if (!valid)
                    return bad(QStringLiteral("invalid name for build stage: %1, name can't start with a number or contain symbols").arg(quoted(ins.args[2])));
            }
            return {};
        }
        if (k == L("EXPOSE")) {
            ins.args = splitBlank(rest);
            return ins.args.isEmpty() ? Status(atLeastOne()) : Status();
        }
        if (k == L("COPY") || k == L("ADD")) {
            STRATA_TRY(maybeJsonList());
            if (ins.args.size() < 2)
                return bad(QStringLiteral("%1 requires at least two arguments, but only one was provided. Destination could not be determined").arg(k));
            if (heredocWord(ins.args.back()))
                return bad(QStringLiteral("%1 cannot accept a heredoc as a destination").arg(k));
            return {};
        }
        if (k == L("VOLUME")) {
            STRATA_TRY(maybeJsonList());
            if (ins.args.isEmpty())
                return atLeastOne();
            for (const QString &v : std::as_const(ins.args)) {
                if (v.trimmed().isEmpty())
                    return bad(QStringLiteral("VOLUME specified can not be an empty string"));
            }
            return {};
        }
        if (k == L("WORKDIR") || k == L("USER") || k == L("STOPSIGNAL") || k == L("MAINTAINER")) {
            if (rest.isEmpty())
                return exactlyOne();
            ins.args = { rest };
            return {};
        }
        if (k == L("HEALTHCHECK")) {
            // parseHealthConfig: the type word, then the command as for RUN.
            qsizetype sep = 0;
            while (sep < rest.size() && !isSpace(rest[sep]))
                ++sep;
            if (sep == 0)
                return atLeastOne();
            const QString type = rest.left(sep).toUpper();
            ins.args = { type };
            STRATA_TRY(maybeJson(trimLeadingSpace(QStringView(rest).sliced(sep)).toString()));
            if (type == L("NONE")) {
                if (ins.args.size() > 1)
                    return bad(QStringLiteral("HEALTHCHECK NONE takes no arguments"));
                // Docker ignores them; they can only be a mistake.
                if (!ins.flags.isEmpty())
                    return bad(QStringLiteral("HEALTHCHECK NONE takes no flags"));
                return {};
            }
            if (type != L("CMD"))
                return bad(QStringLiteral("Unknown type %1 in HEALTHCHECK (try CMD)").arg(quoted(type)));
            if (ins.args.size() < 2)
                return bad(QStringLiteral("Missing command after HEALTHCHECK CMD"));
            for (const DockerfileFlag &f : std::as_const(ins.flags)) {
                if (f.name == L("retries")) {
                    bool ok = false;
                    const qlonglong retries = f.value.toLongLong(&ok);
                    if (!ok || retries > std::numeric_limits<qint32>::max() || retries < std::numeric_limits<qint32>::min())
                        return bad(QStringLiteral("invalid value %1 for --retries").arg(quoted(f.value)));
                    if (retries < 0)
                        return bad(QStringLiteral("--retries cannot be negative (%1)").arg(retries));
                } else if (!f.value.isEmpty()) {
                    const Status d = checkDuration(f.name, f.value);
                    if (!d)
                        return bad(d.error());
                }
            }
            return {};
        }
        if (k == L("ONBUILD")) {
            if (rest.isEmpty())
                return atLeastOne();
            const QString upper = splitFirstBlank(rest).first.toUpper();
            if (upper == L("ONBUILD"))
                return bad(QStringLiteral("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"));
            if (upper == L("FROM") || upper == L("MAINTAINER"))
                return bad(QStringLiteral("%1 isn't allowed as an ONBUILD trigger").arg(upper));
            if (nested)
                return bad(QStringLiteral("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"));
            auto parsed = parseLine(rest, lineNo, true);
            if (!parsed)
                return parsed.takeError();
            ins.args = { rest };
            return {};
        }
        return bad(QStringLiteral("unknown instruction: %1").arg(k));
    }

    // ---- The shell lexer --------------------------------------------------------------------------

    // The words being built by ProcessWords: expanded text splits on white space, quoted and
    // escaped text does not. An empty quoted string alone makes no word, as in buildkit.
    struct Words {
        QStringList list;
        QString word;
        bool inWord = false;

        void addChar(QChar c)
        {
            if (isSpace(c) && inWord) {
                if (!word.isEmpty()) {
                    list.append(std::exchange(word, QString()));
                    inWord = false;
                }
            } else if (!isSpace(c)) {
                addRawChar(c);
            }
        }
        void addRawChar(QChar c)
        {
            word += c;
            inWord = true;
        }
        void addString(QStringView s)
        {
            for (const QChar c : s)
                addChar(c);
        }
        void addRawString(QStringView s)
        {
            word += s;
            inWord = true;
        }
        QStringList take()
        {
            if (!word.isEmpty())
                list.append(std::exchange(word, QString()));
            return list;
        }
    };

    class Lexer {
    public:
        Lexer(QStringView source, QChar escape, const WordExpander::Lookup &lookup)
            : m_s(source)
            , m_escape(escape.unicode())
            , m_lookup(lookup)
        {
        }

        Status process(QString &result, Words *words) { return stopOn(-1, result, words, 0); }

    private:
        int peek() const { return m_i < m_s.size() ? m_s[m_i].unicode() : -1; }
        int next() { return m_i < m_s.size() ? m_s[m_i++].unicode() : -1; }
        static Error err(const QString &cause) { return fail(ErrorCode::InvalidInput, cause); }

        QString value(const QString &name, bool *set = nullptr) const
        {
            const std::optional<QString> v = m_lookup ? m_lookup(name) : std::nullopt;
            if (set)
                *set = v.has_value();
            return v.value_or(QString());
        }

        Status stopOn(int stop, QString &result, Words *words, int depth)
        {
            while (peek() != -1) {
                const int ch = peek();
                if (stop != -1 && ch == stop) {
                    next();
                    return {};
                }
                if (ch == u'\'' || ch == u'"' || ch == u'$') {
                    auto part = ch == u'\'' ? singleQuote() : ch == u'"' ? doubleQuote(depth) : dollar(depth);
                    if (!part)
                        return part.takeError();
                    result += part.value();
                    if (words) {
                        if (ch == u'$')
                            words->addString(part.value());
                        else
                            words->addRawString(part.value());
                    }
                    continue;
                }
                int c = next();
                if (c == m_escape) {
                    c = next();
                    if (c == -1)
                        break; // an escape at the end is dropped
                    if (words)
                        words->addRawChar(QChar(c));
                } else if (words) {
                    words->addChar(QChar(c));
                }
                result += QChar(c);
            }
            if (stop != -1)
                return err(QStringLiteral("unexpected end of statement while looking for matching %1").arg(QChar(stop)));
            return {};
        }

        Result<QString> singleQuote()
        {
            next();
            QString out;
            for (;;) {
                const int c = next();
                if (c == -1)
                    return err(QStringLiteral("unexpected end of statement while looking for matching single-quote"));
                if (c == u'\'')
                    return out;
                out += QChar(c);
            }
        }

        Result<QString> doubleQuote(int depth)
        {
            next();
            QString out;
            for (;;) {
                const int p = peek();
                if (p == -1)
                    return err(QStringLiteral("unexpected end of statement while looking for matching double-quote"));
                if (p == u'"') {
                    next();
                    return out;
                }
                if (p == u'$') {
                    auto v = dollar(depth);
                    if (!v)
                        return v.takeError();
                    out += v.value();
                    continue;
                }
                int c = next();
                if (c == m_escape) {
                    const int after = peek();
                    if (after == -1)
                        continue;
                    // Inside double quotes the escape only escapes these; before anything else
                    // it is an ordinary character.
                    if (after == u'"' || after == u'$' || after == m_escape)
                        c = next();
                }
                out += QChar(c);
            }
        }

        static bool isSpecialParameter(int c)
        {
            return c == u'@' || c == u'*' || c == u'#' || c == u'?' || c == u'-' || c == u'$' || c == u'!' || c == u'0';
        }

        QString name()
        {
            QString out;
            while (peek() != -1) {
                const QChar c(peek());
                if (out.isEmpty() && c.isDigit()) {
                    while (peek() != -1 && QChar(peek()).isDigit())
                        out += QChar(next());
                    return out;
                }
                if (out.isEmpty() && isSpecialParameter(c.unicode())) {
                    next();
                    return QString(c);
                }
                if (!c.isLetter() && !c.isDigit() && c != u'_')
                    break;
                out += QChar(next());
            }
            return out;
        }

        Result<QString> dollar(int depth)
        {
            next();
            if (peek() != u'{') {
                const QString n = name();
                if (n.isEmpty())
                    return QStringLiteral("$");
                return value(n);
            }
            if (depth >= maxSubstitutionDepth)
                return err(QStringLiteral("substitutions nested more than %1 deep").arg(maxSubstitutionDepth));
            next();
            const int first = peek();
            if (first == -1)
                return err(QStringLiteral("syntax error: missing '}'"));
            if (first == u'{' || first == u'}' || first == u':')
                return err(QStringLiteral("syntax error: bad substitution"));
            const QString n = name();
            int ch = next();
            if (ch == u'}')
                return value(n);
            if (ch == -1)
                return err(QStringLiteral("syntax error: missing '}'"));
            QString modifier(QChar { char16_t(ch) });
            bool nullIsUnset = false;
            if (ch == u':') {
                nullIsUnset = true;
                ch = next();
                if (ch == -1)
                    return err(QStringLiteral("syntax error: missing '}'"));
                modifier += QChar(ch);
            }
            if (ch != u'-' && ch != u'+' && ch != u'?')
                // ${VAR#pattern}, ${VAR%pattern} and ${VAR/pattern/replacement} are newer
                // buildkit syntax; their shell patterns are not supported here.
                return err(QStringLiteral("unsupported modifier (%1) in substitution").arg(modifier));
            QString word;
            const Status st = stopOn(u'}', word, nullptr, depth + 1);
            if (!st) {
                if (peek() == -1)
                    return err(QStringLiteral("syntax error: missing '}'"));
                return st.takeError();
            }
            bool set = false;
            const QString v = value(n, &set);
            const bool missing = !set || (nullIsUnset && v.isEmpty());
            switch (ch) {
            case u'-':
                return missing ? word : v;
            case u'+':
                return missing ? QString() : word;
            default: // '?'
                if (!set)
                    return err(QStringLiteral("%1: %2").arg(n, word.isEmpty() ? QStringLiteral("is not allowed to be unset") : word));
                if (missing)
                    return err(QStringLiteral("%1: %2").arg(n, word.isEmpty() ? QStringLiteral("is not allowed to be empty") : word));
                return v;
            }
        }

        QStringView m_s;
        qsizetype m_i = 0;
        int m_escape;
        const WordExpander::Lookup &m_lookup;
    };

} // namespace

std::optional<QString> DockerfileInstruction::flag(const QString &name) const
{
    // The first occurrence: only the list flags (--mount, --exclude) may repeat, and their
    // callers walk `flags`. A flag given without a value (`--link`) yields an empty string.
    for (const DockerfileFlag &f : flags) {
        if (f.name == name)
            return f.value;
    }
    return std::nullopt;
}

Result<Dockerfile> Dockerfile::parse(QByteArrayView text, const QString &fileName)
{
    if (text.size() > maxFileBytes)
        return fail(ErrorCode::InvalidInput, QStringLiteral("%1: the file is %2 bytes, over the limit of 16 MiB").arg(fileName, QString::number(text.size())));
    if (text.startsWith("\xEF\xBB\xBF"))
        text = text.sliced(3);
    Parser parser(fileName, u'\\', 0, true);
    auto instructions = parser.run(text);
    if (!instructions)
        return instructions.takeError();
    if (instructions->isEmpty())
        return fail(ErrorCode::InvalidInput, QStringLiteral("%1: file with no instructions").arg(fileName));
    // instructions.Parse: only ARGs may come before the first FROM.
    for (const DockerfileInstruction &ins : std::as_const(instructions.value())) {
        if (ins.keyword == QLatin1String("FROM"))
            break;
        if (ins.keyword != QLatin1String("ARG"))
            return parser.error(ins.line, QStringLiteral("no build stage in current context (%1 before the first FROM)").arg(ins.keyword));
    }
    Dockerfile df;
    df.fileName = fileName;
    df.escape = parser.escape();
    df.syntax = parser.syntax();
    df.instructions = std::move(instructions).value();
    return df;
}

Result<DockerfileInstruction> Dockerfile::parseInstruction(const QString &text, QChar escape, const QString &fileName, int line)
{
    // The same reader as a file, so a trigger stored with its heredocs ("RUN <<EOF\n...\nEOF")
    // parses whole; no parser directives in a single instruction.
    const QByteArray bytes = text.toUtf8();
    if (bytes.size() > maxInstructionBytes)
        return fail(ErrorCode::InvalidInput, QStringLiteral("%1:%2: instruction is over the limit of 1 MiB").arg(fileName, QString::number(line)));
    Parser parser(fileName, escape == u'`' ? escape : QChar(u'\\'), line - 1, false);
    auto instructions = parser.run(bytes);
    if (!instructions)
        return instructions.takeError();
    if (instructions->size() != 1)
        return parser.error(1, instructions->isEmpty() ? QStringLiteral("empty instruction") : QStringLiteral("more than one instruction"));
    return instructions->front();
}

WordExpander::WordExpander(QChar escape, Lookup lookup)
    : m_escape(escape)
    , m_lookup(std::move(lookup))
{
}

Result<QString> WordExpander::word(const QString &raw) const
{
    QString result;
    const Status st = Lexer(raw, m_escape, m_lookup).process(result, nullptr);
    if (!st)
        return fail(st.takeError(), QStringLiteral("failed to process %1: ").arg(quoted(raw)));
    return result;
}

Result<QStringList> WordExpander::words(const QString &raw) const
{
    QString result;
    Words words;
    const Status st = Lexer(raw, m_escape, m_lookup).process(result, &words);
    if (!st)
        return fail(st.takeError(), QStringLiteral("failed to process %1: ").arg(quoted(raw)));
    return words.take();
}

} // namespace strata
