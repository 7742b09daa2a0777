#include "registrydialog.h"

#include "formhelpers.h"
#include "storeactions.h"
#include "transfermodel.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QPushButton>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace strata {

namespace {

    // The progress column: a bar under the text, as a file manager shows a copy.
    class ProgressDelegate : public QStyledItemDelegate {
    public:
        using QStyledItemDelegate::QStyledItemDelegate;
        void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
        {
            const double fraction = index.data(TransferModel::FractionRole).toDouble();
            if (fraction < 0) {
                QStyledItemDelegate::paint(painter, option, index);
                return;
            }
            QStyleOptionProgressBar bar;
            bar.rect = option.rect.adjusted(2, 3, -2, -3);
            bar.minimum = 0;
            bar.maximum = 1000;
            bar.progress = int(fraction * 1000);
            bar.text = index.data().toString();
            bar.textVisible = true;
            bar.state = option.state | QStyle::State_Horizontal;
            bar.palette = option.palette;
            const QWidget *w = option.widget;
            (w ? w->style() : QApplication::style())->drawControl(QStyle::CE_ProgressBar, &bar, painter, w);
        }
    };

} // namespace

RegistryDialog::RegistryDialog(StartJob start, QWidget *parent)
    : QDialog(parent)
    , m_start(std::move(start))
    , m_model(new TransferModel(this))
{
    auto *layout = new QVBoxLayout(this);
    m_intro = new QLabel(this);
    m_intro->setWordWrap(true);
    layout->addWidget(m_intro);

    auto *form = m_form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    m_reference = new QLineEdit(this);
    m_reference->setPlaceholderText(tr("e.g. 127.0.0.1:5000/team/app:1 or busybox:latest"));
    m_image = new QComboBox(this);
    m_image->setEditable(true);
    m_image->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed); // references are long
    m_image->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_destination = new QLineEdit(this);
    m_destination->setPlaceholderText(tr("HOST[:PORT]/REPOSITORY:TAG; empty: the image's own tag"));
    m_platform = new QComboBox(this);
    m_platform->setEditable(true);
    const QString here = RegistryPuller::hostPlatform();
    m_platform->addItem(tr("%1 (this machine)").arg(here), here);
    for (const QString &p : { QStringLiteral("linux/amd64"), QStringLiteral("linux/arm64"), QStringLiteral("linux/arm/v7"), QStringLiteral("linux/386") })
        if (p != here)
            m_platform->addItem(p, p);
    m_platform->setToolTip(tr("An image index (a multi-platform image) is resolved to this platform"));
    m_user = new QLineEdit(this);
    m_user->setPlaceholderText(tr("empty: anonymous, or the kept login"));
    m_password = new QLineEdit(this);
    m_password->setEchoMode(QLineEdit::Password);
    auto *login = new QHBoxLayout;
    login->addWidget(m_user, 1);
    login->addWidget(new QLabel(tr("Password:"), this));
    login->addWidget(m_password, 1);
    m_keepLogin = new QCheckBox(tr("&Keep this login (readable only by you, in %1)").arg(RegistryCredentials::authFile()), this);
    m_certDir = new QLineEdit(this);
    m_certDir->setPlaceholderText(tr("optional: a folder whose *.crt certificate authorities are trusted"));
    auto *browse = new QToolButton(this);
    browse->setText(tr("…"));
    browse->setToolTip(tr("Choose the folder"));
    connect(browse, &QToolButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Certificate authorities"), m_certDir->text());
        if (!dir.isEmpty())
            m_certDir->setText(dir);
    });
    auto *certs = new QHBoxLayout;
    certs->addWidget(m_certDir, 1);
    certs->addWidget(browse);
    m_verify = new QCheckBox(tr("&Verify the registry's TLS certificate (plain HTTP only for this machine's own registries)"), this);
    m_verify->setChecked(true);
    form->addRow(tr("&Image:"), m_reference);
    form->addRow(tr("&Image:"), m_image);
    form->addRow(tr("Push &to:"), m_destination);
    form->addRow(tr("&Platform:"), m_platform);
    auto *userLabel = new QLabel(tr("&User:"), this);
    userLabel->setBuddy(m_user);
    form->addRow(userLabel, login);
    form->addRow(QString(), m_keepLogin);
    auto *certLabel = new QLabel(tr("&Certificates:"), this);
    certLabel->setBuddy(m_certDir);
    form->addRow(certLabel, certs);
    form->addRow(QString(), m_verify);
    layout->addLayout(form);

    m_layers = new QTableView(this);
    m_layers->setModel(m_model);
    m_layers->setItemDelegateForColumn(TransferModel::ProgressColumn, new ProgressDelegate(m_layers));
    m_layers->verticalHeader()->hide();
    m_layers->setSelectionMode(QAbstractItemView::NoSelection);
    m_layers->setFocusPolicy(Qt::NoFocus);
    m_layers->setShowGrid(false);
    // Wide enough for a short ID and the longest status from the start, so nothing jumps.
    const QFontMetrics metrics = m_layers->fontMetrics();
    m_layers->horizontalHeader()->resizeSection(TransferModel::LayerColumn, metrics.horizontalAdvance(QStringLiteral("0123456789abc")) + 16);
    m_layers->horizontalHeader()->resizeSection(TransferModel::StatusColumn,
        std::max(metrics.horizontalAdvance(TransferModel::statusText(QStringLiteral("Layer already exists"))),
            metrics.horizontalAdvance(TransferModel::statusText(QStringLiteral("Mounted from library/busybox"))))
            + 16);
    m_layers->horizontalHeader()->setStretchLastSection(true);
    m_layers->setMinimumHeight(m_layers->fontMetrics().lineSpacing() * 8);
    m_layers->setAccessibleName(tr("Layers"));
    layout->addWidget(m_layers, 1);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    // Room for a two-line error from the start: a word-wrapped label does not make the dialog grow.
    m_status->setMinimumHeight(2 * m_status->fontMetrics().lineSpacing() + 4);
    m_status->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_go = m_buttons->addButton(tr("&Pull"), QDialogButtonBox::AcceptRole);
    m_go->setDefault(true);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::hide);
    connect(m_go, &QPushButton::clicked, this, &RegistryDialog::start);
    connect(m_reference, &QLineEdit::textChanged, this, &RegistryDialog::updateButton);
    connect(m_image, &QComboBox::currentTextChanged, this, &RegistryDialog::updateButton);
    resize(640, 520);
}

void RegistryDialog::open(Mode mode, const QStringList &images, const QString &selected)
{
    m_mode = mode;
    const bool pull = mode == Mode::Pull;
    setWindowTitle(pull ? tr("Pull an image") : tr("Push an image"));
    m_intro->setText(pull ? tr("Fetches an image from a registry. Layers this store has already are not fetched again; each layer is checked against its digest "
                               "before it is kept, and nothing is kept unless the whole image arrives.")
                          : tr("Sends an image to a registry. Layers the registry has already are skipped, and layers it has in another repository are mounted "
                               "there instead of being sent again."));
    m_form->setRowVisible(m_reference, pull);
    m_form->setRowVisible(m_platform, pull);
    m_form->setRowVisible(m_image, !pull);
    m_form->setRowVisible(m_destination, !pull);
    if (!pull) {
        m_image->clear();
        m_image->addItems(images);
        if (!selected.isEmpty())
            m_image->setCurrentText(selected);
    }
    m_go->setText(pull ? tr("&Pull") : tr("P&ush"));
    if (!m_job) {
        m_model->clear();
        m_status->clear();
    }
    updateButton();
    show();
    raise();
    activateWindow();
    (pull ? static_cast<QWidget *>(m_reference) : static_cast<QWidget *>(m_destination))->setFocus();
}

void RegistryDialog::updateButton()
{
    const QString what = m_mode == Mode::Pull ? m_reference->text().trimmed() : m_image->currentText().trimmed();
    m_go->setEnabled(!m_job && !what.isEmpty());
}

RegistryOptions RegistryDialog::options() const
{
    RegistryOptions o;
    o.certDir = m_certDir->text().trimmed();
    o.tlsVerify = m_verify->isChecked();
    if (!m_user->text().isEmpty())
        o.creds = m_user->text() + u':' + m_password->text();
    if (m_mode == Mode::Pull) {
        // An offered platform, or one typed in.
        const QString typed = m_platform->currentText().trimmed();
        const int offered = m_platform->findText(typed);
        o.platform = offered >= 0 ? m_platform->itemData(offered).toString() : typed;
    }
    return o;
}

void RegistryDialog::start()
{
    if (m_job)
        return;
    const RegistryOptions o = options();
    const bool pull = m_mode == Mode::Pull;
    const QString what = pull ? m_reference->text().trimmed() : m_image->currentText().trimmed();
    const QString destination = m_destination->text().trimmed();
    m_model->clear();
    m_status->setPalette(palette());
    m_status->setText(pull ? tr("Pulling %1…").arg(what) : tr("Pushing %1…").arg(destination.isEmpty() ? what : destination));
    Job::Work work = pull ? actions::pullImage(what, o, m_model->sink()) : actions::pushImage(what, destination, o, m_model->sink());
    if (m_keepLogin->isChecked() && !o.creds.isEmpty()) {
        // Kept once the registry has taken it: the pull or push succeeded with it.
        const QString host = [&] {
            auto ref = RegistryReference::parse(pull || destination.isEmpty() ? what : destination);
            return ref ? ref->host : QString();
        }();
        const RegistryCredentials::Login login { m_user->text(), m_password->text() };
        work = [work, host, login](Store &store, const Progress &progress) -> Result<QString> {
            auto done = work(store, progress);
            if (done && !host.isEmpty())
                STRATA_TRY(RegistryCredentials::store(host, login));
            return done;
        };
    }
    m_job = m_start(pull ? tr("Pulling %1").arg(what) : tr("Pushing %1").arg(what), [this](bool ok, const QString &message) {
        m_job = nullptr;
        m_status->setText(ok ? message : tr("Failed: %1").arg(message));
        QPalette palette = this->palette();
        if (!ok) // the colour of a problem, readable on light and dark windows
            palette.setColor(QPalette::WindowText, form::isDark(palette) ? QColor(0xff, 0x7b, 0x72) : QColor(0xb0, 0x1a, 0x24));
        m_status->setPalette(palette);
        updateButton();
        Q_EMIT finished(ok, message);
    }, work);
    if (!m_job)
        m_status->setText(tr("No store is open."));
    updateButton();
}

void RegistryDialog::setReference(const QString &reference)
{
    m_reference->setText(reference);
}

void RegistryDialog::setDestination(const QString &destination)
{
    m_destination->setText(destination);
}

void RegistryDialog::setCertDir(const QString &dir)
{
    m_certDir->setText(dir);
}

void RegistryDialog::setLogin(const QString &user, const QString &password, bool keep)
{
    m_user->setText(user);
    m_password->setText(password);
    m_keepLogin->setChecked(keep);
}

QString RegistryDialog::statusText() const
{
    return m_status->text();
}

} // namespace strata
