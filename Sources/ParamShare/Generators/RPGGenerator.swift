import ParamShareEngine

/// How an ``RPGGenerator`` lays bank indices out over the layers.
public enum RPGVariant: String, Sendable, CaseIterable {
    /// Even sampling over all layers and one global permutation (the paper's method).
    case global
    /// A contiguous arc of the ring per layer, permuted within the layer.
    case perLayerArc = "per-layer-arc"
    /// Every layer reads the same first entries, in order and unsigned (the paper's baseline).
    case naive
}

/// Recurrent Parameter Generators (Wang et al., 2023): every generated weight is a signed,
/// scaled copy of one bank (ring) entry, `w = s_l · ε · bank[π(i)]`.
///
/// The `global` variant follows the authors' even sampling: over all T generated weights each
/// of the N entries is used ⌊T/N⌋ or ⌈T/N⌉ times (⌊T/N⌋ copies of every index plus T mod N
/// distinct random ones), one random permutation spreads them over every layer, and each
/// weight gets a random sign ("destructive weight sharing"). `perLayerArc` gives each layer a
/// contiguous arc of the ring (wrapping around) and its own permutation, so a layer repeats no
/// entry while N is at least its size. `naive` is the paper's recurrent baseline: every layer
/// reads the same first entries in order, unsigned.
///
/// The index and sign of every weight are drawn from the seed once, at planning, and cached in
/// 4 bytes per generated weight (a 31-bit index and the sign bit), against the authors' 12
/// (an int64 index and a float sign). ResNet-20's 267,264 generated weights take 1.02 MiB.
public final class RPGGenerator<Scalar: EngineScalar>: ParameterGenerator {
    public let variant: RPGVariant
    /// Whether indices are shuffled (the paper's permutation; off for its ablation).
    public let permutes: Bool
    /// Whether each weight gets a random sign (off for the paper's ablation).
    public let signs: Bool

    private var tables: [[UInt32]] = []
    private var scaling = BankScaling(layers: [])

    public init(variant: RPGVariant = .global, permutes: Bool = true, signs: Bool = true) {
        self.variant = variant
        self.permutes = variant == .naive ? false : permutes
        self.signs = variant == .naive ? false : signs
    }

    public var name: String { "rpg" }

    public var options: [String: String] {
        ["variant": variant.rawValue, "permutation": permutes ? "on" : "off", "signs": signs ? "on" : "off"]
    }

    public func plan(layers: [GeneratedLayer], budget: Int, random: RandomSource) throws -> Int {
        guard budget >= 1 else { throw BudgetError(budget: "\(budget)", detail: "an RPG bank needs at least one entry") }
        guard budget <= Int(RPGTable.indexMask) else {
            throw BudgetError(budget: "\(budget)", detail: "an RPG bank holds at most \(RPGTable.indexMask) entries")
        }
        scaling = BankScaling(layers: layers)
        let counts = layers.map(\.count)
        var indices: [[UInt32]]
        switch variant {
        case .global: indices = Self.evenlySampled(counts: counts, bankSize: budget, permutes: permutes, random: random)
        case .perLayerArc: indices = Self.arcs(counts: counts, bankSize: budget, permutes: permutes, random: random)
        case .naive: indices = counts.map { count in (0..<count).map { UInt32($0 % budget) } }
        }
        if signs {
            for l in indices.indices {
                for i in indices[l].indices where random.sign() < 0 { indices[l][i] |= RPGTable.signBit }
            }
        }
        tables = indices
        return budget
    }

    /// ⌊T/N⌋ copies of every index, T mod N distinct random extras, optionally shuffled, cut into layers.
    private static func evenlySampled(counts: [Int], bankSize: Int, permutes: Bool, random: RandomSource) -> [[UInt32]] {
        let total = counts.reduce(0, +)
        var all = [UInt32]()
        all.reserveCapacity(total)
        for _ in 0..<(total / bankSize) { all += (0..<bankSize).map(UInt32.init) }
        all += random.permutation(of: bankSize).prefix(total % bankSize).map(UInt32.init)
        if permutes { random.shuffle(&all) }
        var start = 0
        return counts.map { count in
            defer { start += count }
            return Array(all[start..<(start + count)])
        }
    }

    /// Layer l reads entries offset_l, offset_l + 1, … (mod N), optionally shuffled within the layer.
    private static func arcs(counts: [Int], bankSize: Int, permutes: Bool, random: RandomSource) -> [[UInt32]] {
        var offset = 0
        return counts.map { count in
            var arc = (0..<count).map { UInt32((offset + $0) % bankSize) }
            offset = (offset + count) % bankSize
            if permutes { random.shuffle(&arc) }
            return arc
        }
    }

    public func initializeBank(_ bank: Tensor<Scalar>, random: RandomSource) {
        for i in 0..<bank.count { bank[i] = Scalar(random.gaussian(standardDeviation: scaling.bankStandardDeviation)) }
    }

    public func generate(layer: Int, from bank: Tensor<Scalar>, into weight: Tensor<Scalar>) {
        tables[layer].withUnsafeBufferPointer { table in
            gatherSigned(bank.data, table: table.baseAddress!, scale: Scalar(scaling.layerScales[layer]),
                         into: weight.data, count: weight.count)
        }
    }

    public func accumulateBankGradient(layer: Int, weightGradient: Tensor<Scalar>, at bank: Tensor<Scalar>,
                                into bankGradient: Tensor<Scalar>) {
        tables[layer].withUnsafeBufferPointer { table in
            scatterAddSigned(weightGradient.data, table: table.baseAddress!, scale: Scalar(scaling.layerScales[layer]),
                             into: bankGradient.data, count: weightGradient.count)
        }
    }

    /// The cached index of each weight of layer `layer` (sign removed), for tests and analysis.
    public func bankIndices(ofLayer layer: Int) -> [Int] { tables[layer].map { Int($0 & RPGTable.indexMask) } }

    /// The cached sign of each weight of layer `layer`, ±1.
    public func signs(ofLayer layer: Int) -> [Int] { tables[layer].map { $0 & RPGTable.signBit != 0 ? -1 : 1 } }
}
