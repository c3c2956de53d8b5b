import CPNG
import Foundation

/// PNG files of any colour type and bit depth, written by libpng for the decoder's round trips.
enum PNGFixture {
    /// A colour type and bit depth, and what an RGB reader should see.
    struct Kind: CustomStringConvertible, Sendable {
        var colorType: Int32
        var bitDepth: Int32
        var interlaced = false

        var description: String { "colour type \(colorType), \(bitDepth) bits\(interlaced ? ", interlaced" : "")" }

        /// Samples per pixel as stored.
        var channels: Int {
            switch colorType {
            case PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_PALETTE: 1
            case PNG_COLOR_TYPE_GRAY_ALPHA: 2
            case PNG_COLOR_TYPE_RGB: 3
            default: 4
            }
        }
    }

    /// Every colour type at every bit depth PNG allows, and an interlaced one.
    static let allKinds: [Kind] = [1, 2, 4, 8, 16].map { Kind(colorType: PNG_COLOR_TYPE_GRAY, bitDepth: $0) }
        + [1, 2, 4, 8].map { Kind(colorType: PNG_COLOR_TYPE_PALETTE, bitDepth: $0) }
        + [8, 16].flatMap { depth in
            [PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB_ALPHA].map { Kind(colorType: $0, bitDepth: depth) }
        }
        + [Kind(colorType: PNG_COLOR_TYPE_RGB, bitDepth: 8, interlaced: true)]

    /// A palette of 256 colours, each channel a different function of the index.
    static func paletteColor(_ index: Int) -> (UInt8, UInt8, UInt8) {
        (UInt8(index), UInt8((index * 7 + 13) % 256), UInt8(255 - index))
    }

    /// Writes a `width × height` image of `kind` to `path` with seeded samples, and returns the
    /// RGB bytes (interleaved) a reader following Pillow's `convert("RGB")` should give.
    @discardableResult
    static func write(_ kind: Kind, width: Int, height: Int, seed: Int, to path: String) -> [UInt8] {
        var generator = SplitMix(state: UInt64(seed))
        let maximum = (1 << Int(kind.bitDepth)) - 1
        // Samples as integers of the bit depth, [height, width, channels].
        let samples = (0..<width * height * kind.channels).map { _ in Int(generator.next() % UInt64(maximum + 1)) }
        var expected: [UInt8] = []
        for pixel in 0..<width * height {
            let s = Array(samples[pixel * kind.channels..<(pixel + 1) * kind.channels])
            // A sample of the bit depth as 8 bits: low depths scaled up, 16 bits cut to the high byte.
            func eight(_ value: Int) -> UInt8 {
                kind.bitDepth == 16 ? UInt8(value >> 8) : UInt8(value * 255 / ((1 << kind.bitDepth) - 1))
            }
            switch kind.colorType {
            case PNG_COLOR_TYPE_PALETTE:
                let (r, g, b) = paletteColor(s[0])
                expected += [r, g, b]
            case PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA:
                expected += Array(repeating: eight(s[0]), count: 3)
            default:
                expected += s[0..<3].map(eight)
            }
        }
        let file = fopen(path, "wb")!
        defer { fclose(file) }
        var png: png_structp? = png_create_write_struct(PNG_LIBPNG_VER_STRING, nil, nil, nil)
        var info: png_infop? = png_create_info_struct(png)
        png_init_io(png, file)
        png_set_IHDR(png, info, png_uint_32(width), png_uint_32(height), kind.bitDepth, kind.colorType,
                     kind.interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT)
        if kind.colorType == PNG_COLOR_TYPE_PALETTE {
            var palette = (0..<(1 << kind.bitDepth)).map { index in
                let (r, g, b) = paletteColor(index)
                return png_color(red: r, green: g, blue: b)
            }
            png_set_PLTE(png, info, &palette, Int32(palette.count))
        }
        png_write_info(png, info)
        // Rows packed as PNG stores them: samples of under 8 bits several to a byte, 16 bits big-endian.
        let rowBits = width * kind.channels * Int(kind.bitDepth)
        var rows = (0..<height).map { row -> [UInt8] in
            var bytes = [UInt8](repeating: 0, count: (rowBits + 7) / 8)
            for index in 0..<width * kind.channels {
                let value = samples[row * width * kind.channels + index]
                switch kind.bitDepth {
                case 16:
                    bytes[2 * index] = UInt8(value >> 8)
                    bytes[2 * index + 1] = UInt8(value & 0xFF)
                case 8:
                    bytes[index] = UInt8(value)
                default:
                    let bit = index * Int(kind.bitDepth)
                    bytes[bit / 8] |= UInt8(value << (8 - Int(kind.bitDepth) - bit % 8))
                }
            }
            return bytes
        }
        let passes = kind.interlaced ? png_set_interlace_handling(png) : 1
        for _ in 0..<passes {
            for row in 0..<height { rows[row].withUnsafeMutableBufferPointer { png_write_row(png, $0.baseAddress) } }
        }
        png_write_end(png, nil)
        png_destroy_write_struct(&png, &info)
        return expected
    }

    /// A PNG's signature and the start of its header, and nothing after: a file cut short.
    static let pngPrefix: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]

    /// A small seeded generator, so fixtures do not depend on the library's own randomness.
    private struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
