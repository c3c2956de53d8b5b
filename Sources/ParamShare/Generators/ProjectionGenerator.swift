import ParamShareEngine

/// How a ``ProjectionGenerator`` represents its projection P.
///
/// Declared outside the generator, like ``RPGVariant``, so that a sweep setting can name it
/// without choosing a scalar type.
public enum ProjectionKind: String, Sendable, CaseIterable {
    /// Hashed nonzeros, recomputed on every pass: P is never stored.
    case sparse
    /// A stored Gaussian matrix, applied with GEMM.
    case dense
    /// Li et al.'s Fastfood transform over the whole projected set; see `FastfoodTransform`.
    case fastfood
}

/// The magnitude of a sparse P's nonzeros in each layer, before its columns are normalised.
public enum SparseProjectionValues: String, Sendable, CaseIterable {
    /// ±1/√c_l in layer l, c_l its nonzeros a row, so that every row has norm 1 in every layer:
    /// with Li et al.'s density c_l ≈ d/√T_l this is their scikit-learn projection's ±T_l^¼/√d,
    /// whose rows have expected norm 1 in every layer.
    case unitRows = "unit-rows"
    /// ±1 in every layer, ParamShare's form before semantics version 3: a row's squared norm is
    /// c_l ≈ d/√T_l, so rows of small layers outweigh those of large ones (on ResNet-20 a
    /// stage-1 row has about twice the norm of a stage-3 row), before and after the columns'
    /// normalisation. Kept to reproduce older runs.
    case ones
}

/// How a ``ProjectionGenerator`` scales P.
public enum ProjectionNormalization: String, Sendable, CaseIterable {
    /// Every column of P (one per bank entry, over all the weights the bank serves) has norm 1,
    /// as in Li et al.'s code. A unit step along one entry of θ then moves the weights a unit
    /// distance, and, the columns being nearly orthogonal when d ≪ T, an SGD step moves the
    /// generated weights by about the dense model's step projected onto the subspace.
    case columns
    /// Every row of layer l has norm s_l, the multiplier ``BankScaling`` gives it: ParamShare's
    /// first form, kept to reproduce older runs. Columns then have norm ≈ √(T/d) on average,
    /// which multiplies the effective step by about T/d (37× at 2k DoF on ResNet-8) and weights
    /// layers unequally.
    case rows
}

/// Training in a random subspace (Li et al., 2018, "intrinsic dimension"): the generated
/// weights are `w = w0 + P·θ`, where θ is the bank of d entries, P a fixed random T × d
/// projection and w0 a fixed Kaiming-normal draw.
///
/// θ starts at zero, so training starts exactly at w0, a network initialised as usual, and
/// moves only within the d-dimensional affine subspace P spans. w0 never trains: its T values
/// are counted in the runs table's `fixed_weights`, not in the DoF. It is not stored either: each
/// layer's plan keeps the seed it was drawn from and regenerates it on every pass with GSL's
/// ziggurat sampler (about 3 ms for ResNet-20's 268k weights).
///
/// As Li et al., P spans the whole projected set (every layer the bank serves) and, by default,
/// its columns have unit norm over that set (``ProjectionNormalization``). Also as theirs, the
/// weight decay acts on the weights w, pulling them toward 0 (``WeightDecayTarget/weights``):
/// decaying θ instead would pull each weight toward its random start w0. The three forms of P
/// (``ProjectionKind``) are Li et al.'s three (Fastfood is the descriptor's default):
/// - `sparse`: each row of layer l has c_l nonzeros ±1/√c_l at hashed columns
///   (``SparseProjectionValues``), so that rows of every layer weigh alike. Li et al. draw each
///   entry nonzero with probability 1/√T_l (scikit-learn's `SparseRandomProjection` density per
///   layer), about d/√T_l a row, valued ±T_l^¼/√d; here every row has exactly
///   c_l = max(1, round(d/√T_l)), so P costs d·Σ√T_l multiply–adds a pass and is never stored.
///   `nonzeros` fixes c instead.
/// - `dense`: stored N(0, 1) entries, applied with GEMM; at T·d scalars it fits only small
///   models or budgets, so planning refuses one larger than ``maximumDenseBytes``.
/// - `fastfood`: Fastfood over all T weights (Li et al.'s choice for large models): 9 bytes
///   of tables per padded weight and O(T log T) a pass, columns of norm ≈ 1. It has no `rows` form.
public struct ProjectionGenerator: ParameterGenerator {
    /// How the projection P is represented; see ``ProjectionKind``.
    public typealias Kind = ProjectionKind
    /// How P is scaled; see ``ProjectionNormalization``.
    public typealias Normalization = ProjectionNormalization

    /// The largest dense projection planned by default: 2 GiB.
    public static var defaultMaximumDenseBytes: Int { 2 << 30 }

    public var kind: Kind
    public var normalization: Normalization
    /// The nonzeros in each row of a sparse projection; `nil` for Li et al.'s density, about d/√T_l.
    public var nonzerosPerRow: Int?
    /// The magnitude of a sparse P's nonzeros in each layer, with unit-norm columns.
    public var sparseValues: SparseProjectionValues
    /// What the weight decay acts on: the weights w (Li et al.'s) or the bank θ.
    public var decayTarget: WeightDecayTarget
    /// The most memory a dense projection may take; planning a larger one throws ``BudgetError``.
    public var maximumDenseBytes: Int

    /// A generator with the given projection; `nonzerosPerRow` (at least 1, or `nil` for Li et
    /// al.'s density) applies to `sparse` only, and `fastfood` has only the `columns` normalisation.
    public init(kind: Kind = .fastfood, normalization: Normalization = .columns, nonzerosPerRow: Int? = nil,
                sparseValues: SparseProjectionValues = .unitRows, decayTarget: WeightDecayTarget = .weights,
                maximumDenseBytes: Int = defaultMaximumDenseBytes) {
        precondition((nonzerosPerRow ?? 1) >= 1, "a sparse projection needs at least one nonzero per row, not \(nonzerosPerRow ?? 0)")
        precondition(kind != .fastfood || normalization == .columns, "Fastfood has unit-norm columns only")
        self.kind = kind
        self.normalization = normalization
        self.nonzerosPerRow = nonzerosPerRow
        self.sparseValues = sparseValues
        self.decayTarget = decayTarget
        self.maximumDenseBytes = maximumDenseBytes
    }

    public func plan<Scalar: EngineScalar>(layers: [GeneratedLayer], budget: Int, random: RandomSource,
                                           as scalar: Scalar.Type) throws -> any GeneratorPlan<Scalar> {
        guard budget >= 1 else { throw BudgetError(budget: "\(budget)", detail: "a projection needs at least one dimension") }
        let total = layers.reduce(0) { $0 + $1.count }
        var start = 0
        let offsets = layers.map { layer in
            defer { start += layer.count }
            return start
        }
        let layerSeeds = layers.map { _ in WeightHash.drawSeed(from: random) }
        let scaling = BankScaling(layers: layers)
        let map: ProjectionPlan<Scalar>.Map
        switch kind {
        case .sparse:
            let nonzeros = layers.map { nonzerosPerRow ?? max(1, Int((Double(budget) / Double($0.count).squareRoot()).rounded())) }
            let hashSeed = WeightHash.drawSeed(from: random)
            switch normalization {
            case .columns:
                let values = nonzeros.map { sparseValues == .unitRows ? 1 / Double($0).squareRoot() : 1 }
                let norms = sparseProjectionColumns(
                    dimension: budget, seed: hashSeed,
                    layers: layers.indices.map { (offsets[$0], layers[$0].count, nonzeros[$0], values[$0]) }).norms
                map = .sparse(seed: hashSeed, nonzeros: nonzeros, rowValues: values.map { Scalar($0) },
                              columnScales: norms.map { $0 > 0 ? Scalar(1 / $0) : 0 })
            case .rows:
                map = .sparse(seed: hashSeed, nonzeros: nonzeros,
                              rowValues: layers.indices.map { Scalar(scaling.layerScales[$0] / Double(nonzeros[$0]).squareRoot()) },
                              columnScales: nil)
            }
        case .dense:
            try checkDenseSize(weights: total, dimension: budget, scalarSize: MemoryLayout<Scalar>.size)
            map = .dense(rows: denseRows(layers: layers, dimension: budget, scaling: scaling, random: random))
        case .fastfood:
            guard budget <= total else {
                throw BudgetError(budget: "\(budget)", detail: "Fastfood maps d onto the \(total) generated weights, so d can be at most \(total)")
            }
            map = .fastfood(FastfoodTransform(dimension: budget, outputs: total, random: random))
        }
        return ProjectionPlan(map: map, dimension: budget, decayTarget: decayTarget, layerSeeds: layerSeeds,
                              standardDeviations: layers.map(\.initialStandardDeviation), offsets: offsets, counts: layers.map(\.count))
    }

    /// Each layer's rows of a dense P, count × d: N(0, s_l²/d) entries for `rows`, N(0, 1)
    /// entries scaled so that every column has norm 1 over all layers for `columns`.
    private func denseRows<Scalar: EngineScalar>(layers: [GeneratedLayer], dimension: Int, scaling: BankScaling,
                                                 random: RandomSource) -> [Tensor<Scalar>] {
        let rows = zip(layers, scaling.layerScales).map { layer, scale in
            let rows = Tensor<Scalar>(shape: [layer.count, dimension])
            let deviation = normalization == .rows ? scale / Double(dimension).squareRoot() : 1
            BankKernels.fillGaussian(rows.data, count: rows.count, standardDeviation: deviation, random: random)
            return rows
        }
        guard normalization == .columns else { return rows }
        var squares = [Double](repeating: 0, count: dimension)
        for block in rows {
            for index in 0..<block.count { squares[index % dimension] += Double(block[index]) * Double(block[index]) }
        }
        let scales = squares.map { $0 > 0 ? Scalar(1 / $0.squareRoot()) : 0 }
        for block in rows {
            for index in 0..<block.count { block[index] *= scales[index % dimension] }
        }
        return rows
    }

    /// `projection` in sweeps: the form of P, its normalisation, a sparse row's nonzeros and
    /// what the weight decay acts on.
    ///
    /// Version 3: the decay acts on the weights w = w0 + P·θ, as Li et al.'s (version 2 decayed
    /// θ, now `decay=bank`), and a sparse P's rows have norm 1 in every layer before the columns
    /// are normalised, as Li et al.'s in expectation (version 2's ±1 are `values=ones`).
    /// Version 2: Li et al.'s unit-norm columns, their sparse density, and Fastfood (version 1
    /// was a sparse P with `normalization=rows` and 4 nonzeros a row). Fastfood is the default
    /// because it is the fastest at every budget: 3 epochs of LeNet-5 on digits at 92 % took
    /// 0.3 s with it, 7.5 s with Li's sparse density (d/√T_l nonzeros a row make a pass cost
    /// d·Σ√T_l) and 80 s with a dense P.
    public static let descriptor = GeneratorDescriptor(
        name: "projection", summary: "intrinsic dimension (Li et al.): w = w0 + P·θ with a fixed random projection P, θ starting at 0",
        semanticsVersion: 3,
        // Plain steps move w = w0 + P·θ about d/T as far as a dense network's weights at one rate
        // (P's columns have unit norm over all T weights); `layer` gives them a dense step, which
        // is what the selections on validation data chose instead of 8–16 times the rate.
        defaultStepScaling: .layer,
        options: [
            .choice("projection", [ProjectionKind.fastfood, .sparse, .dense].map(\.rawValue), default: ProjectionKind.fastfood.rawValue,
                    help: "fastfood (Li et al.'s for large models, the fastest), sparse (hashed, stores nothing) or dense (a stored Gaussian P, small models only)"),
            .choice("normalization", ProjectionNormalization.allCases.map(\.rawValue), default: ProjectionNormalization.columns.rawValue,
                    help: "columns (unit-norm columns over all layers, Li et al.'s) or rows (row norm s_l, ParamShare's first form; not with fastfood)"),
            .integer("nonzeros", in: 0...4096, default: 0,
                     help: "nonzeros per row of a sparse P; 0 for Li et al.'s density, about d/√T_l a row of layer l"),
            // Both came with version 3; older rows (version 2) had neither, and read as none.
            .choice("values", SparseProjectionValues.allCases.map(\.rawValue), default: SparseProjectionValues.unitRows.rawValue,
                    help: "a sparse P's nonzeros: unit-rows (±1/√c_l, every row of norm 1 before the column normalisation, as Li et al.'s ±T_l^¼/√d) or ones (±1, ParamShare's form before version 3)")
                .readInOlderTables(as: RunsTableLayout.notApplicable),
            .choice("decay", WeightDecayTarget.allCases.map(\.rawValue), default: WeightDecayTarget.weights.rawValue,
                    help: "weights (the L2 decay of w = w0 + P·θ, Li et al.'s: toward 0) or bank (the decay of θ: each weight toward w0)")
                .readInOlderTables(as: RunsTableLayout.notApplicable),
        ]
    ) { options in
        let kind = options.choice("projection", as: ProjectionKind.self)
        let normalization = options.choice("normalization", as: ProjectionNormalization.self)
        guard kind != .fastfood || normalization == .columns else {
            throw GeneratorRegistryError.invalidValue(generator: "projection", option: "normalization", value: normalization.rawValue,
                                                      accepted: "columns with projection=fastfood, whose columns have unit norm by construction")
        }
        let nonzeros = options.integer("nonzeros"), values = options.choice("values", as: SparseProjectionValues.self)
        // Only a sparse P has rows of nonzeros: elsewhere both options would name cells of their own with equal results.
        if kind != .sparse, nonzeros != 0 || values != .unitRows {
            throw GeneratorRegistryError.settingWithoutEffect(
                "projection", setting: nonzeros != 0 ? "projection.nonzeros=\(nonzeros)" : "projection.values=\(values.rawValue)",
                because: "only a sparse projection has rows of nonzeros, and this one is \(kind.rawValue)")
        }
        return ProjectionGenerator(kind: kind, normalization: normalization, nonzerosPerRow: nonzeros == 0 ? nil : nonzeros,
                                   sparseValues: values,
                                   decayTarget: options.choice("decay", as: WeightDecayTarget.self))
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
                + "\(scalarSize)-byte scalars, over the limit of \(maximumDenseBytes) bytes; use the sparse or fastfood projection, which store no P")
    }
}
