/// Turns each image of a batch into one row of features, in PyTorch's order `C·H·W` whatever
/// the layout, so a linear layer after it has the same weight in both: `[N, C, H, W]` (or any
/// `[N, d₁, d₂, …]`) is viewed as `[N, d₁·d₂·…]` without moving data; `[N, H, W, C]` is reordered.
public final class Flatten<Scalar: EngineScalar>: Layer {
    public let name: String
    /// The order the images come in.
    public let layout: ImageLayout
    private var buffers = PassBuffers<Scalar>()

    public init(name: String, layout: ImageLayout = .channelsFirst) {
        self.name = name
        self.layout = layout
    }

    // x [N, …] → view [N, prod(…)]; x [N, H, W, C] → y [N, C·H·W]
    public func forward(_ input: Tensor<Scalar>, mode: ForwardMode) -> Tensor<Scalar> {
        checkShape(input.shape.count >= 1, name, "cannot flatten a scalar")
        let items = input.shape[0], features = input.count / max(items, 1)
        guard layout == .channelsLast else {
            buffers.inputShape = input.shape
            return input.reshaped([items, features])
        }
        checkShape(input.shape.count == 4, name, "expected \(layout.axes), got \(input.shape)")
        let output = buffers.output(for: input, shape: [items, features])
        transposePlanes(input.data, items: items, rows: input.shape[1] * input.shape[2], columns: input.shape[3],
                        into: output.data)
        return output
    }

    // dy [N, prod(…)] → view [N, …]; dy [N, C·H·W] → dx [N, H, W, C]
    public func backward(_ outputGradient: Tensor<Scalar>) -> Tensor<Scalar> {
        guard layout == .channelsLast else { return outputGradient.reshaped(buffers.inputShape) }
        let inputGradient = buffers.inputGradient(for: outputGradient, layer: name), inputShape = buffers.inputShape
        transposePlanes(outputGradient.data, items: inputShape[0], rows: inputShape[3], columns: inputShape[1] * inputShape[2],
                        into: inputGradient.data)
        return inputGradient
    }
}
