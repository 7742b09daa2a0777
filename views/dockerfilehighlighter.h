#pragma once

#include <QSyntaxHighlighter>
#include <QTextCharFormat>

namespace strata {

// Colours a Dockerfile as it is typed: instructions, comments and parser directives, flags,
// strings, $VARIABLES, and the continuation character. Colours follow the palette's lightness,
// so they read on a dark palette too.
class DockerfileHighlighter : public QSyntaxHighlighter {
    Q_OBJECT
public:
    DockerfileHighlighter(QTextDocument *document, bool dark);

protected:
    void highlightBlock(const QString &text) override;

private:
    QTextCharFormat m_keyword;
    QTextCharFormat m_comment;
    QTextCharFormat m_flag;
    QTextCharFormat m_string;
    QTextCharFormat m_variable;
};

} // namespace strata
