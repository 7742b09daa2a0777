#pragma once

#include <QFrame>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>

class QAction;
class QLabel;
class QMenu;

namespace strata {

class StoreSession;

// The data roots of the peers Strata reads (Docker's, Podman's) found on this machine, for the
// window to open read-only: File ▸ Open Docker or Podman Store, and a bar offering them when
// the window opens on Strata's own store. Finding them reads a few folders' metadata, on the
// session's reader pool; nothing of the peer's is opened for writing.
class PeerStores : public QObject {
    Q_OBJECT
public:
    struct Found {
        QString kind; // as ForeignRoot names it: "docker", "podman"
        QString root;
    };

    PeerStores(StoreSession *session, QWidget *window);

    // File ▸ Open Docker or Podman Store: each root found, then "Other Folder…".
    QMenu *menu() const { return m_menu; }
    // Looks for the peers' roots again (off the GUI thread); with `offer`, a bar above the map
    // offers the ones not dismissed before, once they are found.
    void scan(bool offer);
    QList<Found> found() const { return m_found; }
    // The bar, once it has been made (for tests).
    QWidget *offerBar() const { return m_bar; }

    // The roots on this machine that ForeignRoot reads: each peer's usual root, if it is there
    // and readable. STRATA_PEER_ROOTS ("docker=DIR:podman=DIR") names others instead, for tests
    // and unusual setups. Reads the disk: call it off the GUI thread.
    static QList<Found> find();
    // "Docker data root /var/lib/docker".
    static QString label(const Found &found);
    // Why an action that writes is off while a peer's store is open.
    static QString readOnlyReason(const QString &kind);
    // Turns `actions` off, each with readOnlyReason() as its tooltip, while `readOnly`; gives
    // them back their own tooltips after.
    static void markReadOnly(const QList<QAction *> &actions, bool readOnly, const QString &kind);

Q_SIGNALS:
    void openRequested(const QString &kind, const QString &root);
    void otherFolderRequested();

private:
    void rebuildMenu();
    void showOffer();

    StoreSession *m_session;
    QWidget *m_window;
    QMenu *m_menu;
    QPointer<QFrame> m_bar;
    QLabel *m_barText = nullptr;
    QList<Found> m_found;
    bool m_offer = false;
};

} // namespace strata
