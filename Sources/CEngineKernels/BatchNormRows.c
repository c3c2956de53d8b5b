// The row kernels of a channels-last batch norm (include/BatchNormRows.h), in C because C can
// compile one function for two instruction sets and pick one when the program loads: these loops
// are arithmetic-bound in SSE, the x86-64 baseline Swift code is compiled for, and run at 2.5–3
// times the speed with AVX2's 8-wide vectors, at the speed of memory. Each keeps the
// expressions and order of operations of the Swift loops it replaced, and this file contracts no
// multiply-add into a fused one, so every instruction set gives the bits the baseline gives, and
// a ReLU's mask recomputed here from the batch norm's input matches the forward pass's (Swift,
// `channelsLastAffineRectified`) bit for bit.

#pragma STDC FP_CONTRACT OFF

#include <stdint.h>
#include <string.h>

#include "BFloat16Rounding.h"
#include "BatchNormRows.h"
#include "CloningForAVX2.h"

static inline __attribute__((always_inline)) float load_f32(const float *x, long i) { return x[i]; }

static inline __attribute__((always_inline)) double load_f64(const double *x, long i) { return x[i]; }

/// A bfloat16 bit pattern's value: a Float whose low 16 bits are zero.
static inline __attribute__((always_inline)) float load_bf16(const uint16_t *x, long i) {
    uint32_t bits = (uint32_t)x[i] << 16;
    float value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

/// The bits of the bfloat16 nearest `value`, NaNs kept.
static inline __attribute__((always_inline)) uint16_t bfloat16_bits(float value) {
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    return (uint16_t)(paramshare_bfloat16_rounded_bits(bits) >> 16);
}

// One set of kernels per input type: the template file, included with its parameters.
#define SUFFIX f32
#define INPUT float
#define SCALAR float
#define CHANNELS paramshare_batch_norm_channels_f32
#define WRITES_PLAIN_GRADIENT 1
#define CONVERTS 1
#include "BatchNormRowsTemplate.h"

#define SUFFIX f64
#define INPUT double
#define SCALAR double
#define CHANNELS paramshare_batch_norm_channels_f64
#define WRITES_PLAIN_GRADIENT 1
#define CONVERTS 0
#include "BatchNormRowsTemplate.h"

#define SUFFIX bf16
#define INPUT uint16_t
#define SCALAR float
#define CHANNELS paramshare_batch_norm_channels_f32
#define WRITES_PLAIN_GRADIENT 0
#define CONVERTS 1
#include "BatchNormRowsTemplate.h"
