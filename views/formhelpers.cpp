#include "formhelpers.h"

#include "filetreemodel.h"

#include <QClipboard>
#include <QCoreApplication>
#include <QContextMenuEvent>
#include <QGuiApplication>
#include <QHeaderView>
#include <QKeyEvent>
#include <QMenu>
#include <QSortFilterProxyModel>
#include <QTreeView>

namespace strata::form {

namespace {

    class DigestLabel : public QLabel {
    public:
        explicit DigestLabel(QWidget *parent = nullptr)
            : QLabel(parent)
        {
            setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
            setTextFormat(Qt::PlainText);
            setFocusPolicy(Qt::ClickFocus);
            setContextMenuPolicy(Qt::DefaultContextMenu);
        }
        void setFullText(const QString &text, bool placeholder)
        {
            m_full = text;
            m_placeholder = placeholder;
            setToolTip(placeholder ? QString() : text);
            elide();
        }

    protected:
        void resizeEvent(QResizeEvent *event) override
        {
            QLabel::resizeEvent(event);
            elide();
        }
        void contextMenuEvent(QContextMenuEvent *event) override
        {
            if (m_placeholder)
                return;
            QMenu menu(this);
            menu.addAction(QCoreApplication::translate("strata::form", "&Copy"), this, [this] { QGuiApplication::clipboard()->setText(m_full); });
            menu.exec(event->globalPos());
        }
        void keyPressEvent(QKeyEvent *event) override
        {
            if (event->matches(QKeySequence::Copy) && !m_placeholder) {
                QGuiApplication::clipboard()->setText(m_full);
                return;
            }
            QLabel::keyPressEvent(event);
        }

    private:
        void elide()
        {
            const QString shown = fontMetrics().elidedText(m_full, Qt::ElideMiddle, std::max(40, contentsRect().width()));
            if (shown != text())
                setText(shown);
        }
        QString m_full;
        bool m_placeholder = true;
    };

} // namespace

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

QLabel *title(QWidget *parent)
{
    auto *l = new QLabel(parent);
    QFont f = l->font();
    f.setPointSizeF(f.pointSizeF() * 1.3);
    f.setBold(true);
    l->setFont(f);
    l->setWordWrap(true);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return l;
}

QString shortenLongWords(const QString &text, int maxChars)
{
    QStringList words = text.split(u' ');
    const int keep = std::max(4, (maxChars - 1) / 2);
    for (QString &w : words)
        if (w.size() > maxChars)
            w = w.left(keep) + QStringLiteral("…") + w.right(keep);
    return words.join(u' ');
}

QLabel *subtitle(QWidget *parent)
{
    auto *l = new QLabel(parent);
    l->setWordWrap(true);
    l->setForegroundRole(QPalette::PlaceholderText);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return l;
}

QLabel *value(QWidget *parent)
{
    auto *l = new QLabel(parent);
    l->setWordWrap(true);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    l->setTextFormat(Qt::PlainText);
    l->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    return l;
}

static QLabel *addLabelled(QFormLayout *layout, const QString &label, QLabel *v)
{
    auto *name = new QLabel(label);
    name->setForegroundRole(QPalette::PlaceholderText);
    layout->addRow(name, v);
    return v;
}

QLabel *addRow(QFormLayout *layout, const QString &label)
{
    return addLabelled(layout, label, value());
}

QLabel *addDigestRow(QFormLayout *layout, const QString &label)
{
    return addLabelled(layout, label, new DigestLabel);
}

QFormLayout *layout()
{
    auto *f = new QFormLayout;
    f->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    f->setLabelAlignment(Qt::AlignLeft | Qt::AlignTop);
    f->setFormAlignment(Qt::AlignLeft | Qt::AlignTop);
    f->setHorizontalSpacing(14);
    f->setVerticalSpacing(5);
    f->setRowWrapPolicy(QFormLayout::DontWrapRows);
    return f;
}

QVBoxLayout *page(QWidget *page, QLabel *&titleLabel, QLabel *&subtitleLabel)
{
    auto *l = new QVBoxLayout(page);
    l->setContentsMargins(12, 12, 12, 12);
    titleLabel = title(page);
    subtitleLabel = subtitle(page);
    l->addWidget(titleLabel);
    l->addWidget(subtitleLabel);
    return l;
}

QLabel *heading(const QString &text, QWidget *parent)
{
    auto *l = new QLabel(text, parent);
    l->setWordWrap(true);
    QFont f = l->font();
    f.setBold(true);
    l->setFont(f);
    return l;
}

QTreeView *fileTree(QAbstractItemModel *fileTreeModel, QWidget *parent, const QString &accessibleName)
{
    auto *proxy = new QSortFilterProxyModel(parent);
    proxy->setSourceModel(fileTreeModel);
    proxy->setSortRole(FileTreeModel::SortRole);
    proxy->setFilterKeyColumn(FileTreeModel::NameColumn);
    proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    proxy->setRecursiveFilteringEnabled(true);
    auto *view = new QTreeView(parent);
    view->setModel(proxy);
    view->setSortingEnabled(true);
    view->sortByColumn(FileTreeModel::NameColumn, Qt::AscendingOrder);
    view->setUniformRowHeights(true);
    view->setAlternatingRowColors(true);
    view->setAccessibleName(accessibleName);
    view->header()->setStretchLastSection(false);
    view->header()->setSectionResizeMode(FileTreeModel::NameColumn, QHeaderView::Stretch);
    for (int c = FileTreeModel::MarkColumn; c < FileTreeModel::ColumnCount; ++c)
        view->header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    return view;
}

void expandWhileShort(QTreeView *view, int budget)
{
    QAbstractItemModel *model = view->model();
    QList<QModelIndex> level { QModelIndex() };
    int shown = model->rowCount();
    while (!level.isEmpty() && shown < budget) {
        QList<QModelIndex> next;
        for (const QModelIndex &parent : std::as_const(level)) {
            for (int r = 0; r < model->rowCount(parent); ++r) {
                const QModelIndex child = model->index(r, 0, parent);
                const int rows = model->rowCount(child);
                if (rows == 0)
                    continue;
                if (shown + rows > budget)
                    return;
                view->expand(child);
                shown += rows;
                next.append(child);
            }
        }
        level = next;
    }
}

QVBoxLayout *tab(QWidget *tab)
{
    auto *l = new QVBoxLayout(tab);
    l->setContentsMargins(0, 6, 0, 0);
    return l;
}

QLabel *problem(QWidget *parent)
{
    QLabel *l = value(parent);
    l->setVisible(false);
    return l;
}

void setProblem(QLabel *label, const QString &text)
{
    label->setText(text);
    label->setVisible(!text.isEmpty());
}

void set(QLabel *label, const QString &text)
{
    if (auto *digest = dynamic_cast<DigestLabel *>(label))
        digest->setFullText(text.isEmpty() ? QStringLiteral("—") : text, text.isEmpty());
    else
        label->setText(text.isEmpty() ? QStringLiteral("—") : text);
    label->setForegroundRole(text.isEmpty() ? QPalette::PlaceholderText : QPalette::WindowText);
}

} // namespace strata::form
