import ParamShareEngine

/// HashedNets (Chen et al., 2015): every generated weight is a signed, scaled copy of the bank
/// entry a seeded hash of its index selects, `w = s_l · ξ(g) · bank[h(g)]`.
///
/// The key g is the weight's global index: its position among all planned layers' weights, in
/// planning order, so two layers never hash the same keys and a bank shared by a whole model
/// spreads every layer over every entry. Hashing the position within its layer instead would
/// give equal-sized layers identical entries and signs: tied, not merely shared, weights.
///
/// Where ``RPGGenerator`` caches 4 bytes per weight, its plan stores only the 64-bit hash
/// seed (drawn from the planning `RandomSource`, so the run's seed still decides everything)
/// and recomputes entry and sign on every pass. Entries are balanced only in expectation
/// (multinomially, not ⌊T/N⌋ or ⌈T/N⌉ uses as in RPG's even sampling), which is the
/// HashedNets design. Each layer's multiplier comes from ``BankScaling``, as in RPG, so a
/// generated kernel starts with its layer's Kaiming standard deviation.
public struct HashingGenerator: ParameterGenerator {
    /// A generator whose hash seed each plan draws.
    public init() {}

    public func plan<Scalar: EngineScalar>(layers: [GeneratedLayer], budget: Int, random: RandomSource,
                                           as scalar: Scalar.Type) throws -> any GeneratorPlan<Scalar> {
        guard budget >= 1 else { throw BudgetError(budget: "\(budget)", detail: "a hashed bank needs at least one entry") }
        var start = 0
        let offsets = layers.map { layer in
            defer { start += layer.count }
            return start
        }
        return HashingPlan<Scalar>(bankSize: budget, seed: WeightHash.drawSeed(from: random), offsets: offsets,
                                   scaling: BankScaling(layers: layers))
    }

    /// `hashing` in sweeps.
    public static let descriptor = GeneratorDescriptor(
        name: "hashing", summary: "HashedNets: a seeded hash gives every weight a bank entry and a sign"
    ) { _ in HashingGenerator() }
}

/// A ``HashingGenerator`` laid out over its layers: the hash seed, where each layer starts, and the layer scales.
public final class HashingPlan<Scalar: EngineScalar>: GeneratorPlan {
    public let bankSize: Int
    /// The 64-bit hash key.
    public let seed: UInt64
    /// The global index of each layer's first weight.
    public let offsets: [Int]
    public let scaling: BankScaling

    init(bankSize: Int, seed: UInt64, offsets: [Int], scaling: BankScaling) {
        self.bankSize = bankSize
        self.seed = seed
        self.offsets = offsets
        self.scaling = scaling
    }

    public func initializeBank(_ bank: Tensor<Scalar>, random: RandomSource) {
        BankKernels.fillGaussian(bank.data, count: bank.count, standardDeviation: scaling.bankStandardDeviation, random: random)
    }

    public func generate(layer: Int, from bank: Tensor<Scalar>, into weight: Tensor<Scalar>) {
        hashedGather(bank.data, bankCount: bankSize, seed: seed, firstIndex: offsets[layer],
                     scale: Scalar(scaling.layerScales[layer]), into: weight.data, count: weight.count)
    }

    public func accumulateBankGradient(layer: Int, weightGradient: Tensor<Scalar>, at bank: Tensor<Scalar>,
                                       into bankGradient: Tensor<Scalar>) {
        hashedScatterAdd(weightGradient.data, bankCount: bankSize, seed: seed, firstIndex: offsets[layer],
                         scale: Scalar(scaling.layerScales[layer]), into: bankGradient.data, count: weightGradient.count)
    }

    /// The bank entry that the weight at `globalIndex` (counted over all planned layers) reads.
    @_spi(Testing) public func bucket(ofWeight globalIndex: Int) -> Int {
        WeightHash.entry(of: WeightHash.value(seed: seed, key: UInt64(globalIndex)), among: bankSize)
    }

    /// The sign, ±1, that the weight at `globalIndex` (counted over all planned layers) applies.
    @_spi(Testing) public func sign(ofWeight globalIndex: Int) -> Int {
        WeightHash.isNegative(WeightHash.value(seed: seed, key: UInt64(globalIndex))) ? -1 : 1
    }
}
