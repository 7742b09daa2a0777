#include "peerstores.h"

#include "foreignroot.h"
#include "storesession.h"

#include <QAction>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QSettings>
#include <QToolButton>
#include <QtConcurrent/QtConcurrentRun>

#include <unistd.h>

namespace strata {

namespace {

    const char *dismissedKey = "peerStores/dismissed"; // the roots whose offer was dismissed

    QStringList dismissedRoots()
    {
        return QSettings().value(QLatin1String(dismissedKey)).toStringList();
    }

} // namespace

PeerStores::PeerStores(StoreSession *session, QWidget *window)
    : QObject(window)
    , m_session(session)
    , m_window(window)
    , m_menu(new QMenu(tr("Open &Docker or Podman Store"), window))
{
    m_menu->setToolTipsVisible(true);
    rebuildMenu();
    // What is on the machine may have changed since the last look: looked at again for next time.
    connect(m_menu, &QMenu::aboutToShow, this, [this] { scan(false); });
}

QList<PeerStores::Found> PeerStores::find()
{
    QList<Found> out;
    const QString named = qEnvironmentVariable("STRATA_PEER_ROOTS");
    QList<Found> candidates;
    if (!named.isEmpty()) {
        for (const QString &pair : named.split(u':', Qt::SkipEmptyParts)) {
            const qsizetype eq = pair.indexOf(u'=');
            if (eq > 0)
                candidates.append({ pair.left(eq), pair.mid(eq + 1) });
        }
    } else {
        for (const QString &kind : ForeignRoot::kinds())
            candidates.append({ kind, ForeignRoot::defaultRoot(kind) });
    }
    for (const Found &c : std::as_const(candidates)) {
        const QByteArray path = QFile::encodeName(c.root);
        if (c.root.isEmpty() || !QFileInfo(c.root).isDir() || ::access(path.constData(), R_OK | X_OK) != 0)
            continue;
        if (ForeignRoot::detect(c.root) == c.kind)
            out.append(c);
    }
    return out;
}

QString PeerStores::label(const Found &found)
{
    if (found.kind == QLatin1String("podman"))
        return tr("Podman storage %1").arg(found.root);
    return tr("Docker data root %1").arg(found.root);
}

QString PeerStores::readOnlyReason(const QString &kind)
{
    const QString peer = kind == QLatin1String("podman") ? tr("Podman's") : tr("Docker's");
    return tr("Read-only: this is %1 store, which Strata shows but never changes. Open a Strata store to do this.").arg(peer);
}

void PeerStores::markReadOnly(const QList<QAction *> &actions, bool readOnly, const QString &kind)
{
    static const char *ownTip = "strataOwnToolTip";
    for (QAction *a : actions) {
        if (!a)
            continue;
        if (readOnly) {
            if (!a->property(ownTip).isValid())
                a->setProperty(ownTip, a->toolTip());
            a->setEnabled(false);
            a->setToolTip(readOnlyReason(kind));
        } else if (a->property(ownTip).isValid()) {
            a->setToolTip(a->property(ownTip).toString());
            a->setProperty(ownTip, QVariant());
        }
    }
}

void PeerStores::scan(bool offer)
{
    m_offer = m_offer || offer;
    QtConcurrent::run(m_session->readers(), [] {
        StoreSession::yieldToTheWindow();
        return PeerStores::find();
    }).then(this, [this](const QList<Found> &found) {
        m_found = found;
        rebuildMenu();
        if (m_offer)
            showOffer();
    });
}

void PeerStores::rebuildMenu()
{
    m_menu->clear();
    for (const Found &f : std::as_const(m_found)) {
        QAction *a = m_menu->addAction(label(f), this, [this, f] { Q_EMIT openRequested(f.kind, f.root); });
        a->setToolTip(tr("Shown read-only: nothing there is changed"));
    }
    if (m_found.isEmpty()) {
        QAction *none = m_menu->addAction(tr("No Docker or Podman store found here"));
        none->setEnabled(false);
    }
    m_menu->addSeparator();
    m_menu->addAction(tr("Other Folder…"), this, [this] { Q_EMIT otherFolderRequested(); });
}

void PeerStores::showOffer()
{
    m_offer = false;
    const QStringList dismissed = dismissedRoots();
    QList<Found> offered;
    for (const Found &f : std::as_const(m_found))
        if (!dismissed.contains(f.root))
            offered.append(f);
    // Offered only over Strata's own store, and only once a session.
    if (offered.isEmpty() || m_session->isReadOnly() || m_bar)
        return;
    m_bar = new QFrame(m_window);
    m_bar->setObjectName(QStringLiteral("peerStoreOffer"));
    m_bar->setFrameShape(QFrame::StyledPanel);
    m_bar->setAutoFillBackground(true);
    QPalette p = m_bar->palette();
    p.setColor(QPalette::Window, p.color(QPalette::AlternateBase));
    m_bar->setPalette(p);
    auto *layout = new QHBoxLayout(m_bar);
    layout->setContentsMargins(12, 6, 6, 6);
    m_barText = new QLabel(m_bar);
    m_barText->setWordWrap(true);
    const Found first = offered.first();
    m_barText->setText(offered.size() == 1 ? tr("%1 is on this machine. Strata can show its images, layers and containers without changing anything there.").arg(label(first))
                                           : tr("%1 and %n other peer store(s) are on this machine. Strata can show them without changing anything there.", nullptr, int(offered.size() - 1)).arg(label(first)));
    layout->addWidget(m_barText, 1);
    for (const Found &f : std::as_const(offered)) {
        auto *open = new QPushButton(f.kind == QLatin1String("podman") ? tr("Open Podman's Store") : tr("Open Docker's Store"), m_bar);
        open->setToolTip(label(f));
        connect(open, &QPushButton::clicked, this, [this, f] {
            m_bar->hide();
            Q_EMIT openRequested(f.kind, f.root);
        });
        layout->addWidget(open);
    }
    auto *dismiss = new QToolButton(m_bar);
    dismiss->setText(tr("Don't Offer Again"));
    dismiss->setAutoRaise(true);
    connect(dismiss, &QToolButton::clicked, this, [this, offered] {
        QStringList roots = dismissedRoots();
        for (const Found &f : offered)
            if (!roots.contains(f.root))
                roots.append(f.root);
        QSettings().setValue(QLatin1String(dismissedKey), roots);
        m_bar->hide();
    });
    layout->addWidget(dismiss);
    if (auto *box = qobject_cast<QBoxLayout *>(m_window->layout()))
        box->insertWidget(0, m_bar);
    m_bar->show();
}

} // namespace strata
