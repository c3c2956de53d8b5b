import RealModule

// Batch norm over channels-last values: `rows` rows of `channels` values, statistics per column.
// A channel's values are strided here, so every kernel walks rows and keeps one running value per
// channel, which the compiler vectorises across channels. Sums over rows are taken in blocks of
// `rowsPerBlock` rows whatever the thread count, and the blocks' partial sums are added in block
// order, so results do not depend on the thread count.

/// Rows one partial sum covers.
let rowsPerBlock = 256

/// `result[0..<width] = Σ over blocks of partial(block)`, blocks of `rowsPerBlock` rows computed
/// concurrently by `partial(rows, into)` into zeroed scratch, and added in block order.
func sumOverRowBlocks<Scalar: EngineScalar>(
    rows: Int, width: Int, scratch: inout Tensor<Scalar>?, into result: UnsafeMutablePointer<Scalar>,
    _ partial: @Sendable (Range<Int>, UnsafeMutablePointer<Scalar>) -> Void
) {
    let blocks = (rows + rowsPerBlock - 1) / rowsPerBlock
    let partials = scratch.reuse(shape: [blocks, width])
    partials.zero()
    EngineThreads.forEachBlock(of: rows, blockSize: rowsPerBlock) { _, block, range in
        partial(range, partials.data + block * width)
    }
    result.update(repeating: 0, count: width)
    for block in 0..<blocks {
        let values = partials.data + block * width
        for c in 0..<width { result[c] += values[c] }
    }
}

/// Adds each channel's Σ (x − mean)² over `rows` into `sums`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func addSquaredDeviations<Scalar: EngineScalar>(
    _ x: UnsafePointer<Scalar>, rows: Range<Int>, channels: Int, mean: UnsafePointer<Scalar>,
    into sums: UnsafeMutablePointer<Scalar>
) {
    for row in rows {
        let values = x + row * channels
        for c in 0..<channels {
            let d = values[c] - mean[c]
            sums[c] = Relaxed.multiplyAdd(d, d, sums[c])
        }
    }
}

/// Adds Σ dy into `sums[0..<channels]` and Σ dy·x̂ into `sums[channels..<2·channels]`, x̂ = (x − μ)·r.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func addGradientSums<Scalar: EngineScalar>(
    input x: UnsafePointer<Scalar>, outputGradient dy: UnsafePointer<Scalar>, rows: Range<Int>, channels: Int,
    mean: UnsafePointer<Scalar>, reciprocalStd: UnsafePointer<Scalar>, into sums: UnsafeMutablePointer<Scalar>
) {
    let sumDyXhat = sums + channels
    for row in rows {
        let values = x + row * channels, grad = dy + row * channels
        for c in 0..<channels {
            sums[c] += grad[c]
            sumDyXhat[c] = Relaxed.multiplyAdd(grad[c], (values[c] - mean[c]) * reciprocalStd[c], sumDyXhat[c])
        }
    }
}

/// `y = x · scale[c] + shift[c]` over `rows`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func channelsLastAffine<Scalar: EngineScalar>(
    _ x: UnsafePointer<Scalar>, rows: Range<Int>, channels: Int, scale: UnsafePointer<Scalar>,
    shift: UnsafePointer<Scalar>, into y: UnsafeMutablePointer<Scalar>
) {
    for row in rows {
        let values = x + row * channels, out = y + row * channels
        for c in 0..<channels { out[c] = Relaxed.multiplyAdd(values[c], scale[c], shift[c]) }
    }
}

/// `y = max(x · scale[c] + shift[c] + residual, 0)` over `rows`, with the residual left out
/// where there is none: the affine pass, a residual sum and a ReLU in one pass over memory, with
/// the same roundings as the three passes one after another.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func channelsLastAffineRectified<Scalar: EngineScalar>(
    _ x: UnsafePointer<Scalar>, rows: Range<Int>, channels: Int, scale: UnsafePointer<Scalar>,
    shift: UnsafePointer<Scalar>, adding residual: UnsafePointer<Scalar>?, into y: UnsafeMutablePointer<Scalar>
) {
    if let residual {
        for row in rows {
            let values = x + row * channels, skip = residual + row * channels, out = y + row * channels
            for c in 0..<channels {
                let sum = Relaxed.multiplyAdd(values[c], scale[c], shift[c]) + skip[c]
                out[c] = sum > 0 ? sum : 0
            }
        }
    } else {
        for row in rows {
            let values = x + row * channels, out = y + row * channels
            for c in 0..<channels {
                let value = Relaxed.multiplyAdd(values[c], scale[c], shift[c])
                out[c] = value > 0 ? value : 0
            }
        }
    }
}

/// dx = k·(dy − meanDy − x̂·meanDyXhat) over `rows`, with x̂ = (x − μ)·r and k = γ·r per channel.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func channelsLastBatchNormInputGradient<Scalar: EngineScalar>(
    input x: UnsafePointer<Scalar>, outputGradient dy: UnsafePointer<Scalar>, rows: Range<Int>, channels: Int,
    mean: UnsafePointer<Scalar>, reciprocalStd: UnsafePointer<Scalar>, factor k: UnsafePointer<Scalar>,
    meanDy: UnsafePointer<Scalar>, meanDyXhat: UnsafePointer<Scalar>, into dx: UnsafeMutablePointer<Scalar>
) {
    for row in rows {
        let values = x + row * channels, grad = dy + row * channels, out = dx + row * channels
        for c in 0..<channels {
            let xhat = (values[c] - mean[c]) * reciprocalStd[c]
            out[c] = k[c] * (grad[c] - meanDy[c] - xhat * meanDyXhat[c])
        }
    }
}

// The backward passes of a batch norm and the ReLU after it, in one: the ReLU's gradient,
// dy where y > 0, with y = x·scale + shift recomputed from the batch norm's input by the
// expression of its forward pass (`channelsLastAffineRectified`), hence the same y and the same
// mask, bit for bit, without the ReLU's pass over y and dy.

/// `addGradientSums` of the ReLU's input gradient: dy where x·scale + shift > 0, else 0.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func addRectifiedGradientSums<Scalar: EngineScalar>(
    input x: UnsafePointer<Scalar>, outputGradient dy: UnsafePointer<Scalar>, rows: Range<Int>, channels: Int,
    mean: UnsafePointer<Scalar>, reciprocalStd: UnsafePointer<Scalar>, scale: UnsafePointer<Scalar>,
    shift: UnsafePointer<Scalar>, into sums: UnsafeMutablePointer<Scalar>
) {
    let sumDyXhat = sums + channels
    for row in rows {
        let values = x + row * channels, grad = dy + row * channels
        for c in 0..<channels {
            let gradient = grad[c]
            let g = Relaxed.multiplyAdd(values[c], scale[c], shift[c]) > 0 ? gradient : 0
            sums[c] += g
            sumDyXhat[c] = Relaxed.multiplyAdd(g, (values[c] - mean[c]) * reciprocalStd[c], sumDyXhat[c])
        }
    }
}

/// `channelsLastBatchNormInputGradient` of the ReLU's input gradient: dy where x·scale + shift > 0, else 0.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func channelsLastRectifiedBatchNormInputGradient<Scalar: EngineScalar>(
    input x: UnsafePointer<Scalar>, outputGradient dy: UnsafePointer<Scalar>, rows: Range<Int>, channels: Int,
    mean: UnsafePointer<Scalar>, reciprocalStd: UnsafePointer<Scalar>, scale: UnsafePointer<Scalar>,
    shift: UnsafePointer<Scalar>, factor k: UnsafePointer<Scalar>, meanDy: UnsafePointer<Scalar>,
    meanDyXhat: UnsafePointer<Scalar>, into dx: UnsafeMutablePointer<Scalar>
) {
    for row in rows {
        let values = x + row * channels, grad = dy + row * channels, out = dx + row * channels
        for c in 0..<channels {
            let gradient = grad[c]
            let g = Relaxed.multiplyAdd(values[c], scale[c], shift[c]) > 0 ? gradient : 0
            let xhat = (values[c] - mean[c]) * reciprocalStd[c]
            out[c] = k[c] * (g - meanDy[c] - xhat * meanDyXhat[c])
        }
    }
}
