// The kernels of BatchNormRows.c for one input type, included there once per type with SUFFIX
// (f32, f64, bf16), INPUT (the stored input's type), SCALAR (the type computed in), CHANNELS
// (the per-channel vectors' struct), WRITES_PLAIN_GRADIENT (1 where the input gradient kernel that
// writes only Float exists) and CONVERTS (1 where the one that also rounds it to bfloat16 does)
// defined; undefines them. Expressions are spelled as the Swift loops before them were,
// operation for operation, in the order they were.

#define PASTE_(a, b) a##b
#define PASTE(a, b) PASTE_(a, b)
#define NAME(name) PASTE(PASTE(paramshare_, name), PASTE(_, SUFFIX))
#define HELPER(name) PASTE(name, PASTE(_, SUFFIX))
#define LOAD PASTE(load_, SUFFIX)

/// The ReLU's gradient where the batch norm's output x · scale + shift is positive, else 0,
/// computed as the forward pass computes that output.
static inline __attribute__((always_inline)) SCALAR HELPER(rectified)(SCALAR x, SCALAR dy, SCALAR scale, SCALAR shift) {
    return x * scale + shift > 0 ? dy : 0;
}

CLONED_FOR_AVX2
void NAME(add_squared_deviations)(const INPUT *restrict x, long first_row, long end_row, const CHANNELS *c,
                                   SCALAR *restrict sums) {
    const long n = c->channels;
    const SCALAR *restrict mean = c->mean;
    for (long row = first_row; row < end_row; row++) {
        const long first = row * n;
        for (long i = 0; i < n; i++) {
            SCALAR d = LOAD(x, first + i) - mean[i];
            sums[i] = d * d + sums[i];
        }
    }
}

CLONED_FOR_AVX2
void NAME(add_gradient_sums)(const INPUT *restrict x, const SCALAR *restrict dy, long first_row, long end_row,
                              const CHANNELS *c, SCALAR *restrict sums) {
    const long n = c->channels;
    const SCALAR *restrict mean = c->mean, *restrict r = c->reciprocal_std;
    const SCALAR *restrict scale = c->scale, *restrict shift = c->shift;
    SCALAR *restrict sum_dy_xhat = sums + n;
    for (long row = first_row; row < end_row; row++) {
        const long first = row * n;
        const SCALAR *restrict grad = dy + first;
        if (scale) {
            for (long i = 0; i < n; i++) {
                SCALAR value = LOAD(x, first + i);
                SCALAR g = HELPER(rectified)(value, grad[i], scale[i], shift[i]);
                sums[i] += g;
                sum_dy_xhat[i] = g * ((value - mean[i]) * r[i]) + sum_dy_xhat[i];
            }
        } else {
            for (long i = 0; i < n; i++) {
                sums[i] += grad[i];
                sum_dy_xhat[i] = grad[i] * ((LOAD(x, first + i) - mean[i]) * r[i]) + sum_dy_xhat[i];
            }
        }
    }
}

/// dx of one row: k · (g − mean_dy − x̂ · mean_dy_xhat), into `dx` where `writes` and rounded
/// into `converted` where `converts` (constants where it is inlined, so each combination is a
/// loop of its own).
static inline __attribute__((always_inline)) void HELPER(input_gradient_row)(
    const INPUT *restrict x, const SCALAR *restrict grad, const CHANNELS *c, SCALAR *restrict dx,
    uint16_t *restrict converted, int rectifies, int writes, int converts) {
    const long n = c->channels;
    const SCALAR *restrict mean = c->mean, *restrict r = c->reciprocal_std, *restrict k = c->factor;
    const SCALAR *restrict mean_dy = c->mean_dy, *restrict mean_dy_xhat = c->mean_dy_xhat;
    const SCALAR *restrict scale = c->scale, *restrict shift = c->shift;
    for (long i = 0; i < n; i++) {
        SCALAR value = LOAD(x, i);
        SCALAR g = rectifies ? HELPER(rectified)(value, grad[i], scale[i], shift[i]) : grad[i];
        SCALAR xhat = (value - mean[i]) * r[i];
        SCALAR result = k[i] * (g - mean_dy[i] - xhat * mean_dy_xhat[i]);
        if (writes) dx[i] = result;
#if CONVERTS
        if (converts) converted[i] = bfloat16_bits(result);
#else
        (void)converted;
        (void)converts;
#endif
    }
}

#if WRITES_PLAIN_GRADIENT
CLONED_FOR_AVX2
void NAME(batch_norm_input_gradient)(const INPUT *restrict x, const SCALAR *restrict dy, long first_row, long end_row,
                                      const CHANNELS *c, SCALAR *restrict dx) {
    const long n = c->channels;
    for (long row = first_row; row < end_row; row++) {
        const long first = row * n;
        if (c->scale) {
            HELPER(input_gradient_row)(x + first, dy + first, c, dx + first, 0, 1, 1, 0);
        } else {
            HELPER(input_gradient_row)(x + first, dy + first, c, dx + first, 0, 0, 1, 0);
        }
    }
}
#endif

#if CONVERTS
CLONED_FOR_AVX2
void NAME(batch_norm_input_gradient_converting)(const INPUT *restrict x, const SCALAR *restrict dy, long first_row,
                                                long end_row, const CHANNELS *c, SCALAR *restrict dx,
                                                uint16_t *restrict converted) {
    const long n = c->channels;
    for (long row = first_row; row < end_row; row++) {
        const long first = row * n;
        const INPUT *restrict values = x + first;
        const SCALAR *restrict grad = dy + first;
        uint16_t *restrict half = converted + first;
        if (c->scale && dx) {
            HELPER(input_gradient_row)(values, grad, c, dx + first, half, 1, 1, 1);
        } else if (c->scale) {
            HELPER(input_gradient_row)(values, grad, c, 0, half, 1, 0, 1);
        } else if (dx) {
            HELPER(input_gradient_row)(values, grad, c, dx + first, half, 0, 1, 1);
        } else {
            HELPER(input_gradient_row)(values, grad, c, 0, half, 0, 0, 1);
        }
    }
}
#endif

#undef PASTE_
#undef PASTE
#undef NAME
#undef HELPER
#undef LOAD
#undef SUFFIX
#undef INPUT
#undef SCALAR
#undef CHANNELS
#undef CONVERTS
#undef WRITES_PLAIN_GRADIENT
