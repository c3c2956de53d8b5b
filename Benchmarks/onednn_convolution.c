// oneDNN's convolutions on a CIFAR ResNet's 3x3 shapes, by memory layout and block size: the
// measurement behind running the ResNets channels-last (README, "The engine").
//
// Build and run (libdnnl-dev installed; one thread, as each engine thread calls oneDNN):
//   gcc -O2 Benchmarks/onednn_convolution.c -o /tmp/onednn_convolution -ldnnl
//   OMP_NUM_THREADS=1 /tmp/onednn_convolution
//
// Prints GFLOP/s (2 per multiply-add) of the forward, backward-data and backward-weights passes
// and the implementation oneDNN chose, for NHWC, oneDNN's blocked nChw8c and plain NCHW images,
// in batches of 128 and in the engine's blocks of 8 images.
#include <dnnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CHECK(call)                                                                  \
    do {                                                                             \
        dnnl_status_t status_ = (call);                                              \
        if (status_ != dnnl_success) {                                               \
            fprintf(stderr, "oneDNN status %d at line %d\n", status_, __LINE__);     \
            exit(1);                                                                 \
        }                                                                            \
    } while (0)

static dnnl_engine_t engine;
static dnnl_stream_t stream;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static dnnl_memory_t filled_memory(const dnnl_memory_desc_t *desc) {
    dnnl_memory_t memory;
    CHECK(dnnl_memory_create(&memory, desc, engine, DNNL_MEMORY_ALLOCATE));
    float *data;
    CHECK(dnnl_memory_get_data_handle(memory, (void **)&data));
    for (size_t i = 0; i < dnnl_memory_desc_get_size(desc) / sizeof(float); i++) data[i] = (rand() % 100) / 100.0f;
    return memory;
}

static const char *implementation(const_dnnl_primitive_desc_t pd) {
    const char *name;
    CHECK(dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &name));
    return name;
}

// One 3x3, stride-1, padding-1 convolution of `channels` to `channels` on `size` x `size` images.
static void measure(int items, int channels, int size, dnnl_format_tag_t tag, const char *layout, int repetitions) {
    dnnl_dims_t images = {items, channels, size, size}, kernel = {channels, channels, 3, 3};
    dnnl_dims_t strides = {1, 1}, padding = {1, 1};
    dnnl_memory_desc_t image, any_kernel;
    CHECK(dnnl_memory_desc_init_by_tag(&image, 4, images, dnnl_f32, tag));
    CHECK(dnnl_memory_desc_init_by_tag(&any_kernel, 4, kernel, dnnl_f32, dnnl_format_tag_any));
    dnnl_convolution_desc_t forward, data, weights;
    CHECK(dnnl_convolution_forward_desc_init(&forward, dnnl_forward_training, dnnl_convolution_direct, &image,
                                             &any_kernel, NULL, &image, strides, padding, padding));
    CHECK(dnnl_convolution_backward_data_desc_init(&data, dnnl_convolution_direct, &image, &any_kernel, &image,
                                                   strides, padding, padding));
    CHECK(dnnl_convolution_backward_weights_desc_init(&weights, dnnl_convolution_direct, &image, &any_kernel, NULL,
                                                      &image, strides, padding, padding));
    dnnl_primitive_desc_t pds[3];
    CHECK(dnnl_primitive_desc_create(&pds[0], &forward, NULL, engine, NULL));
    CHECK(dnnl_primitive_desc_create(&pds[1], &data, NULL, engine, pds[0]));
    CHECK(dnnl_primitive_desc_create(&pds[2], &weights, NULL, engine, pds[0]));
    dnnl_memory_t source = filled_memory(&image), destination = filled_memory(&image);
    dnnl_memory_t kernel_memory = filled_memory(dnnl_primitive_desc_query_md(pds[0], dnnl_query_weights_md, 0));
    dnnl_memory_t kernel_gradient = filled_memory(dnnl_primitive_desc_query_md(pds[2], dnnl_query_diff_weights_md, 0));
    dnnl_exec_arg_t arguments[3][3] = {
        {{DNNL_ARG_SRC, source}, {DNNL_ARG_WEIGHTS, kernel_memory}, {DNNL_ARG_DST, destination}},
        {{DNNL_ARG_DIFF_DST, destination}, {DNNL_ARG_WEIGHTS, kernel_memory}, {DNNL_ARG_DIFF_SRC, source}},
        {{DNNL_ARG_SRC, source}, {DNNL_ARG_DIFF_DST, destination}, {DNNL_ARG_DIFF_WEIGHTS, kernel_gradient}},
    };
    double operations = 2.0 * items * channels * size * size * channels * 9, rates[3];
    for (int pass = 0; pass < 3; pass++) {
        dnnl_primitive_t primitive;
        CHECK(dnnl_primitive_create(&primitive, pds[pass]));
        CHECK(dnnl_primitive_execute(primitive, stream, 3, arguments[pass]));
        double start = now();
        for (int r = 0; r < repetitions; r++) CHECK(dnnl_primitive_execute(primitive, stream, 3, arguments[pass]));
        CHECK(dnnl_stream_wait(stream));
        rates[pass] = operations * repetitions / (now() - start) / 1e9;
        dnnl_primitive_destroy(primitive);
    }
    printf("%-6s %3d images %2d channels %2dx%-2d  forward %5.1f  backward data %5.1f  backward weights %5.1f GFLOP/s  [%s | %s | %s]\n",
           layout, items, channels, size, size, rates[0], rates[1], rates[2], implementation(pds[0]),
           implementation(pds[1]), implementation(pds[2]));
    for (int pass = 0; pass < 3; pass++) dnnl_primitive_desc_destroy(pds[pass]);
    dnnl_memory_destroy(source);
    dnnl_memory_destroy(destination);
    dnnl_memory_destroy(kernel_memory);
    dnnl_memory_destroy(kernel_gradient);
}

int main(void) {
    CHECK(dnnl_engine_create(&engine, dnnl_cpu, 0));
    CHECK(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags));
    const int items[] = {128, 8};
    const struct { int channels, size; } shapes[] = {{16, 32}, {32, 16}, {64, 8}};
    const struct { dnnl_format_tag_t tag; const char *name; } layouts[] = {
        {dnnl_nhwc, "NHWC"}, {dnnl_nChw8c, "nChw8c"}, {dnnl_nchw, "NCHW"}};
    for (int i = 0; i < 2; i++)
        for (int l = 0; l < 3; l++)
            for (int s = 0; s < 3; s++)
                measure(items[i], shapes[s].channels, shapes[s].size, layouts[l].tag, layouts[l].name,
                        items[i] == 8 ? 80 : 5);
    return 0;
}
