#include "digest.h"

#include "sha256.h"

namespace strata {

bool Digest::isValidHex(QStringView hex)
{
    if (hex.size() != 64)
        return false;
    for (QChar c : hex) {
        if (!((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f')))
            return false;
    }
    return true;
}

Result<Digest> Digest::fromHex(QStringView hex)
{
    if (!isValidHex(hex))
        return fail(QStringLiteral("digest '%1' is not 64 lowercase hex digits").arg(hex.left(100)));
    Digest d;
    d.m_hex = hex.toString();
    return d;
}

Result<Digest> Digest::parse(QStringView text)
{
    if (!text.startsWith(u"sha256:"))
        return fail(QStringLiteral("digest '%1' is not a sha256 digest").arg(text.left(100)));
    auto hex = text.mid(7);
    if (!isValidHex(hex))
        return fail(QStringLiteral("digest '%1' is not 'sha256:' followed by 64 lowercase hex digits")
                        .arg(text.left(100)));
    Digest d;
    d.m_hex = hex.toString();
    return d;
}

Digest Digest::fromRaw(const unsigned char *bytes)
{
    static const char digits[] = "0123456789abcdef";
    char out[64];
    for (int i = 0; i < 32; ++i) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 0xf];
    }
    Digest d;
    d.m_hex = QString::fromLatin1(out, 64);
    return d;
}

QList<Digest> chainIds(const QList<Digest> &diffIds)
{
    QList<Digest> chains;
    chains.reserve(diffIds.size());
    for (const Digest &diff : diffIds) {
        if (chains.isEmpty())
            chains.append(diff);
        else
            chains.append(Sha256::of((chains.last().toString() + u' ' + diff.toString()).toLatin1()));
    }
    return chains;
}

} // namespace strata
