#include "buildrunner.h"

#include <QMutexLocker>
#include <QtConcurrent/QtConcurrentRun>

namespace strata {

namespace {
    struct Outcome {
        bool ok = false;
        bool cancelled = false;
        QString message;
        Digest imageId;
    };
}

BuildRunner::BuildRunner(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<strata::BuildEvent>();
    connect(&m_poll, &QTimer::timeout, this, &BuildRunner::drain);
}

BuildRunner::~BuildRunner()
{
    if (m_cancel)
        m_cancel->store(true); // the worker keeps its references; nobody waits for it now
}

bool BuildRunner::start(std::shared_ptr<Store> store, const BuildRequest &request)
{
    if (m_running || !store)
        return false;
    m_running = true;
    m_events.clear();
    m_marks.clear();
    m_instructions.clear();
    m_name = request.tags.isEmpty() ? tr("new image") : request.tags.first();
    if (m_name.endsWith(QLatin1String(":latest"))) // the column is narrow: the default tag goes
        m_name.chop(7);
    // The worker writes into shared state that this object reads on a timer: it never touches
    // this object, which the window may delete meanwhile.
    m_shared = std::make_shared<Shared>();
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    auto shared = m_shared;
    auto cancel = m_cancel;
    m_poll.start(50);
    QtConcurrent::run([store, request, shared, cancel] {
        const Builder::Output out = [shared](const QByteArray &text) {
            const QMutexLocker locker(&shared->mutex);
            shared->log += text;
        };
        const Builder::Events events = [shared](const BuildEvent &e) {
            const QMutexLocker locker(&shared->mutex);
            shared->events.append(e);
        };
        // A process with threads: monitors are fresh stratactl processes.
        Builder builder(*store, ContainerRuntime::Launch::Exec);
        const Progress progress({}, cancel.get());
        auto result = builder.build(request, out, events, progress);
        Outcome o;
        o.ok = result.ok();
        if (result) {
            o.imageId = result->imageId;
            o.message = result->tags.join(QStringLiteral(", "));
        } else {
            o.cancelled = result.code() == ErrorCode::Cancelled;
            o.message = o.cancelled ? tr("The build was cancelled; no image was made.") : result.error();
        }
        return o;
    }).then(this, [this](const Outcome &o) {
        m_poll.stop();
        drain();
        m_running = false;
        m_cancelled = o.cancelled;
        Q_EMIT finished(o.ok, o.message, o.imageId);
    });
    return true;
}

void BuildRunner::cancel()
{
    if (m_cancel)
        m_cancel->store(true);
}

void BuildRunner::drain()
{
    QByteArray log;
    QList<BuildEvent> events;
    {
        const QMutexLocker locker(&m_shared->mutex);
        log.swap(m_shared->log);
        events.swap(m_shared->events);
    }
    if (!log.isEmpty())
        Q_EMIT logAppended(QString::fromUtf8(log));
    for (const BuildEvent &e : std::as_const(events)) {
        if (!e.chainId.isNull() && (e.kind == BuildEvent::Kind::StepBuilt || e.kind == BuildEvent::Kind::StepCached)) {
            m_marks.insert(e.chainId, e.kind == BuildEvent::Kind::StepBuilt ? LayerMapInput::Layer::Mark::Built : LayerMapInput::Layer::Mark::Cached);
            m_instructions.insert(e.chainId, e.text);
        }
        if (e.kind != BuildEvent::Kind::StepStarted)
            m_events.append(e);
        Q_EMIT stepChanged(e);
    }
}

std::optional<LayerMapInput::Image> BuildRunner::preview() const
{
    // The state of the last step that has one.
    for (qsizetype i = m_events.size() - 1; i >= 0; --i) {
        const BuildEvent &e = m_events[i];
        if (e.kind == BuildEvent::Kind::Finished)
            return std::nullopt;
        if (e.layers.isEmpty())
            continue;
        LayerMapInput::Image image;
        image.id = e.stateId;
        image.name = tr("%1 · step %2/%3").arg(m_name).arg(e.step).arg(e.steps);
        image.building = true;
        for (const ImageLayer &l : e.layers) {
            LayerMapInput::Layer layer;
            layer.chainId = l.chainId;
            layer.size = qMax<qint64>(l.size, 0);
            layer.mark = m_marks.value(l.chainId, LayerMapInput::Layer::Mark::None);
            layer.instruction = m_instructions.value(l.chainId);
            image.layers.append(layer);
            image.bands.append(QStringList());
        }
        return image;
    }
    return std::nullopt;
}

} // namespace strata
