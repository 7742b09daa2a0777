#pragma once

#include "digest.h"

#include <QColor>

namespace strata {

// A layer's colour, the same in every run and on every machine: its hue comes from the chainID,
// so a layer keeps its colour across images, sessions and screenshots. Softer on a dark palette.
QColor layerColor(const Digest &chainId, bool darkPalette);

} // namespace strata
