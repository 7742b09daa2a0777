#include "layermapgeometry.h"

#include "storesnapshot.h"

#include <QSet>

#include <algorithm>
#include <cmath>

namespace strata {

LayerMapInput LayerMapInput::fromSnapshot(const StoreSnapshot &snapshot, const QString &filter)
{
    QHash<Digest, QList<Container>> containers;
    for (const StoreSnapshot::ContainerEntry &c : snapshot.containers)
        containers[c.container.config.imageId].append({ c.container.config.id, c.container.config.name, c.writableBytes, c.container.state.running() });
    LayerMapInput input;
    for (const StoreSnapshot::ImageEntry &e : snapshot.images) {
        const QString name = e.image.displayName();
        if (!filter.isEmpty() && !name.contains(filter, Qt::CaseInsensitive) && !e.image.tags.join(u' ').contains(filter, Qt::CaseInsensitive)
            && !e.image.id.toString().contains(filter, Qt::CaseInsensitive))
            continue;
        Image image;
        image.id = e.image.id;
        image.name = name;
        // History rows in order: each non-empty one is the next layer, each empty one a band
        // after the layer made last.
        int layer = -1;
        image.bands.resize(e.image.layers.size());
        for (const HistoryRow &h : e.history) {
            if (!h.emptyLayer) {
                ++layer;
                continue;
            }
            if (layer >= 0 && layer < image.bands.size())
                image.bands[layer].append(h.createdBy);
        }
        for (const ImageLayer &l : e.image.layers) {
            const StoreSnapshot::LayerEntry entry = snapshot.layers.value(l.chainId);
            image.layers.append({ l.chainId, std::max<qint64>(l.size, 0), entry.createdBy });
        }
        image.containers = containers.value(e.image.id);
        input.images.append(image);
    }
    return input;
}

namespace {

    struct Node {
        Digest chainId;
        Digest parent;
        qint64 size = 0;
        QString instruction;
        LayerMapInput::Layer::Mark mark = LayerMapInput::Layer::Mark::None;
        int depth = 0;
        QList<Digest> children;
        QList<int> endingImages; // images whose top layer this is
        QString sortKey; // the smallest image name in the subtree
        int firstColumn = -1;
        int lastColumn = -1;
        int sharedBy = 0;
        int bands = 0; // band rows above the block
        qreal height = 0;
        qreal offset = 0; // from the baseline to the block's bottom
    };

    qreal rawOf(qint64 size, LayerMapGeometry::Scale scale)
    {
        const double s = double(std::max<qint64>(size, 0));
        return scale == LayerMapGeometry::Scale::Log ? std::log10(1.0 + s) : s;
    }

} // namespace

qreal LayerMapGeometry::heightFor(qint64 size) const
{
    return m_options.minBlock + m_pxPerUnit * rawOf(size, m_options.scale);
}

void LayerMapGeometry::build(const LayerMapInput &input, const Options &options)
{
    m_options = options;
    m_blocks.clear();
    m_columns.clear();
    m_layerBlock.clear();

    // The tree of chainIDs: a chainID names its whole stack, so it is the node's identity.
    QHash<Digest, Node> nodes;
    QList<Digest> roots;
    QList<int> layerless; // images without layers: a column of their own, last
    for (int i = 0; i < input.images.size(); ++i) {
        const LayerMapInput::Image &image = input.images[i];
        Digest parent;
        for (int d = 0; d < image.layers.size(); ++d) {
            const LayerMapInput::Layer &l = image.layers[d];
            auto it = nodes.find(l.chainId);
            if (it == nodes.end()) {
                Node n;
                n.chainId = l.chainId;
                n.parent = parent;
                n.size = l.size;
                n.instruction = l.instruction;
                n.depth = d;
                it = nodes.insert(l.chainId, n);
                if (parent.isNull())
                    roots.append(l.chainId);
                else
                    nodes[parent].children.append(l.chainId);
            }
            // A build in progress is not an image yet: it shares no layer with anyone.
            if (!image.building || it->sharedBy == 0)
                ++it->sharedBy;
            if (l.mark != LayerMapInput::Layer::Mark::None)
                it->mark = l.mark;
            if (it->instruction.isEmpty())
                it->instruction = l.instruction;
            it->bands = std::max(it->bands, int(image.bands.value(d).size()));
            parent = l.chainId;
        }
        if (image.layers.isEmpty())
            layerless.append(i);
        else
            nodes[parent].endingImages.append(i);
    }

    // Sort keys bottom-up (deepest nodes first), so siblings order by their images' names.
    QList<Node *> byDepth;
    byDepth.reserve(nodes.size());
    for (Node &n : nodes)
        byDepth.append(&n);
    std::sort(byDepth.begin(), byDepth.end(), [](const Node *a, const Node *b) { return a->depth > b->depth; });
    for (Node *node : std::as_const(byDepth)) {
        Node &n = *node;
        QString key;
        for (int i : std::as_const(n.endingImages))
            key = key.isEmpty() ? input.images[i].name : std::min(key, input.images[i].name);
        for (const Digest &c : std::as_const(n.children)) {
            const QString &childKey = nodes.constFind(c)->sortKey;
            key = key.isEmpty() ? childKey : std::min(key, childKey);
        }
        n.sortKey = key;
    }
    const auto byKey = [&](const Digest &a, const Digest &b) {
        const Node &x = *nodes.constFind(a);
        const Node &y = *nodes.constFind(b);
        return x.sortKey != y.sortKey ? x.sortKey < y.sortKey : a < b;
    };
    std::sort(roots.begin(), roots.end(), byKey);

    // Columns depth first: a node's images, then its children's subtrees, so that every
    // subtree's images are adjacent. An explicit stack: an image may have many layers.
    QList<int> order;
    QList<Digest> preorder;
    QList<Digest> stack(roots.rbegin(), roots.rend());
    while (!stack.isEmpty()) {
        const Digest id = stack.takeLast();
        Node &n = nodes[id];
        preorder.append(id);
        std::sort(n.endingImages.begin(), n.endingImages.end(), [&](int a, int b) { return input.images[a].name < input.images[b].name; });
        for (int i : std::as_const(n.endingImages))
            order.append(i);
        QList<Digest> children = n.children;
        std::sort(children.begin(), children.end(), byKey);
        for (auto it = children.rbegin(); it != children.rend(); ++it)
            stack.append(*it);
    }
    order += layerless;
    QHash<int, int> columnOf; // image index -> column
    for (int c = 0; c < order.size(); ++c)
        columnOf.insert(order[c], c);
    // Spans: every node covers the columns of the images whose stacks hold it.
    for (int i = 0; i < input.images.size(); ++i) {
        for (const LayerMapInput::Layer &l : input.images[i].layers) {
            Node &n = nodes[l.chainId];
            const int c = columnOf.value(i);
            n.firstColumn = n.firstColumn < 0 ? c : std::min(n.firstColumn, c);
            n.lastColumn = std::max(n.lastColumn, c);
        }
    }

    // Heights: a minimum for every block, and what the tallest column allows shared by size.
    m_pxPerUnit = 0;
    bool limited = false;
    for (const LayerMapInput::Image &image : input.images) {
        qreal raw = 0;
        for (const LayerMapInput::Layer &l : image.layers)
            raw += rawOf(l.size, options.scale);
        const qreal room = options.stackHeight - options.minBlock * qreal(image.layers.size());
        if (raw > 0 && room > 0) {
            const qreal k = room / raw;
            m_pxPerUnit = limited ? std::min(m_pxPerUnit, k) : k;
            limited = true;
        }
    }
    for (const Digest &id : std::as_const(preorder)) {
        Node &n = nodes[id];
        n.height = heightFor(n.size);
        if (!n.parent.isNull()) {
            const Node &p = nodes[n.parent];
            n.offset = p.offset + p.height + p.bands * options.bandHeight;
        }
    }

    // Column tops (containers above), to place the baseline.
    const qreal containerGap = 4;
    QList<qreal> tops(order.size(), 0);
    for (int c = 0; c < order.size(); ++c) {
        const LayerMapInput::Image &image = input.images[order[c]];
        qreal top = 0;
        if (!image.layers.isEmpty()) {
            const Node &n = nodes[image.layers.last().chainId];
            top = n.offset + n.height + n.bands * options.bandHeight;
        }
        for (const LayerMapInput::Container &k : image.containers)
            top += containerGap + std::max(options.minContainer, heightFor(k.writableBytes));
        tops[c] = top;
    }
    const qreal tallest = tops.isEmpty() ? 0 : *std::max_element(tops.begin(), tops.end());
    const qreal baseline = options.margin + tallest;
    const auto columnX = [&](int c) { return options.margin + c * (options.columnWidth + options.gap); };
    const auto spanRect = [&](int first, int last, qreal bottom, qreal height) {
        const qreal x = columnX(first);
        const qreal w = (last - first + 1) * options.columnWidth + (last - first) * options.gap;
        return QRectF(x, baseline - bottom - height, w, height);
    };

    for (int c = 0; c < order.size(); ++c) {
        Column col;
        col.imageId = input.images[order[c]].id;
        col.name = input.images[order[c]].name;
        col.building = input.images[order[c]].building;
        col.rect = QRectF(columnX(c), options.margin, options.columnWidth, baseline - options.margin + options.labelHeight);
        col.labelRect = QRectF(columnX(c), baseline + 4, options.columnWidth, options.labelHeight - 4);
        m_columns.append(col);
    }
    for (const Digest &id : std::as_const(preorder)) {
        const Node &n = nodes[id];
        Block b;
        b.kind = Block::Kind::Layer;
        b.rect = spanRect(n.firstColumn, n.lastColumn, n.offset, n.height);
        b.firstColumn = n.firstColumn;
        b.lastColumn = n.lastColumn;
        b.chainId = n.chainId;
        b.text = n.instruction;
        b.size = n.size;
        b.depth = n.depth;
        b.sharedBy = n.sharedBy;
        b.mark = n.mark;
        m_layerBlock.insert(n.chainId, int(m_blocks.size()));
        m_blocks.append(b);
    }
    for (int c = 0; c < order.size(); ++c) {
        for (const LayerMapInput::Layer &l : input.images[order[c]].layers)
            m_columns[c].blocks.append(m_layerBlock.value(l.chainId));
    }

    // Bands: row k above a layer, one per column, merged across adjacent columns that show the
    // same entry there (the history an image inherits with the layers it shares).
    QHash<QString, int> openBand; // chainId/row -> block index of the band that column c-1 ended with
    for (int c = 0; c < order.size(); ++c) {
        const LayerMapInput::Image &image = input.images[order[c]];
        QHash<QString, int> nowOpen;
        for (int d = 0; d < image.layers.size(); ++d) {
            const Node &n = nodes[image.layers[d].chainId];
            const QStringList entries = image.bands.value(d);
            for (int row = 0; row < entries.size(); ++row) {
                const QString key = n.chainId.toString() + u'/' + QString::number(row);
                auto it = openBand.constFind(key);
                if (it != openBand.constEnd() && m_blocks[*it].text == entries[row] && m_blocks[*it].lastColumn == c - 1) {
                    Block &b = m_blocks[*it];
                    b.lastColumn = c;
                    b.rect = spanRect(b.firstColumn, c, n.offset + n.height + row * options.bandHeight, options.bandHeight);
                    ++b.sharedBy;
                    nowOpen.insert(key, *it);
                    continue;
                }
                Block b;
                b.kind = Block::Kind::Band;
                b.rect = spanRect(c, c, n.offset + n.height + row * options.bandHeight, options.bandHeight);
                b.firstColumn = b.lastColumn = c;
                b.chainId = n.chainId;
                b.text = entries[row];
                b.depth = n.depth;
                nowOpen.insert(key, int(m_blocks.size()));
                m_blocks.append(b);
            }
        }
        openBand = nowOpen;
    }

    // Containers: hatched writable layers stacked on their image's column.
    for (int c = 0; c < order.size(); ++c) {
        const LayerMapInput::Image &image = input.images[order[c]];
        qreal bottom = 0;
        if (!image.layers.isEmpty()) {
            const Node &n = nodes[image.layers.last().chainId];
            bottom = n.offset + n.height + n.bands * options.bandHeight;
        }
        for (const LayerMapInput::Container &k : image.containers) {
            bottom += containerGap;
            Block b;
            b.kind = Block::Kind::Container;
            const qreal h = std::max(options.minContainer, heightFor(k.writableBytes));
            b.rect = spanRect(c, c, bottom, h);
            b.firstColumn = b.lastColumn = c;
            b.containerId = k.id;
            b.text = k.name;
            b.size = k.writableBytes;
            b.running = k.running;
            b.depth = int(image.layers.size());
            m_blocks.append(b);
            bottom += h;
        }
    }
    m_size = QSizeF(options.margin * 2 + std::max<qsizetype>(order.size(), 1) * (options.columnWidth + options.gap) - options.gap,
        baseline + options.labelHeight + options.margin);
}

int LayerMapGeometry::blockAt(const QPointF &point) const
{
    for (qsizetype i = m_blocks.size() - 1; i >= 0; --i) {
        if (m_blocks[i].rect.contains(point))
            return int(i);
    }
    return -1;
}

int LayerMapGeometry::labelAt(const QPointF &point) const
{
    for (qsizetype i = 0; i < m_columns.size(); ++i) {
        if (m_columns[i].labelRect.contains(point))
            return int(i);
    }
    return -1;
}

int LayerMapGeometry::blockOfContainer(const QString &id) const
{
    for (qsizetype i = 0; i < m_blocks.size(); ++i) {
        if (m_blocks[i].kind == Block::Kind::Container && m_blocks[i].containerId == id)
            return int(i);
    }
    return -1;
}

int LayerMapGeometry::columnOfImage(const Digest &id) const
{
    for (qsizetype i = 0; i < m_columns.size(); ++i) {
        if (m_columns[i].imageId == id)
            return int(i);
    }
    return -1;
}

} // namespace strata
