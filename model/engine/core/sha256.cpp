// The SHA256_* functions, deprecated in OpenSSL 3 in favour of EVP, run the same assembly as
// EVP's sha256 at the same speed; but the first EVP digest of a process initialises OpenSSL's
// providers (its configuration file, the default provider, the table of every algorithm's
// names): 0.9 ms here, a tenth of a whole `run --rm` of a container that hashes two small blobs.
#define OPENSSL_SUPPRESS_DEPRECATED

#include "sha256.h"

#include <openssl/sha.h>

namespace strata {

Sha256::Sha256()
    : m_ctx(new SHA256_CTX)
{
    SHA256_Init(m_ctx);
}

Sha256::~Sha256()
{
    delete m_ctx;
}

void Sha256::add(const void *data, size_t size)
{
    SHA256_Update(m_ctx, data, size);
}

Digest Sha256::finish()
{
    unsigned char out[SHA256_DIGEST_LENGTH];
    SHA256_Final(out, m_ctx);
    SHA256_Init(m_ctx);
    return Digest::fromRaw(out);
}

Digest Sha256::of(QByteArrayView data)
{
    Sha256 h;
    h.add(data);
    return h.finish();
}

} // namespace strata
