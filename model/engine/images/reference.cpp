#include "reference.h"

#include <QRegularExpression>

namespace strata {

namespace {

    // The productions of distribution/reference regexp.go, in its names. \w is spelled out:
    // Go's is ASCII.
    const QString alphanumeric = QStringLiteral("[a-z0-9]+");
    const QString separator = QStringLiteral("(?:[._]|__|[-]+)");
    const QString domainNameComponent = QStringLiteral("(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])");
    const QString optionalPort = QStringLiteral("(?::[0-9]+)?");
    const QString tagPattern = QStringLiteral("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    const QString digestPattern = QStringLiteral("[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}");
    const QString ipv6Address = QStringLiteral(R"(\[(?:[a-fA-F0-9:]+)\])");
    const QString domainName = domainNameComponent + QStringLiteral(R"((?:\.)") + domainNameComponent + QStringLiteral(")*");
    const QString host = QStringLiteral("(?:") + domainName + QChar(u'|') + ipv6Address + QChar(u')');
    const QString domainAndPort = host + optionalPort;
    const QString pathComponent = alphanumeric + QStringLiteral("(?:") + separator + alphanumeric + QStringLiteral(")*");
    const QString remoteName = pathComponent + QStringLiteral("(?:/") + pathComponent + QStringLiteral(")*");
    const QString namePattern = QStringLiteral("(?:") + domainAndPort + QStringLiteral("/)?") + remoteName;

    constexpr qsizetype repositoryNameTotalLengthMax = 255;

    // The text as it can be shown in a message: control characters (a trailing newline) escaped.
    QString shown(const QString &text)
    {
        QString out;
        for (const QChar c : text.left(300)) {
            if (c == u'\n')
                out += QStringLiteral("\\n");
            else if (c.unicode() < 0x20 || c.unicode() == 0x7f)
                out += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
            else
                out += c;
        }
        return out;
    }

    // The repository path Docker checks the length of: what follows the domain when the first
    // component is one (splitDockerDomain: "localhost", or it has a '.', a ':' or an upper-case
    // letter), the whole name otherwise, and "library/" before a Docker Hub name of one component.
    QString repositoryPath(const QString &name)
    {
        const qsizetype slash = name.indexOf(u'/');
        if (slash < 0)
            return QStringLiteral("library/") + name;
        const QString first = name.left(slash);
        const bool isDomain = first == QLatin1String("localhost") || first.contains(u'.') || first.contains(u':') || first.toLower() != first;
        if (!isDomain)
            return name;
        const QString rest = name.mid(slash + 1);
        const bool dockerHub = first == QLatin1String("docker.io") || first == QLatin1String("index.docker.io");
        return dockerHub && !rest.contains(u'/') ? QStringLiteral("library/") + rest : rest;
    }

} // namespace

Result<Reference> Reference::parse(const QString &text)
{
    // referencePat, anchored at both ends of the text: QRegularExpression's $ would also match
    // before a final newline.
    static const QRegularExpression reference(QRegularExpression::anchoredPattern(
        QChar(u'(') + namePattern + QStringLiteral(")(?::(") + tagPattern + QStringLiteral("))?(?:@(") + digestPattern + QStringLiteral("))?")));
    static const QRegularExpression identifier(QRegularExpression::anchoredPattern(QStringLiteral("[a-f0-9]{64}")));
    const auto invalid = [&](const QString &why) {
        return fail(ErrorCode::InvalidInput, QStringLiteral("'%1' is not a valid image reference (%2)").arg(shown(text), why));
    };
    if (identifier.match(text).hasMatch())
        return invalid(QStringLiteral("a repository name cannot be 64 hexadecimal digits, an image ID"));
    const QRegularExpressionMatch match = reference.match(text);
    if (!match.hasMatch())
        return invalid(QStringLiteral("name[:tag], lowercase name"));
    if (!match.captured(3).isEmpty())
        return invalid(QStringLiteral("a reference by digest: name a tag"));
    Reference r;
    r.m_name = match.captured(1);
    r.m_tag = match.captured(2);
    if (repositoryPath(r.m_name).size() > repositoryNameTotalLengthMax)
        return invalid(QStringLiteral("the repository name is longer than %1 characters").arg(repositoryNameTotalLengthMax));
    return r;
}

QString Reference::normalized() const
{
    return m_name + u':' + (m_tag.isEmpty() ? QStringLiteral("latest") : m_tag);
}

} // namespace strata
