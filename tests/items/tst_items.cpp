// The window's non-widget logic, without widgets: the layer map's geometry (shared layers span
// exactly their images' columns, disjoint stacks, hit-testing, heights by size, containers on
// their image) and every item model under QAbstractItemModelTester.
#include "changefeedmodel.h"
#include "filetree.h"
#include "filetreemodel.h"
#include "historymodel.h"
#include "layermapgeometry.h"
#include "mappreview.h"
#include "storelock.h"
#include "sha256.h"
#include "textdiff.h"

#include <QAbstractItemModelTester>
#include <QRandomGenerator>
#include <QSet>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace strata;

namespace {

Digest digestOf(const QByteArray &text)
{
    return Sha256::of(text);
}

// An image whose stack is the given layer names (base first); a layer's chainID depends on the
// names below it, as a real chainID does.
LayerMapInput::Image image(const QString &name, const QStringList &layers, const QList<qint64> &sizes = {})
{
    LayerMapInput::Image i;
    i.id = digestOf(name.toUtf8());
    i.name = name;
    QByteArray chain;
    for (qsizetype k = 0; k < layers.size(); ++k) {
        chain += '/' + layers[k].toUtf8();
        i.layers.append({ digestOf(chain), sizes.value(k, 1000 * (k + 1)), u"RUN "_qs + layers[k] });
    }
    i.bands.resize(layers.size());
    return i;
}

QSet<int> columnsHolding(const LayerMapGeometry &g, const LayerMapInput &input, const Digest &chain)
{
    QSet<int> out;
    for (const LayerMapInput::Image &i : input.images) {
        for (const auto &l : i.layers) {
            if (l.chainId == chain)
                out.insert(g.columnOfImage(i.id));
        }
    }
    return out;
}

} // namespace

class TestItems : public QObject {
    Q_OBJECT

private slots:
    void sharedLayerSpansItsImages()
    {
        LayerMapInput input;
        input.images = { image(u"a"_qs, { u"base"_qs, u"x"_qs }), image(u"other"_qs, { u"alpine"_qs }), image(u"b"_qs, { u"base"_qs, u"y"_qs }),
            image(u"c"_qs, { u"base"_qs, u"x"_qs, u"z"_qs }) };
        LayerMapGeometry g;
        g.build(input, {});
        QCOMPARE(g.columns().size(), 4);
        const Digest base = input.images[0].layers[0].chainId;
        const auto &block = g.blocks()[g.blockOfLayer(base)];
        QCOMPARE(block.sharedBy, 3);
        QCOMPARE(block.lastColumn - block.firstColumn + 1, 3);
        QCOMPARE(columnsHolding(g, input, base), QSet<int>({ block.firstColumn, block.firstColumn + 1, block.firstColumn + 2 }));
        // The block covers exactly its columns' horizontal extent.
        QCOMPARE(block.rect.left(), g.columns()[block.firstColumn].rect.left());
        QCOMPARE(block.rect.right(), g.columns()[block.lastColumn].rect.right());
        const Digest x = input.images[0].layers[1].chainId;
        const auto &xb = g.blocks()[g.blockOfLayer(x)];
        QCOMPARE(xb.lastColumn - xb.firstColumn, 1); // a and c
        QVERIFY(xb.rect.bottom() <= block.rect.top() + 0.01); // stacked on the base
    }

    void unrelatedStacksAreDisjoint()
    {
        LayerMapInput input;
        input.images = { image(u"a"_qs, { u"one"_qs, u"two"_qs }), image(u"b"_qs, { u"three"_qs, u"four"_qs }) };
        LayerMapGeometry g;
        g.build(input, {});
        const QRectF a = g.blocks()[g.blockOfLayer(input.images[0].layers[0].chainId)].rect.united(g.blocks()[g.blockOfLayer(input.images[0].layers[1].chainId)].rect);
        const QRectF b = g.blocks()[g.blockOfLayer(input.images[1].layers[0].chainId)].rect.united(g.blocks()[g.blockOfLayer(input.images[1].layers[1].chainId)].rect);
        QVERIFY(!a.intersects(b));
        for (const auto &blk : g.blocks())
            QCOMPARE(blk.sharedBy, 1);
    }

    // Any tree of images: every layer's block spans exactly the columns of the images holding it.
    void randomTreesKeepSpansContiguous()
    {
        QRandomGenerator rng(20261201);
        for (int round = 0; round < 50; ++round) {
            LayerMapInput input;
            QList<QStringList> stacks;
            const int n = 2 + int(rng.bounded(12));
            for (int i = 0; i < n; ++i) {
                QStringList stack;
                if (!stacks.isEmpty() && rng.bounded(4) != 0) {
                    const QStringList &from = stacks[rng.bounded(int(stacks.size()))];
                    stack = from.mid(0, 1 + rng.bounded(int(from.size())));
                }
                const int extra = int(rng.bounded(4)) + (stack.isEmpty() ? 1 : 0);
                for (int e = 0; e < extra; ++e)
                    stack.append(QStringLiteral("l%1-%2").arg(i).arg(e));
                stacks.append(stack);
                input.images.append(image(QStringLiteral("img%1").arg(i), stack));
            }
            LayerMapGeometry g;
            g.build(input, {});
            for (const auto &blk : g.blocks()) {
                if (blk.kind != LayerMapGeometry::Block::Kind::Layer)
                    continue;
                const QSet<int> holders = columnsHolding(g, input, blk.chainId);
                QSet<int> span;
                for (int c = blk.firstColumn; c <= blk.lastColumn; ++c)
                    span.insert(c);
                QCOMPARE(span, holders);
            }
        }
    }

    void hitTestFindsTheBlock()
    {
        LayerMapInput input;
        input.images = { image(u"a"_qs, { u"base"_qs, u"x"_qs }), image(u"b"_qs, { u"base"_qs }) };
        input.images[0].bands[1] = QStringList { u"ENV A=1"_qs };
        input.images[0].containers.append({ QStringLiteral("c1"), QStringLiteral("web"), 4096, true });
        LayerMapGeometry g;
        g.build(input, {});
        for (int i = 0; i < g.blocks().size(); ++i)
            QCOMPARE(g.blockAt(g.blocks()[i].rect.center()), i);
        QCOMPARE(g.blockAt(QPointF(-10, -10)), -1);
        QCOMPARE(g.labelAt(g.columns()[1].labelRect.center()), 1);
    }

    void heightsOrderBlocksBySize_data()
    {
        QTest::addColumn<int>("scale");
        QTest::newRow("log") << int(LayerMapGeometry::Scale::Log);
        QTest::newRow("linear") << int(LayerMapGeometry::Scale::Linear);
    }
    void heightsOrderBlocksBySize()
    {
        QFETCH(int, scale);
        LayerMapInput input;
        input.images = { image(u"a"_qs, { u"small"_qs, u"big"_qs, u"medium"_qs, u"empty"_qs }, { 2000, 5000000, 300000, 0 }) };
        LayerMapGeometry::Options o;
        o.scale = LayerMapGeometry::Scale(scale);
        LayerMapGeometry g;
        g.build(input, o);
        const auto h = [&](int k) { return g.blocks()[g.blockOfLayer(input.images[0].layers[k].chainId)].rect.height(); };
        QVERIFY(h(1) > h(2));
        QVERIFY(h(2) > h(0));
        QVERIFY(h(0) > h(3));
        QCOMPARE(h(3), o.minBlock); // no size still shows its label
        QVERIFY(g.heightFor(10) < g.heightFor(11));
    }

    void containersSitOnTheirImage()
    {
        LayerMapInput input;
        input.images = { image(u"a"_qs, { u"base"_qs, u"x"_qs }), image(u"b"_qs, { u"base"_qs, u"y"_qs }) };
        input.images[1].bands[1] = QStringList { u"CMD [\"sh\"]"_qs };
        input.images[1].containers.append({ QStringLiteral("c1"), QStringLiteral("one"), 100, true });
        input.images[1].containers.append({ QStringLiteral("c2"), QStringLiteral("two"), 2000000, false });
        LayerMapGeometry g;
        g.build(input, {});
        const int col = g.columnOfImage(input.images[1].id);
        const QRectF top = g.blocks()[g.blockOfLayer(input.images[1].layers[1].chainId)].rect;
        qreal below = top.top();
        for (const QString &id : { u"c1"_qs, u"c2"_qs }) {
            const auto &c = g.blocks()[g.blockOfContainer(id)];
            QCOMPARE(c.kind, LayerMapGeometry::Block::Kind::Container);
            QCOMPARE(c.firstColumn, col);
            QCOMPARE(c.lastColumn, col);
            QCOMPARE(c.rect.left(), g.columns()[col].rect.left());
            QVERIFY(c.rect.bottom() <= below); // above the stack (and the band), each on the last
            below = c.rect.top();
        }
        // The band sits between the top layer and the first container.
        for (const auto &b : g.blocks()) {
            if (b.kind == LayerMapGeometry::Block::Kind::Band) {
                QCOMPARE(b.firstColumn, col);
                QVERIFY(b.rect.bottom() <= top.top() + 0.01);
                QVERIFY(b.rect.top() >= g.blocks()[g.blockOfContainer(u"c1"_qs)].rect.bottom() - 0.01);
            }
        }
    }

    void sharedBandsMerge()
    {
        // Two images inheriting the same history entry after a shared layer: one band across both.
        LayerMapInput input;
        input.images = { image(u"a"_qs, { u"base"_qs, u"x"_qs }), image(u"b"_qs, { u"base"_qs, u"y"_qs }) };
        input.images[0].bands[0] = QStringList { u"ENV SHARED=1"_qs };
        input.images[1].bands[0] = QStringList { u"ENV SHARED=1"_qs };
        LayerMapGeometry g;
        g.build(input, {});
        int bands = 0;
        for (const auto &b : g.blocks()) {
            if (b.kind == LayerMapGeometry::Block::Kind::Band) {
                ++bands;
                QCOMPARE(b.lastColumn - b.firstColumn, 1);
            }
        }
        QCOMPARE(bands, 1);
    }

    // The last session's map is shown only while store.lock's counter is still the saved one.
    void mapPreviewOnlyWhileCurrent()
    {
        QStandardPaths::setTestModeEnabled(true);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString lock = dir.filePath(QStringLiteral("store.lock"));
        const auto writeCounter = [&](quint64 value) {
            QFile f(lock);
            QVERIFY(f.open(QIODevice::ReadWrite));
            QCOMPARE(f.write(reinterpret_cast<const char *>(&value), sizeof value), qint64(sizeof value));
        };
        writeCounter(41);
        LayerMapInput input;
        input.images = { image(u"a"_qs, { u"base"_qs, u"x"_qs }), image(u"b"_qs, { u"base"_qs }) };
        input.images[0].bands[1] = QStringList { u"ENV A=1"_qs };
        input.images[1].containers.append({ QStringLiteral("c1"), QStringLiteral("web"), 4096, true });
        const auto peek = StoreLock::peekChangeCounter(lock);
        QVERIFY(peek);
        QCOMPARE(peek->counter, quint64(41));
        QVERIFY(mappreview::save(dir.path(), peek->counter, peek->inode, input));
        auto loaded = mappreview::loadIfCurrent(dir.path());
        QVERIFY(loaded);
        QCOMPARE(loaded->images.size(), 2);
        QCOMPARE(loaded->images[0].layers[1].chainId, input.images[0].layers[1].chainId);
        QCOMPARE(loaded->images[0].bands[1], QStringList { u"ENV A=1"_qs });
        QCOMPARE(loaded->images[1].containers.first().name, u"web"_qs);
        // Something changed the store: the saved map is not shown.
        writeCounter(42);
        QVERIFY(!mappreview::loadIfCurrent(dir.path()));
        // A damaged cache is ignored, never trusted.
        writeCounter(41);
        QFile cache(mappreview::cachePath(dir.path()));
        QVERIFY(cache.open(QIODevice::ReadWrite));
        QVERIFY(cache.resize(cache.size() / 2));
        cache.close();
        QVERIFY(!mappreview::loadIfCurrent(dir.path()));
        QFile::remove(mappreview::cachePath(dir.path()));
    }

    void fileTreeModel()
    {
        QList<Change> changes {
            { Change::Kind::Changed, "/etc", 0, S_IFDIR | 0755 },
            { Change::Kind::Changed, "/etc/passwd", 120, S_IFREG | 0644, 0 },
            { Change::Kind::Added, "/etc/new", 30, S_IFREG | 0600 },
            { Change::Kind::Deleted, "/etc/old", 10, S_IFREG | 0644, 0 },
            { Change::Kind::Added, "/usr/bin/tool", 5000, S_IFREG | 0755 }, // its parents are not listed
        };
        FileTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setRecursiveFilteringEnabled(true);
        proxy.setSortRole(FileTreeModel::SortRole);
        QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setTree(FileTree::fromChanges(changes));
        QCOMPARE(model.rowCount(), 2); // etc, usr
        const QModelIndex etc = model.indexOfPath("/etc");
        QCOMPARE(model.rowCount(etc), 3);
        QCOMPARE(model.index(etc.row(), FileTreeModel::SizeColumn).data(FileTreeModel::SortRole).toLongLong(), qint64(150));
        QCOMPARE(model.indexOfPath("/etc/new").siblingAtColumn(FileTreeModel::MarkColumn).data().toString(), u"A"_qs);
        QCOMPARE(model.indexOfPath("/etc/passwd").siblingAtColumn(FileTreeModel::MarkColumn).data().toString(), u"M"_qs);
        QCOMPARE(model.indexOfPath("/etc/old").siblingAtColumn(FileTreeModel::MarkColumn).data().toString(), u"D"_qs);
        QVERIFY(model.indexOfPath("/usr/bin").isValid());
        QCOMPARE(model.tree().files, 3);
        proxy.setFilterFixedString(u"tool"_qs);
        QCOMPARE(proxy.rowCount(), 1);
        proxy.sort(FileTreeModel::SizeColumn, Qt::DescendingOrder);
        model.setTree({});
        QCOMPARE(model.rowCount(), 0);
    }

    void historyAndFeedModels()
    {
        HistoryModel history;
        QAbstractItemModelTester t1(&history, QAbstractItemModelTester::FailureReportingMode::QtTest);
        HistoryRow layer;
        layer.createdBy = u"ADD rootfs"_qs;
        layer.size = 1000;
        HistoryRow empty;
        empty.createdBy = u"ENV A=1"_qs;
        empty.emptyLayer = true;
        history.setHistory({ layer, empty, layer });
        QCOMPARE(history.rowCount(), 3);
        QCOMPARE(history.index(2, HistoryModel::IndexColumn).data().toString(), u"1"_qs);
        QVERIFY(history.index(1, 0).data(HistoryModel::EmptyLayerRole).toBool());

        ChangeFeedModel feed;
        QAbstractItemModelTester t2(&feed, QAbstractItemModelTester::FailureReportingMode::QtTest);
        feed.setLayerNames({ u"the init layer"_qs, u"layer 1 (COPY app.py)"_qs });
        ChangeEvent e;
        e.kind = ChangeEvent::Kind::Changed;
        e.path = "/app/app.py";
        e.size = 40;
        e.copiedFromLayer = 1;
        e.copiedBytes = 40;
        e.time = QDateTime::currentDateTimeUtc();
        feed.append(e);
        QCOMPARE(feed.rowCount(), 1);
        QVERIFY(feed.index(0, ChangeFeedModel::DetailColumn).data().toString().contains(u"layer 1 (COPY app.py)"_qs));
        feed.clear();
        QCOMPARE(feed.rowCount(), 0);
    }

    void textDiff()
    {
        const TextDiff d = TextDiff::compute(u"a\nb\nc\n"_qs, u"a\nB\nc\nd\n"_qs);
        QCOMPARE(d.removed, 1);
        QCOMPARE(d.added, 2);
        QVERIFY(d.lines.contains(u"-b"_qs));
        QVERIFY(d.lines.contains(u"+B"_qs));
        QVERIFY(looksLikeText("hello\n"));
        QVERIFY(!looksLikeText(QByteArray("\x7f" "ELF\0\0", 6)));
        QVERIFY(hexDump("AB").startsWith(u"00000000  41 42"_qs));
    }
};

QTEST_GUILESS_MAIN(TestItems)
#include "tst_items.moc"
