#pragma once

#include <QFormLayout>
#include <QVBoxLayout>
#include <QLabel>
#include <QPalette>
#include <QString>

class QAbstractItemModel;
class QTreeView;

namespace strata {

// Small pieces the inspector pages share.
namespace form {

    // Whether a palette is a dark one (light text on a dark window), for colours of our own.
    bool isDark(const QPalette &palette);

    // A page title: larger, bold, elided by the layout rather than clipped.
    QLabel *title(QWidget *parent = nullptr);
    // `text` with every word longer than `maxChars` shortened in the middle ("file:8c78244de3…7e45031"),
    // for a word-wrapped label, which can only clip a word wider than itself (a digest).
    QString shortenLongWords(const QString &text, int maxChars = 32);
    // A quieter line under a title.
    QLabel *subtitle(QWidget *parent = nullptr);
    // A value people may want to copy (digests, paths): selectable, wrapping anywhere.
    QLabel *value(QWidget *parent = nullptr);
    // Adds "label: value" and returns the value label.
    QLabel *addRow(QFormLayout *layout, const QString &label);
    // The same for a digest or ID (an unbroken value a word-wrapping label would clip): shown
    // whole when it fits, else shortened in the middle ("sha256:832d31f8…2f89c9353"), whole in
    // its tooltip, and copied whole (its context menu, Ctrl+C). form::set() fills it.
    QLabel *addDigestRow(QFormLayout *layout, const QString &label);
    // A form layout set up the same way on every page.
    QFormLayout *layout();
    // An inspector page's layout with its title and subtitle on top.
    QVBoxLayout *page(QWidget *page, QLabel *&title, QLabel *&subtitle);
    // A bold section heading.
    QLabel *heading(const QString &text, QWidget *parent = nullptr);
    // A sortable tree of a FileTreeModel (through a QSortFilterProxyModel, the view's model):
    // names stretch, the other columns fit their contents.
    QTreeView *fileTree(QAbstractItemModel *fileTreeModel, QWidget *parent, const QString &accessibleName);
    // Opens a tree level by level while the rows shown stay under `budget`: a small tree is seen
    // whole, a tree of 200,000 files does not lay out 200,000 rows on the GUI thread.
    void expandWhileShort(QTreeView *view, int budget = 300);
    // A tab's layout, with the small top margin the inspector's tabs share.
    QVBoxLayout *tab(QWidget *tab);
    // A line for what could not be read, hidden until setProblem() gives it a text.
    QLabel *problem(QWidget *parent = nullptr);
    void setProblem(QLabel *label, const QString &text);
    // Shows `text`, or a dash in the placeholder colour when it is empty.
    void set(QLabel *label, const QString &text);

} // namespace form

} // namespace strata
