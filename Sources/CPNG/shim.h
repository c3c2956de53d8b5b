#ifndef PARAMSHARE_CPNG_SHIM_H
#define PARAMSHARE_CPNG_SHIM_H
// libpng, and one decoding function around it: libpng reports a fatal error by longjmp, which
// Swift cannot host, so the whole decode runs here, in C, and hands back pixels or a message.
#include <stdlib.h>
#include <string.h>
#include <png.h>

typedef struct {
    const unsigned char *data;
    size_t size, offset;
    char *message;
} paramshare_png_source;

static void paramshare_png_read(png_structp png, png_bytep target, png_size_t count) {
    paramshare_png_source *source = (paramshare_png_source *)png_get_io_ptr(png);
    if (count > source->size - source->offset) png_error(png, "the file ends before the image does");
    memcpy(target, source->data + source->offset, count);
    source->offset += count;
}

static void paramshare_png_fail(png_structp png, png_const_charp text) {
    paramshare_png_source *source = (paramshare_png_source *)png_get_error_ptr(png);
    strncpy(source->message, text, 199);
    source->message[199] = 0;
    png_longjmp(png, 1);
}

// Warnings concern ancillary chunks (a colour profile libpng finds wrong, say), not the pixels,
// which Pillow reads past too.
static void paramshare_png_warn(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

/// Decodes `size` bytes of PNG to 8-bit RGB, row-major, as Pillow's `convert("RGB")` reads it:
/// palette colours looked up, grayscale of any depth scaled to 8 bits and repeated over the
/// three channels, 16-bit samples cut to their high byte, and alpha (or a transparent colour)
/// dropped.
///
/// Returns 0 and `*pixels` (to `free`), `*width`, `*height`; or 1 with libpng's message in
/// `message` (200 bytes).
static inline int paramshare_png_decode_rgb(const unsigned char *data, unsigned long size, unsigned char **pixels,
                                            int *width, int *height, char *message) {
    paramshare_png_source source = {data, size, 0, message};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &source, paramshare_png_fail, paramshare_png_warn);
    if (!png) return 1;
    png_infop info = png_create_info_struct(png);
    unsigned char *volatile output = NULL;
    png_bytep *volatile rows = NULL;
    if (!info || setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, info ? &info : NULL, NULL);
        free(output);
        free(rows);
        return 1;
    }
    png_set_read_fn(png, &source, paramshare_png_read);
    png_read_info(png, info);
    int depth = png_get_bit_depth(png, info), type = png_get_color_type(png, info);
    if (depth == 16) png_set_strip_16(png);
    if (type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (type == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (type == PNG_COLOR_TYPE_GRAY || type == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    if (type & PNG_COLOR_MASK_ALPHA) png_set_strip_alpha(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    size_t w = png_get_image_width(png, info), h = png_get_image_height(png, info);
    if (png_get_rowbytes(png, info) != w * 3) png_error(png, "unexpected row size after conversion to RGB");
    output = malloc(w * h * 3);
    rows = malloc(h * sizeof(png_bytep));
    if (!output || !rows) png_error(png, "out of memory");
    for (size_t y = 0; y < h; y++) rows[y] = output + y * w * 3;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &info, NULL);
    free(rows);
    *pixels = output;
    *width = (int)w;
    *height = (int)h;
    return 0;
}
#endif
