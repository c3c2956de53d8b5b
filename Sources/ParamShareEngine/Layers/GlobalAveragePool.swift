/// Averages each channel over its pixels: `[N, C, H, W]` (or channels-last `[N, H, W, C]`) → `[N, C]`.
public final class GlobalAveragePool<Scalar: EngineScalar>: Layer {
    public let name: String
    /// The order of the images it reads.
    public let layout: ImageLayout
    private var buffers = PassBuffers<Scalar>()

    public init(name: String, layout: ImageLayout = .channelsFirst) {
        self.name = name
        self.layout = layout
    }

    // x [N, C, H, W] → y [N, C]
    public func forward(_ input: Tensor<Scalar>, mode: ForwardMode) -> Tensor<Scalar> {
        checkShape(input.shape.count == 4, name, "expected a 4-d image batch, got \(input.shape)")
        let items = input.shape[0], channels = layout.channels(of: input.shape), (height, width) = layout.plane(of: input.shape)
        let output = buffers.output(for: input, shape: [items, channels])
        globalAveragePool(input.data, items: items, channels: channels, planeSize: height * width, layout: layout, backward: false,
                          into: output.data)
        return output
    }

    // dy [N, C] → dx [N, C, H, W] = dy / (H·W) at every pixel.
    public func backward(_ outputGradient: Tensor<Scalar>) -> Tensor<Scalar> {
        let inputGradient = buffers.inputGradient(for: outputGradient, layer: name), inputShape = buffers.inputShape
        let items = inputShape[0], channels = layout.channels(of: inputShape), (height, width) = layout.plane(of: inputShape)
        globalAveragePool(outputGradient.data, items: items, channels: channels, planeSize: height * width, layout: layout,
                          backward: true, into: inputGradient.data)
        return inputGradient
    }
}
