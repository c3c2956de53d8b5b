/// Crops and scales decoded images to a network's input with the filter of Pillow's bilinear
/// resize, torchvision's default: a triangle whose support widens with the reduction, so that
/// shrinking averages every source pixel under an output pixel instead of sampling four of them.
///
/// Pillow computes in 8-bit fixed point and rounds between its horizontal and vertical passes;
/// this computes in `Double` and rounds once, so a value may differ from Pillow's by one level.
enum ImageResampling {
    /// A region of the source image, in pixels; edges may be fractional.
    struct Box: Equatable {
        var x: Double, y: Double, width: Double, height: Double
    }

    /// Writes `box` of `image`, scaled to `width × height`, into `output` as planes `[3, height, width]`.
    static func resample(_ image: DecodedImage, box: Box, width: Int, height: Int, into output: UnsafeMutablePointer<UInt8>) {
        let columns = coefficients(from: box.x, span: box.width, outputs: width, limit: image.width)
        let rows = coefficients(from: box.y, span: box.height, outputs: height, limit: image.height)
        let firstRow = rows.map(\.first).min()!, lastRow = rows.map { $0.first + $0.weights.count }.max()!
        // The horizontal pass over just the source rows some output row reads: [rows, width, 3].
        var horizontal = [Double](repeating: 0, count: (lastRow - firstRow) * width * 3)
        image.pixels.withUnsafeBufferPointer { source in
            for row in firstRow..<lastRow {
                let line = source.baseAddress! + row * image.width * 3
                for (column, taps) in columns.enumerated() {
                    var sum = (0.0, 0.0, 0.0)
                    for (k, weight) in taps.weights.enumerated() {
                        let pixel = line + (taps.first + k) * 3
                        sum.0 += weight * Double(pixel[0])
                        sum.1 += weight * Double(pixel[1])
                        sum.2 += weight * Double(pixel[2])
                    }
                    let target = ((row - firstRow) * width + column) * 3
                    (horizontal[target], horizontal[target + 1], horizontal[target + 2]) = sum
                }
            }
        }
        let plane = width * height
        for (outputRow, taps) in rows.enumerated() {
            for column in 0..<width {
                for channel in 0..<3 {
                    var sum = 0.0
                    for (k, weight) in taps.weights.enumerated() {
                        sum += weight * horizontal[((taps.first + k - firstRow) * width + column) * 3 + channel]
                    }
                    output[channel * plane + outputRow * width + column] = UInt8(min(255, max(0, sum.rounded())))
                }
            }
        }
    }

    /// Evaluation's view of `image`: scaled so that its shorter side is `shorterSide` (the
    /// longer one in proportion, rounded down), then the centre `side × side`, as torchvision's
    /// `Resize(shorterSide)` and `CenterCrop(side)` give it; written as planes `[3, side, side]`.
    static func centreCrop(_ image: DecodedImage, shorterSide: Int, side: Int, into output: UnsafeMutablePointer<UInt8>) {
        let (short, long) = (min(image.width, image.height), max(image.width, image.height))
        let scaledLong = shorterSide * long / short
        let (scaledWidth, scaledHeight) = image.width <= image.height ? (shorterSide, scaledLong) : (scaledLong, shorterSide)
        // torchvision rounds the centre crop's offsets half to even, as Python's round does.
        let left = (Double(scaledWidth - side) / 2).rounded(.toNearestOrEven)
        let top = (Double(scaledHeight - side) / 2).rounded(.toNearestOrEven)
        // The crop of the scaled image is the matching box of the source: the same filter taps.
        let (xScale, yScale) = (Double(image.width) / Double(scaledWidth), Double(image.height) / Double(scaledHeight))
        let box = Box(x: left * xScale, y: top * yScale, width: Double(side) * xScale, height: Double(side) * yScale)
        resample(image, box: box, width: side, height: side, into: output)
    }

    /// For each of `outputs` positions spread over `span` source pixels from `start`, the first
    /// source pixel it reads and the normalised triangle weights of those it reads, as Pillow's
    /// `precompute_coeffs` gives them.
    private static func coefficients(from start: Double, span: Double, outputs: Int, limit: Int) -> [(first: Int, weights: [Double])] {
        let scale = span / Double(outputs), filterScale = max(scale, 1), support = filterScale
        return (0..<outputs).map { index in
            let centre = start + (Double(index) + 0.5) * scale
            let first = max(Int((centre - support + 0.5).rounded(.down)), 0)
            let end = min(Int((centre + support + 0.5).rounded(.down)), limit)
            var weights = (first..<max(first, end)).map { x in max(0, 1 - abs((Double(x) - centre + 0.5) / filterScale)) }
            let total = weights.reduce(0, +)
            if total > 0 {
                weights = weights.map { $0 / total }
            } else {
                // A box that lies wholly beyond the image (it cannot, for the crops drawn here) reads its nearest pixel.
                return (min(max(Int(centre), 0), limit - 1), [1])
            }
            return (first, weights)
        }
    }
}
