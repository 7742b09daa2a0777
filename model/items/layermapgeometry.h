#pragma once

#include "digest.h"

#include <QHash>
#include <QList>
#include <QRectF>
#include <QString>
#include <QStringList>

namespace strata {

struct StoreSnapshot;

// What the layer map shows, as plain values: images with their layer stacks (base first), the
// history entries that made no layer, and the containers on each image.
struct LayerMapInput {
    struct Layer {
        Digest chainId;
        qint64 size = 0;
        QString instruction;
        // In a build's column: whether its step made the layer or took it from the cache.
        enum class Mark { None, Built, Cached };
        Mark mark = Mark::None;
    };
    struct Container {
        QString id;
        QString name;
        qint64 writableBytes = 0;
        bool running = false;
    };
    struct Image {
        Digest id;
        QString name;
        QList<Layer> layers; // base first
        // bands[i]: the history entries without a layer that follow layers[i] (ENV, CMD, …).
        QList<QStringList> bands;
        QList<Container> containers;
        bool building = false; // a build in progress (BuildRunner::preview), not an image yet
    };
    QList<Image> images;

    // The images of a snapshot whose names or IDs contain `filter` (all when empty).
    static LayerMapInput fromSnapshot(const StoreSnapshot &snapshot, const QString &filter = {});
};

// The layout of the layer map, kept apart from the widget so that it can be tested and so that
// painting and hit-testing read the same cache. The images form a tree of chainIDs: they are
// ordered depth first through it, so that the images sharing a layer are adjacent, and the layer
// is one block spanning exactly their columns (an icicle drawn bottom-up from the base layers).
class LayerMapGeometry {
public:
    enum class Scale { Linear, Log };
    struct Options {
        Scale scale = Scale::Log;
        qreal columnWidth = 180;
        qreal gap = 12; // between columns
        qreal margin = 16;
        qreal minBlock = 24; // a layer of no size still shows its label
        qreal bandHeight = 17; // a history entry without a layer
        qreal minContainer = 40; // two lines: the container's name, its size and state
        qreal stackHeight = 520; // what the layer blocks of the tallest column share
        qreal labelHeight = 40; // the image names under the columns

        friend bool operator==(const Options &, const Options &) = default;
    };

    struct Block {
        enum class Kind { Layer, Band, Container };
        Kind kind = Kind::Layer;
        QRectF rect;
        int firstColumn = 0; // the columns it spans, inclusive
        int lastColumn = 0;
        Digest chainId; // Layer; for a Band, the layer it follows
        QString containerId; // Container
        QString text; // the instruction, the history entry or the container's name
        qint64 size = 0;
        int depth = 0; // 0 for a base layer
        int sharedBy = 1; // images whose stacks hold the layer
        bool running = false; // Container
        LayerMapInput::Layer::Mark mark = LayerMapInput::Layer::Mark::None; // a build's step
    };
    struct Column {
        Digest imageId;
        QString name;
        QRectF rect; // the whole column, labels included
        QRectF labelRect;
        QList<int> blocks; // indices of its layer blocks, base first
        bool building = false;
    };

    void build(const LayerMapInput &input, const Options &options);

    const QList<Block> &blocks() const { return m_blocks; }
    const QList<Column> &columns() const { return m_columns; }
    QSizeF size() const { return m_size; }
    const Options &options() const { return m_options; }

    // The block under `point` (the topmost: bands and containers before layers), or -1.
    int blockAt(const QPointF &point) const;
    // The column whose label is under `point`, or -1.
    int labelAt(const QPointF &point) const;
    int blockOfLayer(const Digest &chainId) const { return m_layerBlock.value(chainId, -1); }
    int blockOfContainer(const QString &id) const;
    int columnOfImage(const Digest &id) const;
    // The block height a layer of `size` bytes gets: strictly growing with the size.
    qreal heightFor(qint64 size) const;

private:
    Options m_options;
    qreal m_pxPerUnit = 0;
    QList<Block> m_blocks;
    QList<Column> m_columns;
    QHash<Digest, int> m_layerBlock;
    QSizeF m_size;
};

} // namespace strata
