#include "registryfixture.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QThread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace strata::test {

namespace {

const QString registryBinary = QStringLiteral("/usr/bin/docker-registry");

// A port nobody listens on right now (bound to 0, read back, released). Another process could
// take it before the registry does; start() then sees the registry exit and tries another.
int freePort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    sockaddr_in a {};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    int port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0 && ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len) == 0)
        port = ntohs(a.sin_port);
    ::close(fd);
    return port;
}

QString failure(const QString &what, const RunResult &r)
{
    return QStringLiteral("%1: exit %2: %3").arg(what).arg(r.exitCode).arg(QString::fromUtf8(r.err + r.out).trimmed().left(2000));
}

} // namespace

RegistryFixture::RegistryFixture(const QString &dir, const Options &options)
    : m_dir(dir)
    , m_options(options)
{
}

RegistryFixture::~RegistryFixture()
{
    stop();
}

QString RegistryFixture::unavailableReason(const Options &options)
{
    if (!QFileInfo(registryBinary).isExecutable())
        return QStringLiteral("%1 is missing (package docker-registry)").arg(registryBinary);
    if (QStandardPaths::findExecutable(QStringLiteral("curl")).isEmpty())
        return QStringLiteral("curl is missing: nothing to tell when the registry answers");
    if (options.tls && QStandardPaths::findExecutable(QStringLiteral("openssl")).isEmpty())
        return QStringLiteral("openssl is missing (package openssl): no test CA");
    if (!options.user.isEmpty() && QStandardPaths::findExecutable(QStringLiteral("htpasswd")).isEmpty())
        return QStringLiteral("htpasswd is missing (package apache2-utils): no bcrypt password file");
    return {};
}

QString RegistryFixture::makeCertificates()
{
    const QString d = m_dir + QStringLiteral("/pki");
    QDir().mkpath(d);
    QDir().mkpath(certDir());
    const QString ecKey = QStringLiteral("ec"), curve = QStringLiteral("ec_paramgen_curve:prime256v1");
    RunResult r = run(QStringLiteral("openssl"),
        { QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), ecKey, QStringLiteral("-pkeyopt"), curve, QStringLiteral("-nodes"),
            QStringLiteral("-keyout"), d + QStringLiteral("/ca.key"), QStringLiteral("-out"), caFile(), QStringLiteral("-days"), QStringLiteral("2"),
            QStringLiteral("-subj"), QStringLiteral("/CN=Strata test CA"), QStringLiteral("-addext"), QStringLiteral("basicConstraints=critical,CA:TRUE"),
            QStringLiteral("-addext"), QStringLiteral("keyUsage=critical,keyCertSign,cRLSign") });
    if (r.exitCode != 0)
        return failure(QStringLiteral("openssl req -x509 (the test CA)"), r);
    r = run(QStringLiteral("openssl"),
        { QStringLiteral("req"), QStringLiteral("-newkey"), ecKey, QStringLiteral("-pkeyopt"), curve, QStringLiteral("-nodes"), QStringLiteral("-keyout"),
            d + QStringLiteral("/server.key"), QStringLiteral("-out"), d + QStringLiteral("/server.csr"), QStringLiteral("-subj"), QStringLiteral("/CN=localhost") });
    if (r.exitCode != 0)
        return failure(QStringLiteral("openssl req (the server's key)"), r);
    writeFile(d + QStringLiteral("/server.ext"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n");
    r = run(QStringLiteral("openssl"),
        { QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"), d + QStringLiteral("/server.csr"), QStringLiteral("-CA"), caFile(),
            QStringLiteral("-CAkey"), d + QStringLiteral("/ca.key"), QStringLiteral("-CAcreateserial"), QStringLiteral("-CAserial"),
            d + QStringLiteral("/ca.srl"), QStringLiteral("-out"),
            d + QStringLiteral("/server.crt"), QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-extfile"), d + QStringLiteral("/server.ext") });
    if (r.exitCode != 0)
        return failure(QStringLiteral("openssl x509 -req (the server's certificate)"), r);
    return {};
}

QString RegistryFixture::writeHtpasswd(const QString &user, const QString &password)
{
    const RunResult r = run(QStringLiteral("htpasswd"), { QStringLiteral("-Bbn"), user, password });
    if (r.exitCode != 0)
        return failure(QStringLiteral("htpasswd -Bbn"), r);
    // Written whole, then renamed: the registry rereads the file when it changes.
    const QString path = m_dir + QStringLiteral("/htpasswd");
    if (!writeFile(path + QStringLiteral(".new"), r.out) || ::rename(QFile::encodeName(path + QStringLiteral(".new")).constData(), QFile::encodeName(path).constData()) != 0)
        return QStringLiteral("cannot write %1").arg(path);
    return {};
}

QString RegistryFixture::setPassword(const QString &user, const QString &password)
{
    m_options.user = user;
    m_options.password = password;
    return writeHtpasswd(user, password);
}

QString RegistryFixture::start()
{
    if (const QString why = unavailableReason(m_options); !why.isEmpty())
        return why;
    QDir().mkpath(storage());
    if (m_options.tls)
        if (const QString e = makeCertificates(); !e.isEmpty())
            return e;
    if (!m_options.user.isEmpty())
        if (const QString e = writeHtpasswd(m_options.user, m_options.password); !e.isEmpty())
            return e;
    QString lastError;
    for (int attempt = 0; attempt < 5; ++attempt) {
        m_port = freePort();
        if (m_port == 0)
            return QStringLiteral("no free port on 127.0.0.1");
        QString config = QStringLiteral("version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: false\n"
                                        "storage:\n  filesystem:\n    rootdirectory: %1\n  delete:\n    enabled: true\n"
                                        "http:\n  addr: %2\n  secret: strata-test\n")
                             .arg(storage(), hostPort());
        if (m_options.tls)
            config += QStringLiteral("  tls:\n    certificate: %1/pki/server.crt\n    key: %1/pki/server.key\n").arg(m_dir);
        if (!m_options.user.isEmpty())
            config += QStringLiteral("auth:\n  htpasswd:\n    realm: strata-test\n    path: %1/htpasswd\n").arg(m_dir);
        writeFile(m_dir + QStringLiteral("/config.yml"), config.toUtf8());
        m_process = std::make_unique<QProcess>();
        m_process->setProcessChannelMode(QProcess::MergedChannels);
        m_process->setStandardOutputFile(m_dir + QStringLiteral("/registry.log"), QIODevice::Append);
        m_process->start(registryBinary, { QStringLiteral("serve"), m_dir + QStringLiteral("/config.yml") });
        if (!m_process->waitForStarted(10000))
            return QStringLiteral("cannot start %1: %2").arg(registryBinary, m_process->errorString());
        QElapsedTimer timer;
        timer.start();
        while (m_process->state() == QProcess::Running && timer.elapsed() < 30000) {
            const int status = httpStatus(QStringLiteral("/v2/"), false);
            if (status == 200 || status == 401)
                return {};
            QThread::msleep(100);
        }
        lastError = m_process->state() == QProcess::Running ? QStringLiteral("no answer on %1/v2/ within 30 s").arg(url())
                                                            : QStringLiteral("docker-registry exited (code %1)").arg(m_process->exitCode());
        stop();
    }
    return lastError + QStringLiteral("; log tail:\n") + logTail(15);
}

int RegistryFixture::httpStatus(const QString &path, bool withCreds) const
{
    QStringList args { QStringLiteral("-s"), QStringLiteral("-o"), QStringLiteral("/dev/null"), QStringLiteral("-w"), QStringLiteral("%{http_code}"),
        QStringLiteral("--max-time"), QStringLiteral("5") };
    if (m_options.tls)
        args << QStringLiteral("--cacert") << caFile();
    if (withCreds && !m_options.user.isEmpty())
        args << QStringLiteral("-u") << creds();
    const RunResult r = run(QStringLiteral("curl"), args << url() + path, 10000);
    return r.out.toInt();
}

QStringList RegistryFixture::peerFlags(const QString &prefix) const
{
    const QString p = prefix.isEmpty() ? QStringLiteral("--") : prefix;
    QStringList flags;
    if (m_options.tls)
        flags << p + QStringLiteral("cert-dir") << certDir();
    else
        flags << p + QStringLiteral("tls-verify=false");
    if (!m_options.user.isEmpty())
        flags << p + QStringLiteral("creds") << creds();
    return flags;
}

bool RegistryFixture::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

void RegistryFixture::stop()
{
    if (!m_process)
        return;
    if (m_process->state() == QProcess::Running) {
        m_process->terminate();
        if (!m_process->waitForFinished(10000)) {
            m_process->kill();
            m_process->waitForFinished(5000);
        }
    }
    m_process.reset();
}

QString RegistryFixture::logTail(int n) const
{
    const QStringList lines = QString::fromUtf8(readFile(m_dir + QStringLiteral("/registry.log"))).split(u'\n');
    return lines.mid(qMax(0, int(lines.size()) - n)).join(u'\n');
}

} // namespace strata::test
