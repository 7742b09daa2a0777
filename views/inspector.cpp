#include "inspector.h"

#include "containerpage.h"
#include "imagepage.h"
#include "layerpage.h"
#include "overviewpage.h"

#include <QLabel>
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
    , m_session(session)
{
    // Places for the pages not built yet, so each page keeps its index; the overview's says
    // what it waits for.
    auto *waiting = new QLabel(tr("Reading the store…"));
    waiting->setAlignment(Qt::AlignCenter);
    waiting->setForegroundRole(QPalette::PlaceholderText);
    addWidget(waiting);
    for (int i = int(Page::Image); i <= int(Page::Volume); ++i)
        addWidget(new QWidget);
    setMinimumWidth(380);
}

bool Inspector::hasPage(Page page) const
{
    switch (page) {
    case Page::Overview:
        return m_overview;
    case Page::Image:
        return m_image;
    case Page::Layer:
        return m_layer;
    case Page::Container:
        return m_container;
    case Page::Volume:
        return m_volume;
    }
    return false;
}

OverviewPage *Inspector::overviewPage()
{
    if (!m_overview) {
        m_overview = new OverviewPage(m_session);
        install(Page::Overview, m_overview);
    }
    return m_overview;
}

void Inspector::install(Page page, QWidget *widget)
{
    const int index = int(page);
    QWidget *placeholder = this->widget(index);
    insertWidget(index, widget);
    removeWidget(placeholder);
    delete placeholder;
    Q_EMIT pageMade(page);
}

ImagePage *Inspector::imagePage()
{
    if (!m_image) {
        m_image = new ImagePage(m_session);
        install(Page::Image, scrolling(m_image));
    }
    return m_image;
}

LayerPage *Inspector::layerPage()
{
    if (!m_layer) {
        m_layer = new LayerPage(m_session);
        install(Page::Layer, m_layer);
    }
    return m_layer;
}

ContainerPage *Inspector::containerPage()
{
    if (!m_container) {
        m_container = new ContainerPage(m_session);
        install(Page::Container, m_container);
    }
    return m_container;
}

VolumePage *Inspector::volumePage()
{
    if (!m_volume) {
        m_volume = new VolumePage(m_session);
        install(Page::Volume, m_volume);
    }
    return m_volume;
}

void Inspector::showOverview()
{
    overviewPage()->refresh();
    setCurrentIndex(int(Page::Overview));
}

void Inspector::showImage(const Digest &id)
{
    imagePage()->showImage(id);
    setCurrentIndex(int(Page::Image));
}

void Inspector::showLayer(const Digest &chainId, const Digest &imageId)
{
    layerPage()->showLayer(chainId, imageId);
    setCurrentIndex(int(Page::Layer));
}

void Inspector::showContainer(const QString &id)
{
    containerPage()->showContainer(id);
    setCurrentIndex(int(Page::Container));
}

void Inspector::showVolume(const QString &name)
{
    volumePage()->showVolume(name);
    setCurrentIndex(int(Page::Volume));
}

} // namespace strata
