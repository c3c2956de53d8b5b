import ParamShareEngine
import Synchronization

/// A ``ProjectionGenerator`` laid out over its layers: the seeds of w0, and P in one of its forms.
package final class ProjectionPlan<Scalar: EngineScalar>: GeneratorPlan {
    /// P, as planned.
    enum Map {
        /// Hashed rows of `nonzeros[l]` entries ±`rowValues[l]`; for unit-norm columns θ is read
        /// through `columnScales` (one over each column's norm).
        case sparse(seed: UInt64, nonzeros: [Int], rowValues: [Scalar], columnScales: [Scalar]?)
        /// Each layer's rows, count × d.
        case dense(rows: [Tensor<Scalar>])
        case fastfood(FastfoodTransform<Scalar>)
    }

    /// d, the bank's size.
    package let dimension: Int
    /// What the recipe's weight decay acts on: the weights w (Li et al.'s) or θ.
    package let decayTarget: WeightDecayTarget
    let map: Map
    /// The seed each layer's w0 is regenerated from (mt19937 keeps its low 32 bits).
    private let layerSeeds: [UInt64]
    private let standardDeviations: [Double]
    /// The global index of each layer's first weight, which keys its rows of a sparse P.
    private let offsets: [Int]
    private let counts: [Int]
    /// Fastfood computes all T weights at once; the layers of one pass read them from here
    /// rather than transform once per layer. Keyed by the bank's values, so it is never stale.
    private let fastfoodOutputs = Mutex<(bank: [Scalar], outputs: [Scalar])?>(nil)

    init(map: Map, dimension: Int, decayTarget: WeightDecayTarget, layerSeeds: [UInt64], standardDeviations: [Double],
         offsets: [Int], counts: [Int]) {
        self.map = map
        self.dimension = dimension
        self.decayTarget = decayTarget
        self.layerSeeds = layerSeeds
        self.standardDeviations = standardDeviations
        self.offsets = offsets
        self.counts = counts
    }

    package var bankSize: Int { dimension }

    /// w0: one fixed value per generated weight.
    package var fixedWeightCount: Int { counts.reduce(0, +) }

    /// Zero, so that training starts at w0.
    package func initializeBank(_ bank: Tensor<Scalar>, random: RandomSource) {
        bank.zero()
    }

    package func generate(layer: Int, from bank: Tensor<Scalar>, into weight: Tensor<Scalar>) {
        BankKernels.fillGaussian(weight.data, count: weight.count, standardDeviation: standardDeviations[layer],
                                 random: RandomSource(seed: layerSeeds[layer]))
        switch map {
        case let .sparse(seed, nonzeros, rowValues, columnScales):
            withColumnScales(columnScales) { scales in
                sparseProjection(bank.data, dimension: dimension, seed: seed, firstIndex: offsets[layer], nonzeros: nonzeros[layer],
                                 value: rowValues[layer], columnScales: scales, transposed: false, into: weight.data, count: weight.count)
            }
        case let .dense(rows):
            Scalar.gemm(transposeA: false, transposeB: false, m: weight.count, n: 1, k: dimension,
                        alpha: 1, a: rows[layer].data, lda: dimension, b: bank.data, ldb: 1,
                        beta: 1, c: weight.data, ldc: 1)
        case let .fastfood(transform):
            let outputs = fastfoodOutputs(transform, at: bank)
            outputs.withUnsafeBufferPointer { all in
                addScaled(all.baseAddress! + offsets[layer], times: 1, into: weight.data, count: weight.count)
            }
        }
    }

    package func accumulateBankGradient(layer: Int, weightGradient: Tensor<Scalar>, at bank: Tensor<Scalar>,
                                       into bankGradient: Tensor<Scalar>) {
        switch map {
        case let .sparse(seed, nonzeros, rowValues, columnScales):
            withColumnScales(columnScales) { scales in
                sparseProjection(weightGradient.data, dimension: dimension, seed: seed, firstIndex: offsets[layer],
                                 nonzeros: nonzeros[layer], value: rowValues[layer], columnScales: scales, transposed: true,
                                 into: bankGradient.data, count: weightGradient.count)
            }
        case let .dense(rows):
            Scalar.gemm(transposeA: true, transposeB: false, m: dimension, n: 1, k: weightGradient.count,
                        alpha: 1, a: rows[layer].data, lda: dimension, b: weightGradient.data, ldb: 1,
                        beta: 1, c: bankGradient.data, ldc: 1)
        case let .fastfood(transform):
            transform.accumulateTranspose(weightGradient.data, offset: offsets[layer], count: weightGradient.count,
                                          into: bankGradient.data)
        }
    }

    /// Fastfood's tables (B, Π, G), its padded length L and output scale, for checking the
    /// transform against a dense matrix built from them; `nil` for the other forms of P.
    package var fastfoodTables: (signs: [Scalar], permutation: [Int], gaussians: [Scalar], length: Int, scale: Scalar)? {
        guard case let .fastfood(transform) = map else { return nil }
        return transform.tables
    }

    /// The rows of P in which each column is not zero: a sparse column's hits, every generated
    /// weight for a dense or Fastfood P.
    package func entryUseCounts() -> [Int]? {
        guard case let .sparse(seed, nonzeros, rowValues, _) = map else {
            return [Int](repeating: fixedWeightCount, count: dimension)
        }
        return sparseProjectionColumns(dimension: dimension, seed: seed,
                                       layers: counts.indices.map { (offsets[$0], counts[$0], nonzeros[$0], Double(rowValues[$0])) }).uses
    }

    /// Calls `body` with a pointer to `scales`, or `nil` without them.
    private func withColumnScales(_ scales: [Scalar]?, _ body: (UnsafePointer<Scalar>?) -> Void) {
        guard let scales else { return body(nil) }
        scales.withUnsafeBufferPointer { body($0.baseAddress) }
    }

    /// P·θ over all layers, transformed once per value of the bank.
    private func fastfoodOutputs(_ transform: FastfoodTransform<Scalar>, at bank: Tensor<Scalar>) -> [Scalar] {
        let current = Array(UnsafeBufferPointer(start: bank.data, count: dimension))
        return fastfoodOutputs.withLock { cache in
            if let cached = cache, cached.bank == current { return cached.outputs }
            let outputs = transform.apply(bank.data)
            cache = (current, outputs)
            return outputs
        }
    }
}
