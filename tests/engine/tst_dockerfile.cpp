// The Dockerfile parser and the word expander against Docker's behaviour (moby/buildkit's
// parser, instructions and shell lexer): every instruction's argument shape, JSON and shell
// forms, flags, continuations, parser directives, heredocs, the errors with their lines, the
// substitutions, and hostile input (size limits, deep nesting, a large file).
#include "dockerfile.h"

#include <QElapsedTimer>
#include <QTest>

using namespace strata;
using namespace Qt::StringLiterals;

namespace {

Result<Dockerfile> parse(const QByteArray &text, const QString &fileName = u"Dockerfile"_s)
{
    return Dockerfile::parse(text, fileName);
}

// "name=value" for a flag with a value, "name" for one without.
QStringList flagStrings(const DockerfileInstruction &ins)
{
    QStringList out;
    for (const DockerfileFlag &f : ins.flags)
        out.append(f.hasValue ? f.name + u'=' + f.value : f.name);
    return out;
}

QList<int> lines(const Dockerfile &df)
{
    QList<int> out;
    for (const DockerfileInstruction &ins : df.instructions)
        out.append(ins.line);
    return out;
}

std::optional<QString> lookup(const QString &name)
{
    static const QHash<QString, QString> env = {
        { u"A"_s, u"a"_s },
        { u"EMPTY"_s, QString() },
        { u"SP"_s, u"x  y"_s },
        { u"Q"_s, u"\"q\""_s },
    };
    const auto it = env.find(name);
    if (it == env.end())
        return std::nullopt;
    return *it;
}

} // namespace

class TestDockerfile : public QObject {
    Q_OBJECT

private slots:
    void shapes_data();
    void shapes();
    void flags_data();
    void flags();
    void flagLookup();
    void directives_data();
    void directives();
    void lineNumbers_data();
    void lineNumbers();
    void heredocs_data();
    void heredocs();
    void errors_data();
    void errors();
    void fileNameInMessages();
    void parseInstruction();
    void onbuildTriggerParsesAgain();
    void expander_data();
    void expander();
    void expanderNestingIsBounded();
    void manyInstructions();
    void fileOverLimit();
    void fileAtLimit();
    void instructionOverLimit_data();
    void instructionOverLimit();
    void deepJsonFallsBack();
};

void TestDockerfile::shapes_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("index");
    QTest::addColumn<QString>("keyword");
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<bool>("json");

    const auto row = [](const char *name, const QByteArray &text, int count, int index, const QString &keyword, const QStringList &args, bool json = false) {
        QTest::newRow(name) << text << count << index << keyword << args << json;
    };
    // FROM: whitespace-split words, quotes untouched.
    row("from", "FROM alpine", 1, 0, u"FROM"_s, { u"alpine"_s });
    row("from as", "FROM alpine:3.19 AS build", 1, 0, u"FROM"_s, { u"alpine:3.19"_s, u"AS"_s, u"build"_s });
    row("from lower case", "from alpine as Build", 1, 0, u"FROM"_s, { u"alpine"_s, u"as"_s, u"Build"_s });
    row("from quotes kept", "FROM \"alpine\"", 1, 0, u"FROM"_s, { u"\"alpine\""_s });
    row("from with arg", "ARG V=1\nFROM a:$V", 2, 1, u"FROM"_s, { u"a:$V"_s });
    // RUN, CMD, ENTRYPOINT: JSON, or the shell form as one string.
    row("run shell", "FROM a\nRUN echo hi  there", 2, 1, u"RUN"_s, { u"echo hi  there"_s });
    row("run json", "FROM a\nRUN [\"echo\", \"hi\"]", 2, 1, u"RUN"_s, { u"echo"_s, u"hi"_s }, true);
    row("run json escapes", "FROM a\nRUN [ \"a\\\"b\" , \"\\u00e9\\n\", \"\\/\" ]", 2, 1, u"RUN"_s, { u"a\"b"_s, u"\u00e9\n"_s, u"/"_s }, true);
    row("run json surrogate pair", "FROM a\nRUN [\"\\ud83d\\ude00\"]", 2, 1, u"RUN"_s, { u"\U0001F600"_s }, true);
    row("run json not json falls back", "FROM a\nRUN [echo, hi]", 2, 1, u"RUN"_s, { u"[echo, hi]"_s });
    row("cmd single quotes fall back", "FROM a\nCMD ['a']", 2, 1, u"CMD"_s, { u"['a']"_s });
    row("run json trailing text falls back", "FROM a\nRUN [\"a\"] x", 2, 1, u"RUN"_s, { u"[\"a\"] x"_s });
    row("run json trailing comma falls back", "FROM a\nRUN [\"a\",]", 2, 1, u"RUN"_s, { u"[\"a\",]"_s });
    row("run json raw tab falls back", "FROM a\nRUN [\"a\tb\"]", 2, 1, u"RUN"_s, { u"[\"a\tb\"]"_s });
    row("run json bad escape falls back", "FROM a\nRUN [\"c:\\dir\"]", 2, 1, u"RUN"_s, { u"[\"c:\\dir\"]"_s });
    row("run unclosed json falls back", "FROM a\nRUN [\"a\"", 2, 1, u"RUN"_s, { u"[\"a\""_s });
    row("run no command", "FROM a\nRUN", 2, 1, u"RUN"_s, {});
    row("cmd empty json", "FROM a\nCMD []", 2, 1, u"CMD"_s, {}, true);
    row("cmd without arguments", "FROM a\nCMD", 2, 1, u"CMD"_s, {});
    row("entrypoint json", "FROM a\nENTRYPOINT [\"/bin/sh\", \"-c\"]", 2, 1, u"ENTRYPOINT"_s, { u"/bin/sh"_s, u"-c"_s }, true);
    row("entrypoint shell", "FROM a\nENTRYPOINT exec top -b", 2, 1, u"ENTRYPOINT"_s, { u"exec top -b"_s });
    row("shell", "FROM a\nSHELL [\"/bin/bash\", \"-c\"]", 2, 1, u"SHELL"_s, { u"/bin/bash"_s, u"-c"_s }, true);
    // ENV and LABEL: key and value alternating, quotes kept.
    row("env pairs", "FROM a\nENV a=1 b=\"x y\" c=x\\ y", 2, 1, u"ENV"_s, { u"a"_s, u"1"_s, u"b"_s, u"\"x y\""_s, u"c"_s, u"x\\ y"_s });
    row("env legacy", "FROM a\nENV key value with  spaces", 2, 1, u"ENV"_s, { u"key"_s, u"value with  spaces"_s });
    row("env empty value", "FROM a\nENV a=", 2, 1, u"ENV"_s, { u"a"_s, QString() });
    row("env value with equals", "FROM a\nENV a=b=c", 2, 1, u"ENV"_s, { u"a"_s, u"b=c"_s });
    row("env single quotes", "FROM a\nENV a='$x y'", 2, 1, u"ENV"_s, { u"a"_s, u"'$x y'"_s });
    row("label", "FROM a\nLABEL \"com.x\"=\"v 1\" b=2", 2, 1, u"LABEL"_s, { u"\"com.x\""_s, u"\"v 1\""_s, u"b"_s, u"2"_s });
    row("label legacy", "FROM a\nLABEL maintainer me", 2, 1, u"LABEL"_s, { u"maintainer"_s, u"me"_s });
    // ARG: one word each.
    row("arg", "FROM a\nARG a b=2 c=\"x y\"", 2, 1, u"ARG"_s, { u"a"_s, u"b=2"_s, u"c=\"x y\""_s });
    row("arg before from", "ARG V=1\nFROM a", 2, 0, u"ARG"_s, { u"V=1"_s });
    // EXPOSE, VOLUME, COPY, ADD: words, or the JSON array.
    row("expose", "FROM a\nEXPOSE 80/tcp  443", 2, 1, u"EXPOSE"_s, { u"80/tcp"_s, u"443"_s });
    row("volume shell", "FROM a\nVOLUME /a /b", 2, 1, u"VOLUME"_s, { u"/a"_s, u"/b"_s });
    row("volume json", "FROM a\nVOLUME [\"/a b\"]", 2, 1, u"VOLUME"_s, { u"/a b"_s }, true);
    row("copy", "FROM a\nCOPY a b /dst/", 2, 1, u"COPY"_s, { u"a"_s, u"b"_s, u"/dst/"_s });
    row("copy quotes split on blanks", "FROM a\nCOPY \"a b\" /d", 2, 1, u"COPY"_s, { u"\"a"_s, u"b\""_s, u"/d"_s });
    row("copy json", "FROM a\nCOPY [\"a b\", \"/d\"]", 2, 1, u"COPY"_s, { u"a b"_s, u"/d"_s }, true);
    row("copy json fallback", "FROM a\nCOPY [a, b] /d", 2, 1, u"COPY"_s, { u"[a,"_s, u"b]"_s, u"/d"_s });
    row("add", "FROM a\nADD https://x/y.tar /", 2, 1, u"ADD"_s, { u"https://x/y.tar"_s, u"/"_s });
    // One string, the rest of the line.
    row("workdir", "FROM a\nWORKDIR /a b", 2, 1, u"WORKDIR"_s, { u"/a b"_s });
    row("user", "FROM a\nUSER app:app", 2, 1, u"USER"_s, { u"app:app"_s });
    row("stopsignal", "FROM a\nSTOPSIGNAL SIGTERM", 2, 1, u"STOPSIGNAL"_s, { u"SIGTERM"_s });
    row("maintainer", "FROM a\nMAINTAINER Jane Doe <j@x>", 2, 1, u"MAINTAINER"_s, { u"Jane Doe <j@x>"_s });
    // HEALTHCHECK: the type, then the command as for RUN.
    row("healthcheck none", "FROM a\nHEALTHCHECK NONE", 2, 1, u"HEALTHCHECK"_s, { u"NONE"_s });
    row("healthcheck none lower case", "FROM a\nhealthcheck none", 2, 1, u"HEALTHCHECK"_s, { u"NONE"_s });
    row("healthcheck cmd shell", "FROM a\nHEALTHCHECK --interval=5s CMD curl -f http://x/ || exit 1", 2, 1, u"HEALTHCHECK"_s,
        { u"CMD"_s, u"curl -f http://x/ || exit 1"_s });
    row("healthcheck cmd json", "FROM a\nHEALTHCHECK CMD [\"curl\", \"-f\"]", 2, 1, u"HEALTHCHECK"_s, { u"CMD"_s, u"curl"_s, u"-f"_s }, true);
    row("healthcheck cmd lower case", "FROM a\nhealthcheck cmd true", 2, 1, u"HEALTHCHECK"_s, { u"CMD"_s, u"true"_s });
    // ONBUILD: the trigger's text.
    row("onbuild", "FROM a\nONBUILD RUN echo hi", 2, 1, u"ONBUILD"_s, { u"RUN echo hi"_s });
    row("onbuild copy with flags", "FROM a\nONBUILD COPY --from=b a /x", 2, 1, u"ONBUILD"_s, { u"COPY --from=b a /x"_s });
    row("keyword mixed case", "FROM a\nrUn echo", 2, 1, u"RUN"_s, { u"echo"_s });
    // Continuations and comments.
    row("continuation keeps leading blanks", "FROM a\nRUN echo a \\\n    b", 2, 1, u"RUN"_s, { u"echo a     b"_s });
    row("continuation over comment and empty lines", "FROM a\nRUN a \\\n# comment\n\n   \n  b \\\n  # another\n c", 2, 1, u"RUN"_s, { u"a   b  c"_s });
    row("continuation with blanks after the escape", "FROM a\nRUN a \\  \t\nb", 2, 1, u"RUN"_s, { u"a b"_s });
    row("continuation escape alone on a line", "FROM a\nRUN a\\\n\\\nb", 2, 1, u"RUN"_s, { u"ab"_s });
    row("escaped escape ends the line", "FROM a\nRUN echo a\\\\\nRUN b", 3, 1, u"RUN"_s, { u"echo a\\\\"_s });
    row("continuation at end of file", "FROM a\nRUN echo \\", 2, 1, u"RUN"_s, { u"echo"_s });
    row("continued keyword line", "FROM a\nRUN \\\n echo", 2, 1, u"RUN"_s, { u"echo"_s });
    row("json over continuation", "FROM a\nCMD [\"a\", \\\n \"b\"]", 2, 1, u"CMD"_s, { u"a"_s, u"b"_s }, true);
    row("indented comment", "FROM a\n   # c\nRUN x", 2, 1, u"RUN"_s, { u"x"_s });
    row("hash inside an instruction", "FROM a\nRUN echo # not a comment", 2, 1, u"RUN"_s, { u"echo # not a comment"_s });
    row("crlf", "FROM a\r\nRUN a \\\r\n b\r\n", 2, 1, u"RUN"_s, { u"a  b"_s });
    row("byte order mark", "\xEF\xBB\xBF" "FROM a", 1, 0, u"FROM"_s, { u"a"_s });
    row("leading blanks on the line", "FROM a\n  \t RUN x", 2, 1, u"RUN"_s, { u"x"_s });
    // Docker reads bytes; a malformed sequence becomes U+FFFD here, as Go's string-to-rune
    // conversion does.
    row("malformed utf-8", "FROM a\nRUN echo \xff\xfe", 2, 1, u"RUN"_s, { u"echo \uFFFD\uFFFD"_s });
    row("utf-8", "FROM a\nLABEL name=\xc3\xa9t\xc3\xa9", 2, 1, u"LABEL"_s, { u"name"_s, u"\u00e9t\u00e9"_s });
    // The backtick escape (Windows style): the backslash is an ordinary character.
    row("backtick continuation", "# escape=`\nFROM a\nRUN dir c:\\ `\n  /w", 2, 1, u"RUN"_s, { u"dir c:\\   /w"_s });
    row("backtick: backslash at end is literal", "# escape=`\nFROM a\nWORKDIR c:\\\nRUN x", 3, 1, u"WORKDIR"_s, { u"c:\\"_s });
    row("backtick: env words", "# escape=`\nFROM a\nENV a=x` y b=c:\\d", 2, 1, u"ENV"_s, { u"a"_s, u"x` y"_s, u"b"_s, u"c:\\d"_s });
}

void TestDockerfile::shapes()
{
    QFETCH(QByteArray, text);
    QFETCH(int, count);
    QFETCH(int, index);
    QFETCH(QString, keyword);
    QFETCH(QStringList, args);
    QFETCH(bool, json);
    const auto df = parse(text);
    QVERIFY2(df.ok(), qPrintable(df.error()));
    QCOMPARE(df->instructions.size(), count);
    const DockerfileInstruction &ins = df->instructions.at(index);
    QCOMPARE(ins.keyword, keyword);
    QCOMPARE(ins.args, args);
    QCOMPARE(ins.json, json);
    QVERIFY(ins.heredocs.isEmpty());
}

void TestDockerfile::flags_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QStringList>("flags");
    QTest::addColumn<QStringList>("args");

    QTest::newRow("from platform") << "FROM --platform=linux/amd64 alpine"_ba << QStringList { u"platform=linux/amd64"_s } << QStringList { u"alpine"_s };
    QTest::newRow("from platform unexpanded") << "FROM --platform=$BUILDPLATFORM a AS b"_ba << QStringList { u"platform=$BUILDPLATFORM"_s }
                                              << QStringList { u"a"_s, u"AS"_s, u"b"_s };
    QTest::newRow("copy from chown chmod") << "FROM a\nCOPY --from=build --chown=1:1 --chmod=644 a /b"_ba
                                           << QStringList { u"from=build"_s, u"chown=1:1"_s, u"chmod=644"_s } << QStringList { u"a"_s, u"/b"_s };
    QTest::newRow("copy link alone") << "FROM a\nCOPY --link a b"_ba << QStringList { u"link"_s } << QStringList { u"a"_s, u"b"_s };
    QTest::newRow("copy link false") << "FROM a\nCOPY --link=FALSE a b"_ba << QStringList { u"link=FALSE"_s } << QStringList { u"a"_s, u"b"_s };
    QTest::newRow("copy parents and excludes") << "FROM a\nCOPY --parents --exclude=*.md --exclude=*.txt a b"_ba
                                               << QStringList { u"parents"_s, u"exclude=*.md"_s, u"exclude=*.txt"_s } << QStringList { u"a"_s, u"b"_s };
    QTest::newRow("copy quoted flag value") << "FROM a\nCOPY --chown=\"a b\" x y"_ba << QStringList { u"chown=a b"_s } << QStringList { u"x"_s, u"y"_s };
    QTest::newRow("copy json after flags") << "FROM a\nCOPY --from=b [\"x y\", \"/z\"]"_ba << QStringList { u"from=b"_s } << QStringList { u"x y"_s, u"/z"_s };
    QTest::newRow("double dash ends flags") << "FROM a\nCOPY -- --odd b"_ba << QStringList {} << QStringList { u"--odd"_s, u"b"_s };
    QTest::newRow("single dash is an argument") << "FROM a\nCOPY -x b"_ba << QStringList {} << QStringList { u"-x"_s, u"b"_s };
    QTest::newRow("add flags") << "FROM a\nADD --checksum=sha256:abc --keep-git-dir=true --link --chmod=700 --chown=u --exclude=x https://x /y"_ba
                               << QStringList { u"checksum=sha256:abc"_s, u"keep-git-dir=true"_s, u"link"_s, u"chmod=700"_s, u"chown=u"_s, u"exclude=x"_s }
                               << QStringList { u"https://x"_s, u"/y"_s };
    QTest::newRow("run mount network security") << "FROM a\nRUN --mount=type=cache,target=/root/.cache --mount=type=secret,id=x --network=none --security=insecure make all"_ba
                                                << QStringList { u"mount=type=cache,target=/root/.cache"_s, u"mount=type=secret,id=x"_s, u"network=none"_s, u"security=insecure"_s }
                                                << QStringList { u"make all"_s };
    QTest::newRow("run flags over continuation") << "FROM a\nRUN --network=none \\\n  make"_ba << QStringList { u"network=none"_s } << QStringList { u"make"_s };
    QTest::newRow("healthcheck flags") << "FROM a\nHEALTHCHECK --interval=30s --timeout=1m30s --start-period=0 --start-interval=1.5s --retries=3 CMD true"_ba
                                       << QStringList { u"interval=30s"_s, u"timeout=1m30s"_s, u"start-period=0"_s, u"start-interval=1.5s"_s, u"retries=3"_s }
                                       << QStringList { u"CMD"_s, u"true"_s };
    QTest::newRow("onbuild trigger keeps its flags") << "FROM a\nONBUILD COPY --from=b a /x"_ba << QStringList {} << QStringList { u"COPY --from=b a /x"_s };
}

void TestDockerfile::flags()
{
    QFETCH(QByteArray, text);
    QFETCH(QStringList, flags);
    QFETCH(QStringList, args);
    const auto df = parse(text);
    QVERIFY2(df.ok(), qPrintable(df.error()));
    const DockerfileInstruction &ins = df->instructions.back();
    QCOMPARE(flagStrings(ins), flags);
    QCOMPARE(ins.args, args);
}

void TestDockerfile::flagLookup()
{
    const auto df = parse("FROM a\nCOPY --from=build --link --exclude=a --exclude=b x y");
    QVERIFY2(df.ok(), qPrintable(df.error()));
    const DockerfileInstruction &ins = df->instructions.back();
    QCOMPARE(ins.flag(u"from"_s), std::optional<QString>(u"build"_s));
    QCOMPARE(ins.flag(u"link"_s), std::optional<QString>(QString()));
    QCOMPARE(ins.flag(u"exclude"_s), std::optional<QString>(u"a"_s));
    QCOMPARE(ins.flag(u"chown"_s), std::nullopt);
    QVERIFY(!ins.flags.at(1).hasValue);
    QVERIFY(ins.flags.at(0).hasValue);
}

void TestDockerfile::directives_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("escape");
    QTest::addColumn<QString>("syntax");

    QTest::newRow("none") << "FROM a"_ba << u"\\"_s << QString();
    QTest::newRow("escape backtick") << "# escape=`\nFROM a"_ba << u"`"_s << QString();
    QTest::newRow("escape backslash") << "# escape=\\\nFROM a"_ba << u"\\"_s << QString();
    QTest::newRow("key case and blanks") << "#ESCAPE = `  \nFROM a"_ba << u"`"_s << QString();
    QTest::newRow("no space after hash") << "#escape=`\nFROM a"_ba << u"`"_s << QString();
    QTest::newRow("indented directive") << "  # escape=`\nFROM a"_ba << u"`"_s << QString();
    QTest::newRow("syntax then escape") << "# syntax=docker/dockerfile:1\n# escape=`\nFROM a"_ba << u"`"_s << u"docker/dockerfile:1"_s;
    QTest::newRow("check is a directive") << "# check=skip=all\n# escape=`\nFROM a"_ba << u"`"_s << QString();
    QTest::newRow("after a blank line it is a comment") << "\n# escape=`\nFROM a"_ba << u"\\"_s << QString();
    QTest::newRow("after a comment it is a comment") << "# hello\n# escape=`\nFROM a"_ba << u"\\"_s << QString();
    QTest::newRow("after an unknown directive") << "# unknown=1\n# escape=`\nFROM a"_ba << u"\\"_s << QString();
    QTest::newRow("after an instruction") << "FROM a\n# escape=`"_ba << u"\\"_s << QString();
    QTest::newRow("empty value is a comment") << "# escape=\n# syntax=x\nFROM a"_ba << u"\\"_s << QString();
    QTest::newRow("repeat after the directives is a comment") << "# escape=`\nFROM a\n# escape=\\"_ba << u"`"_s << QString();
}

void TestDockerfile::directives()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, escape);
    QFETCH(QString, syntax);
    const auto df = parse(text);
    QVERIFY2(df.ok(), qPrintable(df.error()));
    QCOMPARE(QString(df->escape), escape);
    QCOMPARE(df->syntax, syntax);
    QCOMPARE(df->instructions.size(), 1);
}

void TestDockerfile::lineNumbers_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QList<int>>("lines");
    QTest::addColumn<QString>("lastText");

    QTest::newRow("blank and comment lines") << "FROM a\n\nRUN a \\\n b\n# c\nCMD x"_ba << QList<int> { 1, 3, 6 } << u"CMD x"_s;
    QTest::newRow("heredoc body") << "FROM a\nRUN <<EOF\nx\nEOF\nCMD y"_ba << QList<int> { 1, 2, 5 } << u"CMD y"_s;
    QTest::newRow("directives and continuations") << "# escape=`\n\nFROM a\nRUN a `\n\n# x\n  b\nUSER u"_ba << QList<int> { 3, 4, 8 } << u"USER u"_s;
    QTest::newRow("text joins continuations") << "FROM a\nRUN a \\\n b"_ba << QList<int> { 1, 2 } << u"RUN a  b"_s;
}

void TestDockerfile::lineNumbers()
{
    QFETCH(QByteArray, text);
    QFETCH(QList<int>, lines);
    QFETCH(QString, lastText);
    const auto df = parse(text);
    QVERIFY2(df.ok(), qPrintable(df.error()));
    QCOMPARE(::lines(df.value()), lines);
    QCOMPARE(df->instructions.back().text, lastText);
}

void TestDockerfile::heredocs_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("count");
    QTest::addColumn<QStringList>("names");
    QTest::addColumn<QStringList>("contents");
    QTest::addColumn<QString>("expand"); // one '1' or '0' per heredoc
    QTest::addColumn<QStringList>("args");

    QTest::newRow("run") << "FROM a\nRUN <<EOF\necho hi\n  echo there\nEOF\nRUN x"_ba << 3 << QStringList { u"EOF"_s }
                         << QStringList { u"echo hi\n  echo there\n"_s } << u"1"_s << QStringList { u"<<EOF"_s };
    QTest::newRow("double quoted delimiter") << "FROM a\nRUN <<\"EOF\"\n$A\nEOF"_ba << 2 << QStringList { u"EOF"_s } << QStringList { u"$A\n"_s } << u"0"_s
                                             << QStringList { u"<<\"EOF\""_s };
    QTest::newRow("single quoted delimiter") << "FROM a\nRUN <<'END' bash\n$A\nEND"_ba << 2 << QStringList { u"END"_s } << QStringList { u"$A\n"_s } << u"0"_s
                                             << QStringList { u"<<'END' bash"_s };
    QTest::newRow("partly quoted delimiter") << "FROM a\nRUN <<E\"O\"F\nx\nEOF"_ba << 2 << QStringList { u"EOF"_s } << QStringList { u"x\n"_s } << u"0"_s
                                             << QStringList { u"<<E\"O\"F"_s };
    QTest::newRow("dash strips tabs") << "FROM a\nRUN <<-EOF\n\t\techo a\n\t  b\n\tEOF"_ba << 2 << QStringList { u"EOF"_s } << QStringList { u"echo a\n  b\n"_s } << u"1"_s
                                      << QStringList { u"<<-EOF"_s };
    QTest::newRow("no dash keeps tabs") << "FROM a\nRUN <<EOF\n\techo\n\tEOF\nEOF"_ba << 2 << QStringList { u"EOF"_s } << QStringList { u"\techo\n\tEOF\n"_s } << u"1"_s
                                        << QStringList { u"<<EOF"_s };
    QTest::newRow("terminator must match exactly") << "FROM a\nRUN <<EOF\nEOF \n EOF\nEOFX\nEOF"_ba << 2 << QStringList { u"EOF"_s }
                                                   << QStringList { u"EOF \n EOF\nEOFX\n"_s } << u"1"_s << QStringList { u"<<EOF"_s };
    QTest::newRow("two on one line") << "FROM a\nRUN <<A cat - <<B > /x\na\nA\nb\nB\nUSER u"_ba << 3 << QStringList { u"A"_s, u"B"_s }
                                     << QStringList { u"a\n"_s, u"b\n"_s } << u"11"_s << QStringList { u"<<A cat - <<B > /x"_s };
    QTest::newRow("empty body") << "FROM a\nRUN <<EOF\nEOF"_ba << 2 << QStringList { u"EOF"_s } << QStringList { QString() } << u"1"_s << QStringList { u"<<EOF"_s };
    QTest::newRow("file descriptor") << "FROM a\nRUN 3<<EOF cat /dev/fd/3\nx\nEOF"_ba << 2 << QStringList { u"EOF"_s } << QStringList { u"x\n"_s } << u"1"_s
                                     << QStringList { u"3<<EOF cat /dev/fd/3"_s };
    QTest::newRow("copy") << "FROM a\nCOPY <<EOF /dest\nhello\nEOF"_ba << 2 << QStringList { u"EOF"_s } << QStringList { u"hello\n"_s } << u"1"_s
                          << QStringList { u"<<EOF"_s, u"/dest"_s };
    QTest::newRow("copy two files") << "FROM a\nCOPY <<a.txt <<b.txt /d/\nA\na.txt\nB\nb.txt"_ba << 2 << QStringList { u"a.txt"_s, u"b.txt"_s }
                                    << QStringList { u"A\n"_s, u"B\n"_s } << u"11"_s << QStringList { u"<<a.txt"_s, u"<<b.txt"_s, u"/d/"_s };
    QTest::newRow("add") << "FROM a\nADD <<EOF /x\ny\nEOF"_ba << 2 << QStringList { u"EOF"_s } << QStringList { u"y\n"_s } << u"1"_s
                         << QStringList { u"<<EOF"_s, u"/x"_s };
    QTest::newRow("crlf terminator") << "FROM a\r\nRUN <<EOF\r\nx\r\nEOF\r\nUSER u"_ba << 3 << QStringList { u"EOF"_s } << QStringList { u"x\r\n"_s } << u"1"_s
                                     << QStringList { u"<<EOF"_s };
    QTest::newRow("onbuild trigger") << "FROM a\nONBUILD RUN <<EOF\necho\nEOF"_ba << 2 << QStringList { u"EOF"_s } << QStringList { u"echo\n"_s } << u"1"_s
                                     << QStringList { u"RUN <<EOF"_s };
    QTest::newRow("after a continuation") << "FROM a\nRUN \\\n  <<EOF\nx\nEOF"_ba << 2 << QStringList { u"EOF"_s } << QStringList { u"x\n"_s } << u"1"_s
                                          << QStringList { u"<<EOF"_s };
    // Not heredocs: JSON form, other instructions, quoted or spaced operators.
    QTest::newRow("json run") << "FROM a\nRUN [\"cat\", \"<<EOF\"]\nUSER u"_ba << 3 << QStringList {} << QStringList {} << QString()
                              << QStringList { u"cat"_s, u"<<EOF"_s };
    QTest::newRow("env") << "FROM a\nENV a=<<EOF\nUSER u"_ba << 3 << QStringList {} << QStringList {} << QString() << QStringList { u"a"_s, u"<<EOF"_s };
    QTest::newRow("quoted operator") << "FROM a\nRUN echo \"<<EOF\"\nUSER u"_ba << 3 << QStringList {} << QStringList {} << QString()
                                     << QStringList { u"echo \"<<EOF\""_s };
    QTest::newRow("operator with a space") << "FROM a\nRUN cat << EOF\nUSER u"_ba << 3 << QStringList {} << QStringList {} << QString()
                                           << QStringList { u"cat << EOF"_s };
    QTest::newRow("shift operator") << "FROM a\nRUN echo $((1<<2))\nUSER u"_ba << 3 << QStringList {} << QStringList {} << QString()
                                    << QStringList { u"echo $((1<<2))"_s };
}

void TestDockerfile::heredocs()
{
    QFETCH(QByteArray, text);
    QFETCH(int, count);
    QFETCH(QStringList, names);
    QFETCH(QStringList, contents);
    QFETCH(QString, expand);
    QFETCH(QStringList, args);
    const auto df = parse(text);
    QVERIFY2(df.ok(), qPrintable(df.error()));
    QCOMPARE(df->instructions.size(), count);
    const DockerfileInstruction &ins = df->instructions.at(1);
    QCOMPARE(ins.args, args);
    QStringList gotNames, gotContents;
    QString gotExpand;
    for (const DockerfileHeredoc &h : ins.heredocs) {
        gotNames.append(h.name);
        gotContents.append(h.content);
        gotExpand += h.expand ? u'1' : u'0';
    }
    QCOMPARE(gotNames, names);
    QCOMPARE(gotContents, contents);
    QCOMPARE(gotExpand, expand);
}

void TestDockerfile::errors_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("message");

    const auto row = [](const char *name, const QByteArray &text, const QString &message) { QTest::newRow(name) << text << message; };
    row("unknown instruction", "FROM a\nRUNN x", u"Dockerfile:2: unknown instruction: RUNN"_s);
    row("unknown instruction as written", "FROM a\nRUN a \\\n b\n\nrunn x", u"Dockerfile:5: unknown instruction: runn"_s);
    row("unknown instruction after heredoc", "FROM a\nRUN <<EOF\nx\nEOF\nCOPYY a b", u"Dockerfile:5: unknown instruction: COPYY"_s);
    row("no instructions", "", u"Dockerfile: file with no instructions"_s);
    row("only comments", "# escape=`\n# hi\n\n   \n", u"Dockerfile: file with no instructions"_s);
    row("instruction before from", "RUN x", u"Dockerfile:1: no build stage in current context"_s);
    row("env before from", "ARG a\nENV b=c\nFROM x", u"Dockerfile:2: no build stage in current context"_s);
    row("from without image", "FROM", u"Dockerfile:1: FROM requires either one or three arguments"_s);
    row("from two words", "FROM a b", u"Dockerfile:1: FROM requires either one or three arguments"_s);
    row("from as without name", "FROM a AS", u"Dockerfile:1: FROM requires either one or three arguments"_s);
    row("from not as", "FROM a IS b", u"Dockerfile:1: FROM requires either one or three arguments"_s);
    row("from four words", "FROM a AS b c", u"Dockerfile:1: FROM requires either one or three arguments"_s);
    row("stage name with digit first", "FROM a AS 1st", u"Dockerfile:1: invalid name for build stage: \"1st\""_s);
    row("stage name with symbol", "FROM a AS b$c", u"Dockerfile:1: invalid name for build stage"_s);
    row("copy one argument", "FROM a\nCOPY a", u"Dockerfile:2: COPY requires at least two arguments"_s);
    row("copy no argument", "FROM a\nCOPY", u"Dockerfile:2: COPY requires at least two arguments"_s);
    row("copy json one argument", "FROM a\nCOPY [\"a\"]", u"Dockerfile:2: COPY requires at least two arguments"_s);
    row("add one argument", "FROM a\nADD a", u"Dockerfile:2: ADD requires at least two arguments"_s);
    row("heredoc destination", "FROM a\nCOPY a <<EOF\nx\nEOF", u"Dockerfile:2: COPY cannot accept a heredoc as a destination"_s);
    row("env nothing", "FROM a\nENV", u"Dockerfile:2: ENV requires at least one argument"_s);
    row("env legacy without value", "FROM a\nENV a", u"Dockerfile:2: ENV must have two arguments"_s);
    row("env missing equals", "FROM a\nENV a=1 b", u"Dockerfile:2: Syntax error - can't find = in \"b\""_s);
    row("env blank name", "FROM a\nENV =1", u"Dockerfile:2: ENV names can not be blank"_s);
    row("label nothing", "FROM a\nLABEL", u"Dockerfile:2: LABEL requires at least one argument"_s);
    row("label legacy without value", "FROM a\nLABEL a", u"Dockerfile:2: LABEL must have two arguments"_s);
    row("arg nothing", "FROM a\nARG", u"Dockerfile:2: ARG requires at least one argument"_s);
    row("arg blank name", "FROM a\nARG a=1 =x", u"Dockerfile:2: ARG names can not be blank"_s);
    row("shell not json", "FROM a\nSHELL /bin/sh -c", u"Dockerfile:2: SHELL requires the arguments to be in JSON form"_s);
    row("shell invalid json", "FROM a\nSHELL [/bin/sh]", u"Dockerfile:2: SHELL requires the arguments to be in JSON form"_s);
    row("shell empty", "FROM a\nSHELL []", u"Dockerfile:2: SHELL requires at least one argument"_s);
    row("shell nothing", "FROM a\nSHELL", u"Dockerfile:2: SHELL requires at least one argument"_s);
    row("json numbers", "FROM a\nRUN [1, 2]", u"Dockerfile:2: when using JSON array syntax, arrays must be comprised of strings only"_s);
    row("json null", "FROM a\nCOPY [\"a\", null]", u"Dockerfile:2: when using JSON array syntax, arrays must be comprised of strings only"_s);
    row("json nested", "FROM a\nCMD [\"a\", {\"x\": [1, true, {}], \"y\": []}]", u"Dockerfile:2: when using JSON array syntax, arrays must be comprised of strings only"_s);
    row("json nested healthcheck", "FROM a\nHEALTHCHECK CMD [[\"a\"]]", u"Dockerfile:2: when using JSON array syntax"_s);
    row("workdir nothing", "FROM a\nWORKDIR", u"Dockerfile:2: WORKDIR requires exactly one argument"_s);
    row("user nothing", "FROM a\nUSER", u"Dockerfile:2: USER requires exactly one argument"_s);
    row("stopsignal nothing", "FROM a\nSTOPSIGNAL", u"Dockerfile:2: STOPSIGNAL requires exactly one argument"_s);
    row("maintainer nothing", "FROM a\nMAINTAINER", u"Dockerfile:2: MAINTAINER requires exactly one argument"_s);
    row("expose nothing", "FROM a\nEXPOSE", u"Dockerfile:2: EXPOSE requires at least one argument"_s);
    row("volume nothing", "FROM a\nVOLUME", u"Dockerfile:2: VOLUME requires at least one argument"_s);
    row("volume empty json", "FROM a\nVOLUME []", u"Dockerfile:2: VOLUME requires at least one argument"_s);
    row("volume blank string", "FROM a\nVOLUME [\"/a\", \" \"]", u"Dockerfile:2: VOLUME specified can not be an empty string"_s);
    row("healthcheck nothing", "FROM a\nHEALTHCHECK", u"Dockerfile:2: HEALTHCHECK requires at least one argument"_s);
    row("healthcheck none with arguments", "FROM a\nHEALTHCHECK NONE x", u"Dockerfile:2: HEALTHCHECK NONE takes no arguments"_s);
    row("healthcheck none with flags", "FROM a\nHEALTHCHECK --interval=5s NONE", u"Dockerfile:2: HEALTHCHECK NONE takes no flags"_s);
    row("healthcheck cmd without command", "FROM a\nHEALTHCHECK CMD", u"Dockerfile:2: Missing command after HEALTHCHECK CMD"_s);
    row("healthcheck cmd empty json", "FROM a\nHEALTHCHECK CMD []", u"Dockerfile:2: Missing command after HEALTHCHECK CMD"_s);
    row("healthcheck unknown type", "FROM a\nHEALTHCHECK CURL x", u"Dockerfile:2: Unknown type \"CURL\" in HEALTHCHECK (try CMD)"_s);
    row("healthcheck duration without unit", "FROM a\nHEALTHCHECK --interval=5 CMD true", u"Dockerfile:2: invalid duration \"5\" for --interval"_s);
    row("healthcheck duration bad unit", "FROM a\nHEALTHCHECK --timeout=5x CMD true", u"Dockerfile:2: invalid duration \"5x\" for --timeout"_s);
    row("healthcheck duration empty number", "FROM a\nHEALTHCHECK --timeout=.s CMD true", u"Dockerfile:2: invalid duration"_s);
    row("healthcheck duration too short", "FROM a\nHEALTHCHECK --start-period=10us CMD true", u"Dockerfile:2: Interval \"start-period\" cannot be less than 1ms"_s);
    row("healthcheck duration negative", "FROM a\nHEALTHCHECK --interval=-1s CMD true", u"Dockerfile:2: Interval \"interval\" cannot be less than 1ms"_s);
    row("healthcheck retries negative", "FROM a\nHEALTHCHECK --retries=-1 CMD true", u"Dockerfile:2: --retries cannot be negative (-1)"_s);
    row("healthcheck retries not a number", "FROM a\nHEALTHCHECK --retries=x CMD true", u"Dockerfile:2: invalid value \"x\" for --retries"_s);
    row("healthcheck unknown flag", "FROM a\nHEALTHCHECK --period=1s CMD true", u"Dockerfile:2: unknown flag: --period"_s);
    row("onbuild nothing", "FROM a\nONBUILD", u"Dockerfile:2: ONBUILD requires at least one argument"_s);
    row("onbuild onbuild", "FROM a\nONBUILD ONBUILD RUN x", u"Dockerfile:2: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"_s);
    row("onbuild from", "FROM a\nONBUILD FROM b", u"Dockerfile:2: FROM isn't allowed as an ONBUILD trigger"_s);
    row("onbuild maintainer", "FROM a\nONBUILD maintainer me", u"Dockerfile:2: MAINTAINER isn't allowed as an ONBUILD trigger"_s);
    row("onbuild unknown trigger", "FROM a\n\nONBUILD RUNN x", u"Dockerfile:3: unknown instruction: RUNN"_s);
    row("onbuild bad trigger", "FROM a\nONBUILD COPY a", u"Dockerfile:2: COPY requires at least two arguments"_s);
    row("onbuild flag", "FROM a\nONBUILD --x=1 RUN a", u"Dockerfile:2: unknown flag: --x"_s);
    row("unknown copy flag", "FROM a\nCOPY --foo=1 a b", u"Dockerfile:2: unknown flag: --foo"_s);
    row("run has no from flag", "FROM a\nRUN --from=x a", u"Dockerfile:2: unknown flag: --from"_s);
    row("add has no from flag", "FROM a\nADD --from=x a b", u"Dockerfile:2: unknown flag: --from"_s);
    row("copy has no checksum flag", "FROM a\nCOPY --checksum=x a b", u"Dockerfile:2: unknown flag: --checksum"_s);
    row("env takes no flags", "FROM a\nENV --x=1 a=b", u"Dockerfile:2: unknown flag: --x"_s);
    row("from unknown flag", "FROM --plattform=x a", u"Dockerfile:1: unknown flag: --plattform"_s);
    row("flag without value", "FROM --platform a", u"Dockerfile:1: missing a value on flag: --platform"_s);
    row("duplicate flag", "FROM a\nCOPY --from=a --from=b x y", u"Dockerfile:2: duplicate flag specified: --from"_s);
    row("boolean flag with a word", "FROM a\nCOPY --link=maybe a b", u"Dockerfile:2: expecting boolean value for flag --link, not: maybe"_s);
    row("boolean flag with empty value", "FROM a\nCOPY --link= a b", u"Dockerfile:2: missing a value on flag: --link"_s);
    row("flag error after continuation", "FROM a\n\nCOPY \\\n  --bad a b", u"Dockerfile:3: unknown flag: --bad"_s);
    row("bad escape directive", "# escape=x\nFROM a", u"Dockerfile:1: invalid escape token 'x' does not match ` or \\"_s);
    row("repeated escape directive", "# escape=`\n# escape=\\\nFROM a", u"Dockerfile:2: only one escape parser directive can be used"_s);
    row("repeated syntax directive", "# syntax=a\n# SYNTAX=b\nFROM a", u"Dockerfile:2: only one syntax parser directive can be used"_s);
    row("unterminated heredoc", "FROM a\nRUN <<EOF\nx", u"Dockerfile:2: unterminated heredoc EOF"_s);
    row("second heredoc unterminated", "FROM a\nRUN <<A <<B\nA\nb", u"Dockerfile:2: unterminated heredoc B"_s);
    row("heredoc terminator with dash only", "FROM a\nRUN <<EOF\n\tEOF", u"Dockerfile:2: unterminated heredoc EOF"_s);
}

void TestDockerfile::errors()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, message);
    const auto df = parse(text);
    QVERIFY2(!df.ok(), "parsed although it is invalid");
    QVERIFY2(df.error().contains(message), qPrintable(df.error()));
    QCOMPARE(df.code(), ErrorCode::InvalidInput);
}

void TestDockerfile::fileNameInMessages()
{
    const auto df = parse("FROM a\nRUNN", u"ctx/Containerfile"_s);
    QVERIFY(!df.ok());
    QCOMPARE(df.error(), u"ctx/Containerfile:2: unknown instruction: RUNN"_s);
    const auto ok = parse("FROM a", u"ctx/Containerfile"_s);
    QVERIFY(ok.ok());
    QCOMPARE(ok->fileName, u"ctx/Containerfile"_s);
}

void TestDockerfile::parseInstruction()
{
    auto run = Dockerfile::parseInstruction(u"RUN echo hi"_s, u'\\', u"Dockerfile"_s, 7);
    QVERIFY2(run.ok(), qPrintable(run.error()));
    QCOMPARE(run->keyword, u"RUN"_s);
    QCOMPARE(run->line, 7);
    QCOMPARE(run->args, QStringList { u"echo hi"_s });

    const auto unknown = Dockerfile::parseInstruction(u"RUNN x"_s, u'\\', u"Dockerfile"_s, 7);
    QVERIFY(!unknown.ok());
    QCOMPARE(unknown.error(), u"Dockerfile:7: unknown instruction: RUNN"_s);

    // No FROM needed for a single instruction; the file's escape character applies.
    const auto backtick = Dockerfile::parseInstruction(u"COPY a `\n b"_s, u'`', u"Dockerfile"_s, 3);
    QVERIFY2(backtick.ok(), qPrintable(backtick.error()));
    QCOMPARE(backtick->args, (QStringList { u"a"_s, u"b"_s }));
    const auto backslash = Dockerfile::parseInstruction(u"WORKDIR c:\\"_s, u'`', u"Dockerfile"_s, 3);
    QVERIFY2(backslash.ok(), qPrintable(backslash.error()));
    QCOMPARE(backslash->args, QStringList { u"c:\\"_s });

    const auto heredoc = Dockerfile::parseInstruction(u"RUN <<EOF\nhi\nEOF"_s, u'\\', u"Dockerfile"_s, 4);
    QVERIFY2(heredoc.ok(), qPrintable(heredoc.error()));
    QCOMPARE(heredoc->heredocs.size(), 1);
    QCOMPARE(heredoc->heredocs.front().content, u"hi\n"_s);

    const auto empty = Dockerfile::parseInstruction(QString(), u'\\', u"Dockerfile"_s, 4);
    QVERIFY(!empty.ok());
    QVERIFY2(empty.error().startsWith(u"Dockerfile:4: "_s), qPrintable(empty.error()));
    const auto two = Dockerfile::parseInstruction(u"RUN a\nRUN b"_s, u'\\', u"Dockerfile"_s, 4);
    QVERIFY(!two.ok());
    QVERIFY2(two.error().contains(u"more than one instruction"_s), qPrintable(two.error()));
    const auto badArgs = Dockerfile::parseInstruction(u"\nCOPY a"_s, u'\\', u"Dockerfile"_s, 10);
    QVERIFY(!badArgs.ok());
    QVERIFY2(badArgs.error().startsWith(u"Dockerfile:11: COPY requires"_s), qPrintable(badArgs.error()));
}

void TestDockerfile::onbuildTriggerParsesAgain()
{
    const auto df = parse("# escape=`\nFROM a\nONBUILD COPY --from=build a `\n  /x");
    QVERIFY2(df.ok(), qPrintable(df.error()));
    const DockerfileInstruction &onbuild = df->instructions.back();
    QCOMPARE(onbuild.args.size(), 1);
    const auto trigger = Dockerfile::parseInstruction(onbuild.args.front(), df->escape, df->fileName, onbuild.line);
    QVERIFY2(trigger.ok(), qPrintable(trigger.error()));
    QCOMPARE(trigger->keyword, u"COPY"_s);
    QCOMPARE(trigger->flag(u"from"_s), std::optional<QString>(u"build"_s));
    QCOMPARE(trigger->args, (QStringList { u"a"_s, u"/x"_s }));
}

void TestDockerfile::expander_data()
{
    QTest::addColumn<QString>("raw");
    QTest::addColumn<QChar>("escape");
    QTest::addColumn<QString>("word");
    QTest::addColumn<QStringList>("words");
    QTest::addColumn<QString>("error"); // when set, both word() and words() fail with it

    const auto ok = [](const char *name, const QString &raw, const QString &word, const QStringList &words, QChar escape = u'\\') {
        QTest::newRow(name) << raw << escape << word << words << QString();
    };
    const auto bad = [](const char *name, const QString &raw, const QString &error) { QTest::newRow(name) << raw << QChar(u'\\') << QString() << QStringList() << error; };

    ok("plain", u"abc"_s, u"abc"_s, { u"abc"_s });
    ok("blanks kept in a word, split in words", u"  a   b  "_s, u"  a   b  "_s, { u"a"_s, u"b"_s });
    ok("dollar name", u"$A"_s, u"a"_s, { u"a"_s });
    ok("braces", u"${A}b"_s, u"ab"_s, { u"ab"_s });
    ok("name runs on", u"$Ab"_s, QString(), {});
    ok("two in a row", u"$A$A"_s, u"aa"_s, { u"aa"_s });
    ok("unset", u"x${UNSET}y"_s, u"xy"_s, { u"xy"_s });
    ok("unset alone", u"$UNSET"_s, QString(), {});
    ok("lone dollar", u"$"_s, u"$"_s, { u"$"_s });
    ok("trailing dollar", u"a$"_s, u"a$"_s, { u"a$"_s });
    ok("dollar before a symbol", u"$/x"_s, u"$/x"_s, { u"$/x"_s });
    ok("positional", u"x$1y"_s, u"xy"_s, { u"xy"_s });
    ok("special parameter", u"x$@y"_s, u"xy"_s, { u"xy"_s });
    ok("default when unset", u"${UNSET:-def}"_s, u"def"_s, { u"def"_s });
    ok("default when empty", u"${EMPTY:-def}"_s, u"def"_s, { u"def"_s });
    ok("no default when set", u"${A:-def}"_s, u"a"_s, { u"a"_s });
    ok("dash: empty is set", u"${EMPTY-def}"_s, QString(), {});
    ok("dash: unset", u"${UNSET-def}"_s, u"def"_s, { u"def"_s });
    ok("alternative when set", u"${A:+alt}"_s, u"alt"_s, { u"alt"_s });
    ok("no alternative when empty", u"${EMPTY:+alt}"_s, QString(), {});
    ok("plus: empty is set", u"${EMPTY+alt}"_s, u"alt"_s, { u"alt"_s });
    ok("plus: unset", u"${UNSET+alt}"_s, QString(), {});
    ok("nested default", u"${UNSET:-${A}x}"_s, u"ax"_s, { u"ax"_s });
    ok("default splits in words", u"${UNSET:-a b}"_s, u"a b"_s, { u"a"_s, u"b"_s });
    ok("quoted default still splits, as in buildkit", u"${UNSET:-\"a b\"}"_s, u"a b"_s, { u"a"_s, u"b"_s });
    ok("escaped brace in default", u"${UNSET:-a\\}b}"_s, u"a}b"_s, { u"a}b"_s });
    ok("question when set", u"${A:?}"_s, u"a"_s, { u"a"_s });
    ok("question without colon allows empty", u"${EMPTY?}"_s, QString(), {});
    ok("expanded value splits", u"$SP"_s, u"x  y"_s, { u"x"_s, u"y"_s });
    ok("quoted value does not split", u"\"$SP\""_s, u"x  y"_s, { u"x  y"_s });
    ok("quotes in a value stay", u"$Q"_s, u"\"q\""_s, { u"\"q\""_s });
    ok("single quotes are literal", u"'$A \\n'"_s, u"$A \\n"_s, { u"$A \\n"_s });
    ok("double quotes expand", u"\"$A b\""_s, u"a b"_s, { u"a b"_s });
    ok("quotes join words", u"a\"b c\"'d e'"_s, u"ab cd e"_s, { u"ab cd e"_s });
    ok("escaped space", u"a\\ b"_s, u"a b"_s, { u"a b"_s });
    ok("escaped dollar", u"\\$A"_s, u"$A"_s, { u"$A"_s });
    ok("escaped quote", u"\\\"a"_s, u"\"a"_s, { u"\"a"_s });
    ok("escaped dollar in double quotes", u"\"\\$A\""_s, u"$A"_s, { u"$A"_s });
    ok("escaped quote in double quotes", u"\"a\\\"b\""_s, u"a\"b"_s, { u"a\"b"_s });
    ok("escaped escape in double quotes", u"\"a\\\\b\""_s, u"a\\b"_s, { u"a\\b"_s });
    ok("other escape in double quotes is literal", u"\"a\\b\""_s, u"a\\b"_s, { u"a\\b"_s });
    ok("escape in single quotes is literal", u"'a\\b'"_s, u"a\\b"_s, { u"a\\b"_s });
    ok("trailing escape dropped", u"a\\"_s, u"a"_s, { u"a"_s });
    ok("empty quotes make no word", u"\"\""_s, QString(), {});
    ok("empty quotes between words", u"a \"\" b"_s, u"a  b"_s, { u"a"_s, u"b"_s });
    ok("empty quotes before text", u"''x"_s, u"x"_s, { u"x"_s });
    ok("backtick escapes dollar", u"a`$A"_s, u"a$A"_s, { u"a$A"_s }, u'`');
    ok("backtick: backslash literal", u"c:\\dir\\$A"_s, u"c:\\dir\\a"_s, { u"c:\\dir\\a"_s }, u'`');
    ok("backtick escapes quote in double quotes", u"\"a`\"b\""_s, u"a\"b"_s, { u"a\"b"_s }, u'`');
    ok("backtick: backslash before quote closes", u"\"a\\\""_s, u"a\\"_s, { u"a\\"_s }, u'`');
    ok("backtick escaped space", u"a` b"_s, u"a b"_s, { u"a b"_s }, u'`');

    bad("question when unset", u"${UNSET:?}"_s, u"UNSET: is not allowed to be unset"_s);
    bad("question when empty", u"${EMPTY:?}"_s, u"EMPTY: is not allowed to be empty"_s);
    bad("question message", u"${UNSET?must be set}"_s, u"UNSET: must be set"_s);
    bad("missing brace", u"${A"_s, u"syntax error: missing '}'"_s);
    bad("missing brace after dollar brace", u"${"_s, u"syntax error: missing '}'"_s);
    bad("missing brace in default", u"${UNSET:-abc"_s, u"syntax error: missing '}'"_s);
    bad("empty braces", u"${}"_s, u"syntax error: bad substitution"_s);
    bad("no name", u"${:-x}"_s, u"syntax error: bad substitution"_s);
    bad("double brace", u"${{A}}"_s, u"syntax error: bad substitution"_s);
    bad("unsupported colon modifier", u"${A:x}"_s, u"unsupported modifier (:x) in substitution"_s);
    bad("unsupported modifier", u"${A*}"_s, u"unsupported modifier (*) in substitution"_s);
    bad("pattern removal", u"${A#x}"_s, u"unsupported modifier (#) in substitution"_s);
    bad("unterminated single quote", u"'abc"_s, u"unexpected end of statement while looking for matching single-quote"_s);
    bad("unterminated double quote", u"\"abc"_s, u"unexpected end of statement while looking for matching double-quote"_s);
    // buildkit reports the missing brace when the inner word ran to the end.
    bad("unterminated quote in default", u"${UNSET:-'x}"_s, u"syntax error: missing '}'"_s);
}

void TestDockerfile::expander()
{
    QFETCH(QString, raw);
    QFETCH(QChar, escape);
    QFETCH(QString, word);
    QFETCH(QStringList, words);
    QFETCH(QString, error);
    const WordExpander expander(escape, lookup);
    const auto one = expander.word(raw);
    const auto many = expander.words(raw);
    if (!error.isEmpty()) {
        QVERIFY2(!one.ok(), qPrintable(one.ok() ? one.value() : QString()));
        QVERIFY2(!many.ok(), "words() accepted it");
        QVERIFY2(one.error().contains(error), qPrintable(one.error()));
        QVERIFY2(one.error().contains(raw), qPrintable(one.error()));
        QVERIFY2(many.error().contains(error), qPrintable(many.error()));
        QCOMPARE(one.code(), ErrorCode::InvalidInput);
        return;
    }
    QVERIFY2(one.ok(), qPrintable(one.error()));
    QVERIFY2(many.ok(), qPrintable(many.error()));
    QCOMPARE(one.value(), word);
    QCOMPARE(many.value(), words);
}

void TestDockerfile::expanderNestingIsBounded()
{
    const WordExpander expander(u'\\', lookup);
    // Moderate nesting works...
    QString ok;
    for (int i = 0; i < 20; ++i)
        ok += u"${U:-"_s;
    ok += u'x' + QString(20, u'}');
    QCOMPARE(expander.word(ok).value(), u"x"_s);
    // ...hostile nesting is an error, not a stack overflow.
    QString deep;
    for (int i = 0; i < 200000; ++i)
        deep += u"${U:-"_s;
    const auto result = expander.word(deep);
    QVERIFY(!result.ok());
    QVERIFY2(result.error().contains(u"nested"_s), qPrintable(result.error().left(300)));
}

void TestDockerfile::manyInstructions()
{
    QByteArray text = "# syntax=docker/dockerfile:1\nARG BASE=alpine\nFROM $BASE AS build\n";
    for (int i = 0; i < 9998; ++i) {
        switch (i % 4) {
        case 0:
            text += "RUN echo " + QByteArray::number(i) + " \\\n  && true\n";
            break;
        case 1:
            text += "ENV K" + QByteArray::number(i) + "=\"v " + QByteArray::number(i) + "\"\n";
            break;
        case 2:
            text += "COPY --chown=1:1 [\"a" + QByteArray::number(i) + "\", \"/d/\"]\n";
            break;
        default:
            text += "# a comment\nLABEL n=" + QByteArray::number(i) + "\n";
        }
    }
    QElapsedTimer timer;
    timer.start();
    const auto df = parse(text);
    const qint64 ms = timer.elapsed();
    QVERIFY2(df.ok(), qPrintable(df.error()));
    qInfo("10,000 instructions (%lld bytes) parsed in %lld ms", qlonglong(text.size()), ms);
    QCOMPARE(df->instructions.size(), 10000);
    QCOMPARE(df->instructions.at(2).args, QStringList { u"echo 0   && true"_s });
    QCOMPARE(df->instructions.at(4).args, (QStringList { u"a2"_s, u"/d/"_s }));
    // Line numbers add up: 3 header lines, 2499 groups of 2 + 1 + 1 + 2 lines, then a RUN of
    // two lines and the last ENV.
    QCOMPARE(df->instructions.back().line, 3 + 2499 * 6 + 2 + 1);
    QCOMPARE(df->instructions.back().keyword, u"ENV"_s);
    // Not a benchmark: a generous bound that only a super-linear parser would exceed.
    QVERIFY2(ms < 10000, qPrintable(QStringLiteral("%1 ms").arg(ms)));
}

void TestDockerfile::fileOverLimit()
{
    QByteArray text = "FROM a\n";
    const QByteArray line = "RUN echo some command\n";
    while (text.size() <= 16 * 1024 * 1024)
        text += line;
    const auto df = parse(text);
    QVERIFY(!df.ok());
    QCOMPARE(df.code(), ErrorCode::InvalidInput);
    QVERIFY2(df.error().startsWith(u"Dockerfile: "_s), qPrintable(df.error()));
    QVERIFY2(df.error().contains(u"16 MiB"_s), qPrintable(df.error()));
}

void TestDockerfile::fileAtLimit()
{
    // Exactly 16 MiB is allowed: comments up to the limit, then one instruction.
    QByteArray text = "FROM a\n";
    const QByteArray tail = "USER u\n";
    const QByteArray comment = "# " + QByteArray(1000, 'c') + '\n';
    while (text.size() + comment.size() + tail.size() < 16 * 1024 * 1024)
        text += comment;
    text += QByteArray(16 * 1024 * 1024 - text.size() - tail.size() - 1, ' ') + '\n';
    text += tail;
    QCOMPARE(text.size(), 16 * 1024 * 1024);
    const auto df = parse(text);
    QVERIFY2(df.ok(), qPrintable(df.error()));
    QCOMPARE(df->instructions.size(), 2);
    QCOMPARE(df->instructions.back().args, QStringList { u"u"_s });
}

void TestDockerfile::instructionOverLimit_data()
{
    QTest::addColumn<QByteArray>("text");
    const int mib = 1024 * 1024;
    QTest::newRow("one long line") << "FROM a\nRUN " + QByteArray(mib, 'a');
    QByteArray continued = "FROM a\n\nRUN a \\\n";
    while (continued.size() < 2 * mib)
        continued += "  && echo something \\\n";
    continued += "  && true\n";
    QTest::newRow("continuation lines") << continued;
    QTest::newRow("heredoc") << "FROM a\nRUN <<EOF\n" + QByteArray(mib, 'x') + "\nEOF\n";
    // 16 MiB without a newline: refused without decoding the whole line.
    QTest::newRow("no newline") << "FROM a\nLABEL a=" + QByteArray(16 * mib - 20, 'z');
}

void TestDockerfile::instructionOverLimit()
{
    QFETCH(QByteArray, text);
    const auto df = parse(text);
    QVERIFY(!df.ok());
    QCOMPARE(df.code(), ErrorCode::InvalidInput);
    QVERIFY2(df.error().contains(u"1 MiB"_s), qPrintable(df.error()));
    const int line = text.contains("\n\nRUN") ? 3 : 2;
    QVERIFY2(df.error().startsWith(QStringLiteral("Dockerfile:%1: ").arg(line)), qPrintable(df.error()));
}

void TestDockerfile::deepJsonFallsBack()
{
    // Deeper than Go's encoding/json allows: not JSON, so the shell form, as in Docker.
    const QByteArray deep = "FROM a\nRUN " + QByteArray(200000, '[') + QByteArray(200000, ']');
    const auto df = parse(deep);
    QVERIFY2(df.ok(), qPrintable(df.error()));
    QVERIFY(!df->instructions.back().json);
    QCOMPARE(df->instructions.back().args.front().size(), 400000);
    // Nested within the limit: valid JSON, but not strings.
    const QByteArray nested = "FROM a\nCMD [\"a\", " + QByteArray(5000, '[') + QByteArray(5000, ']') + "]";
    const auto err = parse(nested);
    QVERIFY(!err.ok());
    QVERIFY2(err.error().contains(u"strings only"_s), qPrintable(err.error()));
    // Unbalanced: a parse error, so the shell form again.
    const QByteArray unbalanced = "FROM a\nCMD [\"a\", " + QByteArray(5000, '[') + QByteArray(4999, ']') + "]";
    const auto shell = parse(unbalanced);
    QVERIFY2(shell.ok(), qPrintable(shell.error()));
    QVERIFY(!shell->instructions.back().json);
}

QTEST_GUILESS_MAIN(TestDockerfile)
#include "tst_dockerfile.moc"
