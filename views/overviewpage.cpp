#include "overviewpage.h"

#include "filetree.h"
#include "filetreemodel.h"
#include "formhelpers.h"
#include "sizetext.h"
#include "storefootprint.h"
#include "storesession.h"

#include <QHeaderView>
#include <QLocale>
#include <QSortFilterProxyModel>
#include <QTreeView>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace strata {

namespace {

    QTreeWidget *table(const QStringList &headers, QWidget *parent, const QString &name)
    {
        auto *t = new QTreeWidget(parent);
        t->setRootIsDecorated(false);
        t->setHeaderLabels(headers);
        t->setAlternatingRowColors(true);
        t->setUniformRowHeights(true);
        t->setAccessibleName(name);
        t->header()->setStretchLastSection(false);
        t->header()->setSectionResizeMode(0, QHeaderView::Stretch);
        for (int c = 1; c < headers.size(); ++c)
            t->header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
        return t;
    }

    struct VolumeFiles {
        FileTree tree;
        QString error;
    };
}

OverviewPage::OverviewPage(StoreSession *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
{
    QVBoxLayout *layout = form::page(this, m_title, m_subtitle);
    layout->addSpacing(6);
    layout->addWidget(form::heading(tr("Disk use"), this));
    m_disk = table({ tr("Type"), tr("Total"), tr("Active"), tr("Size"), tr("Reclaimable") }, this, tr("Disk use"));
    m_disk->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    layout->addWidget(m_disk);
    auto *note = new QLabel(tr("File sizes, as docker system df counts them: images count each layer once, however many images share it. Reclaimable: what removing unused images, stopped containers and unused volumes would free."), this);
    note->setWordWrap(true);
    note->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(note);
    layout->addSpacing(6);
    QWidget *onDisk = form::heading(tr("On disk"), this);
    layout->addWidget(onDisk);
    m_footprint = table({ tr("Part"), tr("Size") }, this, tr("On disk"));
    m_footprint->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    layout->addWidget(m_footprint);
    auto *blocks = new QLabel(tr("Disk blocks, as du counts them. Snapshots: the unpacked layers, each once. Layer metadata: the tar-splits from which "
                                 "layer archives are rebuilt. Blobs: manifests, configs and compressed layers as they came."),
        this);
    blocks->setWordWrap(true);
    blocks->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(blocks);
    m_footprintSection = { onDisk, m_footprint, blocks };
    layout->addSpacing(6);
    layout->addWidget(form::heading(tr("Containers"), this));
    m_containers = table({ tr("Name"), tr("Image"), tr("State"), tr("Writable") }, this, tr("Containers"));
    layout->addWidget(m_containers, 1);
    layout->addWidget(form::heading(tr("Volumes"), this));
    m_volumes = table({ tr("Name"), tr("Size"), tr("Used by") }, this, tr("Volumes"));
    layout->addWidget(m_volumes, 1);
    m_problems = form::problem(this);
    layout->addWidget(m_problems);
    connect(m_containers, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item) { Q_EMIT containerActivated(item->data(0, Qt::UserRole).toString()); });
    connect(m_volumes, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item) { Q_EMIT volumeActivated(item->data(0, Qt::UserRole).toString()); });
    connect(m_session, &StoreSession::snapshotChanged, this, &OverviewPage::refresh);
}

void OverviewPage::refresh()
{
    const StoreSnapshot &s = m_session->snapshot();
    m_title->setText(tr("Store"));
    m_subtitle->setText(s.readOnly() ? tr("%1 · driver %2").arg(m_session->description(), s.driver)
                                     : tr("%1 · driver %2%3").arg(s.root, s.driver, s.rootless ? tr(" · rootless") : QString()));
    m_disk->clear();
    const StoreSnapshot::DiskUse &d = s.disk;
    const auto row = [&](const QString &type, qsizetype total, int active, qint64 size, qint64 reclaimable) {
        auto *item = new QTreeWidgetItem(m_disk, { type, QString::number(total), QString::number(active), sizeText(size), sizeText(reclaimable) });
        for (int c = 1; c < 5; ++c)
            item->setTextAlignment(c, Qt::AlignRight | Qt::AlignVCenter);
    };
    row(tr("Images"), s.images.size(), d.activeImages, d.images, d.imagesReclaimable);
    row(tr("Containers"), s.containers.size(), d.activeContainers, d.containers, d.containersReclaimable);
    row(tr("Volumes"), s.volumes.size(), d.activeVolumes, d.volumes, d.volumesReclaimable);
    // Its three rows and the header, without a scroll bar or empty space.
    m_disk->setFixedHeight(m_disk->header()->sizeHint().height() + 3 * m_disk->sizeHintForRow(0) + 2 * m_disk->frameWidth() + 2);
    // The parts of Strata's own layout: a peer's root has others (its disk use is the table above).
    for (QWidget *w : std::as_const(m_footprintSection))
        w->setVisible(!s.readOnly());
    if (!s.readOnly())
        measureFootprint();
    m_containers->clear();
    for (const auto &c : s.containers) {
        auto *item = new QTreeWidgetItem(m_containers, { c.container.config.name, c.container.config.imageRef, c.container.state.statusName(), sizeText(c.writableBytes) });
        item->setData(0, Qt::UserRole, c.container.config.id);
        item->setTextAlignment(3, Qt::AlignRight | Qt::AlignVCenter);
    }
    if (s.containers.isEmpty()) {
        auto *item = new QTreeWidgetItem(m_containers, { s.readOnly() ? tr("No containers.") : tr("No containers. Run one from an image (Container ▸ Run…).") });
        item->setFlags(Qt::NoItemFlags);
        item->setFirstColumnSpanned(true);
    }
    m_volumes->clear();
    for (const Volume &v : s.volumes) {
        auto *item = new QTreeWidgetItem(m_volumes, { v.name, sizeText(std::max<qint64>(0, v.size)), v.usedBy.join(QStringLiteral(", ")) });
        item->setData(0, Qt::UserRole, v.name);
        item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
    }
    if (s.volumes.isEmpty()) {
        auto *item = new QTreeWidgetItem(m_volumes, { s.readOnly() ? tr("Volumes of a peer's store are not read.") : tr("No volumes.") });
        item->setFlags(Qt::NoItemFlags);
        item->setFirstColumnSpanned(true);
    }
    const QString problems = s.problems.join(QStringLiteral("; "));
    form::setProblem(m_problems, problems.isEmpty() ? QString() : s.readOnly() ? tr("Left out: %1").arg(problems) : tr("Could not read: %1 (run stratactl check)").arg(problems));
}

// Walks the data root on the thread pool; one walk at a time, another after it when the
// store changed meanwhile.
void OverviewPage::measureFootprint()
{
    if (m_measuring) {
        m_measureAgain = true;
        return;
    }
    m_measuring = true;
    const StoreSnapshot &s = m_session->snapshot();
    const QString root = s.root, layers = s.root + QStringLiteral("/layers/") + s.driver;
    if (m_footprint->topLevelItemCount() == 0 || m_footprintRoot != root) {
        m_footprint->clear();
        auto *item = new QTreeWidgetItem(m_footprint, { tr("Measuring the store's disk blocks…") });
        item->setFlags(Qt::NoItemFlags);
        item->setFirstColumnSpanned(true);
        m_footprint->setFixedHeight(m_footprint->header()->sizeHint().height() + m_footprint->sizeHintForRow(0) + 2 * m_footprint->frameWidth() + 2);
    }
    QtConcurrent::run(m_session->readers(), [root, layers] {
        StoreSession::yieldToTheWindow();
        return StoreFootprint::measure(root, layers);
    }).then(this, [this, root](const StoreFootprint &f) {
        m_measuring = false;
        if (m_measureAgain || root != m_session->snapshot().root) {
            m_measureAgain = false;
            measureFootprint();
            return;
        }
        m_footprintRoot = root;
        m_footprint->clear();
        const auto row = [&](const QString &part, qint64 size, const QString &what) {
            auto *item = new QTreeWidgetItem(m_footprint, { part, sizeText(size) });
            item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
            item->setToolTip(0, what);
            item->setToolTip(1, what);
            return item;
        };
        row(tr("Layer snapshots"), f.snapshots, tr("the unpacked layers, each once"));
        row(tr("Layer metadata"), f.layerMetadata, tr("tar-splits: layer tars are rebuilt from them"));
        row(tr("Blobs"), f.blobs, tr("manifests, configs, compressed layers"));
        row(tr("Containers"), f.containers, tr("writable layers and logs"));
        row(tr("Volumes"), f.volumes, QString());
        row(tr("Other"), f.other, tr("build cache index, staging"));
        QTreeWidgetItem *total = row(tr("Total"), f.total, tr("the whole data root, as du counts its blocks"));
        QFont bold = total->font(0);
        bold.setBold(true);
        for (int c = 0; c < 2; ++c)
            total->setFont(c, bold);
        m_footprint->setFixedHeight(m_footprint->header()->sizeHint().height() + 7 * m_footprint->sizeHintForRow(0) + 2 * m_footprint->frameWidth() + 2);
    });
}

VolumePage::VolumePage(StoreSession *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
{
    QVBoxLayout *layout = form::page(this, m_title, m_subtitle);
    QFormLayout *f = form::layout();
    m_size = form::addRow(f, tr("Size"));
    m_users = form::addRow(f, tr("Used by"));
    m_created = form::addRow(f, tr("Created"));
    m_mountpoint = form::addRow(f, tr("Mountpoint"));
    layout->addLayout(f);
    m_files = new FileTreeModel(this);
    QTreeView *view = form::fileTree(m_files, this, tr("Volume contents"));
    view->hideColumn(FileTreeModel::MarkColumn);
    view->hideColumn(FileTreeModel::LayerColumn);
    layout->addWidget(view, 1);
    m_problem = form::problem(this);
    layout->addWidget(m_problem);
}

void VolumePage::showVolume(const QString &name)
{
    m_name = name;
    const StoreSnapshot &s = m_session->snapshot();
    const Volume *volume = nullptr;
    for (const Volume &v : s.volumes) {
        if (v.name == name)
            volume = &v;
    }
    if (!volume)
        return;
    m_title->setText(volume->name);
    m_subtitle->setText(volume->anonymous ? tr("Anonymous volume") : tr("Volume"));
    form::set(m_size, sizeText(std::max<qint64>(0, volume->size)));
    form::set(m_users, volume->usedBy.join(QStringLiteral(", ")));
    form::set(m_created, volume->created.isValid() ? QLocale().toString(volume->created.toLocalTime(), QLocale::ShortFormat) : QString());
    form::set(m_mountpoint, volume->mountpoint);
    const quint64 generation = ++m_generation;
    const QString dir = volume->mountpoint;
    QtConcurrent::run(m_session->lookups(), [dir] {
        VolumeFiles out;
        auto entries = mergedTree({ dir });
        if (entries)
            out.tree = FileTree::fromEntries(entries.value());
        else
            out.error = entries.error();
        return out;
    }).then(this, [this, generation](VolumeFiles out) {
        if (generation != m_generation)
            return;
        form::setProblem(m_problem, out.error.isEmpty() ? QString() : tr("Cannot read the volume's files: %1").arg(out.error));
        m_files->setTree(std::move(out.tree));
    });
}

} // namespace strata
