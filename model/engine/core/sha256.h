#pragma once

#include "digest.h"

#include <QByteArrayView>

typedef struct evp_md_ctx_st EVP_MD_CTX;

namespace strata {

// Incremental SHA-256 over OpenSSL's EVP interface (much faster than QCryptographicHash,
// it uses the CPU's SHA extensions).
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256 &) = delete;
    Sha256 &operator=(const Sha256 &) = delete;

    void add(const void *data, size_t size);
    void add(QByteArrayView data) { add(data.data(), size_t(data.size())); }
    Digest finish();

    static Digest of(QByteArrayView data);

private:
    EVP_MD_CTX *m_ctx;
};

} // namespace strata
