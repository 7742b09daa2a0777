#include "inspector.h"

#include "containerpage.h"
#include "imagepage.h"
#include "layerpage.h"
#include "overviewpage.h"

#include <QLabel>
#include <QScrollArea>

namespace strata {

namespace {
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

void Inspector::install(Page page, QWidget *widget)
{
    const int index = int(page);
    QWidget *placeholder = this->widget(index);
    insertWidget(index, widget);
    removeWidget(placeholder);
    delete placeholder;
    Q_EMIT pageMade(page);
}

template <typename T>
T *Inspector::made(T *&slot, Page page)
{
    if (!slot) {
        slot = new T(m_session);
        // Pages with a form on top scroll as a whole when the panel is short.
        install(page, page == Page::Image ? scrolling(slot) : static_cast<QWidget *>(slot));
    }
    return slot;
}

OverviewPage *Inspector::overviewPage() { return made(m_overview, Page::Overview); }
ImagePage *Inspector::imagePage() { return made(m_image, Page::Image); }
LayerPage *Inspector::layerPage() { return made(m_layer, Page::Layer); }
ContainerPage *Inspector::containerPage() { return made(m_container, Page::Container); }
VolumePage *Inspector::volumePage() { return made(m_volume, Page::Volume); }

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
