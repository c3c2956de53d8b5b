/// Average pooling over square windows of `[N, C, H, W]` inputs, without padding.
public final class AveragePool2D<Scalar: EngineScalar>: Layer {
    public let name: String
    /// The square window and its stride.
    public let window: PoolingWindow

    private var inputShape: [Int] = []
    private var output: Tensor<Scalar>?
    private var inputGradient: Tensor<Scalar>?

    /// Creates an average pool; the stride defaults to the kernel size, as in PyTorch.
    public init(name: String, kernelSize: Int, stride: Int? = nil) {
        self.name = name
        window = PoolingWindow(layer: name, kernelSize: kernelSize, stride: stride)
    }

    private func geometry(for shape: [Int]) -> WindowGeometry { window.geometry(for: shape, layer: name) }

    // x [N, C, H, W] → y [N, C, Ho, Wo]
    public func forward(_ input: Tensor<Scalar>, mode: ForwardMode) -> Tensor<Scalar> {
        let g = geometry(for: input.shape)
        let output = self.output.reuse(shape: [input.shape[0], input.shape[1], g.outputHeight, g.outputWidth])
        inputShape = input.shape
        EngineThreads.forEachChunk(of: input.shape[0] * input.shape[1]) { _, range in
            averagePoolForward(input.data, planes: range, g, into: output.data)
        }
        return output
    }

    // dy [N, C, Ho, Wo] → dx [N, C, H, W]: each gradient is shared evenly over its window.
    public func backward(_ outputGradient: Tensor<Scalar>) -> Tensor<Scalar> {
        guard let output else { preconditionFailure("\(name): backward called before forward") }
        checkShape(outputGradient.shape == output.shape, name, "output gradient \(outputGradient.shape) does not match \(output.shape)")
        let g = geometry(for: inputShape)
        let inputGradient = self.inputGradient.reuse(shape: inputShape)
        EngineThreads.forEachChunk(of: inputShape[0] * inputShape[1]) { _, range in
            averagePoolBackward(outputGradient.data, planes: range, g, into: inputGradient.data)
        }
        return inputGradient
    }
}
