import ParamShareEngine

/// A declarative description of a network: what to build, with every layer named, before any
/// weight exists. Counting parameters or planning which layers share a bank needs no model.
public indirect enum LayerDescription: Sendable, Hashable {
    case weighted(WeightedLayer)
    case batchNorm(name: String, channels: Int)
    case relu(name: String)
    /// Square windows of `kernelSize` at `stride`, over a padding of `padding` that no window picks.
    case maxPool(name: String, kernelSize: Int, stride: Int, padding: Int)
    case flatten(name: String)
    case globalAveragePool(name: String)
    /// `body(x) + shortcut(x)`; no shortcut means the identity.
    case residual(name: String, body: [LayerDescription], shortcut: LayerDescription?)
    /// He et al.'s parameter-free option-A shortcut.
    case subsampleShortcut(name: String, inChannels: Int, outChannels: Int, stride: Int)
    /// Layers one after another, as one layer: an option-B shortcut's 1×1 convolution and batch norm.
    case sequence(name: String, layers: [LayerDescription])

    /// The weighted layers in this description, in forward order.
    package var weightedLayers: [WeightedLayer] {
        switch self {
        case let .weighted(layer): [layer]
        case let .residual(_, body, shortcut): body.flatMap(\.weightedLayers) + (shortcut?.weightedLayers ?? [])
        case let .sequence(_, layers): layers.flatMap(\.weightedLayers)
        default: []
        }
    }

    /// The batch-norm parameters (γ and β) in this description.
    var normalizationParameterCount: Int {
        switch self {
        case let .batchNorm(_, channels): 2 * channels
        case let .residual(_, body, shortcut):
            body.reduce(0) { $0 + $1.normalizationParameterCount } + (shortcut?.normalizationParameterCount ?? 0)
        case let .sequence(_, layers): layers.reduce(0) { $0 + $1.normalizationParameterCount }
        default: 0
        }
    }
}
