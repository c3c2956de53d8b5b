import ParamShareEngine

/// HashedNets (Chen et al., 2015): every generated weight is a signed, scaled copy of the bank
/// entry a seeded hash of its index selects, `w = s_l · ξ(g) · bank[h(g)]`.
///
/// The key g is the weight's global index: its position among all planned layers' weights, in
/// planning order, so two layers never hash the same keys and a bank shared by a whole model
/// spreads every layer over every entry. Hashing the position within its layer instead would
/// give equal-sized layers identical entries and signs: tied, not merely shared, weights.
///
/// Where ``RPGGenerator`` caches 4 bytes per weight, this generator stores only the 64-bit hash
/// seed (drawn from the planning `RandomSource`, so the run's seed still decides everything)
/// and recomputes entry and sign on every pass. Entries are balanced only in expectation
/// (multinomially, not ⌊T/N⌋ or ⌈T/N⌉ uses as in RPG's even sampling), which is the
/// HashedNets design. Each layer's multiplier comes from ``BankScaling``, as in RPG, so a
/// generated kernel starts with its layer's Kaiming standard deviation.
public final class HashingGenerator<Scalar: EngineScalar>: ParameterGenerator {
    private var seed: UInt64 = 0
    private var bankSize = 0
    /// The global index of each layer's first weight.
    private var offsets: [Int] = []
    private var scaling = BankScaling(layers: [])

    /// A generator whose hash seed `plan` draws.
    public init() {}

    public var name: String { "hashing" }

    public var options: [String: String] { ["hash": "splitmix64"] }

    public func plan(layers: [GeneratedLayer], budget: Int, random: RandomSource) throws -> Int {
        guard budget >= 1 else { throw BudgetError(budget: "\(budget)", detail: "a hashed bank needs at least one entry") }
        scaling = BankScaling(layers: layers)
        var start = 0
        offsets = layers.map { layer in
            defer { start += layer.count }
            return start
        }
        seed = WeightHash.drawSeed(from: random)
        bankSize = budget
        return budget
    }

    public func initializeBank(_ bank: Tensor<Scalar>, random: RandomSource) {
        fillGaussian(bank.data, count: bank.count, standardDeviation: scaling.bankStandardDeviation, random: random)
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
    public func bucket(ofWeight globalIndex: Int) -> Int {
        precondition(bankSize > 0, "plan the generator before asking for buckets")
        return WeightHash.entry(of: WeightHash.value(seed: seed, key: UInt64(globalIndex)), among: bankSize)
    }

    /// The sign, ±1, that the weight at `globalIndex` (counted over all planned layers) applies.
    public func sign(ofWeight globalIndex: Int) -> Int {
        precondition(bankSize > 0, "plan the generator before asking for signs")
        return WeightHash.isNegative(WeightHash.value(seed: seed, key: UInt64(globalIndex))) ? -1 : 1
    }
}
