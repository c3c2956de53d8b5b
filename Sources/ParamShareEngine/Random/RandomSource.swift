import CNumerics

/// A seeded stream of random numbers from GSL's Mersenne Twister (mt19937).
///
/// Every random draw in ParamShare comes from one of these, so a seed fixes the same
/// initialisation, shuffles and generator tables on every machine: GSL's generators and its
/// samplers are specified bit for bit, unlike the standard library's `SystemRandomNumberGenerator`.
/// A source is not thread-safe; give each thread its own.
public final class RandomSource {
    private let generator: UnsafeMutablePointer<gsl_rng>
    /// The seed this source started from.
    public let seed: UInt64

    /// Creates a source seeded with `seed`.
    ///
    /// GSL's mt19937 keeps only the low 32 bits of a seed; `init(seed:stream:)` mixes wider values down.
    public init(seed: UInt64) {
        GSLErrors.disableAbortingHandler()
        guard let generator = gsl_rng_alloc(paramshare_gsl_rng_mt19937()) else {
            fatalError("GSL could not allocate a random number generator: out of memory")
        }
        self.generator = generator
        self.seed = seed
        gsl_rng_set(generator, UInt(seed))
    }

    /// Creates the source for stream `stream` of run `seed`, such as one per epoch.
    ///
    /// The two are mixed with SplitMix64's finaliser and folded to the 32 bits mt19937 uses, so
    /// neighbouring (seed, stream) pairs start from unrelated states.
    public convenience init(seed: UInt64, stream: UInt64) {
        var z = seed &* 0x9E37_79B9_7F4A_7C15 &+ stream &+ 0x632B_E59B_D9B4_E019
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        self.init(seed: (z ^ (z >> 32)) & 0xFFFF_FFFF)
    }

    deinit {
        gsl_rng_free(generator)
    }

    /// A uniform draw from `range` (lower bound included, upper excluded).
    public func uniform(in range: Range<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * gsl_rng_uniform(generator)
    }

    /// A uniform integer from 0 to `bound - 1`.
    public func integer(below bound: Int) -> Int {
        precondition(bound > 0 && UInt(bound) <= gsl_rng_max(generator), "bound \(bound) outside the generator's range")
        return Int(gsl_rng_uniform_int(generator, UInt(bound)))
    }

    /// A draw from the normal distribution with mean 0 and standard deviation `standardDeviation`.
    public func gaussian(standardDeviation: Double = 1) -> Double {
        gsl_ran_gaussian_ziggurat(generator, standardDeviation)
    }

    /// A fair ±1.
    public func sign() -> Int {
        gsl_rng_uniform_int(generator, 2) == 0 ? -1 : 1
    }

    /// Shuffles `elements` in place with GSL's Fisher–Yates shuffle.
    public func shuffle<Element>(_ elements: inout [Element]) {
        let count = elements.count
        guard count > 1 else { return }
        elements.withUnsafeMutableBytes { bytes in
            gsl_ran_shuffle(generator, bytes.baseAddress, count, MemoryLayout<Element>.stride)
        }
    }

    /// A uniformly random permutation of `0..<count`.
    public func permutation(of count: Int) -> [Int] {
        var indices = Array(0..<count)
        shuffle(&indices)
        return indices
    }
}
