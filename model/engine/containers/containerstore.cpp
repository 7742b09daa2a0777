#include "containerstore.h"

#include "fsutil.h"
#include "initlayer.h"
#include "imagestore.h"
#include "layerstore.h"
#include "staging.h"
#include "store.h"
#include "volumestore.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QScopeGuard>

#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace strata {

namespace {

    const QString defaultPath = QStringLiteral("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");

    QString randomHex(int bytes)
    {
        QByteArray raw(bytes, Qt::Uninitialized);
        QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(raw.data()), bytes / 4);
        return QString::fromLatin1(raw.toHex());
    }

    // Docker-style names ("brave_turing"): easier to say in a workshop than an ID.
    QString randomName()
    {
        static const char *adjectives[] = { "brave", "calm", "eager", "fond", "gentle", "happy", "jolly", "keen", "lucid", "merry", "nifty",
            "proud", "quiet", "sharp", "tender", "vivid", "witty", "zen" };
        static const char *scientists[] = { "curie", "darwin", "euler", "fermi", "hopper", "kepler", "lamport", "lovelace", "noether",
            "pascal", "ritchie", "shannon", "thompson", "turing", "wing", "yalow" };
        auto *rng = QRandomGenerator::global();
        return QStringLiteral("%1_%2").arg(QLatin1String(adjectives[rng->bounded(int(std::size(adjectives)))]),
            QLatin1String(scientists[rng->bounded(int(std::size(scientists)))]));
    }

    // Files of a container being built in tmp/: nobody sees them until the directory is renamed
    // into containers/, so they need neither a temp name nor an fsync each.
    Status writeText(const QString &path, const QByteArray &text)
    {
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(text) != text.size())
            return fail(QStringLiteral("%1: cannot write: %2").arg(path, f.errorString()));
        return {};
    }

} // namespace

ContainerStore::ContainerStore(Store &store)
    : m_store(store)
{
}

QString ContainerStore::initDir() const
{
    return m_store.root() + QStringLiteral("/containers/.init");
}

Status ContainerStore::ensureInitLayer()
{
    if (fs::isDirectory(initDir()))
        return {}; // it only ever appears whole, by the rename below
    StoreLockGuard guard(m_store.lock());
    STRATA_TRY(guard.status());
    if (fs::isDirectory(initDir()))
        return {};
    auto staging = Staging::create(m_store.tmpDir());
    if (!staging)
        return staging.takeError();
    const QString init = staging->file(QStringLiteral("init"));
    STRATA_TRY(fs::makeDirs(init));
    STRATA_TRY(InitLayer::create(init));
    if (std::rename(QFile::encodeName(init).constData(), QFile::encodeName(initDir()).constData()) != 0)
        return fail(QStringLiteral("the containers' init layer %1: %2").arg(initDir(), fs::errorText(errno)));
    return fs::fsyncPath(m_store.root() + QStringLiteral("/containers"));
}

QString ContainerStore::dir(const QString &id) const
{
    return m_store.root() + QStringLiteral("/containers/") + id;
}

Result<ContainerConfig> ContainerStore::loadConfig(const QString &id) const
{
    if (!Digest::isValidHex(id))
        return fail(ErrorCode::InvalidInput, QStringLiteral("container '%1': not a container ID").arg(id));
    auto bytes = fs::readFile(dir(id) + QStringLiteral("/config.json"), 4 * 1024 * 1024);
    if (!bytes)
        return fail(bytes.takeError(), QStringLiteral("container %1: ").arg(id.left(12)));
    auto config = ContainerConfig::fromJson(QJsonDocument::fromJson(bytes.value()).object());
    if (!config || config->id != id)
        return fail(ErrorCode::InvalidInput, QStringLiteral("container %1: config.json is invalid or names another container").arg(id.left(12)));
    return config;
}

Result<Container> ContainerStore::load(const QString &id) const
{
    auto config = loadConfig(id);
    if (!config)
        return config.takeError();
    return Container { config.value(), state(id) };
}

// Configs are cached while the containers' counter stays; states are not (list() reads them
// each time), since a monitor killed with -9 changes what they say without writing anything.
ContainerListing ContainerStore::listing() const
{
    const quint64 counter = m_store.changeCounter(ChangeScope::Containers);
    if (auto cached = m_store.cache().containers.get(counter))
        return cached.value();
    ContainerListing read;
    const QStringList names = QDir(m_store.root() + QStringLiteral("/containers")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &name : names) {
        auto config = loadConfig(name);
        if (config)
            read.configs.append(config.value());
        else
            read.problems.append(config.error());
    }
    m_store.cache().containers.put(counter, read);
    return read;
}

Result<QList<ContainerConfig>> ContainerStore::allConfigs(const QString &purpose) const
{
    const ContainerListing all = listing();
    if (!all.problems.isEmpty())
        return fail(QStringLiteral("%1: %2").arg(purpose, all.problems.join(QStringLiteral("; "))));
    return all.configs;
}

Result<QList<Container>> ContainerStore::list(QStringList *problems) const
{
    const ContainerListing all = listing();
    if (problems)
        problems->append(all.problems);
    QList<Container> out;
    out.reserve(all.configs.size());
    for (const ContainerConfig &config : all.configs)
        out.append(Container { config, state(config.id) });
    std::sort(out.begin(), out.end(), [](const Container &a, const Container &b) { return a.config.created > b.config.created; });
    return out;
}

Result<QHash<Digest, QStringList>> ContainerStore::imageUsers() const
{
    auto all = allConfigs(QStringLiteral("cannot tell which images containers use"));
    if (!all)
        return all.takeError();
    QHash<Digest, QStringList> users;
    for (const ContainerConfig &c : all.value())
        users[c.imageId].append(QStringLiteral("%1 (%2)").arg(c.name, c.shortId()));
    return users;
}

Result<Container> ContainerStore::resolve(const QString &reference) const
{
    if (reference.isEmpty())
        return fail(QStringLiteral("name a container"));
    auto all = list();
    if (!all)
        return all.takeError();
    for (const Container &c : all.value()) {
        if (c.config.name == reference || c.config.id == reference)
            return c;
    }
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{1,64}$"));
    if (hex.match(reference).hasMatch()) {
        const Container *found = nullptr;
        for (const Container &c : all.value()) {
            if (c.config.id.startsWith(reference)) {
                if (found)
                    return fail(QStringLiteral("container '%1': the ID prefix matches more than one container").arg(reference));
                found = &c;
            }
        }
        if (found)
            return *found;
    }
    return fail(ErrorCode::NotFound, QStringLiteral("container '%1': no such container in the store %2").arg(reference, m_store.root()));
}

ContainerState ContainerStore::state(const QString &id) const
{
    ContainerState s;
    if (auto bytes = fs::readFile(statePath(id), 1024 * 1024))
        s = ContainerState::fromJson(QJsonDocument::fromJson(bytes.value()).object());
    if (s.status == ContainerState::Status::Running && !monitorAlive(id)) {
        s.status = ContainerState::Status::Dead;
        if (s.error.isEmpty())
            s.error = QStringLiteral("its monitor (pid %1) ended without recording how the container exited").arg(s.monitorPid);
    }
    return s;
}

Status ContainerStore::writeState(const QString &id, const ContainerState &state) const
{
    // Under the store lock with a bump of the containers' counter, so that a start or an exit
    // reaches every watcher of the store (StoreWatcher) and invalidates cached listings.
    StoreLockGuard guard(m_store.lock());
    STRATA_TRY(guard.status());
    // Not fsynced: after a power loss no container runs, whatever state.json said.
    STRATA_TRY(fs::writeFileAtomic(statePath(id), QJsonDocument(state.toJson()).toJson(QJsonDocument::Compact), fs::Durability::Unsynced));
    m_store.lock().bumpChangeCounter(ChangeScope::Containers);
    return {};
}

bool ContainerStore::monitorAlive(const QString &id) const
{
    // Tested, not taken: a moment's shared lock here would make lockIdle() of a stopped
    // container report "running" whenever something polls the state (the window does).
    return fs::lockedElsewhere(monitorLockPath(id));
}

Result<QStringList> ContainerStore::imageLayerDirs(const ContainerConfig &config) const
{
    if (config.build)
        return layerDirs(config.buildLayers, config.name);
    auto image = ImageStore(m_store).resolve(config.imageId.toString());
    if (!image)
        return fail(QStringLiteral("container %1: its image %2 is gone: %3").arg(config.name, config.imageId.toString(), image.error()));
    return imageLayerDirs(image.value(), config.name);
}

Result<QStringList> ContainerStore::imageLayerDirs(const Image &image, const QString &containerName) const
{
    QList<Digest> chains;
    for (const ImageLayer &l : image.layers)
        chains.append(l.chainId);
    return layerDirs(chains, containerName);
}

Result<QStringList> ContainerStore::layerDirs(const QList<Digest> &chainsBaseFirst, const QString &containerName) const
{
    LayerStore layers(m_store);
    QStringList all;
    for (qsizetype i = chainsBaseFirst.size() - 1; i >= 0; --i)
        all.append(layers.diffDir(chainsBaseFirst[i]));
    const QStringList view = m_store.driver().viewLayers(all);
    for (const QString &d : view) {
        if (!fs::isDirectory(d))
            return fail(ErrorCode::NotFound, QStringLiteral("container %1: the snapshot %2 of its image is missing (run stratactl check)").arg(containerName, m_store.relative(d)));
    }
    return view;
}

Result<QStringList> ContainerStore::baseLayers(const ContainerConfig &config) const
{
    auto layers = imageLayerDirs(config);
    if (!layers)
        return layers;
    return QStringList { initDir() } + layers.value();
}

Result<QList<Change>> ContainerStore::changes(const Container &container, ChangeDetail detail) const
{
    auto base = baseLayers(container.config);
    if (!base)
        return base.takeError();
    return m_store.driver().changes(upperDir(container.config.id), base.value(), detail);
}

Result<QStringList> ContainerStore::viewLayers(const ContainerConfig &config) const
{
    auto base = baseLayers(config);
    if (!base)
        return base.takeError();
    return QStringList { upperDir(config.id) } + base.value();
}

qint64 ContainerStore::writableSize(const QString &id) const
{
    auto stats = fs::treeStats(upperDir(id));
    return stats ? stats->bytes : 0;
}


Result<ContainerConfig> ContainerStore::configFor(const CreateRequest &request, const Image &image) const
{
    const QJsonObject imageConfig = image.config.value(QLatin1String("config")).toObject();
    ContainerConfig c;
    c.id = randomHex(32);
    c.imageId = image.id;
    c.imageRef = request.image;
    c.entrypoint = request.entrypoint ? (request.entrypoint->isEmpty() ? QStringList() : QStringList { *request.entrypoint })
                                      : stringsOf(imageConfig.value(QLatin1String("Entrypoint")));
    // As Docker: a new entrypoint drops the image's Cmd; a command replaces it.
    c.cmd = !request.command.isEmpty() ? request.command
        : request.entrypoint           ? QStringList()
                                       : stringsOf(imageConfig.value(QLatin1String("Cmd")));
    if (c.args().isEmpty())
        return fail(QStringLiteral("image %1 has no command to run: give one after the image name").arg(request.image));
    c.env = stringsOf(imageConfig.value(QLatin1String("Env")));
    if (std::none_of(c.env.cbegin(), c.env.cend(), [](const QString &e) { return e.startsWith(QLatin1String("PATH=")); }))
        c.env.prepend(defaultPath);
    STRATA_TRY(applyEnvironment(c.env, request.env));
    c.workingDir = !request.workingDir.isEmpty() ? request.workingDir : imageConfig.value(QLatin1String("WorkingDir")).toString();
    if (c.workingDir.isEmpty())
        c.workingDir = QStringLiteral("/");
    if (!c.workingDir.startsWith(u'/'))
        return fail(QStringLiteral("working directory '%1': must be an absolute path").arg(c.workingDir));
    c.user = !request.user.isEmpty() ? request.user : imageConfig.value(QLatin1String("User")).toString();
    c.hostname = c.id.left(12);
    c.network = request.network.isEmpty() ? QStringLiteral("none") : request.network;
    if (c.network != QLatin1String("none") && c.network != QLatin1String("host"))
        return fail(QStringLiteral("network '%1': Strata knows 'none' (loopback only, the default) and 'host'").arg(request.network));
    for (const QString &v : request.volumes) {
        auto parsed = MountSpec::parse(v);
        if (!parsed)
            return parsed.takeError();
        MountSpec m = parsed.value();
        if (m.anonymous)
            m.source = randomHex(32);
        if (m.type == MountSpec::Type::Bind && !QFileInfo::exists(m.source))
            return fail(QStringLiteral("bind mount '%1': the host path %2 does not exist").arg(v, m.source));
        for (const MountSpec &other : std::as_const(c.mounts)) {
            if (QDir::cleanPath(other.destination) == QDir::cleanPath(m.destination))
                return fail(ErrorCode::InvalidInput, QStringLiteral("volume '%1': %2 is already a mount point of this container").arg(v, m.destination));
        }
        m.destination = QDir::cleanPath(m.destination);
        c.mounts.append(m);
    }
    c.autoRemove = request.autoRemove;
    c.interactive = request.interactive;
    c.tty = request.tty;
    c.driver = m_store.driver().name();
    if (request.buildImage) {
        c.build = true;
        for (const ImageLayer &l : image.layers)
            c.buildLayers.append(l.chainId);
    }
    c.created = QDateTime::currentDateTimeUtc();
    return c;
}

Status ContainerStore::prepareDirectory(const QString &d, const ContainerConfig &config, const QStringList &layerDirs)
{
    STRATA_TRY(fs::makeDirs(d + QStringLiteral("/rw")));
    STRATA_TRY(writeText(d + QStringLiteral("/hostname"), config.hostname.toUtf8() + '\n'));
    QByteArray hosts = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n";
    hosts += "127.0.1.1\t" + config.hostname.toUtf8() + '\n';
    STRATA_TRY(writeText(d + QStringLiteral("/hosts"), hosts));
    QByteArray resolv;
    if (config.network == QLatin1String("host")) {
        if (auto host = fs::readFile(QStringLiteral("/etc/resolv.conf"), 64 * 1024))
            resolv = host.value();
    }
    STRATA_TRY(writeText(d + QStringLiteral("/resolv.conf"), resolv));
    STRATA_TRY(writeText(d + QStringLiteral("/log"), {}));

    if (Status made = m_store.driver().prepareWritable(d, initDir(), layerDirs); !made)
        return fail(made.takeError(), QStringLiteral("container %1: ").arg(config.name));
    STRATA_TRY(writeText(d + QStringLiteral("/monitor.lock"), {}));
    ContainerState created;
    STRATA_TRY(writeText(d + QStringLiteral("/state.json"), QJsonDocument(created.toJson()).toJson(QJsonDocument::Compact)));
    STRATA_TRY(writeText(d + QStringLiteral("/config.json"), QJsonDocument(config.toJson()).toJson()));
    // A --rm container lives only as long as its program, a build step's only as long as its
    // step: surviving a power loss means nothing for them, so they skip the fsync (a few ms of
    // each `run --rm` and each RUN).
    return config.throwaway() ? Status() : fs::fsyncPath(d + QStringLiteral("/config.json"));
}

Result<ContainerConfig> ContainerStore::create(const CreateRequest &request)
{
    if (!request.name.isEmpty() && !isValidObjectName(request.name))
        return fail(QStringLiteral("container name '%1': only letters, digits, '_', '.' and '-', starting with a letter or digit, at most 128").arg(request.name));
    auto staging = m_store.newStaging();
    if (!staging)
        return staging.takeError();
    // The container is made in staging without the store lock (for vfs that is a copy of the
    // whole image); the lock is held only to check what may have changed meanwhile, make its
    // volumes and move it in.
    auto image = request.buildImage ? Result<Image>(*request.buildImage) : ImageStore(m_store).resolve(request.image);
    if (!image)
        return image.takeError();
    auto config = configFor(request, image.value());
    if (!config)
        return config;
    const auto nameTaken = [&](const QString &name) -> Result<bool> {
        auto existing = list();
        if (!existing)
            return existing.takeError();
        return std::any_of(existing->cbegin(), existing->cend(), [&](const Container &c) { return c.config.name == name; });
    };
    const auto chooseName = [&]() -> Status {
        if (!request.name.isEmpty()) {
            auto taken = nameTaken(request.name);
            if (!taken)
                return taken.takeError();
            if (taken.value())
                return fail(ErrorCode::Conflict, QStringLiteral("container name '%1' is already in use: remove that container or choose another name").arg(request.name));
            config->name = request.name;
            return {};
        }
        // A name generated before and still free is kept: a new one would mean rewriting
        // config.json (and its fsync) after the lock is taken.
        if (!config->name.isEmpty()) {
            auto taken = nameTaken(config->name);
            if (!taken)
                return taken.takeError();
            if (!taken.value())
                return {};
        }
        for (;;) {
            config->name = randomName();
            auto taken = nameTaken(config->name);
            if (!taken)
                return taken.takeError();
            if (!taken.value())
                return {};
        }
    };
    STRATA_TRY(chooseName());
    auto layerDirs = imageLayerDirs(image.value(), config->name); // the image resolved above, not again
    if (!layerDirs)
        return layerDirs.takeError();
    STRATA_TRY(ensureInitLayer());
    const QString d = staging->file(QStringLiteral("container"));
    STRATA_TRY(prepareDirectory(d, config.value(), layerDirs.value()));

    StoreLockGuard guard(m_store.lock());
    STRATA_TRY(guard.status());
    // An rmi meanwhile may have taken the image (and its snapshots) away; once the container
    // is in, rmi sees it and refuses.
    if (!config->build) {
        auto images = ImageStore(m_store).list();
        if (!images)
            return images.takeError();
        if (std::none_of(images->cbegin(), images->cend(), [&](const Image &i) { return i.id == config->imageId; }))
            return fail(ErrorCode::Conflict, QStringLiteral("image %1 was removed while container %2 was being created").arg(request.image, config->name));
    }
    const QString chosen = config->name;
    STRATA_TRY(chooseName()); // another process may have taken the name meanwhile
    if (config->name != chosen) // only a generated name can change here
        STRATA_TRY(fs::writeFileAtomic(d + QStringLiteral("/config.json"), QJsonDocument(config->toJson()).toJson(),
            config->throwaway() ? fs::Durability::Unsynced : fs::Durability::Synced));
    VolumeStore volumes(m_store);
    for (const MountSpec &m : std::as_const(config->mounts)) {
        if (m.type == MountSpec::Type::Volume) {
            auto v = volumes.create(m.source, m.anonymous);
            if (!v)
                return v.takeError();
        }
    }
    // One rename makes the container appear complete; a crash before it leaves only staging.
    if (std::rename(QFile::encodeName(d).constData(), QFile::encodeName(dir(config->id)).constData()) != 0)
        return fail(QStringLiteral("container %1: cannot move into the store: %2").arg(config->name, fs::errorText(errno)));
    if (!config->throwaway())
        STRATA_TRY(fs::fsyncPath(m_store.root() + QStringLiteral("/containers")));
    m_store.lock().bumpChangeCounter(ChangeScope::Containers);
    return config;
}

Result<int> ContainerStore::lockIdle(const Container &container) const
{
    const int fd = open(QFile::encodeName(monitorLockPath(container.config.id)).constData(), O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return fail(QStringLiteral("container %1: %2").arg(container.config.name, fs::errorText(errno)));
    if (!fs::tryLockExclusive(fd)) {
        close(fd);
        return fail(ErrorCode::InUse, QStringLiteral("container %1 is running (or being started, copied into or committed): stop it first").arg(container.config.name));
    }
    return fd;
}

Status ContainerStore::remove(const Container &container, const std::function<void()> &removed, LockHeld held)
{
    auto trash = m_store.newStaging();
    if (!trash)
        return trash.takeError();
    int lockFd = -1;
    if (held == LockHeld::No) {
        auto lock = lockIdle(container);
        if (!lock)
            return lock.takeError();
        lockFd = lock.value();
    }
    const auto unlock = qScopeGuard([&] {
        if (lockFd >= 0)
            close(lockFd);
    });
    {
        StoreLockGuard guard(m_store.lock());
        STRATA_TRY(guard.status());
        const QString moved = trash->file(QStringLiteral("container"));
        if (std::rename(QFile::encodeName(dir(container.config.id)).constData(), QFile::encodeName(moved).constData()) != 0)
            return fail(QStringLiteral("container %1: cannot remove: %2").arg(container.config.name, fs::errorText(errno)));
        m_store.lock().bumpChangeCounter(ChangeScope::Containers);
    }
    if (removed)
        removed();
    return fs::removeTree(trash->file(QStringLiteral("container")));
}

} // namespace strata
