#pragma once

#include <QFormLayout>
#include <QLabel>
#include <QString>

namespace strata {

// Small pieces the inspector pages share.
namespace form {

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
    // Shows `text`, or a dash in the placeholder colour when it is empty.
    void set(QLabel *label, const QString &text);

} // namespace form

} // namespace strata
