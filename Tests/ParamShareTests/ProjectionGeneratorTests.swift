import ParamShare
import ParamShareEngine
import Testing
import TestSupport

@Suite("Projection generator")
struct ProjectionGeneratorTests {
    private let layers = GeneratorCheck.sampleLayers
    private let wide = [
        GeneratedLayer(name: "a", shape: [64, 64, 3, 3], fans: Fans(fanIn: 576, fanOut: 576), role: .body, initialStandardDeviation: 0.05),
        GeneratedLayer(name: "b", shape: [16, 16, 3, 3], fans: Fans(fanIn: 144, fanOut: 144), role: .body, initialStandardDeviation: 0.2),
    ]

    /// Every form of P with each normalisation it has.
    static let forms: [ProjectionGenerator] = [
        ProjectionGenerator(kind: .sparse), ProjectionGenerator(kind: .sparse, sparseValues: .ones),
        ProjectionGenerator(kind: .sparse, normalization: .rows, nonzerosPerRow: 4),
        ProjectionGenerator(kind: .dense), ProjectionGenerator(kind: .dense, normalization: .rows), ProjectionGenerator(kind: .fastfood),
    ]

    /// P as a matrix, T rows by d columns: row g is the bank gradient of a unit weight gradient at weight g.
    private func projectionMatrix(_ plan: ProjectionPlan<Double>, layers: [GeneratedLayer]) -> [[Double]] {
        layers.indices.flatMap { l in
            (0..<layers[l].count).map { row in
                let unit = Tensor<Double>(shape: layers[l].shape)
                unit[row] = 1
                let gradient = Tensor<Double>(shape: [plan.bankSize])
                // The map is affine, so its vector–Jacobian product is the same at every bank.
                plan.accumulateBankGradient(layer: l, weightGradient: unit, at: Tensor(shape: [plan.bankSize]), into: gradient)
                return gradient.scalars
            }
        }
    }

    private func columnNorms(_ matrix: [[Double]]) -> [Double] {
        (0..<(matrix.first?.count ?? 0)).map { j in matrix.reduce(0) { $0 + $1[j] * $1[j] }.squareRoot() }
    }

    @Test("the vector–Jacobian product matches central differences", arguments: forms)
    func vectorJacobian(generator: ProjectionGenerator) throws {
        for budget in [1, 10, 60, 167] + (generator.kind == .fastfood ? [] : [300]) {
            let error = try GeneratorCheck.vectorJacobianError(generator, layers: layers, budget: budget)
            #expect(error < 1e-7, "\(generator.kind) \(generator.normalization), budget \(budget): \(error)")
        }
    }

    @Test("the sparse vector–Jacobian product is right with one and with many nonzeros a row", arguments: [1, 16])
    func sparseVectorJacobian(nonzeros: Int) throws {
        for normalization in ProjectionNormalization.allCases {
            for budget in [3, 60] {
                let generator = ProjectionGenerator(kind: .sparse, normalization: normalization, nonzerosPerRow: nonzeros)
                let error = try GeneratorCheck.vectorJacobianError(generator, layers: layers, budget: budget)
                #expect(error < 1e-7, "\(normalization), budget \(budget): \(error)")
            }
        }
    }

    @Test("decay on the weights: the bank's gradient is that of Σ_l s_l·(⟨r_l, w_l⟩ + λ/2·‖w_l‖²), by central differences, s_l the layer step scales (1 for plain steps)",
          arguments: forms, [BankStepScaling.none, .layer])
    func decayOnWeights(generator: ProjectionGenerator, stepScaling: BankStepScaling) throws {
        let decay = 0.3
        let shared = try SharedBank<Double>(name: "bank", generator: generator, layers: layers, budget: 30, random: RandomSource(seed: 12),
                                            stepScaling: stepScaling, weightDecay: decay)
        let scales = shared.layerGradientScales ?? layers.map { _ in 1 }
        #expect(stepScaling == .none || scales.allSatisfy { $0 != 1 })
        #expect(shared.plan.decayTarget == .weights && !shared.bank.decaysInOptimizer)
        let random = RandomSource(seed: 13)
        // Away from θ = 0, where P·θ would add nothing to w.
        shared.bank.value.copy(from: Tensor<Double>.random(shape: [shared.plan.bankSize], random: random))
        let sources = layers.indices.map(shared.weightSource(forLayer:))
        let probes = layers.map { Tensor<Double>.random(shape: $0.shape, random: random) }
        shared.bank.zeroGradient()
        for (source, probe) in zip(sources, probes) {
            _ = source.weight()
            source.accumulateGradient(probe)
        }
        let analytic = Tensor<Double>(shape: [shared.plan.bankSize])
        analytic.copy(from: shared.bank.gradient)
        func loss() -> Double {
            layers.indices.reduce(0) { sum, l in
                let w = sources[l].weight()
                return sum + scales[l] * (0..<w.count).reduce(0) { $0 + probes[l][$1] * w[$1] + decay / 2 * w[$1] * w[$1] }
            }
        }
        let error = GradientCheck(step: 1e-4).compare(analytic: analytic, perturbing: shared.bank.value, loss: loss)
        #expect(error < 1e-7, "\(generator.kind) \(generator.normalization) \(stepScaling): \(error)")
    }

    @Test("decay on the bank leaves θ to the optimiser; decay on the weights takes it out of the decayed group",
          arguments: WeightDecayTarget.allCases)
    func decayGroups(target: WeightDecayTarget) throws {
        let generator = ProjectionGenerator(decayTarget: target)
        let shared = try SharedBank<Float>(name: "bank", generator: generator, layers: layers, budget: 30, random: RandomSource(seed: 14),
                                           weightDecay: 0.1)
        let groups = ParameterGroup.standard([shared.bank], weightDecay: 0.1)
        let decayed = groups.filter { $0.weightDecay > 0 }.flatMap(\.parameters).map(\.name)
        #expect(decayed == (target == .bank ? ["bank"] : []))
        #expect((shared.generatedWeightDecay != nil) == (target == .weights))
    }

    @Test("the bank gradient is added to, not overwritten", arguments: forms)
    func gradientAccumulates(generator: ProjectionGenerator) throws {
        #expect(try GeneratorCheck.accumulationError(generator, layers: layers, budget: 30, seed: 8) < 1e-12)
    }

    @Test("a zero bank gives w0, a Kaiming draw regenerated identically on every call", arguments: forms)
    func startsAtInitialWeights(generator: ProjectionGenerator) throws {
        let shared = try SharedBank<Double>(name: "bank", generator: generator, layers: wide, budget: 16, random: RandomSource(seed: 3))
        let theta = shared.bank.value
        #expect(theta.scalars.allSatisfy { $0 == 0 })
        #expect(shared.plan.fixedWeightCount == wide.reduce(0) { $0 + $1.count })
        for (l, layer) in wide.enumerated() {
            let source = shared.weightSource(forLayer: l)
            let initial = source.weight().scalars
            #expect(source.weight().scalars == initial)
            let mean = initial.reduce(0, +) / Double(initial.count)
            let std = (initial.reduce(0) { $0 + $1 * $1 } / Double(initial.count)).squareRoot()
            // 2,304 or 36,864 normal draws: the sample std is within 1.5 % (1σ) of the true one.
            #expect(abs(std / layer.initialStandardDeviation - 1) < 0.05, "\(layer.name): std \(std)")
            #expect(abs(mean) < 5 * layer.initialStandardDeviation / Double(initial.count).squareRoot(), "\(layer.name): mean \(mean)")
            // Moving θ moves the weights; bringing it back to zero restores w0 bit for bit.
            for i in 0..<theta.count { theta[i] = 1 }
            #expect(source.weight().scalars != initial)
            theta.zero()
            #expect(source.weight().scalars == initial)
        }
    }

    @Test("the same seed gives the same weights; another seed, others", arguments: forms)
    func seeding(generator: ProjectionGenerator) throws {
        func weights(seed: UInt64) throws -> [[Double]] {
            let plan = try generator.plan(ProjectionPlan<Double>.self, layers: layers, budget: 20, seed: seed)
            let theta = Tensor<Double>.random(shape: [plan.bankSize], random: RandomSource(seed: 99))
            return layers.indices.map { l in
                let weight = Tensor<Double>(shape: layers[l].shape)
                plan.generate(layer: l, from: theta, into: weight)
                return weight.scalars
            }
        }
        #expect(try weights(seed: 9) == weights(seed: 9))
        #expect(try weights(seed: 9) != weights(seed: 10))
    }

    @Test("Li et al.'s normalisation: every column read has norm 1 over all layers", arguments: [ProjectionKind.sparse, .dense])
    func unitColumns(kind: ProjectionKind) throws {
        for budget in [5, 60, 300] {
            let plan = try ProjectionGenerator(kind: kind).plan(ProjectionPlan<Double>.self, layers: layers, budget: budget, seed: 4)
            let norms = columnNorms(projectionMatrix(plan, layers: layers))
            let read = norms.filter { $0 != 0 }
            #expect(read.allSatisfy { abs($0 - 1) < 1e-12 }, "budget \(budget): \(read.filter { abs($0 - 1) >= 1e-12 })")
            // Li's sparse density leaves few columns empty; a dense P none.
            #expect(read.count >= (kind == .dense ? budget : budget * 3 / 4), "budget \(budget): \(read.count) columns read")
        }
    }

    /// Two layers of 4,608 and 576 weights: with d = 400, Li et al.'s density gives their rows 6
    /// and 17 nonzeros.
    private let medium = [
        GeneratedLayer(name: "a", shape: [32, 16, 3, 3], fans: Fans(fanIn: 144, fanOut: 288), role: .body, initialStandardDeviation: 0.1),
        GeneratedLayer(name: "b", shape: [8, 8, 3, 3], fans: Fans(fanIn: 72, fanOut: 72), role: .body, initialStandardDeviation: 0.2),
    ]

    @Test("Li et al.'s sparse density: a row of layer l has about d/√T_l nonzeros")
    func sparseDensity() throws {
        let dimension = 400
        let plan = try ProjectionGenerator(kind: .sparse).plan(ProjectionPlan<Double>.self, layers: medium, budget: dimension, seed: 5)
        let matrix = projectionMatrix(plan, layers: medium)
        var start = 0
        for layer in medium {
            let expected = (Double(dimension) / Double(layer.count).squareRoot()).rounded()
            let rows = matrix[start..<(start + layer.count)]
            start += layer.count
            // Exactly c_l draws a row (6 and 17 here). Two on one column merge into one nonzero, or
            // none if their signs cancel: c(c − 1)/2d pairs a row collide, removing 1.5 nonzeros on average.
            let mean = rows.reduce(0.0) { $0 + Double($1.filter { $0 != 0 }.count) } / Double(layer.count)
            #expect(mean <= expected && mean > expected - expected * (expected - 1) / Double(dimension), "\(layer.name): \(mean) nonzeros a row, expected \(expected)")
        }
    }

    @Test("Li et al.'s sparse values: rows of layers of different sizes have equal expected norms, where ±1 gives them unequal ones")
    func equalRowNorms() throws {
        let dimension = 400
        let total = Double(medium.reduce(0) { $0 + $1.count })
        /// Each layer's mean squared row norm of P, after the columns' normalisation.
        func meanRowSquares(_ values: SparseProjectionValues) throws -> [Double] {
            let plan = try ProjectionGenerator(kind: .sparse, sparseValues: values)
                .plan(ProjectionPlan<Double>.self, layers: medium, budget: dimension, seed: 5)
            let matrix = projectionMatrix(plan, layers: medium)
            var start = 0
            return medium.map { layer in
                defer { start += layer.count }
                return matrix[start..<(start + layer.count)].reduce(0) { $0 + $1.reduce(0) { $0 + $1 * $1 } } / Double(layer.count)
            }
        }
        // Unit columns make P's squared entries sum to d (every column is read here), so equal
        // rows have squared norm d/T: within 5 % in each layer.
        let unit = try meanRowSquares(.unitRows)
        for (layer, mean) in zip(medium, unit) {
            #expect(abs(mean / (Double(dimension) / total) - 1) < 0.05, "\(layer.name): \(mean), expected \(Double(dimension) / total)")
        }
        // ±1: a row's squared norm is c_l before the normalisation, 17 against 6.
        let ones = try meanRowSquares(.ones)
        #expect(ones[1] / ones[0] > 2, "\(ones)")
    }

    @Test("Fastfood equals the dense matrix H·G·Π·H·B built from its own tables")
    func fastfoodAgainstDense() throws {
        let dimension = 23
        let plan = try ProjectionGenerator(kind: .fastfood).plan(ProjectionPlan<Double>.self, layers: layers, budget: dimension, seed: 6)
        let tables = try #require(plan.fastfoodTables)
        let length = tables.length, total = layers.reduce(0) { $0 + $1.count }
        #expect(length == 256)
        // Sylvester's Hadamard matrix: H[i][j] = (−1)^popcount(i & j).
        func hadamard(_ i: Int, _ j: Int) -> Double { (i & j).nonzeroBitCount % 2 == 0 ? 1 : -1 }
        // (Π·x)[i] = x[π(i)], so V[r][c] = Σ_i H[r][i]·G[i]·H[π(i)][c]·B[c].
        let reference = (0..<total).map { r in
            (0..<dimension).map { c in
                (0..<length).reduce(0.0) { sum, i in
                    sum + hadamard(r, i) * tables.gaussians[i] * hadamard(tables.permutation[i], c) * tables.signs[c]
                } * tables.scale
            }
        }
        let matrix = projectionMatrix(plan, layers: layers)
        let error = zip(matrix, reference).reduce(0.0) { worst, rows in max(worst, zip(rows.0, rows.1).map { abs($0 - $1) }.max() ?? 0) }
        #expect(error < 1e-12, "largest difference \(error)")
        // The forward pass is the same matrix: weights minus w0 equal P·θ.
        let theta = Tensor<Double>.random(shape: [dimension], random: RandomSource(seed: 7))
        var generated = [Double]()
        for l in layers.indices {
            let moved = Tensor<Double>(shape: layers[l].shape), start = Tensor<Double>(shape: layers[l].shape)
            plan.generate(layer: l, from: theta, into: moved)
            plan.generate(layer: l, from: Tensor(shape: [dimension]), into: start)
            generated += zip(moved.scalars, start.scalars).map { $0 - $1 }
        }
        let forwardError = zip(generated, reference).map { row in
            abs(row.0 - zip(row.1, theta.scalars).reduce(0) { $0 + $1.0 * $1.1 })
        }.max() ?? 0
        #expect(forwardError < 1e-12, "largest forward difference \(forwardError)")
    }

    @Test("Fastfood's columns have norm 1 on average, as Li et al. scale them")
    func fastfoodColumns() throws {
        let layer = [GeneratedLayer(name: "c", shape: [40, 16, 3, 3], fans: Fans(fanIn: 144, fanOut: 360), role: .body,
                                    initialStandardDeviation: 0.1)]
        let dimension = 100
        let plan = try ProjectionGenerator(kind: .fastfood).plan(ProjectionPlan<Double>.self, layers: layer, budget: dimension, seed: 8)
        let start = Tensor<Double>(shape: layer[0].shape)
        plan.generate(layer: 0, from: Tensor(shape: [dimension]), into: start)
        // Column j is P·e_j: the weights at θ = e_j less w0.
        let squares = (0..<dimension).map { j in
            let unit = Tensor<Double>(shape: [dimension])
            unit[j] = 1
            let moved = Tensor<Double>(shape: layer[0].shape)
            plan.generate(layer: 0, from: unit, into: moved)
            return zip(moved.scalars, start.scalars).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        }
        let mean = squares.reduce(0, +) / Double(dimension)
        // D = 5,760 of L = 8,192 rows kept: each squared norm is a sum over D rows of the L × L map's
        // unit columns, rescaled by L/D; its spread is about 1 %, the mean's 0.1 %.
        #expect(abs(mean - 1) < 0.02, "mean squared column norm \(mean)")
    }

    @Test("the row-normalised form: a sparse row has c entries ±s_l/√c, so its norm is s_l")
    func sparseRows() throws {
        let nonzeros = 4, dimension = 10_000
        let plan = try ProjectionGenerator(kind: .sparse, normalization: .rows, nonzerosPerRow: nonzeros)
            .plan(ProjectionPlan<Double>.self, layers: layers, budget: dimension, seed: 5)
        let scaling = BankScaling(layers: layers)
        let matrix = projectionMatrix(plan, layers: layers)
        var fullRows = 0, offGrid = 0, start = 0
        for (l, layer) in layers.enumerated() {
            let value = scaling.layerScales[l] / Double(nonzeros).squareRoot()
            for row in matrix[start..<(start + layer.count)] {
                let entries = row.filter { $0 != 0 }
                // Two entries may hash to one column and add up (or cancel), so sizes are multiples of the value.
                offGrid += entries.filter { abs(abs($0) / value - (abs($0) / value).rounded()) > 1e-12 }.count
                if entries.count == nonzeros && entries.allSatisfy({ abs(abs($0) - value) < 1e-15 }) { fullRows += 1 }
            }
            start += layer.count
        }
        #expect(offGrid == 0)
        // A collision needs two of a row's 4 columns among 10,000 to agree: p ≈ 6/10,000 a row, 0.1 in 167 rows.
        #expect(fullRows >= 165, "\(fullRows) of 167 rows have 4 distinct entries")
    }

    @Test("the row-normalised form: a dense row has norm near s_l")
    func denseRows() throws {
        let dimension = 2000
        let plan = try ProjectionGenerator(kind: .dense, normalization: .rows)
            .plan(ProjectionPlan<Double>.self, layers: layers, budget: dimension, seed: 6)
        let scaling = BankScaling(layers: layers)
        let matrix = projectionMatrix(plan, layers: layers)
        var start = 0
        for (l, layer) in layers.enumerated() {
            let rows = matrix[start..<(start + layer.count)]
            start += layer.count
            let meanSquaredNorm = rows.reduce(0.0) { sum, row in sum + row.reduce(0) { $0 + $1 * $1 } } / Double(layer.count)
            // Each squared norm is s_l²·χ²(2000)/2000, relative deviation 3 %; the mean of ≥ 24 rows, 0.7 %.
            let ratio = meanSquaredNorm / (scaling.layerScales[l] * scaling.layerScales[l])
            #expect(abs(ratio - 1) < 0.05, "\(layer.name): ‖row‖² / s_l² = \(ratio)")
        }
    }

    @Test("a dense projection over the memory limit is refused with the bytes it needs")
    func denseMemoryLimit() throws {
        let generator = ProjectionGenerator(kind: .dense, maximumDenseBytes: 100_000)
        // 167 weights × 100 dimensions × 8 bytes = 133,600 bytes.
        do {
            _ = try generator.plan(layers: layers, budget: 100, random: RandomSource(seed: 1), as: Double.self)
            Issue.record("a 133,600-byte dense projection was planned under a 100,000-byte limit")
        } catch let error as BudgetError {
            #expect(error.detail.contains("133600 bytes"), "\(error)")
            #expect(error.detail.contains("sparse"), "\(error)")
        }
        // 167 × 74 × 8 = 98,864 bytes fits.
        #expect(try generator.plan(layers: layers, budget: 74, random: RandomSource(seed: 1), as: Double.self).bankSize == 74)
        // The sparse projection stores nothing, so the limit does not apply to it.
        let sparse = ProjectionGenerator(kind: .sparse, maximumDenseBytes: 100_000)
        #expect(try sparse.plan(layers: layers, budget: 100, random: RandomSource(seed: 1), as: Double.self).bankSize == 100)
    }

    @Test("a budget below one dimension, or Fastfood onto fewer weights than dimensions, is refused")
    func impossibleBudgets() {
        #expect(throws: BudgetError.self) {
            try ProjectionGenerator().plan(layers: layers, budget: 0, random: RandomSource(seed: 1), as: Float.self)
        }
        let error = #expect(throws: BudgetError.self) {
            try ProjectionGenerator(kind: .fastfood).plan(layers: layers, budget: 168, random: RandomSource(seed: 1), as: Float.self)
        }
        #expect(error?.detail.contains("at most 167") == true)
    }

    @Test("the descriptor defaults to Li et al.'s form and refuses Fastfood with rows")
    func options() throws {
        #expect(ProjectionGenerator.descriptor.defaultOptions.values
                == ["projection": "fastfood", "normalization": "columns", "nonzeros": "0", "values": "unit-rows", "decay": "weights"])
        #expect(ProjectionGenerator.descriptor.semanticsVersion == 3)
        let dense = try #require(try GeneratorSetting(ProjectionGenerator.descriptor, options: ["projection": "dense"])
            .makeGenerator() as? ProjectionGenerator)
        #expect(dense.kind == .dense && dense.normalization == .columns)
        let rows = try #require(try GeneratorSetting(ProjectionGenerator.descriptor, options: ["projection": "sparse", "normalization": "rows", "nonzeros": "4"])
            .makeGenerator() as? ProjectionGenerator)
        #expect(rows.normalization == .rows && rows.nonzerosPerRow == 4 && rows.decayTarget == .weights)
        let bank = try #require(try GeneratorSetting(ProjectionGenerator.descriptor, options: ["decay": "bank"]).makeGenerator()
            as? ProjectionGenerator)
        #expect(bank.decayTarget == .bank && bank.sparseValues == .unitRows)
        let ones = try #require(try GeneratorSetting(ProjectionGenerator.descriptor, options: ["projection": "sparse", "values": "ones"])
            .makeGenerator() as? ProjectionGenerator)
        #expect(ones.sparseValues == .ones)
        let li = try #require(try GeneratorSetting(ProjectionGenerator.descriptor, options: ["projection": "sparse"]).makeGenerator()
            as? ProjectionGenerator)
        #expect(li.kind == .sparse && li.nonzerosPerRow == nil)
        let error = #expect(throws: GeneratorRegistryError.self) {
            try GeneratorSetting(ProjectionGenerator.descriptor, options: ["projection": "fastfood", "normalization": "rows"])
        }
        #expect(error?.description.contains("fastfood") == true)
    }
}
