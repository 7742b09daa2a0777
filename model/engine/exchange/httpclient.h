#pragma once

#include "result.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

#include <functional>
#include <memory>

namespace strata {

// What the registry client needs of HTTP, over libcurl (opened when first needed, like
// libarchive: most commands never talk to a registry). One HttpClient is one connection cache
// and is used by one thread at a time; parallel transfers use one client each.
//
// Everything an answer can make us hold is bounded: the headers (100 KiB in all), a buffered
// body (the caller's limit, checked against Content-Length before the body starts and again
// as it arrives), and time: a transfer that brings under 1 KiB/s for `stallSeconds` is aborted,
// and a buffered request (a manifest, a token) also ends after four times that. Redirects are
// not followed here: the caller sees the 3xx and decides.
struct HttpRequest {
    QByteArray method = "GET";
    QString url;
    QList<QPair<QByteArray, QByteArray>> headers;
    // The body: `body`, or `bodyLength` bytes pulled from `bodySource` (which returns how many
    // bytes it put in the buffer, 0 at the end, or an error that aborts the request).
    QByteArray body;
    qint64 bodyLength = -1;
    std::function<Result<qint64>(char *buffer, qint64 capacity)> bodySource;
};

struct HttpResponse {
    int status = 0;
    QList<QPair<QByteArray, QByteArray>> headers; // names lowercased, in order
    QByteArray body; // when buffered
    QString redirectUrl; // absolute, for a 3xx with Location
    QByteArray header(const QByteArray &lowercaseName) const;
};

struct TlsOptions {
    bool verify = true;
    // The authorities trusted, PEM: empty for the system's store alone; else the system's and
    // more (withAuthorities). Made once and shared by the clients of one registry.
    QByteArray caBundle;
    // The system's store and the PEM files `caFiles`; fails naming a file it cannot read.
    static Result<QByteArray> withAuthorities(const QStringList &caFiles);
};

class HttpClient {
public:
    explicit HttpClient(TlsOptions tls = {});
    ~HttpClient();
    HttpClient(const HttpClient &) = delete;
    HttpClient &operator=(const HttpClient &) = delete;

    // A request whose answer body is kept, up to `maxBody` bytes (more is an error).
    Result<HttpResponse> send(const HttpRequest &request, qint64 maxBody);
    // A request whose answer body goes to `sink` as it arrives (an error from it aborts).
    // `sink` is only called for a 2xx answer; others are buffered up to 64 KiB for the message.
    using Sink = std::function<Status(const char *data, qint64 size)>;
    Result<HttpResponse> stream(const HttpRequest &request, const Sink &sink);

    // Seconds without progress (under 1 KiB/s) before a transfer is aborted: the value of
    // STRATA_REGISTRY_STALL_SECONDS, else 30.
    static int stallSeconds();
    // Whether libcurl can be opened here; the message names what is missing.
    static Status available();
    static constexpr qint64 maxHeaderBytes = 100 * 1024;

    // Whether the last request failed in the TLS handshake (an HTTPS port that speaks plain
    // HTTP does: the registry client then tries HTTP on loopback).
    bool lastFailedHandshake() const { return m_lastFailedHandshake; }

private:
    Result<HttpResponse> perform(const HttpRequest &request, qint64 maxBody, const Sink *sink);
    struct Impl;
    std::unique_ptr<Impl> d;
    bool m_lastFailedHandshake = false;
};

} // namespace strata
