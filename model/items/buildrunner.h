#pragma once

#include "builder.h"
#include "layermapgeometry.h"

#include <QMutex>
#include <QObject>
#include <QTimer>

#include <atomic>
#include <memory>

namespace strata {

class Store;

// One `build` from the window: the engine's Builder on a worker thread, its log and its steps
// handed to the GUI thread in batches (every 50 ms at most), cancel honoured within 100 ms.
// While it runs, preview() is the build so far as a column of the layer map, each step's
// layer marked as built or taken from the cache; it shares blocks with the images that hold
// the same layers, as the finished image will.
class BuildRunner : public QObject {
    Q_OBJECT
public:
    explicit BuildRunner(QObject *parent = nullptr);
    ~BuildRunner() override;

    // Starts unless a build runs; the request's tags name the preview.
    bool start(std::shared_ptr<Store> store, const BuildRequest &request);
    void cancel();
    bool running() const { return m_running; }
    // Whether the last build ended because it was cancelled (not worth an error message).
    bool wasCancelled() const { return m_cancelled; }
    // The steps seen so far (StageStarted, StepCached, StepBuilt, Finished), in order.
    const QList<BuildEvent> &events() const { return m_events; }
    // The column of the build in progress; empty when none has a layer yet.
    std::optional<LayerMapInput::Image> preview() const;

Q_SIGNALS:
    void logAppended(const QString &text);
    void stepChanged(const strata::BuildEvent &event);
    // `imageId` is null on failure; `message` the error, or the image's tags.
    void finished(bool ok, const QString &message, const strata::Digest &imageId);

private:
    void drain();

    struct Shared {
        QMutex mutex;
        QByteArray log;
        QList<BuildEvent> events;
    };
    std::shared_ptr<Shared> m_shared;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    QTimer m_poll;
    bool m_running = false;
    bool m_cancelled = false;
    QString m_name;
    QList<BuildEvent> m_events;
    QHash<Digest, LayerMapInput::Layer::Mark> m_marks;
    QHash<Digest, QString> m_instructions;
};

} // namespace strata

Q_DECLARE_METATYPE(strata::BuildEvent)
