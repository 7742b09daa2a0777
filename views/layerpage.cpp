#include "layerpage.h"

#include "filetree.h"
#include "filetreemodel.h"
#include "formhelpers.h"
#include "sizetext.h"
#include "layercontents.h"
#include "storesession.h"
#include "textdiff.h"

#include <QCheckBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTabWidget>
#include <QTreeView>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <sys/stat.h>

namespace strata {

namespace {

    struct Loaded {
        FileTree tree;
        qint64 total = 0; // the bytes of the top level, summed on the worker
        QString error;
        bool ok = false;
    };
    struct Preview {
        QString text;
        QString error;
    };
    struct Xray {
        QList<XrayStep> steps;
        QString error;
        bool ok = false;
    };

    QString kindWord(Change::Kind kind)
    {
        switch (kind) {
        case Change::Kind::Added:
            return LayerPage::tr("added");
        case Change::Kind::Changed:
            return LayerPage::tr("modified");
        case Change::Kind::Deleted:
            return LayerPage::tr("deleted");
        }
        return {};
    }
}

LayerPage::LayerPage(StoreSession *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
{
    QVBoxLayout *layout = form::page(this, m_title, m_subtitle);
    QFormLayout *f = form::layout();
    m_size = form::addRow(f, tr("Size"));
    m_images = form::addRow(f, tr("Images"));
    m_diffId = form::addDigestRow(f, tr("diffID"));
    m_chain = form::addDigestRow(f, tr("chainID"));
    m_blob = form::addDigestRow(f, tr("Blob"));
    m_stored = form::addRow(f, tr("Stored as"));
    layout->addLayout(f);

    m_tabs = new QTabWidget(this);
    layout->addWidget(m_tabs, 1);

    // Files
    auto *files = new QWidget;
    QVBoxLayout *fl = form::tab(files);
    auto *bar = new QHBoxLayout;
    m_filter = new QLineEdit(files);
    m_filter->setPlaceholderText(tr("Filter files…"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setAccessibleName(tr("Filter files"));
    m_aggregated = new QCheckBox(tr("&Aggregated up to this layer"), files);
    m_aggregated->setToolTip(tr("Show everything visible with this layer and the ones below it stacked, each file marked with the layer it comes from"));
    bar->addWidget(m_filter, 1);
    bar->addWidget(m_aggregated);
    fl->addLayout(bar);
    m_summary = new QLabel(files);
    m_summary->setForegroundRole(QPalette::PlaceholderText);
    fl->addWidget(m_summary);
    auto *split = new QSplitter(Qt::Vertical, files);
    m_files = new FileTreeModel(this);
    m_tree = form::fileTree(m_files, split, tr("Files of the layer"));
    m_proxy = static_cast<QSortFilterProxyModel *>(m_tree->model());
    m_preview = new QPlainTextEdit(split);
    m_preview->setReadOnly(true);
    m_preview->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_preview->setPlaceholderText(tr("Select a file to see its content here; a modified text file shows what this layer changed in it."));
    m_preview->setAccessibleName(tr("File content"));
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    fl->addWidget(split, 1);
    m_tabs->addTab(files, tr("&Files"));

    // X-ray
    auto *xrayTab = new QWidget;
    QVBoxLayout *xl = form::tab(xrayTab);
    auto *xbar = new QHBoxLayout;
    m_xrayPath = new QLineEdit(xrayTab);
    m_xrayPath->setPlaceholderText(tr("A path, e.g. /etc/passwd"));
    m_xrayPath->setAccessibleName(tr("Path to X-ray"));
    auto *go = new QPushButton(tr("X-ray"), xrayTab);
    xbar->addWidget(m_xrayPath, 1);
    xbar->addWidget(go);
    xl->addLayout(xbar);
    auto *hint = new QLabel(tr("Every layer of the image that adds, modifies or deletes the path; the visible version is marked."), xrayTab);
    hint->setWordWrap(true);
    hint->setForegroundRole(QPalette::PlaceholderText);
    xl->addWidget(hint);
    m_xrayResult = new QTreeWidget(xrayTab);
    m_xrayResult->setRootIsDecorated(false);
    m_xrayResult->setHeaderLabels({ tr("Layer"), tr("Change"), tr("Size"), tr("Visible"), tr("Instruction") });
    m_xrayResult->header()->setStretchLastSection(true);
    m_xrayResult->setAccessibleName(tr("X-ray result"));
    xl->addWidget(m_xrayResult, 1);
    m_tabs->addTab(xrayTab, tr("&X-ray"));

    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_proxy->setFilterFixedString(text);
        form::expandWhileShort(m_tree, text.isEmpty() ? 300 : 2000);
    });
    connect(m_aggregated, &QCheckBox::toggled, this, [this] { loadFiles(); });
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this, [this](const QModelIndex &current) { showPreview(current); });
    connect(m_tree, &QTreeView::activated, this, [this](const QModelIndex &index) {
        m_xrayPath->setText(QString::fromUtf8(index.data(FileTreeModel::PathRole).toByteArray()));
    });
    connect(go, &QPushButton::clicked, this, [this] { xray(m_xrayPath->text()); });
    connect(m_xrayPath, &QLineEdit::returnPressed, this, [this] { xray(m_xrayPath->text()); });
}

void LayerPage::focusFiles()
{
    m_tabs->setCurrentIndex(0);
    m_tree->setFocus();
}

void LayerPage::setAggregated(bool aggregated)
{
    m_aggregated->setChecked(aggregated);
}

void LayerPage::showLayer(const Digest &chainId, const Digest &imageId)
{
    const StoreSnapshot &snap = m_session->snapshot();
    const StoreSnapshot::LayerEntry layer = snap.layers.value(chainId);
    Digest image = imageId;
    if (image.isNull() && !layer.images.isEmpty())
        image = layer.images.first();
    const StoreSnapshot::ImageEntry *e = snap.image(image);
    if (!e)
        return;
    const bool same = chainId == m_chainId && image == m_imageId;
    m_chainId = chainId;
    m_imageId = image;
    m_image = e->image;
    m_index = -1;
    for (int i = 0; i < m_image.layers.size(); ++i) {
        if (m_image.layers[i].chainId == chainId)
            m_index = i;
    }
    m_title->setText(layer.createdBy.isEmpty() ? tr("Layer %1").arg(chainId.shortHex()) : form::shortenLongWords(layer.createdBy.simplified()));
    m_title->setToolTip(layer.createdBy.simplified()); // whole, digests and all
    m_subtitle->setText(tr("Layer %1 of %2 (0 is the base) · as seen in %3").arg(m_index).arg(m_image.layers.size()).arg(m_image.displayName()));
    QStringList names;
    for (const Digest &id : layer.images) {
        if (const auto *ie = snap.image(id))
            names.append(ie->image.displayName());
    }
    form::set(m_size, layer.images.size() > 1 ? tr("%1 — shared by %n image(s), stored once", nullptr, int(layer.images.size())).arg(sizeText(layer.size)) : sizeText(layer.size));
    form::set(m_images, names.join(QStringLiteral(", ")));
    form::set(m_diffId, layer.diffId.toString());
    form::set(m_chain, chainId.toString());
    // A peer may keep a layer only unpacked (Docker's overlay2 does): no archive to name.
    form::set(m_blob, layer.blob.digest.isNull() ? QString() : layer.blob.digest.toString());
    form::set(m_stored, layer.blob.digest.isNull() ? tr("unpacked only (the store keeps no archive of this layer)")
                                                   : tr("%1 · %2").arg(sizeText(layer.blob.size), layer.blob.mediaType));
    if (!same) {
        m_preview->clear();
        m_xrayResult->clear();
        loadFiles();
    }
}

void LayerPage::loadFiles()
{
    const std::optional<LayerContents> contents = m_session->layerContents();
    if (m_index < 0 || !contents)
        return;
    const quint64 generation = ++m_generation;
    m_loading = true;
    m_summary->setText(tr("Loading the files…"));
    // The tree shown until now is freed on a worker: a big one takes a while.
    (void)QtConcurrent::run(m_session->lookups(), [old = m_files->setTree({})]() mutable { FileTree gone = std::move(old); });
    const Image image = m_image;
    const int index = m_index;
    const bool aggregated = m_aggregated->isChecked();
    QtConcurrent::run(m_session->lookups(), [contents = *contents, image, index, aggregated] {
        Loaded out;
        if (aggregated) {
            auto entries = contents.mergedTree(image, index);
            out.ok = entries.ok();
            if (entries)
                out.tree = FileTree::fromEntries(entries.value());
            else
                out.error = entries.error();
        } else {
            auto changes = contents.changes(image, index);
            out.ok = changes.ok();
            if (changes)
                out.tree = FileTree::fromChanges(changes.value());
            else
                out.error = changes.error();
        }
        for (int top : std::as_const(out.tree.top))
            out.total += out.tree.nodes[top].total;
        return out;
    }).then(this, [this, generation, aggregated](Loaded out) {
        if (generation != m_generation)
            return;
        m_loading = false;
        if (!out.ok) {
            m_summary->setText(tr("Cannot read the files: %1").arg(out.error));
            Q_EMIT filesLoaded();
            return;
        }
        const qint64 total = out.total;
        const qsizetype files = out.tree.files;
        // The empty tree set when loading began comes back: nothing to free.
        (void)m_files->setTree(std::move(out.tree));
        m_tree->setColumnHidden(FileTreeModel::LayerColumn, !aggregated);
        m_summary->setText(aggregated ? tr("%n file(s) visible up to this layer · %1", nullptr, int(files)).arg(sizeText(total))
                                      : tr("%n file(s) changed by this layer · %1 written", nullptr, int(files)).arg(sizeText(total)));
        form::expandWhileShort(m_tree);
        Q_EMIT filesLoaded();
    });
}

void LayerPage::showPreview(const QModelIndex &index)
{
    if (!index.isValid() || index.data(FileTreeModel::IsDirRole).toBool()) {
        m_preview->clear();
        return;
    }
    const QByteArray path = index.data(FileTreeModel::PathRole).toByteArray();
    const int mark = index.data(FileTreeModel::MarkRole).toInt();
    const quint64 generation = ++m_previewGeneration;
    const std::optional<LayerContents> contents = m_session->layerContents();
    if (!contents)
        return;
    const Image image = m_image;
    const int layer = m_index;
    m_preview->setPlainText(tr("Reading %1…").arg(QString::fromUtf8(path)));
    QtConcurrent::run(m_session->lookups(), [contents = *contents, image, layer, path, mark] {
        Preview out;
        constexpr qint64 maxBytes = 64 * 1024;
        if (FileTree::Mark(mark) == FileTree::Mark::Deleted) {
            auto before = contents.readFile(image, layer - 1, path, maxBytes);
            out.text = LayerPage::tr("Deleted by this layer.");
            if (before && before->exists && looksLikeText(before->head))
                out.text += u"\n\n"_qs + LayerPage::tr("It held, below:") + u"\n"_qs + QString::fromUtf8(before->head);
            return out;
        }
        auto now = contents.readFile(image, layer, path, maxBytes);
        if (!now) {
            out.error = now.error();
            return out;
        }
        if (!now->linkTarget.isEmpty()) {
            out.text = LayerPage::tr("A symbolic link to %1").arg(QString::fromUtf8(now->linkTarget));
            return out;
        }
        if (!S_ISREG(mode_t(now->mode))) {
            out.text = LayerPage::tr("Not a regular file: nothing to show.");
            return out;
        }
        const QString cut = now->truncated ? u"\n\n"_qs + LayerPage::tr("(the first %1 of %2)").arg(sizeText(now->head.size()), sizeText(now->size)) : QString();
        if (!looksLikeText(now->head)) {
            out.text = hexDump(now->head) + cut;
            return out;
        }
        const QString text = QString::fromUtf8(now->head);
        if (FileTree::Mark(mark) == FileTree::Mark::Modified && layer > 0) {
            auto before = contents.readFile(image, layer - 1, path, maxBytes);
            if (before && before->exists && looksLikeText(before->head)) {
                const TextDiff diff = TextDiff::compute(QString::fromUtf8(before->head), text);
                if (!diff.tooLarge) {
                    out.text = LayerPage::tr("What this layer changed (- below, + now): %1 line(s) removed, %2 added").arg(diff.removed).arg(diff.added) + u"\n\n"_qs
                        + diff.lines.join(u'\n') + u"\n\n"_qs + LayerPage::tr("Now:") + u"\n"_qs + text + cut;
                    return out;
                }
            }
        }
        out.text = text + cut;
        return out;
    }).then(this, [this, generation](const Preview &out) {
        if (generation != m_previewGeneration)
            return;
        m_preview->setPlainText(out.error.isEmpty() ? out.text : tr("Cannot read the file: %1").arg(out.error));
    });
}

void LayerPage::xray(const QString &path)
{
    const std::optional<LayerContents> contents = m_session->layerContents();
    if (path.trimmed().isEmpty() || !contents)
        return;
    m_tabs->setCurrentIndex(1);
    m_xrayPath->setText(path);
    m_xrayResult->clear();
    const Image image = m_image;
    const QByteArray p = path.trimmed().toUtf8();
    QStringList made;
    for (const ImageLayer &l : image.layers)
        made.append(m_session->snapshot().layers.value(l.chainId).createdBy);
    QtConcurrent::run(m_session->lookups(), [contents = *contents, image, p] {
        Xray out;
        auto steps = contents.xray(image, p);
        out.ok = steps.ok();
        if (steps)
            out.steps = steps.value();
        else
            out.error = steps.error();
        return out;
    }).then(this, [this, made](const Xray &out) {
        if (!out.ok) {
            auto *item = new QTreeWidgetItem(m_xrayResult, { QString(), out.error });
            item->setFirstColumnSpanned(true);
        } else if (out.steps.isEmpty()) {
            auto *item = new QTreeWidgetItem(m_xrayResult, { tr("No layer of this image has that path.") });
            item->setFirstColumnSpanned(true);
        }
        for (const XrayStep &s : out.steps) {
            auto *item = new QTreeWidgetItem(m_xrayResult, { QString::number(s.layer), kindWord(s.kind), s.size < 0 ? QString() : sizeText(s.size),
                                                               s.visible ? tr("visible") : QString(), made.value(s.layer).simplified() });
            if (s.visible) {
                QFont f = item->font(0);
                f.setBold(true);
                for (int c = 0; c < 5; ++c)
                    item->setFont(c, f);
            }
        }
        for (int c = 0; c < 4; ++c)
            m_xrayResult->resizeColumnToContents(c);
        Q_EMIT xrayDone();
    });
}

} // namespace strata
