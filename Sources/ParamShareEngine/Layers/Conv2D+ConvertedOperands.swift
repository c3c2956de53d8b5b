/// Operands rounded to bfloat16 by the layers next to a channels-last convolution on oneDNN's
/// bf16 kernels, in their own passes.
///
/// Activations stay `Float` between layers (but for a convolution's output that a batch norm
/// reads, `Conv2D+BFloat16Output.swift`), and such a convolution reads its images and output
/// gradient as bfloat16. Rounding them in a pass of its own reads back what the layer before
/// (forward) or after (backward) has just written: 7.6 % of a bf16 ResNet-20 step. Where a
/// `Sequential` sees a batch norm with its ReLU next to such a convolution, the batch norm
/// writes the rounded values in the pass that computes them, and hands them over: forward, as
/// well as its `Float` output (which the ReLU's backward and a residual shortcut read); backward,
/// instead of its `Float` input gradient, which a convolution without a bias does not read. The
/// convolution keeps the images it was handed for its backward pass, instead of rounding them
/// again. The rounding is the same (`convertToBFloat16`'s), so the convolution multiplies the
/// same bits either way, and results do not change.
extension Conv2D {
    /// Whether a training or evaluation pass over images of `shape` would read them rounded to
    /// bfloat16 on oneDNN's kernels: then the layer before may round them for it
    /// (``receiveConvertedInput(_:of:)``). oneDNN's bf16 kernels read the bit patterns; the
    /// emulation's `Float` kernels read them widened back to `Float` (exactly) block by block.
    /// Makes the kernels for that shape if need be.
    func readsBFloat16Images(ofShape shape: [Int]) -> Bool {
        guard takesConvertedOperands, Scalar.self == Float.self, layout == .channelsLast, precision == .bfloat16,
              shape.count == 4, layout.channels(of: shape) == inChannels
        else { return false }
        return oneDNNKernels(items: shape[0], geometry(for: shape), threads: EngineThreads.count) != nil
    }

    /// Hands over `input`'s values rounded to bfloat16, in `buffer`, for the next forward pass if
    /// it reads `input`, and the backward pass after it. The buffer must hold them unchanged
    /// until that backward pass: a layer's buffer, written again on its next forward pass only.
    func receiveConvertedInput(_ buffer: BFloat16Buffer, of input: Tensor<Scalar>) {
        handedInput = (buffer, UnsafeMutableRawPointer(input.data), input.count)
    }

    /// Whether the backward pass of the last forward pass may take its output gradient as
    /// bfloat16 alone (``backward(convertedOutputGradient:)``): it read bf16 operands on oneDNN's
    /// kernels, and there is no bias, whose gradient sums the gradient in `Float`.
    var readsConvertedOutputGradient: Bool { takesConvertedOperands && forwardReadBFloat16 && bias == nil && input != nil }

    /// The backward pass from the output gradient rounded to bfloat16 by the layer after, all
    /// this convolution reads of it when ``readsConvertedOutputGradient``.
    func backward(convertedOutputGradient gradient: BFloat16Buffer) -> Tensor<Scalar> {
        guard let input else { preconditionFailure("\(name): backward called before forward") }
        precondition(readsConvertedOutputGradient, "\(name): takes no bf16 output gradient alone")
        return backwardChannelsLast(nil, converted: gradient, input: input, geometry(for: input.shape))
    }
}
