/// The per-layer multipliers that give every generated kernel its own initial standard deviation.
///
/// A bank entry can feed layers whose Kaiming standard deviations differ by 10× (a 16-channel
/// and a 64-channel ResNet stage), so the bank is drawn with one standard deviation σ and layer
/// l multiplies what it reads by s_l = σ_l / σ. Two conventions fix σ (``Convention``): the
/// root mean square of the σ_l over all generated weights, which keeps the multipliers near 1
/// (`rms`, ParamShare's), or the RPG authors' fixed ring of a 512-channel 3×3 Kaiming layer with
/// multipliers √(4608 / (C_out·k²)) (`authors`). On the CIFAR ResNets, whose dense layers start
/// at their fan-out Kaiming deviation, both start every kernel there but give the bank different
/// step sizes; on LeNet-5 and the MLPs (PyTorch's uniform fan-in start) the authors' multipliers
/// start the kernels 1.5 to 3.5 times wider than dense. A weight moves by s_l² times the summed
/// gradient times the learning rate, and on ResNet-20 the authors' ring is 3.28× smaller
/// (0.0208 against 0.0683), so their multipliers are 3.28× larger and the same learning rate
/// moves every generated weight 10.76× further. A bank drawn from N(0, 1) with small multipliers trained far slower at the same
/// learning rate: measured on ResNet-20, 40.6 % against 59.7 % on a 10k-image CIFAR-10 subset.
public struct BankScaling: Sendable, Equatable {
    /// How the bank's standard deviation σ is chosen.
    public enum Convention: String, Sendable, CaseIterable {
        /// σ is the root mean square of the layers' standard deviations.
        case rms
        /// σ = √(2/4608), a 512-channel 3×3 Kaiming (fan-out) layer's, and s_l = √(4608 / (C_out·k²)),
        /// as in the RPG authors' code; each kernel then starts at its fan-out Kaiming deviation,
        /// which is its dense layer's only where the model initialises that way.
        case authors
    }

    /// The standard deviation to draw bank entries with.
    public var bankStandardDeviation: Double
    /// The multiplier of each layer, in planning order.
    public var layerScales: [Double]

    /// The scaling of `layers` under `convention`.
    public init(layers: [GeneratedLayer], convention: Convention = .rms) {
        guard convention == .rms else {
            let ring = 4608.0
            bankStandardDeviation = (2 / ring).squareRoot()
            layerScales = layers.map { layer in
                let outputs = Double(layer.shape.first ?? 1), kernelArea = Double(layer.shape.dropFirst(2).reduce(1, *))
                return (ring / (outputs * kernelArea)).squareRoot()
            }
            return
        }
        let weights = layers.map { Double($0.count) }
        let meanSquare = zip(layers, weights).reduce(0) { $0 + $1.0.initialStandardDeviation * $1.0.initialStandardDeviation * $1.1 }
            / max(weights.reduce(0, +), 1)
        bankStandardDeviation = meanSquare > 0 ? meanSquare.squareRoot() : 1
        layerScales = layers.map { $0.initialStandardDeviation / (meanSquare > 0 ? meanSquare.squareRoot() : 1) }
    }
}
