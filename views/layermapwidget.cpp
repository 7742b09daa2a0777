#include "layermapwidget.h"

#include "formhelpers.h"
#include "layercolors.h"
#include "sizetext.h"

#include <QApplication>
#include <QContextMenuEvent>
#include <QElapsedTimer>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QScrollBar>
#include <QToolTip>
#include <QWheelEvent>

#include <cmath>

namespace strata {

namespace {
    constexpr qreal minZoom = 0.1;
    constexpr qreal maxZoom = 8.0;
    constexpr int headerHeight = 28; // the summary line above the map, in the viewport
    constexpr int legendHeight = 24; // the legend below it


    using form::isDark;

    // Text that reads on `fill`.
    QColor textOn(const QColor &fill) { return fill.lightness() > 140 ? QColor(0x1d, 0x1f, 0x24) : QColor(0xf4, 0xf5, 0xf7); }
}

LayerMapWidget::LayerMapWidget(QWidget *parent)
    : QAbstractScrollArea(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    viewport()->setMouseTracking(true);
    viewport()->setBackgroundRole(QPalette::Base);
    viewport()->setAutoFillBackground(true);
    setFrameShape(QFrame::NoFrame);
    setAccessibleName(tr("Layer map"));
    m_relayout.setSingleShot(true);
    m_relayout.setInterval(0);
    connect(&m_relayout, &QTimer::timeout, this, &LayerMapWidget::rebuild);
    m_emptyText = tr("No images in this store yet.");
}

void LayerMapWidget::setInput(const LayerMapInput &input)
{
    m_input = input;
    m_inputChanged = true;
    rebuild();
}

void LayerMapWidget::setScale(LayerMapGeometry::Scale scale)
{
    m_options.scale = scale;
    rebuild();
}

void LayerMapWidget::setContainerSize(const QString &id, qint64 bytes)
{
    for (LayerMapInput::Image &image : m_input.images) {
        for (LayerMapInput::Container &c : image.containers) {
            if (c.id == id && c.writableBytes != bytes) {
                c.writableBytes = bytes;
                m_inputChanged = true;
                rebuild();
                return;
            }
        }
    }
}

void LayerMapWidget::setEmptyText(const QString &text)
{
    m_emptyText = text;
    viewport()->update();
}

void LayerMapWidget::rebuild()
{
    // The layout follows the window: columns share its width (within limits that keep labels
    // readable and blocks from sprawling) and the tallest stack its height. Zoom comes on top.
    const QRect area = mapArea();
    const qsizetype n = std::max<qsizetype>(1, m_input.images.size());
    LayerMapGeometry::Options o = m_options;
    const qreal free = area.width() - 2 * o.margin - (n - 1) * o.gap;
    o.columnWidth = std::clamp(free / qreal(n), 150.0, 360.0);
    int maxLayers = 1, maxBands = 0, maxContainers = 0;
    for (const LayerMapInput::Image &image : std::as_const(m_input.images)) { // not a detaching copy of the input
        maxLayers = std::max(maxLayers, int(image.layers.size()));
        int bands = 0;
        for (const QStringList &b : image.bands)
            bands += int(b.size());
        maxBands = std::max(maxBands, bands);
        maxContainers = std::max(maxContainers, int(image.containers.size()));
    }
    const qreal reserved = 2 * o.margin + o.labelHeight + maxBands * o.bandHeight + maxContainers * (o.minContainer + 4);
    o.stackHeight = std::max(maxLayers * o.minBlock * 1.5, area.height() - reserved);
    // A relayout that changes nothing (a resize that came before the input did) keeps the
    // geometry: a store of 300 images takes milliseconds to lay out.
    if (!m_inputChanged && o == m_geometry.options())
        return;
    m_inputChanged = false;
    m_geometry.build(m_input, o);
    m_cacheValid = false;
    m_hover = -1;
    // A selection whose object went away is dropped.
    Selection s = m_selection;
    if ((s.kind == Selection::Kind::Image && m_geometry.columnOfImage(s.imageId) < 0)
        || (s.kind == Selection::Kind::Layer && m_geometry.blockOfLayer(s.chainId) < 0)
        || (s.kind == Selection::Kind::Container && m_geometry.blockOfContainer(s.containerId) < 0))
        select({});
    if (m_fitted)
        fit();
    updateScrollBars();
    viewport()->update();
}

void LayerMapWidget::select(const Selection &selection)
{
    if (selection == m_selection)
        return;
    m_selection = selection;
    m_cacheValid = false;
    viewport()->update();
    Q_EMIT selectionChanged(m_selection);
}

void LayerMapWidget::selectImage(const Digest &imageId)
{
    select(Selection::image(imageId));
}

void LayerMapWidget::setZoom(qreal zoom, const QPointF &anchor)
{
    zoom = std::clamp(zoom, minZoom, maxZoom);
    const QPoint at = anchor.x() < 0 ? mapArea().center() : anchor.toPoint();
    const QPointF mapAt = toMap(at);
    m_zoom = zoom;
    m_cacheValid = false;
    updateScrollBars();
    // Keep the map point under the anchor where it was.
    horizontalScrollBar()->setValue(int(mapAt.x() * m_zoom - at.x()));
    verticalScrollBar()->setValue(int(mapAt.y() * m_zoom - (at.y() - headerHeight)));
    viewport()->update();
}

void LayerMapWidget::zoomIn()
{
    m_fitted = false;
    setZoom(m_zoom * 1.25);
}

void LayerMapWidget::zoomOut()
{
    m_fitted = false;
    setZoom(m_zoom / 1.25);
}

void LayerMapWidget::fit()
{
    m_fitted = true;
    const QSizeF size = m_geometry.size();
    const QRect area = mapArea();
    if (size.isEmpty() || area.width() <= 0 || area.height() <= 0)
        return;
    // Fit, but never blow small maps up beyond 1:1 (blurry text helps nobody).
    const qreal z = std::min({ 1.0, area.width() / size.width(), area.height() / size.height() });
    m_zoom = std::max(minZoom, z);
    m_cacheValid = false;
    updateScrollBars();
    horizontalScrollBar()->setValue(0);
    verticalScrollBar()->setValue(verticalScrollBar()->maximum());
    viewport()->update();
}

void LayerMapWidget::updateScrollBars()
{
    const QSize content = (m_geometry.size() * m_zoom).toSize();
    const QRect area = mapArea();
    horizontalScrollBar()->setRange(0, std::max(0, content.width() - area.width()));
    verticalScrollBar()->setRange(0, std::max(0, content.height() - area.height()));
    horizontalScrollBar()->setPageStep(area.width());
    verticalScrollBar()->setPageStep(area.height());
    horizontalScrollBar()->setSingleStep(20);
    verticalScrollBar()->setSingleStep(20);
}

QRect LayerMapWidget::mapArea() const
{
    return viewport()->rect().adjusted(0, headerHeight, 0, -legendHeight);
}

QPointF LayerMapWidget::origin() const
{
    const QSizeF content = m_geometry.size() * m_zoom;
    const QRect area = mapArea();
    // A map smaller than its area sits centred horizontally and on the bottom edge.
    const qreal dx = content.width() < area.width() ? (area.width() - content.width()) / 2 : -horizontalScrollBar()->value();
    const qreal dy = content.height() < area.height() ? area.height() - content.height() : -verticalScrollBar()->value();
    return QPointF(area.left() + dx, area.top() + dy);
}

QPointF LayerMapWidget::toMap(const QPoint &viewportPos) const
{
    const QPointF o = origin();
    return QPointF((viewportPos.x() - o.x()) / m_zoom, (viewportPos.y() - o.y()) / m_zoom);
}

QPoint LayerMapWidget::toViewport(const QPointF &mapPos) const
{
    const QPointF o = origin();
    return QPoint(int(mapPos.x() * m_zoom + o.x()), int(mapPos.y() * m_zoom + o.y()));
}

void LayerMapWidget::scrollContentsBy(int, int)
{
    m_cacheValid = false;
    viewport()->update();
}

void LayerMapWidget::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    // One layout for a burst of resizes (a window being dragged, the scroll bars appearing
    // after a layout), done before the next paint.
    if (!m_relayout.isActive())
        m_relayout.start();
}

void LayerMapWidget::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange) {
        m_cacheValid = false;
        viewport()->update();
    }
    QAbstractScrollArea::changeEvent(event);
}

bool LayerMapWidget::isSelected(int block) const
{
    const LayerMapGeometry::Block &b = m_geometry.blocks()[block];
    switch (m_selection.kind) {
    case Selection::Kind::Layer:
        return b.kind == LayerMapGeometry::Block::Kind::Layer && b.chainId == m_selection.chainId;
    case Selection::Kind::Container:
        return b.kind == LayerMapGeometry::Block::Kind::Container && b.containerId == m_selection.containerId;
    case Selection::Kind::Image: {
        const int col = m_geometry.columnOfImage(m_selection.imageId);
        return col >= 0 && b.kind == LayerMapGeometry::Block::Kind::Layer && m_geometry.columns()[col].blocks.contains(block);
    }
    case Selection::Kind::None:
        break;
    }
    return false;
}

bool LayerMapWidget::isRelated(int block) const
{
    if (m_selection.kind == Selection::Kind::None)
        return true;
    const LayerMapGeometry::Block &b = m_geometry.blocks()[block];
    if (isSelected(block))
        return true;
    if (m_selection.kind == Selection::Kind::Layer) {
        // The stacks of every image sharing the layer.
        const int sel = m_geometry.blockOfLayer(m_selection.chainId);
        if (sel < 0)
            return true;
        const auto &s = m_geometry.blocks()[sel];
        return b.firstColumn <= s.lastColumn && b.lastColumn >= s.firstColumn;
    }
    if (m_selection.kind == Selection::Kind::Container) {
        const int sel = m_geometry.blockOfContainer(m_selection.containerId);
        if (sel < 0)
            return true;
        const int col = m_geometry.blocks()[sel].firstColumn;
        return b.firstColumn <= col && b.lastColumn >= col;
    }
    const int col = m_geometry.columnOfImage(m_selection.imageId);
    return col < 0 || (b.firstColumn <= col && b.lastColumn >= col);
}

void LayerMapWidget::paintEvent(QPaintEvent *)
{
    ++m_paints;
    QPainter p(viewport());
    p.setRenderHint(QPainter::Antialiasing);
    p.setRenderHint(QPainter::TextAntialiasing);
    if (m_geometry.columns().isEmpty()) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        QFont f = font();
        f.setPointSizeF(f.pointSizeF() * 1.15);
        p.setFont(f);
        p.drawText(viewport()->rect().adjusted(40, 40, -40, -40), Qt::AlignCenter | Qt::TextWordWrap, m_emptyText);
        return;
    }
    // The map itself is drawn once into a cache and blitted: a hover only adds an outline on
    // top, so moving the pointer never re-renders two thousand labelled blocks.
    const QRect area = mapArea();
    const qreal dpr = viewport()->devicePixelRatioF();
    if (!m_cacheValid || m_cache.size() != area.size() * dpr) {
        QElapsedTimer timer;
        timer.start();
        m_cache = QPixmap(area.size() * dpr);
        m_cache.setDevicePixelRatio(dpr);
        m_cache.fill(palette().color(QPalette::Base));
        QPainter c(&m_cache);
        c.setRenderHint(QPainter::Antialiasing);
        c.setRenderHint(QPainter::TextAntialiasing);
        c.translate(origin() - area.topLeft());
        c.scale(m_zoom, m_zoom);
        render(c, QRectF(toMap(area.topLeft()), toMap(area.bottomRight())));
        c.end();
        m_cacheValid = true;
        m_lastRenderMs = double(timer.nsecsElapsed()) / 1e6;
    }
    p.drawPixmap(area.topLeft(), m_cache);
    if (m_hover >= 0 && m_hover < m_geometry.blocks().size()) {
        p.save();
        p.setClipRect(area);
        p.translate(origin());
        p.scale(m_zoom, m_zoom);
        p.setPen(QPen(palette().color(QPalette::Text), 1.5 / std::max(m_zoom, 0.25)));
        p.setBrush(Qt::NoBrush);
        p.drawRoundedRect(m_geometry.blocks()[m_hover].rect.adjusted(0.5, 0.5, -0.5, -0.5), 3, 3);
        p.restore();
    }

    if (!m_paintedMap) {
        m_paintedMap = true;
        QMetaObject::invokeMethod(this, &LayerMapWidget::firstMapPainted, Qt::QueuedConnection);
    }
    // The header and the legend stay put while the map scrolls.
    QPainter &frame = p;
    const QRect header(0, 0, viewport()->width(), headerHeight);
    frame.fillRect(header, palette().color(QPalette::Base));
    frame.setPen(palette().color(QPalette::Text));
    const int images = int(std::count_if(m_geometry.columns().cbegin(), m_geometry.columns().cend(), [](const auto &c) { return !c.building; }));
    int layers = 0, containers = 0;
    for (const auto &b : m_geometry.blocks()) {
        layers += b.kind == LayerMapGeometry::Block::Kind::Layer;
        containers += b.kind == LayerMapGeometry::Block::Kind::Container;
    }
    const QString summary = tr("Layer map — %n image(s)", nullptr, images) + u", " + tr("%n layer(s)", nullptr, layers) + u", "
        + tr("%n container(s)", nullptr, containers) + u"  ·  " + tr("a block spanning columns is one layer, stored once and shared");
    frame.drawText(header.adjusted(12, 0, -12, 0), Qt::AlignVCenter | Qt::AlignLeft, frame.fontMetrics().elidedText(summary, Qt::ElideRight, header.width() - 24));
    drawLegend(frame);
}

void LayerMapWidget::drawLegend(QPainter &p) const
{
    const QRect legend(0, viewport()->height() - legendHeight, viewport()->width(), legendHeight);
    p.setPen(palette().color(QPalette::PlaceholderText));
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 0.9);
    p.setFont(f);
    const QString scale = m_options.scale == LayerMapGeometry::Scale::Log ? tr("height: log of size") : tr("height: size");
    const QString text = scale + u"  ·  " + tr("colour: one per layer") + u"  ·  " + tr("dashed: history entry without a layer") + u"  ·  "
        + tr("hatched: a container's writable layer");
    p.drawText(legend.adjusted(12, 0, -12, 0), Qt::AlignVCenter | Qt::AlignLeft, p.fontMetrics().elidedText(text, Qt::ElideRight, legend.width() - 24));
}

void LayerMapWidget::render(QPainter &p, const QRectF &exposed) const
{
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    // Labels only where they can be read: below 5 device pixels a line of text is noise.
    m_drawText = p.worldTransform().m22() * QFontMetricsF(font()).height() >= 5;
    for (int i = 0; i < m_geometry.blocks().size(); ++i) {
        if (!exposed.isNull() && !exposed.intersects(m_geometry.blocks()[i].rect))
            continue;
        switch (m_geometry.blocks()[i].kind) {
        case LayerMapGeometry::Block::Kind::Layer:
            drawBlock(p, i);
            break;
        case LayerMapGeometry::Block::Kind::Band:
            drawBand(p, i);
            break;
        case LayerMapGeometry::Block::Kind::Container:
            drawContainer(p, i);
            break;
        }
    }
    drawLabels(p, exposed);
    p.restore();
}

void LayerMapWidget::drawBlock(QPainter &p, int index) const
{
    const LayerMapGeometry::Block &b = m_geometry.blocks()[index];
    const bool dark = isDark(palette());
    QColor fill = layerColor(b.chainId, dark);
    const bool related = isRelated(index);
    if (!related)
        fill.setAlphaF(0.35);
    p.save();
    const QRectF r = b.rect.adjusted(0.5, 0.5, -0.5, -0.5);
    p.setBrush(fill);
    QPen pen(fill.darker(dark ? 160 : 135), 1);
    if (isSelected(index))
        pen = QPen(palette().color(QPalette::Highlight), 3);
    p.setPen(pen);
    p.drawRoundedRect(r, 3, 3);

    // The label: the instruction, wrapped over the lines the block has room for, then its
    // size; "shared by N" on the right where there is room.
    const QRectF text = r.adjusted(8, 4, -8, -4);
    if (m_drawText && text.height() >= 10 && text.width() > 24) {
        const QFont f = font();
        p.setFont(f);
        const QFontMetricsF fm(f);
        QColor ink = textOn(layerColor(b.chainId, dark));
        if (!related)
            ink.setAlphaF(0.5);
        p.setPen(ink);
        const QString shared = b.sharedBy > 1 ? tr("shared by %1 images").arg(b.sharedBy) : QString();
        const QString instruction = b.text.isEmpty() ? tr("(no history entry)") : b.text.simplified();
        const QString size = sizeText(b.size);
        const int lines = int(text.height() / fm.lineSpacing());
        if (lines >= 2) {
            // Instruction lines, then a line with the size (and the sharing) under them.
            const QRectF top(text.left(), text.top(), text.width(), std::min(lines - 1, 4) * fm.lineSpacing());
            const QString wrapped = fm.elidedText(instruction, Qt::ElideRight, top.width() * (top.height() / fm.lineSpacing()) - fm.averageCharWidth() * 6);
            QRectF used;
            p.drawText(top, Qt::AlignTop | Qt::AlignLeft | Qt::TextWordWrap, wrapped, &used);
            const QRectF bottom(text.left(), std::min(used.bottom(), top.bottom()) + 1, text.width(), fm.lineSpacing());
            QFont bold = f;
            bold.setBold(true);
            p.setFont(bold);
            p.drawText(bottom, Qt::AlignTop | Qt::AlignLeft, size);
            if (!shared.isEmpty() && QFontMetricsF(bold).horizontalAdvance(size) + fm.horizontalAdvance(shared) + 16 < bottom.width()) {
                p.setFont(f);
                p.drawText(bottom, Qt::AlignTop | Qt::AlignRight, shared);
            }
        } else {
            const QString sizePart = u"  " + size;
            const QString label = fm.elidedText(instruction, Qt::ElideRight, std::max<qreal>(0, text.width() - fm.horizontalAdvance(sizePart))) + sizePart;
            p.drawText(text, Qt::AlignVCenter | Qt::AlignLeft, label);
        }
    }
    if (b.mark != LayerMapInput::Layer::Mark::None)
        drawBuildMark(p, b);
    p.restore();
}

void LayerMapWidget::drawBuildMark(QPainter &p, const LayerMapGeometry::Block &b) const
{
    // In the build's own column: what its step did with this layer.
    int column = b.lastColumn;
    for (int c = b.firstColumn; c <= b.lastColumn; ++c) {
        if (m_geometry.columns().value(c).building)
            column = c;
    }
    const QRectF col = m_geometry.columns().value(column).rect;
    const bool cached = b.mark == LayerMapInput::Layer::Mark::Cached;
    QFont f = font();
    f.setBold(true);
    f.setPointSizeF(std::max(7.0, f.pointSizeF() * 0.85));
    const QFontMetricsF fm(f);
    const QString text = cached ? tr("from cache") : tr("built");
    const qreal w = fm.horizontalAdvance(text) + 12;
    const qreal h = std::min(fm.height() + 4, b.rect.height() - 4);
    const QRectF pill(std::min(b.rect.right(), col.right()) - w - 6, b.rect.top() + 3, w, h);
    p.setPen(Qt::NoPen);
    p.setBrush(cached ? QColor(0x2f, 0x6f, 0xd6) : QColor(0x2e, 0x9d, 0x4f));
    p.drawRoundedRect(pill, h / 2, h / 2);
    p.setPen(Qt::white);
    p.setFont(f);
    p.drawText(pill, Qt::AlignCenter, text);
}

void LayerMapWidget::drawBand(QPainter &p, int index) const
{
    const LayerMapGeometry::Block &b = m_geometry.blocks()[index];
    p.save();
    const QRectF r = b.rect.adjusted(1, 1.5, -1, -1.5);
    QColor line = palette().color(QPalette::PlaceholderText);
    if (!isRelated(index))
        line.setAlphaF(0.4);
    p.setPen(QPen(line, 1, Qt::DashLine));
    p.setBrush(Qt::NoBrush);
    p.drawRect(r);
    if (!m_drawText) {
        p.restore();
        return;
    }
    QFont f = font();
    f.setPointSizeF(std::max(7.0, f.pointSizeF() * 0.85));
    p.setFont(f);
    const QString text = b.text.simplified() + u"  ·  " + tr("no layer");
    p.drawText(r.adjusted(5, 0, -5, 0), Qt::AlignVCenter | Qt::AlignLeft, QFontMetricsF(f).elidedText(text, Qt::ElideRight, r.width() - 10));
    p.restore();
}

void LayerMapWidget::drawContainer(QPainter &p, int index) const
{
    const LayerMapGeometry::Block &b = m_geometry.blocks()[index];
    const bool running = b.running;
    p.save();
    const QRectF r = b.rect.adjusted(0.5, 0.5, -0.5, -0.5);
    const QColor amber = running ? QColor(0xe0, 0xa8, 0x1e) : QColor(0x9a, 0x9c, 0xa3);
    QColor base = palette().color(QPalette::Base);
    p.setPen(Qt::NoPen);
    p.setBrush(base);
    p.drawRoundedRect(r, 3, 3);
    QBrush hatch(amber, Qt::BDiagPattern);
    p.setBrush(hatch);
    p.drawRoundedRect(r, 3, 3);
    QPen pen(amber.darker(130), 1.5);
    if (isSelected(index))
        pen = QPen(palette().color(QPalette::Highlight), 3);
    p.setPen(pen);
    p.setBrush(Qt::NoBrush);
    p.drawRoundedRect(r, 3, 3);
    if (!m_drawText) {
        p.restore();
        return;
    }
    // The label on a plate, so that the hatching does not cross the words.
    QFont f = font();
    f.setBold(true);
    const QFontMetricsF fm(f);
    const QString title = tr("%1 — writable layer").arg(b.text);
    const QString detail = sizeText(b.size) + u"  ·  " + (running ? tr("running") : tr("stopped"));
    const QString line = fm.elidedText(title, Qt::ElideRight, r.width() - 16);
    QRectF plate(r.left() + 5, r.top() + 3, std::min(r.width() - 10, fm.horizontalAdvance(line) + 8), std::min(r.height() - 6, fm.height() + 2));
    const bool twoLines = r.height() >= fm.height() * 2 + 8;
    if (twoLines)
        plate.setHeight(fm.height() * 2 + 4);
    p.setPen(Qt::NoPen);
    QColor plateColor = base;
    plateColor.setAlphaF(0.92);
    p.setBrush(plateColor);
    p.drawRoundedRect(plate, 2, 2);
    p.setPen(palette().color(QPalette::Text));
    p.setFont(f);
    p.drawText(plate.adjusted(4, 1, -2, 0), Qt::AlignTop | Qt::AlignLeft, twoLines ? line : fm.elidedText(title + u"  " + detail, Qt::ElideRight, r.width() - 18));
    if (twoLines) {
        QFont d = font();
        p.setFont(d);
        p.drawText(plate.adjusted(4, fm.height() + 2, -2, 0), Qt::AlignTop | Qt::AlignLeft, detail);
    }
    p.restore();
}

void LayerMapWidget::drawLabels(QPainter &p, const QRectF &exposed) const
{
    p.save();
    QFont f = font();
    f.setBold(true);
    p.setFont(f);
    const QFontMetricsF fm(f);
    const QList<int> highlighted = highlightedColumns();
    for (int c = 0; c < m_geometry.columns().size(); ++c) {
        const auto &col = m_geometry.columns()[c];
        if (!exposed.isNull() && !exposed.intersects(col.labelRect))
            continue;
        const QRectF r = col.labelRect.adjusted(2, 0, -2, -8);
        if (!m_drawText && !highlighted.contains(c))
            continue;
        if (col.building && !col.blocks.isEmpty()) {
            // Not an image yet: its stack is outlined, its name in italics.
            qreal top = col.labelRect.top();
            for (int b : col.blocks)
                top = std::min(top, m_geometry.blocks()[b].rect.top());
            QPen dash(palette().color(QPalette::Highlight), 1.5, Qt::DashLine);
            p.setPen(dash);
            p.setBrush(Qt::NoBrush);
            p.drawRoundedRect(QRectF(col.rect.left() - 4, top - 6, col.rect.width() + 8, col.labelRect.top() - top + 4), 5, 5);
        }
        if (highlighted.contains(c)) {
            p.setPen(Qt::NoPen);
            p.setBrush(palette().color(QPalette::Highlight));
            p.drawRoundedRect(r, 4, 4);
            p.setPen(palette().color(QPalette::HighlightedText));
        } else {
            p.setPen(palette().color(QPalette::Text));
        }
        QFont nameFont = f;
        nameFont.setItalic(col.building);
        p.setFont(nameFont);
        p.drawText(r, Qt::AlignCenter, QFontMetricsF(nameFont).elidedText(col.name, Qt::ElideMiddle, r.width() - 8));
    }
    p.restore();
}

QList<int> LayerMapWidget::highlightedColumns() const
{
    QList<int> out;
    const int selectedLayer = m_selection.kind == Selection::Kind::Layer ? m_geometry.blockOfLayer(m_selection.chainId) : -1;
    const int selectedContainer = m_selection.kind == Selection::Kind::Container ? m_geometry.blockOfContainer(m_selection.containerId) : -1;
    for (int c = 0; c < m_geometry.columns().size(); ++c) {
        const auto &col = m_geometry.columns()[c];
        if ((m_selection.kind == Selection::Kind::Image && col.imageId == m_selection.imageId) || (selectedLayer >= 0 && col.blocks.contains(selectedLayer))
            || (selectedContainer >= 0 && m_geometry.blocks()[selectedContainer].firstColumn == c))
            out.append(c);
    }
    return out;
}

LayerMapWidget::Selection LayerMapWidget::selectionAt(const QPointF &mapPos) const
{
    const int block = m_geometry.blockAt(mapPos);
    if (block >= 0) {
        const auto &b = m_geometry.blocks()[block];
        if (b.kind == LayerMapGeometry::Block::Kind::Container)
            return Selection::container(b.containerId, m_geometry.columns()[b.firstColumn].imageId);
        if (b.kind == LayerMapGeometry::Block::Kind::Band) // it belongs to its image: its history shows
            return Selection::image(m_geometry.columns()[b.firstColumn].imageId);
        // The column under the pointer: the image the layer is looked at in.
        Digest image = m_geometry.columns()[b.firstColumn].imageId;
        for (int c = b.firstColumn; c <= b.lastColumn; ++c) {
            if (m_geometry.columns()[c].rect.left() <= mapPos.x() && mapPos.x() <= m_geometry.columns()[c].rect.right() + m_options.gap)
                image = m_geometry.columns()[c].imageId;
        }
        return Selection::layer(b.chainId, image);
    }
    const int label = m_geometry.labelAt(mapPos);
    if (label >= 0)
        return Selection::image(m_geometry.columns()[label].imageId);
    return {};
}

QString LayerMapWidget::toolTipFor(int index) const
{
    const auto &b = m_geometry.blocks()[index];
    switch (b.kind) {
    case LayerMapGeometry::Block::Kind::Layer: {
        QStringList images;
        for (int c = b.firstColumn; c <= b.lastColumn; ++c)
            images.append(m_geometry.columns()[c].name.toHtmlEscaped());
        return u"<b>"_qs + b.text.simplified().toHtmlEscaped() + u"</b><br>"_qs + tr("Size: %1").arg(sizeText(b.size)) + u"<br>"_qs
            + tr("chainID: %1").arg(b.chainId.shortHex()) + u"<br>"_qs + tr("Shared by %n image(s): %1", nullptr, b.sharedBy).arg(images.join(u", "_qs))
            + u"<br><i>"_qs + tr("Double-click to see its files") + u"</i>"_qs;
    }
    case LayerMapGeometry::Block::Kind::Band:
        return u"<b>"_qs + b.text.simplified().toHtmlEscaped() + u"</b><br>"_qs + tr("A history entry without a layer: it changes the image's configuration, not its files (0 B).");
    case LayerMapGeometry::Block::Kind::Container:
        return u"<b>"_qs + tr("Container %1").arg(b.text.toHtmlEscaped()) + u"</b><br>"_qs + tr("Writable layer: %1").arg(sizeText(b.size)) + u"<br>"_qs
            + tr("Everything the container writes lands here; the image's layers below stay read-only.");
    }
    return {};
}

bool LayerMapWidget::viewportEvent(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const int block = m_geometry.blockAt(toMap(help->pos()));
        if (block >= 0)
            QToolTip::showText(help->globalPos(), toolTipFor(block), viewport());
        else
            QToolTip::hideText();
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

void LayerMapWidget::mousePressEvent(QMouseEvent *event)
{
    setFocus(Qt::MouseFocusReason);
    if (event->button() == Qt::LeftButton || event->button() == Qt::MiddleButton) {
        const Selection s = selectionAt(toMap(event->position().toPoint()));
        if (event->button() == Qt::LeftButton && s.kind != Selection::Kind::None) {
            select(s);
            return;
        }
        if (event->button() == Qt::LeftButton)
            select({});
        m_dragging = true;
        m_dragFrom = event->position().toPoint();
        m_dragScroll = QPoint(horizontalScrollBar()->value(), verticalScrollBar()->value());
        viewport()->setCursor(Qt::ClosedHandCursor);
    }
}

void LayerMapWidget::mouseMoveEvent(QMouseEvent *event)
{
    if (m_dragging) {
        const QPoint d = event->position().toPoint() - m_dragFrom;
        horizontalScrollBar()->setValue(m_dragScroll.x() - d.x());
        verticalScrollBar()->setValue(m_dragScroll.y() - d.y());
        viewport()->update();
        return;
    }
    const int hover = m_geometry.blockAt(toMap(event->position().toPoint()));
    if (hover != m_hover) {
        const auto area = [&](int i) {
            return i < 0 ? QRect() : QRect(toViewport(m_geometry.blocks()[i].rect.topLeft()), toViewport(m_geometry.blocks()[i].rect.bottomRight())).adjusted(-3, -3, 3, 3) & mapArea();
        };
        // Only the two blocks whose outline changes are repainted.
        viewport()->update(area(m_hover));
        m_hover = hover;
        viewport()->update(area(m_hover));
    }
}

void LayerMapWidget::mouseReleaseEvent(QMouseEvent *)
{
    if (m_dragging) {
        m_dragging = false;
        viewport()->unsetCursor();
    }
}

void LayerMapWidget::mouseDoubleClickEvent(QMouseEvent *event)
{
    const Selection s = selectionAt(toMap(event->position().toPoint()));
    if (s.kind == Selection::Kind::None) {
        fit();
        return;
    }
    select(s);
    Q_EMIT activated(s);
}

void LayerMapWidget::wheelEvent(QWheelEvent *event)
{
    if (event->modifiers() & Qt::ControlModifier) {
        m_fitted = false;
        const qreal steps = event->angleDelta().y() / 120.0;
        setZoom(m_zoom * std::pow(1.2, steps), event->position());
        event->accept();
        return;
    }
    QAbstractScrollArea::wheelEvent(event);
}

void LayerMapWidget::contextMenuEvent(QContextMenuEvent *event)
{
    Selection s = event->reason() == QContextMenuEvent::Mouse ? selectionAt(toMap(viewport()->mapFrom(this, event->pos()))) : m_selection;
    if (s.kind != Selection::Kind::None)
        select(s);
    Q_EMIT contextMenuRequested(s, event->globalPos());
}

// Arrows walk the map: up and down along the selected stack, left and right to the neighbouring
// column at the same height.
void LayerMapWidget::moveSelection(int dx, int dy)
{
    const auto &cols = m_geometry.columns();
    if (cols.isEmpty())
        return;
    int col = 0;
    int depth = 0;
    switch (m_selection.kind) {
    case Selection::Kind::None:
        selectImage(cols.first().imageId);
        return;
    case Selection::Kind::Image:
        col = m_geometry.columnOfImage(m_selection.imageId);
        depth = -1;
        break;
    case Selection::Kind::Layer: {
        col = std::max(0, m_geometry.columnOfImage(m_selection.imageId));
        depth = m_geometry.blocks()[m_geometry.blockOfLayer(m_selection.chainId)].depth;
        break;
    }
    case Selection::Kind::Container:
        col = std::max(0, m_geometry.columnOfImage(m_selection.imageId));
        depth = int(cols[col].blocks.size());
        break;
    }
    col = std::clamp(col + dx, 0, int(cols.size()) - 1);
    const QList<int> &stack = cols[col].blocks;
    depth = depth + dy;
    if (depth < 0 || stack.isEmpty()) {
        selectImage(cols[col].imageId);
        return;
    }
    depth = std::min(depth, int(stack.size()) - 1);
    select(Selection::layer(m_geometry.blocks()[stack[depth]].chainId, cols[col].imageId));
    // Keep it in sight.
    const QRectF r = m_geometry.blocks()[stack[depth]].rect;
    const QPoint tl = toViewport(r.topLeft());
    const QPoint br = toViewport(r.bottomRight());
    const QRect area = mapArea();
    if (tl.x() < area.left() || br.x() > area.right())
        horizontalScrollBar()->setValue(horizontalScrollBar()->value() + (tl.x() < area.left() ? tl.x() - area.left() - 20 : br.x() - area.right() + 20));
    if (tl.y() < area.top() || br.y() > area.bottom())
        verticalScrollBar()->setValue(verticalScrollBar()->value() + (tl.y() < area.top() ? tl.y() - area.top() - 20 : br.y() - area.bottom() + 20));
}

void LayerMapWidget::keyPressEvent(QKeyEvent *event)
{
    switch (event->key()) {
    case Qt::Key_Left:
        moveSelection(-1, 0);
        return;
    case Qt::Key_Right:
        moveSelection(1, 0);
        return;
    case Qt::Key_Up:
        moveSelection(0, 1);
        return;
    case Qt::Key_Down:
        moveSelection(0, -1);
        return;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (m_selection.kind != Selection::Kind::None)
            Q_EMIT activated(m_selection);
        return;
    case Qt::Key_Escape:
        select({});
        return;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomIn();
        return;
    case Qt::Key_Minus:
        zoomOut();
        return;
    default:
        break;
    }
    QAbstractScrollArea::keyPressEvent(event);
}

} // namespace strata
