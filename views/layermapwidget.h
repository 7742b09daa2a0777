#pragma once

#include "layermapgeometry.h"

#include <QAbstractScrollArea>
#include <QPixmap>
#include <QTimer>
#include <QPointer>

class QPainter;

namespace strata {

// The layer map: every image a column, its layers stacked bottom-up from the base, a layer
// shared by k images one block across their k columns, history entries without a layer as thin
// dashed bands, containers as hatched writable blocks on their image. Painted from a
// LayerMapGeometry, which hit-testing reads too. Zoom (Ctrl+wheel, +/-), pan (drag, scroll),
// fit; arrows move between blocks, Enter opens one.
class LayerMapWidget : public QAbstractScrollArea {
    Q_OBJECT
public:
    struct Selection {
        enum class Kind { None, Image, Layer, Container };
        Kind kind = Kind::None;
        Digest imageId; // Image; for a Layer, the column it was picked in
        Digest chainId; // Layer
        QString containerId; // Container

        static Selection image(const Digest &imageId) { return { Kind::Image, imageId, {}, {} }; }
        // A layer as seen in one of the images sharing it.
        static Selection layer(const Digest &chainId, const Digest &imageId) { return { Kind::Layer, imageId, chainId, {} }; }
        static Selection container(const QString &id, const Digest &imageId) { return { Kind::Container, imageId, {}, id }; }
        bool operator==(const Selection &o) const
        {
            return kind == o.kind && imageId == o.imageId && chainId == o.chainId && containerId == o.containerId;
        }
    };

    explicit LayerMapWidget(QWidget *parent = nullptr);

    void setInput(const LayerMapInput &input);
    void setScale(LayerMapGeometry::Scale scale);
    // A container's writable layer grew or shrank: its block follows at once.
    void setContainerSize(const QString &id, qint64 bytes);
    LayerMapGeometry::Scale scale() const { return m_options.scale; }
    const LayerMapGeometry &geometry() const { return m_geometry; }
    // Shown instead of the map when there are no images.
    void setEmptyText(const QString &text);

    Selection selection() const { return m_selection; }
    void select(const Selection &selection);
    void selectImage(const Digest &imageId);

    // The columns whose image names are highlighted: the selected image, every image sharing the
    // selected layer, the image of the selected container.
    QList<int> highlightedColumns() const;

    qreal zoom() const { return m_zoom; }
    void setZoom(qreal zoom, const QPointF &anchor = QPointF(-1, -1));
    void zoomIn();
    void zoomOut();
    void fit();

    // The map at the painter's transform, for the view, PNG and SVG export; only the blocks
    // meeting `exposed` (map coordinates; all when null).
    void render(QPainter &painter, const QRectF &exposed = {}) const;
    // How long the last full render of the map took (the benchmark's figure; hovers blit).
    double lastRenderMs() const { return m_lastRenderMs; }
    int paintCount() const { return m_paints; }
    QSize mapSize() const { return m_geometry.size().toSize(); }

    // The map point under a viewport position.
    QPointF toMap(const QPoint &viewportPos) const;
    QPoint toViewport(const QPointF &mapPos) const;

Q_SIGNALS:
    // The first paint with images in it (the benchmark's "start to first painted map").
    void firstMapPainted();
    void selectionChanged(const strata::LayerMapWidget::Selection &selection);
    // Enter or double-click on a block: open its files (a layer) or its feed (a container).
    void activated(const strata::LayerMapWidget::Selection &selection);
    void contextMenuRequested(const strata::LayerMapWidget::Selection &selection, const QPoint &globalPos);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;
    bool viewportEvent(QEvent *event) override;
    void changeEvent(QEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;

private:
    QRect mapArea() const; // the viewport between the header and the legend
    QPointF origin() const; // where the map's (0, 0) is in the viewport
    void rebuild();
    void updateScrollBars();
    Selection selectionAt(const QPointF &mapPos) const;
    QString toolTipFor(int block) const;
    void moveSelection(int dx, int dy);

    void drawBlock(QPainter &p, int index) const;
    void drawBuildMark(QPainter &p, const LayerMapGeometry::Block &block) const;
    void drawBand(QPainter &p, int index) const;
    void drawContainer(QPainter &p, int index) const;
    void drawLabels(QPainter &p, const QRectF &exposed) const;
    void drawLegend(QPainter &p) const;
    bool isSelected(int block) const;
    bool isRelated(int block) const; // part of the selection's stack or sharing images

    LayerMapInput m_input;
    LayerMapGeometry::Options m_options;
    LayerMapGeometry m_geometry;
    Selection m_selection;
    int m_hover = -1;
    qreal m_zoom = 1.0;
    bool m_fitted = true; // follow the window's size until the user zooms
    QString m_emptyText;
    QPoint m_dragFrom;
    QPoint m_dragScroll;
    bool m_dragging = false;
    bool m_paintedMap = false;
    QTimer m_relayout;
    QPixmap m_cache; // the map as last rendered, for the viewport's map area
    bool m_cacheValid = false;
    bool m_inputChanged = true; // the geometry must be rebuilt even if the layout options are the same
    double m_lastRenderMs = 0;
    int m_paints = 0;
    mutable bool m_drawText = true; // set by render() from its scale
};

} // namespace strata
