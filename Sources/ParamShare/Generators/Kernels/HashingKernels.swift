import ParamShareEngine

/// The stateless hash that places generated weights in a bank: SplitMix64 keyed by a seed.
///
/// A weight's bank entry and sign are recomputed from its global index on every pass instead of
/// being looked up in a table, so a generator holds no per-weight state at all; three multiplies
/// and shifts per weight cost less than the cache misses of reading a table as large as the
/// model. SplitMix64's finaliser is a bijection with full avalanche, so consecutive indices, which
/// differ in one or two bits, land in unrelated entries.
enum WeightHash {
    /// A 64-bit hash seed from `random`, so that the run's seed still decides every table.
    ///
    /// mt19937 yields 32 bits a draw; two draws fill the key (each excludes 2³² − 1 because a
    /// `RandomSource` bound must not exceed the generator's maximum, which costs no quality).
    static func drawSeed(from random: RandomSource) -> UInt64 {
        let high = UInt64(random.integer(below: Int(UInt32.max)))
        let low = UInt64(random.integer(below: Int(UInt32.max)))
        return high << 32 | low
    }

    /// The hash of `key` under `seed`: SplitMix64's output for position `key` of the stream `seed`.
    @inline(__always)
    static func value(seed: UInt64, key: UInt64) -> UInt64 {
        var z = seed &+ key &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The entry among `count` that `hash` selects: the high word of the 128-bit product `hash · count`.
    ///
    /// This multiply-shift reduction (Lemire's) costs one multiply where `hash % count` costs a
    /// 64-bit division, several times slower in a loop that runs per weight and per pass; unlike
    /// the 32-bit form `(hash >> 32) · count >> 32` it works for any count. Each entry receives
    /// ⌊2⁶⁴/count⌋ or ⌈2⁶⁴/count⌉ hash values, a bias below count/2⁶⁴, far beneath sampling
    /// noise for any bank that fits in memory. The lowest bit of the hash changes the entry only
    /// through a carry, with probability below count/2⁶⁴, so it is free to serve as a sign where
    /// one hash must give both (the sparse projection's nonzeros).
    @inline(__always)
    static func entry(of hash: UInt64, among count: Int) -> Int {
        Int(truncatingIfNeeded: hash.multipliedFullWidth(by: UInt64(count)).high)
    }

    /// Whether `hash` gives its weight a negative sign: its lowest bit, independent of `entry`.
    @inline(__always)
    static func isNegative(_ hash: UInt64) -> Bool {
        hash & 1 != 0
    }
}

/// HashedNets' map and its transpose, over the weights `firstIndex ..< firstIndex + count` of
/// one layer: `w[i] = scale · ξ(g) · bank[h(g)]` with g = firstIndex + i, hashing every index
/// afresh (h under `seed`, the sign ξ under `signSeed`, two independent hash functions as in
/// HashedNets); `transposed`, `bankGradient[h(g)] += scale · ξ(g) · dW[i]`. `source` is the bank
/// or dW, `target` the weights (overwritten) or the bank gradient (added to).
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func hashedMap<Scalar: EngineScalar>(
    _ source: UnsafePointer<Scalar>, bankCount: Int, seed: UInt64, signSeed: UInt64, firstIndex: Int, scale: Scalar,
    transposed: Bool, into target: UnsafeMutablePointer<Scalar>, count: Int
) {
    for i in 0..<count {
        let key = UInt64(firstIndex + i)
        let entry = WeightHash.entry(of: WeightHash.value(seed: seed, key: key), among: bankCount)
        // ±scale · x is bit for bit ±(x · scale): negation is exact.
        let signedScale = WeightHash.isNegative(WeightHash.value(seed: signSeed, key: key)) ? -scale : scale
        if transposed {
            target[entry] += signedScale * source[i]
        } else {
            target[i] = signedScale * source[entry]
        }
    }
}
