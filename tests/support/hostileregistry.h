#pragma once

#include "testsupport.h"

#include <QByteArray>
#include <QMap>
#include <QMutex>
#include <QString>
#include <QStringList>

#include <atomic>
#include <memory>

class QThread;

namespace strata::test {

// A registry that attacks its client: a small HTTP/1.1 server (QTcpServer, in a thread of its
// own, plain HTTP on 127.0.0.1 and a free port) that serves one image, hostile/image:1 (three
// gzip layers, Docker schema 2), and plays one scenario on it. Every request is logged; a second
// listener on 127.0.0.2 plays "another host" (a token realm there) and logs what reaches it.
// A TLS ClientHello (a client probing whether the port speaks TLS) gets the connection closed.
class HostileRegistry {
public:
    enum class Scenario {
        None, // a well-behaved registry: the control
        WrongDigest, // the last layer's descriptor names another digest than its bytes have
        ShortBlob, // the last layer is sent whole (Content-Length honest) but 100 bytes short of its size
        LongBlob, // the last layer's bytes, then GBs more (Content-Length says 4 GiB)
        EndlessBlob, // the last layer's bytes, then junk until the client hangs up (no Content-Length)
        OversizedManifest, // a 5 MiB manifest (valid JSON, padded)
        EndlessManifest, // a manifest that never ends (no Content-Length)
        OversizedConfig, // a 9 MiB config, its descriptor honest about it
        OversizedToken, // a bearer realm on the same host whose answer is 2 MiB
        RedirectLoop, // the last layer redirects to itself
        TooManyRedirects, // the last layer redirects along a chain of 20 distinct URLs
        SelfIndex, // the tag is an index whose child, asked for by digest, is the index again
        NestedIndex, // index -> index -> manifest, all digests honest
        ForeignPlainRealm, // a bearer realm on 127.0.0.2 over plain HTTP
        TruncatedBlob, // the last layer: Content-Length honest, the connection closed half way
        TrickleBlob, // the last layer: one byte every 1.5 s
        SilentHeaders, // the manifest request is read and never answered
        SilentBody, // the last layer's headers, then nothing
        HugeHeaders, // the manifest's response carries 200 KiB of headers
        EndlessHeaders, // the manifest's response headers never end
        DigestHeaderMismatch, // the manifest's Docker-Content-Digest names another digest
        ManifestDigestMismatch, // pulled by digest, the server answers another manifest
        WrongDiffId, // the config's last diffID is not the last layer's uncompressed digest
        ForeignRedirect, // not an attack: bearer auth, and the last layer redirected to 127.0.0.2
                         // (as to a storage backend), which must see no Authorization header
        SlowLayers, // not an attack: six layers, each answered 400 ms after it is asked for
        // Push (to hostile/image): HEAD says no blob is there, uploads are accepted, then
        PushUploadElsewhere, // not an attack: bearer auth, uploads located on 127.0.0.2, which must see no credentials
        PushEndlessAnswer, // the upload's POST is answered 202 with a body that never ends
        PushManifestRefused, // the manifest's PUT is answered 400 MANIFEST_INVALID with a detail
    };

    explicit HostileRegistry(Scenario scenario);
    ~HostileRegistry();
    HostileRegistry(const HostileRegistry &) = delete;
    HostileRegistry &operator=(const HostileRegistry &) = delete;

    // Listens; returns why it could not, or empty.
    QString start();
    void stop();

    QString hostPort() const { return QStringLiteral("127.0.0.1:%1").arg(m_port); }
    // The reference to pull (or push to): hostPort()/hostile/image:1, or @sha256:… where the
    // scenario pulls by digest.
    QString ref() const;
    // The digest the manifest names for the last layer (the one attacked), and the manifest's
    // (the well-behaved one).
    QString hostileLayerDigest() const { return QString::fromLatin1(m_hostileLayerDigest); }
    QString manifestDigest() const { return QString::fromLatin1(m_manifestDigest); }
    // The well-behaved image's facts, to compare a successful pull with.
    QStringList diffIds() const { return m_diffIds; }
    QString configDigest() const { return QString::fromLatin1(m_config.digest); }

    // "METHOD /path" of every request, in order of arrival; those that reached 127.0.0.2, with
    // their Authorization header when there was one.
    QStringList requests() const;
    QStringList foreignRequests() const;
    // Bytes written to clients so far (bodies and headers).
    qint64 bytesSent() const { return m_bytesSent.load(); }
    // SlowLayers: the most layer requests that were waiting for their answer at one time.
    int maxLayersInFlight() const { return m_maxInFlight.load(); }

    struct Blob {
        QByteArray digest; // sha256:…
        QByteArray data;
        QByteArray mediaType;
    };

private:
    class Server;
    friend class Server;
    void buildImage();
    void log(bool foreign, const QString &line);

    Scenario m_scenario;
    QList<Blob> m_layers;
    Blob m_config;
    QByteArray m_manifest, m_manifestDigest, m_hostileLayerDigest;
    QMap<QByteArray, Blob> m_extra; // other documents by digest (indexes), and what a path serves
    QStringList m_diffIds;
    quint16 m_port = 0, m_foreignPort = 0;
    std::unique_ptr<QThread> m_thread;
    Server *m_server = nullptr; // lives in m_thread
    mutable QMutex m_mutex;
    QStringList m_requests, m_foreignRequests;
    std::atomic<qint64> m_bytesSent { 0 };
    std::atomic<int> m_inFlight { 0 }, m_maxInFlight { 0 };
};

// A child process run to completion with its peak resident memory (by GNU time, /usr/bin/time)
// and wall time measured, stdout and stderr kept in files of `workDir`.
struct MeasuredRun {
    RunResult result;
    qint64 maxRssKiB = -1; // -1: not measured (no /usr/bin/time)
    qint64 elapsedMs = -1;
    bool timedOut = false;
};
MeasuredRun runMeasured(const QString &program, const QStringList &args, const QMap<QString, QString> &env, const QString &workDir, int timeoutMs);

} // namespace strata::test
