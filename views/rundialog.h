#pragma once

#include "containerstore.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QPlainTextEdit;

namespace strata {

// `run`, as a dialog: image, name, command, environment, volumes and bind mounts, network, and
// whether to follow the container's output or let it run detached.
class RunDialog : public QDialog {
    Q_OBJECT
public:
    RunDialog(const QStringList &images, const QString &selectedImage, QWidget *parent = nullptr);

    CreateRequest request() const;
    bool detach() const;
    // For tests: fill the form as a person would.
    void setImage(const QString &image);
    void setName(const QString &name);
    void setCommand(const QString &command);

private:
    QComboBox *m_image;
    QLineEdit *m_name;
    QLineEdit *m_command;
    QPlainTextEdit *m_env;
    QPlainTextEdit *m_volumes;
    QComboBox *m_network;
    QCheckBox *m_detach;
    QCheckBox *m_remove;
};

} // namespace strata
