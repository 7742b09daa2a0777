#include "buildcontext.h"
