#include "containerfollower.h"

#include "containerstore.h"
#include "foreignsnapshot.h"
#include "fsutil.h"
#include "imagedescription.h"
#include "imagestore.h"
#include "store.h"

#include <QCoreApplication>
#include <QTimer>

namespace strata {

namespace {

    // The layers under a writable one named for people, top first: the init layer (if there is
    // one), then the image's with the instruction that made each.
    QStringList layerNames(bool initLayer, const Result<Image> &image)
    {
        QStringList names;
        if (initLayer)
            names.append(QCoreApplication::translate("strata::ContainerFollower", "the init layer"));
        if (image) {
            const QStringList made = ImageDescription::layerInstructions(image.value());
            for (qsizetype i = image->layers.size() - 1; i >= 0; --i)
                names.append(QCoreApplication::translate("strata::ContainerFollower", "layer %1 (%2)").arg(i).arg(made.value(i).simplified().left(60)));
        }
        return names;
    }

    // Everything that touches the disk: made, run and deleted in the follower's thread.
    class FollowWorker : public QObject {
    public:
        FollowWorker(std::shared_ptr<Store> store, std::shared_ptr<const ForeignSnapshot> foreign, const QString &id, ContainerFollower *follower)
            : m_store(std::move(store))
            , m_foreign(std::move(foreign))
            , m_id(id)
            , m_follower(follower)
        {
        }

        void begin()
        {
            if (m_foreign) {
                beginForeign();
                return;
            }
            ContainerStore containers(*m_store);
            auto c = containers.resolve(m_id);
            if (!c) {
                report([msg = c.error()](ContainerFollower *f) { Q_EMIT f->failed(msg); });
                return;
            }
            auto base = containers.baseLayers(c->config);
            if (!base) {
                report([msg = base.error()](ContainerFollower *f) { Q_EMIT f->failed(msg); });
                return;
            }
            // Names for the layers under the writable one: the init layer, then the image's.
            report([names = layerNames(true, ImageStore(*m_store).resolve(c->config.imageId.toString()))](ContainerFollower *f) { Q_EMIT f->layersKnown(names); });

            m_log = std::make_unique<ContainerLog>(containers.logPath(c->config.id));
            if (m_log->open()) {
                m_logTimer = new QTimer(this);
                connect(m_logTimer, &QTimer::timeout, this, [this] { readLog(); });
                m_logTimer->start(250);
                readLog();
            }
            watch(containers.upperDir(c->config.id), base.value(), m_store->driver().whiteoutStyle());
        }

    private:
        // A peer's container: the same watch over the folders its reader names, read-only.
        void beginForeign()
        {
            const ForeignSnapshot::Container *c = m_foreign->container(m_id);
            if (!c) {
                report([msg = QStringLiteral("no such container in the %1: %2").arg(m_foreign->description(), m_id)](ContainerFollower *f) { Q_EMIT f->failed(msg); });
                return;
            }
            auto base = m_foreign->containerBase(*c);
            if (!base) {
                report([msg = base.error()](ContainerFollower *f) { Q_EMIT f->failed(msg); });
                return;
            }
            report([names = layerNames(!c->initDir.isEmpty(), m_foreign->resolve(c->imageId.toString()))](ContainerFollower *f) { Q_EMIT f->layersKnown(names); });
            // Docker's overlay2 and containers/storage's overlay write deletions as whiteouts.
            watch(c->writableDir, base.value(), WhiteoutStyle::Overlay);
        }

        // Follows `upper` over `base` (top first) from now on.
        void watch(const QString &upper, const QStringList &base, WhiteoutStyle style)
        {
            m_upper = upper;
            m_sizeTimer = new QTimer(this);
            m_sizeTimer->setSingleShot(true);
            m_sizeTimer->setInterval(250);
            connect(m_sizeTimer, &QTimer::timeout, this, [this] {
                auto stats = fs::treeStats(m_upper);
                if (stats)
                    report([bytes = stats->bytes](ContainerFollower *f) { Q_EMIT f->writableSize(bytes); });
            });
            m_watcher = new ChangeWatcher(m_upper, base, style, this);
            connect(m_watcher, &ChangeWatcher::changed, this, [this](const ChangeEvent &e) {
                report([e](ContainerFollower *f) { Q_EMIT f->changed(e); });
                // The writable layer's size, at most four times a second while it changes.
                if (!m_sizeTimer->isActive())
                    m_sizeTimer->start();
            });
            connect(m_watcher, &ChangeWatcher::overflowed, this, [this] { report([](ContainerFollower *f) { Q_EMIT f->overflowed(); }); });
            if (Status s = m_watcher->start(); !s)
                report([msg = s.error()](ContainerFollower *f) { Q_EMIT f->failed(msg); });
            else
                report([](ContainerFollower *f) { Q_EMIT f->watching(); });
        }

        template <typename F>
        void report(F f)
        {
            // The follower lives in the GUI thread and deletes this worker (blocking) before
            // it goes, so the pointer is good whenever a queued call runs.
            ContainerFollower *target = m_follower;
            QMetaObject::invokeMethod(target, [target, f] { f(target); }, Qt::QueuedConnection);
        }

        void readLog()
        {
            auto lines = m_log->readNew();
            if (lines && !lines->isEmpty())
                report([entries = lines.value()](ContainerFollower *f) { Q_EMIT f->logged(entries); });
        }

        std::shared_ptr<Store> m_store;
        std::shared_ptr<const ForeignSnapshot> m_foreign;
        QString m_id;
        ContainerFollower *m_follower;
        std::unique_ptr<ContainerLog> m_log;
        QTimer *m_logTimer = nullptr;
        QTimer *m_sizeTimer = nullptr;
        QString m_upper;
        ChangeWatcher *m_watcher = nullptr;
    };

} // namespace

ContainerFollower::ContainerFollower(std::shared_ptr<Store> store, const QString &containerId, QObject *parent)
    : QObject(parent)
    , m_store(std::move(store))
    , m_id(containerId)
{
    m_thread.setObjectName(QStringLiteral("strata-follow-") + containerId.left(12));
}

ContainerFollower::ContainerFollower(std::shared_ptr<const ForeignSnapshot> foreign, const QString &containerId, QObject *parent)
    : QObject(parent)
    , m_foreign(std::move(foreign))
    , m_id(containerId)
{
    m_thread.setObjectName(QStringLiteral("strata-follow-") + containerId.left(12));
}

ContainerFollower::~ContainerFollower()
{
    if (m_worker) {
        QObject *w = m_worker;
        QMetaObject::invokeMethod(w, [w] { delete w; }, Qt::BlockingQueuedConnection);
    }
    m_thread.quit();
    m_thread.wait();
}

void ContainerFollower::start()
{
    if (m_worker)
        return;
    m_thread.start();
    auto *worker = new FollowWorker(m_store, m_foreign, m_id, this);
    worker->moveToThread(&m_thread);
    m_worker = worker;
    QMetaObject::invokeMethod(worker, [worker] { worker->begin(); }, Qt::QueuedConnection);
}

} // namespace strata
