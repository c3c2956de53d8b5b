import ParamShareEngine

/// A layer whose weight a generator produces, as the generator is told about it when planning.
public struct GeneratedLayer: Sendable, Hashable {
    /// The layer's name in the model, such as `stage2.block0.conv1`.
    public var name: String
    /// `[out, in, k, k]` for a convolution, `[out, in]` for a linear layer.
    public var shape: [Int]
    public var fans: Fans
    public var role: WeightedLayer.Role
    /// The standard deviation a dense weight of this layer is initialised with (Kaiming).
    /// Generators scale their output to it, so that a generated kernel starts with the
    /// variance its layer was designed for.
    public var initialStandardDeviation: Double

    public init(name: String, shape: [Int], fans: Fans, role: WeightedLayer.Role, initialStandardDeviation: Double) {
        self.name = name
        self.shape = shape
        self.fans = fans
        self.role = role
        self.initialStandardDeviation = initialStandardDeviation
    }

    /// The layer as described in a model.
    public init(_ layer: WeightedLayer) {
        self.init(name: layer.name, shape: layer.weightShape, fans: layer.fans, role: layer.role,
                  initialStandardDeviation: layer.initialization.standardDeviation(fans: layer.fans))
    }

    /// The number of weights generated for this layer.
    public var count: Int { shape.reduce(1, *) }
}
