#pragma once

#include <QString>

namespace strata {

// A file mode as ls and dive show it: "drwxr-xr-x", "-rwsr-xr-x", "drwxrwxrwt".
QString modeString(quint32 mode);

} // namespace strata
