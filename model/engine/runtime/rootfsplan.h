#pragma once

#include "containerinit.h"
#include "containertypes.h"
#include "result.h"

namespace strata {

class Store;

// Fills the root filesystem part of a container's init plan: the overlay of lower/0.. (init
// layer and image), upper and work directories, or the vfs copy; mounted on rw/merged.
Status planRootFilesystem(Store &store, const ContainerConfig &config, InitPlan &plan);

} // namespace strata
