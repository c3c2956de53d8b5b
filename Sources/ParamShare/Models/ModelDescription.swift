import ParamShareEngine

/// A whole network, described layer by layer, for one input shape and number of classes.
public struct ModelDescription: Sendable, Hashable {
    /// The model's name, such as `resnet20`.
    public var name: String
    /// `[channels, height, width]` of one input image.
    public var inputShape: [Int]
    public var classes: Int
    /// The layers in forward order.
    public var layers: [LayerDescription]

    package init(name: String, inputShape: [Int], classes: Int, layers: [LayerDescription]) {
        self.name = name
        self.inputShape = inputShape
        self.classes = classes
        self.layers = layers
    }

    /// Every convolution and linear layer, in forward order.
    public var weightedLayers: [WeightedLayer] { layers.flatMap(\.weightedLayers) }

    /// The weighted layers whose role is in `roles`, in forward order.
    package func weightedLayers(withRoles roles: Set<WeightedLayer.Role>) -> [WeightedLayer] {
        weightedLayers.filter { roles.contains($0.role) }
    }

    /// The weighted layer called `name`, if any.
    package func weightedLayer(named name: String) -> WeightedLayer? {
        weightedLayers.first { $0.name == name }
    }

    /// The model's trainable parameters, split by role.
    package var parameterCounts: ParameterCounts {
        var counts = ParameterCounts()
        for layer in weightedLayers {
            let bias = layer.hasBias ? layer.outputs : 0
            switch (layer.role, layer.kind) {
            case (.stem, _): counts.stem += layer.weightCount + bias
            case (.classifier, _): counts.classifier += layer.weightCount + bias
            case (_, .convolution): counts.convolutionWeights += layer.weightCount; counts.biases += bias
            case (_, .linear): counts.linearWeights += layer.weightCount; counts.biases += bias
            }
        }
        counts.batchNorm = layers.reduce(0) { $0 + $1.normalizationParameterCount }
        return counts
    }
}

/// Trainable parameter counts of a model, split by role. The parts add up to `total`.
package struct ParameterCounts: Sendable, Hashable {
    /// Convolution weights other than the stem's.
    package var convolutionWeights = 0
    /// Linear weights other than the classifier's.
    package var linearWeights = 0
    /// Biases of layers other than the stem and the classifier.
    package var biases = 0
    /// Batch-norm scales and shifts.
    package var batchNorm = 0
    /// The stem's weight and bias.
    package var stem = 0
    /// The classifier's weight and bias.
    package var classifier = 0

    package init() {}

    package var total: Int { convolutionWeights + linearWeights + biases + batchNorm + stem + classifier }
}
