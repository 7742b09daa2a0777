#include "layermapgeometry.h"

#include "storesnapshot.h"

#include <QSet>

#include <algorithm>
#include <cmath>
#include <numeric>

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

    // A layer of the map's tree, by its place in a list: the layout refers to nodes by index,
    // so a store of 300 images over 2,000 layers is laid out without hashing chain IDs again.
    struct Node {
        Digest chainId;
        int parent = -1;
        qint64 size = 0;
        QString instruction;
        LayerMapInput::Layer::Mark mark = LayerMapInput::Layer::Mark::None;
        int depth = 0;
        QList<int> children;
        QList<int> endingImages; // images whose top layer this is
        QString sortKey; // the smallest image name in the subtree
        int firstColumn = -1;
        int lastColumn = -1;
        int sharedBy = 0;
        int bands = 0; // band rows above the block
        qreal height = 0;
        qreal offset = 0; // from the baseline to the block's bottom
        int block = -1;
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
    QList<Node> nodes;
    QHash<Digest, int> index;
    QList<QList<int>> stacks(input.images.size()); // each image's nodes, base first
    QList<int> roots;
    QList<int> layerless; // images without layers: a column of their own, last
    for (int i = 0; i < input.images.size(); ++i) {
        const LayerMapInput::Image &image = input.images[i];
        int parent = -1;
        stacks[i].reserve(image.layers.size());
        for (int d = 0; d < image.layers.size(); ++d) {
            const LayerMapInput::Layer &l = image.layers[d];
            auto it = index.constFind(l.chainId);
            int at;
            if (it == index.constEnd()) {
                at = int(nodes.size());
                Node n;
                n.chainId = l.chainId;
                n.parent = parent;
                n.size = l.size;
                n.instruction = l.instruction;
                n.depth = d;
                nodes.append(n);
                index.insert(l.chainId, at);
                if (parent < 0)
                    roots.append(at);
                else
                    nodes[parent].children.append(at);
            } else {
                at = *it;
            }
            Node &n = nodes[at];
            // A build in progress is not an image yet: it shares no layer with anyone.
            if (!image.building || n.sharedBy == 0)
                ++n.sharedBy;
            if (l.mark != LayerMapInput::Layer::Mark::None)
                n.mark = l.mark;
            if (n.instruction.isEmpty())
                n.instruction = l.instruction;
            n.bands = std::max(n.bands, int(image.bands.value(d).size()));
            stacks[i].append(at);
            parent = at;
        }
        if (image.layers.isEmpty())
            layerless.append(i);
        else
            nodes[parent].endingImages.append(i);
    }

    // Sort keys bottom-up (deepest nodes first), so siblings order by their images' names.
    QList<int> byDepth(nodes.size());
    std::iota(byDepth.begin(), byDepth.end(), 0);
    std::stable_sort(byDepth.begin(), byDepth.end(), [&](int a, int b) { return nodes[a].depth > nodes[b].depth; });
    for (int at : std::as_const(byDepth)) {
        Node &n = nodes[at];
        const QString *key = nullptr;
        for (int i : std::as_const(n.endingImages)) {
            if (!key || input.images[i].name < *key)
                key = &input.images[i].name;
        }
        for (int c : std::as_const(n.children)) {
            if (!key || nodes[c].sortKey < *key)
                key = &nodes[c].sortKey;
        }
        if (key)
            n.sortKey = *key;
    }
    const auto byKey = [&](int a, int b) {
        const Node &x = nodes[a];
        const Node &y = nodes[b];
        return x.sortKey != y.sortKey ? x.sortKey < y.sortKey : x.chainId < y.chainId;
    };
    std::sort(roots.begin(), roots.end(), byKey);

    // Columns depth first: a node's images, then its children's subtrees, so that every
    // subtree's images are adjacent. An explicit stack: an image may have many layers.
    QList<int> order;
    order.reserve(input.images.size());
    QList<int> preorder;
    preorder.reserve(nodes.size());
    QList<int> stack(roots.rbegin(), roots.rend());
    while (!stack.isEmpty()) {
        const int at = stack.takeLast();
        Node &n = nodes[at];
        preorder.append(at);
        std::sort(n.endingImages.begin(), n.endingImages.end(), [&](int a, int b) { return input.images[a].name < input.images[b].name; });
        order += n.endingImages;
        std::sort(n.children.begin(), n.children.end(), byKey);
        for (auto it = n.children.crbegin(); it != n.children.crend(); ++it)
            stack.append(*it);
    }
    order += layerless;
    QList<int> columnOf(input.images.size(), -1); // image index -> column
    for (int c = 0; c < order.size(); ++c)
        columnOf[order[c]] = c;
    // Spans: every node covers the columns of the images whose stacks hold it.
    for (int i = 0; i < input.images.size(); ++i) {
        const int c = columnOf[i];
        for (int at : std::as_const(stacks[i])) {
            Node &n = nodes[at];
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
    for (int at : std::as_const(preorder)) { // parents before children
        Node &n = nodes[at];
        n.height = heightFor(n.size);
        if (n.parent >= 0) {
            const Node &p = nodes[n.parent];
            n.offset = p.offset + p.height + p.bands * options.bandHeight;
        }
    }
    const auto topOf = [&](int image) {
        if (stacks[image].isEmpty())
            return qreal(0);
        const Node &n = nodes[stacks[image].last()];
        return n.offset + n.height + n.bands * options.bandHeight;
    };

    // Column tops (containers above), to place the baseline.
    const qreal containerGap = 4;
    qreal tallest = 0;
    for (int c = 0; c < order.size(); ++c) {
        const LayerMapInput::Image &image = input.images[order[c]];
        qreal top = topOf(order[c]);
        for (const LayerMapInput::Container &k : image.containers)
            top += containerGap + std::max(options.minContainer, heightFor(k.writableBytes));
        tallest = std::max(tallest, top);
    }
    const qreal baseline = options.margin + tallest;
    const auto columnX = [&](int c) { return options.margin + c * (options.columnWidth + options.gap); };
    const auto spanRect = [&](int first, int last, qreal bottom, qreal height) {
        const qreal x = columnX(first);
        const qreal w = (last - first + 1) * options.columnWidth + (last - first) * options.gap;
        return QRectF(x, baseline - bottom - height, w, height);
    };

    m_columns.reserve(order.size());
    for (int c = 0; c < order.size(); ++c) {
        Column col;
        col.imageId = input.images[order[c]].id;
        col.name = input.images[order[c]].name;
        col.building = input.images[order[c]].building;
        col.rect = QRectF(columnX(c), options.margin, options.columnWidth, baseline - options.margin + options.labelHeight);
        col.labelRect = QRectF(columnX(c), baseline + 4, options.columnWidth, options.labelHeight - 4);
        m_columns.append(col);
    }
    m_blocks.reserve(nodes.size());
    m_layerBlock.reserve(nodes.size());
    for (int at : std::as_const(preorder)) {
        Node &n = nodes[at];
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
        n.block = int(m_blocks.size());
        m_layerBlock.insert(n.chainId, n.block);
        m_blocks.append(b);
    }
    for (int c = 0; c < order.size(); ++c) {
        for (int at : std::as_const(stacks[order[c]]))
            m_columns[c].blocks.append(nodes[at].block);
    }

    // Bands: row k above a layer, one per column, merged across adjacent columns that show the
    // same entry there (the history an image inherits with the layers it shares).
    const auto bandKey = [](int node, int row) { return (quint64(quint32(node)) << 32) | quint32(row); };
    QHash<quint64, int> openBand; // node/row -> block index of the band that column c-1 ended with
    for (int c = 0; c < order.size(); ++c) {
        const LayerMapInput::Image &image = input.images[order[c]];
        const QList<int> &stackOf = stacks[order[c]];
        QHash<quint64, int> nowOpen;
        for (int d = 0; d < image.layers.size(); ++d) {
            const Node &n = nodes[stackOf[d]];
            const QStringList entries = image.bands.value(d);
            for (int row = 0; row < entries.size(); ++row) {
                const quint64 key = bandKey(stackOf[d], row);
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
        openBand.swap(nowOpen);
    }

    // Containers: hatched writable layers stacked on their image's column.
    for (int c = 0; c < order.size(); ++c) {
        const LayerMapInput::Image &image = input.images[order[c]];
        qreal bottom = topOf(order[c]);
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
