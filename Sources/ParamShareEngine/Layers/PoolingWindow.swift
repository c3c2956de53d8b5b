/// The square window of a pooling layer, without padding.
public struct PoolingWindow: Sendable, Hashable {
    public let kernelSize: Int
    public let stride: Int

    /// A window of `kernelSize`; the stride defaults to the kernel size, as in PyTorch.
    init(layer: String, kernelSize: Int, stride: Int?) {
        precondition(kernelSize > 0 && (stride ?? 1) > 0, "\(layer): invalid pooling sizes")
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
    }

    /// The window over an input of `shape`, a 4-d image batch in `layout`, checked to fit.
    func geometry(for shape: [Int], layout: ImageLayout = .channelsFirst, layer: String) -> WindowGeometry {
        checkShape(shape.count == 4, layer, "expected \(layout.axes), got \(shape)")
        let (height, width) = layout.plane(of: shape)
        let g = WindowGeometry(channels: layout.channels(of: shape), height: height, width: width, kernelHeight: kernelSize,
                               kernelWidth: kernelSize, stride: stride, padding: 0)
        checkShape(g.outputHeight > 0 && g.outputWidth > 0, layer, "input \(shape) is smaller than the window")
        return g
    }
}
