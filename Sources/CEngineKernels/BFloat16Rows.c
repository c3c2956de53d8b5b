// Rounding a run of Floats to bfloat16 (include/BFloat16Rows.h), in C so that the loop is
// compiled for AVX2 as well as for the x86-64 baseline and the loader picks one (as the batch
// norm's rows are): in SSE2, the baseline Swift compiles for, the rounding's masks and selects
// took 0.33 ns a value at best (65,536 values in cache, on the Xeon of family 6, model 207),
// against 0.17 in AVX2, and a bf16 linear layer rounds its whole input on every pass.
// Integer operations only, so every compilation gives the same bits.

#include <stdint.h>

#include "BFloat16Rounding.h"
#include "BFloat16Rows.h"
#include "CloningForAVX2.h"

CLONED_FOR_AVX2
void paramshare_round_to_bfloat16(const uint32_t *source, long count, uint32_t *destination) {
    for (long i = 0; i < count; i++) destination[i] = paramshare_bfloat16_rounded_bits(source[i]);
}
