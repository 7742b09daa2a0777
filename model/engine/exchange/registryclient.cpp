#include "registryclient.h"

#include "reference.h"

#include "fsutil.h"
#include "sha256.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QSet>
#include <QUrl>
#include <QUrlQuery>

namespace strata {

// ---- references ------------------------------------------------------------------------------

Result<RegistryReference> RegistryReference::parse(const QString &text)
{
    RegistryReference ref;
    QString name = text;
    if (const qsizetype at = text.lastIndexOf(u'@'); at >= 0) {
        auto digest = Digest::parse(text.mid(at + 1));
        if (!digest)
            return fail(ErrorCode::InvalidInput, QStringLiteral("invalid reference '%1': %2").arg(text.left(300), digest.error()));
        ref.digest = digest.value();
        name = text.left(at);
    }
    // Reference checks the grammar of name[:tag] (and refuses an image ID for a name).
    auto parsed = Reference::parse(name);
    if (!parsed)
        return parsed.takeError();
    ref.tag = parsed->tag();
    const QString full = parsed->name();
    const qsizetype slash = full.indexOf(u'/');
    const QString first = slash < 0 ? QString() : full.left(slash);
    const bool isDomain = slash >= 0 && (first == QLatin1String("localhost") || first.contains(u'.') || first.contains(u':') || first.toLower() != first);
    ref.host = isDomain ? first : QStringLiteral("docker.io");
    if (ref.host == QLatin1String("index.docker.io") || ref.host == QLatin1String("registry-1.docker.io"))
        ref.host = QStringLiteral("docker.io");
    ref.repository = isDomain ? full.mid(slash + 1) : full;
    if (ref.host == QLatin1String("docker.io") && !ref.repository.contains(u'/'))
        ref.repository.prepend(QStringLiteral("library/"));
    if (ref.tag.isEmpty() && ref.digest.isNull())
        ref.tag = QStringLiteral("latest");
    return ref;
}

QString RegistryReference::apiHost() const
{
    return host == QLatin1String("docker.io") ? QStringLiteral("registry-1.docker.io") : host;
}

QString RegistryReference::storeTag() const
{
    if (tag.isEmpty())
        return {};
    QString name = host + u'/' + repository;
    if (host == QLatin1String("docker.io"))
        name = repository.startsWith(QLatin1String("library/")) ? repository.mid(8) : repository;
    return name + u':' + tag;
}

QString RegistryReference::toString() const
{
    QString s = host + u'/' + repository;
    if (!tag.isEmpty())
        s += u':' + tag;
    if (!digest.isNull())
        s += u'@' + digest.toString();
    return s;
}

bool RegistryReference::isLoopback(const QString &hostAndPort)
{
    QString h = hostAndPort;
    if (h.startsWith(u'[')) {
        h = h.mid(1, h.indexOf(u']') - 1);
    } else if (h.count(u':') == 1) {
        h = h.left(h.indexOf(u':'));
    }
    if (h == QLatin1String("localhost") || h == QLatin1String("::1"))
        return true;
    // 127.0.0.0/8, written as four decimal numbers.
    const QStringList parts = h.split(u'.');
    if (parts.size() != 4 || parts[0] != QLatin1String("127"))
        return false;
    for (const QString &p : parts) {
        bool ok = false;
        if (p.isEmpty() || p.size() > 3 || p.toUInt(&ok) > 255 || !ok)
            return false;
    }
    return true;
}

// ---- credentials -----------------------------------------------------------------------------

namespace {

    QString homeDir() { return QDir::homePath(); }

    Result<QJsonObject> readAuthJson(const QString &path)
    {
        QFile f(path);
        if (!f.exists())
            return QJsonObject();
        if (!f.open(QIODevice::ReadOnly))
            return fail(ErrorCode::Io, QStringLiteral("%1: %2").arg(path, f.errorString()));
        if (f.size() > 4 * 1024 * 1024)
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: over 4 MiB, not an auth file").arg(path));
        QJsonParseError perr;
        const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &perr);
        if (perr.error != QJsonParseError::NoError || !doc.isObject())
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: not a JSON object: %2").arg(path, perr.errorString()));
        return doc.object();
    }

    // The keys docker and podman use for a host: "host:port", and for Docker Hub its old URL.
    QStringList authKeys(const QString &host)
    {
        QStringList keys { host, QStringLiteral("https://") + host, QStringLiteral("http://") + host };
        if (host == QLatin1String("docker.io"))
            keys << QStringLiteral("https://index.docker.io/v1/") << QStringLiteral("index.docker.io") << QStringLiteral("registry-1.docker.io");
        return keys;
    }

    Result<RegistryCredentials::Login> loginIn(const QJsonObject &root, const QString &host, const QString &file)
    {
        const QJsonObject auths = root.value(QLatin1String("auths")).toObject();
        for (const QString &key : authKeys(host)) {
            const QJsonObject entry = auths.value(key).toObject();
            const QString auth = entry.value(QLatin1String("auth")).toString();
            if (auth.isEmpty())
                continue;
            const QByteArray decoded = QByteArray::fromBase64(auth.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
            const qsizetype colon = decoded.indexOf(':');
            if (colon <= 0)
                return fail(ErrorCode::InvalidInput, QStringLiteral("%1: the auth of %2 is not base64 of user:password").arg(file, key));
            return RegistryCredentials::Login { QString::fromUtf8(decoded.left(colon)), QString::fromUtf8(decoded.mid(colon + 1)) };
        }
        return RegistryCredentials::Login {};
    }

} // namespace

QString RegistryCredentials::authFile(const QString &explicitFile)
{
    if (!explicitFile.isEmpty())
        return explicitFile;
    if (const QString env = qEnvironmentVariable("REGISTRY_AUTH_FILE"); !env.isEmpty())
        return env;
    QString config = qEnvironmentVariable("XDG_CONFIG_HOME");
    if (config.isEmpty())
        config = homeDir() + QStringLiteral("/.config");
    return config + QStringLiteral("/strata/auth.json");
}

Result<RegistryCredentials::Login> RegistryCredentials::find(const QString &host, const QString &explicitFile)
{
    const QString file = authFile(explicitFile);
    auto own = readAuthJson(file);
    if (!own)
        return own.takeError();
    auto login = loginIn(own.value(), host, file);
    if (!login || !login->isEmpty() || !explicitFile.isEmpty())
        return login;
    const QString docker = homeDir() + QStringLiteral("/.docker/config.json");
    auto theirs = readAuthJson(docker);
    if (!theirs)
        return theirs.takeError();
    return loginIn(theirs.value(), host, docker);
}

Status RegistryCredentials::store(const QString &host, const Login &login, const QString &explicitFile)
{
    const QString file = authFile(explicitFile);
    auto root = readAuthJson(file);
    if (!root)
        return root.takeError();
    QJsonObject auths = root->value(QLatin1String("auths")).toObject();
    auths.insert(host, QJsonObject { { QStringLiteral("auth"), QString::fromLatin1((login.user + u':' + login.password).toUtf8().toBase64()) } });
    root->insert(QStringLiteral("auths"), auths);
    if (!QDir().mkpath(QFileInfo(file).absolutePath()))
        return fail(ErrorCode::Io, QStringLiteral("cannot make the folder of %1").arg(file));
    // Written 0600 from the start: the file never exists readable by others, even briefly.
    const QString tmp = file + QStringLiteral(".tmp");
    QFile out(tmp);
    out.remove();
    if (!out.open(QIODevice::WriteOnly | QIODevice::NewOnly, QFileDevice::ReadOwner | QFileDevice::WriteOwner))
        return fail(ErrorCode::Io, QStringLiteral("%1: %2").arg(tmp, out.errorString()));
    const QByteArray bytes = QJsonDocument(root.value()).toJson(QJsonDocument::Indented);
    if (out.write(bytes) != bytes.size() || !out.flush()) {
        out.remove();
        return fail(ErrorCode::Io, QStringLiteral("%1: %2").arg(tmp, out.errorString()));
    }
    out.close();
    STRATA_TRY(fs::fsyncPath(tmp));
    if (::rename(QFile::encodeName(tmp).constData(), QFile::encodeName(file).constData()) != 0) {
        const int err = errno;
        QFile::remove(tmp);
        return fail(ErrorCode::Io, QStringLiteral("%1: %2").arg(file, fs::errorText(err)));
    }
    return {};
}

Result<bool> RegistryCredentials::remove(const QString &host, const QString &explicitFile)
{
    const QString file = authFile(explicitFile);
    auto root = readAuthJson(file);
    if (!root)
        return root.takeError();
    QJsonObject auths = root->value(QLatin1String("auths")).toObject();
    bool removed = false;
    for (const QString &key : authKeys(host)) {
        removed = removed || auths.contains(key);
        auths.remove(key);
    }
    if (!removed)
        return false;
    root->insert(QStringLiteral("auths"), auths);
    STRATA_TRY(fs::writeFileAtomic(file, QJsonDocument(root.value()).toJson(QJsonDocument::Indented)));
    QFile::setPermissions(file, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return true;
}

Result<RegistryCredentials::Login> RegistryCredentials::parse(const QString &userColonPassword)
{
    const qsizetype colon = userColonPassword.indexOf(u':');
    if (colon <= 0)
        return fail(ErrorCode::InvalidInput, QStringLiteral("--creds wants USER:PASSWORD"));
    return Login { userColonPassword.left(colon), userColonPassword.mid(colon + 1) };
}

// ---- the client ------------------------------------------------------------------------------

struct RegistryClient::Shared {
    QString host; // as the reference names it
    QString apiHost;
    RegistryOptions options;
    TlsOptions tls;
    QString setupProblem;
    QMutex mutex; // guards what follows
    QString scheme; // "https" or "http", once known
    RegistryCredentials::Login login;
    bool basic = false; // the registry asked for Basic authentication
    QHash<QString, QByteArray> tokens; // scope -> bearer token
    QString base() const { return scheme + QStringLiteral("://") + apiHost; }
};

namespace {

    const QByteArray acceptManifests = QByteArrayLiteral(
        "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, "
        "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json");

    // RFC 7235 challenges as registries send them: scheme, then key="value" pairs.
    struct Challenge {
        QByteArray scheme;
        QHash<QByteArray, QByteArray> params;
    };

    Challenge parseChallenge(const QByteArray &header)
    {
        Challenge c;
        const QByteArray h = header.trimmed();
        const qsizetype space = h.indexOf(' ');
        c.scheme = (space < 0 ? h : h.left(space)).toLower();
        qsizetype i = space < 0 ? h.size() : space + 1;
        while (i < h.size()) {
            while (i < h.size() && (h[i] == ' ' || h[i] == ','))
                ++i;
            const qsizetype eq = h.indexOf('=', i);
            if (eq < 0)
                break;
            const QByteArray key = h.mid(i, eq - i).trimmed().toLower();
            i = eq + 1;
            QByteArray value;
            if (i < h.size() && h[i] == '"') {
                ++i;
                while (i < h.size() && h[i] != '"') {
                    if (h[i] == '\\' && i + 1 < h.size())
                        ++i;
                    value += h[i++];
                }
                ++i;
            } else {
                const qsizetype end = h.indexOf(',', i);
                value = h.mid(i, end < 0 ? -1 : end - i).trimmed();
                i = end < 0 ? h.size() : end;
            }
            c.params.insert(key, value);
        }
        return c;
    }

    QString hostPort(const QUrl &url)
    {
        return url.port() > 0 ? url.host() + u':' + QString::number(url.port()) : url.host();
    }

    QPair<QByteArray, QByteArray> basicAuthorization(const RegistryCredentials::Login &login)
    {
        return { QByteArrayLiteral("Authorization"), "Basic " + (login.user + u':' + login.password).toUtf8().toBase64() };
    }

    bool isRedirect(int status) { return status == 301 || status == 302 || status == 303 || status == 307 || status == 308; }

} // namespace

RegistryClient::RegistryClient(const QString &host, const RegistryOptions &options)
    : m_shared(std::make_shared<Shared>())
{
    Shared &s = *m_shared;
    s.host = host;
    s.apiHost = host == QLatin1String("docker.io") ? QStringLiteral("registry-1.docker.io") : host;
    s.options = options;
    s.tls.verify = options.tlsVerify;
    QStringList dirs;
    if (!options.certDir.isEmpty())
        dirs << options.certDir;
    else
        dirs << QStringLiteral("/etc/strata/certs.d/") + host << QStringLiteral("/etc/containers/certs.d/") + host << QStringLiteral("/etc/docker/certs.d/") + host;
    QStringList caFiles;
    for (const QString &dir : std::as_const(dirs)) {
        const QFileInfoList crts = QDir(dir).entryInfoList({ QStringLiteral("*.crt") }, QDir::Files, QDir::Name);
        for (const QFileInfo &f : crts)
            caFiles << f.absoluteFilePath();
        if (!crts.isEmpty())
            break;
    }
    if (!options.certDir.isEmpty() && caFiles.isEmpty())
        s.setupProblem = QStringLiteral("--cert-dir %1 holds no *.crt file").arg(options.certDir);
    // Read once, here: every worker's client shares the bundle.
    if (!caFiles.isEmpty()) {
        if (auto bundle = TlsOptions::withAuthorities(caFiles))
            s.tls.caBundle = bundle.value();
        else if (s.setupProblem.isEmpty())
            s.setupProblem = bundle.error();
    }
    if (!options.creds.isEmpty()) {
        auto login = RegistryCredentials::parse(options.creds);
        if (login)
            s.login = login.value();
        else
            s.setupProblem = login.error();
    } else if (auto login = RegistryCredentials::find(host, options.authFile)) {
        s.login = login.value();
    } else {
        s.setupProblem = login.error();
    }
    m_http = std::make_unique<HttpClient>(s.tls);
}

RegistryClient::~RegistryClient() = default;
RegistryClient::RegistryClient(RegistryClient &&) noexcept = default;

RegistryClient RegistryClient::worker() const
{
    RegistryClient c;
    c.m_shared = m_shared;
    c.m_http = std::make_unique<HttpClient>(m_shared->tls);
    return c;
}

QString RegistryClient::host() const
{
    return m_shared->host;
}

Status RegistryClient::ensureScheme()
{
    Shared &s = *m_shared;
    if (!s.setupProblem.isEmpty())
        return fail(ErrorCode::InvalidInput, s.setupProblem);
    {
        QMutexLocker lock(&s.mutex);
        if (!s.scheme.isEmpty())
            return {};
    }
    HttpRequest ping;
    ping.url = QStringLiteral("https://%1/v2/").arg(s.apiHost);
    auto answer = m_http->send(ping, 64 * 1024);
    QString scheme = QStringLiteral("https");
    if (!answer) {
        // An HTTPS port that speaks plain HTTP fails the handshake. Plain HTTP is for a
        // loopback registry, or one the user said not to verify; never silently elsewhere.
        const bool mayUseHttp = RegistryReference::isLoopback(s.host) || !s.options.tlsVerify;
        if (!m_http->lastFailedHandshake() || !mayUseHttp)
            return answer.takeError();
        ping.url = QStringLiteral("http://%1/v2/").arg(s.apiHost);
        auto plain = m_http->send(ping, 64 * 1024);
        if (!plain)
            return fail(answer.takeError(), QStringLiteral("(and over plain HTTP: %1) ").arg(plain.error()));
        scheme = QStringLiteral("http");
    }
    QMutexLocker lock(&s.mutex);
    s.scheme = scheme;
    return {};
}

Error RegistryClient::refusal(const HttpResponse &response, const QString &what) const
{
    QString detail;
    const QJsonObject body = QJsonDocument::fromJson(response.body).object();
    const QJsonArray errors = body.value(QLatin1String("errors")).toArray();
    if (!errors.isEmpty()) {
        const QJsonObject e = errors.first().toObject();
        detail = e.value(QLatin1String("code")).toString().left(100) + QStringLiteral(": ") + e.value(QLatin1String("message")).toString().left(300);
    }
    QString cause;
    switch (response.status) {
    case 401:
        cause = m_shared->login.isEmpty() ? QStringLiteral("authentication required (stratactl login %1)").arg(m_shared->host)
                                          : QStringLiteral("the registry refused the login of %1").arg(m_shared->login.user);
        break;
    case 403:
        cause = QStringLiteral("access denied");
        break;
    case 404:
        cause = QStringLiteral("not found");
        break;
    case 429:
        cause = QStringLiteral("too many requests: the registry asks to wait");
        break;
    default:
        cause = QStringLiteral("the registry answered HTTP %1").arg(response.status);
    }
    if (!detail.isEmpty())
        cause += QStringLiteral(" (%1)").arg(detail);
    const ErrorCode code = response.status == 404 ? ErrorCode::NotFound : ErrorCode::Failed;
    return fail(code, QStringLiteral("%1: %2").arg(what, cause));
}

Result<HttpResponse> RegistryClient::once(HttpRequest request, qint64 maxBody, const HttpClient::Sink *sink)
{
    QSet<QString> seen { request.url };
    const QString originalHost = hostPort(QUrl(request.url));
    for (int redirects = 0;; ++redirects) {
        auto answer = sink ? m_http->stream(request, *sink) : m_http->send(request, maxBody);
        if (!answer || !isRedirect(answer->status) || answer->redirectUrl.isEmpty())
            return answer;
        if (request.method != "GET" && request.method != "HEAD")
            return answer; // an upload's 3xx is the caller's to read
        const QUrl from(request.url);
        const QUrl to(answer->redirectUrl);
        if (redirects >= 10)
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: more than 10 redirects").arg(QUrl(request.url).toDisplayString(QUrl::RemoveQuery)));
        if (seen.contains(answer->redirectUrl))
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: the redirects form a loop").arg(to.toDisplayString(QUrl::RemoveQuery)));
        if (to.scheme() != QLatin1String("https") && to.scheme() != QLatin1String("http"))
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: a redirect to '%2', not HTTP").arg(from.toDisplayString(QUrl::RemoveQuery), to.scheme().left(20)));
        if (from.scheme() == QLatin1String("https") && to.scheme() == QLatin1String("http") && !RegistryReference::isLoopback(hostPort(to)) && m_shared->options.tlsVerify)
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: a redirect from HTTPS to plain HTTP (%2)").arg(from.toDisplayString(QUrl::RemoveQuery), hostPort(to)));
        seen.insert(answer->redirectUrl);
        request.url = answer->redirectUrl;
        // Blob storage elsewhere gets no credentials meant for the registry.
        if (hostPort(to) != originalHost)
            request.headers.removeIf([](const QPair<QByteArray, QByteArray> &h) { return h.first.compare("Authorization", Qt::CaseInsensitive) == 0; });
    }
}

Status RegistryClient::authenticate(const QByteArray &header, const QString &scope, const QString &what)
{
    Shared &s = *m_shared;
    const Challenge challenge = parseChallenge(header);
    QMutexLocker lock(&s.mutex);
    const RegistryCredentials::Login login = s.login;
    lock.unlock();
    if (challenge.scheme == "basic") {
        if (login.isEmpty())
            return fail(ErrorCode::Failed, QStringLiteral("%1: authentication required (stratactl login %2)").arg(what, s.host));
        lock.relock();
        s.basic = true;
        return {};
    }
    if (challenge.scheme != "bearer")
        return fail(ErrorCode::InvalidInput, QStringLiteral("%1: the registry asks for authentication of a kind Strata does not speak ('%2')").arg(what, QString::fromLatin1(challenge.scheme.left(40))));
    const QUrl realm(QString::fromUtf8(challenge.params.value("realm")));
    if (!realm.isValid() || (realm.scheme() != QLatin1String("https") && realm.scheme() != QLatin1String("http")) || realm.host().isEmpty())
        return fail(ErrorCode::InvalidInput, QStringLiteral("%1: the token realm '%2' is not an HTTP(S) address").arg(what, QString::fromUtf8(challenge.params.value("realm").left(200))));
    const bool sameHost = hostPort(realm) == s.apiHost;
    if (realm.scheme() == QLatin1String("http") && !sameHost)
        return fail(ErrorCode::InvalidInput, QStringLiteral("%1: the token endpoint %2 is on another host over plain HTTP; Strata does not send a login there")
                                                 .arg(what, realm.toDisplayString(QUrl::RemoveQuery)));
    QUrl url = realm;
    QUrlQuery query(realm);
    if (challenge.params.contains("service"))
        query.addQueryItem(QStringLiteral("service"), QString::fromUtf8(challenge.params.value("service")));
    for (const QString &sc : scope.split(u' ', Qt::SkipEmptyParts))
        query.addQueryItem(QStringLiteral("scope"), sc);
    url.setQuery(query);
    HttpRequest request;
    request.url = url.toString(QUrl::FullyEncoded);
    if (!login.isEmpty())
        request.headers.append(basicAuthorization(login));
    auto answer = once(request, maxTokenBytes, nullptr);
    if (!answer)
        return fail(answer.takeError(), QStringLiteral("%1: token: ").arg(what));
    if (answer->status == 401 || answer->status == 403)
        return fail(ErrorCode::Failed, login.isEmpty() ? QStringLiteral("%1: authentication required (stratactl login %2)").arg(what, s.host)
                                                       : QStringLiteral("%1: the registry refused the login of %2").arg(what, login.user));
    if (answer->status != 200)
        return refusal(answer.value(), QStringLiteral("%1: token from %2").arg(what, realm.toDisplayString(QUrl::RemoveQuery)));
    const QJsonObject json = QJsonDocument::fromJson(answer->body).object();
    QString token = json.value(QLatin1String("token")).toString();
    if (token.isEmpty())
        token = json.value(QLatin1String("access_token")).toString();
    if (token.isEmpty() || token.size() > 64 * 1024)
        return fail(ErrorCode::InvalidInput, QStringLiteral("%1: the token endpoint %2 gave no token").arg(what, realm.toDisplayString(QUrl::RemoveQuery)));
    lock.relock();
    s.tokens.insert(scope, token.toUtf8());
    return {};
}

Result<HttpResponse> RegistryClient::call(HttpRequest request, const QString &repository, Access access, qint64 maxBody, const HttpClient::Sink *sink,
    const QString &mountFrom)
{
    STRATA_TRY(ensureScheme());
    Shared &s = *m_shared;
    QString scope = QStringLiteral("repository:%1:%2").arg(repository, access == Access::Push ? QStringLiteral("pull,push") : QStringLiteral("pull"));
    if (!mountFrom.isEmpty())
        scope += QStringLiteral(" repository:%1:pull").arg(mountFrom);
    if (!request.url.startsWith(QLatin1String("http")))
        request.url = s.base() + request.url;
    const QString what = QUrl(request.url).toDisplayString(QUrl::RemoveQuery | QUrl::RemoveScheme).mid(2);
    // A location on another host (an upload handed to storage elsewhere) gets no credentials
    // meant for the registry, as redirects do not (once()).
    const bool registryHost = hostPort(QUrl(request.url)) == s.apiHost;
    for (int attempt = 0;; ++attempt) {
        HttpRequest r = request;
        if (registryHost) {
            QMutexLocker lock(&s.mutex);
            if (const QByteArray token = s.tokens.value(scope); !token.isEmpty())
                r.headers.append(qMakePair(QByteArray("Authorization"), QByteArray("Bearer " + token)));
            else if (s.basic && !s.login.isEmpty())
                r.headers.append(basicAuthorization(s.login));
        }
        auto answer = once(r, maxBody, sink);
        if (!answer)
            return answer;
        if (answer->status != 401 || attempt > 0 || !registryHost)
            return answer;
        const QByteArray challenge = answer->header("www-authenticate");
        if (challenge.isEmpty())
            return refusal(answer.value(), what);
        STRATA_TRY(authenticate(challenge, scope, what));
    }
}

Result<HttpResponse> RegistryClient::expect(Result<HttpResponse> answer, int status, const QString &what) const
{
    if (!answer)
        return fail(answer.takeError(), QStringLiteral("%1: ").arg(what));
    if (answer->status != status)
        return refusal(answer.value(), what);
    return answer;
}

Status RegistryClient::checkLogin()
{
    STRATA_TRY(ensureScheme());
    HttpRequest request;
    request.url = m_shared->base() + QStringLiteral("/v2/");
    const RegistryCredentials::Login login = m_shared->login;
    if (!login.isEmpty())
        request.headers.append(basicAuthorization(login));
    auto answer = once(request, 64 * 1024, nullptr);
    if (!answer)
        return answer.takeError();
    if (answer->status == 200)
        return {};
    if (answer->status != 401 || parseChallenge(answer->header("www-authenticate")).scheme != "bearer")
        return refusal(answer.value(), m_shared->host); // Basic credentials sent and refused, or another refusal
    // A token registry: the login is good when its token endpoint takes it.
    return authenticate(answer->header("www-authenticate"), QString(), m_shared->host);
}

Result<RegistryClient::Manifest> RegistryClient::manifest(const QString &repository, const QString &tagOrDigest)
{
    HttpRequest request;
    request.url = QStringLiteral("/v2/%1/manifests/%2").arg(repository, tagOrDigest);
    request.headers.append(qMakePair(QByteArray("Accept"), QByteArray(acceptManifests)));
    const QString what = QStringLiteral("manifest %1%2%3").arg(repository, tagOrDigest.startsWith(QLatin1String("sha256:")) ? QStringLiteral("@") : QStringLiteral(":"), tagOrDigest);
    auto answer = expect(call(request, repository, Access::Pull, maxManifestBytes, nullptr), 200, what);
    if (!answer)
        return answer.takeError();
    Manifest m;
    m.bytes = answer->body;
    m.digest = Sha256::of(m.bytes);
    QByteArray type = answer->header("content-type");
    if (const qsizetype semi = type.indexOf(';'); semi >= 0)
        type = type.left(semi);
    m.mediaType = QString::fromLatin1(type.trimmed());
    if (auto asked = Digest::parse(tagOrDigest); asked && asked.value() != m.digest)
        return fail(ErrorCode::InvalidInput, QStringLiteral("%1: the registry sent a manifest that hashes to %2").arg(what, m.digest.toString()));
    if (const QByteArray said = answer->header("docker-content-digest"); !said.isEmpty()) {
        auto d = Digest::parse(QString::fromLatin1(said));
        if (d && d.value() != m.digest)
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: Docker-Content-Digest says %2, but the manifest hashes to %3").arg(what, d->toString(), m.digest.toString()));
    }
    return m;
}

Status RegistryClient::blob(const QString &repository, const Digest &digest, const HttpClient::Sink &sink)
{
    HttpRequest request;
    request.url = QStringLiteral("/v2/%1/blobs/%2").arg(repository, digest.toString());
    const QString what = QStringLiteral("blob %1").arg(digest.toString());
    STRATA_TRY(expect(call(request, repository, Access::Pull, 0, &sink), 200, what));
    return {};
}

Result<QByteArray> RegistryClient::blobBytes(const QString &repository, const Descriptor &blob, qint64 maxBytes)
{
    const QString what = QStringLiteral("blob %1").arg(blob.digest.toString());
    if (blob.size > maxBytes)
        return fail(ErrorCode::InvalidInput, QStringLiteral("%1: its descriptor says %2 bytes, over the %3 allowed").arg(what).arg(blob.size).arg(maxBytes));
    QByteArray bytes;
    HttpClient::Sink sink = [&](const char *data, qint64 size) -> Status {
        if (bytes.size() + size > blob.size)
            return fail(ErrorCode::InvalidInput, QStringLiteral("more bytes than the %1 its descriptor says").arg(blob.size));
        bytes.append(data, qsizetype(size));
        return {};
    };
    STRATA_TRY(this->blob(repository, blob.digest, sink));
    if (bytes.size() != blob.size)
        return fail(ErrorCode::InvalidInput, QStringLiteral("%1: %2 bytes arrived, its descriptor says %3").arg(what).arg(bytes.size()).arg(blob.size));
    if (const Digest got = Sha256::of(bytes); got != blob.digest)
        return fail(ErrorCode::InvalidInput, QStringLiteral("%1: the bytes that arrived hash to %2").arg(what, got.toString()));
    return bytes;
}

Result<bool> RegistryClient::hasBlob(const QString &repository, const Digest &digest)
{
    HttpRequest request;
    request.method = "HEAD";
    request.url = QStringLiteral("/v2/%1/blobs/%2").arg(repository, digest.toString());
    auto answer = call(request, repository, Access::Push, 0, nullptr);
    if (!answer)
        return answer.takeError();
    if (answer->status == 200)
        return true;
    if (answer->status == 404)
        return false;
    return refusal(answer.value(), QStringLiteral("blob %1").arg(digest.toString()));
}

Result<bool> RegistryClient::mountBlob(const QString &repository, const Digest &digest, const QString &fromRepository)
{
    HttpRequest request;
    request.method = "POST";
    request.url = QStringLiteral("/v2/%1/blobs/uploads/?mount=%2&from=%3").arg(repository, digest.toString(), QString::fromLatin1(QUrl::toPercentEncoding(fromRepository)));
    auto answer = call(request, repository, Access::Push, 64 * 1024, nullptr, fromRepository);
    if (!answer)
        return answer.takeError();
    if (answer->status == 201)
        return true;
    if (answer->status == 202)
        return false; // it started an upload instead (the blob is not there, or not for us)
    return refusal(answer.value(), QStringLiteral("mount of blob %1 from %2").arg(digest.toString(), fromRepository));
}

Status RegistryClient::uploadBlob(const QString &repository, const Digest &digest, qint64 size, const std::function<Result<qint64>(char *, qint64)> &source)
{
    const QString what = QStringLiteral("upload of blob %1").arg(digest.toString());
    HttpRequest start;
    start.method = "POST";
    start.url = QStringLiteral("/v2/%1/blobs/uploads/").arg(repository);
    auto started = expect(call(start, repository, Access::Push, 64 * 1024, nullptr), 202, what);
    if (!started)
        return started.takeError();
    const QString location = QString::fromUtf8(started->header("location"));
    if (location.isEmpty())
        return fail(ErrorCode::InvalidInput, QStringLiteral("%1: the registry gave no upload location").arg(what));
    QUrl url = QUrl(m_shared->base() + QStringLiteral("/")).resolved(QUrl(location));
    if (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http"))
        return fail(ErrorCode::InvalidInput, QStringLiteral("%1: the upload location '%2' is not HTTP").arg(what, location.left(200)));
    QUrlQuery query(url);
    query.addQueryItem(QStringLiteral("digest"), digest.toString());
    url.setQuery(query);
    HttpRequest put;
    put.method = "PUT";
    put.url = url.toString(QUrl::FullyEncoded);
    put.headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/octet-stream")));
    put.bodyLength = size;
    put.bodySource = source;
    if (size == 0)
        put.body = QByteArray(); // an empty blob: PUT with no body
    STRATA_TRY(expect(call(put, repository, Access::Push, 64 * 1024, nullptr), 201, what));
    return {};
}

Status RegistryClient::putManifest(const QString &repository, const QString &tag, const QByteArray &bytes, const QString &mediaType)
{
    HttpRequest put;
    put.method = "PUT";
    put.url = QStringLiteral("/v2/%1/manifests/%2").arg(repository, tag);
    put.headers.append(qMakePair(QByteArray("Content-Type"), QByteArray(mediaType.toLatin1())));
    put.body = bytes;
    const QString what = QStringLiteral("manifest %1:%2").arg(repository, tag);
    STRATA_TRY(expect(call(put, repository, Access::Push, 64 * 1024, nullptr), 201, what));
    return {};
}

} // namespace strata
