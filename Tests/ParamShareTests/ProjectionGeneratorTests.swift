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

    /// Row `row` of layer `layer`'s block of P: the bank gradient of a unit weight gradient at that weight.
    private func projectionRow(_ plan: ProjectionPlan<Double>, layer: Int, row: Int, dimension: Int) -> [Double] {
        let unit = Tensor<Double>(shape: layers[layer].shape)
        unit[row] = 1
        let gradient = Tensor<Double>(shape: [dimension])
        // The map is affine, so its vector–Jacobian product is the same at every bank.
        plan.accumulateBankGradient(layer: layer, weightGradient: unit, at: Tensor(shape: [dimension]), into: gradient)
        return gradient.scalars
    }

    @Test("the vector–Jacobian product matches central differences", arguments: ProjectionKind.allCases)
    func vectorJacobian(kind: ProjectionKind) throws {
        for budget in [1, 10, 60, 167, 300] {
            let error = try GeneratorCheck.vectorJacobianError(ProjectionGenerator(kind: kind), layers: layers, budget: budget)
            #expect(error < 1e-7, "budget \(budget): \(error)")
        }
    }

    @Test("the sparse vector–Jacobian product is right with one and with many nonzeros a row", arguments: [1, 16])
    func sparseVectorJacobian(nonzeros: Int) throws {
        for budget in [3, 60] {
            let error = try GeneratorCheck.vectorJacobianError(ProjectionGenerator(nonzerosPerRow: nonzeros), layers: layers,
                                                               budget: budget)
            #expect(error < 1e-7, "budget \(budget): \(error)")
        }
    }

    @Test("the bank gradient is added to, not overwritten", arguments: ProjectionKind.allCases)
    func gradientAccumulates(kind: ProjectionKind) throws {
        let random = RandomSource(seed: 8)
        let plan = try ProjectionGenerator(kind: kind).plan(layers: layers, budget: 30, random: random, as: Double.self)
        let size = plan.bankSize
        let bank = Tensor<Double>.random(shape: [size], random: random)
        for l in layers.indices {
            let weightGradient = Tensor<Double>.random(shape: layers[l].shape, random: random)
            let once = Tensor<Double>(shape: [size])
            plan.accumulateBankGradient(layer: l, weightGradient: weightGradient, at: bank, into: once)
            let earlier = Tensor<Double>.random(shape: [size], random: random)
            let sum = Tensor<Double>(shape: [size])
            sum.copy(from: earlier)
            plan.accumulateBankGradient(layer: l, weightGradient: weightGradient, at: bank, into: sum)
            let error = (0..<size).reduce(0.0) { max($0, abs(sum[$1] - earlier[$1] - once[$1])) }
            #expect(error < 1e-12, "\(layers[l].name): \(error)")
        }
    }

    @Test("a zero bank gives w0, a Kaiming draw regenerated identically on every call", arguments: ProjectionKind.allCases)
    func startsAtInitialWeights(kind: ProjectionKind) throws {
        let shared = try SharedBank<Double>(name: "bank", generator: ProjectionGenerator(kind: kind), layers: wide, budget: 16,
                                            random: RandomSource(seed: 3))
        let theta = shared.bank.value
        #expect(theta.scalars.allSatisfy { $0 == 0 })
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

    @Test("the same seed gives the same weights; another seed, others", arguments: ProjectionKind.allCases)
    func seeding(kind: ProjectionKind) throws {
        func weights(seed: UInt64) throws -> [[Double]] {
            let plan = try ProjectionGenerator(kind: kind).plan(ProjectionPlan<Double>.self, layers: layers, budget: 20, seed: seed)
            let size = plan.bankSize
            let theta = Tensor<Double>.random(shape: [size], random: RandomSource(seed: 99))
            return layers.indices.map { l in
                let weight = Tensor<Double>(shape: layers[l].shape)
                plan.generate(layer: l, from: theta, into: weight)
                return weight.scalars
            }
        }
        #expect(try weights(seed: 9) == weights(seed: 9))
        #expect(try weights(seed: 9) != weights(seed: 10))
    }

    @Test("a sparse row has c entries ±s_l/√c, so its norm is s_l")
    func sparseRows() throws {
        let nonzeros = 4, dimension = 10_000
        let plan = try ProjectionGenerator(nonzerosPerRow: nonzeros).plan(ProjectionPlan<Double>.self, layers: layers,
                                                                          budget: dimension, seed: 5)
        let scaling = BankScaling(layers: layers)
        var fullRows = 0, offGrid = 0
        for (l, layer) in layers.enumerated() {
            let value = scaling.layerScales[l] / Double(nonzeros).squareRoot()
            for i in 0..<layer.count {
                let entries = projectionRow(plan, layer: l, row: i, dimension: dimension).filter { $0 != 0 }
                // Two entries may hash to one column and add up (or cancel), so sizes are multiples of the value.
                offGrid += entries.filter { abs(abs($0) / value - (abs($0) / value).rounded()) > 1e-12 }.count
                if entries.count == nonzeros && entries.allSatisfy({ abs(abs($0) - value) < 1e-15 }) { fullRows += 1 }
            }
        }
        #expect(offGrid == 0)
        // A collision needs two of a row's 4 columns among 10,000 to agree: p ≈ 6/10,000 a row, 0.1 in 167 rows.
        #expect(fullRows >= 165, "\(fullRows) of 167 rows have 4 distinct entries")
    }

    @Test("a dense row has norm near s_l")
    func denseRows() throws {
        let dimension = 2000
        let plan = try ProjectionGenerator(kind: .dense).plan(ProjectionPlan<Double>.self, layers: layers, budget: dimension, seed: 6)
        let scaling = BankScaling(layers: layers)
        for (l, layer) in layers.enumerated() {
            let meanSquaredNorm = (0..<layer.count).reduce(0.0) { sum, i in
                sum + projectionRow(plan, layer: l, row: i, dimension: dimension).reduce(0) { $0 + $1 * $1 }
            } / Double(layer.count)
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

    @Test("a budget below one dimension is refused")
    func emptyBudget() {
        #expect(throws: BudgetError.self) {
            try ProjectionGenerator().plan(layers: layers, budget: 0, random: RandomSource(seed: 1), as: Float.self)
        }
    }

    @Test("the descriptor names the projection and its nonzeros, sparse with 4 by default")
    func options() throws {
        #expect(ProjectionGenerator.descriptor.defaultOptions.values == ["projection": "sparse", "nonzeros": "4"])
        #expect(ProjectionGenerator.descriptor.name == "projection")
        // The options make the generator they name.
        let dense = try #require(try GeneratorSetting(ProjectionGenerator.descriptor, options: ["projection": "dense"])
            .makeGenerator() as? ProjectionGenerator)
        #expect(dense.kind == .dense)
        let sparse = try #require(try GeneratorSetting(ProjectionGenerator.descriptor, options: ["nonzeros": "16"])
            .makeGenerator() as? ProjectionGenerator)
        #expect(sparse.kind == .sparse && sparse.nonzerosPerRow == 16)
    }
}
