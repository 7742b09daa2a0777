// kill -9 of `stratactl load` at random moments: the store always opens, check is clean, and
// the same load then succeeds.
#include "tarbuilder.h"
#include "testsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace strata::test;

class TestCrash : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_archive;

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        // Big enough that a load takes a while: one 40 MB layer, one of 3000 small files.
        QByteArray big(40 * 1024 * 1024, Qt::Uninitialized);
        QRandomGenerator rng(42);
        rng.fillRange(reinterpret_cast<quint32 *>(big.data()), big.size() / 4);
        TarBuilder many;
        for (int i = 0; i < 3000; ++i)
            many.file(QByteArray("d") + QByteArray::number(i % 30) + "/f" + QByteArray::number(i), QByteArray::number(i).repeated(20));
        m_archive = m_tmp.filePath(QStringLiteral("crash.tar"));
        QVERIFY(writeFile(m_archive, dockerArchive({ TarBuilder().file("big.bin", big).build(), many.build() }, QStringLiteral("crash:test"))));
    }

    void killDuringLoad()
    {
        const QString root = m_tmp.filePath(QStringLiteral("store"));
        QCOMPARE(stratactl(root, { QStringLiteral("images") }).exitCode, 0);
        // How long an uninterrupted load takes, so kills spread over all of it, commit included.
        QElapsedTimer timer;
        timer.start();
        QCOMPARE(stratactl(root, { QStringLiteral("load"), QStringLiteral("-i"), m_archive }).exitCode, 0);
        const qint64 loadMs = qMax<qint64>(timer.elapsed(), 20);
        QCOMPARE(stratactl(root, { QStringLiteral("rmi"), QStringLiteral("crash:test") }).exitCode, 0);
        qInfo("an uninterrupted load takes %lld ms", loadMs);

        // Until 20 kills have landed while a load was running (a load that wins the race still
        // counts as a round: its result is checked the same way).
        const int wanted = 20, maxRounds = 60;
        int killedMidway = 0, round = 0;
        QRandomGenerator rng(QRandomGenerator::global()->generate());
        for (; killedMidway < wanted && round < maxRounds; ++round) {
            const int delay = int(rng.bounded(quint32(loadMs)));
            QProcess p;
            p.start(QStringLiteral(STRATACTL_PATH), { QStringLiteral("--root"), root, QStringLiteral("load"), QStringLiteral("-i"), m_archive });
            QVERIFY(p.waitForStarted());
            QTest::qWait(delay);
            const bool running = p.state() == QProcess::Running;
            if (running) {
                ::kill(pid_t(p.processId()), SIGKILL);
                ++killedMidway;
            }
            if (p.state() != QProcess::NotRunning) // waitForFinished() is false for a process already reaped
                QVERIFY(p.waitForFinished(60000));

            // The store opens (and sweeps the dead job), check is clean...
            RunResult r = stratactl(root, { QStringLiteral("images"), QStringLiteral("-q") });
            QVERIFY2(r.exitCode == 0, r.err.constData());
            r = stratactl(root, { QStringLiteral("check") });
            QVERIFY2(r.exitCode == 0, qPrintable(QStringLiteral("round %1, killed after %2 ms: %3").arg(round).arg(delay).arg(QString::fromUtf8(r.out))));
            QCOMPARE(QDir(root + QStringLiteral("/tmp")).entryList(QDir::AllEntries | QDir::NoDotAndDotDot), QStringList());
            // ...and the same load then succeeds.
            r = stratactl(root, { QStringLiteral("load"), QStringLiteral("-i"), m_archive });
            QVERIFY2(r.exitCode == 0, r.err.constData());
            QCOMPARE(r.out, QByteArray("Loaded image: crash:test\n"));
            QCOMPARE(stratactl(root, { QStringLiteral("check") }).exitCode, 0);
            QCOMPARE(stratactl(root, { QStringLiteral("rmi"), QStringLiteral("crash:test") }).exitCode, 0);
        }
        qInfo("%d of %d loads were killed while running", killedMidway, round);
        QVERIFY2(killedMidway >= wanted, qPrintable(QStringLiteral("only %1 kills landed mid-load").arg(killedMidway)));
    }

    // kill -9 of `stratactl rmi`, mostly while it deletes the layers after changing the index:
    // the next open finishes the collection, so check finds nothing unreferenced.
    void killDuringRmi()
    {
        const QString root = m_tmp.filePath(QStringLiteral("store-rmi"));
        QCOMPARE(stratactl(root, { QStringLiteral("load"), QStringLiteral("-i"), m_archive }).exitCode, 0);
        QElapsedTimer timer;
        timer.start();
        QCOMPARE(stratactl(root, { QStringLiteral("rmi"), QStringLiteral("crash:test") }).exitCode, 0);
        const qint64 rmiMs = qMax<qint64>(timer.elapsed(), 5);
        qInfo("an uninterrupted rmi takes %lld ms", rmiMs);

        const int wanted = 8, maxRounds = 40;
        int killedMidway = 0, round = 0;
        QRandomGenerator rng(QRandomGenerator::global()->generate());
        for (; killedMidway < wanted && round < maxRounds; ++round) {
            RunResult r = stratactl(root, { QStringLiteral("load"), QStringLiteral("-i"), m_archive });
            QVERIFY2(r.exitCode == 0, r.err.constData());
            const int delay = int(rng.bounded(quint32(rmiMs)));
            QProcess p;
            p.start(QStringLiteral(STRATACTL_PATH), { QStringLiteral("--root"), root, QStringLiteral("rmi"), QStringLiteral("crash:test") });
            QVERIFY(p.waitForStarted());
            QTest::qWait(delay);
            if (p.state() == QProcess::Running) {
                ::kill(pid_t(p.processId()), SIGKILL);
                ++killedMidway;
            }
            if (p.state() != QProcess::NotRunning)
                QVERIFY(p.waitForFinished(60000));
            r = stratactl(root, { QStringLiteral("images"), QStringLiteral("-q") });
            QVERIFY2(r.exitCode == 0, r.err.constData());
            r = stratactl(root, { QStringLiteral("check") });
            QVERIFY2(r.exitCode == 0, qPrintable(QStringLiteral("round %1, killed after %2 ms: %3").arg(round).arg(delay).arg(QString::fromUtf8(r.out))));
            QCOMPARE(QDir(root + QStringLiteral("/tmp")).entryList(QDir::AllEntries | QDir::NoDotAndDotDot), QStringList());
            // Killed before the index changed, the image is still there; after, it is gone.
            if (stratactl(root, { QStringLiteral("images"), QStringLiteral("-q") }).out.isEmpty()) {
                for (const QString &driver : QDir(root + QStringLiteral("/layers")).entryList(QDir::Dirs | QDir::NoDotAndDotDot))
                    QCOMPARE(QDir(root + QStringLiteral("/layers/") + driver).entryList(QDir::AllEntries | QDir::NoDotAndDotDot), QStringList());
            }
            stratactl(root, { QStringLiteral("rmi"), QStringLiteral("crash:test") });
        }
        qInfo("%d of %d rmis were killed while running", killedMidway, round);
        QVERIFY2(killedMidway >= wanted, qPrintable(QStringLiteral("only %1 kills landed mid-rmi").arg(killedMidway)));
    }
};

QTEST_GUILESS_MAIN(TestCrash)
#include "tst_crash.moc"
