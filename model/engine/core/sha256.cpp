#include "sha256.h"

#include <openssl/evp.h>

namespace strata {

Sha256::Sha256()
    : m_ctx(EVP_MD_CTX_new())
{
    EVP_DigestInit_ex(m_ctx, EVP_sha256(), nullptr);
}

Sha256::~Sha256()
{
    EVP_MD_CTX_free(m_ctx);
}

void Sha256::add(const void *data, size_t size)
{
    EVP_DigestUpdate(m_ctx, data, size);
}

Digest Sha256::finish()
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(m_ctx, out, &len);
    EVP_DigestInit_ex(m_ctx, EVP_sha256(), nullptr);
    return Digest::fromRaw(out);
}

Digest Sha256::of(QByteArrayView data)
{
    Sha256 h;
    h.add(data);
    return h.finish();
}

} // namespace strata
