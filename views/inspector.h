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
// image, layer, container or volume. Pages are built when first needed (pageMade), the overview
// when the store's first snapshot is in: none of them is in the start-up's way.
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
    // Whether the page is built (the accessors build it).
    bool hasPage(Page page) const;
    // Each builds its page if it is not there yet.
    OverviewPage *overviewPage();
    ImagePage *imagePage();
    LayerPage *layerPage();
    ContainerPage *containerPage();
    VolumePage *volumePage();

Q_SIGNALS:
    void pageMade(strata::Inspector::Page page);

private:
    void install(Page page, QWidget *widget);
    // The page in `slot`, built and installed in its place first if it is not there yet.
    template <typename T>
    T *made(T *&slot, Page page);

    StoreSession *m_session;
    OverviewPage *m_overview = nullptr;
    ImagePage *m_image = nullptr;
    LayerPage *m_layer = nullptr;
    ContainerPage *m_container = nullptr;
    VolumePage *m_volume = nullptr;
};

} // namespace strata
