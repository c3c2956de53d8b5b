#ifndef PARAMSHARE_CZLIB_SHIM_H
#define PARAMSHARE_CZLIB_SHIM_H
#include <zlib.h>
#endif
