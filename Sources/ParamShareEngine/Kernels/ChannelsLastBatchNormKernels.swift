import CEngineKernels

// Batch norm over channels-last values: `rows` rows of `channels` values, statistics per column.
// A channel's values are strided here, so every kernel walks rows and keeps one running value per
// channel, vectorised across channels. The row kernels of the statistics and of backward are C
// (`CEngineKernels/BatchNormRows.c`, compiled also for AVX2), called through the functions below.
// Sums over rows are taken in blocks of `rowsPerBlock` rows whatever the thread count, and the
// blocks' partial sums are added in block order, so results do not depend on the thread count.
//
// With `rectifiedBy`, a backward kernel is that of a batch norm and the ReLU after it in one
// pass: the ReLU's gradient, dy where y > 0, with y = x·scale + shift recomputed from the batch
// norm's input by the expression of its forward pass (`channelsLastAffineRectified`), hence the
// same y and the same mask, bit for bit, without the ReLU's pass over y and dy.

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
func addSquaredDeviations<Scalar: EngineScalar>(
    _ x: UnsafePointer<Scalar>, rows: Range<Int>, channels: Int, mean: UnsafePointer<Scalar>,
    into sums: UnsafeMutablePointer<Scalar>
) {
    BatchNormChannelVectors(channels: channels, mean: mean).call(
        float: { paramshare_add_squared_deviations_f32(rebound(x), rows.lowerBound, rows.upperBound, &$0, rebound(sums)) },
        double: { paramshare_add_squared_deviations_f64(rebound(x), rows.lowerBound, rows.upperBound, &$0, rebound(sums)) })
}

/// Adds Σ dy into `sums[0..<channels]` and Σ dy·x̂ into `sums[channels..<2·channels]`, x̂ = (x − μ)·r;
/// with `rectifiedBy`, of the ReLU's input gradient: dy where x·scale + shift > 0, else 0.
func addGradientSums<Scalar: EngineScalar>(
    input x: UnsafePointer<Scalar>, outputGradient dy: UnsafePointer<Scalar>, rows: Range<Int>, channels: Int,
    mean: UnsafePointer<Scalar>, reciprocalStd: UnsafePointer<Scalar>,
    rectifiedBy affine: (scale: UnsafePointer<Scalar>, shift: UnsafePointer<Scalar>)? = nil,
    into sums: UnsafeMutablePointer<Scalar>
) {
    BatchNormChannelVectors(channels: channels, mean: mean, reciprocalStd: reciprocalStd, scale: affine?.scale,
                            shift: affine?.shift).call(
        float: { paramshare_add_gradient_sums_f32(rebound(x), rebound(dy), rows.lowerBound, rows.upperBound, &$0, rebound(sums)) },
        double: { paramshare_add_gradient_sums_f64(rebound(x), rebound(dy), rows.lowerBound, rows.upperBound, &$0, rebound(sums)) })
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
        for c in 0..<channels { out[c] = values[c] * scale[c] + shift[c] }
    }
}

/// `y = max(x · scale[c] + shift[c] + residual, 0)` over `rows`, with the residual left out
/// where there is none: the affine pass, a residual sum and a ReLU in one pass over memory, with
/// the same roundings as the three passes one after another. The product and the sum are rounded
/// one after the other, never fused: the backward kernels (`BatchNormRows.c`) recompute the
/// ReLU's mask from `x` so, bit for bit.
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
                let sum = values[c] * scale[c] + shift[c] + skip[c]
                out[c] = sum > 0 ? sum : 0
            }
        }
    } else {
        for row in rows {
            let values = x + row * channels, out = y + row * channels
            for c in 0..<channels {
                let value = values[c] * scale[c] + shift[c]
                out[c] = value > 0 ? value : 0
            }
        }
    }
}

/// dx = k·(dy − meanDy − x̂·meanDyXhat) over `rows`, with x̂ = (x − μ)·r and k = γ·r per channel;
/// with `rectifiedBy`, of the ReLU's input gradient: dy where x·scale + shift > 0, else 0.
func channelsLastBatchNormInputGradient<Scalar: EngineScalar>(
    input x: UnsafePointer<Scalar>, outputGradient dy: UnsafePointer<Scalar>, rows: Range<Int>, channels: Int,
    mean: UnsafePointer<Scalar>, reciprocalStd: UnsafePointer<Scalar>, factor k: UnsafePointer<Scalar>,
    meanDy: UnsafePointer<Scalar>, meanDyXhat: UnsafePointer<Scalar>,
    rectifiedBy affine: (scale: UnsafePointer<Scalar>, shift: UnsafePointer<Scalar>)? = nil,
    into dx: UnsafeMutablePointer<Scalar>
) {
    BatchNormChannelVectors(channels: channels, mean: mean, reciprocalStd: reciprocalStd, scale: affine?.scale,
                            shift: affine?.shift, factor: k, meanDy: meanDy, meanDyXhat: meanDyXhat).call(
        float: {
            paramshare_batch_norm_input_gradient_f32(rebound(x), rebound(dy), rows.lowerBound, rows.upperBound, &$0, rebound(dx))
        },
        double: {
            paramshare_batch_norm_input_gradient_f64(rebound(x), rebound(dy), rows.lowerBound, rows.upperBound, &$0, rebound(dx))
        })
}
