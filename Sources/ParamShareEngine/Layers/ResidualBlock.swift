/// `y = body(x) + shortcut(x)`, with the identity as the default shortcut.
///
/// The activation after the addition, if any, is the next layer's job, so the block stays a
/// plain sum and its backward is the sum rule: dx = body′ᵀ·dy + shortcut′ᵀ·dy.
public final class ResidualBlock<Scalar: EngineScalar>: Layer {
    public let name: String
    /// The main path.
    public let body: any Layer<Scalar>
    /// The skip path; `nil` is the identity.
    public let shortcut: (any Layer<Scalar>)?
    /// Whether the sum is taken in the body's buffers: forward adds the shortcut into the body's
    /// output, backward adds the shortcut's input gradient into the body's. That saves two
    /// buffers per block, and is safe when the body's last layer does not read its own output in
    /// backward (a convolution or a batch norm does not; a ReLU does).
    package let sumsInPlace: Bool

    private var output: Tensor<Scalar>?
    private var inputGradient: Tensor<Scalar>?

    public init(name: String, body: any Layer<Scalar>, shortcut: (any Layer<Scalar>)? = nil, sumsInPlace: Bool = false) {
        self.name = name
        self.body = body
        self.shortcut = shortcut
        self.sumsInPlace = sumsInPlace
    }

    public var sublayers: [any Layer<Scalar>] { [body] + (shortcut.map { [$0] } ?? []) }

    // x → body(x) + shortcut(x), which must have the same shape.
    public func forward(_ input: Tensor<Scalar>, mode: ForwardMode) -> Tensor<Scalar> {
        let main = body.forward(input, mode: mode)
        let skip = shortcut?.forward(input, mode: mode) ?? input
        checkShape(main.shape == skip.shape, name, "body gives \(main.shape) but shortcut gives \(skip.shape)")
        let output = sumsInPlace ? main : self.output.reuse(shape: main.shape)
        add(main.data, skip.data, into: output.data, count: output.count)
        return output
    }

    // dy → dx = body.backward(dy) + shortcut.backward(dy)
    public func backward(_ outputGradient: Tensor<Scalar>) -> Tensor<Scalar> {
        let viaBody = body.backward(outputGradient)
        let viaShortcut = shortcut?.backward(outputGradient) ?? outputGradient
        let inputGradient = sumsInPlace ? viaBody : self.inputGradient.reuse(shape: viaBody.shape)
        add(viaBody.data, viaShortcut.data, into: inputGradient.data, count: inputGradient.count)
        return inputGradient
    }

    /// The backward pass up to the sum of the body's and the shortcut's input gradients, which
    /// the caller takes: a ReLU before this block adds them in its own pass (``ReLU``'s
    /// `backward(_:adding:)`). The first is the body's buffer, which ``backward(_:)`` would have
    /// summed into; `nil` where the sum is not taken in the body's buffers, and nothing has run.
    func backwardLeavingSum(_ outputGradient: Tensor<Scalar>) -> (viaBody: Tensor<Scalar>, viaShortcut: Tensor<Scalar>)? {
        guard sumsInPlace else { return nil }
        let viaBody = body.backward(outputGradient)
        let viaShortcut = shortcut?.backward(outputGradient) ?? outputGradient
        checkShape(viaBody.shape == viaShortcut.shape, name, "body gives \(viaBody.shape) but shortcut gives \(viaShortcut.shape)")
        return (viaBody, viaShortcut)
    }

    /// The training or evaluation pass with the sum and the ReLU after it inside the pass of the
    /// body's last layer, a channels-last batch norm: the values of ``forward(_:mode:)`` and a
    /// ReLU, with two passes over memory fewer. `nil` where the sum is not taken in the body's
    /// buffers or the body does not end in such a batch norm; then nothing has run.
    ///
    /// `consumer` is the convolution that reads the result next, to which the batch norm hands
    /// the result rounded to bfloat16 from the same pass where it reads bf16 images. A body's
    /// last convolution on oneDNN's bf16 kernels stores its output in bf16 for the batch norm
    /// (`Conv2D+BFloat16Output.swift`).
    func forwardRectifyingSum(_ input: Tensor<Scalar>, mode: ForwardMode,
                              convertingFor consumer: Conv2D<Scalar>? = nil) -> Tensor<Scalar>? {
        guard sumsInPlace, mode != .inference, input.shape.count == 4, let body = body as? Sequential<Scalar>,
              body.layers.count >= 2, let batchNorm = body.layers.last as? BatchNorm<Scalar>,
              batchNorm.fusesRectifier(forInputShape: input.shape) else { return nil }
        let hidden: Tensor<Scalar>, storedInBFloat16: Bool
        if let convolution = body.layers[body.layers.count - 2] as? Conv2D<Scalar> {
            let before = body.forward(input, mode: mode, layers: 0..<(body.layers.count - 2), convertingFor: convolution)
            storedInBFloat16 = convolution.storesBFloat16Output(forInputShape: before.shape)
            hidden = storedInBFloat16 ? convolution.forwardStoringBFloat16(before) : convolution.forward(before, mode: mode)
        } else {
            hidden = body.forward(input, mode: mode, layers: 0..<(body.layers.count - 1))
            storedInBFloat16 = false
        }
        let skip = shortcut?.forward(input, mode: mode) ?? input
        checkShape(hidden.shape == skip.shape, name, "body gives \(hidden.shape) but shortcut gives \(skip.shape)")
        let converting = consumer?.readsBFloat16Images(ofShape: hidden.shape) ?? false
        let sum = batchNorm.forwardRectified(hidden, mode: mode, adding: skip, converting: converting,
                                             inputInBFloat16: storedInBFloat16)
        if converting { consumer?.receiveConvertedInput(batchNorm.convertedOutput, of: sum) }
        return sum
    }

    /// The inference pass with the sum, and the ReLU after it if `rectified`, inside the body's
    /// last convolution: the shortcut's output (or this block's input, which is overwritten)
    /// becomes that convolution's output buffer. `nil` where the body does not end in a
    /// channels-last convolution and a batch norm; then nothing has run.
    ///
    /// Only for an input that nobody reads afterwards: a buffer of the layer before.
    func forwardFoldingSum(_ input: Tensor<Scalar>, rectified: Bool) -> Tensor<Scalar>? {
        guard let body = body as? Sequential<Scalar>, body.layers.count >= 2,
              let convolution = body.layers[body.layers.count - 2] as? Conv2D<Scalar>, convolution.layout == .channelsLast,
              let batchNorm = body.layers.last as? BatchNorm<Scalar> else { return nil }
        let hidden = body.forward(input, mode: .inference, layers: 0..<(body.layers.count - 2), convertingFor: convolution)
        let skip = shortcut?.forward(input, mode: .inference) ?? input
        return convolution.forwardFolded(hidden, batchNorm.foldedAffine(), rectified: rectified, addingTo: skip)
    }
}
