// The SHA256_* functions, deprecated in OpenSSL 3 in favour of EVP, run the same assembly as
// EVP's sha256 at the same speed; but the first EVP digest of a process initialises OpenSSL's
// providers (its configuration file, the default provider, the table of every algorithm's
// names): 0.9 ms here, a tenth of a whole `run --rm` of a container that hashes two small blobs.
#define OPENSSL_SUPPRESS_DEPRECATED

#include "sha256.h"

#include <QCryptographicHash>

#include <dlfcn.h>
#include <openssl/opensslv.h>
#include <openssl/sha.h>

namespace strata {

namespace {

    // libcrypto's SHA256 functions, opened when first needed rather than linked: loading it
    // and its relocations is 0.4 ms of the start of every process, `stratactl run` included,
    // which hashes only small blobs.
    struct Crypto {
        decltype(&SHA256_Init) init = nullptr;
        decltype(&SHA256_Update) update = nullptr;
        decltype(&SHA256_Final) final = nullptr;
    };

    const Crypto *crypto()
    {
        static const Crypto loaded = [] {
            Crypto c;
            void *lib = dlopen("libcrypto.so." QT_STRINGIFY(OPENSSL_SHLIB_VERSION), RTLD_NOW | RTLD_LOCAL);
            if (!lib)
                return c;
            c.init = reinterpret_cast<decltype(&SHA256_Init)>(dlsym(lib, "SHA256_Init"));
            c.update = reinterpret_cast<decltype(&SHA256_Update)>(dlsym(lib, "SHA256_Update"));
            c.final = reinterpret_cast<decltype(&SHA256_Final)>(dlsym(lib, "SHA256_Final"));
            return c;
        }();
        return loaded.init && loaded.update && loaded.final ? &loaded : nullptr;
    }

    // Below this, QCryptographicHash costs less than opening libcrypto.
    constexpr qsizetype smallData = 16 * 1024;

} // namespace

Sha256::Sha256()
{
    if (const Crypto *c = crypto()) {
        m_ctx = new SHA256_CTX;
        c->init(m_ctx);
    } else {
        m_fallback = std::make_unique<QCryptographicHash>(QCryptographicHash::Sha256);
    }
}

Sha256::~Sha256()
{
    delete m_ctx;
}

void Sha256::add(const void *data, size_t size)
{
    if (m_ctx)
        crypto()->update(m_ctx, data, size);
    else
        m_fallback->addData(QByteArrayView(static_cast<const char *>(data), qsizetype(size)));
}

Digest Sha256::finish()
{
    if (!m_ctx) {
        const QByteArray out = m_fallback->result();
        m_fallback->reset();
        return Digest::fromRaw(reinterpret_cast<const unsigned char *>(out.constData()));
    }
    unsigned char out[SHA256_DIGEST_LENGTH];
    crypto()->final(out, m_ctx);
    crypto()->init(m_ctx);
    return Digest::fromRaw(out);
}

Digest Sha256::of(QByteArrayView data)
{
    if (data.size() <= smallData) {
        const QByteArray out = QCryptographicHash::hash(data, QCryptographicHash::Sha256);
        return Digest::fromRaw(reinterpret_cast<const unsigned char *>(out.constData()));
    }
    Sha256 h;
    h.add(data);
    return h.finish();
}

} // namespace strata
