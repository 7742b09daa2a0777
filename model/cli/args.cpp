#include "args.h"

namespace strata {

Result<Args> parseArgs(const QStringList &args, const QStringList &flags, const QStringList &options, bool stopAtPositional)
{
    Args out;
    for (qsizetype i = 0; i < args.size(); ++i) {
        QString a = args[i];
        if (a == QLatin1String("--")) {
            out.positional += args.mid(i + 1);
            break;
        }
        if (!a.startsWith(u'-') || a == QLatin1String("-")) {
            if (stopAtPositional) {
                out.positional += args.mid(i);
                break;
            }
            out.positional.append(a);
            continue;
        }
        QString value;
        bool hasValue = false;
        if (a.startsWith(QLatin1String("--")) && a.contains(u'=')) {
            value = a.mid(a.indexOf(u'=') + 1);
            a = a.left(a.indexOf(u'='));
            hasValue = true;
        }
        if (flags.contains(a)) {
            out.flags.insert(a);
        } else if (options.contains(a)) {
            if (!hasValue) {
                if (i + 1 >= args.size())
                    return fail(QStringLiteral("option %1 needs a value").arg(a));
                value = args[++i];
            }
            out.options[a].append(value);
        } else if (a.size() > 2 && !a.startsWith(QLatin1String("--"))
            && std::all_of(a.cbegin() + 1, a.cend(), [&](QChar c) { return flags.contains(QStringLiteral("-") + c); })) {
            for (qsizetype k = 1; k < a.size(); ++k) // combined short flags: -it, -af
                out.flags.insert(QStringLiteral("-") + a[k]);
        } else {
            return fail(QStringLiteral("unknown option '%1'").arg(a));
        }
    }
    return out;
}

Result<Args> parseCounted(const QStringList &args, const QStringList &flags, const QStringList &options, qsizetype minPositional, qsizetype maxPositional)
{
    auto parsed = parseArgs(args, flags, options);
    if (!parsed)
        return parsed;
    const qsizetype n = parsed->positional.size();
    if (n < minPositional || (maxPositional >= 0 && n > maxPositional))
        return fail(ErrorCode::InvalidInput, QStringLiteral("wrong number of arguments (see stratactl --help)"));
    return parsed;
}

} // namespace strata
