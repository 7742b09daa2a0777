#include "cli.h"

#include "args.h"
#include "buildcli.h"
#include "containercli.h"
#include "containerstore.h"
#include "foreigncli.h"
#include "layercli.h"
#include "registrycli.h"
#include "pruner.h"
#include "volumestore.h"

#include "humanize.h"
#include "progressbar.h"
#include "dockerroot.h"
#include "foreignroot.h"
#include "foreignpull.h"
#include "imagediskusage.h"
#include "imageimporter.h"
#include "imageloader.h"
#include "imagesaver.h"
#include "imagedescription.h"
#include "imagestore.h"
#include "storechecker.h"
#include "store.h"
#include "storeopen.h"
#include "storefootprint.h"
#include "storesnapshot.h"
#include "texttable.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

#include <functional>

namespace strata {

namespace {

    const char *usageText = R"(Usage: stratactl [--root DIR] [--driver NAME] COMMAND [ARGS]

A container image store with its own layer engine.

Global options:
  --root DIR       data root (default: $STRATA_ROOT, else /var/lib/strata for root,
                   else $XDG_DATA_HOME/strata)
  --driver NAME    storage driver for a new store: overlay2, vfs or btrfs (default: btrfs
                   on a btrfs filesystem, else overlay2 where the kernel allows it, else vfs)
  --foreign docker|podman
                   read a peer's data root read-only (--root, default /var/lib/docker, or
                   containers/storage's: /var/lib/containers/storage for root, else
                   ~/.local/share/containers/storage): images, history, inspect IMAGE,
                   system df [-v] and layer ls; nothing there is changed
                   (a --root that is such a data root is detected without it)

Commands:
  info                          the store and every storage driver, available or not
  images [-q] [--no-trunc]      list images
  history [--no-trunc] IMAGE    the layers and history of an image
  inspect NAME...               container or image details as JSON
  tag SOURCE TARGET             add a tag to an image
  rmi [-f] IMAGE...             remove images (layers other images use stay)
  system df [-v]                disk usage; -v per image with shared and unique size
  load [-i] FILE                load a docker-archive or OCI layout tar
  save [-o FILE] [--format docker-archive|oci] IMAGE...
                                write images to a tar
  import [-c CHANGE]... SOURCE [REF]
                                a root filesystem tar or directory as a one-layer image
  check [--repair]              report every inconsistency in the store; --repair fixes
                                what it can
  container prune               remove every container that is not running
  image prune                   remove every dangling image (no tag, no container)
)";

    QString createdText(const QString &iso)
    {
        return humanize::ago(QDateTime::fromString(iso, Qt::ISODateWithMs));
    }

    QString repository(const QString &tag) { return tag.left(tag.lastIndexOf(u':')); }
    QString tagPart(const QString &tag) { return tag.mid(tag.lastIndexOf(u':') + 1); }

    // The tables of `images`, `history` and `system df -v`, for Strata's own store and a foreign one.
    QString imagesTable(const QList<Image> &list, const Args &a, QStringList *ids)
    {
        const bool noTrunc = a.flags.contains(QStringLiteral("--no-trunc"));
        TextTable table({ QStringLiteral("REPOSITORY"), QStringLiteral("TAG"), QStringLiteral("IMAGE ID"), QStringLiteral("CREATED"), QStringLiteral("SIZE") });
        for (const Image &image : list) {
            const QString id = noTrunc ? image.id.toString() : image.id.shortHex();
            const QStringList tags = image.tags.isEmpty() ? QStringList { QStringLiteral("<none>:<none>") } : image.tags;
            for (const QString &t : tags) {
                if (!a.positional.isEmpty() && repository(t) != a.positional.first() && t != a.positional.first())
                    continue;
                table.add({ repository(t), tagPart(t), id, humanize::ago(image.created), humanize::size(image.size()) });
                if (!ids->contains(id))
                    ids->append(id);
            }
        }
        return table.render();
    }

    QString historyTable(const Image &image, bool noTrunc)
    {
        TextTable table({ QStringLiteral("IMAGE"), QStringLiteral("CREATED"), QStringLiteral("CREATED BY"), QStringLiteral("SIZE"), QStringLiteral("COMMENT") });
        const QList<HistoryRow> rows = ImageDescription::history(image);
        for (qsizetype i = rows.size() - 1; i >= 0; --i) {
            const HistoryRow &r = rows[i];
            QString id = i == rows.size() - 1 ? (noTrunc ? image.id.toString() : image.id.shortHex()) : QStringLiteral("<missing>");
            QString by = r.createdBy;
            if (!noTrunc && by.size() > 45)
                by = by.left(44) + QStringLiteral("…");
            table.add({ id, createdText(r.created), by, humanize::size(r.size), r.comment });
        }
        return table.render();
    }

    TextTable dfImagesHeader()
    {
        return TextTable({ QStringLiteral("REPOSITORY"), QStringLiteral("TAG"), QStringLiteral("IMAGE ID"), QStringLiteral("CREATED"), QStringLiteral("SIZE"),
            QStringLiteral("SHARED SIZE"), QStringLiteral("UNIQUE SIZE"), QStringLiteral("CONTAINERS") });
    }

    void addDfImageRows(TextTable &table, const Image &image, qint64 size, qint64 shared, qint64 unique, qsizetype containers)
    {
        const QStringList tags = image.tags.isEmpty() ? QStringList { QStringLiteral("<none>:<none>") } : image.tags;
        for (const QString &t : tags)
            table.add({ repository(t), tagPart(t), image.id.shortHex(), humanize::ago(image.created), humanize::size(size), humanize::size(shared),
                humanize::size(unique), QString::number(containers) });
    }

    // stratactl --foreign docker …: the listing commands over a peer's data root, read-only.
    int runForeign(QTextStream &out, QTextStream &err, const QString &kind, QString root, const QString &command, const QStringList &args)
    {
        auto failWith = [&](const QString &message, int code = 1) {
            err << "stratactl " << command << ": " << message << '\n';
            err.flush();
            return code;
        };
        if (!ForeignRoot::kinds().contains(kind))
            return failWith(QStringLiteral("unknown foreign store '%1' (Strata reads %2)").arg(kind, ForeignRoot::kinds().join(QStringLiteral(", "))), 2);
        if (root.isEmpty())
            root = ForeignRoot::defaultRoot(kind);
        auto parse = [&](const QStringList &flags, qsizetype minPositional, qsizetype maxPositional) -> std::optional<Args> {
            auto parsed = parseCounted(args, flags, {}, minPositional, maxPositional);
            if (!parsed) {
                failWith(parsed.error(), 2);
                return std::nullopt;
            }
            return parsed.value();
        };
        const bool isDf = command == QLatin1String("system") && args.value(0) == QLatin1String("df");
        const bool isLayerLs = command == QLatin1String("layer") && args.value(0) == QLatin1String("ls");
        const bool readsFiles = ForeignCli::handles(command, args);
        if (command != QLatin1String("images") && command != QLatin1String("history") && command != QLatin1String("inspect") && !isDf && !isLayerLs && !readsFiles)
            return failWith(QStringLiteral("read-only foreign store: %1 is not available (--foreign %2 offers images, history, inspect IMAGE, system df, layer ls, %3)").arg(command, kind, ForeignCli::offered()), 2);
        auto snap = ForeignRoot::read(kind, root);
        if (!snap)
            return failWith(snap.error());
        for (const QString &p : std::as_const(snap->problems))
            err << "warning: " << p << '\n';
        if (readsFiles)
            return ForeignCli::run(snap.value(), command, args, out, err);
        if (command == QLatin1String("images")) {
            auto a = parse({ QStringLiteral("-q"), QStringLiteral("--no-trunc"), QStringLiteral("-a") }, 0, 1);
            if (!a)
                return 2;
            QStringList ids;
            const QList<Image> list = a->flags.contains(QStringLiteral("-a")) ? snap->images + snap->intermediate : snap->images;
            const QString table = imagesTable(list, a.value(), &ids);
            if (a->flags.contains(QStringLiteral("-q")))
                out << (ids.isEmpty() ? QString() : ids.join(u'\n') + u'\n');
            else
                out << table;
            return 0;
        }
        if (command == QLatin1String("history")) {
            auto a = parse({ QStringLiteral("--no-trunc"), QStringLiteral("-q"), QStringLiteral("-H") }, 1, 1);
            if (!a)
                return 2;
            auto image = snap->resolve(a->positional.first());
            if (!image)
                return failWith(image.error());
            out << historyTable(image.value(), a->flags.contains(QStringLiteral("--no-trunc")));
            return 0;
        }
        if (command == QLatin1String("inspect")) {
            auto a = parse({}, 1, -1);
            if (!a)
                return 2;
            QJsonArray all;
            int status = 0;
            for (const QString &ref : std::as_const(a->positional)) {
                auto image = snap->resolve(ref);
                if (!image) {
                    status = failWith(image.error());
                    continue;
                }
                all.append(ForeignRoot::inspect(snap.value(), image.value())); // the peer's own shape
            }
            out << QJsonDocument(all).toJson(QJsonDocument::Indented);
            return status;
        }
        QSet<Digest> inUse;
        QHash<Digest, qsizetype> users;
        for (const DockerRoot::Container &c : std::as_const(snap->containers)) {
            inUse.insert(c.imageId);
            ++users[c.imageId];
        }
        if (isLayerLs) {
            auto a = parse({ QStringLiteral("--no-trunc") }, 1, 2);
            if (!a)
                return 2;
            const bool noTrunc = a->flags.contains(QStringLiteral("--no-trunc"));
            // The same table as `layer ls` on Strata's own store: base layers first, each followed
            // by what is built on it, or IMAGE's layers only.
            QList<Image> images = snap->images + snap->intermediate;
            if (a->positional.size() == 2) {
                auto image = snap->resolve(a->positional[1]);
                if (!image)
                    return failWith(image.error());
                images = { image.value() };
            }
            QList<Digest> order;
            QHash<Digest, int> imagesOf;
            QHash<Digest, QString> createdBy;
            for (const Image &image : snap->images + snap->intermediate)
                for (const ImageLayer &l : image.layers)
                    ++imagesOf[l.chainId];
            for (const Image &image : std::as_const(images)) {
                const QStringList by = ImageDescription::layerInstructions(image);
                for (qsizetype i = 0; i < image.layers.size(); ++i) {
                    const Digest &chain = image.layers[i].chainId;
                    if (!order.contains(chain))
                        order.append(chain);
                    if (createdBy.value(chain).isEmpty())
                        createdBy.insert(chain, by.value(i));
                }
            }
            TextTable table({ QStringLiteral("CHAIN ID"), QStringLiteral("DIFF ID"), QStringLiteral("SIZE"), QStringLiteral("IMAGES"), QStringLiteral("CREATED BY") });
            for (const Digest &chain : std::as_const(order)) {
                const DockerRoot::Layer l = snap->layers.value(chain);
                QString by = createdBy.value(chain);
                if (!noTrunc && by.size() > 60)
                    by = by.left(59) + QStringLiteral("…");
                table.add({ noTrunc ? chain.toString() : chain.shortHex(), noTrunc ? l.diffId.toString() : l.diffId.shortHex(), humanize::size(l.size),
                    QString::number(imagesOf.value(chain)), by });
            }
            out << table.render();
            return 0;
        }
        auto a = parse({ QStringLiteral("-v"), QStringLiteral("--verbose") }, 1, 1);
        if (!a)
            return 2;
        const ImageDiskUsage usage = snap->diskUsage(inUse); // as the peer counts it
        const bool verbose = a->flags.contains(QStringLiteral("-v")) || a->flags.contains(QStringLiteral("--verbose"));
        qsizetype running = 0;
        for (const DockerRoot::Container &c : std::as_const(snap->containers))
            running += c.running ? 1 : 0;
        if (!verbose) {
            TextTable table({ QStringLiteral("TYPE"), QStringLiteral("TOTAL"), QStringLiteral("ACTIVE"), QStringLiteral("SIZE"), QStringLiteral("RECLAIMABLE") });
            const qint64 half = snap->kind == QLatin1String("podman") ? usage.totalSize / 2 : 0; // podman rounds, docker truncates
            const qint64 pct = usage.totalSize > 0 ? (usage.reclaimable * 100 + half) / usage.totalSize : 0;
            table.add({ QStringLiteral("Images"), QString::number(usage.listed), QString::number(usage.active), humanize::size(usage.totalSize),
                QStringLiteral("%1 (%2%)").arg(humanize::size(usage.reclaimable)).arg(pct) });
            qint64 containers = 0, reclaimable = 0;
            for (const DockerRoot::Container &c : std::as_const(snap->containers)) {
                containers += qMax<qint64>(0, c.writableSize);
                reclaimable += c.running ? 0 : qMax<qint64>(0, c.writableSize);
            }
            table.add({ QStringLiteral("Containers"), QString::number(snap->containers.size()), QString::number(running), humanize::size(containers),
                humanize::size(reclaimable) });
            out << table.render() << "\n(read-only foreign store: " << snap->description() << ")\n";
            return 0;
        }
        TextTable table = dfImagesHeader();
        for (const auto &row : usage.images) // the rows the peer lists
            addDfImageRows(table, row.image, row.size, row.shared, row.unique, users.value(row.image.id));
        TextTable containerTable({ QStringLiteral("CONTAINER ID"), QStringLiteral("IMAGE"), QStringLiteral("COMMAND"), QStringLiteral("SIZE"), QStringLiteral("CREATED"),
            QStringLiteral("STATUS"), QStringLiteral("NAMES") });
        for (const DockerRoot::Container &c : std::as_const(snap->containers))
            containerTable.add({ c.id.left(12), c.imageRef, u'"' + c.command.join(u' ').left(20) + u'"', c.writableSize < 0 ? QStringLiteral("-") : humanize::size(c.writableSize),
                humanize::ago(c.created), c.status, c.name });
        out << "Images space usage:\n\n" << table.render() << "\nTotal: " << humanize::size(usage.totalSize) << (snap->kind == QLatin1String("podman") ? " (as podman sums it)\n\n" : " (each layer counted once)\n\n")
            << "Containers space usage:\n\n" << containerTable.render() << '\n'
            << "(read-only foreign store: " << snap->description() << ")\n";
        return 0;
    }

    // The store's real footprint, beside the logical figures above it.
    QString footprintTable(const Store &store)
    {
        const StoreFootprint f = StoreFootprint::measure(store.root(), store.layersDir());
        TextTable table({ QStringLiteral("ON DISK"), QStringLiteral("SIZE"), QStringLiteral("WHAT") });
        table.add({ QStringLiteral("Layer snapshots"), humanize::size(f.snapshots), QStringLiteral("the unpacked layers, each once (layers/%1)").arg(store.driver().name()) });
        table.add({ QStringLiteral("Layer metadata"), humanize::size(f.layerMetadata), QStringLiteral("tar-splits and records: uncompressed layer tars are rebuilt from them") });
        table.add({ QStringLiteral("Blobs"), humanize::size(f.blobs), QStringLiteral("manifests, configs, compressed layers as they came (images/)") });
        table.add({ QStringLiteral("Containers"), humanize::size(f.containers), QStringLiteral("writable layers, logs, configs") });
        table.add({ QStringLiteral("Volumes"), humanize::size(f.volumes), QString() });
        table.add({ QStringLiteral("Other"), humanize::size(f.other), QStringLiteral("build cache index, staging, store files") });
        table.add({ QStringLiteral("Total"), humanize::size(f.total), QStringLiteral("disk blocks of %1, as du counts them").arg(store.root()) });
        return table.render();
    }

} // namespace

Cli::Cli(QTextStream &out, QTextStream &err)
    : m_out(out)
    , m_err(err)
{
}

int Cli::run(const QStringList &arguments)
{
    Store::Options storeOptions;
    QString foreign; // --foreign docker: a peer's data root, read-only
    QStringList args = arguments;
    while (!args.isEmpty() && args.first().startsWith(QLatin1String("--"))) {
        const QString a = args.takeFirst();
        if (a == QLatin1String("--help")) {
            m_out << usageText << ContainerCli::usage() << LayerCli::usage() << BuildCli::usage() << RegistryCli::usage() << ForeignPull::usage();
            return 0;
        }
        if (a == QLatin1String("--version")) {
            m_out << "stratactl " << QCoreApplication::applicationVersion() << '\n';
            return 0;
        }
        QString value;
        QString name = a;
        if (a.contains(u'=')) {
            name = a.left(a.indexOf(u'='));
            value = a.mid(a.indexOf(u'=') + 1);
        } else if (!args.isEmpty()) {
            value = args.takeFirst();
        }
        if (name == QLatin1String("--root"))
            storeOptions.root = value;
        else if (name == QLatin1String("--driver"))
            storeOptions.driver = value;
        else if (name == QLatin1String("--foreign"))
            foreign = value;
        else {
            m_err << "stratactl: unknown global option '" << name << "'\n" << usageText;
            return 2;
        }
    }
    if (args.isEmpty()) {
        m_err << usageText;
        return 2;
    }
    const QString command = args.takeFirst();
    if (command == QLatin1String("help")) {
        m_out << usageText << ContainerCli::usage() << LayerCli::usage() << BuildCli::usage() << RegistryCli::usage() << ForeignPull::usage();
        return 0;
    }
    // A --root that is Docker's data root is read as one, rather than made a Strata store inside it.
    if (foreign.isEmpty() && !storeOptions.root.isEmpty() && !command.startsWith(QLatin1String("__")))
        foreign = ForeignRoot::detect(storeOptions.root);
    if (!foreign.isEmpty()) // before anything opens (and would create) a store there
        return runForeign(m_out, m_err, foreign, storeOptions.root, command, args);
    if (command == QLatin1String("__monitor")) // the monitor opens the store itself
        return ContainerCli::runMonitor(storeOptions.root.isEmpty() ? Store::defaultRoot() : storeOptions.root, args, m_err);
    if (command == QLatin1String("__exec")) { // exec for a caller with threads (ContainerRuntime::exec)
        storeOptions.sweep = false;
        auto opened = openStore(storeOptions);
        if (!opened) {
            m_err << "stratactl __exec: " << opened.error() << '\n';
            return 125;
        }
        return ContainerCli::runExecHelper(*opened.value(), args, m_err);
    }

    auto failWith = [&](const QString &message, int code = 1) {
        ProgressBar::clearLine(m_err);
        m_err << "stratactl " << command << ": " << message << '\n';
        m_err.flush();
        return code;
    };
    // Ctrl-C during long work (ProgressBar): the work stopped cleanly, as Docker's CLI exits.
    auto failWithError = [&](const Error &e) {
        if (e.code == ErrorCode::Cancelled)
            return failWith(QStringLiteral("cancelled; the store is as it was"), 130);
        return failWith(e.message);
    };
    auto parse = [&](const QStringList &flags, const QStringList &options, qsizetype minPositional, qsizetype maxPositional) -> std::optional<Args> {
        auto parsed = parseCounted(args, flags, options, minPositional, maxPositional);
        if (!parsed) {
            failWith(parsed.error(), 2);
            return std::nullopt;
        }
        return parsed.value();
    };

    if (RegistryCli::handles(command) && !RegistryCli::needsStore(command)) // login, logout: no store
        return RegistryCli(m_out, m_err).run(nullptr, command, args);
    if (command == QLatin1String("check"))
        storeOptions.sweep = false; // check reports dead jobs' staging instead of silently removing it
    auto opened = openStore(storeOptions);
    if (!opened)
        return failWith(opened.error());
    Store &store = *opened.value();
    ImageStore images(store);
    ContainerCli containerCli(store, m_out, m_err);
    if (ContainerCli::handles(command))
        return containerCli.run(command, args);
    if ((command == QLatin1String("container") || command == QLatin1String("image")) && args.value(0) == QLatin1String("prune")) {
        args.removeFirst();
        if (!parse({ QStringLiteral("-f"), QStringLiteral("--force") }, {}, 0, 0))
            return 2;
        Pruner pruner(store);
        auto lines = command == QLatin1String("container") ? pruner.pruneContainers() : pruner.pruneImages();
        if (!lines)
            return failWith(lines.error());
        if (lines->isEmpty())
            m_out << (command == QLatin1String("container") ? "Nothing to prune: no stopped containers.\n" : "Nothing to prune: no dangling images.\n");
        for (const QString &line : std::as_const(lines.value()))
            m_out << line << '\n';
        return 0;
    }
    if (LayerCli::handles(command))
        return LayerCli(store, m_out, m_err).run(command, args);
    if (BuildCli::handles(command, args))
        return BuildCli(store, m_out, m_err).run(command, args);
    if (command == QLatin1String("pull") && ForeignPull::handles(args)) // before a registry's pull
        return ForeignPull::run(store, args, m_out, m_err);
    if (RegistryCli::handles(command))
        return RegistryCli(m_out, m_err).run(&store, command, args);

    if (command == QLatin1String("info")) {
        if (!parse({}, {}, 0, 0))
            return 2;
        auto list = images.list();
        m_out << "Data root:       " << store.root() << '\n'
              << "Storage driver:  " << store.driver().name() << '\n'
              << "Rootless:        " << (store.rootless() ? "yes" : "no") << '\n'
              << "Images:          " << (list ? list->size() : 0) << '\n'
              << "Image layout:    " << store.imagesDir() << " (OCI image layout)\n\n";
        TextTable table({ QStringLiteral("DRIVER"), QStringLiteral("IMPLEMENTED"), QStringLiteral("AVAILABLE"), QStringLiteral("DETAIL") });
        for (const DriverStatus &d : StorageDriver::probeAll(store.root(), store.rootless()))
            table.add({ d.name, d.implemented ? QStringLiteral("yes") : QStringLiteral("no"), d.available ? QStringLiteral("yes") : QStringLiteral("no"), d.detail });
        m_out << table.render();
        return 0;
    }
    if (command == QLatin1String("images")) {
        auto a = parse({ QStringLiteral("-q"), QStringLiteral("--no-trunc"), QStringLiteral("-a") }, {}, 0, 1);
        if (!a)
            return 2;
        QStringList problems;
        auto list = images.list(&problems);
        if (!list)
            return failWith(list.error());
        for (const QString &p : problems)
            m_err << "warning: " << p << " (run stratactl check)\n";
        QStringList ids;
        const QString table = imagesTable(list.value(), a.value(), &ids);
        if (a->flags.contains(QStringLiteral("-q")))
            m_out << (ids.isEmpty() ? QString() : ids.join(u'\n') + u'\n');
        else
            m_out << table;
        return 0;
    }
    if (command == QLatin1String("history")) {
        auto a = parse({ QStringLiteral("--no-trunc"), QStringLiteral("-q"), QStringLiteral("-H") }, {}, 1, 1);
        if (!a)
            return 2;
        auto image = images.resolve(a->positional.first());
        if (!image)
            return failWith(image.error());
        m_out << historyTable(image.value(), a->flags.contains(QStringLiteral("--no-trunc")));
        return 0;
    }
    if (command == QLatin1String("inspect")) {
        auto a = parse({}, {}, 1, -1);
        if (!a)
            return 2;
        QJsonArray out;
        int status = 0;
        for (const QString &ref : a->positional) {
            if (auto container = containerCli.inspect(ref)) {
                out.append(container.value());
                continue;
            }
            auto image = images.resolve(ref);
            if (!image) {
                status = failWith(image.error());
                continue;
            }
            out.append(ImageDescription(store).inspect(image.value()));
        }
        m_out << QJsonDocument(out).toJson(QJsonDocument::Indented);
        return status;
    }
    if (command == QLatin1String("tag")) {
        auto a = parse({}, {}, 2, 2);
        if (!a)
            return 2;
        if (Status s = images.tag(a->positional[0], a->positional[1]); !s)
            return failWith(s.error());
        return 0;
    }
    if (command == QLatin1String("rmi")) {
        auto a = parse({ QStringLiteral("-f"), QStringLiteral("--force") }, {}, 1, -1);
        if (!a)
            return 2;
        int status = 0;
        for (const QString &ref : a->positional) {
            auto lines = images.remove(ref, a->flags.contains(QStringLiteral("-f")) || a->flags.contains(QStringLiteral("--force")),
                [&] { return ContainerStore(store).imageUsers(); });
            if (!lines) {
                status = failWith(lines.error());
                continue;
            }
            for (const QString &l : lines.value())
                m_out << l << '\n';
        }
        return status;
    }
    if (command == QLatin1String("system")) {
        auto a = parse({ QStringLiteral("-v"), QStringLiteral("--verbose") }, {}, 1, 1);
        if (!a)
            return 2;
        if (a->positional.first() != QLatin1String("df"))
            return failWith(QStringLiteral("unknown subcommand '%1' (only 'df')").arg(a->positional.first()), 2);
        auto snap = StoreSnapshot::take(store);
        if (!snap)
            return failWith(snap.error());
        const bool verbose = a->flags.contains(QStringLiteral("-v")) || a->flags.contains(QStringLiteral("--verbose"));
        const StoreSnapshot::DiskUse &disk = snap->disk;
        if (!verbose) {
            TextTable table({ QStringLiteral("TYPE"), QStringLiteral("TOTAL"), QStringLiteral("ACTIVE"), QStringLiteral("SIZE"), QStringLiteral("RECLAIMABLE") });
            const qint64 pct = disk.images > 0 ? disk.imagesReclaimable * 100 / disk.images : 0;
            table.add({ QStringLiteral("Images"), QString::number(snap->images.size()), QString::number(disk.activeImages), humanize::size(disk.images),
                QStringLiteral("%1 (%2%)").arg(humanize::size(disk.imagesReclaimable)).arg(pct) });
            table.add({ QStringLiteral("Containers"), QString::number(snap->containers.size()), QString::number(disk.activeContainers), humanize::size(disk.containers),
                humanize::size(disk.containersReclaimable) });
            table.add({ QStringLiteral("Local Volumes"), QString::number(snap->volumes.size()), QString::number(disk.activeVolumes), humanize::size(disk.volumes),
                humanize::size(disk.volumesReclaimable) });
            table.add({ QStringLiteral("Build Cache"), QString::number(disk.buildCacheEntries), QStringLiteral("0"), humanize::size(disk.buildCache),
                humanize::size(disk.buildCache) });
            m_out << table.render() << '\n' << footprintTable(store);
            return 0;
        }
        TextTable table = dfImagesHeader();
        for (const auto &row : std::as_const(snap->images))
            addDfImageRows(table, row.image, row.size, row.shared, row.unique, row.containers.size());
        TextTable containerTable({ QStringLiteral("CONTAINER ID"), QStringLiteral("IMAGE"), QStringLiteral("COMMAND"), QStringLiteral("LOCAL VOLUMES"),
            QStringLiteral("SIZE"), QStringLiteral("CREATED"), QStringLiteral("STATUS"), QStringLiteral("NAMES") });
        for (const auto &entry : std::as_const(snap->containers)) {
            const Container &c = entry.container;
            containerTable.add({ c.config.shortId(), c.config.imageRef, u'"' + c.config.args().join(u' ').left(20) + u'"', QString::number(c.config.mounts.size()),
                humanize::size(entry.writableBytes), humanize::ago(c.config.created), c.state.statusName(), c.config.name });
        }
        TextTable volumeTable({ QStringLiteral("VOLUME NAME"), QStringLiteral("LINKS"), QStringLiteral("SIZE") });
        for (const Volume &v : std::as_const(snap->volumes))
            volumeTable.add({ v.name, QString::number(v.usedBy.size()), humanize::size(qMax<qint64>(0, v.size)) });
        m_out << "Images space usage:\n\n" << table.render() << "\nTotal: " << humanize::size(disk.images) << " (each layer counted once)\n\n"
              << "Containers space usage:\n\n" << containerTable.render() << '\n'
              << "Local Volumes space usage:\n\n" << volumeTable.render() << '\n'
              << "Build cache usage: " << humanize::size(disk.buildCache) << " (" << disk.buildCacheEntries << " steps; layers no image uses)\n\n"
              << footprintTable(store);
        return 0;
    }
    if (command == QLatin1String("load")) {
        auto a = parse({ QStringLiteral("-q"), QStringLiteral("--quiet") }, { QStringLiteral("-i"), QStringLiteral("--input") }, 0, 1);
        if (!a)
            return 2;
        QString file = a->options.value(QStringLiteral("-i")).value(0, a->options.value(QStringLiteral("--input")).value(0));
        if (file.isEmpty())
            file = a->positional.value(0);
        if (file.isEmpty())
            return failWith(QStringLiteral("name the archive to load: stratactl load -i FILE"), 2);
        const ProgressBar bar(m_err);
        auto lines = ImageLoader(store).load(file, bar.progress());
        if (!lines)
            return failWithError(lines.takeError());
        for (const QString &l : lines.value())
            m_out << l << '\n';
        return 0;
    }
    if (command == QLatin1String("save")) {
        auto a = parse({}, { QStringLiteral("-o"), QStringLiteral("--output"), QStringLiteral("--format") }, 1, -1);
        if (!a)
            return 2;
        QString outFile = a->options.value(QStringLiteral("-o")).value(0, a->options.value(QStringLiteral("--output")).value(0));
        if (outFile.isEmpty())
            return failWith(QStringLiteral("name the output file with -o FILE"), 2);
        const QString format = a->options.value(QStringLiteral("--format")).value(0, QStringLiteral("docker-archive"));
        ImageSaver::Format f;
        if (format == QLatin1String("docker-archive") || format == QLatin1String("docker"))
            f = ImageSaver::Format::DockerArchive;
        else if (format == QLatin1String("oci") || format == QLatin1String("oci-archive"))
            f = ImageSaver::Format::Oci;
        else
            return failWith(QStringLiteral("unknown format '%1' (docker-archive or oci)").arg(format), 2);
        const ProgressBar bar(m_err);
        if (Status s = ImageSaver(store).save(a->positional, outFile, f, bar.progress()); !s)
            return failWithError(s.takeError());
        return 0;
    }
    if (command == QLatin1String("import")) {
        auto a = parse({}, { QStringLiteral("-c"), QStringLiteral("--change") }, 1, 2);
        if (!a)
            return 2;
        const QStringList changes = a->options.value(QStringLiteral("-c")) + a->options.value(QStringLiteral("--change"));
        const ProgressBar bar(m_err);
        auto id = ImageImporter(store).import(a->positional[0], a->positional.value(1), changes, bar.progress());
        if (!id)
            return failWithError(id.takeError());
        m_out << id->toString() << '\n';
        return 0;
    }
    if (command == QLatin1String("check")) {
        auto a = parse({ QStringLiteral("--repair") }, {}, 0, 0);
        if (!a)
            return 2;
        const bool repair = a->flags.contains(QStringLiteral("--repair"));
        const ProgressBar bar(m_err);
        auto problems = StoreChecker(store).run(repair, bar.progress());
        if (!problems)
            return failWithError(problems.takeError());
        int unfixed = 0, found = 0;
        for (const auto &p : problems.value()) {
            found += p.advice ? 0 : 1;
            if (!repair)
                m_out << (p.advice ? "note: " : "problem: ") << p.message << '\n';
            else if (p.repaired)
                m_out << "repaired: " << p.message << '\n';
            else {
                m_out << "not repaired: " << p.message << " (" << p.repairError << ")\n";
                unfixed += p.advice ? 0 : 1;
            }
        }
        if (found == 0)
            m_out << "store " << store.root() << ": no problems found\n";
        else if (!repair)
            m_out << found << " problem(s) found; stratactl check --repair fixes what it can\n";
        if (!repair && found < problems->size())
            m_out << "stratactl check --repair acts on the notes too\n";
        return repair ? (unfixed ? 1 : 0) : (found == 0 ? 0 : 1);
    }
    return failWith(QStringLiteral("unknown command (see stratactl --help)"), 2);
}

} // namespace strata
