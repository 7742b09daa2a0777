#pragma once

#include "result.h"

#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace strata {

// A `--name=value` flag of an instruction (COPY --from=build, RUN --mount=..., HEALTHCHECK
// --interval=5s), as written: the value is not yet expanded.
struct DockerfileFlag {
    QString name; // without the dashes
    QString value;
    bool hasValue = false; // `--flag` alone
};

// A here-document of RUN or COPY (`RUN <<EOF` ... `EOF`).
struct DockerfileHeredoc {
    QString name; // the delimiter word, as a COPY source names it
    QString content; // the lines between, each ending in '\n'; tabs stripped for <<-
    bool expand = true; // false when the delimiter was quoted (<<"EOF"): no $VAR expansion
};

// One instruction, as Docker's parser splits it (moby/buildkit frontend/dockerfile/parser):
// keyword, flags, then the arguments in the shape that keyword takes. Nothing is expanded yet:
// the builder expands with the ARG and ENV values in scope at that point (WordExpander).
//
// `args`, by keyword:
// - RUN, CMD, ENTRYPOINT: JSON form: the array's strings; shell form: one string, the rest of
//   the instruction with its line continuations joined.
// - SHELL: the JSON array's strings (shell form is an error).
// - ENV, LABEL: key and value alternating (`ENV a=1 b="x y"` gives a, 1, b, "x y" with the
//   quotes kept for the expander; the legacy `ENV key value with spaces` gives key and the
//   rest as one value).
// - ARG: one "name" or "name=default" per word.
// - HEALTHCHECK: "NONE", or "CMD" followed by the command as for RUN (json says which form).
// - ONBUILD: one string, the trigger instruction's text; the parser has checked that it
//   parses and is not ONBUILD, FROM or MAINTAINER.
// - WORKDIR, USER, STOPSIGNAL, MAINTAINER: one string, the rest of the instruction.
// - FROM, COPY, ADD, EXPOSE, VOLUME: the words (JSON form for COPY, ADD, VOLUME: the array's
//   strings), quotes kept for the expander.
struct DockerfileInstruction {
    QString keyword; // upper case
    int line = 0; // 1-based line where the instruction starts
    QString text; // the instruction as written, continuations joined: for messages
    QList<DockerfileFlag> flags;
    QStringList args;
    bool json = false; // exec (JSON array) form
    QList<DockerfileHeredoc> heredocs;

    // The value of flag `name`, if given.
    std::optional<QString> flag(const QString &name) const;
};

// A parsed Dockerfile: parser directives and instructions, ARGs before the first FROM
// included. Parsing checks the grammar only (known keywords, argument counts, JSON where it
// is required, flags each instruction accepts); an error names the file and the line
// ("Dockerfile:7: unknown instruction: RUNN"). Input is untrusted: the parser is linear in
// the text and refuses a file over 16 MiB or an instruction over 1 MiB.
struct Dockerfile {
    QString fileName; // for messages
    QChar escape = u'\\';
    QString syntax; // the `# syntax=` directive, if any (recorded, not acted on)
    QList<DockerfileInstruction> instructions;

    static Result<Dockerfile> parse(QByteArrayView text, const QString &fileName);
    // One instruction on its own (an ONBUILD trigger), with the file's escape character.
    static Result<DockerfileInstruction> parseInstruction(const QString &text, QChar escape, const QString &fileName, int line);
};

// Docker's word processing for instructions that expand variables (FROM, COPY, ADD, ENV, ARG,
// LABEL, EXPOSE, VOLUME, USER, WORKDIR, STOPSIGNAL, ONBUILD's flags and the flags of COPY and
// ADD): $VAR, ${VAR}, ${VAR:-word}, ${VAR-word}, ${VAR:+word}, ${VAR+word}, single and double
// quotes, and the escape character, as moby/buildkit's shell.Lex does. Unset variables expand
// to nothing. A malformed substitution ("${VAR", "${:-x}") is an error.
class WordExpander {
public:
    // The value of a variable in scope, or nullopt when it is not set.
    using Lookup = std::function<std::optional<QString>(const QString &name)>;
    WordExpander(QChar escape, Lookup lookup);

    // One word: quotes removed, variables expanded, no splitting.
    Result<QString> word(const QString &raw) const;
    // Split on unquoted white space after expansion (EXPOSE, VOLUME in shell form, FROM's
    // words): each result one word.
    Result<QStringList> words(const QString &raw) const;

private:
    QChar m_escape;
    Lookup m_lookup;
};

} // namespace strata
