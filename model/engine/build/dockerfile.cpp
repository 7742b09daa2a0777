#include "dockerfile.h"
