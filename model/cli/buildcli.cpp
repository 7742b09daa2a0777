#include "buildcli.h"

#include "args.h"
#include "buildcache.h"
#include "builder.h"
#include "garbagecollector.h"
#include "progressbar.h"
#include "store.h"

#include <QDir>

#include <unistd.h>

namespace strata {

BuildCli::BuildCli(Store &store, QTextStream &out, QTextStream &err)
    : m_store(store)
    , m_out(out)
    , m_err(err)
{
}

bool BuildCli::handles(const QString &command, const QStringList &args)
{
    return command == QLatin1String("build") || (command == QLatin1String("builder") && args.value(0) == QLatin1String("prune"));
}

QString BuildCli::usage()
{
    return QStringLiteral(R"(
Building images:
  build -t NAME[:TAG] [-f DOCKERFILE] [--no-cache] [--build-arg K=V] [--target STAGE]
        [--network none|host] CONTEXT
                                  build an image from a Dockerfile; CONTEXT is a directory,
                                  a tar (plain or compressed) or a zip
  builder prune [-f]              forget the build cache (its layers go unless an image uses them)
)");
}

int BuildCli::failWith(const QString &command, const QString &message, int code)
{
    m_out.flush();
    m_err << "stratactl " << command << ": " << message << '\n';
    m_err.flush();
    return code;
}

int BuildCli::run(const QString &command, const QStringList &args)
{
    if (args.contains(QLatin1String("--help")) || args.contains(QLatin1String("-h"))) {
        m_out << usage().trimmed() << '\n';
        return 0;
    }
    if (command == QLatin1String("build"))
        return build(args);
    return prune(args.mid(1));
}

int BuildCli::build(const QStringList &args)
{
    auto parsed = parseArgs(args, { QStringLiteral("--no-cache"), QStringLiteral("-q"), QStringLiteral("--quiet") },
        { QStringLiteral("-t"), QStringLiteral("--tag"), QStringLiteral("-f"), QStringLiteral("--file"), QStringLiteral("--build-arg"),
            QStringLiteral("--target"), QStringLiteral("--network") });
    if (!parsed)
        return failWith(QStringLiteral("build"), parsed.error(), 2);
    const Args &a = parsed.value();
    if (a.positional.size() != 1)
        return failWith(QStringLiteral("build"), QStringLiteral("usage: build -t NAME[:TAG] [-f DOCKERFILE] [--no-cache] [--build-arg K=V] [--target STAGE] [--network none|host] CONTEXT"), 2);
    BuildRequest request;
    request.context = QDir::current().absoluteFilePath(a.positional.first());
    request.dockerfile = a.value(QStringLiteral("-f"), QStringLiteral("--file"));
    if (!request.dockerfile.isEmpty() && QFileInfo(request.context).isDir())
        request.dockerfile = QDir::current().absoluteFilePath(request.dockerfile);
    request.tags = a.values(QStringLiteral("-t"), QStringLiteral("--tag"));
    request.buildArgs = a.values(QStringLiteral("--build-arg"));
    request.noCache = a.has(QStringLiteral("--no-cache"));
    request.target = a.value(QStringLiteral("--target"));
    request.network = a.value(QStringLiteral("--network"), {}, QStringLiteral("none"));
    if (request.network == QLatin1String("default"))
        request.network = QStringLiteral("none");
    if (request.network != QLatin1String("none") && request.network != QLatin1String("host"))
        return failWith(QStringLiteral("build"), QStringLiteral("--network %1: Strata knows none (the default) and host").arg(request.network), 2);
    const bool quiet = a.has(QStringLiteral("-q"), QStringLiteral("--quiet"));

    // The log goes straight to stdout as it comes, RUN's output with it.
    const Builder::Output out = [&](const QByteArray &text) {
        if (quiet)
            return;
        m_out.flush();
        qsizetype done = 0;
        while (done < text.size()) {
            const ssize_t n = ::write(STDOUT_FILENO, text.constData() + done, size_t(text.size() - done));
            if (n <= 0)
                break;
            done += n;
        }
    };
    const ProgressBar bar(m_err, ProgressBar::Draw::Never);
    // stratactl has no threads when it forks a RUN's monitor (the builder's relay starts after).
    Builder builder(m_store, ContainerRuntime::Launch::Fork);
    auto result = builder.build(request, out, {}, bar.progress());
    if (!result) {
        if (result.code() == ErrorCode::Cancelled)
            return failWith(QStringLiteral("build"), QStringLiteral("cancelled; no image was made"), 130);
        return failWith(QStringLiteral("build"), result.error(), builder.runStatus() > 0 ? builder.runStatus() : 1);
    }
    if (quiet)
        m_out << result->imageId.toString() << '\n';
    return 0;
}

int BuildCli::prune(const QStringList &args)
{
    auto parsed = parseArgs(args, { QStringLiteral("-f"), QStringLiteral("--force"), QStringLiteral("-a"), QStringLiteral("--all") }, {});
    if (!parsed || !parsed->positional.isEmpty())
        return failWith(QStringLiteral("builder prune"), QStringLiteral("usage: builder prune [-f]"), 2);
    auto trash = m_store.newStaging();
    if (!trash)
        return failWith(QStringLiteral("builder prune"), trash.error());
    BuildCache cache(m_store);
    StoreLockGuard guard(m_store.lock());
    if (!guard.status())
        return failWith(QStringLiteral("builder prune"), guard.status().error());
    auto removed = cache.clear();
    if (!removed)
        return failWith(QStringLiteral("builder prune"), removed.error());
    GarbageCollector collector(m_store);
    auto refs = collector.references();
    if (!refs)
        return failWith(QStringLiteral("builder prune"), refs.error());
    QStringList lines;
    Status collected = collector.collect(trash.value(), refs.value(), &lines);
    if (!collected)
        return failWith(QStringLiteral("builder prune"), collected.error());
    for (const QString &l : std::as_const(lines))
        m_out << l << '\n';
    m_out << "Removed " << removed.value() << " build cache entr" << (removed.value() == 1 ? "y" : "ies") << ", " << lines.size() << " layers and blobs\n";
    return 0;
}

} // namespace strata
