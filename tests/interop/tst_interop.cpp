#include <QTest>
class TestInterop : public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(TestInterop)
#include "tst_interop.moc"
