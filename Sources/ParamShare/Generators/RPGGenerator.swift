import ParamShareEngine

/// How an ``RPGGenerator`` lays bank indices out over the layers.
public enum RPGVariant: String, Sendable, CaseIterable {
    /// Even sampling over all layers and one global permutation (the paper's method).
    case global
    /// A contiguous arc of the ring per layer, permuted within the layer.
    case perLayerArc = "per-layer-arc"
    /// Every layer reads the same first entries, in order (the paper's baseline, with the
    /// permutation and signs switched off).
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
/// entry while N is at least its size. `naive` makes every layer read the same first entries;
/// with `permutes` and `signs` off it is the paper's recurrent baseline, and the switches still
/// apply to it (a permutation within each layer, signs per weight), so that what a results
/// table records is what was computed.
///
/// The index and sign of every weight are drawn from the seed once, at planning, and cached as
/// ``SignedBankEntry`` values, 4 bytes per generated weight against the authors' 12 (an int64
/// index and a float sign). ResNet-20's 267,264 generated weights take 1.02 MiB.
public struct RPGGenerator: ParameterGenerator {
    public var variant: RPGVariant
    /// Whether indices are shuffled (the paper's permutation; off for its ablation).
    public var permutes: Bool
    /// Whether each weight gets a random sign (off for the paper's ablation).
    public var signs: Bool
    /// How the ring's standard deviation and the layer multipliers are chosen.
    public var scaling: BankScaling.Convention

    /// The paper's method by default.
    public init(variant: RPGVariant = .global, permutes: Bool = true, signs: Bool = true, scaling: BankScaling.Convention = .rms) {
        self.variant = variant
        self.permutes = permutes
        self.signs = signs
        self.scaling = scaling
    }

    public func plan<Scalar: EngineScalar>(layers: [GeneratedLayer], budget: Int, random: RandomSource,
                                           as scalar: Scalar.Type) throws -> any GeneratorPlan<Scalar> {
        guard budget >= 1 else { throw BudgetError(budget: "\(budget)", detail: "an RPG bank needs at least one entry") }
        guard budget <= SignedBankEntry.largestIndex else {
            throw BudgetError(budget: "\(budget)", detail: "an RPG bank holds at most \(SignedBankEntry.largestIndex) entries")
        }
        let counts = layers.map(\.count)
        var entries: [[UInt32]]
        switch variant {
        case .global: entries = Self.evenlySampled(counts: counts, bankSize: budget, permutes: permutes, random: random)
        case .perLayerArc: entries = Self.arcs(counts: counts, bankSize: budget, continuing: true, permutes: permutes, random: random)
        case .naive: entries = Self.arcs(counts: counts, bankSize: budget, continuing: false, permutes: permutes, random: random)
        }
        if signs {
            for l in entries.indices {
                for i in entries[l].indices where random.sign() < 0 { entries[l][i] |= SignedBankEntry.signBit }
            }
        }
        return RPGPlan<Scalar>(bankSize: budget, entries: entries, scaling: BankScaling(layers: layers, convention: scaling))
    }

    /// `rpg` in sweeps: the layout variant and the paper's two ablation switches.
    public static let descriptor = GeneratorDescriptor(
        name: "rpg",
        summary: "Recurrent Parameter Generators: even sampling of one ring, a permutation, random signs",
        options: [
            .choice("variant", RPGVariant.allCases.map(\.rawValue), default: RPGVariant.global.rawValue,
                    help: "global (even sampling over all layers), per-layer-arc, or naive (every layer reads the first entries: with permutation and signs off, the paper's recurrent baseline)"),
            .toggle("permutation", default: true, help: "shuffle the indices (off: the paper's ablation)"),
            .toggle("signs", default: true, help: "random ±1 per weight (off: the paper's ablation)"),
            .choice("scaling", BankScaling.Convention.allCases.map(\.rawValue), default: BankScaling.Convention.rms.rawValue,
                    help: "the ring's deviation: rms of the layers' (ParamShare's) or the authors' fixed 512-channel 3×3 ring"),
        ]
    ) { options in
        RPGGenerator(variant: options.choice("variant", as: RPGVariant.self), permutes: options.isOn("permutation"),
                     signs: options.isOn("signs"), scaling: options.choice("scaling", as: BankScaling.Convention.self))
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

    /// Layer l reads entries offset_l, offset_l + 1, … (mod N), optionally shuffled within the
    /// layer; each arc starts where the previous one ended if `continuing`, at 0 otherwise.
    private static func arcs(counts: [Int], bankSize: Int, continuing: Bool, permutes: Bool, random: RandomSource) -> [[UInt32]] {
        var offset = 0
        return counts.map { count in
            var arc = (0..<count).map { UInt32((offset + $0) % bankSize) }
            if continuing { offset = (offset + count) % bankSize }
            if permutes { random.shuffle(&arc) }
            return arc
        }
    }
}

/// An ``RPGGenerator`` laid out over its layers: each weight's packed index and sign, and each layer's scale.
package final class RPGPlan<Scalar: EngineScalar>: ScaledBankPlan {
    package let bankSize: Int
    /// The ``SignedBankEntry`` of every weight, layer by layer.
    package let entries: [[UInt32]]
    package let scaling: BankScaling

    init(bankSize: Int, entries: [[UInt32]], scaling: BankScaling) {
        self.bankSize = bankSize
        self.entries = entries
        self.scaling = scaling
    }

    package func generate(layer: Int, from bank: Tensor<Scalar>, into weight: Tensor<Scalar>) {
        entries[layer].withUnsafeBufferPointer { table in
            BankKernels.gatherSigned(bank.data, entries: table.baseAddress!, scale: Scalar(scaling.layerScales[layer]),
                                     into: weight.data, count: weight.count)
        }
    }

    package func accumulateBankGradient(layer: Int, weightGradient: Tensor<Scalar>, at bank: Tensor<Scalar>,
                                       into bankGradient: Tensor<Scalar>) {
        entries[layer].withUnsafeBufferPointer { table in
            BankKernels.scatterAddSigned(weightGradient.data, entries: table.baseAddress!, scale: Scalar(scaling.layerScales[layer]),
                                         into: bankGradient.data, count: weightGradient.count)
        }
    }

    /// The bank index of each weight of layer `layer`.
    package func bankIndices(ofLayer layer: Int) -> [Int] { entries[layer].map(SignedBankEntry.index(of:)) }

    /// The sign of each weight of layer `layer`, ±1.
    package func signs(ofLayer layer: Int) -> [Int] { entries[layer].map { SignedBankEntry.isNegative($0) ? -1 : 1 } }

    /// ⌊T/N⌋ or ⌈T/N⌉ for the even-sampling variants; what the table says for any variant.
    package func entryUseCounts() -> [Int]? {
        var uses = [Int](repeating: 0, count: bankSize)
        for layer in entries {
            for entry in layer { uses[SignedBankEntry.index(of: entry)] += 1 }
        }
        return uses
    }
}
