import RealModule

// Batch-norm passes that also write their result rounded to bfloat16, for the convolution that
// reads it next on oneDNN's bf16 kernels: the conversion that convolution would otherwise make
// in a pass of its own, reading back the activation this pass just wrote, is made here while the
// value is still in a register. Each rounds exactly as `convertToBFloat16` does, so the
// convolution multiplies the same bits either way. `Float` only: bf16 operands need `Float`.

/// The bfloat16 nearest a `Float` that is not a NaN (a rectified value never is), as its bit
/// pattern: `roundedToBFloat16` without the NaN test, which costs the loops their vector form.
@inline(__always)
private func bfloat16Bits(ofNumber value: Float) -> UInt16 {
    let bits = value.bitPattern
    return UInt16(truncatingIfNeeded: (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16)
}

/// `channelsLastAffineRectified` for `Float`, writing the results also rounded to bfloat16 into
/// `converted`, and into `y` only where it is given (`nil` where nobody reads them in `Float`;
/// a residual sum is always read in `Float`, by the next block's shortcut). The values are those
/// of `channelsLastAffineRectified`, computed by the same expressions.
func channelsLastAffineRectified(
    _ x: UnsafePointer<Float>, rows: Range<Int>, channels: Int, scale: UnsafePointer<Float>,
    shift: UnsafePointer<Float>, adding residual: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>?,
    converting converted: UnsafeMutablePointer<UInt16>
) {
    switch (residual, y) {
    case let (residual?, y?):
        for row in rows {
            let values = x + row * channels, skip = residual + row * channels
            let out = y + row * channels, half = converted + row * channels
            for c in 0..<channels {
                let sum = Relaxed.multiplyAdd(values[c], scale[c], shift[c]) + skip[c]
                let value: Float = sum > 0 ? sum : 0
                out[c] = value
                half[c] = bfloat16Bits(ofNumber: value)
            }
        }
    case let (nil, y?):
        for row in rows {
            let values = x + row * channels, out = y + row * channels, half = converted + row * channels
            for c in 0..<channels {
                let sum = Relaxed.multiplyAdd(values[c], scale[c], shift[c])
                let value: Float = sum > 0 ? sum : 0
                out[c] = value
                half[c] = bfloat16Bits(ofNumber: value)
            }
        }
    case (_?, nil):
        preconditionFailure("a rectified residual sum is always written in Float")
    case (nil, nil):
        for row in rows {
            let values = x + row * channels, half = converted + row * channels
            for c in 0..<channels {
                let sum = Relaxed.multiplyAdd(values[c], scale[c], shift[c])
                half[c] = bfloat16Bits(ofNumber: sum > 0 ? sum : 0)
            }
        }
    }
}

/// `channelsLastBatchNormInputGradient` for `Float`, writing dx also rounded to bfloat16 into
/// `converted`, and into `dx` only where it is given. A gradient may be a NaN, so this rounds
/// with `roundedToBFloat16`, NaN test and all. With `rectifiedBy`, the gradient of a batch norm
/// and the ReLU after it (`channelsLastRectifiedBatchNormInputGradient`).
func channelsLastBatchNormInputGradient(
    input x: UnsafePointer<Float>, outputGradient dy: UnsafePointer<Float>, rows: Range<Int>, channels: Int,
    mean: UnsafePointer<Float>, reciprocalStd: UnsafePointer<Float>, factor k: UnsafePointer<Float>,
    meanDy: UnsafePointer<Float>, meanDyXhat: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>?,
    converting converted: UnsafeMutablePointer<UInt16>,
    rectifiedBy affine: (scale: UnsafePointer<Float>, shift: UnsafePointer<Float>)? = nil
) {
    for row in rows {
        let values = x + row * channels, grad = dy + row * channels, half = converted + row * channels
        if let affine {
            for c in 0..<channels {
                let gradient = grad[c]
                let g: Float = Relaxed.multiplyAdd(values[c], affine.scale[c], affine.shift[c]) > 0 ? gradient : 0
                let xhat = (values[c] - mean[c]) * reciprocalStd[c]
                let value = k[c] * (g - meanDy[c] - xhat * meanDyXhat[c])
                dx?[row * channels + c] = value
                half[c] = UInt16(truncatingIfNeeded: roundedToBFloat16(value.bitPattern) >> 16)
            }
        } else if let dx {
            let out = dx + row * channels
            for c in 0..<channels {
                let xhat = (values[c] - mean[c]) * reciprocalStd[c]
                let value = k[c] * (grad[c] - meanDy[c] - xhat * meanDyXhat[c])
                out[c] = value
                half[c] = UInt16(truncatingIfNeeded: roundedToBFloat16(value.bitPattern) >> 16)
            }
        } else {
            for c in 0..<channels {
                let xhat = (values[c] - mean[c]) * reciprocalStd[c]
                let value = k[c] * (grad[c] - meanDy[c] - xhat * meanDyXhat[c])
                half[c] = UInt16(truncatingIfNeeded: roundedToBFloat16(value.bitPattern) >> 16)
            }
        }
    }
}
