#include "containerpage.h"

#include "changefeedmodel.h"
#include "containerfollower.h"
#include "containerruntime.h"
#include "containerstore.h"
#include "filetree.h"
#include "filetreemodel.h"
#include "foreignsnapshot.h"
#include "formhelpers.h"
#include "peerstores.h"
#include "sizetext.h"
#include "fsutil.h"
#include "store.h"
#include "storesession.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTabWidget>
#include <QTableView>
#include <QTreeView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <sys/mman.h>
#include <unistd.h>

namespace strata {

namespace {
    QString when(const QDateTime &t) { return t.isValid() ? QLocale().toString(t.toLocalTime(), QLocale::ShortFormat) : QString(); }

    struct Executed {
        int exitCode = -1;
        QString output;
        QString error;
    };
    struct TreeLoaded {
        FileTree tree;
        QString error;
        QStringList names;
    };
}

ContainerPage::ContainerPage(StoreSession *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
{
    QVBoxLayout *layout = form::page(this, m_title, m_subtitle);
    QFormLayout *f = form::layout();
    m_state = form::addRow(f, tr("State"));
    m_command = form::addRow(f, tr("Command"));
    m_image = form::addRow(f, tr("Image"));
    m_writable = form::addRow(f, tr("Writable layer"));
    m_created = form::addRow(f, tr("Created"));
    m_started = form::addRow(f, tr("Started"));
    m_exit = form::addRow(f, tr("Exit code"));
    m_mounts = form::addRow(f, tr("Mounts"));
    layout->addLayout(f);
    auto *buttons = new QHBoxLayout;
    m_start = new QPushButton(tr("Start"), this);
    m_stop = new QPushButton(tr("Stop"), this);
    m_commit = new QPushButton(tr("Commit…"), this);
    m_remove = new QPushButton(tr("Remove"), this);
    m_commit->setToolTip(tr("Make an image of the container: its writable layer becomes a new layer on top of its image"));
    buttons->addWidget(m_start);
    buttons->addWidget(m_stop);
    buttons->addWidget(m_commit);
    buttons->addWidget(m_remove);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    connect(m_start, &QPushButton::clicked, this, [this] { Q_EMIT startRequested(m_id); });
    connect(m_stop, &QPushButton::clicked, this, [this] { Q_EMIT stopRequested(m_id); });
    connect(m_remove, &QPushButton::clicked, this, [this] { Q_EMIT removeRequested(m_id); });
    connect(m_commit, &QPushButton::clicked, this, [this] { Q_EMIT commitRequested(m_id); });

    m_tabs = new QTabWidget(this);
    layout->addWidget(m_tabs, 1);
    m_problem = form::problem(this);
    layout->addWidget(m_problem);

    // Live changes
    auto *feedPage = new QWidget;
    QVBoxLayout *fl = form::tab(feedPage);
    m_feedHint = new QLabel(tr("Each write to the container's writable layer appears here as it happens. A write to a file from the image copies it up first."), feedPage);
    m_feedHint->setWordWrap(true);
    m_feedHint->setForegroundRole(QPalette::PlaceholderText);
    fl->addWidget(m_feedHint);
    m_feed = new ChangeFeedModel(this);
    m_feedView = new QTableView(feedPage);
    m_feedView->setModel(m_feed);
    m_feedView->verticalHeader()->hide();
    m_feedView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_feedView->setWordWrap(false);
    m_feedView->setAlternatingRowColors(true);
    m_feedView->setAccessibleName(tr("Live changes"));
    // Widths from the font, not from rows: the feed starts empty and may grow to thousands.
    QHeaderView *h = m_feedView->horizontalHeader();
    const QFontMetrics fm(m_feedView->font());
    h->setSectionResizeMode(QHeaderView::Interactive);
    h->resizeSection(ChangeFeedModel::TimeColumn, fm.horizontalAdvance(QStringLiteral("00:00:00.000")) + 18);
    h->resizeSection(ChangeFeedModel::KindColumn, fm.horizontalAdvance(tr("Changed")) + 24);
    h->resizeSection(ChangeFeedModel::SizeColumn, fm.horizontalAdvance(QStringLiteral("999.9 kB")) + 18);
    h->setSectionResizeMode(ChangeFeedModel::PathColumn, QHeaderView::Stretch);
    h->setSectionResizeMode(ChangeFeedModel::DetailColumn, QHeaderView::Stretch);
    fl->addWidget(m_feedView, 1);
    m_tabs->addTab(feedPage, tr("&Live changes"));

    // Diff
    m_diff = new FileTreeModel(this);
    m_diffView = form::fileTree(m_diff, this, tr("Container diff"));
    m_tabs->addTab(m_diffView, tr("&Diff"));

    // Logs
    m_logs = new QPlainTextEdit(this);
    m_logs->setReadOnly(true);
    m_logs->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_logs->setMaximumBlockCount(20000);
    m_logs->setPlaceholderText(tr("Nothing logged yet."));
    m_logs->setAccessibleName(tr("Logs"));
    m_tabs->addTab(m_logs, tr("L&ogs"));

    // Console
    auto *console = new QWidget;
    QVBoxLayout *cl = form::tab(console);
    m_consoleOut = new QPlainTextEdit(console);
    m_consoleOut->setReadOnly(true);
    m_consoleOut->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_consoleOut->setPlaceholderText(tr("Type a command below; it runs in the container with sh -c, and what it prints appears here."));
    m_consoleOut->setAccessibleName(tr("Console output"));
    m_consoleIn = new QLineEdit(console);
    m_consoleIn->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_consoleIn->setPlaceholderText(tr("e.g. echo hello > /tmp/hello"));
    m_consoleIn->setAccessibleName(tr("Command to run in the container"));
    cl->addWidget(m_consoleOut, 1);
    cl->addWidget(m_consoleIn);
    m_tabs->addTab(console, tr("&Console"));
    connect(m_consoleIn, &QLineEdit::returnPressed, this, [this] {
        const QString command = m_consoleIn->text().trimmed();
        if (command.isEmpty())
            return;
        m_consoleIn->clear();
        execute(command);
    });

    // Files
    auto *filesPage = new QWidget;
    QVBoxLayout *fil = form::tab(filesPage);
    m_files = new FileTreeModel(this);
    m_filesView = form::fileTree(m_files, filesPage, tr("Container filesystem"));
    auto *fileButtons = new QHBoxLayout;
    auto *reload = new QPushButton(tr("Reload"), filesPage);
    auto *out = new QPushButton(tr("Copy out…"), filesPage);
    auto *in = new QPushButton(tr("Copy in…"), filesPage);
    fileButtons->addWidget(reload);
    fileButtons->addStretch(1);
    fileButtons->addWidget(out);
    fileButtons->addWidget(in);
    fil->addLayout(fileButtons);
    fil->addWidget(m_filesView, 1);
    m_tabs->addTab(filesPage, tr("&Files"));
    connect(reload, &QPushButton::clicked, this, [this] { loadFiles(); });
    connect(out, &QPushButton::clicked, this, [this] {
        const QString path = selectedFilePath();
        if (!path.isEmpty())
            Q_EMIT copyOutRequested(m_id, path);
    });
    connect(in, &QPushButton::clicked, this, [this] {
        QString dir = selectedFilePath();
        if (dir.isEmpty())
            dir = QStringLiteral("/");
        Q_EMIT copyInRequested(m_id, dir);
    });
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int index) {
        if (index == 1)
            loadDiff();
        else if (index == 4)
            loadFiles();
    });
    connect(m_session, &StoreSession::snapshotChanged, this, [this] {
        if (!m_id.isEmpty())
            refreshDetails();
    });
}

ContainerPage::~ContainerPage()
{
    delete m_follower.data();
}

QString ContainerPage::selectedFilePath() const
{
    const QModelIndex i = m_filesView->currentIndex();
    return i.isValid() ? QString::fromUtf8(i.data(FileTreeModel::PathRole).toByteArray()) : QString();
}

void ContainerPage::showFeed()
{
    m_tabs->setCurrentIndex(0);
}

void ContainerPage::showContainer(const QString &id)
{
    if (id != m_id) {
        m_id = id;
        ++m_generation;
        delete m_follower.data();
        m_watching = false;
        m_feed->clear();
        m_logs->clear();
        m_consoleOut->clear();
        m_diff->setTree({});
        m_files->setTree({});
        form::setProblem(m_problem, {});
        m_logs->setPlaceholderText(m_session->isReadOnly() ? tr("The peer keeps this container's output in its own log (docker logs, podman logs); Strata does not read it.")
                                                           : tr("Nothing logged yet."));
        if (m_session->store() || m_session->foreign()) {
            // A peer's container is followed read-only, through what its reader found.
            m_follower = m_session->store() ? new ContainerFollower(m_session->store(), id, this) : new ContainerFollower(m_session->foreign(), id, this);
            connect(m_follower, &ContainerFollower::layersKnown, m_feed, &ChangeFeedModel::setLayerNames);
            connect(m_follower, &ContainerFollower::watching, this, [this] { m_watching = true; });
            connect(m_follower, &ContainerFollower::changed, this, [this](const ChangeEvent &e) {
                m_feed->append(e);
                m_feedView->scrollToBottom();
            });
            connect(m_follower, &ContainerFollower::logged, this, [this](const QList<LogEntry> &entries) {
                for (const LogEntry &e : entries) {
                    QString text = e.text;
                    if (text.endsWith(u'\n'))
                        text.chop(1);
                    m_logs->appendPlainText(text);
                }
            });
            connect(m_follower, &ContainerFollower::writableSize, this, [this, id](qint64 bytes) {
                form::set(m_writable, sizeText(bytes));
                Q_EMIT writableSizeChanged(id, bytes);
            });
            connect(m_follower, &ContainerFollower::failed, this, [this](const QString &message) { m_feedHint->setText(tr("Cannot follow the writable layer: %1").arg(message)); });
            m_follower->start();
        }
    }
    refreshDetails();
    if (m_tabs->currentIndex() == 1)
        loadDiff();
}

void ContainerPage::refreshDetails()
{
    const StoreSnapshot::ContainerEntry *e = m_session->snapshot().container(m_id);
    if (!e) {
        m_subtitle->setText(tr("This container is gone."));
        m_start->setEnabled(false);
        m_stop->setEnabled(false);
        m_remove->setEnabled(false);
        m_commit->setEnabled(false);
        return;
    }
    const Container &c = e->container;
    const bool running = c.state.running();
    m_title->setText(c.config.name);
    m_subtitle->setText(tr("Container %1 · driver %2").arg(c.config.shortId(), c.config.driver));
    QString state = c.state.statusName();
    if (!c.state.error.isEmpty())
        state += u" — " + c.state.error;
    form::set(m_state, state);
    form::set(m_command, c.config.args().join(u' '));
    form::set(m_image, c.config.imageRef + QStringLiteral(" (") + c.config.imageId.shortHex() + u')');
    form::set(m_writable, sizeText(e->writableBytes));
    form::set(m_created, when(c.config.created));
    form::set(m_started, when(c.state.startedAt));
    form::set(m_exit, c.state.status == ContainerState::Status::Exited ? QString::number(c.state.exitCode) + QStringLiteral(" (") + when(c.state.finishedAt) + u')' : QString());
    QStringList mounts;
    for (const MountSpec &m : c.config.mounts)
        mounts.append(QStringLiteral("%1 %2 → %3%4").arg(m.typeName(), m.source, m.destination, m.readOnly ? tr(" (read-only)") : QString()));
    form::set(m_mounts, mounts.join(u'\n'));
    const bool readOnly = m_session->isReadOnly();
    m_start->setEnabled(!running && !readOnly);
    m_stop->setEnabled(running && !readOnly);
    m_remove->setEnabled(!readOnly);
    m_remove->setText(running ? tr("Stop and remove") : tr("Remove"));
    m_commit->setEnabled(!readOnly);
    const QString why = readOnly ? PeerStores::readOnlyReason(m_session->foreignKind()) : QString();
    for (QPushButton *b : { m_start, m_stop, m_remove })
        b->setToolTip(why);
    m_commit->setToolTip(readOnly ? why : tr("Make an image of the container: its writable layer becomes a new layer on top of its image"));
    m_consoleIn->setEnabled(running && !readOnly);
    m_consoleIn->setPlaceholderText(readOnly ? tr("A container of %1: Strata only watches it.").arg(m_session->description())
            : running ? tr("e.g. echo hello > /tmp/hello")
                      : tr("Start the container to run commands in it."));
}

void ContainerPage::execute(const QString &command)
{
    auto store = m_session->store();
    if (!store || m_id.isEmpty())
        return;
    m_consoleOut->appendPlainText(u"$ "_qs + command);
    const QString id = m_id;
    const quint64 generation = m_generation;
    QtConcurrent::run([store, id, command] {
        Executed out;
        auto c = ContainerStore(*store).resolve(id);
        if (!c) {
            out.error = c.error();
            return out;
        }
        // The program's output goes to an anonymous file, read when it ends: a pipe would need
        // a reader while exec waits.
        const int fd = ::memfd_create("strata-exec", MFD_CLOEXEC);
        if (fd < 0) {
            out.error = QStringLiteral("memfd_create: %1").arg(QString::fromLocal8Bit(strerror(errno)));
            return out;
        }
        ExecRequest r;
        r.command = { QStringLiteral("sh"), QStringLiteral("-c"), command };
        r.streams.out = fd;
        r.streams.err = fd;
        auto status = ContainerRuntime(*store).exec(c.value(), r);
        ::lseek(fd, 0, SEEK_SET);
        auto bytes = fs::readUpTo(fd, 1024 * 1024); // what it printed, within reason
        ::close(fd);
        out.output = bytes ? QString::fromUtf8(bytes.value()) : QString();
        if (status)
            out.exitCode = status.value();
        else
            out.error = status.error();
        return out;
    }).then(this, [this, generation](const Executed &out) {
        if (generation != m_generation)
            return;
        QString text = out.output;
        if (text.endsWith(u'\n'))
            text.chop(1);
        if (!text.isEmpty())
            m_consoleOut->appendPlainText(text);
        if (!out.error.isEmpty())
            m_consoleOut->appendPlainText(tr("error: %1").arg(out.error));
        else if (out.exitCode != 0)
            m_consoleOut->appendPlainText(tr("(exit status %1)").arg(out.exitCode));
        Q_EMIT executed(out.exitCode);
    });
}

void ContainerPage::loadDiff()
{
    auto store = m_session->store();
    auto foreign = m_session->foreign();
    if ((!store && !foreign) || m_id.isEmpty())
        return;
    const QString id = m_id;
    const quint64 generation = m_generation;
    QtConcurrent::run(m_session->lookups(), [store, foreign, id] {
        TreeLoaded out;
        Result<QList<Change>> changes = QList<Change>();
        if (foreign) {
            const ForeignSnapshot::Container *c = foreign->container(id);
            changes = c ? foreign->changes(*c, ChangeDetail::Stat) : Result<QList<Change>>(fail(ErrorCode::NotFound, QStringLiteral("no such container: %1").arg(id)));
        } else {
            ContainerStore containers(*store);
            auto c = containers.resolve(id);
            changes = c ? containers.changes(c.value(), ChangeDetail::Stat) : Result<QList<Change>>(c.takeError());
        }
        if (!changes)
            out.error = changes.error();
        else
            out.tree = FileTree::fromChanges(changes.value());
        return out;
    }).then(this, [this, generation](TreeLoaded out) {
        if (generation != m_generation)
            return;
        form::setProblem(m_problem, out.error.isEmpty() ? QString() : tr("Cannot read the container's diff: %1").arg(out.error));
        m_diff->setTree(std::move(out.tree));
        form::expandWhileShort(m_diffView);
    });
}

void ContainerPage::loadFiles()
{
    auto store = m_session->store();
    auto foreign = m_session->foreign();
    if ((!store && !foreign) || m_id.isEmpty())
        return;
    const QString id = m_id;
    const quint64 generation = m_generation;
    QtConcurrent::run(m_session->lookups(), [store, foreign, id] {
        TreeLoaded out;
        // The container's view: its writable layer on top of what it was made from.
        Result<QStringList> layers = QStringList();
        bool initLayer = true;
        if (foreign) {
            const ForeignSnapshot::Container *c = foreign->container(id);
            if (c) {
                initLayer = !c->initDir.isEmpty();
                layers = foreign->containerBase(*c);
                if (layers)
                    layers->prepend(c->writableDir);
            } else {
                layers = fail(ErrorCode::NotFound, QStringLiteral("no such container: %1").arg(id));
            }
        } else {
            ContainerStore containers(*store);
            auto c = containers.resolve(id);
            layers = c ? containers.viewLayers(c->config) : Result<QStringList>(c.takeError());
        }
        if (!layers) {
            out.error = layers.error();
            return out;
        }
        const QStringList &view = layers.value();
        auto entries = mergedTree(view);
        if (!entries) {
            out.error = entries.error();
            return out;
        }
        // Layer numbers for people: the writable layer, the init layer, then the image's.
        const int below = initLayer ? 2 : 1;
        const int imageLayers = int(view.size()) - below;
        for (TreeEntry &e : entries.value())
            e.layer = e.layer == 0 ? FileTree::writableLayer : (initLayer && e.layer == 1) ? FileTree::initLayer : imageLayers - (e.layer - below) - 1;
        out.tree = FileTree::fromEntries(entries.value());
        return out;
    }).then(this, [this, generation](TreeLoaded out) {
        if (generation != m_generation)
            return;
        form::setProblem(m_problem, out.error.isEmpty() ? QString() : tr("Cannot read the container's files: %1").arg(out.error));
        m_files->setTree(std::move(out.tree));
        form::expandWhileShort(m_filesView);
    });
}

} // namespace strata
