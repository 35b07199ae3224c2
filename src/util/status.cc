// Status is header-only; this unit anchors the mv_util library so other util code can join it.
#include "util/status.h"
