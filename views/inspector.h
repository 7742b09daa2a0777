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
// image, layer, container or volume.
class Inspector : public QStackedWidget {
    Q_OBJECT
public:
    explicit Inspector(StoreSession *session, QWidget *parent = nullptr);

    void showOverview();
    void showImage(const Digest &id);
    void showLayer(const Digest &chainId, const Digest &imageId);
    void showContainer(const QString &id);
    void showVolume(const QString &name);

    OverviewPage *overviewPage() const { return m_overview; }
    ImagePage *imagePage() const { return m_image; }
    LayerPage *layerPage() const { return m_layer; }
    ContainerPage *containerPage() const { return m_container; }
    VolumePage *volumePage() const { return m_volume; }

private:
    OverviewPage *m_overview;
    ImagePage *m_image;
    LayerPage *m_layer;
    ContainerPage *m_container;
    VolumePage *m_volume;
};

} // namespace strata
