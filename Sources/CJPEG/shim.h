#ifndef PARAMSHARE_CJPEG_SHIM_H
#define PARAMSHARE_CJPEG_SHIM_H
// libjpeg-turbo, and one decoding function around it. libjpeg reports a fatal error by calling
// a function that must not return, which means longjmp; Swift cannot host a setjmp, so the
// whole decode runs here, in C, and hands back pixels or a message.
#include <stdio.h>
#include <stdlib.h>
#include <setjmp.h>
#include <jpeglib.h>

typedef struct {
    struct jpeg_error_mgr manager;
    jmp_buf jump;
    char *message;
} paramshare_jpeg_error;

static void paramshare_jpeg_fail(j_common_ptr info) {
    paramshare_jpeg_error *error = (paramshare_jpeg_error *)info->err;
    (*info->err->format_message)(info, error->message);
    longjmp(error->jump, 1);
}

// A warning (level −1) means damaged data that libjpeg decoded around, such as a file cut short
// whose missing rows it paints grey: kept, so the caller can refuse the image.
static void paramshare_jpeg_warn(j_common_ptr info, int level) {
    if (level >= 0) return;
    if (info->err->num_warnings == 0) (*info->err->format_message)(info, ((paramshare_jpeg_error *)info->err)->message);
    info->err->num_warnings++;
}

/// Decodes `size` bytes of JPEG to 8-bit RGB, row-major, with libjpeg-turbo's default settings
/// (as Pillow decodes). Grayscale is repeated over the three channels; CMYK and YCCK are
/// converted as Pillow does, R = (255 − C)(255 − K)/255, reading Adobe's inverted CMYK as such.
///
/// Returns 0 and `*pixels` (to `free`), `*width`, `*height`; or 1 for an error and 2 for a
/// warning (damaged data), with libjpeg's message in `message` (JMSG_LENGTH_MAX bytes).
static inline int paramshare_jpeg_decode_rgb(const unsigned char *data, unsigned long size, unsigned char **pixels,
                                             int *width, int *height, char *message) {
    struct jpeg_decompress_struct info;
    paramshare_jpeg_error error;
    unsigned char *volatile output = NULL;
    unsigned char *volatile row = NULL;
    info.err = jpeg_std_error(&error.manager);
    error.manager.error_exit = paramshare_jpeg_fail;
    error.manager.emit_message = paramshare_jpeg_warn;
    error.message = message;
    if (setjmp(error.jump)) {
        jpeg_destroy_decompress(&info);
        free(output);
        free(row);
        return 1;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, data, size);
    jpeg_read_header(&info, TRUE);
    int cmyk = info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK;
    info.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
    jpeg_start_decompress(&info);
    size_t w = info.output_width, h = info.output_height;
    output = malloc(w * h * 3);
    row = malloc(w * info.output_components);
    if (!output || !row) longjmp(error.jump, 1);
    while (info.output_scanline < info.output_height) {
        unsigned char *target = output + (size_t)info.output_scanline * w * 3;
        JSAMPROW rows[1] = {cmyk ? row : target};
        jpeg_read_scanlines(&info, rows, 1);
        if (!cmyk) continue;
        for (size_t x = 0; x < w; x++) {
            unsigned char *ink = row + 4 * x;
            // Adobe writes CMYK inverted (0 is full ink); plain CMYK is not.
            int k = info.saw_Adobe_marker ? ink[3] : 255 - ink[3];
            for (int c = 0; c < 3; c++) {
                int paper = info.saw_Adobe_marker ? ink[c] : 255 - ink[c];
                target[3 * x + c] = (unsigned char)((paper * k + 127) / 255);
            }
        }
    }
    jpeg_finish_decompress(&info);
    int warned = error.manager.num_warnings > 0;
    jpeg_destroy_decompress(&info);
    free(row);
    if (warned) {
        free(output);
        return 2;
    }
    *pixels = output;
    *width = (int)w;
    *height = (int)h;
    return 0;
}
#endif
