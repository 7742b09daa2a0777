#pragma once

#include "digest.h"

#include <QStackedWidget>

namespace strata {

class ContainerPage;
class ImagePage;
class LayerPage;
class OverviewPage;
class StoreSession;
class VolumePage;

// The side panel: the store overview when nothing is selected, else the page of the selected
// image, layer, container or volume. Only the overview is built with the window; the other
// pages are built when first needed (pageMade), which keeps them out of the start-up.
class Inspector : public QStackedWidget {
    Q_OBJECT
public:
    // In stack order: currentIndex() is the page's value.
    enum class Page { Overview, Image, Layer, Container, Volume };

    explicit Inspector(StoreSession *session, QWidget *parent = nullptr);

    void showOverview();
    void showImage(const Digest &id);
    void showLayer(const Digest &chainId, const Digest &imageId);
    void showContainer(const QString &id);
    void showVolume(const QString &name);

    Page currentPage() const { return Page(currentIndex()); }
    OverviewPage *overviewPage() const { return m_overview; }
    // Each builds its page if it is not there yet.
    ImagePage *imagePage();
    LayerPage *layerPage();
    ContainerPage *containerPage();
    VolumePage *volumePage();

Q_SIGNALS:
    void pageMade(strata::Inspector::Page page);

private:
    void install(Page page, QWidget *widget);

    StoreSession *m_session;
    OverviewPage *m_overview;
    ImagePage *m_image = nullptr;
    LayerPage *m_layer = nullptr;
    ContainerPage *m_container = nullptr;
    VolumePage *m_volume = nullptr;
};

} // namespace strata
