#pragma once

#include "containerstore.h"
#include "job.h"
#include "registrytransfer.h"

#include <QString>
#include <QStringList>

namespace strata {

// What the window's actions do to a store, each as the work of a Job: the same engine calls
// stratactl makes, run on a worker thread, returning the message the status bar shows.
namespace actions {

    Job::Work loadArchive(const QString &path);
    Job::Work saveImages(const QStringList &references, const QString &path, bool oci);
    Job::Work importRootfs(const QString &source, const QString &reference);
    Job::Work removeImage(const QString &reference, bool force);
    Job::Work tagImage(const QString &source, const QString &target);
    Job::Work pruneImages();
    // From or to a registry; `layers` follows each layer (TransferModel::sink()).
    Job::Work pullImage(const QString &reference, const RegistryOptions &options, const LayerTransferSink &layers);
    Job::Work pushImage(const QString &image, const QString &destination, const RegistryOptions &options, const LayerTransferSink &layers);

    // Detached: the container outlives the window (its monitor is a fresh stratactl process).
    Job::Work runContainer(const CreateRequest &request);
    Job::Work startContainer(const QString &id);
    Job::Work stopContainer(const QString &id, int timeoutSeconds = 10);
    Job::Work killContainer(const QString &id);
    Job::Work removeContainer(const QString &id, bool force);
    Job::Work commitContainer(const QString &id, const QString &reference);
    Job::Work copyOut(const QString &id, const QString &containerPath, const QString &hostPath);
    Job::Work copyIn(const QString &id, const QString &hostPath, const QString &containerPath);
    Job::Work pruneContainers();

    Job::Work createVolume(const QString &name);
    Job::Work removeVolume(const QString &name);
    Job::Work pruneVolumes();

    // The demo images of packaging/demo-images.sh: the lesson's images, built by the builder.
    Job::Work createDemoImages(const QString &script);

} // namespace actions

} // namespace strata
