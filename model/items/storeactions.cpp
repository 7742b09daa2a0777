#include "storeactions.h"

#include "containercommitter.h"
#include "containercopier.h"
#include "containerruntime.h"
#include "imageimporter.h"
#include "imageloader.h"
#include "imagesaver.h"
#include "imagestore.h"
#include "pruner.h"
#include "store.h"
#include "volumestore.h"

#include <QCoreApplication>
#include <QDir>
#include <QProcess>

#include <csignal>

namespace strata::actions {

namespace {
    Result<QString> joined(const Result<QStringList> &lines, const QString &none)
    {
        if (!lines)
            return lines.takeError();
        return lines->isEmpty() ? none : lines->join(u'\n');
    }

    // The container by ID, as it is now (the work runs later than the click).
    template <typename F>
    Job::Work onContainer(const QString &id, F f)
    {
        return [id, f](Store &store, const Progress &progress) -> Result<QString> {
            auto c = ContainerStore(store).resolve(id);
            if (!c)
                return c.takeError();
            return f(store, c.value(), progress);
        };
    }
}

Job::Work loadArchive(const QString &path)
{
    return [path](Store &store, const Progress &progress) { return joined(ImageLoader(store).load(path, progress), QString()); };
}

Job::Work pullImage(const QString &reference, const RegistryOptions &options, const LayerTransferSink &layers)
{
    return [=](Store &store, const Progress &progress) -> Result<QString> {
        auto pulled = RegistryPuller(store, options).pull(reference, progress, layers);
        if (!pulled)
            return pulled.takeError();
        if (pulled->upToDate)
            return QCoreApplication::translate("strata::actions", "%1 is up to date").arg(pulled->reference);
        return QCoreApplication::translate("strata::actions", "Pulled %1 (%2)").arg(pulled->reference, pulled->imageId.shortHex());
    };
}

Job::Work pushImage(const QString &image, const QString &destination, const RegistryOptions &options, const LayerTransferSink &layers)
{
    return [=](Store &store, const Progress &progress) -> Result<QString> {
        auto pushed = RegistryPusher(store, options).push(image, destination, progress, layers);
        if (!pushed)
            return pushed.takeError();
        return QCoreApplication::translate("strata::actions", "Pushed %1 (%2)").arg(pushed->reference, pushed->manifestDigest.toString().left(19));
    };
}

Job::Work saveImages(const QStringList &references, const QString &path, bool oci)
{
    return [=](Store &store, const Progress &progress) -> Result<QString> {
        STRATA_TRY(ImageSaver(store).save(references, path, oci ? ImageSaver::Format::Oci : ImageSaver::Format::DockerArchive, progress));
        return QCoreApplication::translate("strata::actions", "Saved %1 to %2").arg(references.join(QStringLiteral(", ")), path);
    };
}

Job::Work importRootfs(const QString &source, const QString &reference)
{
    return [=](Store &store, const Progress &progress) -> Result<QString> {
        auto id = ImageImporter(store).import(source, reference, {}, progress);
        if (!id)
            return id.takeError();
        return QCoreApplication::translate("strata::actions", "Imported %1 as %2").arg(source, reference.isEmpty() ? id->shortHex() : reference);
    };
}

Job::Work removeImage(const QString &reference, bool force)
{
    return [=](Store &store, const Progress &) {
        ContainerStore containers(store);
        return joined(ImageStore(store).remove(reference, force, [&containers] { return containers.imageUsers(); }), QString());
    };
}

Job::Work tagImage(const QString &source, const QString &target)
{
    return [=](Store &store, const Progress &) -> Result<QString> {
        STRATA_TRY(ImageStore(store).tag(source, target));
        return QCoreApplication::translate("strata::actions", "Tagged %1 as %2").arg(source, target);
    };
}

Job::Work pruneImages()
{
    return [](Store &store, const Progress &) {
        return joined(Pruner(store).pruneImages(), QCoreApplication::translate("strata::actions", "No dangling images to remove"));
    };
}

Job::Work runContainer(const CreateRequest &request)
{
    return [request](Store &store, const Progress &) -> Result<QString> {
        int status = 0;
        auto run = ContainerRuntime(store).run(request, false, &status);
        if (!run)
            return run.takeError();
        return QCoreApplication::translate("strata::actions", "Started container %1 (%2)").arg(run->container.config.name, run->container.config.shortId());
    };
}

Job::Work startContainer(const QString &id)
{
    return onContainer(id, [](Store &store, const Container &c, const Progress &) -> Result<QString> {
        auto started = ContainerRuntime(store).start(c, false);
        if (!started)
            return started.takeError();
        return QCoreApplication::translate("strata::actions", "Started %1").arg(c.config.name);
    });
}

Job::Work stopContainer(const QString &id, int timeoutSeconds)
{
    return onContainer(id, [timeoutSeconds](Store &store, const Container &c, const Progress &) -> Result<QString> {
        STRATA_TRY(ContainerRuntime(store).stop(c, timeoutSeconds));
        return QCoreApplication::translate("strata::actions", "Stopped %1").arg(c.config.name);
    });
}

Job::Work killContainer(const QString &id)
{
    return onContainer(id, [](Store &store, const Container &c, const Progress &) -> Result<QString> {
        STRATA_TRY(ContainerRuntime(store).kill(c, SIGKILL));
        return QCoreApplication::translate("strata::actions", "Killed %1").arg(c.config.name);
    });
}

Job::Work removeContainer(const QString &id, bool force)
{
    return onContainer(id, [force](Store &store, const Container &c, const Progress &) -> Result<QString> {
        STRATA_TRY(ContainerRuntime(store).remove(c, force, false));
        return QCoreApplication::translate("strata::actions", "Removed %1 and its writable layer").arg(c.config.name);
    });
}

Job::Work commitContainer(const QString &id, const QString &reference)
{
    return onContainer(id, [reference](Store &store, const Container &c, const Progress &progress) -> Result<QString> {
        auto image = ContainerCommitter(store).commit(c, reference, QString(), progress);
        if (!image)
            return image.takeError();
        return QCoreApplication::translate("strata::actions", "Committed %1 as %2 (%3)").arg(c.config.name, reference.isEmpty() ? image->shortHex() : reference, image->shortHex());
    });
}

Job::Work copyOut(const QString &id, const QString &containerPath, const QString &hostPath)
{
    return onContainer(id, [=](Store &store, const Container &c, const Progress &progress) -> Result<QString> {
        STRATA_TRY(ContainerCopier(store).copyOut(c, containerPath, hostPath, progress));
        return QCoreApplication::translate("strata::actions", "Copied %1:%2 to %3").arg(c.config.name, containerPath, hostPath);
    });
}

Job::Work copyIn(const QString &id, const QString &hostPath, const QString &containerPath)
{
    return onContainer(id, [=](Store &store, const Container &c, const Progress &progress) -> Result<QString> {
        STRATA_TRY(ContainerCopier(store).copyIn(c, hostPath, containerPath, progress));
        return QCoreApplication::translate("strata::actions", "Copied %1 to %2:%3").arg(hostPath, c.config.name, containerPath);
    });
}

Job::Work pruneContainers()
{
    return [](Store &store, const Progress &) {
        return joined(Pruner(store).pruneContainers(), QCoreApplication::translate("strata::actions", "No stopped containers to remove"));
    };
}

Job::Work createVolume(const QString &name)
{
    return [name](Store &store, const Progress &) -> Result<QString> {
        auto v = VolumeStore(store).create(name);
        if (!v)
            return v.takeError();
        return QCoreApplication::translate("strata::actions", "Created volume %1").arg(v->name);
    };
}

Job::Work removeVolume(const QString &name)
{
    return [name](Store &store, const Progress &) -> Result<QString> {
        STRATA_TRY(VolumeStore(store).remove(name));
        return QCoreApplication::translate("strata::actions", "Removed volume %1").arg(name);
    };
}

Job::Work pruneVolumes()
{
    return [](Store &store, const Progress &) { return joined(VolumeStore(store).prune(), QCoreApplication::translate("strata::actions", "No unused volumes to remove")); };
}

Job::Work createDemoImages(const QString &script)
{
    return [script](Store &store, const Progress &progress) -> Result<QString> {
        progress.begin(QCoreApplication::translate("strata::actions", "Creating the demo images"), -1);
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(QStringLiteral("bash"), { script, ContainerRuntime::monitorProgram(), QStringLiteral("--root"), store.root() });
        if (!p.waitForStarted(10000))
            return fail(ErrorCode::Io, QStringLiteral("demo images: cannot run %1: %2").arg(script, p.errorString()));
        while (!p.waitForFinished(100)) {
            if (progress.cancelled()) {
                p.kill();
                p.waitForFinished(5000);
                return fail(ErrorCode::Cancelled, QStringLiteral("demo images: cancelled"));
            }
        }
        if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
            return fail(QStringLiteral("demo images: %1 failed: %2").arg(script, QString::fromLocal8Bit(p.readAll()).trimmed()));
        return QCoreApplication::translate("strata::actions", "Created the demo images");
    };
}

} // namespace strata::actions
