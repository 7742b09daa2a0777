// The window's pull and push dialog against Debian's docker-registry on loopback (TLS with a
// test CA, htpasswd): an image of one store pushed through the dialog, then pulled into the
// window's store through it, a row per layer reaching its end; a wrong password refused with
// the registry's reason shown in the dialog; the login kept 0600 when asked. Offscreen; writes
// screenshots of the dialog into the build folder.
#include "registryfixture.h"
#include "tarbuilder.h"
#include "testsupport.h"

#include "mainwindow.h"
#include "registrydialog.h"
#include "storesession.h"
#include "transfermodel.h"

#include <QDir>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace strata;
using namespace strata::test;

class TestRegistryDialog : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    std::unique_ptr<RegistryFixture> m_registry;
    std::unique_ptr<MainWindow> m_window;
    QString m_source; // a store with the image to push

    QString shotDir() const { return QStringLiteral(STRATA_BINARY_DIR "/screenshots"); }

    // Presses the dialog's button and waits for the job to end.
    bool runDialog(RegistryDialog *dialog, QString *message)
    {
        QSignalSpy done(dialog, &RegistryDialog::finished);
        dialog->start();
        if (!done.wait(120000))
            return false;
        *message = done.first().at(1).toString();
        return done.first().at(0).toBool();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        const RegistryFixture::Options options { true, QStringLiteral("alice"), QStringLiteral("s3cret") };
        if (const QString why = RegistryFixture::unavailableReason(options); !why.isEmpty())
            QSKIP(qPrintable(why));
        m_registry = std::make_unique<RegistryFixture>(m_tmp.filePath(QStringLiteral("registry")), options);
        const QString started = m_registry->start();
        QVERIFY2(started.isEmpty(), qPrintable(started));
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_tmp.filePath(QStringLiteral("config"))));
        qputenv("HOME", QFile::encodeName(m_tmp.filePath(QStringLiteral("home"))));
        QDir().mkpath(m_tmp.filePath(QStringLiteral("home")));

        // The image to push: one layer, loaded into a store of its own by stratactl.
        m_source = m_tmp.filePath(QStringLiteral("source"));
        const QByteArray layer = TarBuilder().dir("etc").file("etc/motd", "pushed through the dialog\n").file("hello.txt", QByteArray(200000, 'x')).build();
        const QString archive = m_tmp.filePath(QStringLiteral("dialog.tar"));
        QVERIFY(writeFile(archive, dockerArchive({ layer }, QStringLiteral("dialog:1"))));
        const RunResult loaded = stratactl(m_source, { QStringLiteral("load"), QStringLiteral("-i"), archive });
        QVERIFY2(loaded.exitCode == 0, loaded.err.constData());

        m_window = std::make_unique<MainWindow>();
        QSignalSpy opened(m_window->session(), &StoreSession::opened);
        m_window->openRoot(m_tmp.filePath(QStringLiteral("window")));
        QVERIFY(opened.wait(20000));
        m_window->resize(1280, 800);
        m_window->show();
    }

    void pullThenPush()
    {
        // The registry gets the image from the other store by stratactl.
        const RunResult pushed = stratactl(m_source, { QStringLiteral("push"), QStringLiteral("--cert-dir"), m_registry->certDir(), QStringLiteral("--creds"), m_registry->creds(),
            QStringLiteral("dialog:1"), m_registry->ref(QStringLiteral("strata/dialog:1")) });
        QVERIFY2(pushed.exitCode == 0, pushed.err.constData());

        // Pull into the window's store through the dialog, keeping the login.
        RegistryDialog *dialog = m_window->registryDialog();
        dialog->open(RegistryDialog::Mode::Pull);
        dialog->setReference(m_registry->ref(QStringLiteral("strata/dialog:1")));
        dialog->setCertDir(m_registry->certDir());
        dialog->setLogin(m_registry->user(), m_registry->password(), true);
        QString message;
        QVERIFY2(runDialog(dialog, &message), qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("Pulled")), qPrintable(message));
        QCOMPARE(dialog->model()->rowCount(), 1);
        QCOMPARE(dialog->model()->finishedCount(), 1);
        QCOMPARE(dialog->model()->index(0, TransferModel::StatusColumn).data().toString(), TransferModel::statusText(QStringLiteral("Pull complete")));
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (const auto &e : m_window->session()->snapshot().images)
                    if (e.image.tags.contains(m_registry->ref(QStringLiteral("strata/dialog:1"))))
                        return true;
                return false;
            }(),
            20000);
        QDir().mkpath(shotDir());
        QVERIFY(dialog->grab().save(shotDir() + QStringLiteral("/registry-pull.png")));
        // The login was kept, readable only by its owner.
        const QFileInfo auth(m_tmp.filePath(QStringLiteral("config/strata/auth.json")));
        QVERIFY(auth.exists());
        QCOMPARE(int(auth.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::WriteGroup | QFileDevice::WriteOther)), 0);

        // Again: the layer is in the store already.
        QVERIFY2(runDialog(dialog, &message), qPrintable(message));
        QCOMPARE(dialog->model()->index(0, TransferModel::StatusColumn).data().toString(), TransferModel::statusText(QStringLiteral("Already exists")));

        // Push it to another repository with the kept login (no user typed): the registry mounts
        // the layer from the repository the image came from rather than taking it again.
        dialog->setLogin(QString(), QString(), false);
        dialog->open(RegistryDialog::Mode::Push, { m_registry->ref(QStringLiteral("strata/dialog:1")) }, m_registry->ref(QStringLiteral("strata/dialog:1")));
        dialog->setDestination(m_registry->ref(QStringLiteral("copies/dialog:1")));
        QVERIFY2(runDialog(dialog, &message), qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("Pushed")), qPrintable(message));
        QCOMPARE(dialog->model()->finishedCount(), 1);
        QCOMPARE(dialog->model()->index(0, TransferModel::StatusColumn).data().toString(), TransferModel::statusText(QStringLiteral("Mounted from strata/dialog")));
        QVERIFY(dialog->grab().save(shotDir() + QStringLiteral("/registry-push.png")));
        const RunResult back = stratactl(m_tmp.filePath(QStringLiteral("check")), { QStringLiteral("pull"), QStringLiteral("-q"), QStringLiteral("--cert-dir"), m_registry->certDir(),
            m_registry->ref(QStringLiteral("copies/dialog:1")) });
        QVERIFY2(back.exitCode == 0, back.err.constData());
        QCOMPARE(back.out.trimmed(), m_window->session()->snapshot().images.first().image.id.toString().toUtf8());
    }

    void wrongPasswordShown()
    {
        RegistryDialog *pull = m_window->registryDialog();
        pull->open(RegistryDialog::Mode::Pull);
        pull->setReference(m_registry->ref(QStringLiteral("strata/dialog:1")));
        pull->setCertDir(m_registry->certDir());
        pull->setLogin(m_registry->user(), QStringLiteral("wrong"), false);
        QString message;
        QVERIFY(!runDialog(pull, &message));
        QVERIFY2(message.contains(QLatin1String("refused the login of alice")), qPrintable(message));
        QVERIFY2(pull->statusText().contains(QLatin1String("refused the login of alice")), qPrintable(pull->statusText()));
        QVERIFY(pull->grab().save(shotDir() + QStringLiteral("/registry-refused.png")));
    }

    void cleanupTestCase()
    {
        m_window.reset();
        if (m_registry)
            m_registry->stop();
    }
};

QTEST_MAIN(TestRegistryDialog)
#include "tst_registrydialog.moc"
