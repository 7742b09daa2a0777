#include "foreigncli.h"

#include "args.h"
#include "changewatcher.h"
#include "containercli.h"
#include "layercli.h"
#include "layercontents.h"

namespace strata {

namespace {

    int failWith(QTextStream &err, const QString &command, const QString &message, int code = 1)
    {
        err << "stratactl " << command << ": " << message << '\n';
        err.flush();
        return code;
    }

    // The one container `args` names, or null with the error printed.
    const ForeignSnapshot::Container *containerArg(const ForeignSnapshot &snapshot, const QString &command, const QStringList &args, QTextStream &err, int *status)
    {
        auto a = parseCounted(args, {}, {}, 1, 1);
        if (!a) {
            *status = failWith(err, command, a.error(), 2);
            return nullptr;
        }
        const ForeignSnapshot::Container *c = snapshot.container(a->positional.first());
        if (!c)
            *status = failWith(err, command, QStringLiteral("no such container in the %1: %2").arg(snapshot.description(), a->positional.first()));
        return c;
    }

    int watch(const ForeignSnapshot &snapshot, const ForeignSnapshot::Container &c, QTextStream &out, QTextStream &err)
    {
        const QString command = QStringLiteral("watch");
        auto base = snapshot.containerBase(c);
        if (!base)
            return failWith(err, command, base.error());
        // Labels of the layers under the writable one, for copy-ups: the init layer (Docker's),
        // then the image's from the top.
        QStringList labels;
        if (!c.initDir.isEmpty())
            labels << QStringLiteral("the init layer");
        const qsizetype first = labels.size();
        const qsizetype imageLayers = base->size() - first;
        for (qsizetype i = 0; i < imageLayers; ++i) {
            const QString &dir = base->at(first + i);
            QString chain;
            for (const ForeignSnapshot::Layer &l : snapshot.layers)
                if (l.filesDir == dir)
                    chain = l.chainId.shortHex();
            labels << QStringLiteral("image layer %1 of %2 (chain sha256:%3)").arg(imageLayers - i).arg(imageLayers).arg(chain);
        }
        // The peer's own overlay driver writes deletions as whiteouts in the upper directory.
        ChangeWatcher watcher(c.writableDir, base.value(), WhiteoutStyle::Overlay);
        if (Status s = watcher.start(); !s)
            return failWith(err, command, s.error());
        out << "Watching the writable layer of " << c.name << " (" << c.writableDir << ", read-only); Ctrl-C stops.\n";
        out.flush();
        ContainerCli::printEventsUntilGone(watcher, labels, out);
        return 0;
    }

} // namespace

bool ForeignCli::handles(const QString &command, const QStringList &args)
{
    const QString sub = args.value(0);
    return (command == QLatin1String("layer") && sub == QLatin1String("files")) || (command == QLatin1String("image") && sub == QLatin1String("efficiency"))
        || command == QLatin1String("xray") || command == QLatin1String("diff") || command == QLatin1String("watch");
}

QString ForeignCli::offered()
{
    return QStringLiteral("layer files IMAGE INDEX, image efficiency IMAGE, xray IMAGE PATH, diff CONTAINER, watch CONTAINER");
}

int ForeignCli::run(const ForeignSnapshot &snapshot, const QString &command, const QStringList &args, QTextStream &out, QTextStream &err)
{
    if (command == QLatin1String("diff") || command == QLatin1String("watch")) {
        int status = 0;
        const ForeignSnapshot::Container *c = containerArg(snapshot, command, args, err, &status);
        if (!c)
            return status;
        if (command == QLatin1String("watch"))
            return watch(snapshot, *c, out, err);
        auto changes = snapshot.changes(*c);
        if (!changes)
            return failWith(err, command, changes.error());
        ContainerCli::printChanges(changes.value(), out);
        return 0;
    }
    // The same commands as on Strata's store, over the peer's folders.
    LayerCli layers(LayerContents(snapshot.layerDirs()), [&snapshot](const QString &ref) { return snapshot.resolve(ref); }, out, err);
    return layers.run(command, args);
}

} // namespace strata
