/// Which sum of a convolution's products ``channelsLastConvolution(_:_:_:_:into:)`` computes.
enum ConvolutionProduct {
    /// The output, from the images and the kernel.
    case output
    /// The input gradient, from the output gradient and the kernel.
    case inputGradient
    /// The kernel gradient, in OIHW order, from the images and the output gradient.
    case kernelGradient
}

/// Direct convolution of NHWC images with an OIHW kernel, one product at a time: the output,
/// or either gradient (`product`), each the same taps summed into another operand.
///
/// The reference the oneDNN path is tested against, and the path for `Double`, which oneDNN
/// does not compute: the gradient checks run through it. `a` and `b` are the images and the
/// kernel for the output, the output gradient and the kernel for the input gradient, and the
/// images and the output gradient for the kernel gradient; `c` is overwritten.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func channelsLastConvolution<Scalar: EngineScalar>(
    _ product: ConvolutionProduct, _ a: UnsafePointer<Scalar>, _ b: UnsafePointer<Scalar>, _ s: ConvolutionShape,
    into c: UnsafeMutablePointer<Scalar>
) {
    switch product {
    case .output:
        c.update(repeating: 0, count: s.outputCount)
        forEachTap(s) { output, input, weight in c[output] += a[input] * b[weight] }
    case .inputGradient:
        c.update(repeating: 0, count: s.inputCount)
        forEachTap(s) { output, input, weight in c[input] += a[output] * b[weight] }
    case .kernelGradient:
        c.update(repeating: 0, count: s.weightCount)
        forEachTap(s) { output, input, weight in c[weight] += a[input] * b[output] }
    }
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
