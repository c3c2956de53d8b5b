/// The geometry of a 2-d convolution or pooling window over one image.
struct WindowGeometry: Equatable, Sendable {
    var channels: Int
    var height: Int, width: Int
    var kernelHeight: Int, kernelWidth: Int
    var stride: Int
    var padding: Int

    var outputHeight: Int { (height + 2 * padding - kernelHeight) / stride + 1 }
    var outputWidth: Int { (width + 2 * padding - kernelWidth) / stride + 1 }
    var outputPlane: Int { outputHeight * outputWidth }
    /// Rows of the column matrix: one per (channel, kernel row, kernel column).
    var columnRows: Int { channels * kernelHeight * kernelWidth }
    /// A 1×1, stride-1, unpadded window reads the image as its own column matrix.
    var isPointwise: Bool { kernelHeight == 1 && kernelWidth == 1 && stride == 1 && padding == 0 }

    /// The output columns `lo..<hi` whose input column `ow·stride − padding + kernelColumn` is inside the image.
    func validOutputColumns(kernelColumn: Int) -> Range<Int> {
        let offset = kernelColumn - padding
        // ow·stride + offset ≥ 0  and  ow·stride + offset ≤ width − 1
        let lo = offset >= 0 ? 0 : min(outputWidth, (-offset + stride - 1) / stride)
        let hi = width - 1 - offset < 0 ? 0 : min(outputWidth, (width - 1 - offset) / stride + 1)
        return lo..<max(lo, hi)
    }
}

/// Unfolds one image `[channels, height, width]` into its column matrix
/// `[channels·kh·kw, outputHeight·outputWidth]`, zeros where the window hangs over the padding.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func im2col<Scalar: EngineScalar>(
    _ image: UnsafePointer<Scalar>, _ g: WindowGeometry, into columns: UnsafeMutablePointer<Scalar>
) {
    let outW = g.outputWidth, outH = g.outputHeight
    for c in 0..<g.channels {
        let plane = image + c * g.height * g.width
        for ki in 0..<g.kernelHeight {
            for kj in 0..<g.kernelWidth {
                let row = columns + ((c * g.kernelHeight + ki) * g.kernelWidth + kj) * g.outputPlane
                let valid = g.validOutputColumns(kernelColumn: kj)
                for oh in 0..<outH {
                    let out = row + oh * outW
                    let ih = oh * g.stride - g.padding + ki
                    guard ih >= 0 && ih < g.height else {
                        out.update(repeating: 0, count: outW)
                        continue
                    }
                    let input = plane + ih * g.width - g.padding + kj
                    for ow in 0..<valid.lowerBound { out[ow] = 0 }
                    if g.stride == 1 {
                        (out + valid.lowerBound).update(from: input + valid.lowerBound, count: valid.count)
                    } else {
                        for ow in valid { out[ow] = input[ow * g.stride] }
                    }
                    for ow in valid.upperBound..<outW { out[ow] = 0 }
                }
            }
        }
    }
}

/// Folds a column-matrix gradient back onto one image, *adding* into `image` (`[channels, height, width]`).
///
/// The inverse scatter of `im2col`: an input pixel read by several windows receives the sum
/// of their gradients.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func col2imAccumulate<Scalar: EngineScalar>(
    _ columns: UnsafePointer<Scalar>, _ g: WindowGeometry, into image: UnsafeMutablePointer<Scalar>
) {
    let outW = g.outputWidth, outH = g.outputHeight
    for c in 0..<g.channels {
        let plane = image + c * g.height * g.width
        for ki in 0..<g.kernelHeight {
            for kj in 0..<g.kernelWidth {
                let row = columns + ((c * g.kernelHeight + ki) * g.kernelWidth + kj) * g.outputPlane
                let valid = g.validOutputColumns(kernelColumn: kj)
                for oh in 0..<outH {
                    let ih = oh * g.stride - g.padding + ki
                    guard ih >= 0 && ih < g.height else { continue }
                    let gradient = row + oh * outW
                    let input = plane + ih * g.width - g.padding + kj
                    if g.stride == 1 {
                        for ow in valid { input[ow] += gradient[ow] }
                    } else {
                        for ow in valid { input[ow * g.stride] += gradient[ow] }
                    }
                }
            }
        }
    }
}
