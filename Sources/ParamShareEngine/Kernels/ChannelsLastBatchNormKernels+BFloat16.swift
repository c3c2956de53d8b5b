import CEngineKernels

// Batch-norm passes that also write their result rounded to bfloat16, for the convolution that
// reads it next on oneDNN's bf16 kernels: the conversion that convolution would otherwise make
// in a pass of its own, reading back the activation this pass just wrote, is made here while the
// value is still in a register. Each rounds exactly as `convertToBFloat16` does, so the
// convolution multiplies the same bits either way. `Float` only: bf16 operands need `Float`.
//
// Their input is `Float` values or bfloat16 bit patterns: a convolution on bf16 kernels stores
// its output in bf16 for the batch norm after it (`Conv2D+ConvertedOperands.swift`), as PyTorch's
// autocast does. The batch norm reads each value as the `Float` it stands for, and sums and
// scales in `Float` as it does its `Float` input. Indices inside a row are summed with `&+`: a
// checked sum may trap, and that keeps the loop from being vectorised (it ran at half the speed
// of the `Float` kernels).

/// The input of a batch-norm kernel of a bf16 network, read by flat index as `Float`.
protocol BatchNormInput {
    func value(at index: Int) -> Float

    /// `channelsLastBatchNormInputGradient`'s kernel for this input (`BatchNormRows.h`).
    func writeInputGradient(
        outputGradient dy: UnsafePointer<Float>, rows: Range<Int>, vectors: inout paramshare_batch_norm_channels_f32,
        into dx: UnsafeMutablePointer<Float>?, converting converted: UnsafeMutablePointer<UInt16>)
}

extension UnsafePointer: BatchNormInput where Pointee == Float {
    @inline(__always)
    func value(at index: Int) -> Float { self[index] }

    func writeInputGradient(
        outputGradient dy: UnsafePointer<Float>, rows: Range<Int>, vectors: inout paramshare_batch_norm_channels_f32,
        into dx: UnsafeMutablePointer<Float>?, converting converted: UnsafeMutablePointer<UInt16>
    ) {
        paramshare_batch_norm_input_gradient_converting_f32(self, dy, rows.lowerBound, rows.upperBound, &vectors, dx, converted)
    }
}

/// Values stored as bfloat16 bit patterns, read as the `Float`s they stand for (exactly: a
/// bfloat16 is a `Float` whose low 16 bits are zero).
struct BFloat16Values: BatchNormInput, @unchecked Sendable {
    let bits: UnsafePointer<UInt16>

    /// The values stored as bfloat16 at the start of the memory at `memory`: a stand-in
    /// tensor's (`Tensor(shape:standingInOver:)`).
    init<Scalar>(storedIn memory: UnsafeMutablePointer<Scalar>) {
        bits = UnsafePointer(UnsafeMutableRawPointer(memory).assumingMemoryBound(to: UInt16.self))
    }

    @inline(__always)
    func value(at index: Int) -> Float { Float(bitPattern: UInt32(bits[index]) << 16) }

    func writeInputGradient(
        outputGradient dy: UnsafePointer<Float>, rows: Range<Int>, vectors: inout paramshare_batch_norm_channels_f32,
        into dx: UnsafeMutablePointer<Float>?, converting converted: UnsafeMutablePointer<UInt16>
    ) {
        paramshare_batch_norm_input_gradient_converting_bf16(bits, dy, rows.lowerBound, rows.upperBound, &vectors, dx, converted)
    }
}

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
func channelsLastAffineRectified<Input: BatchNormInput>(
    _ x: Input, rows: Range<Int>, channels: Int, scale: UnsafePointer<Float>,
    shift: UnsafePointer<Float>, adding residual: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>?,
    converting converted: UnsafeMutablePointer<UInt16>
) {
    switch (residual, y) {
    case let (residual?, y?):
        for row in rows {
            let first = row * channels, skip = residual + first
            let out = y + first, half = converted + first
            for c in 0..<channels {
                let sum = x.value(at: first &+ c) * scale[c] + shift[c] + skip[c]
                let value: Float = sum > 0 ? sum : 0
                out[c] = value
                half[c] = bfloat16Bits(ofNumber: value)
            }
        }
    case let (nil, y?):
        for row in rows {
            let first = row * channels, out = y + first, half = converted + first
            for c in 0..<channels {
                let sum = x.value(at: first &+ c) * scale[c] + shift[c]
                let value: Float = sum > 0 ? sum : 0
                out[c] = value
                half[c] = bfloat16Bits(ofNumber: value)
            }
        }
    case (_?, nil):
        preconditionFailure("a rectified residual sum is always written in Float")
    case (nil, nil):
        for row in rows {
            let first = row * channels, half = converted + first
            for c in 0..<channels {
                let sum = x.value(at: first &+ c) * scale[c] + shift[c]
                half[c] = bfloat16Bits(ofNumber: sum > 0 ? sum : 0)
            }
        }
    }
}

/// `channelsLastBatchNormInputGradient` for `Float`, writing dx also rounded to bfloat16 into
/// `converted`, and into `dx` only where it is given. A gradient may be a NaN, so this rounds
/// with `roundedToBFloat16`, NaN test and all. With `rectifiedBy`, the gradient of a batch norm
/// and the ReLU after it.
func channelsLastBatchNormInputGradient<Input: BatchNormInput>(
    input x: Input, outputGradient dy: UnsafePointer<Float>, rows: Range<Int>, channels: Int,
    mean: UnsafePointer<Float>, reciprocalStd: UnsafePointer<Float>, factor k: UnsafePointer<Float>,
    meanDy: UnsafePointer<Float>, meanDyXhat: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>?,
    converting converted: UnsafeMutablePointer<UInt16>,
    rectifiedBy affine: (scale: UnsafePointer<Float>, shift: UnsafePointer<Float>)? = nil
) {
    var vectors = BatchNormChannelVectors(channels: channels, mean: mean, reciprocalStd: reciprocalStd, scale: affine?.scale,
                                          shift: affine?.shift, factor: k, meanDy: meanDy, meanDyXhat: meanDyXhat).float
    x.writeInputGradient(outputGradient: dy, rows: rows, vectors: &vectors, into: dx, converting: converted)
}

// The sums of a batch norm's passes over bf16 input, as `ChannelsLastBatchNormKernels.swift`'s
// over `Float` input, by the same expressions.

/// Adds each channel's Σ x over `rows` into `sums`.
func addColumnSums(_ x: BFloat16Values, rows: Range<Int>, channels: Int, into sums: UnsafeMutablePointer<Float>) {
    for row in rows {
        let first = row * channels
        for c in 0..<channels { sums[c] += x.value(at: first &+ c) }
    }
}

/// Adds each channel's Σ (x − mean)² over `rows` into `sums`.
func addSquaredDeviations(_ x: BFloat16Values, rows: Range<Int>, channels: Int, mean: UnsafePointer<Float>,
                          into sums: UnsafeMutablePointer<Float>) {
    var vectors = BatchNormChannelVectors(channels: channels, mean: mean).float
    paramshare_add_squared_deviations_bf16(x.bits, rows.lowerBound, rows.upperBound, &vectors, sums)
}

/// Adds Σ dy into `sums[0..<channels]` and Σ dy·x̂ into `sums[channels..<2·channels]`, x̂ = (x − μ)·r;
/// with `rectifiedBy`, of the ReLU's input gradient: dy where x·scale + shift > 0, else 0.
func addGradientSums(
    input x: BFloat16Values, outputGradient dy: UnsafePointer<Float>, rows: Range<Int>, channels: Int,
    mean: UnsafePointer<Float>, reciprocalStd: UnsafePointer<Float>,
    rectifiedBy affine: (scale: UnsafePointer<Float>, shift: UnsafePointer<Float>)?, into sums: UnsafeMutablePointer<Float>
) {
    var vectors = BatchNormChannelVectors(channels: channels, mean: mean, reciprocalStd: reciprocalStd, scale: affine?.scale,
                                          shift: affine?.shift).float
    paramshare_add_gradient_sums_bf16(x.bits, dy, rows.lowerBound, rows.upperBound, &vectors, sums)
}
