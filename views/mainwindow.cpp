#include "mainwindow.h"

#include "builddialog.h"
#include "buildrunner.h"

#include "containerpage.h"
#include "formhelpers.h"
#include "imagepage.h"
#include "inspector.h"
#include "job.h"
#include "layerpage.h"
#include "overviewpage.h"
#include "peerstores.h"
#include "registrydialog.h"
#include "rundialog.h"
#include "storeactions.h"
#include "sizetext.h"
#include "storesession.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPainter>
#include <QProgressBar>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QSvgGenerator>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

namespace strata {

namespace {
    constexpr int maxRecentRoots = 8;
}

MainWindow::MainWindow(const QString &root, QWidget *parent)
    : MainWindow(parent, &root)
{
}

MainWindow::MainWindow(QWidget *parent)
    : MainWindow(parent, nullptr)
{
}

MainWindow::MainWindow(QWidget *parent, const QString *root)
    : QMainWindow(parent)
    , m_session(new StoreSession(this))
{
    // The session's results come back through the event loop, so nothing arrives before the
    // connections below are made.
    if (root)
        m_session->open(*root);
    setWindowTitle(tr("Strata"));
    setAcceptDrops(true);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);

    auto *split = new QSplitter(Qt::Horizontal, central);
    m_map = new LayerMapWidget(split);
    m_inspector = new Inspector(m_session, split);
    split->addWidget(m_map);
    split->addWidget(m_inspector);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setChildrenCollapsible(false);
    layout->addWidget(split, 1);
    setCentralWidget(central);

    createActions();
    createMenus();
    createToolBar();
    createStatusBar();

    m_map->setEmptyText(tr("Opening the store…"));
    connect(m_session, &StoreSession::opened, this, [this] {
        setWindowTitle(tr("Strata — %1").arg(m_session->description()));
        afterFirstFrame([this, root = m_session->root()] { rememberRoot(root); });
        updateStatus();
    });
    connect(m_session, &StoreSession::openFailed, this, [this](const QString &message) {
        m_map->setEmptyText(tr("The store could not be opened."));
        m_inspector->showOverview(); // not "Reading the store…" for ever
        showError(tr("Cannot open the store: %1").arg(message));
        updateStatus();
    });
    connect(m_session, &StoreSession::snapshotChanged, this, &MainWindow::snapshotArrived);
    connect(m_session, &StoreSession::previewReady, this, [this](const LayerMapInput &map) {
        if (!m_session->hasSnapshot() && m_filter->text().isEmpty())
            m_map->setInput(map);
    });
    connect(m_session, &StoreSession::snapshotFailed, this, [this](const QString &message) { showError(tr("Cannot read the store: %1").arg(message)); });
    connect(m_session, &StoreSession::jobStarted, this, &MainWindow::jobStarted);
    connect(m_session, &StoreSession::jobFinished, this, &MainWindow::jobFinished);
    connect(m_map, &LayerMapWidget::selectionChanged, this, &MainWindow::selectionChanged);
    connect(m_map, &LayerMapWidget::activated, this, &MainWindow::activated);
    connect(m_map, &LayerMapWidget::contextMenuRequested, this, &MainWindow::showContextMenu);

    // The inspector builds its pages when first needed; they are wired as they come.
    connect(m_inspector, &Inspector::pageMade, this, &MainWindow::connectPage);

    resize(1440, 860);
    updateActions();
    // A peer's store on this machine is offered when the window opens on the default store.
    if (root && root->isEmpty())
        afterFirstFrame([this] { m_peers->scan(true); });
    else
        afterFirstFrame([this] { m_peers->scan(false); });
    if (root) {
        m_map->setEmptyText(tr("Opening the store…"));
        updateStatus();
    }
}

void MainWindow::connectPage(Inspector::Page which)
{
    if (which == Inspector::Page::Overview) {
        connect(m_inspector->overviewPage(), &OverviewPage::containerActivated, this, [this](const QString &id) {
            const auto *c = m_session->snapshot().container(id);
            m_map->select(LayerMapWidget::Selection::container(id, c ? c->container.config.imageId : Digest()));
            m_inspector->showContainer(id);
        });
        connect(m_inspector->overviewPage(), &OverviewPage::volumeActivated, m_inspector, &Inspector::showVolume);
        return;
    }
    if (which == Inspector::Page::Image) {
        connect(m_inspector->imagePage(), &ImagePage::layerActivated, this, [this](const Digest &chain, const Digest &image) {
            m_map->select(LayerMapWidget::Selection::layer(chain, image));
            m_inspector->layerPage()->focusFiles();
        });
        return;
    }
    if (which != Inspector::Page::Container)
        return;
    ContainerPage *page = m_inspector->containerPage();
    connect(page, &ContainerPage::startRequested, this, &MainWindow::startContainer);
    connect(page, &ContainerPage::writableSizeChanged, m_map, &LayerMapWidget::setContainerSize);
    connect(page, &ContainerPage::stopRequested, this, &MainWindow::stopContainer);
    connect(page, &ContainerPage::removeRequested, this, &MainWindow::removeContainer);
    connect(page, &ContainerPage::commitRequested, this, &MainWindow::commitContainer);
    connect(page, &ContainerPage::copyOutRequested, this, [this](const QString &id, const QString &path) {
        const QString target = QFileDialog::getExistingDirectory(this, tr("Copy %1 out to").arg(path));
        if (!target.isEmpty())
            runJob(tr("Copying %1 out").arg(path), {}, actions::copyOut(id, path, target));
    });
    connect(page, &ContainerPage::copyInRequested, this, [this](const QString &id, const QString &dir) {
        const QString source = QFileDialog::getOpenFileName(this, tr("Copy a file into %1").arg(dir));
        if (!source.isEmpty())
            runJob(tr("Copying %1 in").arg(QFileInfo(source).fileName()), {}, actions::copyIn(id, source, dir));
    });
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions()
{
    const auto make = [this](const QString &text, const QKeySequence &key, const std::function<void()> &slot, const QString &tip = {}) {
        auto *a = new QAction(text, this);
        if (!key.isEmpty())
            a->setShortcut(key);
        if (!tip.isEmpty())
            a->setStatusTip(tip);
        connect(a, &QAction::triggered, this, slot);
        return a;
    };
    m_openRoot = make(tr("&Open Data Root…"), QKeySequence(tr("Ctrl+Shift+O")), [this] { chooseRoot(); }, tr("Open another store"));
    m_load = make(tr("&Load Image Archive…"), QKeySequence::Open, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Load an image archive"), QString(), tr("Image archives (*.tar *.tar.gz *.tgz *.tar.zst);;All files (*)"));
        if (!path.isEmpty())
            loadArchive(path);
    }, tr("Load a docker-archive (docker save) or an OCI layout tar"));
    m_import = make(tr("&Import Root Filesystem…"), {}, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Import a root filesystem tar"), QString(), tr("Tar archives (*.tar *.tar.gz *.tgz);;All files (*)"));
        if (path.isEmpty())
            return;
        bool ok = false;
        const QString ref = QInputDialog::getText(this, tr("Import"), tr("Name the new image (optional):"), QLineEdit::Normal, QString(), &ok);
        if (ok)
            runJob(tr("Importing %1").arg(QFileInfo(path).fileName()), {}, actions::importRootfs(path, ref));
    });
    m_pull = make(tr("P&ull from Registry…"), QKeySequence(tr("Ctrl+Shift+U")), [this] { registryDialog()->open(RegistryDialog::Mode::Pull); },
        tr("Fetch an image from a registry"));
    m_exportPng = make(tr("Export Map as &PNG…"), {}, [this] { exportMap(false); });
    m_exportSvg = make(tr("Export Map as &SVG…"), {}, [this] { exportMap(true); });
    m_quit = make(tr("&Quit"), QKeySequence::Quit, [this] { close(); });

    m_buildImage = make(tr("&Build Image…"), QKeySequence(tr("Ctrl+B")), [this] {
        BuildDialog *dialog = buildDialog();
        dialog->show();
        dialog->raise();
        dialog->activateWindow();
    }, tr("Build an image from a Dockerfile, with the layer cache"));
    m_runContainer = make(tr("&Run Container…"), QKeySequence(tr("Ctrl+R")), [this] { runContainerDialog(); }, tr("Start a container from an image"));
    m_tag = make(tr("&Tag…"), {}, [this] {
        const QString source = selectedImageRef();
        bool ok = false;
        const QString target = QInputDialog::getText(this, tr("Tag %1").arg(source), tr("New tag (name:tag):"), QLineEdit::Normal, QString(), &ok);
        if (ok && !target.trimmed().isEmpty())
            runJob(tr("Tagging %1").arg(source), {}, actions::tagImage(source, target.trimmed()));
    });
    m_save = make(tr("&Save…"), QKeySequence::Save, [this] {
        const QString ref = selectedImageRef();
        const QString path = QFileDialog::getSaveFileName(this, tr("Save %1").arg(ref), QDir::home().filePath(QString(ref).replace(u':', u'_').replace(u'/', u'_') + QStringLiteral(".tar")), tr("Image archives (*.tar)"));
        if (!path.isEmpty())
            runJob(tr("Saving %1").arg(ref), {}, actions::saveImages({ ref }, path, false));
    });
    m_push = make(tr("&Push to Registry…"), {}, [this] {
        QStringList tags;
        for (const StoreSnapshot::ImageEntry &e : m_session->snapshot().images)
            tags += e.image.tags;
        registryDialog()->open(RegistryDialog::Mode::Push, tags, selectedImageRef());
    }, tr("Send the image to a registry"));
    m_removeImage = make(tr("Re&move Image"), QKeySequence(tr("Shift+Del")), [this] {
        const QString ref = selectedImageRef();
        if (QMessageBox::question(this, tr("Remove image"), tr("Remove %1? Layers other images use stay.").arg(ref)) == QMessageBox::Yes)
            runJob(tr("Removing %1").arg(ref), {}, actions::removeImage(ref, false));
    });
    m_pruneImages = make(tr("Prune &Dangling Images"), {}, [this] { runJob(tr("Pruning dangling images"), {}, actions::pruneImages()); });
    m_demo = make(tr("Create &Demo Images"), {}, [this] {
        const QString script = demoScript();
        if (script.isEmpty()) {
            showError(tr("Cannot create the demo images: demo-images.sh is not installed next to strata"));
            return;
        }
        runJob(tr("Creating the demo images"), {}, actions::createDemoImages(script));
    }, tr("busybox and images that share its layer, made from Debian's busybox-static"));

    m_start = make(tr("S&tart"), {}, [this] { startContainer(selectedContainerId()); });
    m_stop = make(tr("St&op"), QKeySequence(tr("Ctrl+.")), [this] { stopContainer(selectedContainerId()); });
    m_kill = make(tr("&Kill"), {}, [this] {
        const QString id = selectedContainerId();
        runJob(tr("Killing the container"), {}, actions::killContainer(id));
    });
    m_removeContainer = make(tr("&Remove Container"), QKeySequence::Delete, [this] { removeContainer(selectedContainerId()); });
    m_commit = make(tr("&Commit…"), {}, [this] { commitContainer(selectedContainerId()); });
    m_pruneContainers = make(tr("&Prune Stopped Containers"), {}, [this] { runJob(tr("Pruning stopped containers"), {}, actions::pruneContainers()); });

    m_createVolume = make(tr("&Create Volume…"), {}, [this] {
        bool ok = false;
        const QString name = QInputDialog::getText(this, tr("Create volume"), tr("Volume name:"), QLineEdit::Normal, QString(), &ok);
        if (ok && !name.trimmed().isEmpty())
            runJob(tr("Creating volume %1").arg(name), {}, actions::createVolume(name.trimmed()));
    });
    m_removeVolume = make(tr("&Remove Volume"), {}, [this] {
        const QString name = m_inspector->volumePage()->volumeName();
        if (!name.isEmpty())
            runJob(tr("Removing volume %1").arg(name), [this](bool ok, const QString &) { if (ok) m_inspector->showOverview(); }, actions::removeVolume(name));
    });
    m_pruneVolumes = make(tr("&Prune Unused Volumes"), {}, [this] { runJob(tr("Pruning unused volumes"), {}, actions::pruneVolumes()); });

    m_fit = make(tr("&Fit"), QKeySequence(tr("Ctrl+0")), [this] { m_map->fit(); });
    m_zoomIn = make(tr("Zoom &In"), QKeySequence::ZoomIn, [this] { m_map->zoomIn(); });
    m_zoomOut = make(tr("Zoom &Out"), QKeySequence::ZoomOut, [this] { m_map->zoomOut(); });
    m_logScale = make(tr("&Logarithmic Heights"), QKeySequence(tr("Ctrl+L")), [this] {
        m_map->setScale(m_logScale->isChecked() ? LayerMapGeometry::Scale::Log : LayerMapGeometry::Scale::Linear);
        m_scale->setCurrentIndex(m_logScale->isChecked() ? 0 : 1);
    });
    m_logScale->setCheckable(true);
    m_logScale->setChecked(true);
    m_refresh = make(tr("&Refresh"), QKeySequence::Refresh, [this] { m_session->refresh(); });
    m_findFilter = make(tr("&Filter Images"), QKeySequence::Find, [this] {
        m_filter->setFocus();
        m_filter->selectAll();
    });
    m_overview = make(tr("Store &Overview"), QKeySequence(tr("Ctrl+1")), [this] {
        m_map->select({});
        m_inspector->showOverview();
    });
    m_about = make(tr("&About Strata"), {}, [this] {
        QMessageBox::about(this, tr("About Strata"),
            tr("<h3>Strata %1</h3><p>A storage explorer for container images and containers: images as stacks of read-only layers, the layers they share, "
               "and each container's copy-on-write layer as it changes.</p>")
                .arg(QCoreApplication::applicationVersion()));
    });
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_openRoot);
    m_peers = new PeerStores(m_session, centralWidget());
    connect(m_peers, &PeerStores::openRequested, this, &MainWindow::openForeignRoot);
    connect(m_peers, &PeerStores::otherFolderRequested, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a Docker or Podman data root"), m_session->root());
        if (!dir.isEmpty())
            openForeignRoot({}, dir);
    });
    file->addMenu(m_peers->menu());
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    afterFirstFrame([this] { updateRecentMenu(); });
    file->addSeparator();
    file->addAction(m_load);
    file->addAction(m_import);
    file->addAction(m_pull);
    file->addSeparator();
    file->addAction(m_exportPng);
    file->addAction(m_exportSvg);
    file->addSeparator();
    file->addAction(m_quit);

    QMenu *image = menuBar()->addMenu(tr("&Image"));
    image->addAction(m_buildImage);
    image->addAction(m_runContainer);
    image->addAction(m_tag);
    image->addAction(m_save);
    image->addAction(m_push);
    image->addAction(m_removeImage);
    image->addSeparator();
    image->addAction(m_pruneImages);
    image->addAction(m_demo);

    QMenu *container = menuBar()->addMenu(tr("&Container"));
    container->addAction(m_runContainer);
    container->addAction(m_start);
    container->addAction(m_stop);
    container->addAction(m_kill);
    container->addAction(m_commit);
    container->addAction(m_removeContainer);
    container->addSeparator();
    container->addAction(m_pruneContainers);

    QMenu *volume = menuBar()->addMenu(tr("&Volume"));
    volume->addAction(m_createVolume);
    volume->addAction(m_removeVolume);
    volume->addAction(m_pruneVolumes);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_overview);
    view->addAction(m_findFilter);
    view->addSeparator();
    view->addAction(m_fit);
    view->addAction(m_zoomIn);
    view->addAction(m_zoomOut);
    view->addAction(m_logScale);
    view->addSeparator();
    view->addAction(m_refresh);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(m_about);
}

void MainWindow::createToolBar()
{
    QToolBar *bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bar->addAction(m_load);
    bar->addAction(m_buildImage);
    bar->addAction(m_runContainer);
    bar->addAction(m_stop);
    bar->addAction(m_removeContainer);
    auto *prune = new QToolButton(bar);
    prune->setText(tr("Prune"));
    prune->setPopupMode(QToolButton::InstantPopup);
    auto *pruneMenu = new QMenu(prune);
    pruneMenu->addAction(m_pruneContainers);
    pruneMenu->addAction(m_pruneImages);
    pruneMenu->addAction(m_pruneVolumes);
    prune->setMenu(pruneMenu);
    bar->addWidget(prune);
    bar->addSeparator();
    m_filter = new QLineEdit(bar);
    m_filter->setPlaceholderText(tr("Filter images…"));
    // The clear button is hidden, taking no room, until there is text, and making it looks its
    // icon up in the icon theme (parsing the theme's index, 3.5 ms): it comes after the first
    // frame (tst_window checks that nothing moves when it does).
    afterFirstFrame([this] { m_filter->setClearButtonEnabled(true); });
    m_filter->setMaximumWidth(260);
    m_filter->setAccessibleName(tr("Filter images by name"));
    bar->addWidget(m_filter);
    connect(m_filter, &QLineEdit::textChanged, this, [this] {
        if (m_session->hasSnapshot())
            m_map->setInput(mapInput());
    });
    bar->addSeparator();
    m_scale = new QComboBox(bar);
    m_scale->addItem(tr("Size: log"));
    m_scale->addItem(tr("Size: linear"));
    m_scale->setAccessibleName(tr("Block height"));
    m_scale->setToolTip(tr("How block heights follow layer sizes"));
    bar->addWidget(m_scale);
    connect(m_scale, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_logScale->setChecked(index == 0);
        m_map->setScale(index == 0 ? LayerMapGeometry::Scale::Log : LayerMapGeometry::Scale::Linear);
    });
    bar->addAction(m_fit);
    auto *exportButton = new QToolButton(bar);
    exportButton->setText(tr("Export"));
    exportButton->setPopupMode(QToolButton::InstantPopup);
    auto *exportMenu = new QMenu(exportButton);
    exportMenu->addAction(m_exportPng);
    exportMenu->addAction(m_exportSvg);
    exportButton->setMenu(exportMenu);
    bar->addWidget(exportButton);
}

void MainWindow::createStatusBar()
{
    m_status = new QLabel(this);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    statusBar()->addWidget(m_status, 1);
    m_flash = new QLabel(this);
    m_flash->hide();
    m_flashTimer.setSingleShot(true);
    m_flashTimer.setInterval(6000);
    connect(&m_flashTimer, &QTimer::timeout, m_flash, &QWidget::hide);
    statusBar()->addPermanentWidget(m_flash);
    m_jobText = new QLabel(this);
    m_jobProgress = new QProgressBar(this);
    m_jobProgress->setMaximumWidth(180);
    m_jobProgress->setTextVisible(false);
    m_jobCancel = new QToolButton(this);
    m_jobCancel->setText(tr("Cancel"));
    m_jobCancel->setAutoRaise(true);
    statusBar()->addPermanentWidget(m_jobText);
    statusBar()->addPermanentWidget(m_jobProgress);
    statusBar()->addPermanentWidget(m_jobCancel);
    m_jobText->hide();
    m_jobProgress->hide();
    m_jobCancel->hide();
    connect(m_jobCancel, &QToolButton::clicked, this, [this] {
        if (m_currentJob)
            m_currentJob->cancel();
    });
}

QString MainWindow::statusText() const
{
    return m_status->text();
}

void MainWindow::updateStatus()
{
    if (!m_session->isOpen()) {
        m_status->setText(m_session->root().isEmpty() ? tr("No store open") : tr("%1 · not open").arg(m_session->root()));
        return;
    }
    if (!m_session->hasSnapshot()) {
        m_status->setText(tr("%1 · reading…").arg(m_session->root()));
        return;
    }
    const StoreSnapshot &s = m_session->snapshot();
    const StoreSnapshot::DiskUse &d = s.disk;
    const qint64 reclaimable = d.imagesReclaimable + d.containersReclaimable + d.volumesReclaimable;
    m_status->setText(tr("%1 · %2%3 · images %4 (%n layer(s), each stored once)", nullptr, int(s.layers.size()))
                          .arg(m_session->isReadOnly() ? m_session->description() : s.root, s.driver, s.rootless ? tr(" (rootless)") : QString(), sizeText(d.images))
        + u" · " + tr("containers %1").arg(sizeText(d.containers)) + u" · " + tr("volumes %1").arg(sizeText(d.volumes)) + u" · "
        + tr("reclaimable %1").arg(sizeText(reclaimable)));
}

void MainWindow::openRoot(const QString &root)
{
    m_firstSnapshot = true;
    m_map->setInput({});
    m_map->setEmptyText(tr("Opening the store…"));
    m_inspector->showOverview();
    m_session->open(root);
    updateStatus();
}

void MainWindow::openForeignRoot(const QString &kind, const QString &root)
{
    m_firstSnapshot = true;
    m_map->setInput({});
    m_map->setEmptyText(tr("Opening the store…"));
    m_inspector->showOverview();
    m_session->openForeign(kind, root);
    updateStatus();
}

void MainWindow::snapshotArrived()
{
    const StoreSnapshot &s = m_session->snapshot();
    if (s.readOnly())
        m_map->setEmptyText(tr("No images in the %1.").arg(m_session->description()));
    else
        m_map->setEmptyText(tr("No images in this store yet.\n\nDrop an image archive here (docker save, podman save or an OCI layout tar), use File ▸ Load Image Archive…, or Image ▸ Create Demo Images."));
    m_map->setInput(mapInput());
    // The inspector follows what it shows.
    const Inspector::Page current = m_inspector->currentPage();
    if (current == Inspector::Page::Overview && !m_inspector->hasPage(Inspector::Page::Overview)) {
        m_inspector->showOverview(); // the first snapshot: the overview has something to show
    } else if (current == Inspector::Page::Layer && !m_inspector->layerPage()->chainId().isNull()) {
        if (s.layers.contains(m_inspector->layerPage()->chainId()))
            m_inspector->showLayer(m_inspector->layerPage()->chainId(), m_map->selection().imageId);
        else
            m_inspector->showOverview();
    } else if (current == Inspector::Page::Image) {
        if (s.image(m_inspector->imagePage()->imageId()))
            m_inspector->showImage(m_inspector->imagePage()->imageId());
        else
            m_inspector->showOverview();
    }
    if (!s.problems.isEmpty() && m_firstSnapshot)
        showError(tr("Some of the store could not be read: %1 (run stratactl check)").arg(s.problems.join(QStringLiteral("; "))));
    m_firstSnapshot = false;
    updateStatus();
    updateActions();
    if (m_pendingReady) {
        auto ready = std::move(m_pendingReady);
        m_pendingReady = nullptr;
        ready();
    }
}

void MainWindow::selectionChanged(const LayerMapWidget::Selection &selection)
{
    switch (selection.kind) {
    case LayerMapWidget::Selection::Kind::None:
        m_inspector->showOverview();
        break;
    case LayerMapWidget::Selection::Kind::Image:
        m_inspector->showImage(selection.imageId);
        break;
    case LayerMapWidget::Selection::Kind::Layer:
        m_inspector->showLayer(selection.chainId, selection.imageId);
        break;
    case LayerMapWidget::Selection::Kind::Container:
        m_inspector->showContainer(selection.containerId);
        break;
    }
    updateActions();
}

void MainWindow::activated(const LayerMapWidget::Selection &selection)
{
    selectionChanged(selection);
    if (selection.kind == LayerMapWidget::Selection::Kind::Layer)
        m_inspector->layerPage()->focusFiles();
    else if (selection.kind == LayerMapWidget::Selection::Kind::Container)
        m_inspector->containerPage()->showFeed();
}

LayerMapInput MainWindow::mapInput() const
{
    const QString filter = m_filter->text();
    LayerMapInput input = filter.isEmpty() ? m_session->map() : LayerMapInput::fromSnapshot(m_session->snapshot(), filter);
    // A build in progress: its layers so far, as the column its image will be.
    if (m_buildDialog && m_buildDialog->runner()->running()) {
        if (auto preview = m_buildDialog->runner()->preview())
            input.images.append(preview.value());
    }
    return input;
}

RegistryDialog *MainWindow::registryDialog()
{
    if (!m_registryDialog) {
        m_registryDialog = new RegistryDialog([this](const QString &title, const std::function<void(bool, const QString &)> &done, Job::Work work) {
            return runJob(title, done, std::move(work));
        }, this);
    }
    return m_registryDialog;
}

BuildDialog *MainWindow::buildDialog()
{
    if (m_buildDialog)
        return m_buildDialog;
    m_buildDialog = new BuildDialog(m_session, this);
    BuildRunner *runner = m_buildDialog->runner();
    connect(runner, &BuildRunner::stepChanged, this, [this](const BuildEvent &e) {
        if (e.kind != BuildEvent::Kind::StepStarted)
            m_map->setInput(mapInput());
    });
    connect(m_buildDialog, &BuildDialog::built, this, [this](bool ok, const QString &message, const Digest &imageId) {
        m_map->setInput(mapInput());
        m_session->refresh();
        if (!ok) {
            if (m_buildDialog->runner()->wasCancelled())
                flash(message); // the user asked for it: no error to dismiss
            else
                showError(tr("The build failed: %1").arg(message));
            return;
        }
        flash(tr("Built %1").arg(message.isEmpty() ? imageId.shortHex() : message));
        // The new image, once the snapshot that has it is in.
        const QString id = imageId.toString();
        auto select = std::make_shared<QMetaObject::Connection>();
        *select = connect(m_session, &StoreSession::snapshotChanged, this, [this, id, select] {
            if (selectReference(id))
                disconnect(*select);
        });
    });
    return m_buildDialog;
}

QString MainWindow::selectedImageRef() const
{
    const LayerMapWidget::Selection s = m_map->selection();
    if (s.imageId.isNull())
        return {};
    const auto *e = m_session->snapshot().image(s.imageId);
    if (!e)
        return {};
    return e->image.tags.isEmpty() ? e->image.id.toString() : e->image.tags.first();
}

QString MainWindow::selectedContainerId() const
{
    if (m_map->selection().kind == LayerMapWidget::Selection::Kind::Container)
        return m_map->selection().containerId;
    if (m_inspector->currentPage() == Inspector::Page::Container)
        return m_inspector->containerPage()->containerId();
    return {};
}

void MainWindow::updateActions()
{
    const bool open = m_session->isOpen();
    const bool image = open && !selectedImageRef().isEmpty() && m_map->selection().kind != LayerMapWidget::Selection::Kind::Container;
    const QString containerId = selectedContainerId();
    const auto *c = open && !containerId.isEmpty() ? m_session->snapshot().container(containerId) : nullptr;
    for (QAction *a : { m_load, m_import, m_pull, m_pruneImages, m_demo, m_pruneContainers, m_createVolume, m_pruneVolumes, m_runContainer, m_exportPng, m_exportSvg })
        a->setEnabled(open);
    for (QAction *a : { m_tag, m_save, m_push, m_removeImage })
        a->setEnabled(image);
    m_start->setEnabled(c && !c->container.state.running());
    m_stop->setEnabled(c && c->container.state.running());
    m_kill->setEnabled(c && c->container.state.running());
    m_removeContainer->setEnabled(c != nullptr);
    m_commit->setEnabled(c != nullptr);
    m_removeVolume->setEnabled(open && m_inspector->currentPage() == Inspector::Page::Volume);
    // A peer's store is only read: what would write is off, and says why.
    PeerStores::markReadOnly({ m_load, m_import, m_pull, m_push, m_buildImage, m_runContainer, m_tag, m_save, m_removeImage, m_pruneImages, m_demo, m_start, m_stop, m_kill,
                                 m_removeContainer, m_commit, m_pruneContainers, m_createVolume, m_removeVolume, m_pruneVolumes },
        m_session->isReadOnly(), m_session->foreignKind());
}

void MainWindow::showError(const QString &message)
{
    m_lastError = message;
    // Colours from the palette in use now: the desktop may have switched to dark meanwhile.
    QPalette warn = palette();
    const bool dark = form::isDark(warn);
    warn.setColor(QPalette::Window, dark ? QColor(0x5c, 0x22, 0x22) : QColor(0xfd, 0xe7, 0xe7));
    warn.setColor(QPalette::WindowText, dark ? QColor(0xff, 0xe0, 0xe0) : QColor(0x7a, 0x12, 0x12));
    warn.setColor(QPalette::ButtonText, warn.color(QPalette::WindowText));
    if (!m_messageBar) {
        // Errors stay in sight until dismissed, without a modal box in the way. Made with the
        // first one: most sessions have none, and the start-up need not build it.
        auto *layout = static_cast<QVBoxLayout *>(centralWidget()->layout());
        m_messageBar = new QFrame(centralWidget());
        m_messageBar->setAutoFillBackground(true);
        auto *barLayout = new QHBoxLayout(m_messageBar);
        barLayout->setContentsMargins(12, 6, 6, 6);
        m_messageText = new QLabel(m_messageBar);
        m_messageText->setWordWrap(true);
        m_messageText->setTextInteractionFlags(Qt::TextSelectableByMouse);
        auto *close = new QToolButton(m_messageBar);
        close->setText(tr("Dismiss"));
        close->setAutoRaise(true);
        barLayout->addWidget(m_messageText, 1);
        barLayout->addWidget(close);
        connect(close, &QToolButton::clicked, m_messageBar, &QWidget::hide);
        layout->insertWidget(0, m_messageBar);
    }
    m_messageBar->setPalette(warn);
    m_messageText->setText(message);
    m_messageBar->show();
}

void MainWindow::flash(const QString &message)
{
    m_flash->setText(message);
    m_flash->show();
    m_flashTimer.start();
}

Job *MainWindow::runJob(const QString &title, const std::function<void(bool, const QString &)> &done, Job::Work work)
{
    Job *job = m_session->startJob(title, std::move(work));
    if (!job) {
        showError(tr("%1: no store is open").arg(title));
        return nullptr;
    }
    connect(job, &Job::finished, this, [this, title, done](bool ok, const QString &message) {
        if (!ok)
            showError(message.isEmpty() ? tr("%1 failed").arg(title) : message);
        else if (!message.isEmpty())
            flash(message.section(u'\n', -1));
        if (done)
            done(ok, message);
    });
    return job;
}

void MainWindow::jobStarted(Job *job)
{
    m_currentJob = job;
    m_jobText->setText(job->title() + QStringLiteral("…"));
    m_jobProgress->setRange(0, 0);
    m_jobText->show();
    m_jobProgress->show();
    m_jobCancel->show();
    connect(job, &Job::progressed, this, [this, job](const ProgressUpdate &u) {
        if (job != m_currentJob)
            return;
        m_jobText->setText(u.phase.isEmpty() ? job->title() : u.phase);
        if (u.total > 0) {
            m_jobProgress->setRange(0, 1000);
            m_jobProgress->setValue(int(1000.0 * double(u.done) / double(u.total)));
        } else {
            m_jobProgress->setRange(0, 0);
        }
    });
}

void MainWindow::jobFinished(Job *job)
{
    if (job != m_currentJob)
        return;
    const QList<Job *> running = m_session->runningJobs();
    if (!running.isEmpty()) {
        jobStarted(running.last());
        return;
    }
    m_currentJob = nullptr;
    m_jobText->hide();
    m_jobProgress->hide();
    m_jobCancel->hide();
}

void MainWindow::loadArchive(const QString &path)
{
    runJob(tr("Loading %1").arg(QFileInfo(path).fileName()), {}, actions::loadArchive(path));
}

void MainWindow::runContainerDialog()
{
    QStringList images;
    for (const auto &e : m_session->snapshot().images) {
        for (const QString &t : e.image.tags)
            images.append(t);
    }
    RunDialog dialog(images, selectedImageRef(), this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const CreateRequest request = dialog.request();
    const bool detach = dialog.detach();
    runJob(tr("Starting a container from %1").arg(request.image), [this, detach, request](bool ok, const QString &) {
        if (!ok)
            return;
        // Show the new container once the snapshot that holds it is in.
        QPointer<MainWindow> self(this);
        const QString name = request.name;
        connect(m_session, &StoreSession::snapshotChanged, this, [self, name, detach] {
            if (!self)
                return;
            const StoreSnapshot &s = self->m_session->snapshot();
            const StoreSnapshot::ContainerEntry *newest = nullptr;
            for (const auto &c : s.containers) {
                if ((!name.isEmpty() && c.container.config.name == name) || (name.isEmpty() && (!newest || c.container.config.created > newest->container.config.created)))
                    newest = &c;
            }
            if (!newest)
                return;
            self->m_map->select(LayerMapWidget::Selection::container(newest->container.config.id, newest->container.config.imageId));
            if (!detach)
                self->m_inspector->containerPage()->showFeed();
        }, Qt::SingleShotConnection);
    }, actions::runContainer(request));
}

void MainWindow::startContainer(const QString &id)
{
    if (!id.isEmpty())
        runJob(tr("Starting the container"), {}, actions::startContainer(id));
}

void MainWindow::stopContainer(const QString &id)
{
    if (!id.isEmpty())
        runJob(tr("Stopping the container"), {}, actions::stopContainer(id));
}

void MainWindow::removeContainer(const QString &id)
{
    if (id.isEmpty())
        return;
    const auto *c = m_session->snapshot().container(id);
    const bool running = c && c->container.state.running();
    runJob(running ? tr("Stopping and removing the container") : tr("Removing the container"), {}, actions::removeContainer(id, running));
}

void MainWindow::commitContainer(const QString &id)
{
    if (id.isEmpty())
        return;
    bool ok = false;
    const QString ref = QInputDialog::getText(this, tr("Commit"), tr("Name the new image (name:tag, optional):"), QLineEdit::Normal, QString(), &ok);
    if (ok)
        runJob(tr("Committing the container"), {}, actions::commitContainer(id, ref.trimmed()));
}

void MainWindow::showContextMenu(const LayerMapWidget::Selection &selection, const QPoint &globalPos)
{
    QMenu menu(this);
    switch (selection.kind) {
    case LayerMapWidget::Selection::Kind::Layer:
        menu.addAction(tr("Show Files"), this, [this, selection] { activated(selection); });
        menu.addAction(tr("Show Aggregated Files"), this, [this, selection] {
            activated(selection);
            m_inspector->layerPage()->setAggregated(true);
        });
        menu.addSeparator();
        [[fallthrough]];
    case LayerMapWidget::Selection::Kind::Image:
        menu.addAction(m_runContainer);
        menu.addAction(m_tag);
        menu.addAction(m_save);
        menu.addAction(m_push);
        menu.addAction(m_removeImage);
        break;
    case LayerMapWidget::Selection::Kind::Container:
        menu.addAction(tr("Show Live Changes"), this, [this, selection] { activated(selection); });
        menu.addAction(m_start);
        menu.addAction(m_stop);
        menu.addAction(m_kill);
        menu.addAction(m_commit);
        menu.addAction(m_removeContainer);
        break;
    case LayerMapWidget::Selection::Kind::None:
        menu.addAction(m_load);
        menu.addAction(m_pull);
        menu.addAction(m_demo);
        menu.addSeparator();
        menu.addAction(m_fit);
        menu.addAction(m_logScale);
        break;
    }
    updateActions();
    menu.exec(globalPos);
}

bool MainWindow::selectReference(const QString &reference)
{
    const StoreSnapshot &s = m_session->snapshot();
    LayerMapWidget::Selection sel;
    if (reference.startsWith(QLatin1String("layer:"))) {
        const QString prefix = reference.mid(6).remove(QStringLiteral("sha256:"));
        for (auto it = s.layers.constBegin(); it != s.layers.constEnd(); ++it) {
            if (it.key().hex().startsWith(prefix))
                sel = LayerMapWidget::Selection::layer(it.key(), it->images.value(0));
        }
    } else if (reference.startsWith(QLatin1String("container:"))) {
        const QString name = reference.mid(10);
        for (const auto &c : s.containers) {
            if (c.container.config.name == name || c.container.config.id.startsWith(name))
                sel = LayerMapWidget::Selection::container(c.container.config.id, c.container.config.imageId);
        }
    } else if (reference.startsWith(QLatin1String("volume:"))) {
        m_inspector->showVolume(reference.mid(7));
        return m_inspector->volumePage()->volumeName() == reference.mid(7);
    } else if (reference == QLatin1String("overview")) {
        m_map->select({});
        m_inspector->showOverview();
        return true;
    } else {
        const QString ref = reference.contains(u':') || reference.startsWith(QLatin1String("sha256")) ? reference : reference + QStringLiteral(":latest");
        for (const auto &e : s.images) {
            if (e.image.tags.contains(ref) || e.image.tags.contains(QStringLiteral("docker.io/library/") + ref) || e.image.id.toString().startsWith(reference)
                || e.image.id.hex().startsWith(reference))
                sel = LayerMapWidget::Selection::image(e.image.id);
        }
    }
    if (sel.kind == LayerMapWidget::Selection::Kind::None)
        return false;
    m_map->select(sel);
    return true;
}

void MainWindow::whenReady(const QString &select, const std::function<void(bool, const QString &)> &ready)
{
    auto attempt = [this, select, ready] {
        if (select.isEmpty()) {
            QTimer::singleShot(200, this, [ready] { ready(true, {}); });
            return;
        }
        if (!selectReference(select)) {
            ready(false, tr("nothing in the store matches '%1'").arg(select));
            return;
        }
        if (m_map->selection().kind == LayerMapWidget::Selection::Kind::Layer && m_inspector->layerPage()->isLoading()) {
            connect(m_inspector->layerPage(), &LayerPage::filesLoaded, this, [ready] { ready(true, {}); }, Qt::SingleShotConnection);
            return;
        }
        // A container's feed and logs, an image's efficiency: a moment to arrive.
        QTimer::singleShot(600, this, [ready] { ready(true, {}); });
    };
    if (m_session->hasSnapshot())
        attempt();
    else
        m_pendingReady = attempt;
    connect(m_session, &StoreSession::openFailed, this, [ready](const QString &message) { ready(false, message); }, Qt::SingleShotConnection);
}

QString MainWindow::demoScript()
{
    const QString exeDir = QCoreApplication::applicationDirPath();
    const QStringList candidates {
        exeDir + QStringLiteral("/../share/strata/demo-images.sh"),
#ifdef STRATA_SOURCE_DIR
        QStringLiteral(STRATA_SOURCE_DIR "/packaging/demo-images.sh"),
#endif
    };
    for (const QString &c : candidates) {
        if (QFileInfo::exists(c))
            return QFileInfo(c).canonicalFilePath();
    }
    return {};
}

void MainWindow::chooseRoot()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a data root"), m_session->root());
    if (!dir.isEmpty())
        openRoot(dir);
}

void MainWindow::afterFirstFrame(std::function<void()> work)
{
    if (m_framePainted)
        work();
    else
        m_afterFirstFrame.push_back(std::move(work));
}

namespace {
    const QEvent::Type afterFirstFrameEvent = QEvent::Type(QEvent::registerEventType());
}

bool MainWindow::event(QEvent *event)
{
    if (event->type() == QEvent::Paint && !m_framePainted && !m_frameQueued) {
        // The window paints first in its frame, its children after it: the work waits behind
        // the frame and behind whatever it posts at normal priority.
        m_frameQueued = true;
        QCoreApplication::postEvent(this, new QEvent(afterFirstFrameEvent), Qt::LowEventPriority);
    } else if (event->type() == afterFirstFrameEvent) {
        m_framePainted = true;
        auto work = std::move(m_afterFirstFrame);
        m_afterFirstFrame.clear();
        for (const auto &w : work)
            w();
        return true;
    }
    return QMainWindow::event(event);
}

void MainWindow::rememberRoot(const QString &root)
{
    QSettings settings;
    QStringList recent = settings.value(QStringLiteral("recentRoots")).toStringList();
    recent.removeAll(root);
    recent.prepend(root);
    while (recent.size() > maxRecentRoots)
        recent.removeLast();
    settings.setValue(QStringLiteral("recentRoots"), recent);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu()
{
    if (!m_recentMenu)
        return;
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(QStringLiteral("recentRoots")).toStringList();
    for (const QString &root : recent)
        m_recentMenu->addAction(root, this, [this, root] { openRoot(root); });
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::exportMap(bool svg)
{
    const QString path = QFileDialog::getSaveFileName(this, svg ? tr("Export the map as SVG") : tr("Export the map as PNG"), QDir::home().filePath(svg ? QStringLiteral("layer-map.svg") : QStringLiteral("layer-map.png")),
        svg ? tr("SVG images (*.svg)") : tr("PNG images (*.png)"));
    if (path.isEmpty())
        return;
    if (!exportMapTo(path, svg))
        showError(tr("Cannot write %1").arg(path));
    else
        flash(tr("Exported the map to %1").arg(path));
}

bool MainWindow::exportMapTo(const QString &path, bool svg) const
{
    const QSize size = m_map->mapSize();
    if (size.isEmpty())
        return false;
    if (svg) {
        QSvgGenerator generator;
        generator.setFileName(path);
        generator.setSize(size);
        generator.setViewBox(QRect(QPoint(0, 0), size));
        generator.setTitle(tr("Strata layer map"));
        QPainter p;
        if (!p.begin(&generator))
            return false;
        p.fillRect(QRect(QPoint(0, 0), size), palette().color(QPalette::Base));
        m_map->render(p);
        return p.end();
    }
    // Twice the pixels at least: a map for documents and slides, sharp on high-DPI screens.
    const qreal ratio = std::max<qreal>(2.0, devicePixelRatioF());
    QImage image(size * ratio, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(ratio);
    image.fill(palette().color(QPalette::Base));
    QPainter p(&image);
    m_map->render(p);
    p.end();
    return image.save(path);
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (m_session->isReadOnly())
        return; // nothing is loaded into a peer's store
    if (event->mimeData()->hasUrls()) {
        for (const QUrl &url : event->mimeData()->urls()) {
            if (url.isLocalFile()) {
                event->acceptProposedAction();
                return;
            }
        }
    }
}

void MainWindow::dropEvent(QDropEvent *event)
{
    for (const QUrl &url : event->mimeData()->urls()) {
        if (url.isLocalFile())
            loadArchive(url.toLocalFile());
    }
    event->acceptProposedAction();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    // Containers keep running: only jobs of this window stop when it closes.
    const QList<Job *> running = m_session->runningJobs();
    if (!running.isEmpty()
        && QMessageBox::question(this, tr("Quit Strata"), tr("%n job(s) still running will be cancelled (containers keep running). Quit anyway?", nullptr, int(running.size())))
            != QMessageBox::Yes) {
        event->ignore();
        return;
    }
    for (Job *job : running)
        job->cancel();
    event->accept();
}

} // namespace strata
