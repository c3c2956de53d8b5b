import CJPEG
import Foundation

/// Grayscale and CMYK JPEG files, written by libjpeg-turbo for the decoder's colour conversions.
enum JPEGFixture {
    /// `samples` (`height × width × components`, 1 for grayscale, 4 for CMYK) as a JPEG at
    /// quality 100. libjpeg writes CMYK with an Adobe marker, so readers take its values as
    /// Adobe's inverted inks, as they would Photoshop's.
    static func encode(width: Int, height: Int, components: Int, samples: [UInt8]) -> [UInt8] {
        precondition((components == 1 || components == 4) && samples.count == width * height * components)
        let error = UnsafeMutablePointer<jpeg_error_mgr>.allocate(capacity: 1)
        defer { error.deallocate() }
        var info = jpeg_compress_struct()
        info.err = jpeg_std_error(error)
        jpeg_CreateCompress(&info, JPEG_LIB_VERSION, MemoryLayout<jpeg_compress_struct>.size)
        var buffer: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        jpeg_mem_dest(&info, &buffer, &size)
        info.image_width = JDIMENSION(width)
        info.image_height = JDIMENSION(height)
        info.input_components = Int32(components)
        info.in_color_space = components == 1 ? JCS_GRAYSCALE : JCS_CMYK
        jpeg_set_defaults(&info)
        jpeg_set_quality(&info, 100, 1)
        jpeg_start_compress(&info, 1)
        var rows = samples
        rows.withUnsafeMutableBufferPointer { rows in
            for row in 0..<height {
                var pointer: JSAMPROW? = rows.baseAddress! + row * width * components
                jpeg_write_scanlines(&info, &pointer, 1)
            }
        }
        jpeg_finish_compress(&info)
        jpeg_destroy_compress(&info)
        defer { free(buffer) }
        return Array(UnsafeBufferPointer(start: buffer, count: Int(size)))
    }
}
