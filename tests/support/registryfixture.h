#pragma once

#include "testsupport.h"

#include <QString>
#include <QStringList>

#include <memory>

class QProcess;

namespace strata::test {

// Debian's docker-registry (distribution 2.8) for registry tests, started by the test on
// 127.0.0.1 and a free port, inside a directory it owns: its storage, its config, and with TLS a
// test CA and a server certificate made by openssl (SAN IP:127.0.0.1 and DNS:localhost), with
// auth an htpasswd file of bcrypt entries (the only kind it accepts; it rereads the file when it
// changes). stop() (also run by the destructor) ends the process.
//
// How the peers reach it:
//   - docker treats 127.0.0.0/8 as an insecure registry: it does not verify the certificate and
//     falls back to plain HTTP, so a private dockerd needs no --insecure-registry and no CA;
//   - skopeo and podman verify: --cert-dir certDir() (a folder holding only ca.crt) and
//     --creds creds(), or --tls-verify=false for a plain-HTTP registry (peerFlags());
//   - as root, skopeo and podman update /var/lib/containers/cache/blob-info-cache-v1.boltdb and
//     use what it remembers (known locations of blobs): run them with a private /var/lib/containers
//     (PodmanSandbox) so tests neither depend on nor change the host's cache.
class RegistryFixture {
public:
    struct Options {
        bool tls = true;
        QString user; // htpasswd auth when not empty
        QString password;
    };

    RegistryFixture(const QString &dir, const Options &options);
    ~RegistryFixture();
    RegistryFixture(const RegistryFixture &) = delete;
    RegistryFixture &operator=(const RegistryFixture &) = delete;

    // Why it cannot run here (a missing program, and its package), or empty.
    static QString unavailableReason(const Options &options);
    // Makes the certificates and htpasswd, starts the registry, waits until /v2/ answers.
    // Returns why it could not (with the log's tail), or empty.
    QString start();
    void stop();
    bool isRunning() const;

    QString hostPort() const { return QStringLiteral("127.0.0.1:%1").arg(m_port); }
    int port() const { return m_port; }
    // hostPort()/repoTag, e.g. ref("strata/demo:1").
    QString ref(const QString &repoTag) const { return hostPort() + u'/' + repoTag; }
    QString url() const { return (m_options.tls ? QStringLiteral("https://") : QStringLiteral("http://")) + hostPort(); }
    bool tls() const { return m_options.tls; }
    // A folder holding only ca.crt (the layout --cert-dir and certs.d/HOST:PORT/ expect).
    QString certDir() const { return m_dir + QStringLiteral("/certs"); }
    QString caFile() const { return certDir() + QStringLiteral("/ca.crt"); }
    QString storage() const { return m_dir + QStringLiteral("/storage"); }
    // Its folder: config.yml, registry.log (with the access log: one line per request).
    QString directory() const { return m_dir; }
    QString user() const { return m_options.user; }
    QString password() const { return m_options.password; }
    QString creds() const { return m_options.user + u':' + m_options.password; }
    // Rewrites the htpasswd file with one bcrypt entry; the registry picks it up by itself.
    QString setPassword(const QString &user, const QString &password);

    // TLS and credential flags for skopeo (prefix "", "--src-" or "--dest-": --src-cert-dir ...)
    // and podman (prefix ""): the cert dir or --tls-verify=false, and --creds when auth is on.
    QStringList peerFlags(const QString &prefix = {}) const;
    // curl against the registry (CA and credentials given): HTTP status of GET url()+path.
    int httpStatus(const QString &path, bool withCreds = true) const;

    QString logTail(int lines) const;

private:
    QString makeCertificates();
    QString writeHtpasswd(const QString &user, const QString &password);

    QString m_dir;
    Options m_options;
    int m_port = 0;
    std::unique_ptr<QProcess> m_process;
};

} // namespace strata::test
