/// Direct convolution of NHWC images with an OIHW kernel, one output value at a time.
///
/// The reference the oneDNN path is tested against, and the path for `Double`, which oneDNN
/// does not compute: the gradient checks run through it.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func channelsLastConvolutionForward<Scalar: EngineScalar>(
    _ x: UnsafePointer<Scalar>, weight w: UnsafePointer<Scalar>, _ s: ConvolutionShape,
    into y: UnsafeMutablePointer<Scalar>
) {
    y.update(repeating: 0, count: s.outputCount)
    forEachTap(s) { outputIndex, inputIndex, weightIndex in y[outputIndex] += x[inputIndex] * w[weightIndex] }
}

/// The input gradient of `channelsLastConvolutionForward`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func channelsLastConvolutionBackwardData<Scalar: EngineScalar>(
    _ dy: UnsafePointer<Scalar>, weight w: UnsafePointer<Scalar>, _ s: ConvolutionShape,
    into dx: UnsafeMutablePointer<Scalar>
) {
    dx.update(repeating: 0, count: s.inputCount)
    forEachTap(s) { outputIndex, inputIndex, weightIndex in dx[inputIndex] += dy[outputIndex] * w[weightIndex] }
}

/// The kernel gradient of `channelsLastConvolutionForward`, in OIHW order.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func channelsLastConvolutionBackwardWeights<Scalar: EngineScalar>(
    _ x: UnsafePointer<Scalar>, _ dy: UnsafePointer<Scalar>, _ s: ConvolutionShape,
    into dw: UnsafeMutablePointer<Scalar>
) {
    dw.update(repeating: 0, count: s.weightCount)
    forEachTap(s) { outputIndex, inputIndex, weightIndex in dw[weightIndex] += x[inputIndex] * dy[outputIndex] }
}

/// Calls `body(output, input, weight)` with the flat indices of every product a convolution sums;
/// taps that fall on the zero padding are left out.
@inline(__always)
private func forEachTap(_ s: ConvolutionShape, _ body: (Int, Int, Int) -> Void) {
    let k = s.kernelSize
    for item in 0..<s.items {
        for oh in 0..<s.outputHeight {
            for ow in 0..<s.outputWidth {
                let outputPixel = ((item * s.outputHeight + oh) * s.outputWidth + ow) * s.outChannels
                for kh in 0..<k {
                    let ih = oh * s.stride - s.padding + kh
                    guard ih >= 0 && ih < s.height else { continue }
                    for kw in 0..<k {
                        let iw = ow * s.stride - s.padding + kw
                        guard iw >= 0 && iw < s.width else { continue }
                        let inputPixel = ((item * s.height + ih) * s.width + iw) * s.inChannels
                        for o in 0..<s.outChannels {
                            for i in 0..<s.inChannels {
                                body(outputPixel + o, inputPixel + i, ((o * s.inChannels + i) * k + kh) * k + kw)
                            }
                        }
                    }
                }
            }
        }
    }
}
