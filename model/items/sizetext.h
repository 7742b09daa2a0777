#pragma once

#include <QLocale>
#include <QString>

namespace strata {

// A size as the window shows it everywhere: SI units with one decimal ("300.1 kB"), as Docker
// and dive print them, in the user's locale.
inline QString sizeText(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeSIFormat);
}

} // namespace strata
