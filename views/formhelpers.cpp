#include "formhelpers.h"

namespace strata::form {

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

QLabel *addRow(QFormLayout *layout, const QString &label)
{
    QLabel *v = value();
    auto *name = new QLabel(label);
    name->setForegroundRole(QPalette::PlaceholderText);
    layout->addRow(name, v);
    return v;
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

void set(QLabel *label, const QString &text)
{
    label->setText(text.isEmpty() ? QStringLiteral("—") : text);
    label->setForegroundRole(text.isEmpty() ? QPalette::PlaceholderText : QPalette::WindowText);
}

} // namespace strata::form
