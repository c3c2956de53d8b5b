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

    /// Calls `body(plane, row, kernelRow, kernelColumn, valid)` for every (channel, kernel row,
    /// kernel column), in the column matrix's order: the offset of the channel's plane in the
    /// image, the offset of its row in the column matrix, and the output columns whose input
    /// column lies inside the image. im2col and its transpose walk the matrix this one way.
    @inline(__always)
    func forEachColumnRow(_ body: (_ plane: Int, _ row: Int, _ kernelRow: Int, _ kernelColumn: Int, _ valid: Range<Int>) -> Void) {
        for c in 0..<channels {
            for ki in 0..<kernelHeight {
                for kj in 0..<kernelWidth {
                    body(c * height * width, ((c * kernelHeight + ki) * kernelWidth + kj) * outputPlane, ki, kj,
                         validOutputColumns(kernelColumn: kj))
                }
            }
        }
    }

    /// Calls `body` with the in-plane index `ih·width + iw` of every input pixel the window of
    /// output (`outputRow`, `outputColumn`) reads, row by row; taps on the padding are left out.
    /// Max pooling's two layouts scan in this one order, so that both pick the same winner.
    @inline(__always)
    func forEachTap(outputRow: Int, outputColumn: Int, _ body: (Int) -> Void) {
        for ki in 0..<kernelHeight {
            let ih = outputRow * stride - padding + ki
            guard ih >= 0 && ih < height else { continue }
            for kj in 0..<kernelWidth {
                let iw = outputColumn * stride - padding + kj
                guard iw >= 0 && iw < width else { continue }
                body(ih * width + iw)
            }
        }
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
    let preservesWidth = g.stride == 1 && outW == g.width
    g.forEachColumnRow { planeOffset, rowOffset, ki, kj, valid in
        let plane = image + planeOffset, row = columns + rowOffset
        if preservesWidth {
            copyShiftedPlane(plane, g, kernelRow: ki, kernelColumn: kj, validColumns: valid, into: row)
            return
        }
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

/// One im2col row of a stride-1 convolution whose output is as wide as its input.
///
/// Such a row is the input plane shifted by one constant offset, so the valid rows are a single
/// contiguous copy (one memmove instead of one per output row, which dominated for 32-wide
/// planes); only the columns that the shift wrapped around the edges are then zeroed.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func copyShiftedPlane<Scalar: EngineScalar>(
    _ plane: UnsafePointer<Scalar>, _ g: WindowGeometry, kernelRow ki: Int, kernelColumn kj: Int,
    validColumns valid: Range<Int>, into row: UnsafeMutablePointer<Scalar>
) {
    let width = g.width, outH = g.outputHeight
    // Output rows whose input row oh − padding + ki lies inside the image.
    let firstRow = min(max(g.padding - ki, 0), outH)
    let endRow = max(min(g.height + g.padding - ki, outH), firstRow)
    let offset = (ki - g.padding) * width + (kj - g.padding)
    // Clip the span so that no read leaves the plane; what the clip drops are wrapped columns.
    let lo = max(firstRow * width, -offset), hi = min(endRow * width, g.height * width - offset)
    if hi > lo { (row + lo).update(from: plane + lo + offset, count: hi - lo) }
    row.update(repeating: 0, count: firstRow * width)
    (row + endRow * width).update(repeating: 0, count: (outH - endRow) * width)
    for oh in firstRow..<endRow {
        let out = row + oh * width
        for ow in 0..<valid.lowerBound { out[ow] = 0 }
        for ow in valid.upperBound..<width { out[ow] = 0 }
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
    g.forEachColumnRow { planeOffset, rowOffset, ki, kj, valid in
        let plane = image + planeOffset, row = columns + rowOffset
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
