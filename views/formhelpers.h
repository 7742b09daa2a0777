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
    // A quieter line under a title.
    QLabel *subtitle(QWidget *parent = nullptr);
    // A value people may want to copy (digests, paths): selectable, wrapping anywhere.
    QLabel *value(QWidget *parent = nullptr);
    // Adds "label: value" and returns the value label.
    QLabel *addRow(QFormLayout *layout, const QString &label);
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
