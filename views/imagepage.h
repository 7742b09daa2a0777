#pragma once

#include "digest.h"

#include <QWidget>

class QLabel;
class QTableView;

namespace strata {

class HistoryModel;
class StoreSession;

// The inspector for an image: tags, ID, created, platform, its configuration, its history,
// what it costs (size, shared, unique) and dive's efficiency and wasted space.
class ImagePage : public QWidget {
    Q_OBJECT
public:
    explicit ImagePage(StoreSession *session, QWidget *parent = nullptr);
    void showImage(const Digest &id);
    Digest imageId() const { return m_id; }
    QString historyText() const; // the instructions, one per line (for tests)
    QString efficiencyText() const; // the efficiency row as shown (for tests)

Q_SIGNALS:
    void layerActivated(const strata::Digest &chainId, const strata::Digest &imageId);

private:
    void computeEfficiency();

    StoreSession *m_session;
    Digest m_id;
    quint64 m_generation = 0;
    QLabel *m_title;
    QLabel *m_subtitle;
    QLabel *m_tags, *m_fullId, *m_created, *m_platform, *m_entrypoint, *m_cmd, *m_env, *m_workdir, *m_user, *m_ports, *m_volumes, *m_labels;
    QLabel *m_size, *m_containers, *m_efficiency;
    HistoryModel *m_historyModel;
    QTableView *m_history;
};

} // namespace strata
