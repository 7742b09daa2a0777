#pragma once

#include "builder.h"

#include <QDialog>
#include <QTimer>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace strata {

class BuildRunner;
class StoreSession;

// `build`, as a window: the Dockerfile in an editor (coloured, its first error marked at its
// line as you type), the context (a folder, a tar or a zip), tag, build args, target and
// no-cache, and the build's log as it runs, cache hits highlighted. Not modal: the map shows
// the build's layers appear meanwhile (MainWindow follows runner()). Closing it does not stop a
// build; Cancel does, leaving nothing half-made.
class BuildDialog : public QDialog {
    Q_OBJECT
public:
    BuildDialog(StoreSession *session, QWidget *parent = nullptr);

    BuildRunner *runner() const { return m_runner; }
    BuildRequest request() const;

    // For tests, and for the window to prefill: as a person would fill the form.
    void setContext(const QString &path);
    void setTag(const QString &tag);
    void setDockerfileText(const QString &text);
    void setNoCache(bool noCache);
    QString dockerfileText() const;
    QString log() const;
    // The line of the Dockerfile marked as wrong (1-based), 0 when none.
    int errorLine() const { return m_errorLine; }
    QString errorText() const;
    // Whether Build can start: a context is given and its Dockerfile is in the editor.
    bool canBuild() const;

public Q_SLOTS:
    void startBuild();

Q_SIGNALS:
    // A build ended; `imageId` is null when it failed.
    void built(bool ok, const QString &message, const strata::Digest &imageId);

private:
    void chooseFolder();
    void chooseArchive();
    void contextChanged();
    void checkDockerfile();
    // Marks the line `message` names ("Dockerfile:7: ...") and shows it under the editor; an
    // empty one clears the mark.
    void markError(const QString &message);
    void setRunning(bool running);
    void finished(bool ok, const QString &message, const Digest &imageId);

    StoreSession *m_session;
    BuildRunner *m_runner;
    QLineEdit *m_context;
    QLineEdit *m_tag;
    QComboBox *m_target;
    QPlainTextEdit *m_args;
    QCheckBox *m_noCache;
    QComboBox *m_network;
    QPlainTextEdit *m_editor;
    QLabel *m_editorStatus;
    QPlainTextEdit *m_log;
    QLabel *m_status;
    QPushButton *m_build;
    QPushButton *m_cancel;
    QTimer m_checkTimer;
    int m_errorLine = 0;
    QString m_loadedFrom; // the context whose Dockerfile the editor holds
    bool m_edited = false;
    bool m_statusIsError = false; // the line under the editor shows an error
    bool m_loading = false; // a folder's Dockerfile is being read into the editor
};

} // namespace strata
