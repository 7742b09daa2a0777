#pragma once

#include "result.h"

#include <QHash>
#include <QSet>
#include <QStringList>

namespace strata {

// A command's arguments split into flags (no value), options (one value, may repeat) and
// positionals.
struct Args {
    QStringList positional;
    QHash<QString, QStringList> options;
    QSet<QString> flags;

    bool has(const QString &flag, const QString &alias = {}) const { return flags.contains(flag) || (!alias.isEmpty() && flags.contains(alias)); }
    QStringList values(const QString &option, const QString &alias = {}) const
    {
        return options.value(option) + (alias.isEmpty() ? QStringList() : options.value(alias));
    }
    QString value(const QString &option, const QString &alias = {}, const QString &fallback = {}) const
    {
        const QStringList all = values(option, alias);
        return all.isEmpty() ? fallback : all.last();
    }
};

// `stopAtPositional`: everything from the first positional on is positional (`run IMAGE CMD -x`:
// the -x belongs to the command).
Result<Args> parseArgs(const QStringList &args, const QStringList &flags, const QStringList &options, bool stopAtPositional = false);
// parseArgs, and between `minPositional` and `maxPositional` (-1: any number) positional arguments.
Result<Args> parseCounted(const QStringList &args, const QStringList &flags, const QStringList &options, qsizetype minPositional, qsizetype maxPositional);

} // namespace strata
