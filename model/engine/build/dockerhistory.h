#pragma once

#include <QString>
#include <QStringList>

namespace strata {

// How Docker's classic builder writes an image's history (created_by), which a compatible
// builder reproduces byte for byte: tools and people compare these strings, and dive shows them.
// The quirks are Docker's (moby builder/dockerfile, 20.10): metadata instructions are a comment
// command `<shell> #(nop) <text>`, with two spaces after "#(nop)" for most (the comment is a
// separate argument that ends in a space) and one for WORKDIR, COPY and ADD; slices are printed
// with Go's %q or %v.
namespace dockerhistory {
    // `<shell> #(nop)  <text>`: ENV, LABEL, ARG, USER, EXPOSE, VOLUME, CMD, ENTRYPOINT, ...
    QString nop(const QStringList &shell, const QString &text);
    // `<shell> #(nop) <text>`: WORKDIR, COPY, ADD.
    QString nopString(const QStringList &shell, const QString &text);
    // Go's %q of a []string: ["a" "b \"c\""].
    QString goQuoted(const QStringList &list);
    // Go's strconv.Quote of one string.
    QString goQuote(const QString &text);
    // Go's %v of a []string: [a b c].
    QString goList(const QStringList &list);
} // namespace dockerhistory

} // namespace strata
