import ParamShareEngine

extension ModelDescription {
    /// Supplies the weight of a layer, or `nil` to give it an ordinary dense weight.
    public typealias WeightSourceProvider<Scalar: EngineScalar> = (WeightedLayer) -> (any WeightSource<Scalar>)?

    /// Builds the network. Dense weights and biases are drawn from `random` in forward order.
    ///
    /// - Parameters:
    ///   - random: the source of every dense weight and bias, drawn in forward order.
    ///   - scalar: the scalar to build in: `Float` to train, `Double` to check gradients.
    ///   - weightSource: where each convolution and linear layer gets its weight; the seam
    ///     through which generators replace dense weights.
    public func build<Scalar: EngineScalar>(
        random: RandomSource, as scalar: Scalar.Type,
        weightSource: @escaping WeightSourceProvider<Scalar> = { _ in nil }
    ) -> Sequential<Scalar> {
        let builder = NetworkBuilder<Scalar>(random: random, weightSource: weightSource, layout: imageLayout)
        let reorder: [any Layer<Scalar>] = imageLayout == .channelsLast ? [ChannelsLastInput(name: "input.channelsLast")] : []
        let network = Sequential(name: name, reorder + builder.build(layers))
        // Nobody reads the input gradient of the first weighted layer, or of the reorder before
        // it: skip computing them.
        (network.layers.first as? ChannelsLastInput<Scalar>)?.computesInputGradient = false
        if let first = network.layers.first(where: { !($0 is Flatten<Scalar> || $0 is ChannelsLastInput<Scalar>) }) {
            (first as? Conv2D<Scalar>)?.computesInputGradient = false
            (first as? Linear<Scalar>)?.computesInputGradient = false
        }
        return network
    }

    /// The order the network's images run in: channels-last wherever a convolution runs, since
    /// oneDNN's direct convolutions read it fastest; channels-first for a network without one (the MLP,
    /// which flattens its input at once), so it skips the reorder.
    package var imageLayout: ImageLayout {
        layers.contains(where: \.hasConvolution) ? .channelsLast : .channelsFirst
    }
}

extension LayerDescription {
    fileprivate var hasConvolution: Bool {
        switch self {
        case let .weighted(layer): if case .convolution = layer.kind { true } else { false }
        case let .residual(_, body, shortcut): body.contains(where: \.hasConvolution) || (shortcut?.hasConvolution ?? false)
        case let .sequence(_, layers): layers.contains(where: \.hasConvolution)
        default: false
        }
    }
}

/// Turns layer descriptions into engine layers.
private struct NetworkBuilder<Scalar: EngineScalar> {
    let random: RandomSource
    let weightSource: ModelDescription.WeightSourceProvider<Scalar>
    let layout: ImageLayout

    /// The layers of one list. A rectifier between two layers of the list works in place, and a
    /// batch norm before the list's last layer writes its input gradient in place: what comes
    /// before reads neither the rectifier's input nor either's output gradient. At either end of
    /// a list a layer might be reading the list's input, or a gradient a residual shortcut also reads.
    func build(_ descriptions: [LayerDescription]) -> [any Layer<Scalar>] {
        descriptions.enumerated().map { index, description in
            let inside = index > 0 && index < descriptions.count - 1
            switch description {
            case let .relu(name) where inside:
                return ReLU(name: name, inPlace: true)
            case let .batchNorm(name, channels) where index < descriptions.count - 1:
                return BatchNorm(name: name, channels: channels, layout: layout, gradientInPlace: true)
            default:
                return build(description)
            }
        }
    }

    /// Whether the layer's backward pass reads its inputs only, never its own output.
    private static func ignoresOwnOutputInBackward(_ description: LayerDescription) -> Bool {
        switch description {
        case .weighted, .batchNorm: true
        default: false
        }
    }

    func build(_ description: LayerDescription) -> any Layer<Scalar> {
        switch description {
        case let .weighted(layer): buildWeighted(layer)
        case let .batchNorm(name, channels): BatchNorm(name: name, channels: channels, layout: layout)
        case let .relu(name): ReLU(name: name)
        case let .maxPool(name, kernelSize, stride, padding):
            MaxPool2D(name: name, kernelSize: kernelSize, stride: stride, padding: padding, layout: layout)
        case let .flatten(name): Flatten(name: name, layout: layout)
        case let .globalAveragePool(name): GlobalAveragePool(name: name, layout: layout)
        case let .residual(name, body, shortcut):
            ResidualBlock(name: name, body: Sequential(name: "\(name).body", build(body)), shortcut: shortcut.map(build),
                          sumsInPlace: body.last.map(Self.ignoresOwnOutputInBackward) ?? false)
        case let .subsampleShortcut(name, inChannels, outChannels, stride):
            SubsampleShortcut(name: name, inChannels: inChannels, outChannels: outChannels, stride: stride, layout: layout)
        case let .sequence(name, layers):
            Sequential(name: name, build(layers))
        }
    }

    private func buildWeighted(_ layer: WeightedLayer) -> any Layer<Scalar> {
        let source = weightSource(layer)
            ?? DenseWeightSource(name: "\(layer.name).weight", shape: layer.weightShape,
                                 initialization: layer.initialization, random: random)
        let bias = layer.hasBias
            ? Parameter<Scalar>.defaultBias(name: "\(layer.name).bias", count: layer.outputs, fanIn: layer.fans.fanIn, random: random)
            : nil
        switch layer.kind {
        case let .convolution(kernelSize, stride, padding):
            return Conv2D(name: layer.name, inChannels: layer.inputs, outChannels: layer.outputs, kernelSize: kernelSize,
                          stride: stride, padding: padding, layout: layout, weightSource: source, bias: bias)
        case .linear:
            return Linear(name: layer.name, inFeatures: layer.inputs, outFeatures: layer.outputs, weightSource: source, bias: bias)
        }
    }
}
