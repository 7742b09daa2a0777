#include "foreignpull.h"

#include "args.h"
#include "foreigncopy.h"
#include "foreignroot.h"
#include "progressbar.h"
#include "store.h"

namespace strata {

namespace {
    const QString dockerDaemon = QStringLiteral("docker-daemon:");
    const QString containersStorage = QStringLiteral("containers-storage:");

    int failWith(QTextStream &err, const QString &message, int code = 1)
    {
        ProgressBar::clearLine(err);
        err << "stratactl pull: " << message << '\n';
        err.flush();
        return code;
    }
}

bool ForeignPull::isForeignTransport(const QString &ref)
{
    return ref.startsWith(dockerDaemon) || ref.startsWith(containersStorage);
}

bool ForeignPull::handles(const QStringList &args)
{
    return std::any_of(args.cbegin(), args.cend(), isForeignTransport);
}

QString ForeignPull::usage()
{
    return QStringLiteral(R"(
Copying from a peer's store (read-only there, without its save):
  pull [--foreign-root DIR] docker-daemon:IMAGE
                                  an image of Docker's data root (default /var/lib/docker)
  pull [--foreign-root DIR] containers-storage:[[driver@ROOT+RUNROOT]]IMAGE
                                  an image of Podman's containers/storage (default
                                  /var/lib/containers/storage); IMAGE a tag or an ID
)");
}

int ForeignPull::run(Store &store, const QStringList &args, QTextStream &out, QTextStream &err)
{
    auto a = parseCounted(args, { QStringLiteral("-q"), QStringLiteral("--quiet") }, { QStringLiteral("--foreign-root") }, 1, 1);
    if (!a)
        return failWith(err, a.error(), 2);
    const QString source = a->positional.first();
    if (!isForeignTransport(source))
        return failWith(err, QStringLiteral("'%1' names no peer's store (docker-daemon:IMAGE or containers-storage:IMAGE)").arg(source), 2);
    const bool docker = source.startsWith(dockerDaemon);
    const QString kind = docker ? QStringLiteral("docker") : QStringLiteral("podman");
    QString ref = source.mid(docker ? dockerDaemon.size() : containersStorage.size());
    QString root = a->value(QStringLiteral("--foreign-root"));
    if (!docker && ref.startsWith(u'[')) { // containers-storage:[overlay@/var/lib/containers/storage+/run/containers/storage]busybox
        const qsizetype close = ref.indexOf(u']');
        if (close < 0)
            return failWith(err, QStringLiteral("'%1': the store specifier has no closing ']'").arg(source), 2);
        QString spec = ref.mid(1, close - 1);
        ref = ref.mid(close + 1);
        if (spec.contains(u'@'))
            spec = spec.mid(spec.indexOf(u'@') + 1);
        if (spec.contains(u'+'))
            spec = spec.left(spec.indexOf(u'+'));
        if (root.isEmpty())
            root = spec;
    }
    if (ref.isEmpty())
        return failWith(err, QStringLiteral("'%1' names no image").arg(source), 2);
    if (root.isEmpty())
        root = ForeignRoot::defaultRoot(kind);
    if (root.isEmpty())
        return failWith(err, QStringLiteral("this build does not read %1 stores (it reads %2)").arg(kind, ForeignRoot::kinds().join(QStringLiteral(", "))), 2);
    auto snapshot = ForeignRoot::read(kind, root);
    if (!snapshot)
        return failWith(err, snapshot.error());
    const ProgressBar bar(err);
    auto lines = ForeignCopier(store).copy(snapshot.value(), ref, bar.progress());
    if (!lines) {
        const Error e = lines.takeError();
        if (e.code == ErrorCode::Cancelled)
            return failWith(err, QStringLiteral("cancelled; the store is as it was"), 130);
        return failWith(err, e.message);
    }
    if (!a->has(QStringLiteral("-q"), QStringLiteral("--quiet")))
        for (const QString &l : lines.value())
            out << l << '\n';
    return 0;
}

} // namespace strata
