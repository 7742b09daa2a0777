#pragma once

#include <QList>
#include <QWidget>

class QLabel;
class QTreeWidget;

namespace strata {

class FileTreeModel;
class StoreSession;

// What the inspector shows with nothing selected: the store, its disk use by kind (logical,
// each layer counted once, with what pruning would reclaim), what it really takes on disk by
// part (as du counts blocks), and its containers and volumes.
class OverviewPage : public QWidget {
    Q_OBJECT
public:
    explicit OverviewPage(StoreSession *session, QWidget *parent = nullptr);
    void refresh();
    // Whether the disk-block figures of the store on show are in (they are measured off the
    // GUI thread after each refresh).
    bool footprintShown() const { return !m_measuring && !m_footprintRoot.isEmpty(); }

Q_SIGNALS:
    void containerActivated(const QString &id);
    void volumeActivated(const QString &name);

private:
    StoreSession *m_session;
    QLabel *m_title;
    QLabel *m_subtitle;
    void measureFootprint();

    QTreeWidget *m_disk;
    QTreeWidget *m_footprint;
    QList<QWidget *> m_footprintSection; // heading, table and note: not shown for a peer's store
    bool m_measuring = false, m_measureAgain = false;
    QString m_footprintRoot; // the store the figures shown are of
    QTreeWidget *m_containers;
    QTreeWidget *m_volumes;
    QLabel *m_problems;
};

// The inspector for a volume: where it is, its size, the containers that use it, and its files.
class VolumePage : public QWidget {
    Q_OBJECT
public:
    explicit VolumePage(StoreSession *session, QWidget *parent = nullptr);
    void showVolume(const QString &name);
    QString volumeName() const { return m_name; }

private:
    StoreSession *m_session;
    QString m_name;
    quint64 m_generation = 0;
    QLabel *m_title;
    QLabel *m_subtitle;
    QLabel *m_mountpoint, *m_created, *m_size, *m_users;
    FileTreeModel *m_files;
    QLabel *m_problem;
};

} // namespace strata
