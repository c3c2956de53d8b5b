#ifndef PARAMSHARE_BFLOAT16_ROWS_H
#define PARAMSHARE_BFLOAT16_ROWS_H

// Rounding runs of Floats to bfloat16 (see BFloat16Rows.c for why in C).

#include <stdint.h>

/// Writes the bits of the `count` Floats whose bits are `source`, each rounded to the nearest
/// bfloat16 (`paramshare_bfloat16_rounded_bits`), into `destination`, which may be `source`.
void paramshare_round_to_bfloat16(const uint32_t *source, long count, uint32_t *destination);

#endif
