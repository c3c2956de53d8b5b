/// Max pooling over square windows of 4-d image batches, with optional padding that no window
/// picks (ResNet-18's stem pools 3×3 windows at stride 2 with a padding of 1).
public final class MaxPool2D<Scalar: EngineScalar>: Layer {
    public let name: String
    /// The square window, its stride and padding.
    package let window: PoolingWindow
    /// The order the images come in.
    public let layout: ImageLayout

    private var buffers = PassBuffers<Scalar>()
    // For each output, the index of the input that won: within its plane channels-first, within
    // its image channels-last.
    private var argmax: [Int32] = []

    /// Creates a max pool; the stride defaults to the kernel size and the padding to none, as in
    /// PyTorch, whose bound applies: a padding of at most half the kernel.
    public init(name: String, kernelSize: Int, stride: Int? = nil, padding: Int = 0, layout: ImageLayout = .channelsFirst) {
        self.name = name
        self.layout = layout
        window = PoolingWindow(layer: name, kernelSize: kernelSize, stride: stride, padding: padding)
    }

    private func geometry(for shape: [Int]) -> WindowGeometry { window.geometry(for: shape, layout: layout, layer: name) }

    // x [N, C, H, W] → y [N, C, Ho, Wo], planes (item, channel) split over the threads; or
    // x [N, H, W, C] → y [N, Ho, Wo, C], items split over the threads; Ho = (H + 2·padding − k) / stride + 1.
    public func forward(_ input: Tensor<Scalar>, mode: ForwardMode) -> Tensor<Scalar> {
        let g = geometry(for: input.shape)
        let items = input.shape[0]
        let output = buffers.output(for: input, shape: layout.shape(items: items, channels: g.channels, height: g.outputHeight,
                                                                    width: g.outputWidth))
        if argmax.count != output.count { argmax = [Int32](repeating: 0, count: output.count) }
        let layout = self.layout
        argmax.withUnsafeMutableBufferPointer { indices in
            nonisolated(unsafe) let indices = indices
            switch layout {
            case .channelsFirst:
                EngineThreads.forEachChunk(of: items * g.channels) { _, range in
                    maxPoolForward(input.data, planes: range, g, into: output.data, argmax: indices.baseAddress!)
                }
            case .channelsLast:
                EngineThreads.forEachChunk(of: items) { _, range in
                    channelsLastMaxPoolForward(input.data, items: range, g, into: output.data, argmax: indices.baseAddress!)
                }
            }
        }
        return output
    }

    // dy → dx: each gradient goes to the input that won its window.
    public func backward(_ outputGradient: Tensor<Scalar>) -> Tensor<Scalar> {
        let inputGradient = buffers.inputGradient(for: outputGradient, layer: name)
        let g = geometry(for: buffers.inputShape)
        let items = buffers.inputShape[0], layout = self.layout
        argmax.withUnsafeBufferPointer { indices in
            nonisolated(unsafe) let indices = indices
            switch layout {
            case .channelsFirst:
                EngineThreads.forEachChunk(of: items * g.channels) { _, range in
                    maxPoolBackward(outputGradient.data, argmax: indices.baseAddress!, planes: range, g, into: inputGradient.data)
                }
            case .channelsLast:
                EngineThreads.forEachChunk(of: items) { _, range in
                    channelsLastMaxPoolBackward(outputGradient.data, argmax: indices.baseAddress!, items: range, g,
                                                into: inputGradient.data)
                }
            }
        }
        return inputGradient
    }
}
