#include "httpclient.h"

#include <QFile>
#include <QUrl>

#include <curl/curl.h>

#include <cstring>
#include <dlfcn.h>
#include <mutex>

namespace strata {

namespace {

    // libcurl 4's soname (Debian's libcurl4, built with OpenSSL), opened on first use: linking it
    // would load it and its dozen libraries into every process of Strata at start-up.
    constexpr const char *libraryName = "libcurl.so.4";

    struct Curl {
        decltype(&curl_global_init) globalInit = nullptr;
        decltype(&curl_easy_init) init = nullptr;
        decltype(&curl_easy_setopt) setopt = nullptr; // variadic: called through the pointer as declared
        decltype(&curl_easy_perform) perform = nullptr;
        decltype(&curl_easy_getinfo) getinfo = nullptr;
        decltype(&curl_easy_reset) reset = nullptr;
        decltype(&curl_easy_cleanup) cleanup = nullptr;
        decltype(&curl_easy_strerror) strerror = nullptr;
        decltype(&curl_slist_append) slistAppend = nullptr;
        decltype(&curl_slist_free_all) slistFree = nullptr;
        QString problem;
    };

    const Curl &curl()
    {
        static const Curl loaded = [] {
            Curl c;
            void *lib = dlopen(libraryName, RTLD_NOW | RTLD_LOCAL);
            if (!lib) {
                c.problem = QStringLiteral("cannot load %1, which Strata talks to registries with (Debian: apt install libcurl4): %2")
                                .arg(QLatin1String(libraryName), QString::fromLocal8Bit(dlerror()));
                return c;
            }
            auto get = [&](auto &pointer, const char *name) {
                pointer = reinterpret_cast<std::remove_reference_t<decltype(pointer)>>(dlsym(lib, name));
                if (!pointer && c.problem.isEmpty())
                    c.problem = QStringLiteral("%1 has no %2").arg(QLatin1String(libraryName), QLatin1String(name));
            };
            get(c.globalInit, "curl_global_init");
            get(c.init, "curl_easy_init");
            get(c.setopt, "curl_easy_setopt");
            get(c.perform, "curl_easy_perform");
            get(c.getinfo, "curl_easy_getinfo");
            get(c.reset, "curl_easy_reset");
            get(c.cleanup, "curl_easy_cleanup");
            get(c.strerror, "curl_easy_strerror");
            get(c.slistAppend, "curl_slist_append");
            get(c.slistFree, "curl_slist_free_all");
            if (c.problem.isEmpty() && c.globalInit(CURL_GLOBAL_DEFAULT) != CURLE_OK)
                c.problem = QStringLiteral("%1 would not start").arg(QLatin1String(libraryName));
            return c;
        }();
        return loaded;
    }

    // The system's trusted authorities, for a CA bundle that adds private ones to them.
    QByteArray systemCaBundle()
    {
        for (const char *path : { "/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt" }) {
            QFile f(QString::fromLatin1(path));
            if (f.open(QIODevice::ReadOnly))
                return f.read(64 * 1024 * 1024);
        }
        return {};
    }

    constexpr qint64 errorBodyLimit = 64 * 1024;

    // One transfer's state, seen by libcurl's callbacks.
    struct Transfer {
        const HttpRequest *request = nullptr;
        HttpResponse *response = nullptr;
        const HttpClient::Sink *sink = nullptr;
        qint64 maxBody = 0;
        qint64 headerBytes = 0;
        qint64 bodyBytes = 0;
        qint64 sent = 0;
        bool streaming = false; // the status line said 2xx and a sink takes the body
        QString abortReason; // set by a callback that stopped the transfer
        bool errorPageCut = false; // an error answer's body was cut at errorBodyLimit: its status says what went wrong
    };

    size_t onHeader(char *data, size_t size, size_t count, void *user)
    {
        auto *t = static_cast<Transfer *>(user);
        const size_t n = size * count;
        t->headerBytes += qint64(n);
        if (t->headerBytes > HttpClient::maxHeaderBytes) {
            t->abortReason = QStringLiteral("the answer's headers are over %1 KiB").arg(HttpClient::maxHeaderBytes / 1024);
            return 0;
        }
        const QByteArray line = QByteArray(data, qsizetype(n)).trimmed();
        if (line.startsWith("HTTP/")) {
            // A new answer (after a 100 Continue, say): its headers replace the last one's.
            t->response->headers.clear();
            const QList<QByteArray> parts = line.split(' ');
            t->response->status = parts.size() > 1 ? parts[1].toInt() : 0;
            return n;
        }
        const qsizetype colon = line.indexOf(':');
        if (colon > 0) {
            const QByteArray name = line.left(colon).trimmed().toLower();
            const QByteArray value = line.mid(colon + 1).trimmed();
            t->response->headers.append({ name, value });
            if (name == "content-length") {
                bool ok = false;
                const qint64 length = value.toLongLong(&ok);
                const bool success = t->response->status >= 200 && t->response->status < 300;
                if (ok && success && !t->sink && t->request->method != "HEAD" && length > t->maxBody) {
                    t->abortReason = QStringLiteral("the answer is %1 bytes, over the %2 bytes allowed").arg(length).arg(t->maxBody);
                    return 0;
                }
            }
        }
        return n;
    }

    size_t onBody(char *data, size_t size, size_t count, void *user)
    {
        auto *t = static_cast<Transfer *>(user);
        const size_t n = size * count;
        const bool success = t->response->status >= 200 && t->response->status < 300;
        if (t->sink && success) {
            t->bodyBytes += qint64(n);
            if (Status s = (*t->sink)(data, qint64(n)); !s) {
                t->abortReason = s.error();
                return 0;
            }
            return n;
        }
        const qint64 limit = success ? t->maxBody : errorBodyLimit;
        if (t->bodyBytes + qint64(n) > limit) {
            if (!success) { // an error page: keep its start for the message, read no more
                t->response->body.append(data, qsizetype(limit - t->bodyBytes));
                t->bodyBytes = limit;
                t->errorPageCut = true;
                return 0;
            }
            t->abortReason = QStringLiteral("the answer is over the %1 bytes allowed").arg(t->maxBody);
            return 0;
        }
        t->bodyBytes += qint64(n);
        t->response->body.append(data, qsizetype(n));
        return n;
    }

    size_t onRead(char *buffer, size_t size, size_t count, void *user)
    {
        auto *t = static_cast<Transfer *>(user);
        const qint64 capacity = qint64(size * count);
        if (t->request->bodySource) {
            auto got = t->request->bodySource(buffer, capacity);
            if (!got) {
                t->abortReason = got.error();
                return CURL_READFUNC_ABORT;
            }
            t->sent += got.value();
            return size_t(got.value());
        }
        const qint64 n = std::min<qint64>(capacity, t->request->body.size() - t->sent);
        std::memcpy(buffer, t->request->body.constData() + t->sent, size_t(n));
        t->sent += n;
        return size_t(n);
    }

} // namespace

QByteArray HttpResponse::header(const QByteArray &lowercaseName) const
{
    for (const auto &[name, value] : headers)
        if (name == lowercaseName)
            return value;
    return {};
}

Result<QByteArray> TlsOptions::withAuthorities(const QStringList &caFiles)
{
    QByteArray bundle = systemCaBundle();
    for (const QString &path : caFiles) {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return fail(ErrorCode::InvalidInput, QStringLiteral("certificate authority %1: %2").arg(path, f.errorString()));
        bundle += '\n' + f.read(4 * 1024 * 1024) + '\n';
    }
    return bundle;
}

struct HttpClient::Impl {
    TlsOptions tls;
    CURL *handle = nullptr;
};

HttpClient::HttpClient(TlsOptions tls)
    : d(std::make_unique<Impl>())
{
    d->tls = std::move(tls);
}

HttpClient::~HttpClient()
{
    if (d->handle)
        curl().cleanup(d->handle);
}

int HttpClient::stallSeconds()
{
    bool ok = false;
    const int v = qEnvironmentVariableIntValue("STRATA_REGISTRY_STALL_SECONDS", &ok);
    return ok && v > 0 ? v : 30;
}

Status HttpClient::available()
{
    if (!curl().problem.isEmpty())
        return fail(ErrorCode::Failed, curl().problem);
    return {};
}

Result<HttpResponse> HttpClient::send(const HttpRequest &request, qint64 maxBody)
{
    return perform(request, maxBody, nullptr);
}

Result<HttpResponse> HttpClient::stream(const HttpRequest &request, const Sink &sink)
{
    return perform(request, 0, &sink);
}

Result<HttpResponse> HttpClient::perform(const HttpRequest &request, qint64 maxBody, const Sink *sink)
{
    m_lastFailedHandshake = false;
    STRATA_TRY(available());
    const Curl &c = curl();
    if (!d->handle) {
        d->handle = c.init();
        if (!d->handle)
            return fail(ErrorCode::Io, QStringLiteral("libcurl could not make a transfer handle"));
    } else {
        c.reset(d->handle); // keeps the open connections
    }
    CURL *h = d->handle;
    HttpResponse response;
    Transfer t;
    t.request = &request;
    t.response = &response;
    t.sink = sink;
    t.maxBody = maxBody;
    char errorText[CURL_ERROR_SIZE] = {};
    const QByteArray url = request.url.toUtf8();
    const int stall = stallSeconds();

    c.setopt(h, CURLOPT_URL, url.constData());
    c.setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    c.setopt(h, CURLOPT_NOSIGNAL, 1L);
    c.setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    c.setopt(h, CURLOPT_ERRORBUFFER, errorText);
    c.setopt(h, CURLOPT_CONNECTTIMEOUT, long(stall));
    c.setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1024L);
    c.setopt(h, CURLOPT_LOW_SPEED_TIME, long(stall));
    if (!sink && request.method != "PUT" && request.method != "POST")
        c.setopt(h, CURLOPT_TIMEOUT, long(4 * stall)); // a buffered answer: bounded in all
    c.setopt(h, CURLOPT_HEADERFUNCTION, onHeader);
    c.setopt(h, CURLOPT_HEADERDATA, &t);
    c.setopt(h, CURLOPT_WRITEFUNCTION, onBody);
    c.setopt(h, CURLOPT_WRITEDATA, &t);
    c.setopt(h, CURLOPT_SSL_VERIFYPEER, d->tls.verify ? 1L : 0L);
    c.setopt(h, CURLOPT_SSL_VERIFYHOST, d->tls.verify ? 2L : 0L);
    const QByteArray &bundle = d->tls.caBundle;
    curl_blob ca { const_cast<char *>(bundle.constData()), size_t(bundle.size()), CURL_BLOB_NOCOPY };
    if (!bundle.isEmpty())
        c.setopt(h, CURLOPT_CAINFO_BLOB, &ca);
    if (!sink && request.method != "HEAD")
        c.setopt(h, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(maxBody));

    const bool hasBody = !request.body.isEmpty() || request.bodySource;
    const qint64 bodyLength = request.bodySource ? request.bodyLength : request.body.size();
    if (request.method == "HEAD") {
        c.setopt(h, CURLOPT_NOBODY, 1L);
    } else if (request.method == "PUT" || (request.method == "POST" && hasBody) || (request.method == "PATCH" && hasBody)) {
        c.setopt(h, CURLOPT_UPLOAD, 1L);
        c.setopt(h, CURLOPT_READFUNCTION, onRead);
        c.setopt(h, CURLOPT_READDATA, &t);
        c.setopt(h, CURLOPT_INFILESIZE_LARGE, curl_off_t(bodyLength));
        if (request.method != "PUT")
            c.setopt(h, CURLOPT_CUSTOMREQUEST, request.method.constData());
    } else if (request.method == "POST") {
        c.setopt(h, CURLOPT_POST, 1L);
        c.setopt(h, CURLOPT_POSTFIELDS, "");
        c.setopt(h, CURLOPT_POSTFIELDSIZE, 0L);
    } else if (request.method != "GET") {
        c.setopt(h, CURLOPT_CUSTOMREQUEST, request.method.constData());
    }
    curl_slist *headers = nullptr;
    QList<QByteArray> lines;
    for (const auto &[name, value] : request.headers)
        lines.append(name + ": " + value);
    lines.append(QByteArrayLiteral("Expect:")); // no 100-continue round trip before a body
    for (const QByteArray &line : std::as_const(lines))
        headers = c.slistAppend(headers, line.constData());
    c.setopt(h, CURLOPT_HTTPHEADER, headers);

    const CURLcode code = c.perform(h);
    c.slistFree(headers);
    c.setopt(h, CURLOPT_HTTPHEADER, static_cast<curl_slist *>(nullptr));
    c.setopt(h, CURLOPT_ERRORBUFFER, static_cast<char *>(nullptr));
    c.setopt(h, CURLOPT_CAINFO_BLOB, static_cast<curl_blob *>(nullptr));

    const QString target = QUrl(request.url).toDisplayString(QUrl::RemoveUserInfo | QUrl::RemoveQuery);
    if (code != CURLE_OK && !t.errorPageCut) {
        if (!t.abortReason.isEmpty())
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1 %2: %3").arg(QString::fromLatin1(request.method), target, t.abortReason));
        const QString detail = errorText[0] ? QString::fromUtf8(errorText).trimmed() : QString::fromUtf8(c.strerror(code));
        switch (code) {
        case CURLE_PEER_FAILED_VERIFICATION:
            return fail(ErrorCode::Failed, QStringLiteral("%1: the server's TLS certificate is not trusted (%2); give its authority with --cert-dir, "
                                                                    "or put it in /etc/strata/certs.d/HOST:PORT/ca.crt")
                                                         .arg(target, detail));
        case CURLE_SSL_CONNECT_ERROR:
            m_lastFailedHandshake = true;
            return fail(ErrorCode::Io, QStringLiteral("%1: TLS handshake failed: %2").arg(target, detail));
        case CURLE_COULDNT_CONNECT:
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY:
            return fail(ErrorCode::Io, QStringLiteral("%1: cannot connect: %2").arg(target, detail));
        case CURLE_OPERATION_TIMEDOUT:
            return fail(ErrorCode::Io, QStringLiteral("%1: no progress for %2 seconds (STRATA_REGISTRY_STALL_SECONDS): %3").arg(target).arg(stall).arg(detail));
        case CURLE_FILESIZE_EXCEEDED:
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1: the answer is over the %2 bytes allowed").arg(target).arg(maxBody));
        case CURLE_PARTIAL_FILE:
        case CURLE_RECV_ERROR:
        case CURLE_GOT_NOTHING:
            return fail(ErrorCode::Io, QStringLiteral("%1: the answer was cut short: %2").arg(target, detail));
        default:
            return fail(ErrorCode::Io, QStringLiteral("%1 %2: %3").arg(QString::fromLatin1(request.method), target, detail));
        }
    }
    long status = 0;
    c.getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    response.status = int(status);
    if (status >= 300 && status < 400) {
        char *location = nullptr;
        if (c.getinfo(h, CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location)
            response.redirectUrl = QString::fromUtf8(location);
    }
    return response;
}

} // namespace strata
