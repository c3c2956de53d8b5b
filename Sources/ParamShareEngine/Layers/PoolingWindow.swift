/// The square window of a pooling layer and the padding around its input.
package struct PoolingWindow: Sendable, Hashable {
    package let kernelSize: Int
    package let stride: Int
    /// Positions added on every side that no window ever picks: PyTorch pads a max pool with −∞.
    package let padding: Int

    /// A window of `kernelSize`; the stride defaults to the kernel size, as in PyTorch. PyTorch
    /// refuses a padding above half the kernel, since a window could then lie wholly in it.
    init(layer: String, kernelSize: Int, stride: Int?, padding: Int = 0) {
        precondition(kernelSize > 0 && (stride ?? 1) > 0 && padding >= 0 && 2 * padding <= kernelSize,
                     "\(layer): invalid pooling sizes")
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
    }

    /// The window over an input of `shape`, a 4-d image batch in `layout`, checked to fit.
    func geometry(for shape: [Int], layout: ImageLayout = .channelsFirst, layer: String) -> WindowGeometry {
        checkShape(shape.count == 4, layer, "expected \(layout.axes), got \(shape)")
        let (height, width) = layout.plane(of: shape)
        let g = WindowGeometry(channels: layout.channels(of: shape), height: height, width: width, kernelHeight: kernelSize,
                               kernelWidth: kernelSize, stride: stride, padding: padding)
        checkShape(g.outputHeight > 0 && g.outputWidth > 0, layer, "input \(shape) is smaller than the window")
        return g
    }
}
