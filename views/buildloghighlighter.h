#pragma once

#include <QSyntaxHighlighter>
#include <QTextCharFormat>

namespace strata {

// Marks the lines of a build log that tell the story: each step, the cache hits (what the layer
// cache saved), the layers made, and the errors.
class BuildLogHighlighter : public QSyntaxHighlighter {
    Q_OBJECT
public:
    BuildLogHighlighter(QTextDocument *document, bool dark);

protected:
    void highlightBlock(const QString &text) override;

private:
    QTextCharFormat m_step;
    QTextCharFormat m_cache;
    QTextCharFormat m_result;
    QTextCharFormat m_error;
    QTextCharFormat m_quiet;
};

} // namespace strata
