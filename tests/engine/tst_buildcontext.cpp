// The build context: .dockerignore read as Docker reads it, COPY/ADD sources with the hashes
// Docker's classic builder writes into created_by (the vectors below come from dockerd
// 20.10.24 with DOCKER_BUILDKIT=0 on the very same fixtures), and hostile contexts:
// directories with links that lead out, tars and zips whose entries climb out.
#include "tarbuilder.h"
#include "testsupport.h"

#include "buildcontext.h"
#include "dockerignore.h"

#include <QDir>
#include <QDirIterator>
#include <QTemporaryDir>
#include <QTest>

#include <archive.h>
#include <archive_entry.h>
#include <quazip.h>
#include <quazipfile.h>
#include <quazipnewinfo.h>

#include <atomic>
#include <functional>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace strata;
using namespace strata::test;

namespace {

struct Node {
    enum Kind { File, Dir, Link, Hardlink };
    Kind kind;
    QByteArray path;
    QByteArray data; // content, or a link's target
    int mode = 0644;
};
using Tree = QList<Node>;

// The context of the real-Docker check, byte for byte: its Dockerfile is part of `COPY .`.
const QByteArray fixtureDockerfile = "FROM scratch\n"
                                     "COPY file.txt /x\n"
                                     "COPY dir /d\n"
                                     "COPY file.txt exec.sh empty /m/\n"
                                     "COPY . /all/\n"
                                     "COPY dir/link /l\n"
                                     "COPY dir/sub /s\n"
                                     "COPY *.txt /g/\n"
                                     "COPY exec.sh /e\n"
                                     "COPY empty /em\n"
                                     "COPY dir/sublink /sl\n";

Tree dockerFixture()
{
    return {
        { Node::File, ".dockerignore", "ignored*\n", 0644 },
        { Node::File, "Dockerfile", fixtureDockerfile, 0644 },
        { Node::Dir, "dir", {}, 0755 },
        { Node::File, "dir/a.txt", "alpha\n", 0644 },
        { Node::Link, "dir/dangling", "missing" },
        { Node::File, "dir/empty", "", 0444 },
        { Node::Link, "dir/link", "a.txt" },
        { Node::Dir, "dir/sub", {}, 0750 },
        { Node::File, "dir/sub/b.bin", "beta", 0640 },
        { Node::Link, "dir/sublink", "sub" },
        { Node::File, "empty", "", 0600 },
        { Node::File, "exec.sh", "#!/bin/sh\necho hi\n", 0755 },
        { Node::File, "file.txt", "hello\n", 0644 },
        { Node::File, "ignored.txt", "secret\n", 0644 },
    };
}

// The second real-Docker context: an excluded directory an exception reaches into (the daemon
// makes it, without a tar header of its own), `**`, and a hard link.
Tree ignoreFixture()
{
    return {
        { Node::File, ".dockerignore", "sub\n!sub/keep\n**/*.log\n!important.log\n", 0644 },
        { Node::File, "Dockerfile", "FROM scratch\nCOPY sub /sub\nCOPY . /all/\nCOPY hl /hl\nCOPY hl/h2 /h2\nCOPY hl/h1 /h1\n", 0644 },
        { Node::Dir, "a", {}, 0755 },
        { Node::Dir, "a/b", {}, 0755 },
        { Node::File, "a/b/x.log", "log\n", 0644 },
        { Node::File, "a/y", "y\n", 0644 },
        { Node::Dir, "hl", {}, 0755 },
        { Node::File, "hl/h1", "hard\n", 0644 },
        { Node::Hardlink, "hl/h2", "hl/h1" },
        { Node::File, "important.log", "imp\n", 0644 },
        { Node::Dir, "sub", {}, 0755 },
        { Node::File, "sub/drop", "drop\n", 0644 },
        { Node::File, "sub/keep", "keep\n", 0644 },
    };
}

bool writeTree(const QString &root, const Tree &tree)
{
    QDir().mkpath(root);
    for (const Node &n : tree) {
        const QByteArray path = QByteArray(QFile::encodeName(root) + '/' + n.path);
        switch (n.kind) {
        case Node::Dir:
            if (mkdir(path.constData(), 0700) != 0 || chmod(path.constData(), mode_t(n.mode)) != 0)
                return false;
            break;
        case Node::File: {
            const int fd = open(path.constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
            if (fd < 0)
                return false;
            const bool ok = write(fd, n.data.constData(), size_t(n.data.size())) == n.data.size() && fchmod(fd, mode_t(n.mode)) == 0;
            close(fd);
            if (!ok)
                return false;
            break;
        }
        case Node::Link:
            if (symlink(n.data.constData(), path.constData()) != 0)
                return false;
            break;
        case Node::Hardlink:
            if (link(QByteArray(QFile::encodeName(root) + '/' + n.data).constData(), path.constData()) != 0)
                return false;
            break;
        }
    }
    return true;
}

QByteArray bzip2(const QByteArray &data)
{
    archive *a = archive_write_new();
    archive_write_add_filter_bzip2(a);
    archive_write_set_format_raw(a);
    QByteArray out(data.size() * 2 + 4096, '\0');
    size_t used = 0;
    archive_write_open_memory(a, out.data(), size_t(out.size()), &used);
    archive_entry *e = archive_entry_new();
    archive_entry_set_filetype(e, AE_IFREG);
    archive_write_header(a, e);
    archive_write_data(a, data.constData(), size_t(data.size()));
    archive_entry_free(e);
    archive_write_close(a);
    archive_write_free(a);
    out.resize(qsizetype(used));
    return out;
}

QByteArray toTar(const Tree &tree, const QString &compression)
{
    TarBuilder b;
    for (const Node &n : tree) {
        switch (n.kind) {
        case Node::Dir:
            b.dir(n.path, n.mode);
            break;
        case Node::File:
            b.file(n.path, n.data, n.mode);
            break;
        case Node::Link:
            b.symlink(n.path, n.data);
            break;
        case Node::Hardlink:
            b.hardlink(n.path, n.data);
            break;
        }
    }
    if (compression == QLatin1String("gzip"))
        return b.build(TarBuilder::Compression::Gzip);
    if (compression == QLatin1String("zstd"))
        return b.build(TarBuilder::Compression::Zstd);
    if (compression == QLatin1String("xz"))
        return b.build(TarBuilder::Compression::Xz);
    if (compression == QLatin1String("bzip2"))
        return bzip2(b.build());
    return b.build();
}

struct ZipEntry {
    QString name;
    QByteArray data;
    quint32 unixMode = 0100644; // type and permission bits, as Info-ZIP stores them
};

bool writeZip(const QString &path, const QList<ZipEntry> &entries)
{
    QuaZip zip(path);
    if (!zip.open(QuaZip::mdCreate))
        return false;
    for (const ZipEntry &e : entries) {
        QuaZipFile file(&zip);
        QuaZipNewInfo info(e.name);
        info.externalAttr = e.unixMode << 16;
        if (!file.open(QIODevice::WriteOnly, info))
            return false;
        if (file.write(e.data) != e.data.size())
            return false;
        file.close();
        if (file.getZipError() != UNZ_OK)
            return false;
    }
    zip.close();
    return zip.getZipError() == UNZ_OK;
}

QList<ZipEntry> toZipEntries(const Tree &tree)
{
    QList<ZipEntry> out;
    for (const Node &n : tree) {
        switch (n.kind) {
        case Node::Dir:
            out.append({ QString::fromUtf8(n.path) + QLatin1Char('/'), {}, quint32(040000 | n.mode) });
            break;
        case Node::File:
            out.append({ QString::fromUtf8(n.path), n.data, quint32(0100000 | n.mode) });
            break;
        case Node::Link:
            out.append({ QString::fromUtf8(n.path), n.data, 0120777 });
            break;
        case Node::Hardlink:
            break; // zip has none
        }
    }
    return out;
}

// Everything about the sources but times, one line per entry, for comparing two contexts.
QStringList describe(const QList<ContextSource> &sources)
{
    QStringList out;
    for (const ContextSource &s : sources) {
        out.append(QStringLiteral("source %1 %2 %3").arg(s.path).arg(int(s.type)).arg(s.hash));
        for (const ContextEntry &e : s.entries) {
            // The root's own mode is the scratch directory's, which no archive entry sets.
            const QString mode = e.path == QLatin1String(".") ? QString() : QString::number(e.mode, 8);
            out.append(QStringLiteral("  %1|%2|%3|%4|%5|%6").arg(e.path, e.relative).arg(int(e.type)).arg(mode).arg(e.size).arg(e.linkTarget));
        }
    }
    return out;
}

QStringList hashes(const QList<ContextSource> &sources)
{
    QStringList out;
    for (const ContextSource &s : sources)
        out.append(s.hash);
    return out;
}

QStringList paths(const ContextSource &source)
{
    QStringList out;
    for (const ContextEntry &e : source.entries)
        out.append(e.path);
    return out;
}

} // namespace

class TestBuildContext : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    int m_count = 0;

    QString fresh(const QString &what) { return m_tmp.filePath(QStringLiteral("%1-%2").arg(what).arg(++m_count)); }

    // A directory context from `tree`; the BuildContext is opened in place.
    Result<BuildContext> openTree(const Tree &tree, QString *rootOut = nullptr)
    {
        const QString root = fresh(QStringLiteral("ctx"));
        if (!writeTree(root, tree))
            return fail(QStringLiteral("cannot write the fixture"));
        if (rootOut)
            *rootOut = root;
        return BuildContext::open(root, QString());
    }

    // A hostile archive, opened beside a sentinel directory it must not touch. Returns the error.
    QString openHostile(const QString &fileName, const std::function<bool(const QString &, const QString &)> &write,
                        const BuildContext::Limits &limits = {})
    {
        const QString dir = fresh(QStringLiteral("hostile"));
        const QString sentinel = dir + QStringLiteral("/sentinel");
        const QString scratch = dir + QStringLiteral("/scratch");
        const QString archivePath = dir + QLatin1Char('/') + fileName;
        QDir().mkpath(sentinel);
        QDir().mkpath(scratch);
        writeFile(sentinel + QStringLiteral("/keep"), "keep");
        if (!write(archivePath, sentinel))
            return QStringLiteral("<the fixture could not be written>");
        const QString before = treeSnapshot(sentinel);
        auto context = BuildContext::open(archivePath, scratch, limits, Progress());
        if (treeSnapshot(sentinel) != before)
            return QStringLiteral("<the sentinel changed>");
        QStringList beside = QDir(dir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System);
        beside.sort();
        if (beside != QStringList({ fileName, QStringLiteral("scratch"), QStringLiteral("sentinel") }))
            return QStringLiteral("<something was written beside the scratch directory: %1>").arg(beside.join(QLatin1Char(',')));
        if (context)
            return QString();
        return context.error();
    }

private slots:
    // ---- .dockerignore -----------------------------------------------------------------------

    void ignorePatterns_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("path");
        QTest::addColumn<bool>("excluded");
        auto row = [](const char *name, const char *text, const char *path, bool excluded) {
            QTest::newRow(name) << QByteArray(text) << QString::fromUtf8(path) << excluded;
        };
        row("star top level", "*.log", "a.log", true);
        row("star not below", "*.log", "dir/a.log", false);
        row("double star below", "**/*.log", "dir/sub/a.log", true);
        row("double star top", "**/*.log", "a.log", true);
        row("double star alone", "**", "any/deep/path", true);
        row("double star middle", "a/**/b", "a/x/y/b", true);
        row("double star middle none", "a/**/b", "a/b", true);
        row("double star middle no", "a/**/b", "a/xb", false);
        row("parent dir", "dir", "dir/x/y", true);
        row("parent glob", "d*", "dir/x", true);
        row("prefix not parent", "dir", "dirx", false);
        row("exception", "dir\n!dir/keep", "dir/keep", false);
        row("exception others", "dir\n!dir/keep", "dir/other", true);
        row("exception all but", "*\n!README.md", "README.md", false);
        row("exception all but dir", "*\n!README.md", "src", true);
        row("last wins", "*.txt\n!keep.txt\nkeep.txt", "keep.txt", true);
        row("exception of glob", "*.txt\n!k*.txt", "keep.txt", false);
        row("class", "[abc].txt", "b.txt", true);
        row("class no", "[abc].txt", "d.txt", false);
        row("class negated", "[^abc].txt", "d.txt", true);
        row("class negated no", "[^abc].txt", "a.txt", false);
        row("class range", "[a-c]?.md", "bx.md", true);
        row("class range no", "[a-c]?.md", "dx.md", false);
        row("class escaped bracket", "[\\]]x", "]x", true);
        row("escaped star", "\\*.txt", "*.txt", true);
        row("escaped star literal", "\\*.txt", "a.txt", false);
        row("question mark", "a?c", "abc", true);
        row("question mark no slash", "a?c", "a/c", false);
        row("dot literal", "a.b", "axb", false);
        row("plus literal", "a+b", "a+b", true);
        row("plus not regex", "a+b", "aab", false);
        row("parens literal", "(x)", "(x)", true);
        row("dollar literal", "a$", "a$", true);
        row("comment", "# comment\nfoo", "# comment", false);
        row("comment other", "# comment\nfoo", "foo", true);
        row("hash not first", " # x", "# x", true);
        row("trimmed", "  foo  ", "foo", true);
        row("leading slash", "/foo", "foo", true);
        row("cleaned", "foo/../bar/./", "bar", true);
        row("cleaned no", "foo/../bar", "foo", false);
        row("crlf", "foo\r\nbar\r\n", "bar", true);
        row("bom", "\xEF\xBB\xBF" "foo", "foo", true);
        row("blank lines", "\n\n   \nfoo\n", "foo", true);
        row("exception spaces", "*.md\n! README.md", "README.md", false);
        row("empty", "", "anything", false);
        row("unicode", "caf\xC3\xA9?", "caf\xC3\xA9s", true);
    }

    void ignorePatterns()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, path);
        QFETCH(bool, excluded);
        auto patterns = IgnorePatterns::parse(text);
        QVERIFY2(patterns, qPrintable(patterns.error()));
        QCOMPARE(patterns->excluded(path), excluded);
    }

    void ignoreErrors_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("cause");
        QTest::newRow("climbs out") << QByteArray("ok\n../x\n") << 2 << QStringLiteral("outside the build context");
        QTest::newRow("climbs out cleaned") << QByteArray("a/../../x") << 1 << QStringLiteral("outside the build context");
        QTest::newRow("exception climbs out") << QByteArray("# c\n\n!../x") << 3 << QStringLiteral("outside the build context");
        QTest::newRow("bang alone") << QByteArray("a\nb\n!\n") << 3 << QStringLiteral("illegal exclusion pattern");
        QTest::newRow("open class") << QByteArray("[abc") << 1 << QStringLiteral("malformed pattern '[abc'");
        QTest::newRow("bad range") << QByteArray("x\n[a-]") << 2 << QStringLiteral("malformed pattern");
        QTest::newRow("trailing backslash") << QByteArray("a\\") << 1 << QStringLiteral("malformed pattern");
        QTest::newRow("bad class after star") << QByteArray("*[") << 1 << QStringLiteral("malformed pattern");
    }

    void ignoreErrors()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, line);
        QFETCH(QString, cause);
        auto patterns = IgnorePatterns::parse(text);
        QVERIFY(!patterns);
        QVERIFY2(patterns.error().startsWith(QStringLiteral(".dockerignore line %1: ").arg(line)), qPrintable(patterns.error()));
        QVERIFY2(patterns.error().contains(cause), qPrintable(patterns.error()));
    }

    void mayIncludeUnder()
    {
        auto p = IgnorePatterns::parse("dir\n!dir/sub/keep\nother\n");
        QVERIFY(p);
        QVERIFY(p->mayIncludeUnder(QStringLiteral("dir")));
        QVERIFY(p->mayIncludeUnder(QStringLiteral("dir/sub")));
        QVERIFY(!p->mayIncludeUnder(QStringLiteral("other")));
        QVERIFY(!p->mayIncludeUnder(QStringLiteral("di")));
        auto noExceptions = IgnorePatterns::parse("dir\n");
        QVERIFY(noExceptions);
        QVERIFY(!noExceptions->mayIncludeUnder(QStringLiteral("dir")));
    }

    void globMatch_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("expected"); // 1 match, 0 none, -1 malformed
        auto row = [](const char *pattern, const char *name, int expected) {
            QTest::addRow("%s ~ %s", pattern, name) << QString::fromUtf8(pattern) << QString::fromUtf8(name) << expected;
        };
        row("*", "abc", 1);
        row("*", "a/b", 0);
        row("a/*", "a/b", 1);
        row("*/b", "a/b", 1);
        row("a*b*c", "abxbc", 1);
        row("a*b", "a/b", 0);
        row("?", "/", 0);
        row("[^a]", "/", 1); // Go: a class may match the separator
        row("[a-z]", "q", 1);
        row("[!a]", "!", 1); // only ^ negates in Go
        row("\\*", "*", 1);
        row("\\*", "x", 0);
        row("[\\-]", "-", 1);
        row("[]a]", "a", -1);
        row("[", "a", -1);
        row("a[", "b", -1); // malformed even when the match fails first
        row("\\", "a", -1);
        row("[a-", "a", -1);
        row("x*", "x", 1);
        row("*.txt", ".txt", 1);
    }

    void globMatch()
    {
        QFETCH(QString, pattern);
        QFETCH(QString, name);
        QFETCH(int, expected);
        auto m = IgnorePatterns::globMatch(pattern, name);
        if (expected < 0) {
            QVERIFY(!m);
            return;
        }
        QVERIFY2(m, qPrintable(m.error()));
        QCOMPARE(m.value(), expected == 1);
    }

    void cleanPath_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("clean");
        QTest::newRow("empty") << QString() << QStringLiteral(".");
        QTest::newRow("dots") << QStringLiteral("./a/./b/") << QStringLiteral("a/b");
        QTest::newRow("parent") << QStringLiteral("a/b/../c") << QStringLiteral("a/c");
        QTest::newRow("climbs") << QStringLiteral("a/../../x") << QStringLiteral("../x");
        QTest::newRow("rooted climbs") << QStringLiteral("/../x") << QStringLiteral("/x");
        QTest::newRow("slashes") << QStringLiteral("a//b") << QStringLiteral("a/b");
        QTest::newRow("root") << QStringLiteral("/") << QStringLiteral("/");
    }

    void cleanPath()
    {
        QFETCH(QString, path);
        QFETCH(QString, clean);
        QCOMPARE(IgnorePatterns::cleanPath(path), clean);
    }

    // ---- Docker's hashes -----------------------------------------------------------------------

    void dockerHashes_data()
    {
        QTest::addColumn<int>("fixture");
        QTest::addColumn<QStringList>("patterns");
        QTest::addColumn<QString>("hash");
        // From `docker history --no-trunc` of images built by dockerd 20.10.24+dfsg1 (Debian 12),
        // DOCKER_BUILDKIT=0, from the trees dockerFixture() and ignoreFixture() describe.
        auto row = [](const char *name, int fixture, const QStringList &patterns, const char *hash) {
            QTest::newRow(name) << fixture << patterns << QString::fromLatin1(hash);
        };
        row("COPY file.txt", 1, { QStringLiteral("file.txt") }, "file:af8e5c99fef47f1d84936c598bfe6db9bd60a0007eb3c9edbfdb1afab2c64820");
        row("COPY dir", 1, { QStringLiteral("dir") }, "dir:105a29841ebf8f975fef3495a3b974daadb2bc8a81c497b56d61db9543ef9e0c");
        row("COPY file.txt exec.sh empty", 1, { QStringLiteral("file.txt"), QStringLiteral("exec.sh"), QStringLiteral("empty") },
            "multi:2881f248089fce332a96965afcecfa2ab2b29d4b6efdbbbb5fbcacfd707812db");
        row("COPY .", 1, { QStringLiteral(".") }, "dir:9db4f797e71767e92657e2cfd7943d884e68ec127c48c916e1b8dd4849295ae8");
        row("COPY dir/link", 1, { QStringLiteral("dir/link") }, "file:34efc7f99d41e27ca0fe1faa73021c1ff50ff6777cfe291410e6dc6739ca6d27");
        row("COPY dir/sub", 1, { QStringLiteral("dir/sub") }, "dir:5cfc2f4892444a867c61b4f6b3185af3696c6f8484ca3b5f8db71dc02675f06c");
        row("COPY *.txt", 1, { QStringLiteral("*.txt") }, "file:af8e5c99fef47f1d84936c598bfe6db9bd60a0007eb3c9edbfdb1afab2c64820");
        row("COPY exec.sh", 1, { QStringLiteral("exec.sh") }, "file:3a779f6e637fbc7080722eba7c48efd872bc9ccd6a909e4e95bd0bb425399938");
        row("COPY empty", 1, { QStringLiteral("empty") }, "file:281cfaf8a56ed10555bf9e970b22468c35bdbe2a5ec0bab9c0a6333ae269ad68");
        row("COPY dir/sublink", 1, { QStringLiteral("dir/sublink") }, "dir:5cfc2f4892444a867c61b4f6b3185af3696c6f8484ca3b5f8db71dc02675f06c");
        row("COPY sub (implicit)", 2, { QStringLiteral("sub") }, "dir:3bb7c533062a10205c85e57b2725f4632c796a5c4124f86543e1e0d246e332f4");
        row("COPY . (ignore)", 2, { QStringLiteral(".") }, "dir:050086df950400cb12528dce2c9a9c0bf88589d6441cd30744eb1e31df4aa5ed");
        row("COPY hl", 2, { QStringLiteral("hl") }, "dir:331b1bf21fec0ec0b75201d09f4e9662bf089d3c4a65f1974d43c64d830068c3");
        row("COPY hl/h2", 2, { QStringLiteral("hl/h2") }, "file:c88757b55ce464e5bb3c0ba8c26222ce6bb9010d523391300e69a99228bf1742");
        row("COPY hl/h1", 2, { QStringLiteral("hl/h1") }, "file:7047a916d4ec9997e20724b7a925ca6e001a7fdab2661ece9ce30ec086408b21");
    }

    void dockerHashes()
    {
        QFETCH(int, fixture);
        QFETCH(QStringList, patterns);
        QFETCH(QString, hash);
        auto context = openTree(fixture == 1 ? dockerFixture() : ignoreFixture());
        QVERIFY2(context, qPrintable(context.error()));
        auto sources = context->sources(patterns);
        QVERIFY2(sources, qPrintable(sources.error()));
        QCOMPARE(BuildContext::combinedHash(sources.value()), hash);
    }

    void hashesIgnoreMtimesButNotContentOrModes()
    {
        QString root;
        auto context = openTree(dockerFixture(), &root);
        QVERIFY2(context, qPrintable(context.error()));
        const QStringList patterns = { QStringLiteral("file.txt"), QStringLiteral("dir"), QStringLiteral(".") };
        auto before = context->sources(patterns);
        QVERIFY2(before, qPrintable(before.error()));

        // Every entry, links and directories included, to another time.
        const timespec times[2] = { { 123456789, 42 }, { 987654321, 7 } };
        QDirIterator it(root, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
        int touched = 0;
        while (it.hasNext()) {
            QVERIFY(utimensat(AT_FDCWD, QFile::encodeName(it.next()).constData(), times, AT_SYMLINK_NOFOLLOW) == 0);
            ++touched;
        }
        QVERIFY(touched >= 12);
        auto after = context->sources(patterns);
        QVERIFY2(after, qPrintable(after.error()));
        QCOMPARE(hashes(after.value()), hashes(before.value()));
        QCOMPARE(after->first().entries.first().mtimeNs, qint64(987654321) * 1000000000 + 7);

        // The same test fails when what Docker hashes changes.
        QVERIFY(chmod(QFile::encodeName(root + QStringLiteral("/file.txt")).constData(), 0600) == 0);
        auto chmodded = context->sources(patterns);
        QVERIFY(chmodded);
        QVERIFY(chmodded->at(0).hash != before->at(0).hash);
        QCOMPARE(chmodded->at(1).hash, before->at(1).hash);
        QVERIFY(chmodded->at(2).hash != before->at(2).hash);
        QVERIFY(writeFile(root + QStringLiteral("/dir/sub/b.bin"), "BETA"));
        auto edited = context->sources(patterns);
        QVERIFY(edited);
        QVERIFY(edited->at(1).hash != before->at(1).hash);
    }

    // ---- sources() on a directory -------------------------------------------------------------

    void directorySource()
    {
        auto context = openTree(dockerFixture());
        QVERIFY2(context, qPrintable(context.error()));
        auto sources = context->sources({ QStringLiteral("dir") });
        QVERIFY2(sources, qPrintable(sources.error()));
        QCOMPARE(sources->size(), 1);
        const ContextSource &s = sources->first();
        QCOMPARE(s.path, QStringLiteral("dir"));
        QCOMPARE(s.type, ContextEntry::Type::Directory);
        // The directory itself, then its tree depth first in sorted order, parents first.
        QCOMPARE(paths(s), QStringList({ QStringLiteral("dir"), QStringLiteral("dir/a.txt"), QStringLiteral("dir/dangling"), QStringLiteral("dir/empty"),
                                         QStringLiteral("dir/link"), QStringLiteral("dir/sub"), QStringLiteral("dir/sub/b.bin"), QStringLiteral("dir/sublink") }));
        QCOMPARE(s.entries[0].relative, QString());
        QCOMPARE(s.entries[6].relative, QStringLiteral("sub/b.bin"));
        QCOMPARE(s.entries[1].type, ContextEntry::Type::File);
        QCOMPARE(s.entries[1].size, 6);
        QCOMPARE(s.entries[3].mode, 0444u);
        QCOMPARE(s.entries[5].mode, 0750u);
        QCOMPARE(s.entries[5].type, ContextEntry::Type::Directory);
        QCOMPARE(s.entries[2].type, ContextEntry::Type::Symlink);
        QCOMPARE(s.entries[2].linkTarget, QStringLiteral("missing"));
        QCOMPARE(s.entries[4].linkTarget, QStringLiteral("a.txt"));
        QCOMPARE(s.entries[7].linkTarget, QStringLiteral("sub"));
        QCOMPARE(s.entries[7].size, 0);
    }

    void sourcePaths_data()
    {
        QTest::addColumn<QStringList>("patterns");
        QTest::addColumn<QStringList>("matched"); // ContextSource::path of each
        QTest::addColumn<QStringList>("firstEntries"); // entries[0].path of each
        auto row = [](const char *name, const QStringList &patterns, const QStringList &matched, const QStringList &first) {
            QTest::newRow(name) << patterns << matched << first;
        };
        const QString fileTxt = QStringLiteral("file.txt");
        row("plain", { fileTxt }, { fileTxt }, { fileTxt });
        row("leading slash", { QStringLiteral("/file.txt") }, { fileTxt }, { fileTxt });
        row("leading dot", { QStringLiteral("./file.txt") }, { fileTxt }, { fileTxt });
        row("inner dots", { QStringLiteral("dir/sub/../../file.txt") }, { fileTxt }, { fileTxt });
        row("glob skips ignored", { QStringLiteral("*.txt") }, { fileTxt }, { fileTxt });
        row("glob in dir", { QStringLiteral("dir/*.txt") }, { QStringLiteral("dir/a.txt") }, { QStringLiteral("dir/a.txt") });
        row("glob over dirs", { QStringLiteral("*/sub") }, { QStringLiteral("dir/sub") }, { QStringLiteral("dir/sub") });
        row("glob class", { QStringLiteral("e[mx]*") }, { QStringLiteral("empty"), QStringLiteral("exec.sh") }, { QStringLiteral("empty"), QStringLiteral("exec.sh") });
        row("link to file", { QStringLiteral("dir/link") }, { QStringLiteral("dir/link") }, { QStringLiteral("dir/a.txt") });
        row("link to dir", { QStringLiteral("dir/sublink") }, { QStringLiteral("dir/sublink") }, { QStringLiteral("dir/sub") });
        row("through link", { QStringLiteral("dir/sublink/b.bin") }, { QStringLiteral("dir/sublink/b.bin") }, { QStringLiteral("dir/sub/b.bin") });
        row("root", { QStringLiteral(".") }, { QStringLiteral(".") }, { QStringLiteral(".") });
        row("root slash", { QStringLiteral("/") }, { QStringLiteral(".") }, { QStringLiteral(".") });
        row("several", { QStringLiteral("exec.sh"), QStringLiteral("dir") }, { QStringLiteral("exec.sh"), QStringLiteral("dir") }, { QStringLiteral("exec.sh"), QStringLiteral("dir") });
    }

    void sourcePaths()
    {
        QFETCH(QStringList, patterns);
        QFETCH(QStringList, matched);
        QFETCH(QStringList, firstEntries);
        auto context = openTree(dockerFixture());
        QVERIFY2(context, qPrintable(context.error()));
        auto sources = context->sources(patterns);
        QVERIFY2(sources, qPrintable(sources.error()));
        QStringList gotMatched, gotFirst;
        for (const ContextSource &s : sources.value()) {
            gotMatched.append(s.path);
            gotFirst.append(s.entries.first().path);
        }
        QCOMPARE(gotMatched, matched);
        QCOMPARE(gotFirst, firstEntries);
    }

    void rootSourceHidesOnlyIgnored()
    {
        auto context = openTree(dockerFixture());
        QVERIFY2(context, qPrintable(context.error()));
        auto sources = context->sources({ QStringLiteral(".") });
        QVERIFY2(sources, qPrintable(sources.error()));
        const QStringList all = paths(sources->first());
        QVERIFY(all.contains(QStringLiteral("Dockerfile")));
        QVERIFY(all.contains(QStringLiteral(".dockerignore")));
        QVERIFY(all.contains(QStringLiteral("dir/sub/b.bin")));
        QVERIFY(!all.contains(QStringLiteral("ignored.txt")));
        QCOMPARE(all.size(), 14);
    }

    void dockerfileExcludedOnlyByPattern()
    {
        Tree tree = { { Node::File, "Dockerfile", "FROM scratch\n" }, { Node::File, ".dockerignore", "Dockerfile\n.dockerignore\n" }, { Node::File, "a", "a" } };
        auto context = openTree(tree);
        QVERIFY2(context, qPrintable(context.error()));
        auto dockerfile = context->sources({ QStringLiteral("Dockerfile") });
        QVERIFY(!dockerfile);
        QCOMPARE(dockerfile.error(), QStringLiteral("file not found in build context or excluded by .dockerignore: Dockerfile"));
        QVERIFY(!context->sources({ QStringLiteral(".dockerignore") }));
        auto root = context->sources({ QStringLiteral(".") });
        QVERIFY(root);
        QCOMPARE(paths(root->first()), QStringList({ QStringLiteral("."), QStringLiteral("a") }));
        // The builder still reads the Dockerfile itself.
        auto text = context->readFile(QStringLiteral("Dockerfile"), 1024);
        QVERIFY2(text, qPrintable(text.error()));
        QCOMPARE(text.value(), QByteArray("FROM scratch\n"));
    }

    void excludedDirectoryWithException()
    {
        auto context = openTree(ignoreFixture());
        QVERIFY2(context, qPrintable(context.error()));
        auto sub = context->sources({ QStringLiteral("sub") });
        QVERIFY2(sub, qPrintable(sub.error()));
        QCOMPARE(paths(sub->first()), QStringList({ QStringLiteral("sub"), QStringLiteral("sub/keep") }));
        QVERIFY(!context->sources({ QStringLiteral("sub/drop") }));
        QVERIFY(!context->sources({ QStringLiteral("a/b/x.log") }));
        auto important = context->sources({ QStringLiteral("important.log") });
        QVERIFY2(important, qPrintable(important.error()));
        // The excluded a/b stays, empty, as the CLI still sends the directory.
        auto a = context->sources({ QStringLiteral("a") });
        QVERIFY(a);
        QCOMPARE(paths(a->first()), QStringList({ QStringLiteral("a"), QStringLiteral("a/b"), QStringLiteral("a/y") }));
    }

    void notFound_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::newRow("ignored") << QStringLiteral("ignored.txt");
        QTest::newRow("missing") << QStringLiteral("nothing");
        QTest::newRow("missing below") << QStringLiteral("dir/nothing");
        QTest::newRow("glob") << QStringLiteral("nomatch*");
        QTest::newRow("glob ignored only") << QStringLiteral("ign*");
        QTest::newRow("below a file") << QStringLiteral("file.txt/x");
        QTest::newRow("dangling link") << QStringLiteral("dir/dangling");
    }

    void notFound()
    {
        QFETCH(QString, pattern);
        auto context = openTree(dockerFixture());
        QVERIFY2(context, qPrintable(context.error()));
        auto sources = context->sources({ QStringLiteral("file.txt"), pattern });
        QVERIFY(!sources);
        QCOMPARE(sources.error(), QStringLiteral("file not found in build context or excluded by .dockerignore: ") + pattern);
        QCOMPARE(sources.code(), ErrorCode::NotFound);
    }

    // ---- hostile directory contexts -----------------------------------------------------------

    void escapingPaths_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::newRow("parent") << QStringLiteral("../x");
        QTest::newRow("rooted parent") << QStringLiteral("/../x");
        QTest::newRow("parent only") << QStringLiteral("..");
        QTest::newRow("climbing") << QStringLiteral("dir/../../x");
        QTest::newRow("glob") << QStringLiteral("../*");
    }

    void escapingPaths()
    {
        QFETCH(QString, pattern);
        QString root;
        Tree tree = dockerFixture();
        auto context = openTree(tree, &root);
        QVERIFY2(context, qPrintable(context.error()));
        writeFile(root + QStringLiteral("/../x"), "outside"); // there to be found if the check failed
        auto sources = context->sources({ pattern });
        QVERIFY(!sources);
        QCOMPARE(sources.error(), pattern + QStringLiteral(": the path is outside the build context"));
    }

    void escapingLinks_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("link");
        QTest::newRow("absolute as source") << QStringLiteral("abs") << QStringLiteral("abs");
        QTest::newRow("climbing as source") << QStringLiteral("up") << QStringLiteral("up");
        QTest::newRow("through a link") << QStringLiteral("up/file") << QStringLiteral("up");
        QTest::newRow("glob onto a link") << QStringLiteral("u?") << QStringLiteral("up");
        QTest::newRow("climbing inside a dir") << QStringLiteral("d1") << QStringLiteral("d1/esc");
        QTest::newRow("absolute inside a dir") << QStringLiteral("d2") << QStringLiteral("d2/abs");
        QTest::newRow("root inside a dir") << QStringLiteral(".") << QStringLiteral("abs");
        QTest::newRow("chain") << QStringLiteral("chain") << QStringLiteral("d3/s");
        QTest::newRow("relative dotdot through link") << QStringLiteral("d4") << QStringLiteral("d4/l");
    }

    void escapingLinks()
    {
        QFETCH(QString, pattern);
        QFETCH(QString, link);
        const QString outside = fresh(QStringLiteral("outside"));
        QDir().mkpath(outside);
        writeFile(outside + QStringLiteral("/file"), "secret");
        Tree tree = {
            { Node::File, "a", "a" },
            { Node::Link, "abs", QFile::encodeName(outside) },
            { Node::Link, "up", "../" + QFile::encodeName(QFileInfo(outside).fileName()) },
            { Node::Dir, "d1", {}, 0755 },
            { Node::Link, "d1/esc", "../../x" },
            { Node::Dir, "d2", {}, 0755 },
            { Node::Link, "d2/abs", "/etc/passwd" },
            { Node::Dir, "d3", {}, 0755 },
            { Node::Link, "d3/s", "../.." },
            { Node::Link, "chain", "d3/s/x" },
            // Lexically d4/l/.. is d4, but l is the root: its parent is outside.
            { Node::Dir, "d4", {}, 0755 },
            { Node::Link, "d4/r", ".." },
            { Node::Link, "d4/l", "r/.." },
        };
        auto context = openTree(tree);
        QVERIFY2(context, qPrintable(context.error()));
        auto sources = context->sources({ pattern });
        QVERIFY(!sources);
        QVERIFY2(sources.error().startsWith(pattern + QStringLiteral(": ")), qPrintable(sources.error()));
        QVERIFY2(sources.error().contains(QStringLiteral("'%1'").arg(link)), qPrintable(sources.error()));
        QVERIFY2(sources.error().contains(QStringLiteral("outside the build context")), qPrintable(sources.error()));
        // What stays inside is fine.
        QVERIFY(context->sources({ QStringLiteral("a") }));
    }

    void specialFilesRefused()
    {
        QString root;
        auto context = openTree({ { Node::File, "a", "a" }, { Node::Dir, "d", {}, 0755 }, { Node::File, "d/f", "f" } }, &root);
        QVERIFY2(context, qPrintable(context.error()));
        QVERIFY(mkfifo(QFile::encodeName(root + QStringLiteral("/d/p")).constData(), 0644) == 0);
        auto sources = context->sources({ QStringLiteral("d") });
        QVERIFY(!sources);
        QVERIFY2(sources.error().contains(QStringLiteral("'d/p' is a fifo")), qPrintable(sources.error()));
        QVERIFY(context->sources({ QStringLiteral("a"), QStringLiteral("d/f") }));
        QVERIFY(!context->sources({ QStringLiteral("d/p") }));
    }

    void readAndOpenFiles()
    {
        auto context = openTree(dockerFixture());
        QVERIFY2(context, qPrintable(context.error()));
        auto text = context->readFile(QStringLiteral("file.txt"), 100);
        QVERIFY2(text, qPrintable(text.error()));
        QCOMPARE(text.value(), QByteArray("hello\n"));
        QVERIFY(context->readFile(QStringLiteral("/dir/a.txt"), 100));
        auto ignored = context->readFile(QStringLiteral("ignored.txt"), 100); // .dockerignore does not hide it
        QVERIFY(ignored);
        auto tooBig = context->readFile(QStringLiteral("file.txt"), 3);
        QVERIFY(!tooBig);
        QVERIFY2(tooBig.error().contains(QStringLiteral("larger than 3 bytes")), qPrintable(tooBig.error()));
        auto link = context->readFile(QStringLiteral("dir/link"), 100);
        QVERIFY(!link);
        QVERIFY2(link.error().contains(QStringLiteral("symbolic link")), qPrintable(link.error()));
        QVERIFY(!context->readFile(QStringLiteral("dir/sublink/b.bin"), 100));
        QVERIFY(!context->readFile(QStringLiteral("../x"), 100));
        QVERIFY(!context->readFile(QStringLiteral("dir"), 100));
        auto missing = context->readFile(QStringLiteral("nothing"), 100);
        QCOMPARE(missing.code(), ErrorCode::NotFound);

        auto sources = context->sources({ QStringLiteral("dir") });
        QVERIFY(sources);
        const ContextEntry &a = sources->first().entries[1];
        QCOMPARE(a.path, QStringLiteral("dir/a.txt"));
        auto fd = context->openFile(a);
        QVERIFY2(fd, qPrintable(fd.error()));
        char buffer[16];
        const ssize_t n = read(fd.value(), buffer, sizeof buffer);
        close(fd.value());
        QCOMPARE(QByteArray(buffer, int(n)), QByteArray("alpha\n"));
        QVERIFY(!context->openFile(sources->first().entries[0])); // a directory
        QVERIFY(!context->openFile(sources->first().entries[4])); // a link
        ContextEntry through = a;
        through.path = QStringLiteral("dir/sublink/b.bin");
        auto viaLink = context->openFile(through);
        QVERIFY(!viaLink);
        QVERIFY2(viaLink.error().contains(QStringLiteral("symbolic link")), qPrintable(viaLink.error()));
    }

    // ---- archive contexts ------------------------------------------------------------------

    void archiveMatchesDirectory_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<int>("fixture");
        for (const char *format : { "tar", "gzip", "bzip2", "xz", "zstd", "zip" })
            QTest::addRow("%s", format) << QString::fromLatin1(format) << 1;
        QTest::newRow("tar with hard link") << QStringLiteral("tar") << 2;
        QTest::newRow("zstd with hard link") << QStringLiteral("zstd") << 2;
    }

    void archiveMatchesDirectory()
    {
        QFETCH(QString, format);
        QFETCH(int, fixture);
        const Tree tree = fixture == 1 ? dockerFixture() : ignoreFixture();
        auto fromDir = openTree(tree);
        QVERIFY2(fromDir, qPrintable(fromDir.error()));

        const QString dir = fresh(QStringLiteral("archive"));
        QDir().mkpath(dir + QStringLiteral("/scratch"));
        const QString archivePath = dir + QStringLiteral("/context.") + format;
        if (format == QLatin1String("zip"))
            QVERIFY(writeZip(archivePath, toZipEntries(tree)));
        else
            QVERIFY(writeFile(archivePath, toTar(tree, format)));
        int updates = 0;
        Progress progress([&](const ProgressUpdate &) { ++updates; }, nullptr);
        auto fromArchive = BuildContext::open(archivePath, dir + QStringLiteral("/scratch"), progress);
        QVERIFY2(fromArchive, qPrintable(fromArchive.error()));
        QCOMPARE(fromArchive->root(), dir + QStringLiteral("/scratch"));
        QVERIFY(updates > 0);
        QVERIFY(!fromArchive->ignore().isEmpty());

        const QStringList patterns = fixture == 1 ? QStringList({ QStringLiteral("."), QStringLiteral("dir"), QStringLiteral("*.txt"), QStringLiteral("dir/link"), QStringLiteral("dir/sublink"), QStringLiteral("exec.sh") })
                                                  : QStringList({ QStringLiteral("."), QStringLiteral("sub"), QStringLiteral("hl"), QStringLiteral("hl/h2") });
        auto a = fromDir->sources(patterns);
        auto b = fromArchive->sources(patterns);
        QVERIFY2(a, qPrintable(a.error()));
        QVERIFY2(b, qPrintable(b.error()));
        QCOMPARE(describe(b.value()), describe(a.value()));
        QCOMPARE(BuildContext::combinedHash(b.value()), BuildContext::combinedHash(a.value()));
        if (fixture == 1) {
            QCOMPARE(b->first().hash, QStringLiteral("dir:9db4f797e71767e92657e2cfd7943d884e68ec127c48c916e1b8dd4849295ae8"));
            if (format != QLatin1String("zip")) // the tar's time, which TarBuilder sets
                QCOMPARE(b->at(2).entries.first().mtimeNs, qint64(1700000000) * 1000000000);
        } else {
            QCOMPARE(b->at(3).hash, QStringLiteral("file:c88757b55ce464e5bb3c0ba8c26222ce6bb9010d523391300e69a99228bf1742"));
        }
        auto text = fromArchive->readFile(QStringLiteral("Dockerfile"), 4096);
        QVERIFY(text);
        QVERIFY(text->startsWith("FROM scratch\n"));
    }

    void hostileTars_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("entry");
        QTest::addColumn<QString>("cause");
        QTest::newRow("dotdot") << QStringLiteral("dotdot") << QStringLiteral("../sentinel/evil") << QStringLiteral("leaves the build context");
        QTest::newRow("inner dotdot") << QStringLiteral("innerdotdot") << QStringLiteral("a/../../sentinel/evil") << QStringLiteral("leaves the build context");
        QTest::newRow("absolute") << QStringLiteral("absolute") << QStringLiteral("%S/evil") << QStringLiteral("absolute name");
        QTest::newRow("link out then file") << QStringLiteral("linkout") << QStringLiteral("l") << QStringLiteral("outside the build context");
        QTest::newRow("absolute link then file") << QStringLiteral("abslink") << QStringLiteral("l") << QStringLiteral("outside the build context");
        QTest::newRow("file through inner link") << QStringLiteral("linkin") << QStringLiteral("l/evil") << QStringLiteral("symbolic link 'l'");
        QTest::newRow("hard link out") << QStringLiteral("hardout") << QStringLiteral("h") << QStringLiteral("outside the build context");
        QTest::newRow("hard link absolute") << QStringLiteral("hardabs") << QStringLiteral("h") << QStringLiteral("absolute path");
        QTest::newRow("hard link to nothing") << QStringLiteral("hardnone") << QStringLiteral("h") << QStringLiteral("no earlier entry");
        QTest::newRow("device") << QStringLiteral("device") << QStringLiteral("dev") << QStringLiteral("device node");
        QTest::newRow("fifo") << QStringLiteral("fifo") << QStringLiteral("fifo") << QStringLiteral("fifo");
        QTest::newRow("duplicate") << QStringLiteral("duplicate") << QStringLiteral("./a") << QStringLiteral("twice");
        QTest::newRow("under a file") << QStringLiteral("underfile") << QStringLiteral("a/b") << QStringLiteral("not a directory");
    }

    void hostileTars()
    {
        QFETCH(QString, kind);
        QFETCH(QString, entry);
        QFETCH(QString, cause);
        QString sentinelPath;
        const QString error = openHostile(QStringLiteral("context.tar"), [&](const QString &path, const QString &sentinel) {
            sentinelPath = sentinel;
            const QByteArray s = QFile::encodeName(sentinel);
            TarBuilder b;
            b.file("ok", "fine");
            if (kind == QLatin1String("dotdot"))
                b.file("../sentinel/evil", "x");
            else if (kind == QLatin1String("innerdotdot"))
                b.dir("a").file("a/../../sentinel/evil", "x");
            else if (kind == QLatin1String("absolute"))
                b.file(s + "/evil", "x");
            else if (kind == QLatin1String("linkout"))
                b.symlink("l", "../sentinel").file("l/evil", "x");
            else if (kind == QLatin1String("abslink"))
                b.symlink("l", s).file("l/evil", "x");
            else if (kind == QLatin1String("linkin"))
                b.dir("sub").symlink("l", "sub").file("l/evil", "x");
            else if (kind == QLatin1String("hardout"))
                b.hardlink("h", "../sentinel/keep");
            else if (kind == QLatin1String("hardabs"))
                b.hardlink("h", s + "/keep");
            else if (kind == QLatin1String("hardnone"))
                b.hardlink("h", "nothing");
            else if (kind == QLatin1String("device"))
                b.device("dev", false, 1, 3);
            else if (kind == QLatin1String("fifo"))
                b.fifo("fifo");
            else if (kind == QLatin1String("duplicate"))
                b.file("a", "1").file("./a", "2");
            else if (kind == QLatin1String("underfile"))
                b.file("a", "1").file("a/b", "2");
            return writeFile(path, b.build(TarBuilder::Compression::Gzip));
        });
        entry.replace(QStringLiteral("%S"), sentinelPath);
        QVERIFY2(!error.isEmpty(), "the hostile archive was accepted");
        QVERIFY2(!error.startsWith(QLatin1Char('<')), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("context.tar")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("entry '%1'").arg(entry)), qPrintable(error));
        QVERIFY2(error.contains(cause), qPrintable(error));
    }

    void hostileZips_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("entry");
        QTest::addColumn<QString>("cause");
        QTest::newRow("dotdot") << QStringLiteral("dotdot") << QStringLiteral("../sentinel/evil") << QStringLiteral("leaves the build context");
        QTest::newRow("inner dotdot") << QStringLiteral("innerdotdot") << QStringLiteral("a/../../sentinel/evil") << QStringLiteral("leaves the build context");
        QTest::newRow("absolute") << QStringLiteral("absolute") << QStringLiteral("%S/evil") << QStringLiteral("absolute name");
        QTest::newRow("symlink out") << QStringLiteral("linkout") << QStringLiteral("l") << QStringLiteral("outside the build context");
        QTest::newRow("symlink absolute") << QStringLiteral("abslink") << QStringLiteral("l") << QStringLiteral("outside the build context");
        QTest::newRow("file through symlink") << QStringLiteral("linkin") << QStringLiteral("l/evil") << QStringLiteral("symbolic link 'l'");
        QTest::newRow("duplicate") << QStringLiteral("duplicate") << QStringLiteral("a") << QStringLiteral("twice");
        QTest::newRow("fifo") << QStringLiteral("fifo") << QStringLiteral("p") << QStringLiteral("fifo");
    }

    void hostileZips()
    {
        QFETCH(QString, kind);
        QFETCH(QString, entry);
        QFETCH(QString, cause);
        QString sentinelPath;
        const QString error = openHostile(QStringLiteral("context.zip"), [&](const QString &path, const QString &sentinel) {
            sentinelPath = sentinel;
            QList<ZipEntry> entries = { { QStringLiteral("ok"), "fine" } };
            if (kind == QLatin1String("dotdot"))
                entries.append({ QStringLiteral("../sentinel/evil"), "x" });
            else if (kind == QLatin1String("innerdotdot"))
                entries.append({ QStringLiteral("a/../../sentinel/evil"), "x" });
            else if (kind == QLatin1String("absolute"))
                entries.append({ sentinel + QStringLiteral("/evil"), "x" });
            else if (kind == QLatin1String("linkout"))
                entries += QList<ZipEntry>({ { QStringLiteral("l"), "../sentinel", 0120777 }, { QStringLiteral("l/evil"), "x" } });
            else if (kind == QLatin1String("abslink"))
                entries += QList<ZipEntry>({ { QStringLiteral("l"), QFile::encodeName(sentinel), 0120777 }, { QStringLiteral("l/evil"), "x" } });
            else if (kind == QLatin1String("linkin"))
                entries += QList<ZipEntry>({ { QStringLiteral("sub/"), {}, 040755 }, { QStringLiteral("l"), "sub", 0120777 }, { QStringLiteral("l/evil"), "x" } });
            else if (kind == QLatin1String("duplicate"))
                entries += QList<ZipEntry>({ { QStringLiteral("a"), "1" }, { QStringLiteral("a"), "2" } });
            else if (kind == QLatin1String("fifo"))
                entries.append({ QStringLiteral("p"), {}, 010644 });
            return writeZip(path, entries);
        });
        entry.replace(QStringLiteral("%S"), sentinelPath);
        QVERIFY2(!error.isEmpty(), "the hostile archive was accepted");
        QVERIFY2(!error.startsWith(QLatin1Char('<')), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("context.zip")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("entry '%1'").arg(entry)), qPrintable(error));
        QVERIFY2(error.contains(cause), qPrintable(error));
    }

    void zipWithInnerSymlinkIsAccepted()
    {
        const QString dir = fresh(QStringLiteral("zipok"));
        QDir().mkpath(dir + QStringLiteral("/scratch"));
        QVERIFY(writeZip(dir + QStringLiteral("/c.zip"), { { QStringLiteral("d/"), {}, 040700 }, { QStringLiteral("d/f"), "data", 0100600 }, { QStringLiteral("l"), "d/f", 0120777 } }));
        auto context = BuildContext::open(dir + QStringLiteral("/c.zip"), dir + QStringLiteral("/scratch"));
        QVERIFY2(context, qPrintable(context.error()));
        auto sources = context->sources({ QStringLiteral(".") });
        QVERIFY2(sources, qPrintable(sources.error()));
        const QList<ContextEntry> &e = sources->first().entries;
        QCOMPARE(e.size(), 4);
        QCOMPARE(e[1].path, QStringLiteral("d"));
        QCOMPARE(e[1].mode, 0700u);
        QCOMPARE(e[2].mode, 0600u);
        QCOMPARE(e[3].type, ContextEntry::Type::Symlink);
        QCOMPARE(e[3].linkTarget, QStringLiteral("d/f"));
    }

    void limits_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<qint64>("maxBytes");
        QTest::addColumn<qint64>("maxEntries");
        QTest::addColumn<QString>("cause");
        QTest::newRow("tar bytes") << QStringLiteral("tar") << qint64(5000) << qint64(100) << QStringLiteral("more than its limit of 5000 bytes");
        QTest::newRow("zip bytes") << QStringLiteral("zip") << qint64(5000) << qint64(100) << QStringLiteral("more than its limit of 5000 bytes");
        QTest::newRow("tar entries") << QStringLiteral("tar") << qint64(1 << 20) << qint64(2) << QStringLiteral("limit of 2 entries");
        QTest::newRow("zip entries") << QStringLiteral("zip") << qint64(1 << 20) << qint64(2) << QStringLiteral("limit of 2 entries");
    }

    void limits()
    {
        QFETCH(QString, format);
        QFETCH(qint64, maxBytes);
        QFETCH(qint64, maxEntries);
        QFETCH(QString, cause);
        // Compresses to almost nothing: the bound is on what it unpacks to.
        const QByteArray big(4000, 'z');
        BuildContext::Limits limits;
        limits.maxBytes = maxBytes;
        limits.maxEntries = maxEntries;
        const QString error = openHostile(QStringLiteral("context.") + format, [&](const QString &path, const QString &) {
            if (format == QLatin1String("zip"))
                return writeZip(path, { { QStringLiteral("one"), big }, { QStringLiteral("two"), big }, { QStringLiteral("three"), big } });
            return writeFile(path, TarBuilder().file("one", big).file("two", big).file("three", big).build(TarBuilder::Compression::Gzip));
        }, limits);
        QVERIFY2(!error.isEmpty(), "the archive was accepted");
        QVERIFY2(error.contains(cause), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("context.") + format), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("entry '")), qPrintable(error));
        // The same archive within the limits unpacks.
        QVERIFY(openHostile(QStringLiteral("context.") + format, [&](const QString &path, const QString &) {
                    if (format == QLatin1String("zip"))
                        return writeZip(path, { { QStringLiteral("one"), big }, { QStringLiteral("two"), big }, { QStringLiteral("three"), big } });
                    return writeFile(path, TarBuilder().file("one", big).file("two", big).file("three", big).build(TarBuilder::Compression::Gzip));
                }).isEmpty());
    }

    void badArchivesAndScratch()
    {
        const QString dir = fresh(QStringLiteral("bad"));
        QDir().mkpath(dir + QStringLiteral("/scratch"));
        writeFile(dir + QStringLiteral("/notes.txt"), "just some text, not an archive\n");
        auto notArchive = BuildContext::open(dir + QStringLiteral("/notes.txt"), dir + QStringLiteral("/scratch"));
        QVERIFY(!notArchive);
        QVERIFY2(notArchive.error().contains(QStringLiteral("not a tar or zip archive")), qPrintable(notArchive.error()));

        QByteArray noise(1 << 20, '\0');
        quint32 seed = 12345;
        for (char &c : noise)
            c = char((seed = seed * 1103515245 + 12345) >> 24);
        writeFile(dir + QStringLiteral("/truncated.tar.gz"), TarBuilder().file("a", noise).build(TarBuilder::Compression::Gzip).left(500000));
        QDir().mkpath(dir + QStringLiteral("/scratch2"));
        auto truncated = BuildContext::open(dir + QStringLiteral("/truncated.tar.gz"), dir + QStringLiteral("/scratch2"));
        QVERIFY(!truncated);
        QVERIFY2(truncated.error().contains(QStringLiteral("truncated.tar.gz")) && truncated.error().contains(QStringLiteral("'a'")), qPrintable(truncated.error()));

        writeFile(dir + QStringLiteral("/ok.tar"), TarBuilder().file("a", "a").build());
        writeFile(dir + QStringLiteral("/scratch/leftover"), "x");
        auto notEmpty = BuildContext::open(dir + QStringLiteral("/ok.tar"), dir + QStringLiteral("/scratch"));
        QVERIFY(!notEmpty);
        QVERIFY2(notEmpty.error().contains(QStringLiteral("not empty")), qPrintable(notEmpty.error()));

        auto missing = BuildContext::open(dir + QStringLiteral("/nothing"), dir + QStringLiteral("/scratch"));
        QCOMPARE(missing.code(), ErrorCode::NotFound);

        // A malformed .dockerignore fails the context, naming its line.
        Tree tree = { { Node::File, ".dockerignore", "ok\n[bad\n" } };
        auto badIgnore = openTree(tree);
        QVERIFY(!badIgnore);
        QVERIFY2(badIgnore.error().contains(QStringLiteral(".dockerignore line 2")), qPrintable(badIgnore.error()));
        Tree linked = { { Node::File, "real", "x\n" }, { Node::Link, ".dockerignore", "real" } };
        QVERIFY(!openTree(linked));
    }

    void cancelledUnpack()
    {
        const QString dir = fresh(QStringLiteral("cancel"));
        QDir().mkpath(dir + QStringLiteral("/scratch"));
        writeFile(dir + QStringLiteral("/c.tar"), TarBuilder().file("a", "a").file("b", "b").build());
        std::atomic<bool> cancel { true };
        auto context = BuildContext::open(dir + QStringLiteral("/c.tar"), dir + QStringLiteral("/scratch"), BuildContext::Limits {}, Progress({}, &cancel));
        QVERIFY(!context);
        QCOMPARE(context.code(), ErrorCode::Cancelled);
    }
};

QTEST_GUILESS_MAIN(TestBuildContext)

#include "tst_buildcontext.moc"
