#pragma once

#include <QPointer>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;
class QTableView;
class QTreeView;

namespace strata {

class ChangeFeedModel;
class ContainerFollower;
class FileTreeModel;
class StoreSession;

// The inspector for a container: its state, command, image, times, exit code and mounts; the
// live feed of every change to its writable layer (with where a copy-up came from); its diff as
// a tree; its logs, followed; an exec console; and its whole filesystem to browse, each entry
// marked with the layer it comes from, with copy out and in through `cp`.
class ContainerPage : public QWidget {
    Q_OBJECT
public:
    explicit ContainerPage(StoreSession *session, QWidget *parent = nullptr);
    ~ContainerPage() override;
    void showContainer(const QString &id);
    QString containerId() const { return m_id; }

    // Runs `sh -c command` in the container and shows what it printed.
    void execute(const QString &command);
    ChangeFeedModel *feed() const { return m_feed; }
    QPlainTextEdit *consoleOutput() const { return m_consoleOut; }
    QLineEdit *consoleInput() const { return m_consoleIn; }
    void showFeed();
    // Whether the live feed's watch is in place for the shown container.
    bool isWatching() const { return m_watching; }

Q_SIGNALS:
    void executed(int exitCode);
    void writableSizeChanged(const QString &id, qint64 bytes);
    // Buttons the main window turns into jobs.
    void stopRequested(const QString &id);
    void startRequested(const QString &id);
    void removeRequested(const QString &id);
    void commitRequested(const QString &id);
    void copyOutRequested(const QString &id, const QString &containerPath);
    void copyInRequested(const QString &id, const QString &containerDir);

private:
    void refreshDetails();
    void loadDiff();
    void loadFiles();
    QString selectedFilePath() const;

    StoreSession *m_session;
    QString m_id;
    quint64 m_generation = 0;
    bool m_watching = false;
    QPointer<ContainerFollower> m_follower;
    QLabel *m_title;
    QLabel *m_subtitle;
    QLabel *m_state, *m_command, *m_image, *m_created, *m_started, *m_exit, *m_mounts, *m_writable;
    QPushButton *m_start, *m_stop, *m_remove, *m_commit;
    QTabWidget *m_tabs;
    ChangeFeedModel *m_feed;
    QTableView *m_feedView;
    QLabel *m_feedHint;
    FileTreeModel *m_diff;
    QTreeView *m_diffView;
    QPlainTextEdit *m_logs;
    QPlainTextEdit *m_consoleOut;
    QLineEdit *m_consoleIn;
    FileTreeModel *m_files;
    QTreeView *m_filesView;
    QLabel *m_problem; // a diff or file listing that could not be read
    QStringList m_viewNames; // the merged view's layers, top first, named
};

} // namespace strata
