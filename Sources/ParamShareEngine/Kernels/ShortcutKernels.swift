/// Option-A shortcut of He et al.: subsample every `stride`-th pixel and zero-pad the channels.
///
/// `x` is `[items, inChannels, height, width]`; `y` is `[items, outChannels, outH, outW]` with
/// the input channels placed at `padBefore..<padBefore + inChannels` and zeros elsewhere.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func subsampleAndPadChannels<Scalar: EngineScalar>(
    _ x: UnsafePointer<Scalar>, items: Int, inChannels: Int, height: Int, width: Int,
    stride: Int, outChannels: Int, padBefore: Int, into y: UnsafeMutablePointer<Scalar>
) {
    let outH = (height + stride - 1) / stride, outW = (width + stride - 1) / stride
    let outPlane = outH * outW
    y.update(repeating: 0, count: items * outChannels * outPlane)
    for item in 0..<items {
        for c in 0..<inChannels {
            let input = x + (item * inChannels + c) * height * width
            let out = y + (item * outChannels + c + padBefore) * outPlane
            for oh in 0..<outH {
                for ow in 0..<outW { out[oh * outW + ow] = input[oh * stride * width + ow * stride] }
            }
        }
    }
}

/// Backward of `subsampleAndPadChannels`: gradients of the kept pixels go back, the rest are zero.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func subsampleAndPadChannelsBackward<Scalar: EngineScalar>(
    _ dy: UnsafePointer<Scalar>, items: Int, inChannels: Int, height: Int, width: Int,
    stride: Int, outChannels: Int, padBefore: Int, into dx: UnsafeMutablePointer<Scalar>
) {
    let outH = (height + stride - 1) / stride, outW = (width + stride - 1) / stride
    let outPlane = outH * outW
    dx.update(repeating: 0, count: items * inChannels * height * width)
    for item in 0..<items {
        for c in 0..<inChannels {
            let grad = dx + (item * inChannels + c) * height * width
            let incoming = dy + (item * outChannels + c + padBefore) * outPlane
            for oh in 0..<outH {
                for ow in 0..<outW { grad[oh * stride * width + ow * stride] = incoming[oh * outW + ow] }
            }
        }
    }
}

/// `subsampleAndPadChannels` for channels-last images: `[items, height, width, inChannels]` to
/// `[items, outH, outW, outChannels]`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func subsampleAndPadChannelsLast<Scalar: EngineScalar>(
    _ x: UnsafePointer<Scalar>, items: Int, inChannels: Int, height: Int, width: Int,
    stride: Int, outChannels: Int, padBefore: Int, into y: UnsafeMutablePointer<Scalar>
) {
    let outH = (height + stride - 1) / stride, outW = (width + stride - 1) / stride
    y.update(repeating: 0, count: items * outH * outW * outChannels)
    for item in 0..<items {
        for oh in 0..<outH {
            for ow in 0..<outW {
                let input = x + ((item * height + oh * stride) * width + ow * stride) * inChannels
                let out = y + ((item * outH + oh) * outW + ow) * outChannels + padBefore
                out.update(from: input, count: inChannels)
            }
        }
    }
}

/// Backward of `subsampleAndPadChannelsLast`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func subsampleAndPadChannelsLastBackward<Scalar: EngineScalar>(
    _ dy: UnsafePointer<Scalar>, items: Int, inChannels: Int, height: Int, width: Int,
    stride: Int, outChannels: Int, padBefore: Int, into dx: UnsafeMutablePointer<Scalar>
) {
    let outH = (height + stride - 1) / stride, outW = (width + stride - 1) / stride
    dx.update(repeating: 0, count: items * height * width * inChannels)
    for item in 0..<items {
        for oh in 0..<outH {
            for ow in 0..<outW {
                let grad = dx + ((item * height + oh * stride) * width + ow * stride) * inChannels
                grad.update(from: dy + ((item * outH + oh) * outW + ow) * outChannels + padBefore, count: inChannels)
            }
        }
    }
}
