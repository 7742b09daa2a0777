#include "registrycli.h"

#include "args.h"
#include "progressbar.h"

#include "registryclient.h"
#include "registrytransfer.h"

#include <QFile>

#include <cstdio>

namespace strata {

namespace {

    const QStringList transferOptions { QStringLiteral("--cert-dir"), QStringLiteral("--tls-verify"), QStringLiteral("--creds"), QStringLiteral("--authfile") };

    Result<RegistryOptions> optionsFrom(const Args &a)
    {
        RegistryOptions o;
        o.certDir = a.value(QStringLiteral("--cert-dir"));
        const QString verify = a.value(QStringLiteral("--tls-verify"), {}, QStringLiteral("true"));
        if (verify != QLatin1String("true") && verify != QLatin1String("false"))
            return fail(ErrorCode::InvalidInput, QStringLiteral("--tls-verify is true or false, not '%1'").arg(verify.left(40)));
        o.tlsVerify = verify == QLatin1String("true");
        o.creds = a.value(QStringLiteral("--creds"));
        o.authFile = a.value(QStringLiteral("--authfile"));
        o.platform = a.value(QStringLiteral("--platform"));
        return o;
    }

    // docker's line for a layer once it is done with ("4e5c303f21ca: Pull complete").
    LayerTransferSink layerLines(QTextStream &out, QTextStream &err, bool quiet)
    {
        return [&out, &err, quiet](const LayerTransferEvent &e) {
            if (!e.final || quiet)
                return;
            ProgressBar::clearLine(err);
            out << e.shortId << ": " << e.status << '\n';
            out.flush();
        };
    }

} // namespace

std::optional<RegistryCli::Transfer> RegistryCli::parseTransfer(const QString &command, const QStringList &args, const QStringList &extraOptions, qsizetype maxPositional)
{
    auto a = parseCounted(args, { QStringLiteral("-q"), QStringLiteral("--quiet") }, transferOptions + extraOptions, 1, maxPositional);
    if (!a) {
        failWith(command, a.error(), 2);
        return std::nullopt;
    }
    auto options = optionsFrom(a.value());
    if (!options) {
        failWith(command, options.error(), 2);
        return std::nullopt;
    }
    return Transfer { a.value(), options.value(), a->has(QStringLiteral("-q"), QStringLiteral("--quiet")) };
}

RegistryCli::RegistryCli(QTextStream &out, QTextStream &err)
    : m_out(out)
    , m_err(err)
{
}

bool RegistryCli::handles(const QString &command)
{
    return command == QLatin1String("pull") || command == QLatin1String("push") || command == QLatin1String("login") || command == QLatin1String("logout");
}

bool RegistryCli::needsStore(const QString &command)
{
    return command == QLatin1String("pull") || command == QLatin1String("push");
}

QString RegistryCli::usage()
{
    return QStringLiteral(
        "\nRegistries (OCI distribution API):\n"
        "  pull [--platform OS/ARCH[/VARIANT]] [-q] REF   fetch an image (an index resolved to this machine's platform)\n"
        "  push [-q] IMAGE [HOST/REPO:TAG]    send an image; blobs the registry has are skipped or mounted\n"
        "  login [-u USER] [-p PASS | --password-stdin] REGISTRY   check a login and keep it (mode 0600)\n"
        "  logout REGISTRY                    forget it\n"
        "    common: --cert-dir DIR (its *.crt trusted), --tls-verify=false, --creds USER:PASS, --authfile FILE\n"
        "    logins are kept in $XDG_CONFIG_HOME/strata/auth.json; ~/.docker/config.json is read too.\n"
        "    plain HTTP only for a loopback registry, or with --tls-verify=false.\n");
}

int RegistryCli::failWith(const QString &command, const QString &message, int code)
{
    ProgressBar::clearLine(m_err);
    m_err << "stratactl " << command << ": " << message << '\n';
    m_err.flush();
    return code;
}

int RegistryCli::run(Store *store, const QString &command, const QStringList &args)
{
    if (command == QLatin1String("pull"))
        return pull(*store, args);
    if (command == QLatin1String("push"))
        return push(*store, args);
    if (command == QLatin1String("login"))
        return login(args);
    return logout(args);
}

int RegistryCli::pull(Store &store, const QStringList &args)
{
    const auto t = parseTransfer(QStringLiteral("pull"), args, { QStringLiteral("--platform") }, 1);
    if (!t)
        return 2;
    const bool quiet = t->quiet;
    const QString ref = t->args.positional.first();
    if (!quiet) {
        if (auto parsed = RegistryReference::parse(ref); parsed && !parsed->tag.isEmpty() && parsed->digest.isNull())
            m_out << parsed->tag << ": Pulling from " << (parsed->host == QLatin1String("docker.io") ? parsed->repository : parsed->host + u'/' + parsed->repository) << '\n';
        m_out.flush();
    }
    ProgressBar bar(m_err);
    auto result = RegistryPuller(store, t->options).pull(ref, bar.progress(), layerLines(m_out, m_err, quiet));
    if (!result) {
        if (result.code() == ErrorCode::Cancelled)
            return failWith(QStringLiteral("pull"), QStringLiteral("cancelled; the store is as it was"), 130);
        return failWith(QStringLiteral("pull"), QStringLiteral("%1: %2").arg(ref, result.error()));
    }
    if (quiet) {
        m_out << result->imageId.toString() << '\n';
        return 0;
    }
    m_out << "Digest: " << result->manifestDigest.toString() << '\n'
          << "Status: " << (result->upToDate ? "Image is up to date for " : "Downloaded newer image for ") << result->reference << '\n';
    return 0;
}

int RegistryCli::push(Store &store, const QStringList &args)
{
    const auto t = parseTransfer(QStringLiteral("push"), args, {}, 2);
    if (!t)
        return 2;
    const bool quiet = t->quiet;
    const QString image = t->args.positional.first();
    const QString destination = t->args.positional.value(1);
    ProgressBar bar(m_err);
    auto result = RegistryPusher(store, t->options).push(image, destination, bar.progress(), layerLines(m_out, m_err, quiet));
    if (!result) {
        if (result.code() == ErrorCode::Cancelled)
            return failWith(QStringLiteral("push"), QStringLiteral("cancelled"), 130);
        return failWith(QStringLiteral("push"), QStringLiteral("%1: %2").arg(destination.isEmpty() ? image : destination, result.error()));
    }
    if (quiet) {
        m_out << result->manifestDigest.toString() << '\n';
        return 0;
    }
    auto ref = RegistryReference::parse(result->reference);
    m_out << (ref ? ref->tag : QString()) << ": digest: " << result->manifestDigest.toString() << " size: " << result->manifestSize << '\n'
          << "Digest: " << result->manifestDigest.toString() << '\n';
    return 0;
}

int RegistryCli::login(const QStringList &args)
{
    auto a = parseCounted(args, { QStringLiteral("--password-stdin") },
        { QStringLiteral("-u"), QStringLiteral("--username"), QStringLiteral("-p"), QStringLiteral("--password"), QStringLiteral("--cert-dir"), QStringLiteral("--tls-verify"),
            QStringLiteral("--authfile") },
        1, 1);
    if (!a)
        return failWith(QStringLiteral("login"), a.error(), 2);
    auto options = optionsFrom(a.value());
    if (!options)
        return failWith(QStringLiteral("login"), options.error(), 2);
    RegistryCredentials::Login login;
    login.user = a->value(QStringLiteral("-u"), QStringLiteral("--username"));
    login.password = a->value(QStringLiteral("-p"), QStringLiteral("--password"));
    if (a->has(QStringLiteral("--password-stdin"))) {
        if (!login.password.isEmpty())
            return failWith(QStringLiteral("login"), QStringLiteral("--password and --password-stdin are exclusive"), 2);
        QFile in;
        if (!in.open(stdin, QIODevice::ReadOnly))
            return failWith(QStringLiteral("login"), QStringLiteral("cannot read the password from stdin"));
        login.password = QString::fromUtf8(in.read(64 * 1024)).trimmed();
    }
    if (login.user.isEmpty() || login.password.isEmpty())
        return failWith(QStringLiteral("login"), QStringLiteral("give the user with -u and the password with -p or --password-stdin"), 2);
    QString host = a->positional.first();
    for (const QString &scheme : { QStringLiteral("https://"), QStringLiteral("http://") })
        if (host.startsWith(scheme))
            host = host.mid(scheme.size());
    if (host.endsWith(u'/'))
        host.chop(1);
    if (host == QLatin1String("index.docker.io") || host == QLatin1String("registry-1.docker.io"))
        host = QStringLiteral("docker.io");
    RegistryOptions o = options.value();
    o.creds = login.user + u':' + login.password;
    if (Status s = RegistryClient(host, o).checkLogin(); !s) // its message names the host
        return failWith(QStringLiteral("login"), s.error());
    if (Status s = RegistryCredentials::store(host, login, o.authFile); !s)
        return failWith(QStringLiteral("login"), s.error());
    m_out << "Login Succeeded\n";
    return 0;
}

int RegistryCli::logout(const QStringList &args)
{
    auto a = parseCounted(args, {}, { QStringLiteral("--authfile") }, 1, 1);
    if (!a)
        return failWith(QStringLiteral("logout"), a.error(), 2);
    QString host = a->positional.first();
    if (host == QLatin1String("index.docker.io") || host == QLatin1String("registry-1.docker.io"))
        host = QStringLiteral("docker.io");
    auto removed = RegistryCredentials::remove(host, a->value(QStringLiteral("--authfile")));
    if (!removed)
        return failWith(QStringLiteral("logout"), removed.error());
    if (!removed.value())
        return failWith(QStringLiteral("logout"), QStringLiteral("not logged in to %1").arg(host));
    m_out << "Removed login credentials for " << host << '\n';
    return 0;
}

} // namespace strata
