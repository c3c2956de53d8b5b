/// Reorders a channels-first image batch `[N, C, H, W]` to channels-last `[N, H, W, C]`: the first
/// layer of a network that runs channels-last, so data sets and checkpoints keep PyTorch's order.
public final class ChannelsLastInput<Scalar: EngineScalar>: Layer {
    public let name: String
    /// Set to `false` on a network's first layer, whose input gradient nobody reads, to skip
    /// computing it.
    package var computesInputGradient = true
    private var buffers = PassBuffers<Scalar>()

    public init(name: String) {
        self.name = name
    }

    // x [N, C, H, W] → y [N, H, W, C]
    public func forward(_ input: Tensor<Scalar>, mode: ForwardMode) -> Tensor<Scalar> {
        checkShape(input.shape.count == 4, name, "expected [N, C, H, W], got \(input.shape)")
        let (items, channels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let output = buffers.output(for: input, shape: [items, height, width, channels])
        transposePlanes(input.data, items: items, rows: channels, columns: height * width, into: output.data)
        return output
    }

    // dy [N, H, W, C] → dx [N, C, H, W]
    public func backward(_ outputGradient: Tensor<Scalar>) -> Tensor<Scalar> {
        let inputGradient = buffers.inputGradient(for: outputGradient, layer: name), inputShape = buffers.inputShape
        let (items, channels, height, width) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        guard computesInputGradient else { return inputGradient }
        transposePlanes(outputGradient.data, items: items, rows: height * width, columns: channels, into: inputGradient.data)
        return inputGradient
    }
}
