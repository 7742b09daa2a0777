#pragma once

#include "job.h"
#include "inspector.h"
#include "layermapwidget.h"

#include <QMainWindow>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <vector>

class QAction;
class QActionGroup;
class QComboBox;
class QLabel;
class QLineEdit;
class QMenu;
class QProgressBar;
class QToolButton;

namespace strata {

class BuildDialog;
class RegistryDialog;
class Inspector;
class PeerStores;
class StoreSession;

// The explorer window: the layer map in the centre, the inspector beside it, actions in the
// toolbar, menus, context menus and shortcuts, every long job in the status bar with progress
// and cancel, and the store's disk use along the bottom.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    // Opens `root` (empty: the default store) as openRoot() does, but starts reading it before
    // the window is built, so the store and the saved map arrive while the widgets are made.
    explicit MainWindow(const QString &root, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Opens a data root (empty: the default store for this user).
    void openRoot(const QString &root);
    // Opens a peer's data root (`kind` as ForeignRoot names it, "docker" or "podman"; empty:
    // detected) read-only.
    void openForeignRoot(const QString &kind, const QString &root);
    // File ▸ Open Docker or Podman Store and the offer of the ones found (for tests).
    PeerStores *peerStores() const { return m_peers; }
    StoreSession *session() const { return m_session; }
    LayerMapWidget *map() const { return m_map; }
    Inspector *inspector() const { return m_inspector; }
    // The last error shown to the user (empty when none), for tests.
    QString lastError() const { return m_lastError; }
    QString statusText() const;

    // Starts a job on the store; its end is reported in the status bar (and errors in the
    // message bar), and `done` runs after it.
    Job *runJob(const QString &title, const std::function<void(bool, const QString &)> &done, Job::Work work);
    void loadArchive(const QString &path);
    void runContainerDialog();
    // The build dialog (made on first use): the window follows its builds on the map.
    BuildDialog *buildDialog();
    RegistryDialog *registryDialog(); // pull and push, made when first needed
    // Selects an image by reference ("demo:layers") or ID, a layer ("layer:<chainID>") or a
    // container ("container:<name>"), as --select does.
    bool selectReference(const QString &reference);

    // When the store's first snapshot is in and whatever `select` names is shown: for
    // --screenshot.
    void whenReady(const QString &select, const std::function<void(bool ok, const QString &error)> &ready);
    static QString demoScript();
    // The whole map at 1:1 (PNG at twice the pixels), as File ▸ Export writes it.
    bool exportMapTo(const QString &path, bool svg) const;

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void closeEvent(QCloseEvent *event) override;
    bool event(QEvent *event) override;

private:
    // Work the first frame does not show (the filter's clear button, which appears only with
    // text; the recent roots, written to the settings and listed in a closed menu) runs once
    // that frame is painted: at once if it has been.
    void afterFirstFrame(std::function<void()> work);
    MainWindow(QWidget *parent, const QString *root);
    void connectPage(Inspector::Page page);
    void createActions();
    void createMenus();
    void createToolBar();
    void createStatusBar();
    void updateActions();
    void updateStatus();
    void snapshotArrived();
    void selectionChanged(const LayerMapWidget::Selection &selection);
    void activated(const LayerMapWidget::Selection &selection);
    void showError(const QString &message);
    void flash(const QString &message); // a passing note beside the job area
    void chooseRoot();
    void rememberRoot(const QString &root);
    void updateRecentMenu();
    void exportMap(bool svg);
    void showContextMenu(const LayerMapWidget::Selection &selection, const QPoint &globalPos);
    void jobStarted(Job *job);
    void jobFinished(Job *job);
    // What the map shows: the session's map, or the images the filter keeps.
    LayerMapInput mapInput() const;
    QString selectedImageRef() const;
    QString selectedContainerId() const;

    // Container actions by ID, shared by the menus and the container page.
    void startContainer(const QString &id);
    void stopContainer(const QString &id);
    void removeContainer(const QString &id);
    void commitContainer(const QString &id);

    StoreSession *m_session;
    LayerMapWidget *m_map;
    Inspector *m_inspector;
    QWidget *m_messageBar = nullptr; // made with the first error
    QLabel *m_messageText = nullptr;
    QLineEdit *m_filter;
    QComboBox *m_scale;
    QLabel *m_status;
    QLabel *m_flash;
    QTimer m_flashTimer;
    QLabel *m_jobText;
    QProgressBar *m_jobProgress;
    QToolButton *m_jobCancel;
    QPointer<Job> m_currentJob;
    QMenu *m_recentMenu = nullptr;
    PeerStores *m_peers = nullptr;
    QString m_lastError;
    bool m_firstSnapshot = true;
    bool m_framePainted = false;
    bool m_frameQueued = false;
    std::vector<std::function<void()>> m_afterFirstFrame;
    std::function<void()> m_pendingReady;

    QAction *m_openRoot, *m_load, *m_import, *m_pull, *m_exportPng, *m_exportSvg, *m_quit;
    QAction *m_buildImage, *m_runContainer, *m_tag, *m_save, *m_push, *m_removeImage, *m_pruneImages, *m_demo;
    QPointer<BuildDialog> m_buildDialog;
    QPointer<RegistryDialog> m_registryDialog;
    QAction *m_start, *m_stop, *m_kill, *m_removeContainer, *m_commit, *m_pruneContainers;
    QAction *m_createVolume, *m_removeVolume, *m_pruneVolumes;
    QAction *m_fit, *m_zoomIn, *m_zoomOut, *m_logScale, *m_refresh, *m_findFilter, *m_overview;
    QAction *m_about;
};

} // namespace strata
