// Everything is inline in include/ckernel.h; SwiftPM wants one source file per C target.
#include "ckernel.h"
