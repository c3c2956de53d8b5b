#ifndef PARAMSHARE_CDNNL_SHIM_H
#define PARAMSHARE_CDNNL_SHIM_H

// oneDNN (Debian's libdnnl-dev), for channels-last convolutions.
#include <dnnl.h>
#include <dlfcn.h>

// Debian builds oneDNN on OpenMP, and a primitive called from one of the engine's own threads
// would start an OpenMP team of its own on top of them. The engine splits the batch over its
// threads itself (in blocks that make results independent of the thread count), so each call
// must stay on the thread that makes it. OpenMP's thread count is per calling thread; libgomp
// comes in with libdnnl, but ships no unversioned library to link against, hence the lookup.
static inline void paramshare_dnnl_stay_on_calling_thread(void) {
    static void (*set_num_threads)(int) = 0;
    if (!set_num_threads) {
        set_num_threads = (void (*)(int))dlsym(RTLD_DEFAULT, "omp_set_num_threads");
    }
    if (set_num_threads) {
        set_num_threads(1);
    }
}

// A 4-d memory descriptor of `type` (f32, or bf16 for bf16 operands) in `tag`'s order, for an image
// batch `[items, channels, height, width]` or a kernel `[out, in, height, width]`. (Swift sees
// dnnl_dims_t as a 12-tuple.)
static inline dnnl_status_t paramshare_dnnl_desc_4d(
    dnnl_memory_desc_t *desc, int64_t d0, int64_t d1, int64_t d2, int64_t d3, dnnl_data_type_t type,
    dnnl_format_tag_t tag) {
    dnnl_dims_t dims = {d0, d1, d2, d3};
    return dnnl_memory_desc_init_by_tag(desc, 4, dims, type, tag);
}

// The three operation descriptors of one direct convolution with a square kernel, equal strides
// and top/left padding `padding`; oneDNN takes the bottom/right padding that gives `dst`'s size.
// What a pass multiplies (`src`, `weights`, `diff_dst`) may be bf16 while what it writes (`dst`,
// `diff_src`, `diff_weights`) stays f32: a bf16 convolution with f32 accumulation and output.
static inline dnnl_status_t paramshare_dnnl_convolution_descs(
    dnnl_convolution_desc_t *forward, dnnl_convolution_desc_t *backward_data,
    dnnl_convolution_desc_t *backward_weights, const dnnl_memory_desc_t *src,
    const dnnl_memory_desc_t *diff_src, const dnnl_memory_desc_t *weights,
    const dnnl_memory_desc_t *diff_weights, const dnnl_memory_desc_t *dst,
    const dnnl_memory_desc_t *diff_dst, int64_t kernel_size, int64_t stride, int64_t padding) {
    dnnl_dims_t strides = {stride, stride};
    dnnl_dims_t left = {padding, padding};
    dnnl_dims_t right = {
        (dst->dims[2] - 1) * stride + kernel_size - src->dims[2] - padding,
        (dst->dims[3] - 1) * stride + kernel_size - src->dims[3] - padding,
    };
    dnnl_status_t status = dnnl_convolution_forward_desc_init(
        forward, dnnl_forward_training, dnnl_convolution_direct, src, weights, NULL, dst, strides, left, right);
    if (status != dnnl_success) return status;
    status = dnnl_convolution_backward_data_desc_init(
        backward_data, dnnl_convolution_direct, diff_src, weights, diff_dst, strides, left, right);
    if (status != dnnl_success) return status;
    return dnnl_convolution_backward_weights_desc_init(
        backward_weights, dnnl_convolution_direct, src, diff_weights, NULL, diff_dst, strides, left, right);
}

// The forward-inference descriptor of the same convolution with a per-output-channel bias, and
// attributes that add what `dst` held before when `accumulated` (a residual sum), then apply a
// ReLU when `rectified`: batch norm folded in, at evaluation.
static inline dnnl_status_t paramshare_dnnl_folded_convolution_desc(
    dnnl_convolution_desc_t *forward, dnnl_primitive_attr_t attributes, const dnnl_memory_desc_t *src,
    const dnnl_memory_desc_t *weights, const dnnl_memory_desc_t *bias, const dnnl_memory_desc_t *dst,
    int64_t kernel_size, int64_t stride, int64_t padding, int accumulated, int rectified) {
    dnnl_dims_t strides = {stride, stride};
    dnnl_dims_t left = {padding, padding};
    dnnl_dims_t right = {
        (dst->dims[2] - 1) * stride + kernel_size - src->dims[2] - padding,
        (dst->dims[3] - 1) * stride + kernel_size - src->dims[3] - padding,
    };
    if (accumulated || rectified) {
        dnnl_post_ops_t post_ops;
        dnnl_status_t status = dnnl_post_ops_create(&post_ops);
        if (status != dnnl_success) return status;
        if (accumulated) status = dnnl_post_ops_append_sum(post_ops, 1.0f);
        if (status == dnnl_success && rectified)
            status = dnnl_post_ops_append_eltwise(post_ops, 1.0f, dnnl_eltwise_relu, 0.0f, 0.0f);
        if (status == dnnl_success) status = dnnl_primitive_attr_set_post_ops(attributes, post_ops);
        dnnl_post_ops_destroy(post_ops);
        if (status != dnnl_success) return status;
    }
    return dnnl_convolution_forward_desc_init(
        forward, dnnl_forward_inference, dnnl_convolution_direct, src, weights, bias, dst, strides, left, right);
}

// A 2-d memory descriptor of `type` for a `[rows, columns]` matrix whose elements lie
// `row_stride` and `column_stride` elements apart: a transposed operand is a view, not a copy.
static inline dnnl_status_t paramshare_dnnl_desc_2d(
    dnnl_memory_desc_t *desc, int64_t rows, int64_t columns, int64_t row_stride, int64_t column_stride,
    dnnl_data_type_t type) {
    dnnl_dims_t dims = {rows, columns};
    dnnl_dims_t strides = {row_stride, column_stride};
    return dnnl_memory_desc_init_by_strides(desc, 2, dims, type, strides);
}

// A 2-d memory descriptor whose layout the primitive it is given to chooses (oneDNN's `any`).
static inline dnnl_status_t paramshare_dnnl_desc_2d_any(
    dnnl_memory_desc_t *desc, int64_t rows, int64_t columns, dnnl_data_type_t type) {
    dnnl_dims_t dims = {rows, columns};
    return dnnl_memory_desc_init_by_tag(desc, 2, dims, type, dnnl_format_tag_any);
}

// A 1-d f32 memory descriptor of `count` values.
static inline dnnl_status_t paramshare_dnnl_desc_1d(dnnl_memory_desc_t *desc, int64_t count) {
    dnnl_dims_t dims = {count};
    return dnnl_memory_desc_init_by_tag(desc, 1, dims, dnnl_f32, dnnl_a);
}

#endif
