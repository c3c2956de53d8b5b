/// Average pooling over square windows of `[N, C, H, W]` inputs, without padding.
public final class AveragePool2D<Scalar: EngineScalar>: Layer {
    public let name: String
    /// The square window and its stride.
    package let window: PoolingWindow

    private var buffers = PassBuffers<Scalar>()

    /// Creates an average pool; the stride defaults to the kernel size, as in PyTorch.
    public init(name: String, kernelSize: Int, stride: Int? = nil) {
        self.name = name
        window = PoolingWindow(layer: name, kernelSize: kernelSize, stride: stride)
    }

    private func geometry(for shape: [Int]) -> WindowGeometry { window.geometry(for: shape, layer: name) }

    // x [N, C, H, W] → y [N, C, Ho, Wo]
    public func forward(_ input: Tensor<Scalar>, mode: ForwardMode) -> Tensor<Scalar> {
        let g = geometry(for: input.shape)
        let output = buffers.output(for: input, shape: [input.shape[0], input.shape[1], g.outputHeight, g.outputWidth])
        EngineThreads.forEachChunk(of: input.shape[0] * input.shape[1]) { _, range in
            averagePoolForward(input.data, planes: range, g, into: output.data)
        }
        return output
    }

    // dy [N, C, Ho, Wo] → dx [N, C, H, W]: each gradient is shared evenly over its window.
    public func backward(_ outputGradient: Tensor<Scalar>) -> Tensor<Scalar> {
        let inputGradient = buffers.inputGradient(for: outputGradient, layer: name), inputShape = buffers.inputShape
        let g = geometry(for: inputShape)
        EngineThreads.forEachChunk(of: inputShape[0] * inputShape[1]) { _, range in
            averagePoolBackward(outputGradient.data, planes: range, g, into: inputGradient.data)
        }
        return inputGradient
    }
}
