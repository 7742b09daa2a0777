#pragma once

#include "job.h"
#include "registryclient.h"

#include <QDialog>
#include <QPointer>

#include <functional>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace strata {

class TransferModel;

// Pull an image from a registry, or push one there, with a row per layer showing how far it
// is. The work runs as a job of the window (`start` hands it over); the dialog stays open and
// usable meanwhile, and shows how it ended.
class RegistryDialog : public QDialog {
    Q_OBJECT
public:
    enum class Mode { Pull, Push };
    using StartJob = std::function<Job *(const QString &title, const std::function<void(bool, const QString &)> &done, Job::Work work)>;
    RegistryDialog(StartJob start, QWidget *parent = nullptr);

    // Shows the dialog for `mode`; for a push, `images` are offered and `selected` chosen.
    void open(Mode mode, const QStringList &images = {}, const QString &selected = {});
    Mode mode() const { return m_mode; }
    TransferModel *model() const { return m_model; }

    // For tests: fill the form as a person would, and press the button.
    void setReference(const QString &reference);
    void setDestination(const QString &destination);
    void setCertDir(const QString &dir);
    void setLogin(const QString &user, const QString &password, bool keep);
    void start();
    QString statusText() const;

Q_SIGNALS:
    void finished(bool ok, const QString &message);

private:
    RegistryOptions options() const;
    void updateButton();

    StartJob m_start;
    Mode m_mode = Mode::Pull;
    QFormLayout *m_form;
    QLabel *m_intro;
    QLineEdit *m_reference; // pull: what to fetch
    QComboBox *m_image; // push: which image
    QLineEdit *m_destination; // push: where to
    QComboBox *m_platform;
    QLineEdit *m_user;
    QLineEdit *m_password;
    QCheckBox *m_keepLogin;
    QLineEdit *m_certDir;
    QCheckBox *m_verify;
    QTableView *m_layers;
    QLabel *m_status;
    QDialogButtonBox *m_buttons;
    QPushButton *m_go;
    TransferModel *m_model;
    QPointer<Job> m_job;
};

} // namespace strata
