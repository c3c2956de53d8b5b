import ParamShareEngine

/// `w[i] += value · Σ_k ±θ[column(firstIndex + i, k)]`: adds the rows of a hashed sparse
/// projection, each with `nonzeros` entries ±`value`, times θ.
///
/// Entry k of the row of global weight g is keyed `g · nonzeros + k`, so every (weight, entry)
/// pair hashes a distinct key. Columns are drawn with replacement: two entries of a row that
/// land on one column (probability about nonzeros²/2d) merely add up, which keeps the map
/// linear and the expected squared row norm at nonzeros · value².
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func addSparseProjection<Scalar: EngineScalar>(
    _ theta: UnsafePointer<Scalar>, dimension: Int, seed: UInt64, firstIndex: Int, nonzeros: Int, value: Scalar,
    into w: UnsafeMutablePointer<Scalar>, count: Int
) {
    for i in 0..<count {
        let firstKey = UInt64(firstIndex + i) &* UInt64(nonzeros)
        var sum: Scalar = 0
        for k in 0..<nonzeros {
            let hash = WeightHash.value(seed: seed, key: firstKey &+ UInt64(k))
            let entry = theta[WeightHash.entry(of: hash, among: dimension)]
            sum += WeightHash.isNegative(hash) ? -entry : entry
        }
        w[i] += value * sum
    }
}

/// The transpose of `addSparseProjection`: `θGradient[column(firstIndex + i, k)] += ±value · dW[i]`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func accumulateSparseProjectionTranspose<Scalar: EngineScalar>(
    _ dW: UnsafePointer<Scalar>, dimension: Int, seed: UInt64, firstIndex: Int, nonzeros: Int, value: Scalar,
    into thetaGradient: UnsafeMutablePointer<Scalar>, count: Int
) {
    for i in 0..<count {
        let firstKey = UInt64(firstIndex + i) &* UInt64(nonzeros)
        let scaled = value * dW[i]
        for k in 0..<nonzeros {
            let hash = WeightHash.value(seed: seed, key: firstKey &+ UInt64(k))
            thetaGradient[WeightHash.entry(of: hash, among: dimension)] += WeightHash.isNegative(hash) ? -scaled : scaled
        }
    }
}
