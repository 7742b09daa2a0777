#include "builder.h"

#include "blobwriter.h"
#include "buildcache.h"
#include "buildcontext.h"
#include "containerstore.h"
#include "copylayer.h"
#include "dockerfile.h"
#include "dockerhistory.h"
#include "fsutil.h"
#include "imagestore.h"
#include "layerview.h"
#include "layerwriter.h"
#include "sha256.h"
#include "store.h"
#include "transactionbuilder.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QScopeGuard>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <mutex>
#include <thread>
#include <unistd.h>

namespace strata {

namespace {
    const QStringList defaultShell { QStringLiteral("/bin/sh"), QStringLiteral("-c") };
    const QString defaultPath = QStringLiteral("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    constexpr qint64 maxDockerfileBytes = 16 * 1024 * 1024;
    constexpr int maxInstructions = 1000;
    constexpr int maxLayers = 125; // as Docker's "max depth exceeded"
    // Docker's predefined ARGs: usable without being declared, and left out of RUN's history.
    const QStringList builtinArgs { QStringLiteral("HTTP_PROXY"), QStringLiteral("http_proxy"), QStringLiteral("HTTPS_PROXY"),
        QStringLiteral("https_proxy"), QStringLiteral("FTP_PROXY"), QStringLiteral("ftp_proxy"), QStringLiteral("NO_PROXY"),
        QStringLiteral("no_proxy"), QStringLiteral("ALL_PROXY"), QStringLiteral("all_proxy") };

    QString envKey(const QString &entry)
    {
        const qsizetype eq = entry.indexOf(u'=');
        return eq < 0 ? entry : entry.left(eq);
    }

    std::optional<QString> envValue(const QStringList &env, const QString &key)
    {
        for (const QString &e : env) {
            if (envKey(e) == key)
                return e.mid(key.size() + 1);
        }
        return std::nullopt;
    }

    // Docker writes every field of container.Config that is not `omitempty` (moby
    // api/types/container/config.go), with Go's zero value when unset: null for the slices and
    // maps, "" and false. Image is the ID of the state the step started from
    // (dispatchState.updateRunConfig); the omitempty ones (ExposedPorts, Healthcheck,
    // StopSignal, Shell, ...) are written only when set.
    void fillDockerConfigFields(QJsonObject &run, const QString &parentId)
    {
        for (const char *key : { "Hostname", "Domainname", "User", "WorkingDir" }) {
            if (!run.contains(QLatin1String(key)))
                run.insert(QLatin1String(key), QString());
        }
        for (const char *key : { "AttachStdin", "AttachStdout", "AttachStderr", "Tty", "OpenStdin", "StdinOnce" }) {
            if (!run.contains(QLatin1String(key)))
                run.insert(QLatin1String(key), false);
        }
        for (const char *key : { "Env", "Cmd", "Volumes", "Entrypoint", "OnBuild", "Labels" }) {
            if (!run.contains(QLatin1String(key)))
                run.insert(QLatin1String(key), QJsonValue(QJsonValue::Null));
        }
        for (const char *key : { "ExposedPorts", "Healthcheck", "StopSignal", "Shell" }) {
            const QJsonValue v = run.value(QLatin1String(key));
            if (v.isNull() || (v.isString() && v.toString().isEmpty()) || (v.isArray() && v.toArray().isEmpty()) || (v.isObject() && v.toObject().isEmpty()))
                run.remove(QLatin1String(key));
        }
        run.insert(QStringLiteral("Image"), parentId);
    }

    QString isoNow()
    {
        return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    }

    // Go's time.Duration.String(): "1m30s", "500ms", "0s".
    QString goDuration(qint64 ns)
    {
        if (ns == 0)
            return QStringLiteral("0s");
        QString sign = ns < 0 ? QStringLiteral("-") : QString();
        quint64 u = quint64(ns < 0 ? -ns : ns);
        if (u < 1000000000ULL) {
            // -> QString: with QT_USE_QSTRINGBUILDER a deduced type would be a builder holding
            // references to the lambda's locals.
            const auto frac = [&](quint64 unit, const char *suffix) -> QString {
                QString whole = QString::number(u / unit);
                quint64 rest = u % unit;
                QString digits;
                if (rest) {
                    digits = QString::number(rest).rightJustified(QString::number(unit).size() - 1, u'0');
                    while (digits.endsWith(u'0'))
                        digits.chop(1);
                    digits.prepend(u'.');
                }
                return sign + whole + digits + QString::fromUtf8(suffix);
            };
            if (u < 1000)
                return sign + QString::number(u) + QStringLiteral("ns");
            if (u < 1000000)
                return frac(1000, "µs");
            return frac(1000000, "ms");
        }
        const quint64 totalSec = u / 1000000000ULL;
        const quint64 nanos = u % 1000000000ULL;
        QString secs = QString::number(totalSec % 60);
        if (nanos) {
            QString digits = QString::number(nanos).rightJustified(9, u'0');
            while (digits.endsWith(u'0'))
                digits.chop(1);
            secs += u'.' + digits;
        }
        QString out = secs + u's';
        const quint64 totalMin = totalSec / 60;
        if (totalMin > 0) {
            out.prepend(QString::number(totalMin % 60) + u'm');
            if (totalMin >= 60)
                out.prepend(QString::number(totalMin / 60) + u'h');
        }
        return sign + out;
    }

    // Go's time.ParseDuration, for HEALTHCHECK's flags.
    std::optional<qint64> parseGoDuration(const QString &text)
    {
        static const QRegularExpression part(QStringLiteral("^([0-9]*(?:\\.[0-9]*)?)(ns|us|µs|ms|s|m|h)"));
        if (text == QLatin1String("0"))
            return 0;
        QString rest = text;
        if (rest.isEmpty())
            return std::nullopt;
        double total = 0;
        while (!rest.isEmpty()) {
            const auto m = part.match(rest);
            if (!m.hasMatch() || m.captured(1).isEmpty() || m.captured(1) == QLatin1String("."))
                return std::nullopt;
            const double n = m.captured(1).toDouble();
            const QString unit = m.captured(2);
            const double scale = unit == QLatin1String("ns") ? 1
                : (unit == QLatin1String("us") || unit == QStringLiteral("µs")) ? 1e3
                : unit == QLatin1String("ms")                                 ? 1e6
                : unit == QLatin1String("s")                                  ? 1e9
                : unit == QLatin1String("m")                                  ? 60e9
                                                                              : 3600e9;
            total += n * scale;
            rest = rest.mid(m.capturedLength());
        }
        if (total > 9.2e18)
            return std::nullopt;
        return qint64(total);
    }

    // A user or group name, or a number, looked up in the image's /etc/passwd or /etc/group.
    std::optional<quint32> lookupId(const QStringList &view, const QByteArray &file, const QString &name, bool wantGroupOfUser = false)
    {
        bool numeric = false;
        const uint n = name.toUInt(&numeric);
        if (numeric && !wantGroupOfUser)
            return n;
        auto content = readVisibleFile(view, file, 4 * 1024 * 1024);
        if (!content || !content->exists)
            return std::nullopt;
        for (const QByteArray &line : content->head.split('\n')) {
            const QList<QByteArray> fields = line.split(':');
            if (fields.size() < 4)
                continue;
            const bool match = numeric ? fields[2] == name.toUtf8() : fields[0] == name.toUtf8();
            if (match) {
                bool ok = false;
                const uint id = (wantGroupOfUser ? fields[3] : fields[2]).toUInt(&ok);
                if (ok)
                    return id;
            }
        }
        return std::nullopt;
    }

    // A relay of a RUN's output from a pipe to the build's output, on its own thread while the
    // container runs.
    class OutputRelay {
    public:
        explicit OutputRelay(const Builder::Output &out)
            : m_out(out)
        {
        }
        ~OutputRelay() { finish(); }
        Status open()
        {
            int fds[2];
            if (pipe2(fds, O_CLOEXEC) != 0)
                return fail(ErrorCode::Io, QStringLiteral("cannot make a pipe for RUN's output: %1").arg(fs::errorText(errno)));
            m_read = fds[0];
            m_write = fds[1];
            return {};
        }
        int writeEnd() const { return m_write; }
        void start()
        {
            close(m_write);
            m_write = -1;
            m_thread = std::thread([this] { relay(); });
        }
        // Stops once what the container wrote has been read; a background process that keeps
        // the pipe open does not hold the build.
        void finish()
        {
            m_stop = true;
            if (m_thread.joinable())
                m_thread.join();
            if (m_read >= 0)
                close(m_read);
            if (m_write >= 0)
                close(m_write);
            m_read = m_write = -1;
        }

    private:
        void relay()
        {
            char buffer[16384];
            for (;;) {
                pollfd p { m_read, POLLIN, 0 };
                const int ready = poll(&p, 1, 50);
                if (ready < 0 && errno == EINTR)
                    continue;
                if (ready == 0) {
                    if (m_stop)
                        return;
                    continue;
                }
                const ssize_t n = read(m_read, buffer, sizeof buffer);
                if (n < 0 && errno == EINTR)
                    continue;
                if (n <= 0)
                    return;
                m_out(QByteArray(buffer, n));
            }
        }
        const Builder::Output &m_out;
        int m_read = -1;
        int m_write = -1;
        std::atomic<bool> m_stop = false;
        std::thread m_thread;
    };

    // The name of a uid or gid on this host, as Go's os/user finds it for the daemon; "" if none.
    QByteArray hostUserName(quint32 uid)
    {
        struct passwd pw, *found = nullptr;
        char buffer[4096];
        return getpwuid_r(uid, &pw, buffer, sizeof buffer, &found) == 0 && found ? QByteArray(found->pw_name) : QByteArray();
    }
    QByteArray hostGroupName(quint32 gid)
    {
        struct group gr, *found = nullptr;
        char buffer[4096];
        return getgrgid_r(gid, &gr, buffer, sizeof buffer, &found) == 0 && found ? QByteArray(found->gr_name) : QByteArray();
    }

    // Docker's source hash of what COPY --from names in another image, which it writes into
    // created_by as it does for the context (moby builder/remotecontext/lazycontext.go
    // lazySource.Hash, via pkg/archive FileInfoHeader and pkg/tarsum WriteV1Header): per entry,
    // sha256 of the header fields name (relative to the image's root, '/' after a directory),
    // mode (with the type bits), uid and gid as the image has them, size (regular files),
    // typeflag, linkname, uname and gname (looked up on the daemon's host: not blanked, unlike
    // the context's tarsum), devmajor, devminor and the security.capability xattr, then the
    // content. Entries are hashed after following their links (a dangling one is skipped). A
    // file gives "file:<sum>"; a directory "dir:" and the sha256 of the sorted sums of itself
    // and everything below, joined by ',' (copier.go walkSource, hashStringSlice). Checked
    // against dockerd 20.10.24 by tst_buildcompat.
    class ImageSourceHasher {
    public:
        ImageSourceHasher(const QStringList &viewDirs, const QList<TreeEntry> &tree)
            : m_dirs(viewDirs)
            , m_tree(tree)
            , m_resolver(viewDirs)
            , m_view(viewDirs)
        {
        }
        Status open()
        {
            STRATA_TRY(m_resolver.open());
            return m_view.open();
        }

        // `absolute`: "/out", "/" for the whole image.
        Result<QString> hash(const QByteArray &absolute)
        {
            auto resolved = m_resolver.resolve(absolute);
            if (!resolved)
                return resolved.takeError();
            const QByteArray rel = resolved.value();
            struct stat st;
            if (!rel.isEmpty() && !lstatOf(rel, &st))
                return fail(ErrorCode::NotFound, QStringLiteral("%1: no such file or directory").arg(QString::fromUtf8(absolute)));
            if (!rel.isEmpty() && !S_ISDIR(st.st_mode)) {
                auto sum = entrySum(rel);
                if (!sum)
                    return sum.takeError();
                return QString(QStringLiteral("file:") + sum.value());
            }
            const QByteArray prefix = '/' + rel;
            QByteArrayList sums;
            for (const TreeEntry &t : m_tree) {
                if (!rel.isEmpty() && t.path != prefix && !t.path.startsWith(QByteArray(prefix + '/')))
                    continue;
                auto target = m_resolver.resolve(t.path);
                if (!target || target->isEmpty())
                    continue;
                auto sum = entrySum(target.value());
                if (!sum)
                    continue; // as walkSource: what cannot be hashed is left out
                sums.append(sum->toUtf8());
            }
            std::sort(sums.begin(), sums.end());
            return QString(QStringLiteral("dir:") + Sha256::of(sums.join(',')).hex());
        }

    private:
        bool lstatOf(const QByteArray &rel, struct stat *st) const
        {
            const auto found = m_view.find(rel);
            return found && !found->whiteout && m_view.stat(found->layer, rel, st);
        }

        Result<QString> entrySum(const QByteArray &rel)
        {
            if (auto it = m_sums.constFind(rel); it != m_sums.constEnd())
                return *it;
            const auto found = m_view.find(rel);
            struct stat st;
            if (!found || found->whiteout || !m_view.stat(found->layer, rel, &st))
                return fail(ErrorCode::NotFound, QStringLiteral("/%1: no such file or directory").arg(QString::fromUtf8(rel)));
            const QString file = m_dirs[found->layer] + u'/' + QString::fromUtf8(rel);
            const QByteArray native = QFile::encodeName(file);
            QByteArray name = rel;
            char typeflag = '0';
            qint64 size = 0;
            QByteArray linkname;
            quint32 mode = quint32(st.st_mode & 07777);
            quint64 major = 0, minor = 0;
            switch (st.st_mode & S_IFMT) {
            case S_IFDIR:
                name += '/';
                mode |= 040000;
                typeflag = '5';
                break;
            case S_IFLNK: {
                mode |= 0120000;
                typeflag = '2';
                auto v = readVisibleFile(m_dirs, '/' + rel, 0);
                if (v)
                    linkname = v->linkTarget;
                break;
            }
            case S_IFCHR:
            case S_IFBLK:
                mode |= S_ISCHR(st.st_mode) ? 020000 : 060000;
                typeflag = S_ISCHR(st.st_mode) ? '3' : '4';
                major = ::major(st.st_rdev);
                minor = ::minor(st.st_rdev);
                break;
            case S_IFIFO:
                mode |= 010000;
                typeflag = '6';
                break;
            default:
                mode |= 0100000;
                size = qint64(st.st_size);
                break;
            }
            QByteArray header;
            header += "name" + name;
            header += "mode" + QByteArray::number(mode);
            header += "uid" + QByteArray::number(st.st_uid) + "gid" + QByteArray::number(st.st_gid);
            header += "size" + QByteArray::number(size);
            header += "typeflag" + QByteArray(1, typeflag);
            header += "linkname" + linkname;
            header += "uname" + hostUserName(st.st_uid) + "gname" + hostGroupName(st.st_gid);
            header += "devmajor" + QByteArray::number(major) + "devminor" + QByteArray::number(minor);
            char capability[1024];
            const ssize_t capLength = lgetxattr(native.constData(), "security.capability", capability, sizeof capability);
            if (capLength > 0)
                header += "security.capability" + QByteArray(capability, int(capLength));
            Sha256 sha;
            sha.add(header);
            if (S_ISREG(st.st_mode)) {
                const int fd = ::open(native.constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0)
                    return fail(ErrorCode::Io, QStringLiteral("/%1: %2").arg(QString::fromUtf8(rel), fs::errorText(errno)));
                const auto closeFd = qScopeGuard([fd] { close(fd); });
                char buffer[65536];
                for (;;) {
                    const ssize_t n = ::read(fd, buffer, sizeof buffer);
                    if (n < 0 && errno == EINTR)
                        continue;
                    if (n < 0)
                        return fail(ErrorCode::Io, QStringLiteral("/%1: %2").arg(QString::fromUtf8(rel), fs::errorText(errno)));
                    if (n == 0)
                        break;
                    sha.add(buffer, size_t(n));
                }
            }
            const QString sum = sha.finish().hex();
            m_sums.insert(rel, sum);
            return sum;
        }

        const QStringList &m_dirs;
        const QList<TreeEntry> &m_tree;
        CopyLayer m_resolver; // for its resolve(): links followed, confined to the image's root
        LayerView m_view;
        QHash<QByteArray, QString> m_sums;
    };

    struct Stage {
        QString name; // lower case, as Docker compares them
        int index = 0;
        DockerfileInstruction from;
        QList<DockerfileInstruction> commands;
    };

    // A stage's state between steps: Docker's intermediate image.
    struct State {
        Image image; // id (null for scratch before any step), config, layers
        QHash<QString, std::optional<QString>> args; // ARGs declared in this stage
        QStringList argOrder;
        bool cmdSet = false; // a CMD of this stage (ENTRYPOINT then keeps it)
    };

    struct LayerBlob {
        QString path;
        Descriptor blob;
    };

    struct BindMount {
        QString hostPath;
        QString target; // absolute, clean
    };
} // namespace

// One build: the state of everything between the steps.
class BuildRun {
public:
    BuildRun(Store &store, ContainerRuntime::Launch launch, const BuildRequest &request, const Builder::Output &out, const Builder::Events &events,
        const Progress &progress)
        : m_store(store)
        , m_launch(launch)
        , m_request(request)
        , m_out(out)
        , m_events(events)
        , m_progress(progress)
        , m_cache(store)
    {
    }

    Result<BuildResult> run();
    int runStatus = -1;

private:
    void say(const QString &text) { m_out(text.toUtf8()); }
    Error error(const DockerfileInstruction &i, const QString &cause) const
    {
        return fail(ErrorCode::InvalidInput, QStringLiteral("%1:%2: %3: %4").arg(m_dockerfile.fileName).arg(i.line).arg(i.keyword, cause));
    }
    Status readDockerfile();
    Status parseBuildArgs();
    Status splitStages();
    Status buildStage(Stage &stage);
    Status from(Stage &stage);
    Status dispatch(const DockerfileInstruction &i);

    // Expansion with the values in scope: ENV wins over ARG, as in Docker.
    WordExpander expander() const;
    Result<QString> word(const DockerfileInstruction &i, const QString &raw) const;
    Result<QStringList> words(const DockerfileInstruction &i, const QString &raw) const;

    QJsonObject runConfig() const { return m_state.image.config.value(QLatin1String("config")).toObject(); }
    QStringList shell() const
    {
        const QStringList s = stringsOf(runConfig().value(QLatin1String("Shell")));
        return s.isEmpty() ? defaultShell : s;
    }
    QStringList env() const { return stringsOf(runConfig().value(QLatin1String("Env"))); }
    Result<QStringList> viewDirs() const;
    // The build args of this stage that have a value and no ENV of the same name overrides.
    QStringList argEnv() const;

    // A step: looked up in the cache by what it depends on, else executed. `execute` gives the
    // new run config and, for a step that changes files, the layer (or nullopt: empty_layer).
    using Execute = std::function<Result<std::optional<LayerBlob>>(QJsonObject &run)>;
    Status step(const DockerfileInstruction &i, const QString &createdBy, const QByteArray &keyExtra, const Execute &execute);
    // Tells the window what a step did; `madeLayer`: the state's top layer is the step's.
    void report(BuildEvent::Kind kind, const QString &text, bool madeLayer = false, const Digest &imageId = {});
    Status metadata(const DockerfileInstruction &i, const QString &comment, const std::function<Status(QJsonObject &run)> &change, bool stringForm = false);
    Result<std::optional<LayerBlob>> writeLayer(const std::function<Status(BlobWriter &)> &body);

    Status dispatchRun(const DockerfileInstruction &i);
    Status dispatchCopy(const DockerfileInstruction &i);
    Status dispatchWorkdir(const DockerfileInstruction &i);
    Status dispatchHealthcheck(const DockerfileInstruction &i);
    Result<std::optional<LayerBlob>> runContainer(const DockerfileInstruction &i, const QStringList &command, const QStringList &runEnv, const QList<BindMount> &mounts);
    Result<CopyLayer::Owner> chownOwner(const DockerfileInstruction &i, const QString &spec, const QStringList &view) const;

    Store &m_store;
    ContainerRuntime::Launch m_launch;
    const BuildRequest &m_request;
    const Builder::Output &m_out;
    const Builder::Events &m_events;
    const Progress &m_progress;
    BuildCache m_cache;

    std::optional<BuildContext> m_context;
    std::optional<Staging> m_staging;
    Dockerfile m_dockerfile;
    QHash<QString, QString> m_buildArgs; // --build-arg
    QSet<QString> m_usedArgs;
    QHash<QString, std::optional<QString>> m_metaArgs;
    QList<DockerfileInstruction> m_metaArgInstructions;
    QList<Stage> m_stages;
    QHash<QString, Image> m_stageResults; // by name and by index
    State m_state;
    int m_stepCount = 0;
    int m_step = 0;
    int m_cached = 0;
    int m_stageIndex = 0;
};

Status BuildRun::readDockerfile()
{
    QByteArray text;
    const bool archiveContext = !QFileInfo(m_request.context).isDir();
    if (!m_request.dockerfileText.isEmpty()) {
        if (m_request.dockerfileText.size() > maxDockerfileBytes)
            return fail(ErrorCode::InvalidInput, QStringLiteral("the Dockerfile has more than %1 bytes").arg(maxDockerfileBytes));
        text = m_request.dockerfileText;
        m_dockerfile.fileName = m_request.dockerfile.isEmpty() ? QStringLiteral("Dockerfile") : QFileInfo(m_request.dockerfile).fileName();
    } else if (m_request.dockerfile.isEmpty() || archiveContext) {
        const QString name = m_request.dockerfile.isEmpty() ? QStringLiteral("Dockerfile") : m_request.dockerfile;
        auto read = m_context->readFile(name, maxDockerfileBytes + 1);
        if (!read)
            return fail(read.takeError(), QStringLiteral("cannot read the Dockerfile: "));
        text = read.value();
        m_dockerfile.fileName = name;
    } else {
        auto read = fs::readFile(m_request.dockerfile, maxDockerfileBytes + 1);
        if (!read)
            return fail(read.takeError(), QStringLiteral("cannot read the Dockerfile %1: ").arg(m_request.dockerfile));
        text = read.value();
        m_dockerfile.fileName = QFileInfo(m_request.dockerfile).fileName();
    }
    const QString fileName = m_dockerfile.fileName;
    auto parsed = Dockerfile::parse(text, fileName);
    if (!parsed)
        return parsed.takeError();
    m_dockerfile = parsed.value();
    m_dockerfile.fileName = fileName;
    return {};
}

Status BuildRun::parseBuildArgs()
{
    for (const QString &a : m_request.buildArgs) {
        const qsizetype eq = a.indexOf(u'=');
        const QString key = eq < 0 ? a : a.left(eq);
        if (key.isEmpty())
            return fail(ErrorCode::InvalidInput, QStringLiteral("--build-arg '%1': no name before '='").arg(a));
        if (eq < 0) {
            if (!qEnvironmentVariableIsSet(key.toLocal8Bit().constData()))
                continue; // as Docker: a bare name without a value in the environment is unset
            m_buildArgs.insert(key, qEnvironmentVariable(key.toLocal8Bit().constData()));
        } else {
            m_buildArgs.insert(key, a.mid(eq + 1));
        }
    }
    return {};
}

Status BuildRun::splitStages()
{
    const QList<DockerfileInstruction> &all = m_dockerfile.instructions;
    // Each step keeps its state's whole config in the cache: bound what a file can make it write.
    if (all.size() > maxInstructions)
        return fail(ErrorCode::InvalidInput, QStringLiteral("%1: %2 instructions; Strata builds at most %3").arg(m_dockerfile.fileName).arg(all.size()).arg(maxInstructions));
    qsizetype i = 0;
    for (; i < all.size() && all[i].keyword != QLatin1String("FROM"); ++i) {
        if (all[i].keyword != QLatin1String("ARG"))
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1:%2: %3 before the first FROM: only ARG may come before it").arg(m_dockerfile.fileName).arg(all[i].line).arg(all[i].keyword));
        m_metaArgInstructions.append(all[i]);
    }
    if (i == all.size())
        return fail(ErrorCode::InvalidInput, QStringLiteral("%1: no FROM: a Dockerfile must start with FROM (after any ARG)").arg(m_dockerfile.fileName));
    for (; i < all.size(); ++i) {
        if (all[i].keyword == QLatin1String("FROM")) {
            Stage s;
            s.index = int(m_stages.size());
            s.from = all[i];
            const QStringList &a = all[i].args;
            if (a.size() == 3) {
                s.name = a[2].toLower();
                static const QRegularExpression valid(QStringLiteral("^[a-z][a-z0-9-_.]*$"));
                if (!valid.match(s.name).hasMatch())
                    return error(all[i], QStringLiteral("invalid name for build stage: \"%1\", name can't start with a number or contain symbols").arg(a[2]));
                for (const Stage &other : std::as_const(m_stages)) {
                    if (other.name == s.name)
                        return error(all[i], QStringLiteral("duplicate name %1").arg(a[2]));
                }
            }
            m_stages.append(s);
        } else {
            m_stages.last().commands.append(all[i]);
        }
    }
    if (!m_request.target.isEmpty()) {
        const auto it = std::find_if(m_stages.cbegin(), m_stages.cend(), [&](const Stage &s) { return s.name == m_request.target.toLower(); });
        if (it == m_stages.cend())
            return fail(ErrorCode::InvalidInput, QStringLiteral("failed to reach build target %1 in Dockerfile").arg(m_request.target));
        m_stages.erase(it + 1, m_stages.cend());
    }
    m_stepCount = int(m_metaArgInstructions.size());
    for (const Stage &s : std::as_const(m_stages))
        m_stepCount += 1 + int(s.commands.size());
    return {};
}

WordExpander BuildRun::expander() const
{
    const QStringList e = env();
    const auto args = m_state.args;
    return WordExpander(m_dockerfile.escape, [e, args](const QString &name) -> std::optional<QString> {
        if (auto v = envValue(e, name))
            return v;
        if (auto it = args.constFind(name); it != args.constEnd())
            return *it;
        return std::nullopt;
    });
}

Result<QString> BuildRun::word(const DockerfileInstruction &i, const QString &raw) const
{
    auto w = expander().word(raw);
    if (!w)
        return error(i, w.error());
    return w;
}

Result<QStringList> BuildRun::words(const DockerfileInstruction &i, const QString &raw) const
{
    auto w = expander().words(raw);
    if (!w)
        return error(i, w.error());
    return w;
}

QStringList BuildRun::argEnv() const
{
    QStringList out;
    const QStringList e = env();
    for (const QString &name : m_state.argOrder) {
        const auto &value = m_state.args.value(name);
        if (!value || envValue(e, name))
            continue;
        out.append(name + u'=' + *value);
    }
    return out;
}

Result<QStringList> BuildRun::viewDirs() const
{
    QList<Digest> chains;
    for (const ImageLayer &l : m_state.image.layers)
        chains.append(l.chainId);
    return ContainerStore(m_store).layerDirs(chains, QStringLiteral("build"));
}

Result<std::optional<LayerBlob>> BuildRun::writeLayer(const std::function<Status(BlobWriter &)> &body)
{
    const QString path = m_staging->file(QStringLiteral("layer-%1.tar").arg(m_step));
    BlobWriter writer;
    STRATA_TRY(writer.open(path, m_progress));
    STRATA_TRY(body(writer));
    // Not synced: a layer tar is dropped once extracted (its snapshot and tar-split keep it);
    // a blob that is kept is synced as it moves into the content store.
    auto written = writer.finish(BlobWriter::Sync::Later);
    if (!written)
        return written.takeError();
    return std::optional<LayerBlob>(LayerBlob { path, { MediaType::ociLayer, written->digest, written->size } });
}

Status BuildRun::step(const DockerfileInstruction &i, const QString &createdBy, const QByteArray &keyExtra, const Execute &execute)
{
    STRATA_TRY(m_progress.checkCancelled(QStringLiteral("the build")));
    // The key: the parent state's ID (the digest of its config, which the store computed),
    // what the step does as its history will say it, and what else it depends on.
    Sha256 key;
    key.add(QByteArrayView("strata-build-cache-v1\n"));
    key.add((m_state.image.id.isNull() ? QStringLiteral("scratch") : m_state.image.id.toString()).toUtf8());
    key.add(QByteArrayView("\n"));
    key.add(createdBy.toUtf8());
    key.add(QByteArrayView("\n"));
    key.add(keyExtra);
    const Digest cacheKey = key.finish();

    if (!m_request.noCache) {
        if (auto hit = m_cache.lookup(cacheKey)) {
            const bool madeLayer = hit->layers.size() > m_state.image.layers.size();
            m_state.image = hit.value();
            ++m_cached;
            say(QStringLiteral(" ---> Using cache\n"));
            report(BuildEvent::Kind::StepCached, i.text, madeLayer);
            return {};
        }
    }
    QJsonObject config = m_state.image.config;
    QJsonObject run = config.value(QLatin1String("config")).toObject();
    auto layer = execute(run);
    if (!layer)
        return layer.takeError();
    const QString now = isoNow();
    fillDockerConfigFields(run, m_state.image.id.isNull() ? QString() : m_state.image.id.toString());
    config.insert(QStringLiteral("config"), run);
    config.insert(QStringLiteral("created"), now);
    QJsonObject entry { { QStringLiteral("created"), now }, { QStringLiteral("created_by"), createdBy } };
    Image next = m_state.image;
    TransactionBuilder tx(m_store, m_staging.value());
    if (layer->has_value()) {
        if (next.layers.size() >= maxLayers)
            return fail(ErrorCode::InvalidInput, QStringLiteral("%1:%2: the image would have more than %3 layers").arg(m_dockerfile.fileName).arg(i.line).arg(maxLayers));
        const LayerBlob &blob = layer.value().value();
        const Digest parent = next.layers.isEmpty() ? Digest() : next.layers.last().chainId;
        m_progress.begin(QStringLiteral("Extracting the layer of step %1").arg(m_step), blob.blob.size);
        auto staged = tx.addLayer(blob.path, blob.blob, blob.blob.digest, parent, createdBy, QStringLiteral("step %1").arg(m_step), m_progress);
        if (!staged)
            return staged.takeError();
        m_progress.finishPhase();
        next.layers.append({ blob.blob, staged->record.diffId, staged->record.chainId, staged->record.size });
        QJsonObject rootfs = config.value(QLatin1String("rootfs")).toObject();
        QJsonArray diffIds = rootfs.value(QLatin1String("diff_ids")).toArray();
        diffIds.append(staged->record.diffId.toString());
        rootfs.insert(QStringLiteral("diff_ids"), diffIds);
        config.insert(QStringLiteral("rootfs"), rootfs);
    } else {
        entry.insert(QStringLiteral("empty_layer"), true);
    }
    QJsonArray history = config.value(QLatin1String("history")).toArray();
    history.append(entry);
    config.insert(QStringLiteral("history"), history);
    next.config = config;
    next.configBytes = QJsonDocument(config).toJson(QJsonDocument::Compact);
    next.id = Sha256::of(next.configBytes);
    // The entry first: from then on it keeps the layer from garbage collection.
    STRATA_TRY(m_cache.store(cacheKey, next));
    if (layer->has_value()) {
        auto committed = tx.commit();
        if (!committed)
            return committed.takeError();
    }
    m_state.image = next;
    report(BuildEvent::Kind::StepBuilt, i.text, layer->has_value());
    return {};
}

void BuildRun::report(BuildEvent::Kind kind, const QString &text, bool madeLayer, const Digest &imageId)
{
    if (!m_events)
        return;
    BuildEvent e;
    e.kind = kind;
    e.step = m_step;
    e.steps = m_stepCount;
    e.text = text;
    e.stateId = m_state.image.id;
    e.layers = m_state.image.layers;
    if (madeLayer && !e.layers.isEmpty())
        e.chainId = e.layers.last().chainId;
    e.imageId = imageId;
    m_events(e);
}

Status BuildRun::metadata(const DockerfileInstruction &i, const QString &comment, const std::function<Status(QJsonObject &run)> &change, bool stringForm)
{
    // The comment uses the shell as it is after the change (SHELL's own entry names the new one).
    QJsonObject after = runConfig();
    STRATA_TRY(change(after));
    QStringList sh = stringsOf(after.value(QLatin1String("Shell")));
    if (sh.isEmpty())
        sh = defaultShell;
    const QString createdBy = stringForm ? dockerhistory::nopString(sh, comment) : dockerhistory::nop(sh, comment);
    return step(i, createdBy, {}, [&](QJsonObject &run) -> Result<std::optional<LayerBlob>> {
        run = after;
        return std::optional<LayerBlob>();
    });
}

Result<BuildResult> BuildRun::run()
{
    STRATA_TRY(parseBuildArgs());
    auto staging = m_store.newStaging();
    if (!staging)
        return staging.takeError();
    m_staging.emplace(std::move(staging.value()));
    const QString scratch = m_staging->file(QStringLiteral("context"));
    STRATA_TRY(fs::makeDirs(scratch, 0700));
    m_progress.begin(QStringLiteral("Reading the build context"), -1);
    auto context = BuildContext::open(m_request.context, scratch, m_progress);
    if (!context)
        return fail(context.takeError(), QStringLiteral("build context %1: ").arg(m_request.context));
    m_context.emplace(std::move(context.value()));
    m_progress.finishPhase();
    STRATA_TRY(readDockerfile());
    STRATA_TRY(splitStages());

    QStringList tags;
    for (const QString &t : m_request.tags) {
        auto n = ImageStore::normalizeReference(t);
        if (!n)
            return fail(n.takeError(), QStringLiteral("tag '%1': ").arg(t));
        tags.append(n.value());
    }

    for (const DockerfileInstruction &a : std::as_const(m_metaArgInstructions)) {
        ++m_step;
        say(QStringLiteral("Step %1/%2 : %3\n").arg(m_step).arg(m_stepCount).arg(a.text));
        for (const QString &raw : a.args) {
            const qsizetype eq = raw.indexOf(u'=');
            const QString name = eq < 0 ? raw : raw.left(eq);
            std::optional<QString> value;
            if (eq >= 0) {
                // Meta ARGs see only the meta ARGs before them.
                const auto meta = m_metaArgs;
                auto expanded = WordExpander(m_dockerfile.escape, [meta](const QString &n) -> std::optional<QString> {
                    return meta.value(n);
                }).word(raw.mid(eq + 1));
                if (!expanded)
                    return error(a, expanded.error());
                value = expanded.value();
            }
            if (m_buildArgs.contains(name)) {
                value = m_buildArgs.value(name);
                m_usedArgs.insert(name);
            }
            m_metaArgs.insert(name, value);
        }
    }
    for (Stage &stage : m_stages)
        STRATA_TRY(buildStage(stage));

    QStringList unused;
    for (auto it = m_buildArgs.cbegin(); it != m_buildArgs.cend(); ++it) {
        if (!m_usedArgs.contains(it.key()) && !builtinArgs.contains(it.key()))
            unused.append(it.key());
    }
    if (!unused.isEmpty()) {
        unused.sort();
        say(QStringLiteral("[Warning] One or more build-args %1 were not consumed\n").arg(dockerhistory::goList(unused)));
    }

    // The image: the last state, under its tags. Its config is the state's byte for byte, so
    // its ID is the last step's ID.
    const Image &final = m_state.image;
    QByteArray configBytes = final.configBytes;
    if (configBytes.isEmpty()) // FROM alone: the base's config as it was
        configBytes = QJsonDocument(final.config).toJson(QJsonDocument::Compact);
    QList<Descriptor> blobs;
    for (const ImageLayer &l : final.layers)
        blobs.append(l.blob);
    TransactionBuilder tx(m_store, m_staging.value());
    tx.addImage(configBytes, blobs, tags);
    auto ids = tx.commit();
    if (!ids)
        return ids.takeError();
    BuildResult result;
    result.imageId = ids->first();
    result.tags = tags;
    result.steps = m_stepCount;
    result.cached = m_cached;
    say(QStringLiteral("Successfully built %1\n").arg(result.imageId.shortHex()));
    for (const QString &t : std::as_const(tags))
        say(QStringLiteral("Successfully tagged %1\n").arg(t));
    report(BuildEvent::Kind::Finished, {}, false, result.imageId);
    return result;
}

Status BuildRun::buildStage(Stage &stage)
{
    m_stageIndex = stage.index;
    ++m_step;
    say(QStringLiteral("Step %1/%2 : %3\n").arg(m_step).arg(m_stepCount).arg(stage.from.text));
    STRATA_TRY(from(stage));
    for (const DockerfileInstruction &i : std::as_const(stage.commands)) {
        ++m_step;
        say(QStringLiteral("Step %1/%2 : %3\n").arg(m_step).arg(m_stepCount).arg(i.text));
        report(BuildEvent::Kind::StepStarted, i.text);
        STRATA_TRY(dispatch(i));
        say(QStringLiteral(" ---> %1\n").arg(m_state.image.id.shortHex()));
    }
    Image result = m_state.image;
    if (result.configBytes.isEmpty())
        result.configBytes = QJsonDocument(result.config).toJson(QJsonDocument::Compact);
    m_stageResults.insert(QString::number(stage.index), result);
    if (!stage.name.isEmpty())
        m_stageResults.insert(stage.name, result);
    return {};
}

Status BuildRun::from(Stage &stage)
{
    const DockerfileInstruction &i = stage.from;
    if (const auto platform = i.flag(QStringLiteral("platform"))) {
        const QString p = platform->toLower();
        if (!p.isEmpty() && p != QLatin1String("linux/amd64") && p != QLatin1String("linux") && p != QLatin1String("$buildplatform") && p != QLatin1String("$targetplatform"))
            return error(i, QStringLiteral("platform %1: Strata builds for linux/amd64 only").arg(*platform));
    }
    const auto meta = m_metaArgs;
    auto name = WordExpander(m_dockerfile.escape, [meta](const QString &n) -> std::optional<QString> { return meta.value(n); }).word(i.args.value(0));
    if (!name)
        return error(i, name.error());
    for (const QString &n : meta.keys()) {
        if (i.args.value(0).contains(n))
            m_usedArgs.insert(n);
    }
    if (name->isEmpty())
        return error(i, QStringLiteral("base name (%1) should not be blank").arg(i.args.value(0)));
    m_state = State();
    if (auto it = m_stageResults.constFind(name->toLower()); it != m_stageResults.constEnd() && !name->contains(u':')) {
        m_state.image = *it;
    } else if (name.value() == QLatin1String("scratch")) {
        m_state.image.config = QJsonObject {
            { QStringLiteral("architecture"), QStringLiteral("amd64") },
            { QStringLiteral("os"), QStringLiteral("linux") },
            { QStringLiteral("config"), QJsonObject() },
            { QStringLiteral("rootfs"), QJsonObject { { QStringLiteral("type"), QStringLiteral("layers") }, { QStringLiteral("diff_ids"), QJsonArray() } } },
            { QStringLiteral("history"), QJsonArray() },
        };
    } else {
        auto image = ImageStore(m_store).resolve(name.value());
        if (!image) {
            if (image.code() == ErrorCode::NotFound)
                return error(i, QStringLiteral("image %1 is not in the store (Strata builds from local images: load or build it first)").arg(name.value()));
            return error(i, image.error());
        }
        m_state.image = image.value();
        // Only what the image's config says about running it carries over; its identity is its
        // own config's digest, which the store computed.
        m_state.image.tags.clear();
    }
    say(QStringLiteral(" ---> %1\n").arg(m_state.image.id.shortHex()));
    report(BuildEvent::Kind::StageStarted, i.text);

    // Docker's beginStage: a PATH when the base has none, and the base's ONBUILD triggers.
    QJsonObject config = m_state.image.config;
    QJsonObject run = config.value(QLatin1String("config")).toObject();
    QStringList e = stringsOf(run.value(QLatin1String("Env")));
    bool changed = false;
    if (!envValue(e, QStringLiteral("PATH"))) {
        e.prepend(defaultPath);
        run.insert(QStringLiteral("Env"), QJsonArray::fromStringList(e));
        changed = true;
    }
    const QStringList triggers = stringsOf(run.value(QLatin1String("OnBuild")));
    if (!triggers.isEmpty()) {
        run.remove(QStringLiteral("OnBuild"));
        changed = true;
    }
    if (changed) {
        // The config as the next step sees it. Its ID stays the base's until a step commits:
        // Docker keys the first step on the base image too.
        config.insert(QStringLiteral("config"), run);
        m_state.image.config = config;
        m_state.image.configBytes.clear();
    }
    if (!triggers.isEmpty()) {
        say(QStringLiteral("# Executing %1 build trigger%2\n").arg(triggers.size()).arg(triggers.size() == 1 ? QString() : QStringLiteral("s")));
        for (const QString &t : triggers) {
            auto trigger = Dockerfile::parseInstruction(t, m_dockerfile.escape, QStringLiteral("ONBUILD trigger of %1").arg(name.value()), i.line);
            if (!trigger)
                return trigger.takeError();
            STRATA_TRY(dispatch(trigger.value()));
        }
    }
    return {};
}

Status BuildRun::dispatch(const DockerfileInstruction &i)
{
    const QString &k = i.keyword;
    if (k == QLatin1String("RUN"))
        return dispatchRun(i);
    if (k == QLatin1String("COPY") || k == QLatin1String("ADD"))
        return dispatchCopy(i);
    if (k == QLatin1String("WORKDIR"))
        return dispatchWorkdir(i);
    if (k == QLatin1String("HEALTHCHECK"))
        return dispatchHealthcheck(i);
    if (k == QLatin1String("ENV") || k == QLatin1String("LABEL")) {
        const bool isEnv = k == QLatin1String("ENV");
        QList<QPair<QString, QString>> pairs;
        for (qsizetype n = 0; n + 1 < i.args.size(); n += 2) {
            auto key = word(i, i.args[n]);
            if (!key)
                return key.takeError();
            auto value = word(i, i.args[n + 1]);
            if (!value)
                return value.takeError();
            if (key->isEmpty())
                return error(i, QStringLiteral("a name cannot be empty"));
            pairs.append({ key.value(), value.value() });
        }
        QString comment = k;
        for (const auto &p : std::as_const(pairs))
            comment += u' ' + p.first + u'=' + p.second;
        return metadata(i, comment, [&](QJsonObject &run) -> Status {
            if (isEnv) {
                QStringList e = stringsOf(run.value(QLatin1String("Env")));
                for (const auto &p : std::as_const(pairs))
                    STRATA_TRY(applyEnvironment(e, { p.first + u'=' + p.second })); // KEY=value: set, or replaced in place
                run.insert(QStringLiteral("Env"), QJsonArray::fromStringList(e));
            } else {
                QJsonObject labels = run.value(QLatin1String("Labels")).toObject();
                for (const auto &p : std::as_const(pairs))
                    labels.insert(p.first, p.second);
                run.insert(QStringLiteral("Labels"), labels);
            }
            return {};
        });
    }
    if (k == QLatin1String("ARG")) {
        QStringList parts;
        for (const QString &raw : i.args) {
            const qsizetype eq = raw.indexOf(u'=');
            const QString name = eq < 0 ? raw : raw.left(eq);
            std::optional<QString> value;
            std::optional<QString> defaultValue;
            if (eq >= 0) {
                auto expanded = word(i, raw.mid(eq + 1));
                if (!expanded)
                    return expanded.takeError();
                defaultValue = expanded.value();
                value = defaultValue;
            } else if (auto meta = m_metaArgs.constFind(name); meta != m_metaArgs.constEnd()) {
                value = *meta; // a meta ARG's value, declared again in the stage
            }
            if (m_buildArgs.contains(name)) {
                value = m_buildArgs.value(name);
                m_usedArgs.insert(name);
            }
            if (!m_state.args.contains(name))
                m_state.argOrder.append(name);
            m_state.args.insert(name, value);
            parts.append(defaultValue ? name + u'=' + *defaultValue : name);
        }
        // Docker records one ARG per entry; a multi-ARG line is one step here, one entry.
        return metadata(i, QStringLiteral("ARG ") + parts.join(u' '), [](QJsonObject &) { return Status(); });
    }
    if (k == QLatin1String("USER") || k == QLatin1String("STOPSIGNAL") || k == QLatin1String("MAINTAINER")) {
        auto value = word(i, i.args.value(0));
        if (!value)
            return value.takeError();
        if (k == QLatin1String("STOPSIGNAL")) {
            static const QRegularExpression signal(QStringLiteral("^(SIG)?[A-Z0-9+-]+$|^[0-9]+$"));
            if (!signal.match(value.value()).hasMatch())
                return error(i, QStringLiteral("invalid signal: %1").arg(value.value()));
        }
        return metadata(i, k + u' ' + value.value(), [&](QJsonObject &run) -> Status {
            if (k == QLatin1String("USER"))
                run.insert(QStringLiteral("User"), value.value());
            else if (k == QLatin1String("STOPSIGNAL"))
                run.insert(QStringLiteral("StopSignal"), value.value());
            return {};
        });
    }
    if (k == QLatin1String("EXPOSE")) {
        // Docker's parser sorts the words as written, by their bytes, before expanding them
        // (buildkit frontend/dockerfile/instructions parseExpose: sort.Strings(portsTab)).
        QStringList sortedArgs = i.args;
        std::sort(sortedArgs.begin(), sortedArgs.end(), [](const QString &a, const QString &b) { return a.toUtf8() < b.toUtf8(); });
        QStringList ports;
        for (const QString &raw : std::as_const(sortedArgs)) {
            auto w = words(i, raw);
            if (!w)
                return w.takeError();
            ports += w.value();
        }
        static const QRegularExpression spec(QStringLiteral("^([0-9]+)(?:-([0-9]+))?(?:/(tcp|udp|sctp))?$"), QRegularExpression::CaseInsensitiveOption);
        QStringList keys;
        for (const QString &p : std::as_const(ports)) {
            const auto m = spec.match(p);
            if (!m.hasMatch())
                return error(i, QStringLiteral("invalid containerPort: %1").arg(p));
            const uint first = m.captured(1).toUInt();
            const uint last = m.captured(2).isEmpty() ? first : m.captured(2).toUInt();
            const QString proto = m.captured(3).isEmpty() ? QStringLiteral("tcp") : m.captured(3).toLower();
            if (first == 0 || last > 65535 || last < first)
                return error(i, QStringLiteral("invalid port range: %1").arg(p));
            if (last - first > 65535)
                return error(i, QStringLiteral("invalid port range: %1").arg(p));
            for (uint n = first; n <= last; ++n)
                keys.append(QString::number(n) + u'/' + proto);
        }
        return metadata(i, QStringLiteral("EXPOSE ") + ports.join(u' '), [&](QJsonObject &run) -> Status {
            QJsonObject exposed = run.value(QLatin1String("ExposedPorts")).toObject();
            for (const QString &key : std::as_const(keys))
                exposed.insert(key, QJsonObject());
            run.insert(QStringLiteral("ExposedPorts"), exposed);
            return {};
        });
    }
    if (k == QLatin1String("VOLUME")) {
        QStringList volumes;
        for (const QString &raw : i.args) {
            if (i.json) {
                auto one = word(i, raw);
                if (!one)
                    return one.takeError();
                volumes.append(one.value());
            } else {
                auto w = words(i, raw);
                if (!w)
                    return w.takeError();
                volumes += w.value();
            }
        }
        for (const QString &v : std::as_const(volumes)) {
            if (v.trimmed().isEmpty())
                return error(i, QStringLiteral("VOLUME specified can not be an empty string"));
        }
        if (volumes.isEmpty())
            return error(i, QStringLiteral("VOLUME requires at least one argument"));
        STRATA_TRY(metadata(i, QStringLiteral("VOLUME ") + dockerhistory::goList(volumes), [&](QJsonObject &run) -> Status {
            QJsonObject vols = run.value(QLatin1String("Volumes")).toObject();
            for (const QString &v : std::as_const(volumes))
                vols.insert(v, QJsonObject());
            run.insert(QStringLiteral("Volumes"), vols);
            return {};
        }));
        return {};
    }
    if (k == QLatin1String("CMD") || k == QLatin1String("ENTRYPOINT")) {
        const bool isCmd = k == QLatin1String("CMD");
        QStringList command = i.json ? i.args : shell() + QStringList { i.args.value(0) };
        if (!i.json && !isCmd && i.args.value(0).isEmpty())
            command = {};
        STRATA_TRY(metadata(i, k + u' ' + dockerhistory::goQuoted(command), [&](QJsonObject &run) -> Status {
            if (isCmd) {
                run.insert(QStringLiteral("Cmd"), QJsonArray::fromStringList(command));
            } else {
                run.insert(QStringLiteral("Entrypoint"), command.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(QJsonArray::fromStringList(command)));
                if (!m_state.cmdSet)
                    run.remove(QStringLiteral("Cmd"));
            }
            return {};
        }));
        if (isCmd)
            m_state.cmdSet = true;
        return {};
    }
    if (k == QLatin1String("SHELL")) {
        return metadata(i, QStringLiteral("SHELL ") + dockerhistory::goList(i.args), [&](QJsonObject &run) -> Status {
            run.insert(QStringLiteral("Shell"), QJsonArray::fromStringList(i.args));
            return {};
        });
    }
    if (k == QLatin1String("ONBUILD")) {
        const QString trigger = i.args.value(0);
        return metadata(i, QStringLiteral("ONBUILD ") + trigger, [&](QJsonObject &run) -> Status {
            QStringList list = stringsOf(run.value(QLatin1String("OnBuild")));
            list.append(trigger);
            run.insert(QStringLiteral("OnBuild"), QJsonArray::fromStringList(list));
            return {};
        });
    }
    return error(i, QStringLiteral("unknown instruction"));
}

Status BuildRun::dispatchHealthcheck(const DockerfileInstruction &i)
{
    QJsonObject health;
    QStringList test;
    qint64 interval = 0, timeout = 0, startPeriod = 0, startInterval = 0;
    int retries = 0;
    if (i.args.value(0).toUpper() == QLatin1String("NONE")) {
        test = { QStringLiteral("NONE") };
    } else {
        const QStringList rest = i.args.mid(1);
        test = i.json ? QStringList { QStringLiteral("CMD") } + rest : QStringList { QStringLiteral("CMD-SHELL"), rest.value(0) };
        const auto duration = [&](const char *name, qint64 &into) -> Status {
            auto v = i.flag(QLatin1String(name));
            if (!v)
                return {};
            auto d = parseGoDuration(*v);
            if (!d)
                return error(i, QStringLiteral("--%1: time: invalid duration \"%2\"").arg(QLatin1String(name), *v));
            if (*d != 0 && *d < 1000000)
                return error(i, QStringLiteral("--%1: cannot be less than 1ms").arg(QLatin1String(name)));
            into = *d;
            return {};
        };
        STRATA_TRY(duration("interval", interval));
        STRATA_TRY(duration("timeout", timeout));
        STRATA_TRY(duration("start-period", startPeriod));
        STRATA_TRY(duration("start-interval", startInterval));
        if (auto r = i.flag(QStringLiteral("retries"))) {
            bool ok = false;
            retries = r->toInt(&ok);
            if (!ok || retries < 0)
                return error(i, QStringLiteral("--retries cannot be negative (%1)").arg(*r));
        }
    }
    health.insert(QStringLiteral("Test"), QJsonArray::fromStringList(test));
    if (interval)
        health.insert(QStringLiteral("Interval"), interval);
    if (timeout)
        health.insert(QStringLiteral("Timeout"), timeout);
    if (startPeriod)
        health.insert(QStringLiteral("StartPeriod"), startPeriod);
    if (startInterval)
        health.insert(QStringLiteral("StartInterval"), startInterval);
    if (retries)
        health.insert(QStringLiteral("Retries"), retries);
    // Docker's fmt.Sprintf("HEALTHCHECK %q", *HealthConfig).
    const QString comment = QStringLiteral("HEALTHCHECK &{%1 \"%2\" \"%3\" \"%4\" '\\x%5'}")
                                .arg(dockerhistory::goQuoted(test), goDuration(interval), goDuration(timeout), goDuration(startPeriod))
                                .arg(retries, 2, 16, QChar(u'0'));
    return metadata(i, comment, [&](QJsonObject &run) -> Status {
        // Docker's config keeps the durations and retries the new HEALTHCHECK leaves at zero
        // from the one before: the builder's commit copies the run config but shares its
        // *HealthConfig, and the daemon's container create merges the parent image's values
        // into it (moby daemon/commit.go merge(): `if userConf.Healthcheck.Interval == 0 ...`),
        // so the merge lands in the committed config too. created_by shows the unmerged values.
        QJsonObject merged = health;
        const QJsonObject before = run.value(QLatin1String("Healthcheck")).toObject();
        for (const char *key : { "Interval", "Timeout", "StartPeriod", "Retries" }) {
            if (merged.value(QLatin1String(key)).toInteger() == 0 && before.value(QLatin1String(key)).toInteger() != 0)
                merged.insert(QLatin1String(key), before.value(QLatin1String(key)));
        }
        run.insert(QStringLiteral("Healthcheck"), merged);
        return {};
    });
}

Status BuildRun::dispatchWorkdir(const DockerfileInstruction &i)
{
    auto value = word(i, i.args.value(0));
    if (!value)
        return value.takeError();
    QString dir = value.value();
    const QString current = runConfig().value(QLatin1String("WorkingDir")).toString();
    if (!dir.startsWith(u'/'))
        dir = (current.isEmpty() ? QStringLiteral("/") : current) + u'/' + dir;
    dir = QDir::cleanPath(dir);
    auto view = viewDirs();
    if (!view)
        return view.takeError();
    return step(i, dockerhistory::nopString(shell(), QStringLiteral("WORKDIR ") + dir), {}, [&](QJsonObject &run) -> Result<std::optional<LayerBlob>> {
        run.insert(QStringLiteral("WorkingDir"), dir);
        CopyLayer layer(view.value());
        STRATA_TRY(layer.open());
        auto resolved = layer.resolve(dir.toUtf8());
        if (!resolved)
            return error(i, resolved.error());
        if (layer.isDirectory(resolved.value()))
            return std::optional<LayerBlob>(); // there already: Docker's diff of it is empty
        layer.setDefaults({}, QDateTime::currentSecsSinceEpoch());
        STRATA_TRY(layer.addDirectory(resolved.value()));
        return writeLayer([&](BlobWriter &out) { return layer.write(out); });
    });
}

Result<CopyLayer::Owner> BuildRun::chownOwner(const DockerfileInstruction &i, const QString &spec, const QStringList &view) const
{
    const qsizetype colon = spec.indexOf(u':');
    const QString user = colon < 0 ? spec : spec.left(colon);
    const QString group = colon < 0 ? QString() : spec.mid(colon + 1);
    auto uid = lookupId(view, "/etc/passwd", user);
    if (!uid)
        return error(i, QStringLiteral("unable to convert uid/gid chown string to host mapping: can't find uid for user %1").arg(user));
    // Without a group Docker looks the user's string up as a group too, not the user's primary
    // group (moby builder/dockerfile/internals_linux.go parseChownFlag: `userStr, grpStr =
    // parts[0], parts[0]`): --chown=app takes the group named app, --chown=1000 gid 1000.
    const std::optional<quint32> gid = lookupId(view, "/etc/group", group.isEmpty() ? user : group);
    if (!gid)
        return error(i, QStringLiteral("unable to convert uid/gid chown string to host mapping: can't find gid for group %1").arg(group.isEmpty() ? user : group));
    return CopyLayer::Owner { uid.value(), gid.value() };
}

Status BuildRun::dispatchCopy(const DockerfileInstruction &i)
{
    const bool isAdd = i.keyword == QLatin1String("ADD");
    if (i.args.size() < 2 && i.heredocs.isEmpty())
        return error(i, QStringLiteral("requires at least two arguments, but only one was provided. Destination could not be determined"));
    QStringList sources;
    for (const QString &raw : i.args.mid(0, i.args.size() - 1)) {
        auto w = word(i, raw);
        if (!w)
            return w.takeError();
        static const QRegularExpression url(QStringLiteral("^[a-zA-Z][a-zA-Z0-9+.-]*://"));
        if (isAdd && url.match(w.value()).hasMatch())
            return error(i, QStringLiteral("%1: Strata's builder does not download; put the file in the build context").arg(w.value()));
        sources.append(w.value());
    }
    for (const char *unsupported : { "checksum", "keep-git-dir", "parents", "exclude" }) {
        if (i.flag(QLatin1String(unsupported)))
            return error(i, QStringLiteral("--%1 is not supported yet").arg(QLatin1String(unsupported)));
    }
    auto destWord = word(i, i.args.last());
    if (!destWord)
        return destWord.takeError();
    QString dest = destWord.value();
    const bool destIsDir = dest.endsWith(u'/') || dest == QLatin1String(".") || dest.endsWith(QLatin1String("/."));
    if (!dest.startsWith(u'/')) {
        const QString wd = runConfig().value(QLatin1String("WorkingDir")).toString();
        dest = (wd.isEmpty() ? QStringLiteral("/") : wd) + u'/' + dest;
    }
    QString chownSpec, chmodSpec;
    if (auto c = i.flag(QStringLiteral("chown"))) {
        auto w = word(i, *c);
        if (!w)
            return w.takeError();
        chownSpec = w.value();
    }
    std::optional<quint32> chmod;
    if (auto c = i.flag(QStringLiteral("chmod"))) {
        auto w = word(i, *c);
        if (!w)
            return w.takeError();
        chmodSpec = w.value();
        bool ok = false;
        const uint mode = chmodSpec.toUInt(&ok, 8);
        if (!ok || mode > 07777)
            return error(i, QStringLiteral("invalid chmod parameter: %1 (an octal mode)").arg(chmodSpec));
        chmod = mode;
    }
    std::optional<Image> fromImage;
    QString fromName;
    if (auto f = i.flag(QStringLiteral("from"))) {
        if (isAdd)
            return error(i, QStringLiteral("ADD has no --from (COPY has)"));
        auto w = word(i, *f);
        if (!w)
            return w.takeError();
        fromName = w.value();
        if (auto it = m_stageResults.constFind(fromName.toLower()); it != m_stageResults.constEnd()) {
            fromImage = *it;
        } else {
            bool numeric = false;
            const int index = fromName.toInt(&numeric);
            if (numeric && index >= m_stageIndex)
                return error(i, QStringLiteral("--from=%1: invalid from flag value %1: refers to current build stage or a later one").arg(fromName));
            auto image = ImageStore(m_store).resolve(fromName);
            if (!image)
                return error(i, QStringLiteral("--from=%1: no build stage of that name and no such image in the store").arg(fromName));
            fromImage = image.value();
        }
    }
    auto view = viewDirs();
    if (!view)
        return view.takeError();
    CopyLayer::Owner owner;
    if (!chownSpec.isEmpty()) {
        auto o = chownOwner(i, chownSpec, view.value());
        if (!o)
            return o.takeError();
        owner = o.value();
    }

    // The sources, and their hash for the history and the key.
    QList<ContextSource> found;
    if (!i.heredocs.isEmpty()) {
        // COPY <<EOF: the here-documents are the sources.
    } else if (!fromImage) {
        auto s = m_context->sources(sources);
        if (!s)
            return error(i, s.error());
        found = s.value();
    }
    if (sources.size() > 1 && !destIsDir)
        return error(i, QStringLiteral("When using %1 with more than one source file, the destination must be a directory and end with a /").arg(i.keyword));

    QString hash;
    QByteArray extra;
    QStringList fromViewDirs;
    if (fromImage) {
        QList<Digest> chains;
        for (const ImageLayer &l : fromImage->layers)
            chains.append(l.chainId);
        auto dirs = ContainerStore(m_store).layerDirs(chains, QStringLiteral("build"));
        if (!dirs)
            return dirs.takeError();
        fromViewDirs = dirs.value();
        // Docker's hash of the sources in the other image; the key has the image's ID too.
        auto tree = mergedTree(fromViewDirs);
        if (!tree)
            return tree.takeError();
        ImageSourceHasher hasher(fromViewDirs, tree.value());
        STRATA_TRY(hasher.open());
        QList<ContextSource> hashed;
        for (const QString &src : std::as_const(sources)) {
            const QByteArray wanted = QDir::cleanPath(QStringLiteral("/") + src).toUtf8();
            QByteArrayList matches;
            if (src.contains(u'*') || src.contains(u'?') || src.contains(u'[')) {
                const QRegularExpression glob(QRegularExpression::wildcardToRegularExpression(QString::fromUtf8(wanted)));
                for (const TreeEntry &t : tree.value()) {
                    if (glob.match(QString::fromUtf8(t.path)).hasMatch())
                        matches.append(t.path);
                }
            } else {
                matches.append(wanted);
            }
            for (const QByteArray &m : std::as_const(matches)) {
                auto h = hasher.hash(m);
                if (!h)
                    return error(i, QStringLiteral("--from=%1: %2").arg(fromName, h.error()));
                ContextSource one;
                one.hash = h.value();
                hashed.append(one);
            }
        }
        hash = BuildContext::combinedHash(hashed);
    } else if (!i.heredocs.isEmpty()) {
        Sha256 h;
        for (const DockerfileHeredoc &d : i.heredocs)
            h.add((d.name + u'\n' + d.content).toUtf8());
        hash = QStringLiteral("heredoc:") + h.finish().hex();
    } else {
        hash = BuildContext::combinedHash(found);
    }
    const QString chownComment = chownSpec.isEmpty() ? QString() : QStringLiteral("--chown=") + chownSpec;
    const QString chmodComment = chmodSpec.isEmpty() ? QString() : QStringLiteral("--chmod=") + chmodSpec + u' ';
    const QString createdBy = dockerhistory::nopString(shell(), QStringLiteral("%1 %2%3%4 in %5 ").arg(i.keyword, chmodComment, chownComment, hash, destWord.value()));
    if (fromImage)
        extra = "from " + fromImage->id.toString().toUtf8();

    return step(i, createdBy, extra, [&](QJsonObject &) -> Result<std::optional<LayerBlob>> {
        CopyLayer layer(view.value());
        STRATA_TRY(layer.open());
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        layer.setDefaults(owner, now);
        // Folders Docker makes on the way (moby builder/dockerfile/copy.go): a file's with the
        // step's owner (copyFile: MkdirAllAndChownNew(dir, 0755, identity)); a directory's and
        // an archive's with root's (CopyWithTar, chrootarchive Untar: the root pair). A copied
        // directory's own destination is made 0755 and given the step's owner when it is new
        // (copyDirectory's fixPermissions with !destExists), and stays as it is when it exists:
        // the source directory's mode is not copied, only what is inside it.
        const auto destDirectory = [&](const QByteArray &path) -> Status {
            layer.setDefaults({}, now);
            if (path.isEmpty() || layer.isDirectory(path))
                return {};
            return layer.add(CopyLayer::newDirectory(path, owner, now));
        };
        auto destResolved = layer.resolve(dest.toUtf8());
        if (!destResolved)
            return error(i, destResolved.error());
        const QByteArray destRel = destResolved.value();
        const bool intoDir = destIsDir || layer.isDirectory(destRel);
        const auto join = [](const QByteArray &a, const QByteArray &b) { return a.isEmpty() ? b : b.isEmpty() ? a : a + '/' + b; };
        const auto applyMode = [&](quint32 mode) { return chmod ? (mode & S_IFMT) | *chmod : mode; };

        if (!i.heredocs.isEmpty()) {
            for (qsizetype n = 0; n < i.heredocs.size(); ++n) {
                const DockerfileHeredoc &d = i.heredocs[n];
                LayerEntry e;
                e.path = intoDir ? join(destRel, d.name.toUtf8()) : destRel;
                QString content = d.content;
                if (d.expand) {
                    auto expanded = word(i, d.content);
                    if (expanded)
                        content = expanded.value();
                }
                const QByteArray bytes = content.toUtf8();
                e.mode = S_IFREG | (chmod ? *chmod : 0644);
                e.uid = owner.uid;
                e.gid = owner.gid;
                e.mtimeSec = QDateTime::currentSecsSinceEpoch();
                e.size = bytes.size();
                // A file per here-document: they are read when the layer is written.
                const QString path = m_staging->file(QStringLiteral("heredoc-%1-%2").arg(m_step).arg(n));
                STRATA_TRY(fs::writeFileAtomic(path, bytes, fs::Durability::Unsynced));
                STRATA_TRY(layer.add(e, CopyLayer::fileContent(path)));
            }
        } else if (fromImage) {
            auto tree = mergedTree(fromViewDirs);
            if (!tree)
                return tree.takeError();
            LayerView other(fromViewDirs);
            STRATA_TRY(other.open());
            bool any = false;
            for (const QString &src : std::as_const(sources)) {
                const QByteArray wanted = QDir::cleanPath(QStringLiteral("/") + src).toUtf8();
                const QRegularExpression glob(QRegularExpression::wildcardToRegularExpression(QString::fromUtf8(wanted)));
                const bool isGlob = src.contains(u'*') || src.contains(u'?') || src.contains(u'[');
                for (const TreeEntry &t : tree.value()) {
                    QByteArray base;
                    if (wanted == "/") {
                        base = "/";
                    } else if (t.path == wanted || (isGlob && glob.match(QString::fromUtf8(t.path)).hasMatch())) {
                        base = t.path;
                    } else if (t.path.startsWith(QByteArray(wanted + '/'))) {
                        base = wanted;
                    } else {
                        continue;
                    }
                    // The path below the matched source, as it lands below the destination.
                    QByteArray rel = t.path == base ? QByteArray() : t.path.mid(base == "/" ? 1 : base.size() + 1);
                    const auto found = other.find(t.path.mid(1));
                    struct stat st;
                    if (!found || !other.stat(found->layer, t.path.mid(1), &st))
                        continue;
                    any = true;
                    if (t.path == base) {
                        if (S_ISDIR(st.st_mode)) {
                            STRATA_TRY(destDirectory(destRel));
                            continue;
                        }
                        layer.setDefaults(owner, now);
                    }
                    LayerEntry e;
                    if (t.path == base && !S_ISDIR(st.st_mode))
                        e.path = intoDir ? join(destRel, base.mid(base.lastIndexOf('/') + 1)) : destRel;
                    else
                        e.path = join(destRel, rel);
                    e.mode = applyMode(st.st_mode);
                    e.uid = owner.uid;
                    e.gid = owner.gid;
                    e.mtimeSec = st.st_mtim.tv_sec;
                    e.mtimeNsec = st.st_mtim.tv_nsec;
                    e.size = S_ISREG(st.st_mode) ? st.st_size : 0;
                    if (S_ISLNK(st.st_mode)) {
                        auto v = readVisibleFile(fromViewDirs, t.path, 0);
                        if (v)
                            e.linkTarget = v->linkTarget;
                    }
                    if (e.path.isEmpty())
                        continue;
                    const QString file = fromViewDirs[found->layer] + QString::fromUtf8(t.path);
                    STRATA_TRY(layer.add(e, CopyLayer::fileContent(file)));
                }
            }
            if (!any)
                return error(i, QStringLiteral("--from=%1: %2: no such file or directory in that image").arg(fromName, sources.join(u' ')));
        } else {
            const BuildContext &context = m_context.value();
            for (const ContextSource &s : std::as_const(found)) {
                if (isAdd && s.type == ContextEntry::Type::File && !s.entries.isEmpty()) {
                    // ADD's local archive: its contents go into the destination folder.
                    auto fd = context.openFile(s.entries.first());
                    if (!fd)
                        return error(i, fd.error());
                    const auto closeFd = qScopeGuard([&] { close(fd.value()); });
                    if (CopyLayer::isArchive(fd.value())) {
                        layer.setDefaults({}, now);
                        STRATA_TRY(layer.addDirectory(destRel));
                        const QString scratch = m_staging->file(QStringLiteral("add-%1").arg(m_step));
                        STRATA_TRY(fs::makeDirs(scratch, 0700));
                        if (Status added = layer.addArchive(fd.value(), s.path, destRel, scratch, qint64(64) << 30); !added)
                            return error(i, added.error());
                        continue;
                    }
                }
                if (s.type != ContextEntry::Type::Directory)
                    layer.setDefaults(owner, now);
                for (const ContextEntry &c : s.entries) {
                    LayerEntry e;
                    const QByteArray rel = c.relative.toUtf8();
                    if (s.type == ContextEntry::Type::Directory && rel.isEmpty()) {
                        STRATA_TRY(destDirectory(destRel));
                        continue;
                    }
                    if (s.type == ContextEntry::Type::Directory) {
                        e.path = join(destRel, rel);
                    } else {
                        const QString name = QFileInfo(s.path).fileName();
                        e.path = intoDir ? join(destRel, name.toUtf8()) : destRel;
                    }
                    if (e.path.isEmpty())
                        continue;
                    const quint32 type = c.type == ContextEntry::Type::Directory ? S_IFDIR : c.type == ContextEntry::Type::Symlink ? S_IFLNK : S_IFREG;
                    e.mode = c.type == ContextEntry::Type::Symlink ? S_IFLNK | 0777 : applyMode(type | c.mode);
                    e.uid = owner.uid;
                    e.gid = owner.gid;
                    e.mtimeSec = c.mtimeNs / 1000000000;
                    e.mtimeNsec = long(c.mtimeNs % 1000000000);
                    e.size = c.type == ContextEntry::Type::File ? c.size : 0;
                    e.linkTarget = c.linkTarget.toUtf8();
                    STRATA_TRY(layer.add(e, [&context, c]() { return context.openFile(c); }));
                }
            }
        }
        return writeLayer([&](BlobWriter &out) { return layer.write(out); });
    });
}

Status BuildRun::dispatchRun(const DockerfileInstruction &i)
{
    if (auto network = i.flag(QStringLiteral("network")); network && *network != QLatin1String("none") && *network != QLatin1String("host") && *network != QLatin1String("default"))
        return error(i, QStringLiteral("--network=%1: Strata knows none, host and default").arg(*network));
    // --mount=type=bind: a folder or file of the context, read-only, for this RUN only.
    QList<BindMount> mounts;
    QByteArray extra = i.json ? "json" : "shell";
    for (const DockerfileFlag &f : i.flags) {
        if (f.name != QLatin1String("mount"))
            continue;
        auto spec = word(i, f.value);
        if (!spec)
            return spec.takeError();
        QString type = QStringLiteral("bind"), source, target;
        bool readWrite = false;
        for (const QString &field : spec->split(u',')) {
            const qsizetype eq = field.indexOf(u'=');
            const QString key = (eq < 0 ? field : field.left(eq)).trimmed().toLower();
            const QString value = eq < 0 ? QString() : field.mid(eq + 1);
            if (key == QLatin1String("type"))
                type = value;
            else if (key == QLatin1String("source") || key == QLatin1String("src"))
                source = value;
            else if (key == QLatin1String("target") || key == QLatin1String("dst") || key == QLatin1String("destination"))
                target = value;
            else if (key == QLatin1String("ro") || key == QLatin1String("readonly"))
                readWrite = value == QLatin1String("false");
            else if (key == QLatin1String("rw") || key == QLatin1String("readwrite"))
                readWrite = value != QLatin1String("false");
            else
                return error(i, QStringLiteral("--mount: '%1' is not supported (Strata binds type=bind,source=...,target=...[,ro] from the context)").arg(field));
        }
        if (type != QLatin1String("bind"))
            return error(i, QStringLiteral("--mount type=%1 is not supported yet (only type=bind from the context)").arg(type));
        if (readWrite)
            return error(i, QStringLiteral("--mount rw: a writable bind would change the build context; Strata binds it read-only"));
        if (target.isEmpty())
            return error(i, QStringLiteral("--mount: no target"));
        if (!target.startsWith(u'/')) {
            const QString wd = runConfig().value(QLatin1String("WorkingDir")).toString();
            target = (wd.isEmpty() ? QStringLiteral("/") : wd) + u'/' + target;
        }
        // Resolved like a COPY source: inside the context, not through a link out of it.
        auto found = m_context->sources({ source.isEmpty() ? QStringLiteral(".") : source });
        if (!found)
            return error(i, QStringLiteral("--mount: %1").arg(found.error()));
        if (found->size() != 1)
            return error(i, QStringLiteral("--mount: source %1 names %2 paths; it must name one").arg(source).arg(found->size()));
        const ContextSource &s = found->first();
        if (!m_context->ignore().isEmpty() && s.type == ContextEntry::Type::Directory) {
            // A bind shows the folder as it is on disk, ignored files included.
            qint64 onDisk = 0;
            QDirIterator it(m_context->root() + u'/' + s.path, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
            while (it.hasNext() && onDisk < qint64(s.entries.size())) {
                it.next();
                ++onDisk;
            }
            if (onDisk + 1 > qint64(s.entries.size()))
                return error(i, QStringLiteral("--mount: %1 holds files .dockerignore excludes, which a bind mount would show").arg(source));
        }
        mounts.append({ m_context->root() + u'/' + s.path, QDir::cleanPath(target) });
        extra += "\nmount " + target.toUtf8() + ' ' + s.hash.toUtf8();
    }
    QStringList command = i.json ? i.args : shell() + QStringList { i.args.value(0) };
    if (!i.heredocs.isEmpty() && !i.json) {
        // RUN <<EOF: the first here-document is the script, given to the shell.
        command = shell() + QStringList { i.heredocs.first().content };
    }
    const QStringList buildArgs = argEnv();
    QStringList saved = command;
    if (!buildArgs.isEmpty()) {
        QStringList shown;
        for (const QString &a : buildArgs) {
            if (!builtinArgs.contains(envKey(a)))
                shown.append(a);
        }
        shown.sort();
        saved = QStringList { QStringLiteral("|%1").arg(shown.size()) } + shown + command;
        for (const QString &a : buildArgs)
            m_usedArgs.insert(envKey(a));
    }
    const QString network = i.flag(QStringLiteral("network")).value_or(m_request.network);
    extra += "\nnetwork " + network.toUtf8();
    QStringList runEnv = env();
    for (const QString &a : buildArgs)
        runEnv.append(a);
    return step(i, saved.join(u' '), extra, [&](QJsonObject &) { return runContainer(i, command, runEnv, mounts); });
}

Result<std::optional<LayerBlob>> BuildRun::runContainer(const DockerfileInstruction &i, const QStringList &command, const QStringList &runEnv, const QList<BindMount> &mounts)
{
    ContainerStore containers(m_store);
    ContainerRuntime runtime(m_store, m_launch);
    CreateRequest request;
    Image state = m_state.image;
    if (state.configBytes.isEmpty())
        state.configBytes = QJsonDocument(state.config).toJson(QJsonDocument::Compact);
    request.buildImage = state;
    request.image = QStringLiteral("build step %1").arg(m_step);
    request.command = command;
    request.entrypoint = QString();
    request.network = i.flag(QStringLiteral("network")).value_or(m_request.network);
    if (request.network == QLatin1String("default"))
        request.network = m_request.network;
    QJsonObject run = runConfig();
    request.workingDir = run.value(QLatin1String("WorkingDir")).toString();
    request.user = run.value(QLatin1String("User")).toString();
    // The container's environment is the image's plus the build args; create() starts from
    // the image's Env, so the args are added as -e entries.
    for (const QString &e : runEnv) {
        if (!e.contains(u'='))
            continue;
        request.env.append(e);
    }
    // The mount points the runtime will make for the binds, where the image has none: removed
    // from the writable layer afterwards, so that the layer holds only what the RUN did.
    QByteArrayList madeForMounts;
    if (!mounts.isEmpty()) {
        auto view = viewDirs();
        if (!view)
            return view.takeError();
        CopyLayer probe(view.value());
        STRATA_TRY(probe.open());
        for (const BindMount &m : mounts) {
            request.volumes.append(m.hostPath + u':' + m.target + QStringLiteral(":ro"));
            auto rel = probe.resolve(m.target.toUtf8());
            if (!rel)
                return error(i, rel.error());
            for (QByteArray p = rel.value(); !p.isEmpty() && !probe.exists(p); p = p.left(qMax(0, int(p.lastIndexOf('/')))))
                madeForMounts.append(p);
        }
        std::sort(madeForMounts.begin(), madeForMounts.end(), [](const QByteArray &a, const QByteArray &b) { return a.size() > b.size(); });
    }
    // The image's VOLUMEs are mounted as Docker mounts them, anonymous volumes removed with the
    // container: what a RUN writes below one is not in the layer (Docker's well-known surprise),
    // and the first RUN after VOLUME makes the mount points in its layer.
    for (const QString &v : run.value(QLatin1String("Volumes")).toObject().keys())
        request.volumes.append(v);
    auto created = containers.create(request);
    if (!created)
        return fail(created.takeError(), QStringLiteral("step %1: cannot create its container: ").arg(m_step));
    Container container { created.value(), {} };
    const auto removeContainer = qScopeGuard([&] {
        (void)runtime.remove(container, true, true);
        say(QStringLiteral("Removing intermediate container %1\n").arg(container.config.shortId()));
    });
    say(QStringLiteral(" ---> Running in %1\n").arg(container.config.shortId()));

    OutputRelay relay(m_out);
    STRATA_TRY(relay.open());
    int devNull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    const auto closeNull = qScopeGuard([&] {
        if (devNull >= 0)
            close(devNull);
    });
    StreamFds streams { devNull, relay.writeEnd(), relay.writeEnd() };
    int failedStatus = 125;
    auto started = runtime.start(container, true, &failedStatus, streams);
    if (!started) {
        runStatus = failedStatus;
        return fail(started.takeError(), QStringLiteral("The command '%1' could not start: ").arg(command.join(u' ')));
    }
    relay.start();
    // Looks for a cancel every 20 ms; woken at once when the command ends, so that the step
    // does not wait out the rest of a sleep (it was up to 20 ms of every RUN).
    std::mutex doneMutex;
    std::condition_variable doneChanged;
    bool done = false;
    std::thread canceller([&] {
        std::unique_lock lock(doneMutex);
        while (!doneChanged.wait_for(lock, std::chrono::milliseconds(20), [&] { return done; })) {
            if (m_progress.cancelled()) {
                (void)runtime.kill(container, SIGKILL);
                return;
            }
        }
    });
    auto status = runtime.waitForExit(started.value(), container);
    {
        const std::lock_guard lock(doneMutex);
        done = true;
    }
    doneChanged.notify_one();
    canceller.join();
    relay.finish();
    STRATA_TRY(m_progress.checkCancelled(QStringLiteral("the build")));
    if (!status)
        return status.takeError();
    if (status.value() != 0) {
        runStatus = status.value();
        return fail(QStringLiteral("The command '%1' returned a non-zero code: %2").arg(command.join(u' ')).arg(status.value()));
    }
    for (const QByteArray &p : std::as_const(madeForMounts))
        (void)::rmdir(QFile::encodeName(containers.upperDir(container.config.id) + u'/' + QString::fromUtf8(p)).constData());
    auto changes = containers.changes(container);
    if (!changes)
        return changes.takeError();
    if (changes->isEmpty())
        return std::optional<LayerBlob>();
    const QList<Change> list = changes.value();
    // Rootless, the container's root is this user on the host: the layer says root.
    const auto owner = LayerWriter::RootOwner::forStore(m_store.rootless());
    return writeLayer([&](BlobWriter &out) { return LayerWriter::writeChanges(containers.upperDir(container.config.id), list, out, owner); });
}

Builder::Builder(Store &store, ContainerRuntime::Launch launch)
    : m_store(store)
    , m_launch(launch)
{
}

Result<BuildResult> Builder::build(const BuildRequest &request, const Output &out, const Events &events, const Progress &progress)
{
    BuildRun run(m_store, m_launch, request, out, events, progress);
    auto result = run.run();
    m_runStatus = run.runStatus;
    return result;
}

} // namespace strata
