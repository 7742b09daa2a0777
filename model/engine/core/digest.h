#pragma once

#include "result.h"

#include <QHashFunctions>
#include <QList>
#include <QString>

namespace strata {

// A validated content digest. Only "sha256:" followed by 64 lowercase hex digits is accepted,
// so a Digest is always safe to use as a file name component.
class Digest {
public:
    Digest() = default;

    static Result<Digest> parse(QStringView text);
    static Result<Digest> fromHex(QStringView hex);
    static Digest fromRaw(const unsigned char *sha256Bytes);
    static bool isValidHex(QStringView hex);

    bool isNull() const { return m_hex.isEmpty(); }
    QString hex() const { return m_hex; }
    QString toString() const { return QStringLiteral("sha256:") + m_hex; }
    // 12 hex digits, as `docker images` prints image IDs.
    QString shortHex() const { return m_hex.left(12); }

    friend bool operator==(const Digest &a, const Digest &b) { return a.m_hex == b.m_hex; }
    friend bool operator!=(const Digest &a, const Digest &b) { return a.m_hex != b.m_hex; }
    friend bool operator<(const Digest &a, const Digest &b) { return a.m_hex < b.m_hex; }
    // The hex digits are uniformly random: sixteen of them (64 bits) hash as well as all 64,
    // at a quarter of the cost (the map hashes chain IDs tens of thousands of times a layout).
    friend size_t qHash(const Digest &d, size_t seed = 0) { return qHash(QStringView(d.m_hex).left(16), seed); }

private:
    QString m_hex;
};

// Chain IDs as the OCI image spec defines them: chain(L1) = diffID(L1),
// chain(Ln) = sha256(chain(Ln-1) + " " + diffID(Ln)).
QList<Digest> chainIds(const QList<Digest> &diffIds);

} // namespace strata
