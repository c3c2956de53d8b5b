extension ModelDescription {
    /// This model with the output width `w` of every weighted layer but the classifier replaced
    /// by `width(w)`, and everything downstream resized to match: batch norms, shortcuts, the
    /// next layer's inputs (a linear layer after a flatten by its features per channel).
    ///
    /// Layers of one width get one new width, so a residual block's body and shortcut still
    /// agree; the image channels and the classes stay as they are.
    package func scalingWidths(_ width: (Int) -> Int) -> ModelDescription {
        let widths = Set(weightedLayers.filter { $0.role != .classifier }.map(\.outputs))
        var resizer = WidthResizer(widths: Dictionary(uniqueKeysWithValues: widths.map { ($0, width($0)) }),
                                   channels: (inputShape[0], inputShape[0]))
        return ModelDescription(name: name, inputShape: inputShape, classes: classes, layers: layers.map { resizer.resize($0) })
    }
}

/// Walks a description in forward order, tracking the current channel count before and after resizing.
private struct WidthResizer {
    /// Each original width's new one.
    let widths: [Int: Int]
    /// The channels flowing at this point: (in the original, after resizing).
    var channels: (original: Int, resized: Int)

    mutating func resize(_ description: LayerDescription) -> LayerDescription {
        switch description {
        case var .weighted(layer):
            let outputs = layer.outputs
            // A convolution reads `channels`; a linear layer after a flatten reads channels × positions.
            layer.inputs = channels.resized * (layer.inputs / channels.original)
            if layer.role != .classifier { layer.outputs = widths[outputs]! }
            channels = (outputs, layer.outputs)
            return .weighted(layer)
        case let .batchNorm(name, _):
            return .batchNorm(name: name, channels: channels.resized)
        case let .residual(name, body, shortcut):
            let input = channels
            let resizedBody = body.map { resize($0) }
            let output = channels
            channels = input
            let resizedShortcut = shortcut.map { resize($0) }
            channels = output
            return .residual(name: name, body: resizedBody, shortcut: resizedShortcut)
        case let .subsampleShortcut(name, _, outChannels, stride):
            let resized = LayerDescription.subsampleShortcut(name: name, inChannels: channels.resized,
                                                             outChannels: widths[outChannels]!, stride: stride)
            channels = (outChannels, widths[outChannels]!)
            return resized
        case let .sequence(name, layers):
            return .sequence(name: name, layers: layers.map { resize($0) })
        case .relu, .maxPool, .flatten, .globalAveragePool:
            return description
        }
    }
}
