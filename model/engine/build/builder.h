#pragma once

#include "containerruntime.h"
#include "digest.h"
#include "imagetypes.h"
#include "progress.h"
#include "result.h"

#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <functional>

namespace strata {

class Store;

// What `stratactl build` (and the window's build dialog) asks for.
struct BuildRequest {
    QString context; // a directory, a tar (plain or compressed) or a zip
    // The Dockerfile: empty for "Dockerfile" in the context; for a directory context a host
    // path (absolute, or relative to the caller's working directory); for an archive context a
    // name inside it.
    QString dockerfile;
    // The Dockerfile's text, when given (the window's editor): used instead of reading one.
    QByteArray dockerfileText;
    QStringList tags; // name[:tag], as typed
    QStringList buildArgs; // KEY=value, or KEY (the caller's environment's value)
    bool noCache = false;
    QString target; // the stage to stop after; empty: the last
    QString network = QStringLiteral("none"); // RUN's network: "none" or "host"
};

// What a build reports as it goes, for a window to follow it step by step.
struct BuildEvent {
    enum class Kind {
        StageStarted, // FROM: `layers` are the base's
        StepStarted, // `text` is the instruction as written
        StepCached, // the step's state came from the cache
        StepBuilt, // the step was executed
        Finished, // `imageId` is the image
    };
    Kind kind = Kind::StepStarted;
    int step = 0; // 1-based, of `steps`
    int steps = 0;
    QString text;
    Digest stateId; // the state after the step (Docker's intermediate image ID)
    Digest chainId; // the layer the step made or reused; null for a metadata-only step
    Digest imageId;
    QList<ImageLayer> layers; // the state's layers after the step, base first, with sizes
};

struct BuildResult {
    Digest imageId;
    QStringList tags; // normalised
    int steps = 0;
    int cached = 0;
};

// Builds images from Dockerfiles the way Docker's classic builder does (DESIGN §5): each
// instruction that changes files makes one layer, the others a history entry marked
// empty_layer with Docker's created_by; RUN executes in a real container of the runtime; COPY
// and ADD compose their layer from the context; every step is looked up in the layer cache
// (BuildCache) first and recorded there after. The output is Docker's classic form (`Step N/M :
// ...`, ` ---> Using cache`, ` ---> <id>`, `Successfully built`, `Successfully tagged`),
// written to `out` with RUN's own output. A failing RUN stops the build with its status
// (runStatus()); a failed or cancelled build adds no image, only the cache entries of the steps
// that completed.
// Threads: any thread; blocking. A process with threads must use ContainerRuntime::Launch::Exec.
class Builder {
public:
    using Output = std::function<void(const QByteArray &text)>;
    using Events = std::function<void(const BuildEvent &event)>;
    Builder(Store &store, ContainerRuntime::Launch launch = ContainerRuntime::Launch::Exec);

    // `out` gets the log (also RUN's output, relayed through a pipe when `streams` is unset);
    // `events` may be null.
    Result<BuildResult> build(const BuildRequest &request, const Output &out, const Events &events = {}, const Progress &progress = {});
    // The exit status of the RUN that failed the last build, or -1.
    int runStatus() const { return m_runStatus; }

private:
    Store &m_store;
    ContainerRuntime::Launch m_launch;
    int m_runStatus = -1;
};

} // namespace strata
