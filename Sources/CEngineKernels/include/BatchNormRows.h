#ifndef PARAMSHARE_BATCH_NORM_ROWS_H
#define PARAMSHARE_BATCH_NORM_ROWS_H

// The row kernels of a channels-last batch norm's statistics and backward pass: rows
// [first_row, end_row) of `channels` values each, one running value per channel (see
// BatchNormRows.c for why they are C). `_f32` and `_f64` take Float and Double values; `_bf16`
// takes bfloat16 bit patterns, read as the Floats they stand for, and computes in Float.

#include <stdint.h>

/// A batch norm's per-channel vectors, each `channels` long, for one scalar type. `scale` and
/// `shift` are the forward pass's affine map, x · scale + shift; a kernel given them computes
/// the gradient of the ReLU after the batch norm too (dy where that value is positive, else 0),
/// and `scale` is NULL for a batch norm with no ReLU after it. `factor`, `mean_dy` and
/// `mean_dy_xhat` are those of the input gradient, k · (dy − mean_dy − x̂ · mean_dy_xhat).
typedef struct {
    long channels;
    const float *mean, *reciprocal_std, *scale, *shift, *factor, *mean_dy, *mean_dy_xhat;
} paramshare_batch_norm_channels_f32;

/// `paramshare_batch_norm_channels_f32` in Double.
typedef struct {
    long channels;
    const double *mean, *reciprocal_std, *scale, *shift, *factor, *mean_dy, *mean_dy_xhat;
} paramshare_batch_norm_channels_f64;

/// Adds each channel's Σ (x − mean)² over the rows into `sums`.
void paramshare_add_squared_deviations_f32(const float *x, long first_row, long end_row,
                                           const paramshare_batch_norm_channels_f32 *c, float *sums);
void paramshare_add_squared_deviations_f64(const double *x, long first_row, long end_row,
                                           const paramshare_batch_norm_channels_f64 *c, double *sums);
void paramshare_add_squared_deviations_bf16(const uint16_t *x, long first_row, long end_row,
                                            const paramshare_batch_norm_channels_f32 *c, float *sums);

/// Adds Σ g into `sums[0, channels)` and Σ g · x̂ into `sums[channels, 2 · channels)`, with
/// x̂ = (x − mean) · reciprocal_std and g = dy, or dy where x · scale + shift > 0 with a `scale`.
void paramshare_add_gradient_sums_f32(const float *x, const float *dy, long first_row, long end_row,
                                      const paramshare_batch_norm_channels_f32 *c, float *sums);
void paramshare_add_gradient_sums_f64(const double *x, const double *dy, long first_row, long end_row,
                                      const paramshare_batch_norm_channels_f64 *c, double *sums);
void paramshare_add_gradient_sums_bf16(const uint16_t *x, const float *dy, long first_row, long end_row,
                                       const paramshare_batch_norm_channels_f32 *c, float *sums);

/// dx = factor · (g − mean_dy − x̂ · mean_dy_xhat) over the rows, g as in the gradient sums.
/// The `_converting` kernels also write dx rounded to bfloat16 (to nearest even, NaNs kept
/// quiet) into `converted`, and write `dx` only where it is not NULL.
void paramshare_batch_norm_input_gradient_f32(const float *x, const float *dy, long first_row, long end_row,
                                              const paramshare_batch_norm_channels_f32 *c, float *dx);
void paramshare_batch_norm_input_gradient_f64(const double *x, const double *dy, long first_row, long end_row,
                                              const paramshare_batch_norm_channels_f64 *c, double *dx);
void paramshare_batch_norm_input_gradient_converting_f32(const float *x, const float *dy, long first_row,
                                                         long end_row, const paramshare_batch_norm_channels_f32 *c,
                                                         float *dx, uint16_t *converted);
void paramshare_batch_norm_input_gradient_converting_bf16(const uint16_t *x, const float *dy, long first_row,
                                                          long end_row, const paramshare_batch_norm_channels_f32 *c,
                                                          float *dx, uint16_t *converted);

#endif
