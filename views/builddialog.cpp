#include "builddialog.h"

#include "buildloghighlighter.h"
#include "buildrunner.h"
#include "dockerfile.h"
#include "dockerfilehighlighter.h"
#include "formhelpers.h"
#include "fsutil.h"
#include "storesession.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollBar>
#include <QSplitter>
#include <QTextBlock>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace strata {

namespace {
    // "Dockerfile:7: cause" (the parser's and the builder's errors, after a context perhaps):
    // the line, 7, and the cause; line 0 and the whole message when it names no line.
    struct Located {
        int line = 0;
        QString cause;
    };
    Located locate(const QString &message)
    {
        static const QRegularExpression at(QStringLiteral("(?:^|: )[^:\\s]*:(\\d+): "));
        const auto m = at.match(message);
        if (!m.hasMatch())
            return { 0, message };
        return { m.captured(1).toInt(), message.mid(m.capturedEnd()) };
    }

    const QString starterDockerfile = QStringLiteral(
        "# Each instruction that changes files makes one layer; the others only change the config.\n"
        "FROM busybox\n"
        "RUN mkdir -p /app && echo 'hello from a layer' > /app/hello.txt\n"
        "CMD [\"cat\", \"/app/hello.txt\"]\n");
}

BuildDialog::BuildDialog(StoreSession *session, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_runner(new BuildRunner(this))
{
    setWindowTitle(tr("Build an image"));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("Each instruction that changes files makes one read-only layer; a step whose parent, instruction and files are "
                                "unchanged is taken from the layer cache instead of being built again."),
        this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    auto *contextRow = new QHBoxLayout;
    m_context = new QLineEdit(this);
    m_context->setPlaceholderText(tr("a folder, or a tar or zip archive, holding the files COPY and ADD read"));
    auto *folder = new QPushButton(tr("&Folder…"), this);
    auto *archive = new QPushButton(tr("A&rchive…"), this);
    contextRow->addWidget(m_context, 1);
    contextRow->addWidget(folder);
    contextRow->addWidget(archive);
    auto *contextLabel = new QLabel(tr("&Context:"), this);
    contextLabel->setBuddy(m_context);
    form->addRow(contextLabel, contextRow);
    m_tag = new QLineEdit(this);
    m_tag->setPlaceholderText(tr("name:tag, e.g. myapp:1.0 (untagged when empty)"));
    form->addRow(tr("&Tag:"), m_tag);
    auto *optionsRow = new QHBoxLayout;
    m_target = new QComboBox(this);
    m_target->setEditable(true);
    m_target->setMinimumContentsLength(14);
    m_target->setToolTip(tr("Stop after this stage of a multi-stage Dockerfile; the last one when empty"));
    m_network = new QComboBox(this);
    m_network->addItem(tr("none (loopback only)"), QStringLiteral("none"));
    m_network->addItem(tr("host"), QStringLiteral("host"));
    m_network->setToolTip(tr("The network RUN's containers get"));
    m_noCache = new QCheckBox(tr("&No cache: build every step again"), this);
    auto *targetLabel = new QLabel(tr("Tar&get stage:"), this);
    targetLabel->setBuddy(m_target);
    auto *networkLabel = new QLabel(tr("Net&work:"), this);
    networkLabel->setBuddy(m_network);
    optionsRow->addWidget(targetLabel);
    optionsRow->addWidget(m_target);
    optionsRow->addSpacing(12);
    optionsRow->addWidget(networkLabel);
    optionsRow->addWidget(m_network);
    optionsRow->addSpacing(12);
    optionsRow->addWidget(m_noCache);
    optionsRow->addStretch(1);
    form->addRow(QString(), optionsRow);
    m_args = new QPlainTextEdit(this);
    m_args->setPlaceholderText(tr("NAME=value for the Dockerfile's ARGs, one per line"));
    m_args->setTabChangesFocus(true);
    m_args->setFixedHeight(m_args->fontMetrics().lineSpacing() * 2 + 14);
    form->addRow(tr("Build &args:"), m_args);
    layout->addLayout(form);

    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    auto *editorPane = new QWidget(splitter);
    auto *editorLayout = new QVBoxLayout(editorPane);
    editorLayout->setContentsMargins(0, 0, 0, 0);
    auto *editorLabel = new QLabel(tr("&Dockerfile"), editorPane);
    QFont bold = editorLabel->font();
    bold.setBold(true);
    editorLabel->setFont(bold);
    m_editor = new QPlainTextEdit(editorPane);
    m_editor->setFont(mono);
    m_editor->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_editor->setTabChangesFocus(true);
    m_editor->setAccessibleName(tr("Dockerfile"));
    editorLabel->setBuddy(m_editor);
    new DockerfileHighlighter(m_editor->document(), form::isDark(palette()));
    m_editorStatus = new QLabel(editorPane);
    m_editorStatus->setWordWrap(true);
    m_editorStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    editorLayout->addWidget(editorLabel);
    editorLayout->addWidget(m_editor, 1);
    editorLayout->addWidget(m_editorStatus);
    auto *logPane = new QWidget(splitter);
    auto *logLayout = new QVBoxLayout(logPane);
    logLayout->setContentsMargins(0, 0, 0, 0);
    auto *logLabel = new QLabel(tr("Build &log"), logPane);
    logLabel->setFont(bold);
    m_log = new QPlainTextEdit(logPane);
    m_log->setReadOnly(true);
    m_log->setFont(mono);
    m_log->setMaximumBlockCount(20000);
    m_log->setAccessibleName(tr("Build log"));
    m_log->setPlaceholderText(tr("The build's steps appear here. \" ---> Using cache\" marks a step the layer cache saved."));
    logLabel->setBuddy(m_log);
    new BuildLogHighlighter(m_log->document(), form::isDark(palette()));
    logLayout->addWidget(logLabel);
    logLayout->addWidget(m_log, 1);
    splitter->addWidget(editorPane);
    splitter->addWidget(logPane);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter, 1);

    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);
    auto *buttons = new QDialogButtonBox(this);
    m_build = buttons->addButton(tr("&Build"), QDialogButtonBox::AcceptRole);
    m_cancel = buttons->addButton(tr("Cancel Build"), QDialogButtonBox::ActionRole);
    auto *close = buttons->addButton(QDialogButtonBox::Close);
    close->setToolTip(tr("A running build goes on; the map shows its layers"));
    layout->addWidget(buttons);
    m_build->setDefault(true);
    m_cancel->hide();

    connect(folder, &QPushButton::clicked, this, &BuildDialog::chooseFolder);
    connect(archive, &QPushButton::clicked, this, &BuildDialog::chooseArchive);
    connect(m_context, &QLineEdit::editingFinished, this, &BuildDialog::contextChanged);
    connect(m_context, &QLineEdit::textChanged, this, [this] { m_build->setEnabled(!m_runner->running() && !m_loading && !m_context->text().trimmed().isEmpty()); });
    connect(m_build, &QPushButton::clicked, this, &BuildDialog::startBuild);
    connect(m_cancel, &QPushButton::clicked, m_runner, &BuildRunner::cancel);
    connect(close, &QPushButton::clicked, this, &QDialog::hide);
    m_checkTimer.setSingleShot(true);
    m_checkTimer.setInterval(250);
    connect(&m_checkTimer, &QTimer::timeout, this, &BuildDialog::checkDockerfile);
    connect(m_editor, &QPlainTextEdit::textChanged, this, [this] {
        m_edited = true;
        m_checkTimer.start();
    });
    connect(m_runner, &BuildRunner::logAppended, this, [this](const QString &text) {
        QScrollBar *bar = m_log->verticalScrollBar();
        const bool atEnd = bar->value() >= bar->maximum() - 4;
        m_log->moveCursor(QTextCursor::End);
        m_log->insertPlainText(text);
        if (atEnd)
            bar->setValue(bar->maximum());
    });
    connect(m_runner, &BuildRunner::stepChanged, this, [this](const BuildEvent &e) {
        if (e.kind == BuildEvent::Kind::StepStarted || e.kind == BuildEvent::Kind::StageStarted)
            m_status->setText(tr("Step %1 of %2…").arg(e.step).arg(e.steps));
    });
    connect(m_runner, &BuildRunner::finished, this, &BuildDialog::finished);

    m_editor->setPlainText(starterDockerfile);
    m_edited = false;
    m_build->setEnabled(false);
    resize(960, 760);
}

void BuildDialog::setContext(const QString &path)
{
    m_context->setText(path);
    contextChanged();
}

void BuildDialog::setTag(const QString &tag)
{
    m_tag->setText(tag);
}

void BuildDialog::setDockerfileText(const QString &text)
{
    m_editor->setPlainText(text);
    checkDockerfile();
}

void BuildDialog::setNoCache(bool noCache)
{
    m_noCache->setChecked(noCache);
}

QString BuildDialog::dockerfileText() const
{
    return m_editor->toPlainText();
}

QString BuildDialog::log() const
{
    return m_log->toPlainText();
}

QString BuildDialog::errorText() const
{
    return m_errorLine > 0 ? m_editorStatus->text() : QString();
}

bool BuildDialog::canBuild() const
{
    return m_build->isEnabled();
}

void BuildDialog::chooseFolder()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Choose the build context"), m_context->text());
    if (!dir.isEmpty())
        setContext(dir);
}

void BuildDialog::chooseArchive()
{
    const QString file = QFileDialog::getOpenFileName(this, tr("Choose a build context archive"), m_context->text(),
        tr("Archives (*.tar *.tar.gz *.tgz *.tar.bz2 *.tar.xz *.tar.zst *.zip);;All files (*)"));
    if (!file.isEmpty())
        setContext(file);
}

void BuildDialog::contextChanged()
{
    const QString path = m_context->text().trimmed();
    m_build->setEnabled(!m_runner->running() && !m_loading && !path.isEmpty());
    if (path.isEmpty() || path == m_loadedFrom)
        return;
    m_loadedFrom = path;
    // Until the folder's Dockerfile is in the editor, Build would build the wrong one.
    m_loading = true;
    m_build->setEnabled(false);
    // A folder's Dockerfile goes into the editor (read off the GUI thread); an archive's is read
    // by the build itself unless the editor holds one.
    QtConcurrent::run([path]() -> QString {
        if (!QFileInfo(path).isDir())
            return QString();
        auto text = fs::readFile(path + QStringLiteral("/Dockerfile"), 1024 * 1024);
        return text ? QString::fromUtf8(text.value()) : QString();
    }).then(this, [this, path](const QString &text) {
        if (m_context->text().trimmed() != path)
            return;
        m_loading = false;
        m_build->setEnabled(!m_runner->running());
        if (!text.isEmpty()) {
            m_editor->setPlainText(text);
            m_edited = false;
            m_editorStatus->setText(tr("From %1").arg(QDir(path).filePath(QStringLiteral("Dockerfile"))));
        } else if (!QFileInfo(path).isDir() && !m_edited) {
            m_editor->clear();
            m_editorStatus->setText(tr("The archive's own Dockerfile is used unless you write one here."));
        }
        checkDockerfile();
    });
}

void BuildDialog::checkDockerfile()
{
    // Parsing is linear and in memory: it runs as the text changes, the file's first error marked.
    const QString text = m_editor->toPlainText();
    QStringList stages;
    if (text.trimmed().isEmpty()) {
        markError({});
    } else {
        auto parsed = Dockerfile::parse(text.toUtf8(), QStringLiteral("Dockerfile"));
        if (!parsed) {
            markError(parsed.error());
        } else {
            markError({});
            for (const DockerfileInstruction &i : parsed->instructions) {
                if (i.keyword == QLatin1String("FROM") && i.args.size() == 3)
                    stages.append(i.args[2]);
            }
        }
    }
    const QString current = m_target->currentText();
    m_target->clear();
    m_target->addItem(QString());
    m_target->addItems(stages);
    m_target->setCurrentText(current);
}

void BuildDialog::markError(const QString &message)
{
    const Located at = locate(message);
    const int line = at.line;
    m_errorLine = line;
    QList<QTextEdit::ExtraSelection> marks;
    if (line > 0) {
        QTextEdit::ExtraSelection mark;
        mark.format.setBackground(form::isDark(palette()) ? QColor(0x5c, 0x1f, 0x1f) : QColor(0xfd, 0xe2, 0xe2));
        mark.format.setProperty(QTextFormat::FullWidthSelection, true);
        mark.cursor = QTextCursor(m_editor->document()->findBlockByNumber(line - 1));
        marks.append(mark);
    }
    m_editor->setExtraSelections(marks);
    if (!message.isEmpty()) {
        // "Dockerfile:7: cause" reads "Line 7: cause" under the editor.
        m_editorStatus->setText(line > 0 ? tr("Line %1: %2").arg(line).arg(at.cause) : message);
        m_editorStatus->setStyleSheet(QStringLiteral("color: %1").arg(form::isDark(palette()) ? QStringLiteral("#ff8a80") : QStringLiteral("#b01c1c")));
        m_statusIsError = true;
    } else if (m_statusIsError) {
        m_editorStatus->setStyleSheet(QString());
        m_editorStatus->clear();
        m_statusIsError = false;
    }
}

BuildRequest BuildDialog::request() const
{
    BuildRequest r;
    r.context = m_context->text().trimmed();
    r.dockerfileText = m_editor->toPlainText().toUtf8();
    if (!m_tag->text().trimmed().isEmpty())
        r.tags = { m_tag->text().trimmed() };
    for (const QString &line : m_args->toPlainText().split(u'\n', Qt::SkipEmptyParts)) {
        if (!line.trimmed().isEmpty())
            r.buildArgs.append(line.trimmed());
    }
    r.noCache = m_noCache->isChecked();
    r.target = m_target->currentText().trimmed();
    r.network = m_network->currentData().toString();
    return r;
}

void BuildDialog::startBuild()
{
    if (m_runner->running() || m_loading)
        return;
    checkDockerfile();
    if (m_errorLine > 0) {
        m_status->setText(tr("Fix the Dockerfile first: %1").arg(m_editorStatus->text()));
        return;
    }
    m_log->clear();
    if (!m_runner->start(m_session->store(), request())) {
        m_status->setText(tr("No store is open."));
        return;
    }
    setRunning(true);
    m_status->setText(tr("Building…"));
}

void BuildDialog::setRunning(bool running)
{
    m_build->setEnabled(!running && !m_loading && !m_context->text().trimmed().isEmpty());
    m_cancel->setVisible(running);
    m_cancel->setEnabled(running);
}

void BuildDialog::finished(bool ok, const QString &message, const Digest &imageId)
{
    setRunning(false);
    if (ok) {
        m_status->setText(message.isEmpty() ? tr("Built %1.").arg(imageId.shortHex()) : tr("Built %1, tagged %2.").arg(imageId.shortHex(), message));
    } else {
        m_status->setText(message);
        // A cancel was asked for: the log says so without calling it an error.
        m_log->appendPlainText(m_runner->wasCancelled() ? message : QStringLiteral("Error: ") + message);
        if (locate(message).line > 0)
            markError(message);
    }
    Q_EMIT built(ok, message, imageId);
}

} // namespace strata
