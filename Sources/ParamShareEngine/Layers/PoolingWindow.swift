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

    /// The window over an input of `shape` `[N, C, H, W]`, checked to fit.
    func geometry(for shape: [Int], layer: String) -> WindowGeometry {
        checkShape(shape.count == 4, layer, "expected [N, C, H, W], got \(shape)")
        let g = WindowGeometry(channels: shape[1], height: shape[2], width: shape[3], kernelHeight: kernelSize,
                               kernelWidth: kernelSize, stride: stride, padding: 0)
        checkShape(g.outputHeight > 0 && g.outputWidth > 0, layer, "input \(shape) is smaller than the window")
        return g
    }
}
