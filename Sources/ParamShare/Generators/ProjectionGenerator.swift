import ParamShareEngine

/// How a ``ProjectionGenerator`` represents its projection P.
///
/// Declared outside the generic generator, like ``RPGVariant``, so that a sweep setting can
/// name it without choosing a scalar type.
public enum ProjectionKind: String, Sendable, CaseIterable {
    /// c hashed nonzeros a row, recomputed on every pass.
    case sparse
    /// A stored Gaussian matrix, applied with GEMM.
    case dense
}

/// Training in a random subspace (Li et al., 2018, "intrinsic dimension"): the generated
/// weights are `w = w0 + P·θ`, where θ is the bank of d entries, P a fixed random T × d
/// projection and w0 a fixed Kaiming-normal draw.
///
/// θ starts at zero, so training starts exactly at w0, a network initialised as usual, and
/// moves only within the d-dimensional affine subspace P spans. A bank-only map (`w = P·θ`
/// with θ random) would instead start every layer in a d-dimensional subspace of weight space.
/// w0 is not stored: each layer's plan keeps the seed it was drawn from and regenerates it on every
/// pass with GSL's ziggurat sampler (about 3 ms for ResNet-20's 268k weights), so the
/// generator's memory is independent of the model's size.
///
/// The ``ProjectionKind/sparse`` projection (the default) gives every row c nonzeros ±s_l/√c
/// at columns and signs hashed from the weight's global index, so P is never stored either and
/// costs T·c multiply–adds a pass. The ``ProjectionKind/dense`` projection, the paper's
/// baseline, stores P with N(0, s_l²/d) entries and applies it with GEMM; at T·d scalars it
/// fits only small models or budgets, so planning refuses one larger than
/// ``maximumDenseBytes``. In both, a row of layer l has (expected) norm s_l, the multiplier
/// ``BankScaling`` gives the layer, so a unit step in θ moves a weight about as far as a unit
/// step in an RPG bank would.
public struct ProjectionGenerator: ParameterGenerator {
    /// How the projection P is represented; see ``ProjectionKind``.
    public typealias Kind = ProjectionKind

    /// The largest dense projection planned by default: 2 GiB.
    public static var defaultMaximumDenseBytes: Int { 2 << 30 }

    /// Whether P is hashed and sparse or stored and dense.
    public var kind: Kind
    /// The nonzeros in each row of a sparse projection.
    public var nonzerosPerRow: Int
    /// The most memory a dense projection may take; planning a larger one throws ``BudgetError``.
    public var maximumDenseBytes: Int

    /// A generator with the given projection; `nonzerosPerRow` (at least 1) applies to `sparse` only.
    public init(kind: Kind = .sparse, nonzerosPerRow: Int = 4, maximumDenseBytes: Int = defaultMaximumDenseBytes) {
        precondition(nonzerosPerRow >= 1, "a sparse projection needs at least one nonzero per row, not \(nonzerosPerRow)")
        self.kind = kind
        self.nonzerosPerRow = nonzerosPerRow
        self.maximumDenseBytes = maximumDenseBytes
    }

    public func plan<Scalar: EngineScalar>(layers: [GeneratedLayer], budget: Int, random: RandomSource,
                                           as scalar: Scalar.Type) throws -> any GeneratorPlan<Scalar> {
        guard budget >= 1 else { throw BudgetError(budget: "\(budget)", detail: "a projection needs at least one dimension") }
        let total = layers.reduce(0) { $0 + $1.count }
        if kind == .dense { try checkDenseSize(weights: total, dimension: budget, scalarSize: MemoryLayout<Scalar>.size) }
        let scaling = BankScaling(layers: layers)
        var start = 0
        let offsets = layers.map { layer in
            defer { start += layer.count }
            return start
        }
        let hashSeed = WeightHash.drawSeed(from: random)
        let layerSeeds = layers.map { _ in WeightHash.drawSeed(from: random) }
        var denseRows: [Tensor<Scalar>] = []
        if kind == .dense {
            denseRows = zip(layers, scaling.layerScales).map { layer, scale in
                let rows = Tensor<Scalar>(shape: [layer.count, budget])
                BankKernels.fillGaussian(rows.data, count: rows.count, standardDeviation: scale / Double(budget).squareRoot(), random: random)
                return rows
            }
        }
        return ProjectionPlan(kind: kind, nonzerosPerRow: nonzerosPerRow, dimension: budget, hashSeed: hashSeed,
                              layerSeeds: layerSeeds, standardDeviations: layers.map(\.initialStandardDeviation),
                              offsets: offsets, scaling: scaling, denseRows: denseRows)
    }

    /// `projection` in sweeps: the kind of P and a sparse row's nonzeros.
    public static let descriptor = GeneratorDescriptor(
        name: "projection", summary: "intrinsic dimension: w = w0 + P·θ with a fixed random projection P, θ starting at 0",
        options: [
            .choice("projection", ProjectionKind.allCases.map(\.rawValue), default: ProjectionKind.sparse.rawValue,
                    help: "sparse (hashed, stores nothing) or dense (a stored Gaussian P, small models only)"),
            .integer("nonzeros", in: 1...1024, default: 4, help: "nonzeros per row of a sparse P"),
        ]
    ) { options in
        ProjectionGenerator(kind: options.choice("projection", as: ProjectionKind.self), nonzerosPerRow: options.integer("nonzeros"))
    }

    /// Throws unless a dense T × d projection of `scalarSize`-byte entries fits in ``maximumDenseBytes``.
    private func checkDenseSize(weights: Int, dimension: Int, scalarSize: Int) throws {
        let (entries, entriesOverflow) = weights.multipliedReportingOverflow(by: dimension)
        let (bytes, bytesOverflow) = entries.multipliedReportingOverflow(by: scalarSize)
        guard entriesOverflow || bytesOverflow || bytes > maximumDenseBytes else { return }
        let needed = entriesOverflow || bytesOverflow
            ? "more than \(Int.max) bytes"
            : "\(bytes) bytes (\((Double(bytes) / Double(1 << 30) * 100).rounded(.up) / 100) GiB)"
        throw BudgetError(
            budget: "\(dimension)",
            detail: "a dense projection of \(weights) weights onto \(dimension) dimensions needs \(needed) of "
                + "\(scalarSize)-byte scalars, over the limit of \(maximumDenseBytes) bytes; use the sparse projection, which stores nothing")
    }
}

/// A ``ProjectionGenerator`` laid out over its layers: the seeds of w0 and of a sparse P, or a dense P.
public final class ProjectionPlan<Scalar: EngineScalar>: GeneratorPlan {
    public let kind: ProjectionKind
    public let nonzerosPerRow: Int
    /// d, the bank's size.
    public let dimension: Int
    private let hashSeed: UInt64
    /// The seed each layer's w0 is regenerated from (mt19937 keeps its low 32 bits).
    private let layerSeeds: [UInt64]
    private let standardDeviations: [Double]
    /// The global index of each layer's first weight, which keys its rows of a sparse P.
    private let offsets: [Int]
    private let scaling: BankScaling
    /// Each layer's rows of a dense P, count × d.
    private let denseRows: [Tensor<Scalar>]

    init(kind: ProjectionKind, nonzerosPerRow: Int, dimension: Int, hashSeed: UInt64, layerSeeds: [UInt64],
         standardDeviations: [Double], offsets: [Int], scaling: BankScaling, denseRows: [Tensor<Scalar>]) {
        self.kind = kind
        self.nonzerosPerRow = nonzerosPerRow
        self.dimension = dimension
        self.hashSeed = hashSeed
        self.layerSeeds = layerSeeds
        self.standardDeviations = standardDeviations
        self.offsets = offsets
        self.scaling = scaling
        self.denseRows = denseRows
    }

    public var bankSize: Int { dimension }

    /// Zero, so that training starts at w0.
    public func initializeBank(_ bank: Tensor<Scalar>, random: RandomSource) {
        bank.zero()
    }

    public func generate(layer: Int, from bank: Tensor<Scalar>, into weight: Tensor<Scalar>) {
        BankKernels.fillGaussian(weight.data, count: weight.count, standardDeviation: standardDeviations[layer],
                                 random: RandomSource(seed: layerSeeds[layer]))
        switch kind {
        case .sparse:
            addSparseProjection(bank.data, dimension: dimension, seed: hashSeed, firstIndex: offsets[layer],
                                nonzeros: nonzerosPerRow, value: rowValue(layer: layer), into: weight.data, count: weight.count)
        case .dense:
            Scalar.gemm(transposeA: false, transposeB: false, m: weight.count, n: 1, k: dimension,
                        alpha: 1, a: denseRows[layer].data, lda: dimension, b: bank.data, ldb: 1,
                        beta: 1, c: weight.data, ldc: 1)
        }
    }

    public func accumulateBankGradient(layer: Int, weightGradient: Tensor<Scalar>, at bank: Tensor<Scalar>,
                                       into bankGradient: Tensor<Scalar>) {
        switch kind {
        case .sparse:
            accumulateSparseProjectionTranspose(weightGradient.data, dimension: dimension, seed: hashSeed,
                                                firstIndex: offsets[layer], nonzeros: nonzerosPerRow,
                                                value: rowValue(layer: layer), into: bankGradient.data,
                                                count: weightGradient.count)
        case .dense:
            Scalar.gemm(transposeA: true, transposeB: false, m: dimension, n: 1, k: weightGradient.count,
                        alpha: 1, a: denseRows[layer].data, lda: dimension, b: weightGradient.data, ldb: 1,
                        beta: 1, c: bankGradient.data, ldc: 1)
        }
    }

    /// s_l/√c: the magnitude of every nonzero of a sparse row, which then has norm s_l.
    private func rowValue(layer: Int) -> Scalar {
        Scalar(scaling.layerScales[layer] / Double(nonzerosPerRow).squareRoot())
    }
}
