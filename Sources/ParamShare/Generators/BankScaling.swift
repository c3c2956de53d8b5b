/// The per-layer multipliers that give every generated kernel its own initial standard deviation.
///
/// A bank entry can feed layers whose Kaiming standard deviations differ by 10× (a 16-channel
/// and a 64-channel ResNet stage), so the bank is drawn with one standard deviation σ and layer
/// l multiplies what it reads by s_l = σ_l / σ. Choosing σ as the root mean square of the σ_l
/// over all generated weights keeps the multipliers near 1, as in the RPG authors' code (which
/// draws the ring as a 512-channel 3×3 layer and multiplies by √(4608 / (C_out·k²))). A bank
/// drawn from N(0, 1) with small multipliers instead trains far slower at the same learning
/// rate: measured on ResNet-20, 40.6 % against 59.7 % on a 10k-image CIFAR-10 subset.
public struct BankScaling: Sendable, Equatable {
    /// The standard deviation to draw bank entries with.
    public var bankStandardDeviation: Double
    /// The multiplier of each layer, in planning order.
    public var layerScales: [Double]

    public init(layers: [GeneratedLayer]) {
        let weights = layers.map { Double($0.count) }
        let meanSquare = zip(layers, weights).reduce(0) { $0 + $1.0.initialStandardDeviation * $1.0.initialStandardDeviation * $1.1 }
            / max(weights.reduce(0, +), 1)
        bankStandardDeviation = meanSquare > 0 ? meanSquare.squareRoot() : 1
        layerScales = layers.map { $0.initialStandardDeviation / (meanSquare > 0 ? meanSquare.squareRoot() : 1) }
    }
}
