#include "hostileregistry.h"

#include "tarbuilder.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutexLocker>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

namespace strata::test {

namespace {

using Scenario = HostileRegistry::Scenario;
using Blob = HostileRegistry::Blob;

const QByteArray repoPath = "/v2/hostile/image/";
const QByteArray manifestType = "application/vnd.docker.distribution.manifest.v2+json";
const QByteArray indexType = "application/vnd.oci.image.index.v1+json";
const QByteArray configType = "application/vnd.docker.container.image.v1+json";
const QByteArray layerType = "application/vnd.docker.image.rootfs.diff.tar.gzip";

QByteArray digestOf(const QByteArray &data) { return "sha256:" + sha256Hex(data).toLatin1(); }

Blob blob(const QByteArray &data, const QByteArray &mediaType) { return { digestOf(data), data, mediaType }; }

QJsonObject descriptor(const Blob &b, qint64 size = -1, const QByteArray &digest = {})
{
    return { { QStringLiteral("mediaType"), QString::fromLatin1(b.mediaType) }, { QStringLiteral("size"), size < 0 ? b.data.size() : size },
        { QStringLiteral("digest"), QString::fromLatin1(digest.isEmpty() ? b.digest : digest) } };
}

QByteArray manifestOf(const Blob &config, const QList<QJsonObject> &layers)
{
    QJsonArray l;
    for (const QJsonObject &o : layers)
        l.append(o);
    return QJsonDocument(QJsonObject { { QStringLiteral("schemaVersion"), 2 }, { QStringLiteral("mediaType"), QString::fromLatin1(manifestType) },
                             { QStringLiteral("config"), descriptor(config) }, { QStringLiteral("layers"), l } })
        .toJson(QJsonDocument::Compact);
}

QByteArray indexOf(const QByteArray &childType, const QByteArray &childDigest, qint64 childSize)
{
    const QJsonObject child { { QStringLiteral("mediaType"), QString::fromLatin1(childType) }, { QStringLiteral("digest"), QString::fromLatin1(childDigest) },
        { QStringLiteral("size"), childSize },
        { QStringLiteral("platform"), QJsonObject { { QStringLiteral("architecture"), QStringLiteral("amd64") }, { QStringLiteral("os"), QStringLiteral("linux") } } } };
    return QJsonDocument(QJsonObject { { QStringLiteral("schemaVersion"), 2 }, { QStringLiteral("mediaType"), QString::fromLatin1(indexType) },
                             { QStringLiteral("manifests"), QJsonArray { child } } })
        .toJson(QJsonDocument::Compact);
}

// Random-looking filler (a layer that does not compress away, and junk bodies).
QByteArray noise(qsizetype n, quint32 seed)
{
    QByteArray out(n, Qt::Uninitialized);
    quint32 x = seed ? seed : 1;
    for (qsizetype i = 0; i < n; ++i) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        out[i] = char(x);
    }
    return out;
}

struct Request {
    QByteArray method, path;
    QMap<QByteArray, QByteArray> headers; // lower-case names
    QByteArray body; // kept up to 4 MiB (a manifest); a blob's bytes are counted, not kept
    qint64 bodySize = 0;
};

// What a response sends after its headers: fixed bytes, then `tail` repeated up to `more` bytes
// (-1: forever), one byte per `trickleMs` when set; the connection closed at the end when `close`.
struct Body {
    QByteArray head;
    QByteArray tail;
    qint64 more = 0;
    int trickleMs = 0;
    bool close = false;
    bool silent = false; // send nothing more, keep the connection open
};

} // namespace

class HostileRegistry::Server : public QObject {
public:
    explicit Server(HostileRegistry *owner)
        : m_owner(owner)
    {
    }

    QString listen()
    {
        m_main = new QTcpServer(this);
        if (!m_main->listen(QHostAddress(QStringLiteral("127.0.0.1")), 0))
            return QStringLiteral("cannot listen on 127.0.0.1: %1").arg(m_main->errorString());
        m_foreign = new QTcpServer(this);
        if (!m_foreign->listen(QHostAddress(QStringLiteral("127.0.0.2")), 0))
            return QStringLiteral("cannot listen on 127.0.0.2: %1").arg(m_foreign->errorString());
        m_owner->m_port = m_main->serverPort();
        m_owner->m_foreignPort = m_foreign->serverPort();
        connect(m_main, &QTcpServer::newConnection, this, [this] { accept(m_main, false); });
        connect(m_foreign, &QTcpServer::newConnection, this, [this] { accept(m_foreign, true); });
        return {};
    }

private:
    struct Connection {
        QByteArray buffer;
        Body body;
        bool streaming = false;
        QTimer *timer = nullptr;
        bool foreign = false;
        // A request whose body is still arriving: Content-Length bytes left, or chunked.
        bool receiving = false;
        Request pending;
        qint64 bodyLeft = 0;
        bool chunked = false;
        bool anyRequest = false;
    };

    void keep(Request &r, const QByteArray &bytes)
    {
        r.bodySize += bytes.size();
        if (r.body.size() < (4 << 20))
            r.body += bytes.left((4 << 20) - r.body.size());
    }

    // Consumes the pending request's body from the buffer; true once it is whole.
    bool receiveBody(Connection *c)
    {
        if (!c->chunked) {
            const qint64 n = qMin<qint64>(c->bodyLeft, c->buffer.size());
            keep(c->pending, c->buffer.left(n));
            c->buffer.remove(0, n);
            c->bodyLeft -= n;
            return c->bodyLeft == 0;
        }
        for (;;) {
            const qsizetype eol = c->buffer.indexOf("\r\n");
            if (eol < 0)
                return false;
            bool ok = false;
            const qint64 size = c->buffer.left(eol).split(';').first().trimmed().toLongLong(&ok, 16);
            if (!ok)
                return true; // not chunked after all: take what came as the body
            if (size == 0) {
                const qsizetype end = c->buffer.indexOf("\r\n\r\n", eol);
                if (end < 0 && c->buffer.mid(eol, 4) != "\r\n\r\n")
                    return false;
                c->buffer.remove(0, (end < 0 ? eol : end) + 4);
                return true;
            }
            if (c->buffer.size() < eol + 2 + size + 2)
                return false;
            keep(c->pending, c->buffer.mid(eol + 2, size));
            c->buffer.remove(0, eol + 2 + size + 2);
        }
    }

    void accept(QTcpServer *server, bool foreign)
    {
        while (QTcpSocket *s = server->nextPendingConnection()) {
            auto *c = new Connection;
            c->foreign = foreign;
            m_connections.insert(s, c);
            connect(s, &QTcpSocket::readyRead, this, [this, s] { readMore(s); });
            connect(s, &QTcpSocket::bytesWritten, this, [this, s] { pump(s); });
            connect(s, &QTcpSocket::disconnected, this, [this, s] {
                delete m_connections.take(s);
                s->deleteLater();
            });
        }
    }

    void readMore(QTcpSocket *s)
    {
        Connection *c = m_connections.value(s);
        if (!c)
            return;
        c->buffer += s->readAll();
        if (!c->anyRequest && c->buffer.startsWith('\x16')) { // a TLS ClientHello: this port does not speak TLS
            s->abort();
            return;
        }
        while (!c->streaming) {
            if (c->receiving) {
                if (!receiveBody(c))
                    return;
                c->receiving = false;
                respond(s, c, c->pending);
                continue;
            }
            const qsizetype end = c->buffer.indexOf("\r\n\r\n");
            if (end < 0) {
                if (c->buffer.size() > 1 << 20)
                    s->abort();
                return;
            }
            const QList<QByteArray> lines = c->buffer.left(end).split('\n');
            c->buffer.remove(0, end + 4);
            c->anyRequest = true;
            Request r;
            const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
            r.method = first.value(0);
            r.path = first.value(1);
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const qsizetype colon = lines[i].indexOf(':');
                if (colon > 0)
                    r.headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
            }
            QString line = QString::fromLatin1(r.method + ' ' + r.path);
            if (c->foreign && r.headers.contains("authorization"))
                line += QStringLiteral(" Authorization: ") + QString::fromLatin1(r.headers.value("authorization"));
            m_owner->log(c->foreign, line);
            // A body (push): answered once it has arrived.
            c->chunked = r.headers.value("transfer-encoding").toLower().contains("chunked");
            c->bodyLeft = c->chunked ? 0 : r.headers.value("content-length").toLongLong();
            if (c->chunked || c->bodyLeft > 0) {
                if (r.headers.value("expect").toLower() == "100-continue")
                    send(s, "HTTP/1.1 100 Continue\r\n\r\n");
                c->pending = r;
                c->receiving = true;
                continue;
            }
            respond(s, c, r);
        }
    }

    void send(QTcpSocket *s, const QByteArray &bytes)
    {
        s->write(bytes);
        m_owner->m_bytesSent += bytes.size();
    }

    // Status line and headers; `length` < 0 leaves Content-Length out.
    void headers(QTcpSocket *s, int status, qint64 length, const QList<QByteArray> &extra, bool close = false)
    {
        static const QMap<int, QByteArray> reasons { { 200, "OK" }, { 201, "Created" }, { 202, "Accepted" }, { 307, "Temporary Redirect" },
            { 400, "Bad Request" }, { 401, "Unauthorized" }, { 404, "Not Found" }, { 405, "Method Not Allowed" } };
        QByteArray h = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasons.value(status, "Whatever") + "\r\n";
        h += "Docker-Distribution-API-Version: registry/2.0\r\n";
        if (length >= 0)
            h += "Content-Length: " + QByteArray::number(length) + "\r\n";
        if (close)
            h += "Connection: close\r\n";
        for (const QByteArray &e : extra)
            h += e + "\r\n";
        send(s, h + "\r\n");
    }

    void reply(QTcpSocket *s, const Request &r, int status, const QByteArray &data, const QList<QByteArray> &extra)
    {
        headers(s, status, data.size(), extra);
        if (r.method != "HEAD")
            send(s, data);
    }

    void stream(QTcpSocket *s, Connection *c, const Request &r, Body body)
    {
        if (r.method == "HEAD") {
            if (body.close)
                s->disconnectFromHost();
            return;
        }
        c->body = std::move(body);
        c->streaming = true;
        if (c->body.silent)
            return;
        if (c->body.trickleMs > 0) {
            c->timer = new QTimer(s);
            connect(c->timer, &QTimer::timeout, this, [this, s] { trickle(s); });
            c->timer->start(c->body.trickleMs);
            return;
        }
        send(s, c->body.head);
        c->body.head.clear();
        pump(s);
    }

    void trickle(QTcpSocket *s)
    {
        Connection *c = m_connections.value(s);
        if (!c)
            return;
        if (!c->body.head.isEmpty()) {
            send(s, c->body.head.left(1));
            c->body.head.remove(0, 1);
        } else if (!c->body.tail.isEmpty()) {
            send(s, c->body.tail.left(1));
        }
    }

    void pump(QTcpSocket *s)
    {
        Connection *c = m_connections.value(s);
        if (!c || !c->streaming || c->body.silent || c->body.trickleMs > 0)
            return;
        while (s->bytesToWrite() < (4 << 20) && (c->body.more != 0 && !c->body.tail.isEmpty())) {
            const qint64 n = c->body.more < 0 ? c->body.tail.size() : qMin<qint64>(c->body.more, c->body.tail.size());
            send(s, c->body.tail.left(n));
            if (c->body.more > 0)
                c->body.more -= n;
        }
        if (c->body.more == 0 || c->body.tail.isEmpty()) {
            c->streaming = false;
            if (c->body.close)
                s->disconnectFromHost();
            else if (!c->buffer.isEmpty())
                QTimer::singleShot(0, this, [this, s] { readMore(s); });
        }
    }

    void respond(QTcpSocket *s, Connection *c, const Request &r)
    {
        HostileRegistry *o = m_owner;
        const Scenario sc = o->m_scenario;
        if (c->foreign) { // "another host": serves blobs redirected there, hands out tokens to whoever asks
            if (sc == Scenario::PushUploadElsewhere && r.path.startsWith("/upload/"))
                return uploadRequest(s, r);
            if (sc == Scenario::ForeignRedirect && r.path.startsWith("/blobs/")) {
                const QByteArray digest = r.path.mid(7);
                for (const Blob &l : std::as_const(o->m_layers))
                    if (l.digest == digest)
                        return reply(s, r, 200, l.data, { "Content-Type: application/octet-stream" });
                return reply(s, r, 404, {}, {});
            }
            reply(s, r, 200, R"({"token":"from-another-host"})", { "Content-Type: application/json" });
            return;
        }
        const QByteArray realm = "http://" + o->hostPort().toLatin1() + "/token";
        if (r.path.startsWith("/token")) {
            if (sc == Scenario::OversizedToken) {
                const QByteArray head = R"({"token":")";
                const qint64 total = 2 << 20;
                headers(s, 200, total, { "Content-Type: application/json" });
                stream(s, c, r, Body { head, QByteArray(64 << 10, 'a'), total - head.size() });
            } else {
                reply(s, r, 200, R"({"token":"good"})", { "Content-Type: application/json" });
            }
            return;
        }
        const bool bearer = sc == Scenario::OversizedToken || sc == Scenario::ForeignPlainRealm || sc == Scenario::ForeignRedirect
            || sc == Scenario::PushUploadElsewhere;
        if (bearer && !r.headers.value("authorization").startsWith("Bearer ")) {
            const QByteArray where = sc == Scenario::ForeignPlainRealm ? "http://127.0.0.2:" + QByteArray::number(o->m_foreignPort) + "/token" : realm;
            reply(s, r, 401, R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})",
                { "Content-Type: application/json", "WWW-Authenticate: Bearer realm=\"" + where + "\",service=\"hostile\",scope=\"repository:hostile/image:pull\"" });
            return;
        }
        if (r.path == "/v2/" || r.path == "/v2") {
            reply(s, r, 200, "{}", { "Content-Type: application/json" });
            return;
        }
        if (r.path.startsWith("/r/")) { // TooManyRedirects' chain
            const int n = r.path.mid(3).toInt();
            reply(s, r, 307, {}, { "Location: /r/" + QByteArray::number(n + 1) });
            return;
        }
        if (!r.path.startsWith(repoPath)) {
            reply(s, r, 404, R"({"errors":[{"code":"NAME_UNKNOWN"}]})", { "Content-Type: application/json" });
            return;
        }
        const QByteArray rest = r.path.mid(repoPath.size());
        if (r.method != "GET" && r.method != "HEAD")
            return pushRequest(s, c, r, rest);
        if (rest.startsWith("manifests/"))
            return manifest(s, c, r, rest.mid(10));
        if (rest.startsWith("blobs/"))
            return blobRequest(s, c, r, rest.mid(6));
        reply(s, r, 404, R"({"errors":[{"code":"UNSUPPORTED"}]})", { "Content-Type: application/json" });
    }

    // Push: blobs are never there yet (HEAD answers 404), uploads are monolithic or chunked
    // (POST, PATCH, PUT ?digest=), a manifest PUT gets its digest back; the scenarios change it.
    void pushRequest(QTcpSocket *s, Connection *c, const Request &r, const QByteArray &rest)
    {
        HostileRegistry *o = m_owner;
        const Scenario sc = o->m_scenario;
        const QByteArray uploads = "blobs/uploads/";
        if (r.method == "POST" && rest.startsWith(uploads)) {
            const QByteArray location = sc == Scenario::PushUploadElsewhere
                ? QByteArray("http://127.0.0.2:" + QByteArray::number(o->m_foreignPort) + "/upload/" + QByteArray::number(++m_uploads))
                : QByteArray(repoPath + uploads + QByteArray::number(++m_uploads));
            const QList<QByteArray> extra { "Location: " + location, "Docker-Upload-UUID: " + QByteArray::number(m_uploads), "Range: 0-0" };
            if (sc == Scenario::PushEndlessAnswer) {
                headers(s, 202, -1, extra, true);
                stream(s, c, r, Body { {}, QByteArray(64 << 10, 'x'), -1, 0, true });
                return;
            }
            reply(s, r, 202, {}, extra);
            return;
        }
        if (rest.startsWith(uploads))
            return uploadRequest(s, r);
        if (r.method == "PUT" && rest.startsWith("manifests/")) {
            if (sc == Scenario::PushManifestRefused) {
                reply(s, r, 400, R"({"errors":[{"code":"MANIFEST_INVALID","message":"manifest invalid","detail":"the hostile registry refuses every manifest"}]})",
                    { "Content-Type: application/json" });
                return;
            }
            const QByteArray digest = digestOf(r.body);
            reply(s, r, 201, {}, { "Location: " + repoPath + "manifests/" + digest, "Docker-Content-Digest: " + digest });
            return;
        }
        reply(s, r, 405, R"({"errors":[{"code":"UNSUPPORTED"}]})", { "Content-Type: application/json" });
    }

    // PATCH and PUT of an upload (also on the other host, PushUploadElsewhere).
    void uploadRequest(QTcpSocket *s, const Request &r)
    {
        const QByteArray path = r.path.left(r.path.indexOf('?') < 0 ? r.path.size() : r.path.indexOf('?'));
        m_uploaded[path] += r.bodySize;
        if (r.method == "PATCH") {
            reply(s, r, 202, {}, { "Location: " + path, "Range: 0-" + QByteArray::number(qMax<qint64>(0, m_uploaded[path] - 1)) });
            return;
        }
        const qsizetype at = r.path.indexOf("digest=");
        const QByteArray digest = at < 0 ? QByteArray() : QByteArray::fromPercentEncoding(r.path.mid(at + 7).split('&').first());
        reply(s, r, 201, {}, { "Location: " + repoPath + "blobs/" + digest, "Docker-Content-Digest: " + digest });
    }

    void manifest(QTcpSocket *s, Connection *c, const Request &r, const QByteArray &reference)
    {
        HostileRegistry *o = m_owner;
        const Scenario sc = o->m_scenario;
        auto serve = [&](const QByteArray &data, const QByteArray &type, const QByteArray &digest) {
            reply(s, r, 200, data, { "Content-Type: " + type, "Docker-Content-Digest: " + digest });
        };
        if (o->m_extra.contains(reference)) { // indexes and their children, by digest
            const Blob &b = o->m_extra[reference];
            serve(b.data, b.mediaType, reference);
            return;
        }
        const bool byTag = reference == "1";
        if (!byTag && reference != o->m_manifestDigest && sc != Scenario::ManifestDigestMismatch) {
            reply(s, r, 404, R"({"errors":[{"code":"MANIFEST_UNKNOWN"}]})", { "Content-Type: application/json" });
            return;
        }
        switch (sc) {
        case Scenario::OversizedManifest: {
            const QByteArray padded = o->m_manifest.chopped(1) + QByteArray(5 << 20, ' ') + '}';
            serve(padded, manifestType, digestOf(padded));
            return;
        }
        case Scenario::EndlessManifest:
            headers(s, 200, -1, { "Content-Type: " + manifestType }, true);
            stream(s, c, r, Body { o->m_manifest.chopped(1), QByteArray(64 << 10, ' '), -1, 0, true });
            return;
        case Scenario::SilentHeaders:
            c->streaming = true;
            c->body.silent = true;
            return;
        case Scenario::HugeHeaders: {
            QList<QByteArray> extra { "Content-Type: " + manifestType, "Docker-Content-Digest: " + o->m_manifestDigest };
            for (int i = 0; i < 200; ++i)
                extra.append("X-Padding-" + QByteArray::number(i) + ": " + QByteArray(1024, 'p'));
            reply(s, r, 200, o->m_manifest, extra);
            return;
        }
        case Scenario::EndlessHeaders:
            send(s, "HTTP/1.1 200 OK\r\nContent-Type: " + manifestType + "\r\n");
            c->streaming = true;
            c->body = Body { {}, "X-Padding: " + QByteArray(1000, 'p') + "\r\n", -1, 0, true };
            pump(s);
            return;
        case Scenario::DigestHeaderMismatch:
            serve(o->m_manifest, manifestType, digestOf("another manifest"));
            return;
        case Scenario::ManifestDigestMismatch: {
            // Asked for m_manifestDigest's neighbour (ref() names a digest no manifest has): the
            // well-behaved manifest comes back, its true digest in the header.
            serve(o->m_manifest, manifestType, o->m_manifestDigest);
            return;
        }
        default:
            break;
        }
        if (byTag && o->m_extra.contains("tag")) {
            const Blob &b = o->m_extra["tag"];
            serve(b.data, b.mediaType, b.digest);
            return;
        }
        serve(o->m_manifest, manifestType, o->m_manifestDigest);
    }

    void blobRequest(QTcpSocket *s, Connection *c, const Request &r, const QByteArray &digest)
    {
        HostileRegistry *o = m_owner;
        const Scenario sc = o->m_scenario;
        const Blob *b = nullptr;
        if (digest == o->m_config.digest)
            b = &o->m_config;
        for (const Blob &l : std::as_const(o->m_layers))
            if (l.digest == digest)
                b = &l;
        const bool hostile = b == &o->m_layers.last() || (sc == Scenario::WrongDigest && digest == o->m_extra.value("wrong-digest").digest);
        if (sc == Scenario::WrongDigest && digest == o->m_extra.value("wrong-digest").digest)
            b = &o->m_layers.last();
        if (!b) {
            reply(s, r, 404, R"({"errors":[{"code":"BLOB_UNKNOWN"}]})", { "Content-Type: application/json" });
            return;
        }
        const QList<QByteArray> type { "Content-Type: application/octet-stream", "Docker-Content-Digest: " + b->digest };
        if (sc == Scenario::SlowLayers && b != &o->m_config) {
            const int now = ++o->m_inFlight;
            for (int seen = o->m_maxInFlight.load(); now > seen && !o->m_maxInFlight.compare_exchange_weak(seen, now);) { }
            c->streaming = true; // no next request on this connection before the answer
            QTimer::singleShot(400, this, [this, socket = QPointer<QTcpSocket>(s), r, data = b->data, type] {
                --m_owner->m_inFlight;
                Connection *conn = socket ? m_connections.value(socket.data()) : nullptr;
                if (!conn)
                    return;
                conn->streaming = false;
                reply(socket.data(), r, 200, data, type);
                if (!conn->buffer.isEmpty())
                    readMore(socket.data());
            });
            return;
        }
        if (hostile) {
            const QByteArray junk = noise(256 << 10, 7);
            switch (sc) {
            case Scenario::ShortBlob:
                reply(s, r, 200, b->data.chopped(100), type);
                return;
            case Scenario::LongBlob:
                headers(s, 200, qint64(4) << 30, type);
                stream(s, c, r, Body { b->data, junk, (qint64(4) << 30) - b->data.size(), 0, true });
                return;
            case Scenario::EndlessBlob:
                headers(s, 200, -1, type, true);
                stream(s, c, r, Body { b->data, junk, -1, 0, true });
                return;
            case Scenario::RedirectLoop:
                reply(s, r, 307, {}, { "Location: " + r.path });
                return;
            case Scenario::TooManyRedirects:
                reply(s, r, 307, {}, { "Location: /r/1" });
                return;
            case Scenario::TruncatedBlob:
                headers(s, 200, b->data.size(), type, true);
                stream(s, c, r, Body { b->data.left(b->data.size() / 2), {}, 0, 0, true });
                return;
            case Scenario::TrickleBlob:
                headers(s, 200, b->data.size(), type);
                stream(s, c, r, Body { b->data, {}, 0, 1500, false });
                return;
            case Scenario::ForeignRedirect:
                reply(s, r, 307, {}, { "Location: http://127.0.0.2:" + QByteArray::number(o->m_foreignPort) + "/blobs/" + b->digest });
                return;
            case Scenario::SilentBody:
                headers(s, 200, b->data.size(), type);
                stream(s, c, r, Body { {}, {}, 0, 0, false, true });
                return;
            default:
                break;
            }
        }
        reply(s, r, 200, b->data, type);
    }

    HostileRegistry *m_owner;
    QTcpServer *m_main = nullptr;
    QTcpServer *m_foreign = nullptr;
    QHash<QTcpSocket *, Connection *> m_connections;
    int m_uploads = 0;
    QHash<QByteArray, qint64> m_uploaded; // bytes received by upload path

public:
    ~Server() override { qDeleteAll(m_connections); }
};

HostileRegistry::HostileRegistry(Scenario scenario)
    : m_scenario(scenario)
{
    buildImage();
}

HostileRegistry::~HostileRegistry()
{
    stop();
}

void HostileRegistry::buildImage()
{
    // Three gzip layers of incompressible bytes (~1 MiB each), so that parallel fetches overlap
    // and a hostile last layer meets two good ones already downloaded.
    QStringList createdBy;
    for (int i = 0, n = m_scenario == Scenario::SlowLayers ? 6 : 3; i < n; ++i) {
        const QByteArray tar = TarBuilder().dir("data").file("data/layer" + QByteArray::number(i), noise(1 << 20, 100 + i)).build();
        m_diffIds.append(QString::fromLatin1(digestOf(tar)));
        m_layers.append(blob(gzipStream(tar), layerType));
        createdBy.append(QStringLiteral("hostile layer %1").arg(i));
    }
    QStringList configDiffIds = m_diffIds;
    if (m_scenario == Scenario::WrongDiffId)
        configDiffIds.last() = QString::fromLatin1(digestOf("not the last layer"));
    QByteArray config = imageConfig(configDiffIds, createdBy);
    if (m_scenario == Scenario::OversizedConfig)
        config = config.chopped(1) + QByteArray(9 << 20, ' ') + '}';
    m_config = blob(config, configType);
    QList<QJsonObject> layers;
    for (const Blob &l : std::as_const(m_layers))
        layers.append(descriptor(l));
    m_manifest = manifestOf(m_config, layers);
    m_manifestDigest = digestOf(m_manifest);

    switch (m_scenario) {
    case Scenario::WrongDigest: {
        // The descriptor names the digest of other bytes of the same size; that path serves the
        // real layer (valid gzip whose diffID matches the config).
        const Blob other = blob(noise(m_layers.last().data.size(), 99), layerType);
        layers.last() = descriptor(m_layers.last(), -1, other.digest);
        m_extra.insert("wrong-digest", other);
        m_manifest = manifestOf(m_config, layers);
        m_manifestDigest = digestOf(m_manifest);
        break;
    }
    case Scenario::SelfIndex: {
        // The tag's index names a child index by a digest; asked for it, the server answers
        // the tag's index again (no document can contain its own digest, so this is the loop a
        // server can make).
        const QByteArray childDigest = digestOf("the index itself");
        QByteArray index = indexOf(indexType, childDigest, 0);
        for (int i = 0; i < 3; ++i) // its own size, as its descriptor says
            index = indexOf(indexType, childDigest, index.size());
        m_extra.insert("tag", blob(index, indexType));
        m_extra.insert(childDigest, Blob { childDigest, index, indexType });
        break;
    }
    case Scenario::NestedIndex: {
        const QByteArray inner = indexOf(manifestType, m_manifestDigest, m_manifest.size());
        const QByteArray outer = indexOf(indexType, digestOf(inner), inner.size());
        m_extra.insert("tag", blob(outer, indexType));
        m_extra.insert(digestOf(inner), blob(inner, indexType));
        break;
    }
    default:
        break;
    }
    m_hostileLayerDigest = layers.last().value(QStringLiteral("digest")).toString().toLatin1();
}

QString HostileRegistry::ref() const
{
    const QString base = hostPort() + QStringLiteral("/hostile/image");
    if (m_scenario == Scenario::ManifestDigestMismatch)
        return base + QStringLiteral("@sha256:") + sha256Hex("not the manifest the server sends");
    return base + QStringLiteral(":1");
}

QString HostileRegistry::start()
{
    m_thread = std::make_unique<QThread>();
    m_server = new Server(this);
    m_server->moveToThread(m_thread.get());
    QObject::connect(m_thread.get(), &QThread::finished, m_server, &QObject::deleteLater);
    m_thread->start();
    QString error;
    QMetaObject::invokeMethod(m_server, [&] { error = m_server->listen(); }, Qt::BlockingQueuedConnection);
    return error;
}

void HostileRegistry::stop()
{
    if (!m_thread)
        return;
    m_thread->quit();
    m_thread->wait();
    m_thread.reset();
    m_server = nullptr;
}

void HostileRegistry::log(bool foreign, const QString &line)
{
    QMutexLocker lock(&m_mutex);
    (foreign ? m_foreignRequests : m_requests).append(line);
}

QStringList HostileRegistry::requests() const
{
    QMutexLocker lock(&m_mutex);
    return m_requests;
}

QStringList HostileRegistry::foreignRequests() const
{
    QMutexLocker lock(&m_mutex);
    return m_foreignRequests;
}

MeasuredRun runMeasured(const QString &program, const QStringList &args, const QMap<QString, QString> &env, const QString &workDir, int timeoutMs)
{
    MeasuredRun m;
    const QByteArray outPath = QFile::encodeName(workDir + QStringLiteral("/child.out"));
    const QByteArray errPath = QFile::encodeName(workDir + QStringLiteral("/child.err"));
    const QString rssPath = workDir + QStringLiteral("/child.rss");
    // The peak RSS is GNU time's: wait4's ru_maxrss of a child this process spawns starts from
    // this process's own high-water mark (exec carries the old address space's over), so it
    // would measure the test, not the child; time's child is forked from the small time process.
    const QString timeProgram = QStringLiteral("/usr/bin/time");
    const bool haveTime = QFileInfo(timeProgram).isExecutable();
    QList<QByteArray> argv8;
    if (haveTime)
        argv8 << QFile::encodeName(timeProgram) << "-f" << "%M" << "-o" << QFile::encodeName(rssPath);
    argv8.append(QFile::encodeName(program));
    for (const QString &a : args)
        argv8.append(a.toUtf8());
    std::vector<char *> argv;
    for (QByteArray &a : argv8)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    QList<QByteArray> env8;
    for (const QString &kv : environmentWith(env).toStringList())
        env8.append(kv.toUtf8());
    std::vector<char *> envp;
    for (QByteArray &kv : env8)
        envp.push_back(kv.data());
    envp.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, outPath.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, errPath.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    QElapsedTimer timer;
    timer.start();
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        m.result.err = "cannot start " + argv8[0] + ": " + QByteArray(strerror(rc));
        return m;
    }
    int status = 0;
    for (;;) {
        const pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid)
            break;
        if (w < 0) {
            m.result.err = "wait4 failed";
            return m;
        }
        if (timer.elapsed() > timeoutMs && !m.timedOut) {
            m.timedOut = true;
            ::kill(pid, SIGKILL);
        }
        const timespec pause { 0, 20 * 1000 * 1000 };
        nanosleep(&pause, nullptr);
    }
    m.elapsedMs = timer.elapsed();
    if (haveTime) {
        // "%M", after "Command terminated by signal N" when it was killed.
        const QList<QByteArray> lines = readFile(rssPath).trimmed().split('\n');
        bool ok = false;
        const qint64 kib = lines.last().trimmed().toLongLong(&ok);
        m.maxRssKiB = ok ? kib : -1;
    }
    m.result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    m.result.out = readFile(QFile::decodeName(outPath));
    m.result.err = readFile(QFile::decodeName(errPath));
    if (m.timedOut)
        m.result.err += "\n[killed after " + QByteArray::number(timeoutMs) + " ms]";
    return m;
}

} // namespace strata::test
