#pragma once

#include "digest.h"
#include "imagetypes.h"

#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSortFilterProxyModel;
class QTabWidget;
class QTreeView;
class QTreeWidget;

namespace strata {

class FileTreeModel;
class StoreSession;

// The inspector for a layer: its digests, size, instruction and the images sharing it; the
// files it adds, modifies and deletes as a tree (sortable, filterable), or the aggregated tree
// of everything visible up to it; a file's content, with a diff against the version below; and
// the X-ray of a path through the image's layers.
class LayerPage : public QWidget {
    Q_OBJECT
public:
    explicit LayerPage(StoreSession *session, QWidget *parent = nullptr);
    // The layer as part of `imageId` (which image's stack the files and X-ray are read in).
    void showLayer(const Digest &chainId, const Digest &imageId);
    Digest chainId() const { return m_chainId; }

    void setAggregated(bool aggregated);
    void xray(const QString &path);
    // For tests and the benchmark: the model, and whether the files are still loading.
    FileTreeModel *fileModel() const { return m_files; }
    bool isLoading() const { return m_loading; }
    QTreeView *fileView() const { return m_tree; }
    QTreeWidget *xrayView() const { return m_xrayResult; }
    void focusFiles();

Q_SIGNALS:
    void filesLoaded();
    void xrayDone();

private:
    void loadFiles();
    void showPreview(const QModelIndex &index);

    StoreSession *m_session;
    Digest m_chainId;
    Digest m_imageId;
    Image m_image;
    int m_index = -1;
    quint64 m_generation = 0;
    quint64 m_previewGeneration = 0;
    bool m_loading = false;
    QLabel *m_title;
    QLabel *m_subtitle;
    QLabel *m_size, *m_diffId, *m_chain, *m_blob, *m_stored, *m_images;
    QTabWidget *m_tabs;
    QLineEdit *m_filter;
    QCheckBox *m_aggregated;
    QLabel *m_summary;
    FileTreeModel *m_files;
    QSortFilterProxyModel *m_proxy;
    QTreeView *m_tree;
    QPlainTextEdit *m_preview;
    QLineEdit *m_xrayPath;
    QTreeWidget *m_xrayResult;
};

} // namespace strata
