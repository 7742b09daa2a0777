#include "rundialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QVBoxLayout>

namespace strata {

RunDialog::RunDialog(const QStringList &images, const QString &selectedImage, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Run a container"));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("The container gets a writable layer of its own on top of the image's read-only layers. It keeps running when the window closes."), this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto *form = new QFormLayout;
    m_image = new QComboBox(this);
    m_image->setEditable(true);
    m_image->addItems(images);
    if (!selectedImage.isEmpty())
        m_image->setCurrentText(selectedImage);
    m_name = new QLineEdit(this);
    m_name->setPlaceholderText(tr("a name is made up when empty"));
    m_command = new QLineEdit(this);
    m_command->setPlaceholderText(tr("the image's command when empty, e.g. sh -c 'sleep 600'"));
    m_env = new QPlainTextEdit(this);
    m_env->setPlaceholderText(tr("KEY=value, one per line"));
    m_env->setTabChangesFocus(true);
    m_env->setFixedHeight(m_env->fontMetrics().lineSpacing() * 3 + 12);
    m_volumes = new QPlainTextEdit(this);
    m_volumes->setPlaceholderText(tr("one per line: VOLUME:/path, /host/dir:/path[:ro], or /path for an anonymous volume"));
    m_volumes->setTabChangesFocus(true);
    m_volumes->setFixedHeight(m_volumes->fontMetrics().lineSpacing() * 3 + 12);
    m_network = new QComboBox(this);
    m_network->addItem(tr("none (loopback only)"), QStringLiteral("none"));
    m_network->addItem(tr("host"), QStringLiteral("host"));
    m_detach = new QCheckBox(tr("&Detach: run in the background without showing its output"), this);
    m_remove = new QCheckBox(tr("Remove the container when it e&xits (--rm)"), this);
    form->addRow(tr("&Image:"), m_image);
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("&Command:"), m_command);
    form->addRow(tr("&Environment:"), m_env);
    form->addRow(tr("&Volumes:"), m_volumes);
    form->addRow(tr("Ne&twork:"), m_network);
    form->addRow(QString(), m_detach);
    form->addRow(QString(), m_remove);
    layout->addLayout(form);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Run"));
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_image, &QComboBox::currentTextChanged, this, [buttons](const QString &text) { buttons->button(QDialogButtonBox::Ok)->setEnabled(!text.trimmed().isEmpty()); });
    buttons->button(QDialogButtonBox::Ok)->setEnabled(!m_image->currentText().trimmed().isEmpty());
    resize(560, sizeHint().height());
}

CreateRequest RunDialog::request() const
{
    CreateRequest r;
    r.image = m_image->currentText().trimmed();
    r.name = m_name->text().trimmed();
    r.command = QProcess::splitCommand(m_command->text());
    for (const QString &line : m_env->toPlainText().split(u'\n', Qt::SkipEmptyParts)) {
        if (!line.trimmed().isEmpty())
            r.env.append(line.trimmed());
    }
    for (const QString &line : m_volumes->toPlainText().split(u'\n', Qt::SkipEmptyParts)) {
        if (!line.trimmed().isEmpty())
            r.volumes.append(line.trimmed());
    }
    r.network = m_network->currentData().toString();
    r.autoRemove = m_remove->isChecked();
    return r;
}

bool RunDialog::detach() const
{
    return m_detach->isChecked();
}

void RunDialog::setImage(const QString &image)
{
    m_image->setCurrentText(image);
}

void RunDialog::setName(const QString &name)
{
    m_name->setText(name);
}

void RunDialog::setCommand(const QString &command)
{
    m_command->setText(command);
}

} // namespace strata
