/// One image as a decoder gives it: 8-bit RGB at its own size, interleaved, row-major.
///
/// Image folders hold images of many sizes; they stay so in memory until training crops and
/// scales each to the network's input, afresh every epoch.
public struct DecodedImage: Sendable, Hashable {
    public var width: Int
    public var height: Int
    /// `height × width × 3` bytes: R, G, B of each pixel, rows top to bottom.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0 && pixels.count == width * height * 3,
                     "\(pixels.count) bytes are not an RGB image of \(width)×\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }
}
