#include "layercolors.h"

namespace strata {

QColor layerColor(const Digest &chainId, bool darkPalette)
{
    const QString hex = chainId.toString().mid(7, 6);
    bool ok = false;
    const uint bits = hex.toUInt(&ok, 16);
    // The hue from the digest's first bits; saturation and lightness from others, so that two
    // layers with close hues still differ.
    const int hue = ok ? int(bits % 360) : 200;
    const int sat = 90 + int((bits >> 12) % 50);
    if (darkPalette)
        return QColor::fromHsl(hue, sat - 20, 88 + int((bits >> 18) % 24));
    return QColor::fromHsl(hue, sat, 175 + int((bits >> 18) % 30));
}

} // namespace strata
