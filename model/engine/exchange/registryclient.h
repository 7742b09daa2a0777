#pragma once

#include "httpclient.h"
#include "imagetypes.h"
#include "result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <memory>

namespace strata {

// A reference to an image in a registry, read as Docker reads what a user types
// (distribution/reference's ParseNormalizedNamed): [host[:port]/]path[:tag][@sha256:…]. No host:
// Docker Hub, and a one-component path there is under library/. No tag and no digest: latest.
struct RegistryReference {
    QString host; // "docker.io", "127.0.0.1:5000"
    QString repository; // "library/busybox", "strata/demo"
    QString tag; // empty when only a digest was given
    Digest digest;

    static Result<RegistryReference> parse(const QString &text);
    // The host the API is served from (Docker Hub's is registry-1.docker.io).
    QString apiHost() const;
    // name:tag as the store keeps it and docker shows it: "busybox:latest" for Docker Hub's
    // library, "127.0.0.1:5000/strata/demo:1" elsewhere; empty for a reference by digest only.
    QString storeTag() const;
    // For messages: as the user would type it.
    QString toString() const;
    static bool isLoopback(const QString &host);
};

// Where a registry's credentials are kept: an auth file in docker's config.json format
// ({"auths": {"host": {"auth": base64("user:password")}}}), written mode 0600.
namespace RegistryCredentials {
    struct Login {
        QString user;
        QString password;
        bool isEmpty() const { return user.isEmpty(); }
    };
    // `authFile`, else $REGISTRY_AUTH_FILE, else $XDG_CONFIG_HOME/strata/auth.json.
    QString authFile(const QString &explicitFile = {});
    // The login for `host` from the auth file, else from ~/.docker/config.json (its auths;
    // credential helpers are not run). Empty when there is none.
    Result<Login> find(const QString &host, const QString &explicitFile = {});
    Status store(const QString &host, const Login &login, const QString &explicitFile = {});
    // Whether an entry was there to remove.
    Result<bool> remove(const QString &host, const QString &explicitFile = {});
    // "user:password" (--creds).
    Result<Login> parse(const QString &userColonPassword);
}

struct RegistryOptions {
    QString certDir; // --cert-dir: ca.crt and *.crt trusted for this registry
    bool tlsVerify = true; // false: an unverified certificate, or plain HTTP, is accepted
    QString creds; // --creds user:password
    QString authFile; // --authfile
    QString platform; // --platform os/arch[/variant]; empty: this host's
};

// One registry, spoken to with the distribution API: its scheme (HTTPS; HTTP only for a
// loopback host whose port does not speak TLS, or when told not to verify), its
// authentication (anonymous, Basic, Bearer tokens from the WWW-Authenticate realm) and its
// redirects (at most 10, no loops; credentials are not sent to another host).
//
// Threads: one RegistryClient per thread; worker() makes one for another thread that shares
// this one's scheme, login and tokens.
class RegistryClient {
public:
    RegistryClient(const QString &host, const RegistryOptions &options);
    ~RegistryClient();
    RegistryClient worker() const;
    RegistryClient(RegistryClient &&) noexcept;

    QString host() const;

    static constexpr qint64 maxManifestBytes = 4 * 1024 * 1024;
    static constexpr qint64 maxConfigBytes = 8 * 1024 * 1024;
    static constexpr qint64 maxTokenBytes = 1024 * 1024;

    // GET /v2/ with the login: fails when the registry refuses it (stratactl login).
    Status checkLogin();

    struct Manifest {
        QByteArray bytes;
        QString mediaType;
        Digest digest;
    };
    // A manifest or index by tag or digest, its digest checked against the one asked for and
    // against Docker-Content-Digest.
    Result<Manifest> manifest(const QString &repository, const QString &tagOrDigest);
    // A blob of at most `maxBytes` in memory (a config), its size and digest checked.
    Result<QByteArray> blobBytes(const QString &repository, const Descriptor &blob, qint64 maxBytes);
    // A blob into `sink` as it arrives; the caller checks size and digest (it may hash as it goes).
    Status blob(const QString &repository, const Digest &digest, const HttpClient::Sink &sink);

    // HEAD: whether the repository has the blob.
    Result<bool> hasBlob(const QString &repository, const Digest &digest);
    // Cross-repository mount: true when the registry mounted it (201), false when it did not.
    Result<bool> mountBlob(const QString &repository, const Digest &digest, const QString &fromRepository);
    // Monolithic upload: POST then PUT ?digest=, with `size` bytes pulled from `source`.
    Status uploadBlob(const QString &repository, const Digest &digest, qint64 size, const std::function<Result<qint64>(char *, qint64)> &source);
    Status putManifest(const QString &repository, const QString &tag, const QByteArray &bytes, const QString &mediaType);

private:
    RegistryClient() = default;
    struct Shared;
    enum class Access { Pull, Push };
    Result<HttpResponse> call(HttpRequest request, const QString &repository, Access access, qint64 maxBody, const HttpClient::Sink *sink,
        const QString &mountFrom = {});
    Result<HttpResponse> once(HttpRequest request, qint64 maxBody, const HttpClient::Sink *sink);
    Status ensureScheme();
    Status authenticate(const QByteArray &challenge, const QString &scope, const QString &what);
    Error refusal(const HttpResponse &response, const QString &what) const;
    // `answer` when it came with `status`; else its error, or the registry's refusal, naming `what`.
    Result<HttpResponse> expect(Result<HttpResponse> answer, int status, const QString &what) const;

    std::shared_ptr<Shared> m_shared;
    std::unique_ptr<HttpClient> m_http;
};

} // namespace strata
