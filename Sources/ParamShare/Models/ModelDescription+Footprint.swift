extension ModelDescription {
    /// The scalars every layer outputs for one image, summed over the layers.
    ///
    /// Training keeps each layer's output and its input gradient, so this, times the batch, is
    /// most of a run's memory; ``trainingBytes(batchSize:)`` turns it into an estimate.
    public var activationsPerImage: Int {
        var shape = inputShape
        return Self.activations(of: layers, shape: &shape)
    }

    /// A rough upper estimate of the memory a training run of this model takes at `batchSize`:
    /// every parameter four times (value, gradient, momentum, a generated copy) and every
    /// activation three times (output, input gradient, a convolution's column scratch), in
    /// `Float`. It is for refusing runs that cannot fit before they start, not for planning.
    public func trainingBytes(batchSize: Int) -> Double {
        4 * (4 * Double(parameterCounts.total) + 3 * Double(batchSize) * Double(activationsPerImage))
    }

    /// The outputs of `layers` from an input of `shape` (`[C, H, W]` or `[F]`), which becomes their output's shape.
    private static func activations(of layers: [LayerDescription], shape: inout [Int]) -> Int {
        var total = 0
        for layer in layers {
            switch layer {
            case let .weighted(weighted):
                switch weighted.kind {
                case let .convolution(kernelSize, stride, padding) where shape.count == 3:
                    shape = [weighted.outputs, (shape[1] + 2 * padding - kernelSize) / stride + 1,
                             (shape[2] + 2 * padding - kernelSize) / stride + 1]
                default:
                    shape = [weighted.outputs]
                }
            case let .maxPool(_, kernelSize) where shape.count == 3:
                shape = [shape[0], shape[1] / kernelSize, shape[2] / kernelSize]
            case .flatten:
                shape = [shape.reduce(1, *)]
            case .globalAveragePool:
                shape = [shape[0]]
            case let .residual(_, body, shortcut):
                var bodyShape = shape, shortcutShape = shape
                total += activations(of: body, shape: &bodyShape)
                if let shortcut { total += activations(of: [shortcut], shape: &shortcutShape) }
                shape = bodyShape
            case let .subsampleShortcut(_, _, outChannels, stride) where shape.count == 3:
                shape = [outChannels, (shape[1] + stride - 1) / stride, (shape[2] + stride - 1) / stride]
            default:
                break
            }
            total += shape.reduce(1, *)
        }
        return total
    }
}
