/// Max pooling over square windows of `[N, C, H, W]` inputs, without padding.
public final class MaxPool2D<Scalar: EngineScalar>: Layer {
    public let name: String
    /// The square window and its stride.
    public let window: PoolingWindow

    private var inputShape: [Int] = []
    private var output: Tensor<Scalar>?
    private var inputGradient: Tensor<Scalar>?
    // For each output, the in-plane index of the input that won.
    private var argmax: [Int32] = []

    /// Creates a max pool; the stride defaults to the kernel size, as in PyTorch.
    public init(name: String, kernelSize: Int, stride: Int? = nil) {
        self.name = name
        window = PoolingWindow(layer: name, kernelSize: kernelSize, stride: stride)
    }

    private func geometry(for shape: [Int]) -> WindowGeometry { window.geometry(for: shape, layer: name) }

    // x [N, C, H, W] → y [N, C, Ho, Wo]; planes (item, channel) are split over the threads.
    public func forward(_ input: Tensor<Scalar>, mode: ForwardMode) -> Tensor<Scalar> {
        let g = geometry(for: input.shape)
        let planes = input.shape[0] * input.shape[1]
        let output = self.output.reuse(shape: [input.shape[0], input.shape[1], g.outputHeight, g.outputWidth])
        inputShape = input.shape
        if argmax.count != output.count { argmax = [Int32](repeating: 0, count: output.count) }
        argmax.withUnsafeMutableBufferPointer { indices in
            nonisolated(unsafe) let indices = indices
            EngineThreads.forEachChunk(of: planes) { _, range in
                maxPoolForward(input.data, planes: range, g, into: output.data, argmax: indices.baseAddress!)
            }
        }
        return output
    }

    // dy [N, C, Ho, Wo] → dx [N, C, H, W]: each gradient goes to the input that won its window.
    public func backward(_ outputGradient: Tensor<Scalar>) -> Tensor<Scalar> {
        guard let output else { preconditionFailure("\(name): backward called before forward") }
        checkShape(outputGradient.shape == output.shape, name, "output gradient \(outputGradient.shape) does not match \(output.shape)")
        let g = geometry(for: inputShape)
        let inputGradient = self.inputGradient.reuse(shape: inputShape)
        let planes = inputShape[0] * inputShape[1]
        argmax.withUnsafeBufferPointer { indices in
            nonisolated(unsafe) let indices = indices
            EngineThreads.forEachChunk(of: planes) { _, range in
                maxPoolBackward(outputGradient.data, argmax: indices.baseAddress!, planes: range, g, into: inputGradient.data)
            }
        }
        return inputGradient
    }
}
