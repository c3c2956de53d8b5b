extension ModelDescription {
    /// The scalars every layer outputs for one image, summed over the layers.
    ///
    /// Training keeps each layer's output and its input gradient, so this, times the batch, is
    /// most of a run's memory; ``trainingBytes(batchSize:)`` turns it into an estimate.
    package var activationsPerImage: Int {
        var shape = inputShape
        return Self.footprint(of: layers, shape: &shape).activations
    }

    /// The multiply-adds of one image's forward pass through the convolutions and linear layers.
    ///
    /// A training step takes about three times as many (forward, input gradient, weight gradient);
    /// twice this is the forward pass's floating-point operations, as GEMM counts them.
    package var multiplyAddsPerImage: Int {
        var shape = inputShape
        return Self.footprint(of: layers, shape: &shape).multiplyAdds
    }

    /// A rough upper estimate of the memory a training run of this model takes at `batchSize`:
    /// every parameter four times (value, gradient, momentum, a generated copy) and every
    /// activation three times (output, input gradient, a convolution's column scratch), in
    /// `Float`. It is for refusing runs that cannot fit before they start, not for planning.
    package func trainingBytes(batchSize: Int) -> Double {
        4 * (4 * Double(parameterCounts.total) + 3 * Double(batchSize) * Double(activationsPerImage))
    }

    /// The outputs and the weighted layers' multiply-adds of `layers` from an input of `shape`
    /// (`[C, H, W]` or `[F]`), which becomes their output's shape.
    private static func footprint(of layers: [LayerDescription], shape: inout [Int]) -> (activations: Int, multiplyAdds: Int) {
        var total = 0, multiplyAdds = 0
        for layer in layers {
            switch layer {
            case let .weighted(weighted):
                switch weighted.kind {
                case let .convolution(kernelSize, stride, padding) where shape.count == 3:
                    shape = [weighted.outputs, (shape[1] + 2 * padding - kernelSize) / stride + 1,
                             (shape[2] + 2 * padding - kernelSize) / stride + 1]
                    multiplyAdds += shape.reduce(1, *) * weighted.inputs * kernelSize * kernelSize
                default:
                    multiplyAdds += shape.reduce(1, *) * weighted.outputs
                    shape = [weighted.outputs]
                }
            case let .maxPool(_, kernelSize, stride, padding) where shape.count == 3:
                shape = [shape[0], (shape[1] + 2 * padding - kernelSize) / stride + 1, (shape[2] + 2 * padding - kernelSize) / stride + 1]
            case .flatten:
                shape = [shape.reduce(1, *)]
            case .globalAveragePool:
                shape = [shape[0]]
            case let .residual(_, body, shortcut):
                var bodyShape = shape, shortcutShape = shape
                let viaBody = footprint(of: body, shape: &bodyShape)
                let viaShortcut = shortcut.map { footprint(of: [$0], shape: &shortcutShape) } ?? (activations: 0, multiplyAdds: 0)
                total += viaBody.activations + viaShortcut.activations
                multiplyAdds += viaBody.multiplyAdds + viaShortcut.multiplyAdds
                shape = bodyShape
            case let .subsampleShortcut(_, _, outChannels, stride) where shape.count == 3:
                shape = [outChannels, (shape[1] + stride - 1) / stride, (shape[2] + stride - 1) / stride]
            case let .sequence(_, inner):
                // Its output is its last layer's, already counted among the inner layers' outputs.
                let viaInner = footprint(of: inner, shape: &shape)
                total += viaInner.activations
                multiplyAdds += viaInner.multiplyAdds
                continue
            default:
                break
            }
            total += shape.reduce(1, *)
        }
        return (total, multiplyAdds)
    }
}
