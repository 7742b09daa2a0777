#pragma once

#include "digest.h"

#include <QByteArrayView>

#include <memory>

class QCryptographicHash;
typedef struct SHA256state_st SHA256_CTX;

namespace strata {

// Incremental SHA-256 over OpenSSL's SHA256 functions (much faster than QCryptographicHash,
// they use the CPU's SHA extensions). libcrypto is opened at the first Sha256 object, not
// linked; where it cannot be opened, QCryptographicHash does the work.
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256 &) = delete;
    Sha256 &operator=(const Sha256 &) = delete;

    void add(const void *data, size_t size);
    void add(QByteArrayView data) { add(data.data(), size_t(data.size())); }
    Digest finish();

    // Small data (a manifest, a config) through QCryptographicHash: a process that hashes only
    // such things never loads libcrypto.
    static Digest of(QByteArrayView data);

private:
    SHA256_CTX *m_ctx = nullptr;
    std::unique_ptr<QCryptographicHash> m_fallback;
};

} // namespace strata
