#include "buildloghighlighter.h"

namespace strata {

BuildLogHighlighter::BuildLogHighlighter(QTextDocument *document, bool dark)
    : QSyntaxHighlighter(document)
{
    m_step.setFontWeight(QFont::Bold);
    m_cache.setForeground(dark ? QColor(0x8c, 0xc4, 0xff) : QColor(0x1d, 0x5f, 0xc9));
    m_cache.setBackground(dark ? QColor(0x1d, 0x33, 0x52) : QColor(0xe3, 0xee, 0xff));
    m_cache.setFontWeight(QFont::Bold);
    m_result.setForeground(dark ? QColor(0x8f, 0xdc, 0x9f) : QColor(0x1e, 0x7b, 0x38));
    m_result.setFontWeight(QFont::Bold);
    m_error.setForeground(dark ? QColor(0xff, 0x8a, 0x80) : QColor(0xb0, 0x1c, 0x1c));
    m_error.setFontWeight(QFont::Bold);
    m_quiet.setForeground(dark ? QColor(0x8f, 0x96, 0x9e) : QColor(0x6a, 0x73, 0x7d));
}

void BuildLogHighlighter::highlightBlock(const QString &text)
{
    const int n = int(text.size());
    if (text.startsWith(QLatin1String("Step ")))
        setFormat(0, n, m_step);
    else if (text.startsWith(QLatin1String(" ---> Using cache")))
        setFormat(0, n, m_cache);
    else if (text.startsWith(QLatin1String("Successfully ")))
        setFormat(0, n, m_result);
    else if (text.startsWith(QLatin1String("Error: ")) || text.contains(QLatin1String("returned a non-zero code")))
        setFormat(0, n, m_error);
    else if (text.startsWith(QLatin1String(" ---> ")) || text.startsWith(QLatin1String("Removing intermediate container")))
        setFormat(0, n, m_quiet);
}

} // namespace strata
