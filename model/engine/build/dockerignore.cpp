#include "dockerignore.h"
