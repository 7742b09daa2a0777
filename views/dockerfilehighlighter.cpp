#include "dockerfilehighlighter.h"

#include <QRegularExpression>

namespace strata {

namespace {
    // The state of a block: 1 when the instruction goes on from the line before (a continuation),
    // so a continued line's first word is not taken for an instruction.
    constexpr int continued = 1;
}

DockerfileHighlighter::DockerfileHighlighter(QTextDocument *document, bool dark)
    : QSyntaxHighlighter(document)
{
    m_keyword.setForeground(dark ? QColor(0x7a, 0xb7, 0xff) : QColor(0x1a, 0x4f, 0xa8));
    m_keyword.setFontWeight(QFont::Bold);
    m_comment.setForeground(dark ? QColor(0x8f, 0x96, 0x9e) : QColor(0x6a, 0x73, 0x7d));
    m_comment.setFontItalic(true);
    m_flag.setForeground(dark ? QColor(0xd2, 0xa8, 0xff) : QColor(0x6f, 0x42, 0xc1));
    m_string.setForeground(dark ? QColor(0x9e, 0xd8, 0x8a) : QColor(0x1a, 0x7f, 0x37));
    m_variable.setForeground(dark ? QColor(0xff, 0xb8, 0x6c) : QColor(0xb3, 0x54, 0x00));
}

void DockerfileHighlighter::highlightBlock(const QString &text)
{
    static const QRegularExpression comment(QStringLiteral("^\\s*#.*$"));
    static const QRegularExpression keyword(QStringLiteral("^\\s*([A-Za-z]+)\\b"));
    static const QRegularExpression flag(QStringLiteral("(?<=\\s)--[a-z-]+(=\\S*)?"));
    static const QRegularExpression string(QStringLiteral("\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'"));
    static const QRegularExpression variable(QStringLiteral("\\$(\\{[^}]*\\}|[A-Za-z_][A-Za-z0-9_]*)"));
    static const QStringList keywords { QStringLiteral("FROM"), QStringLiteral("RUN"), QStringLiteral("CMD"), QStringLiteral("LABEL"),
        QStringLiteral("MAINTAINER"), QStringLiteral("EXPOSE"), QStringLiteral("ENV"), QStringLiteral("ADD"), QStringLiteral("COPY"),
        QStringLiteral("ENTRYPOINT"), QStringLiteral("VOLUME"), QStringLiteral("USER"), QStringLiteral("WORKDIR"), QStringLiteral("ARG"),
        QStringLiteral("ONBUILD"), QStringLiteral("STOPSIGNAL"), QStringLiteral("HEALTHCHECK"), QStringLiteral("SHELL"), QStringLiteral("AS") };

    const bool isContinued = previousBlockState() == continued;
    if (comment.match(text).hasMatch()) {
        setFormat(0, int(text.size()), m_comment);
        setCurrentBlockState(isContinued ? continued : 0); // a comment inside an instruction does not end it
        return;
    }
    if (!isContinued) {
        const auto k = keyword.match(text);
        if (k.hasMatch() && keywords.contains(k.captured(1).toUpper()))
            setFormat(int(k.capturedStart(1)), int(k.capturedLength(1)), m_keyword);
    }
    for (auto it = flag.globalMatch(text); it.hasNext();) {
        const auto m = it.next();
        setFormat(int(m.capturedStart()), int(m.capturedLength()), m_flag);
    }
    for (auto it = string.globalMatch(text); it.hasNext();) {
        const auto m = it.next();
        setFormat(int(m.capturedStart()), int(m.capturedLength()), m_string);
    }
    for (auto it = variable.globalMatch(text); it.hasNext();) {
        const auto m = it.next();
        setFormat(int(m.capturedStart()), int(m.capturedLength()), m_variable);
    }
    // " AS name" of a FROM line.
    static const QRegularExpression as(QStringLiteral("\\s(AS|as)\\s+\\S+\\s*$"));
    if (!isContinued && text.trimmed().startsWith(QLatin1String("FROM"), Qt::CaseInsensitive)) {
        const auto m = as.match(text);
        if (m.hasMatch())
            setFormat(int(m.capturedStart(1)), int(m.capturedLength(1)), m_keyword);
    }
    setCurrentBlockState(text.endsWith(u'\\') ? continued : 0);
}

} // namespace strata
