// Progress and cancellation of long engine work, in process: each operation reports its
// phases with growing figures, a cancel stops it with ErrorCode::Cancelled, and the store is
// left exactly as it was (no image, no blob, no snapshot, nothing in tmp/, check clean).
#include "imageimporter.h"
#include "imageloader.h"
#include "imagesaver.h"
#include "imagestore.h"
#include "store.h"
#include "storechecker.h"
#include "storeopen.h"
#include "tarbuilder.h"
#include "testsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <memory>

using namespace strata;
using namespace strata::test;

class TestProgress : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_bigTar; // one layer: 64 MB of random bytes and 2,000 small files
    QString m_archive; // a docker-archive of an image of that layer
    int m_count = 0;

    std::unique_ptr<Store> open(const QString &root)
    {
        Store::Options o;
        o.root = root;
        auto store = openStore(o);
        return store ? std::move(store).value() : nullptr;
    }

    QString newRoot() { return m_tmp.filePath(QStringLiteral("store-%1").arg(++m_count)); }

    static QString storeState(const QString &root)
    {
        return treeSnapshot(root + QStringLiteral("/images")) + treeSnapshot(root + QStringLiteral("/layers")) + treeSnapshot(root + QStringLiteral("/tmp"));
    }

    // Cancels once `after` units of the phase starting with `phase` are done; records when.
    struct Canceller {
        std::atomic<bool> flag { false };
        QList<ProgressUpdate> updates;
        QElapsedTimer sinceCancel;
        Progress progress(const QString &phase, qint64 after)
        {
            return Progress(
                [this, phase, after](const ProgressUpdate &u) {
                    updates.append(u);
                    if (!flag.load() && u.phase.startsWith(phase) && u.done >= after) {
                        sinceCancel.start();
                        flag.store(true);
                    }
                },
                &flag);
        }
    };

    // Where long work is cancelled: a phase, and how far into it.
    static void phases()
    {
        QTest::addColumn<QString>("phase");
        QTest::addColumn<qint64>("after");
        QTest::newRow("reading") << QStringLiteral("Reading") << qint64(8 * 1024 * 1024);
        QTest::newRow("extracting") << QStringLiteral("Extracting") << qint64(1);
    }

    void expectCancelledAndUntouched(const Status &status, Canceller &c, const QString &root, const QString &before)
    {
        QVERIFY2(c.flag.load(), "the work ended before it was cancelled: make it bigger");
        QCOMPARE(status.code(), ErrorCode::Cancelled);
        qInfo("stopped %lld ms after the cancel: %s", c.sinceCancel.elapsed(), qPrintable(status.error()));
        QCOMPARE(storeState(root), before);
        const RunResult check = stratactl(root, { QStringLiteral("check") });
        QVERIFY2(check.exitCode == 0, check.out.constData());
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        QByteArray big(64 * 1024 * 1024, Qt::Uninitialized);
        QRandomGenerator rng(7);
        rng.fillRange(reinterpret_cast<quint32 *>(big.data()), big.size() / 4);
        TarBuilder tar;
        tar.file("big.bin", big);
        for (int i = 0; i < 2000; ++i)
            tar.file("small/f" + QByteArray::number(i), QByteArray::number(i).repeated(30));
        m_bigTar = m_tmp.filePath(QStringLiteral("big.tar"));
        const QByteArray layer = tar.build();
        QVERIFY(writeFile(m_bigTar, layer));
        m_archive = m_tmp.filePath(QStringLiteral("big-image.tar"));
        QVERIFY(writeFile(m_archive, dockerArchive({ layer }, QStringLiteral("big:1"))));
    }

    // Progress figures grow within a phase and reach its total.
    void importReportsProgress()
    {
        const QString root = newRoot();
        auto store = open(root);
        QVERIFY(store);
        QList<ProgressUpdate> updates;
        const Progress progress([&](const ProgressUpdate &u) { updates.append(u); }, nullptr);
        auto id = ImageImporter(*store).import(m_bigTar, QStringLiteral("big:1"), {}, progress);
        QVERIFY2(id, qPrintable(id.error()));
        QVERIFY(updates.size() >= 2);
        const qint64 size = QFileInfo(m_bigTar).size();
        bool sawTotal = false;
        qint64 last = -1;
        QString phase;
        for (const ProgressUpdate &u : std::as_const(updates)) {
            if (u.phase != phase) {
                phase = u.phase;
                last = -1;
            }
            QVERIFY2(u.done >= last, qPrintable(u.phase));
            QVERIFY(u.total < 0 || u.done <= u.total);
            last = u.done;
            sawTotal = sawTotal || (u.total == size && u.done == size);
        }
        QVERIFY2(sawTotal, "no update reached the archive's size");
    }

    // Cancelled while its blob is written and while the layer is extracted.
    void importCancelled_data() { phases(); }
    void importCancelled()
    {
        QFETCH(QString, phase);
        QFETCH(qint64, after);
        const QString root = newRoot();
        auto store = open(root);
        QVERIFY(store);
        const QString before = storeState(root);
        Canceller c;
        auto id = ImageImporter(*store).import(m_bigTar, QStringLiteral("big:1"), {}, c.progress(phase, after));
        expectCancelledAndUntouched(id.ok() ? Status() : Status(id.takeError()), c, root, before);
    }

    // load: cancelled while the archive is read, and while its layers are extracted.
    void loadCancelled_data() { phases(); }
    void loadCancelled()
    {
        QFETCH(QString, phase);
        QFETCH(qint64, after);
        const QString root = newRoot();
        auto store = open(root);
        QVERIFY(store);
        const QString before = storeState(root);
        Canceller c;
        auto lines = ImageLoader(*store).load(m_archive, c.progress(phase, after));
        expectCancelledAndUntouched(lines.ok() ? Status() : Status(lines.takeError()), c, root, before);
        // Not cancelled, the same load goes through and its phases reach their totals.
        QList<ProgressUpdate> updates;
        lines = ImageLoader(*store).load(m_archive, Progress([&](const ProgressUpdate &u) { updates.append(u); }, nullptr));
        QVERIFY2(lines, qPrintable(lines.error()));
        QVERIFY(std::any_of(updates.cbegin(), updates.cend(), [](const ProgressUpdate &u) { return u.phase.startsWith(QLatin1String("Extracting")) && u.total > 0 && u.done == u.total; }));
    }

    void saveCancelled()
    {
        const QString root = newRoot();
        auto store = open(root);
        QVERIFY(store);
        QVERIFY(ImageImporter(*store).import(m_bigTar, QStringLiteral("big:1")));
        const QString out = m_tmp.filePath(QStringLiteral("saved.tar"));
        Canceller c;
        const Status saved = ImageSaver(*store).save({ QStringLiteral("big:1") }, out, ImageSaver::Format::DockerArchive, c.progress(QStringLiteral("Saving"), 0)); // at its start: a save of 64 MB ends before a second update
        QVERIFY(c.flag.load());
        QCOMPARE(saved.code(), ErrorCode::Cancelled);
        QVERIFY(!QFile::exists(out));
        QVERIFY(!QFile::exists(out + QStringLiteral(".partial")));
    }

    void checkCancelled()
    {
        const QString root = newRoot();
        auto store = open(root);
        QVERIFY(store);
        QVERIFY(ImageImporter(*store).import(m_bigTar, QStringLiteral("big:1")));
        const QString before = storeState(root);
        Canceller c;
        auto problems = StoreChecker(*store).run(false, c.progress(QStringLiteral("Verifying"), 4 * 1024 * 1024));
        expectCancelledAndUntouched(problems.ok() ? Status() : Status(problems.takeError()), c, root, before);
        // Uncancelled, it verifies every byte of the blob and finds nothing.
        QList<ProgressUpdate> updates;
        auto clean = StoreChecker(*store).run(false, Progress([&](const ProgressUpdate &u) { updates.append(u); }, nullptr));
        QVERIFY(clean);
        QVERIFY(clean->isEmpty());
        QVERIFY(std::any_of(updates.cbegin(), updates.cend(), [&](const ProgressUpdate &u) {
            return u.phase.startsWith(QLatin1String("Verifying")) && u.done >= QFileInfo(m_bigTar).size() && u.done == u.total;
        }));
    }
};

QTEST_GUILESS_MAIN(TestProgress)
#include "tst_progress.moc"
