#include "layercli.h"

#include "args.h"
#include "filemode.h"
#include "humanize.h"
#include "imagedescription.h"
#include "imagestore.h"
#include "layercontents.h"
#include "storesnapshot.h"
#include "texttable.h"

#include <sys/stat.h>

namespace strata {

namespace {

    QString kindWord(const Change &c)
    {
        if (c.opaque)
            return QStringLiteral("opaque");
        switch (c.kind) {
        case Change::Kind::Added:
            return QStringLiteral("added");
        case Change::Kind::Changed:
            return QStringLiteral("modified");
        case Change::Kind::Deleted:
            return QStringLiteral("deleted");
        }
        return {};
    }

    QString shortText(const QString &text, int max)
    {
        return text.size() > max ? text.left(max - 1) + QStringLiteral("…") : text;
    }

} // namespace

LayerCli::LayerCli(Store &store, QTextStream &out, QTextStream &err)
    : m_store(&store)
    , m_contents(store)
    , m_resolve([&store](const QString &ref) { return ImageStore(store).resolve(ref); })
    , m_out(out)
    , m_err(err)
{
}

LayerCli::LayerCli(LayerContents contents, Resolver resolve, QTextStream &out, QTextStream &err)
    : m_contents(std::move(contents))
    , m_resolve(std::move(resolve))
    , m_out(out)
    , m_err(err)
{
}

bool LayerCli::handles(const QString &command)
{
    return command == QLatin1String("layer") || command == QLatin1String("xray")
        || command == QLatin1String("image");
}

QString LayerCli::usage()
{
    return QStringLiteral(R"(
Inside the layers (as dive shows them):
  layer ls [--no-trunc] [IMAGE] every layer of the store (or of IMAGE, base first): its
                                size, the images sharing it and the instruction that made it
  layer files [--aggregated] IMAGE INDEX
                                the files layer INDEX (0 = base) adds, modifies or deletes;
                                --aggregated: everything visible with layers 0..INDEX stacked
  image efficiency IMAGE        dive's efficiency score and wasted space, with the paths
                                that waste it
  xray IMAGE PATH               every layer that adds, modifies or deletes PATH, and which
                                version the image shows
)");
}

std::optional<std::pair<Args, Image>> LayerCli::imageArgs(const QString &command, const QStringList &args, const QStringList &flags, qsizetype positional, int *status)
{
    auto a = parseArgs(args, flags, {});
    if (!a) {
        *status = failWith(command, a.error(), 2);
        return std::nullopt;
    }
    if (a->positional.size() != positional) {
        *status = failWith(command, QStringLiteral("wrong number of arguments (see stratactl --help)"), 2);
        return std::nullopt;
    }
    auto image = m_resolve(a->positional.first());
    if (!image) {
        *status = failWith(command, image.error());
        return std::nullopt;
    }
    return std::make_pair(a.value(), image.value());
}

int LayerCli::failWith(const QString &command, const QString &message, int code)
{
    m_err << "stratactl " << command << ": " << message << '\n';
    m_err.flush();
    return code;
}

int LayerCli::run(const QString &command, const QStringList &args)
{
    if (command == QLatin1String("xray"))
        return xray(args);
    const QString sub = args.value(0);
    const QStringList rest = args.mid(1);
    if (command == QLatin1String("layer")) {
        if (sub == QLatin1String("ls"))
            return layerList(rest);
        if (sub == QLatin1String("files"))
            return layerFiles(rest);
        return failWith(command, QStringLiteral("unknown subcommand '%1' (ls or files)").arg(sub), 2);
    }
    if (sub == QLatin1String("efficiency"))
        return efficiency(rest);
    return failWith(command, QStringLiteral("unknown subcommand '%1' (only 'efficiency')").arg(sub), 2);
}

int LayerCli::layerList(const QStringList &args)
{
    auto a = parseArgs(args, { QStringLiteral("--no-trunc") }, {});
    if (!a)
        return failWith(QStringLiteral("layer ls"), a.error(), 2);
    if (a->positional.size() > 1)
        return failWith(QStringLiteral("layer ls"), QStringLiteral("wrong number of arguments (see stratactl --help)"), 2);
    if (!m_store)
        return failWith(QStringLiteral("layer ls"), QStringLiteral("not available here"), 2);
    auto snap = StoreSnapshot::take(*m_store);
    if (!snap)
        return failWith(QStringLiteral("layer ls"), snap.error());
    const bool noTrunc = a->has(QStringLiteral("--no-trunc"));
    QList<Digest> order;
    if (!a->positional.isEmpty()) {
        auto image = m_resolve(a->positional.first());
        if (!image)
            return failWith(QStringLiteral("layer ls"), image.error());
        for (const ImageLayer &l : std::as_const(image->layers))
            order.append(l.chainId);
    } else {
        // Base layers first, each followed by what is built on it: the store's tree of layers.
        for (const auto &entry : std::as_const(snap->images)) {
            for (const ImageLayer &l : entry.image.layers) {
                if (!order.contains(l.chainId))
                    order.append(l.chainId);
            }
        }
    }
    TextTable table({ QStringLiteral("CHAIN ID"), QStringLiteral("DIFF ID"), QStringLiteral("SIZE"), QStringLiteral("IMAGES"), QStringLiteral("CREATED BY") });
    for (const Digest &chain : std::as_const(order)) {
        const StoreSnapshot::LayerEntry layer = snap->layers.value(chain);
        table.add({ noTrunc ? chain.toString() : chain.shortHex(), noTrunc ? layer.diffId.toString() : layer.diffId.shortHex(), humanize::size(layer.size),
            QString::number(layer.images.size()), noTrunc ? layer.createdBy : shortText(layer.createdBy, 60) });
    }
    m_out << table.render();
    return 0;
}

int LayerCli::layerFiles(const QStringList &args)
{
    const QString command = QStringLiteral("layer files");
    int status = 0;
    auto parsed = imageArgs(command, args, { QStringLiteral("--aggregated") }, 2, &status);
    if (!parsed)
        return status;
    const auto &[a, image] = *parsed;
    bool ok = false;
    const int index = a.positional[1].toInt(&ok);
    if (!ok)
        return failWith(command, QStringLiteral("'%1' is not a layer index (0 is the base layer)").arg(a.positional[1]), 2);
    const LayerContents &contents = m_contents;
    if (a.has(QStringLiteral("--aggregated"))) {
        auto tree = contents.mergedTree(image, index);
        if (!tree)
            return failWith(command, tree.error());
        TextTable table({ QStringLiteral("MODE"), QStringLiteral("SIZE"), QStringLiteral("LAYER"), QStringLiteral("PATH") });
        for (const TreeEntry &e : std::as_const(tree.value()))
            table.add({ modeString(e.mode), humanize::size(e.size), e.layer < 0 ? QStringLiteral("-") : QString::number(e.layer), QString::fromUtf8(e.path) });
        m_out << table.render();
        return 0;
    }
    auto changes = contents.changes(image, index);
    if (!changes)
        return failWith(command, changes.error());
    TextTable table({ QStringLiteral("KIND"), QStringLiteral("MODE"), QStringLiteral("SIZE"), QStringLiteral("PATH") });
    for (const Change &c : std::as_const(changes.value()))
        table.add({ kindWord(c), modeString(c.mode), humanize::size(std::max<qint64>(c.size, 0)), QString::fromUtf8(c.path) });
    m_out << table.render();
    return 0;
}

int LayerCli::efficiency(const QStringList &args)
{
    const QString command = QStringLiteral("image efficiency");
    int status = 0;
    auto parsed = imageArgs(command, args, {}, 1, &status);
    if (!parsed)
        return status;
    const Image &image = parsed->second;
    auto report = m_contents.efficiency(image);
    if (!report)
        return failWith(command, report.error());
    m_out << "Image:                " << image.displayName() << '\n'
          << "Efficiency:           " << QString::number(report->score * 100.0, 'f', 4) << " %\n"
          << "Wasted space:         " << humanize::size(report->wastedBytes) << " (" << report->wastedBytes << " bytes)\n"
          << "User wasted percent:  " << QString::number(report->wastedUserPercent(), 'f', 4) << " % of " << humanize::size(report->userSizeBytes)
          << " in the layers above the base\n\n";
    TextTable table({ QStringLiteral("COUNT"), QStringLiteral("TOTAL SPACE"), QStringLiteral("PATH") });
    for (const EfficiencyReport::Waste &w : std::as_const(report->inefficiencies))
        table.add({ QString::number(w.occurrences), humanize::size(w.totalBytes), QString::fromUtf8(w.path) });
    m_out << table.render();
    return 0;
}

int LayerCli::xray(const QStringList &args)
{
    const QString command = QStringLiteral("xray");
    int status = 0;
    auto parsed = imageArgs(command, args, {}, 2, &status);
    if (!parsed)
        return status;
    const auto &[a, image] = *parsed;
    auto steps = m_contents.xray(image, a.positional[1].toUtf8());
    if (!steps)
        return failWith(command, steps.error());
    if (steps->isEmpty()) {
        m_out << "No layer of " << image.displayName() << " has " << a.positional[1] << ".\n";
        return 0;
    }
    const QStringList madeBy = ImageDescription::layerInstructions(image);
    TextTable table({ QStringLiteral("LAYER"), QStringLiteral("KIND"), QStringLiteral("MODE"), QStringLiteral("SIZE"), QStringLiteral("VISIBLE"), QStringLiteral("CREATED BY") });
    for (const XrayStep &s : std::as_const(steps.value())) {
        const QString &by = madeBy[s.layer];
        Change c { s.kind, {} };
        table.add({ QString::number(s.layer), kindWord(c), s.size < 0 ? QStringLiteral("-") : modeString(s.mode), s.size < 0 ? QStringLiteral("-") : humanize::size(s.size),
            s.visible ? QStringLiteral("yes") : QString(), shortText(by, 50) });
    }
    m_out << table.render();
    return 0;
}

} // namespace strata
