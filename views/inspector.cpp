#include "inspector.h"

#include "containerpage.h"
#include "imagepage.h"
#include "layerpage.h"
#include "overviewpage.h"

#include <QScrollArea>

namespace strata {

namespace {
    // Pages with a form on top scroll as a whole when the panel is short.
    QWidget *scrolling(QWidget *page)
    {
        auto *area = new QScrollArea;
        area->setWidget(page);
        area->setWidgetResizable(true);
        area->setFrameShape(QFrame::NoFrame);
        return area;
    }
}

Inspector::Inspector(StoreSession *session, QWidget *parent)
    : QStackedWidget(parent)
    , m_overview(new OverviewPage(session))
    , m_image(new ImagePage(session))
    , m_layer(new LayerPage(session))
    , m_container(new ContainerPage(session))
    , m_volume(new VolumePage(session))
{
    addWidget(m_overview);
    addWidget(scrolling(m_image));
    addWidget(m_layer);
    addWidget(m_container);
    addWidget(m_volume);
    setMinimumWidth(380);
}

void Inspector::showOverview()
{
    m_overview->refresh();
    setCurrentIndex(0);
}

void Inspector::showImage(const Digest &id)
{
    m_image->showImage(id);
    setCurrentIndex(1);
}

void Inspector::showLayer(const Digest &chainId, const Digest &imageId)
{
    m_layer->showLayer(chainId, imageId);
    setCurrentWidget(m_layer);
}

void Inspector::showContainer(const QString &id)
{
    m_container->showContainer(id);
    setCurrentWidget(m_container);
}

void Inspector::showVolume(const QString &name)
{
    m_volume->showVolume(name);
    setCurrentWidget(m_volume);
}

} // namespace strata
