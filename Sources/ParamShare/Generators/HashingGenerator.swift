import ParamShareEngine

/// HashedNets (Chen et al., 2015): every generated weight is a signed, scaled copy of the bank
/// entry a seeded hash of its index selects, `w = s_l · ξ(g) · bank[h(g)]`, with the sign ξ from a
/// second, independent hash function, as in the paper.
///
/// HashedNets hashes each layer into buckets of its own, so the descriptor's default scope is
/// ``SharingScope/layer``: each layer gets a bank of its share of the budget (the same
/// compression in every layer, as in the paper). `--scope global` gives the single shared bank,
/// whose entries are read multinomially: at T/N uses an entry on average, about e^(−T/N) of
/// them are never read, which the `dof` column (entries read) shows.
///
/// The key g is the weight's global index: its position among all planned layers' weights, in
/// planning order, so two layers never hash the same keys and a bank shared by a whole model
/// spreads every layer over every entry. Hashing the position within its layer instead would
/// give equal-sized layers identical entries and signs: tied, not merely shared, weights.
///
/// Where ``RPGGenerator`` caches 4 bytes per weight, its plan stores only the two 64-bit hash
/// seeds (drawn from the planning `RandomSource`, so the run's seed still decides everything)
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
        let seed = WeightHash.drawSeed(from: random)
        return HashingPlan<Scalar>(bankSize: budget, seed: seed, signSeed: WeightHash.drawSeed(from: random), offsets: offsets,
                                   counts: layers.map(\.count),
                                   scaling: BankScaling(layers: layers))
    }

    /// `hashing` in sweeps: per-layer buckets by default, as in HashedNets.
    ///
    /// Version 2: the sign comes from its own hash (it was the lowest bit of the bucket's hash)
    /// and the default scope is `layer` (it was the sweep's, `global`).
    public static let descriptor = GeneratorDescriptor(
        name: "hashing", summary: "HashedNets: per-layer buckets, a seeded hash gives every weight a bucket and another its sign",
        semanticsVersion: 2, defaultScope: .layer
    ) { _ in HashingGenerator() }
}

/// A ``HashingGenerator`` laid out over its layers: the hash seeds, where each layer starts, and the layer scales.
package final class HashingPlan<Scalar: EngineScalar>: ScaledBankPlan {
    package let bankSize: Int
    /// The 64-bit key of the bucket hash h.
    package let seed: UInt64
    /// The 64-bit key of the sign hash ξ.
    package let signSeed: UInt64
    /// The global index of each layer's first weight.
    package let offsets: [Int]
    /// Each layer's weights.
    package let counts: [Int]
    package let scaling: BankScaling

    init(bankSize: Int, seed: UInt64, signSeed: UInt64, offsets: [Int], counts: [Int], scaling: BankScaling) {
        self.bankSize = bankSize
        self.seed = seed
        self.signSeed = signSeed
        self.offsets = offsets
        self.counts = counts
        self.scaling = scaling
    }

    package func generate(layer: Int, from bank: Tensor<Scalar>, into weight: Tensor<Scalar>) {
        hashedMap(bank.data, bankCount: bankSize, seed: seed, signSeed: signSeed, firstIndex: offsets[layer],
                  scale: Scalar(scaling.layerScales[layer]), transposed: false, into: weight.data, count: weight.count)
    }

    package func accumulateBankGradient(layer: Int, weightGradient: Tensor<Scalar>, at bank: Tensor<Scalar>,
                                       into bankGradient: Tensor<Scalar>) {
        hashedMap(weightGradient.data, bankCount: bankSize, seed: seed, signSeed: signSeed, firstIndex: offsets[layer],
                  scale: Scalar(scaling.layerScales[layer]), transposed: true, into: bankGradient.data, count: weightGradient.count)
    }

    /// Multinomial: each entry's count of the weights hashed to it.
    package func entryUseCounts() -> [Int]? {
        var uses = [Int](repeating: 0, count: bankSize)
        for (offset, count) in zip(offsets, counts) {
            for g in offset..<(offset + count) { uses[bucket(ofWeight: g)] += 1 }
        }
        return uses
    }

    /// The bank entry that the weight at `globalIndex` (counted over all planned layers) reads.
    package func bucket(ofWeight globalIndex: Int) -> Int {
        WeightHash.entry(of: WeightHash.value(seed: seed, key: UInt64(globalIndex)), among: bankSize)
    }

    /// The sign, ±1, that the weight at `globalIndex` (counted over all planned layers) applies.
    package func sign(ofWeight globalIndex: Int) -> Int {
        WeightHash.isNegative(WeightHash.value(seed: signSeed, key: UInt64(globalIndex))) ? -1 : 1
    }
}
