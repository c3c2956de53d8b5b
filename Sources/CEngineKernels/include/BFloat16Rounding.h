#ifndef PARAMSHARE_BFLOAT16_ROUNDING_H
#define PARAMSHARE_BFLOAT16_ROUNDING_H

// Rounding a Float to bfloat16, to nearest even, a NaN kept a (quiet) NaN, on its bit pattern:
// the one definition the C kernels and the engine's Swift (`roundedToBFloat16`) both use.

#include <stdint.h>

/// The bits of the bfloat16 nearest the Float whose bits are `bits`, as a Float's: half the
/// dropped part (less one, plus the kept part's lowest bit, which breaks ties towards even)
/// added, the dropped part cleared; values past the largest bfloat16 go to infinity, and a NaN
/// (exponent all ones, fraction not zero) stays a NaN, made quiet, rather than rounding into one.
static inline __attribute__((always_inline)) uint32_t paramshare_bfloat16_rounded_bits(uint32_t bits) {
    uint32_t nearest = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000;
    uint32_t quiet_nan = (bits | 0x00400000) & 0xFFFF0000;
    return (bits & 0x7FFFFFFF) > 0x7F800000 ? quiet_nan : nearest;
}

#endif
