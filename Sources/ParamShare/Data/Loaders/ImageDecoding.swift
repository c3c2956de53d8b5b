import CJPEG
import CPNG
import Foundation

/// JPEG (libjpeg-turbo) and PNG (libpng) files decoded to RGB, told apart by their first
/// bytes, not their names: ImageNet's training set holds a PNG and CMYK JPEGs named `.JPEG`.
enum ImageDecoding {
    static let jpegSignature: [UInt8] = [0xFF, 0xD8, 0xFF]
    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The image in the file at `path`.
    ///
    /// - Throws: ``DatasetError`` naming the file: unreadable, empty, neither JPEG nor PNG, or
    ///   damaged (a decoder error, or a JPEG that libjpeg could decode only by filling in, such
    ///   as one cut short).
    static func decode(contentsOf path: String) throws -> DecodedImage {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DatasetError(.unreadable, path: path, detail: "the file cannot be read", fix: "check its permissions")
        }
        return try decode([UInt8](data), path: path)
    }

    /// The image encoded in `bytes`, read from `path` (for messages).
    static func decode(_ bytes: [UInt8], path: String) throws -> DecodedImage {
        let fix = "replace it with an intact JPEG or PNG file, or remove it"
        guard !bytes.isEmpty else { throw DatasetError(.truncated, path: path, detail: "the file is empty (0 bytes)", fix: fix) }
        let decodeRGB: (UnsafePointer<UInt8>?, UInt, UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?,
                        UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<CChar>?) -> Int32
        let format: String
        if bytes.starts(with: jpegSignature) {
            (decodeRGB, format) = (paramshare_jpeg_decode_rgb, "JPEG")
        } else if bytes.starts(with: pngSignature) {
            (decodeRGB, format) = (paramshare_png_decode_rgb, "PNG")
        } else {
            let start = bytes.prefix(8).map { String(format: "%02x", $0) }.joined(separator: " ")
            throw DatasetError(.wrongMagic, path: path, detail: "not a JPEG or PNG image (it starts with bytes \(start))",
                               fix: "keep only JPEG and PNG images in the class folders")
        }
        var pixels: UnsafeMutablePointer<UInt8>?
        var width: Int32 = 0, height: Int32 = 0
        var message = [CChar](repeating: 0, count: 512)
        let status = bytes.withUnsafeBufferPointer { buffer in
            decodeRGB(buffer.baseAddress, UInt(buffer.count), &pixels, &width, &height, &message)
        }
        guard status == 0, let pixels else {
            let reason = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw DatasetError(.undecodable, path: path, detail: "the \(format) data is damaged (\(reason.isEmpty ? "no reason given" : reason))",
                               fix: fix)
        }
        defer { free(pixels) }
        let count = Int(width) * Int(height) * 3
        return DecodedImage(width: Int(width), height: Int(height), pixels: Array(UnsafeBufferPointer(start: pixels, count: count)))
    }
}
