/// He et al.'s option-A shortcut: keep every `stride`-th pixel and zero-pad the channels evenly.
///
/// It has no parameters, which is why the CIFAR ResNets' parameter counts (ResNet-20: 269,722)
/// include no shortcut weights. With `outChannels = 2·inChannels` it matches the common PyTorch
/// `F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, planes // 4, planes // 4))`. An odd increase, as in a
/// width-scaled network, pads one channel more after than before.
public final class SubsampleShortcut<Scalar: EngineScalar>: Layer {
    public let name: String
    public let inChannels: Int
    public let outChannels: Int
    public let stride: Int
    /// The order of the images it reads and writes.
    public let layout: ImageLayout

    private var buffers = PassBuffers<Scalar>()

    public init(name: String, inChannels: Int, outChannels: Int, stride: Int, layout: ImageLayout = .channelsFirst) {
        precondition(outChannels >= inChannels && stride > 0, "\(name): needs no fewer output channels and a positive stride")
        self.name = name
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.stride = stride
        self.layout = layout
    }

    /// The copy for `items` images of `height × width`; the channels padded evenly, one more after than before when odd.
    private func geometry(items: Int, height: Int, width: Int) -> SubsampleGeometry {
        SubsampleGeometry(items: items, inChannels: inChannels, height: height, width: width, stride: stride,
                          outChannels: outChannels, padBefore: (outChannels - inChannels) / 2, layout: layout)
    }

    // x [N, Cin, H, W] → y [N, Cout, ⌈H/s⌉, ⌈W/s⌉], or the same channels-last
    public func forward(_ input: Tensor<Scalar>, mode: ForwardMode) -> Tensor<Scalar> {
        checkShape(input.shape.count == 4 && layout.channels(of: input.shape) == inChannels, name,
                   "expected \(layout.shape(items: 0, channels: inChannels, height: 0, width: 0)) with any N, H, W, got \(input.shape)")
        let items = input.shape[0], (height, width) = layout.plane(of: input.shape)
        let output = buffers.output(for: input, shape: layout.shape(items: items, channels: outChannels, height: (height + stride - 1) / stride,
                                                           width: (width + stride - 1) / stride))
        subsampleAndPadChannels(input.data, geometry(items: items, height: height, width: width), backward: false, into: output.data)
        return output
    }

    // dy [N, Cout, Ho, Wo] → dx [N, Cin, H, W], or the same channels-last
    public func backward(_ outputGradient: Tensor<Scalar>) -> Tensor<Scalar> {
        let inputGradient = buffers.inputGradient(for: outputGradient, layer: name), inputShape = buffers.inputShape
        let (height, width) = layout.plane(of: inputShape)
        subsampleAndPadChannels(outputGradient.data, geometry(items: inputShape[0], height: height, width: width), backward: true,
                                into: inputGradient.data)
        return inputGradient
    }
}
