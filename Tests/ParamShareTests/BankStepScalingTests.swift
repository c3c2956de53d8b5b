import ParamShare
import ParamShareEngine
import Testing
import TestSupport

@Suite("Sharing-aware bank steps")
struct BankStepScalingTests {
    private let layers = [
        GeneratedLayer(name: "a", shape: [16, 8, 3, 3], fans: Fans(fanIn: 72, fanOut: 144), role: .body, initialStandardDeviation: 0.17),
        GeneratedLayer(name: "b", shape: [10, 16], fans: Fans(fanIn: 16, fanOut: 10), role: .hidden, initialStandardDeviation: 0.35),
    ]

    @Test("a grid that names no step gives each generator its own (layer for the projection, none for the rest and for a frozen bank); a named list overrides it for the banks that train")
    func defaultSteps() throws {
        let settings = try [RPGGenerator.descriptor, HashingGenerator.descriptor, ProjectionGenerator.descriptor, MagnitudePruning.descriptor]
            .map { try GeneratorSetting($0) }
        func steps(_ stepScalings: [BankStepScaling]?) -> [String: [String]] {
            let grid = SweepGrid(architectures: [.lenet5], generators: settings, includesDense: false, budgets: [.percentage(10)],
                                 bankTrainings: [true, false], stepScalings: stepScalings, seeds: [0],
                                 recipe: TrainingConfiguration(epochs: 1, batchSize: 8, learningRate: 0.1))
            let cells = grid.cells(on: DataSubset(dataset: "digits", trainImages: 10, testImages: 10))
            return Dictionary(grouping: cells, by: \.generatorName).mapValues { cells in
                cells.map { "\($0.sharing!.trainsBank ? "trained" : "frozen") \($0.sharing!.stepScaling.rawValue)" }
            }
        }
        let own = steps(nil)
        #expect(own["projection"] == ["trained layer", "frozen none"])
        #expect(own["rpg"] == ["trained none", "frozen none"] && own["hashing"] == ["trained none", "frozen none"])
        #expect(own["pruned"] == ["trained none"])
        // A frozen bank takes no steps: a step scaling would make a cell of its own with the same results.
        #expect(steps([.sqrt])["projection"] == ["trained sqrt", "frozen none"])
    }

    @Test("SGD scales each element's whole step by its step scale, and a scale of 1 changes no bit", arguments: [0.0, 0.9])
    func sgdStepScale(momentum: Double) {
        func step(scale: [Float]?) -> [Float] {
            let parameter = Parameter<Float>(name: "p", role: .bank, shape: [4])
            for i in 0..<4 { parameter.value[i] = Float(i) - 1.5; parameter.gradient[i] = 0.25 * Float(i + 1) }
            parameter.stepScale = scale.map { Tensor(shape: [4], scalars: $0) }
            let sgd = SGD(groups: [ParameterGroup(parameters: [parameter], weightDecay: 0.01)], learningRate: 0.1,
                          momentum: momentum, nesterov: momentum > 0)
            sgd.step()
            return parameter.value.scalars
        }
        let plain = step(scale: nil), ones = step(scale: [1, 1, 1, 1]), scaled = step(scale: [1, 0.5, 0, 2])
        #expect(ones.map(\.bitPattern) == plain.map(\.bitPattern))
        let start: [Float] = [-1.5, -0.5, 0.5, 1.5]
        for (i, factor) in [Float(1), 0.5, 0, 2].enumerated() {
            #expect(abs((scaled[i] - start[i]) - factor * (plain[i] - start[i])) < 1e-6, "element \(i)")
        }
    }

    @Test("AdamW with a scale of 1 changes no bit; a scale of 0 freezes the element")
    func adamWStepScale() {
        func step(scale: [Float]?) -> [Float] {
            let parameter = Parameter<Float>(name: "p", role: .bank, shape: [3])
            for i in 0..<3 { parameter.value[i] = Float(i) + 0.5; parameter.gradient[i] = 0.3 - 0.2 * Float(i) }
            parameter.stepScale = scale.map { Tensor(shape: [3], scalars: $0) }
            let adam = AdamW(groups: [ParameterGroup(parameters: [parameter], weightDecay: 0.05)], learningRate: 0.01)
            adam.step()
            adam.step()
            return parameter.value.scalars
        }
        #expect(step(scale: [1, 1, 1]).map(\.bitPattern) == step(scale: nil).map(\.bitPattern))
        #expect(step(scale: [1, 0, 1])[1] == 1.5)
    }

    @Test("sqrt and inverse scale each entry by its use count: RPG's even ⌊T/N⌋ or ⌈T/N⌉, hashing's own counts",
          arguments: [BankStepScaling.sqrt, .inverse])
    func entryScales(scaling: BankStepScaling) throws {
        let total = layers.reduce(0) { $0 + $1.count }, budget = 97
        let rpg = try SharedBank<Double>(name: "rpg", generator: RPGGenerator(), layers: layers, budget: budget,
                                         random: RandomSource(seed: 2), stepScaling: scaling)
        let uses = try #require(rpg.plan.entryUseCounts())
        #expect(Set(uses) == [total / budget, total / budget + 1])
        let hashing = try SharedBank<Double>(name: "hashing", generator: HashingGenerator(), layers: layers, budget: budget,
                                             random: RandomSource(seed: 2), stepScaling: scaling)
        let plan = try #require(hashing.plan as? HashingPlan<Double>)
        var counted = [Int](repeating: 0, count: budget)
        for g in 0..<total { counted[plan.bucket(ofWeight: g)] += 1 }
        for (bank, uses) in [(rpg, uses), (hashing, counted)] {
            let scales = try #require(bank.bank.stepScale).scalars
            for (scale, k) in zip(scales, uses) {
                let expected = k == 0 ? 1 : scaling == .sqrt ? 1 / Double(k).squareRoot() : 1 / Double(k)
                #expect(abs(scale - expected) < 1e-15, "\(bank.bank.name): k = \(k), scale \(scale)")
            }
        }
        // Plain steps carry no scale.
        let plain = try SharedBank<Double>(name: "rpg", generator: RPGGenerator(), layers: layers, budget: budget, random: RandomSource(seed: 2))
        #expect(plain.bank.stepScale == nil && plain.layerGradientScales == nil)
    }

    @Test("use counts of the projection and low rank: the weights each entry reaches")
    func otherUseCounts() throws {
        let total = layers.reduce(0) { $0 + $1.count }
        let dense = try ProjectionGenerator(kind: .dense).plan(layers: layers, budget: 20, random: RandomSource(seed: 1), as: Double.self)
        #expect(dense.entryUseCounts() == [Int](repeating: total, count: 20))
        let lowRank = try #require(try LowRankGenerator().plan(layers: layers, budget: 200, random: RandomSource(seed: 1), as: Double.self)
            as? LowRankPlan<Double>)
        let uses = try #require(lowRank.entryUseCounts())
        // Layer a is 16 × 72: an entry of U is read by its row's 72 weights, one of V by its column's 16.
        #expect(uses.prefix(16 * lowRank.ranks[0]).allSatisfy { $0 == 72 })
        #expect(uses.dropFirst(16 * lowRank.ranks[0]).prefix(72 * lowRank.ranks[0]).allSatisfy { $0 == 16 })
    }

    @Test("layer scales each layer's gradient by 1/s_l² for RPG, so a weight's own gradient steps it as in the dense twin")
    func layerScales() throws {
        let bank = try SharedBank<Double>(name: "rpg", generator: RPGGenerator(), layers: layers, budget: 150,
                                          random: RandomSource(seed: 4), stepScaling: .layer)
        let scaling = BankScaling(layers: layers)
        let scales = try #require(bank.layerGradientScales)
        for (l, scale) in scales.enumerated() {
            // 16 Hutchinson probes of a layer reading 150 entries: about 3 % spread.
            let expected = 1 / (scaling.layerScales[l] * scaling.layerScales[l])
            #expect(abs(scale / expected - 1) < 0.15, "\(layers[l].name): \(scale), expected \(expected)")
        }
        // The scale reaches the bank: its gradient is the plain one with each layer's part times its scale.
        let random = RandomSource(seed: 5)
        let gradients = layers.map { Tensor<Double>.random(shape: $0.shape, random: random) }
        for (l, gradient) in gradients.enumerated() { bank.weightSource(forLayer: l).accumulateGradient(gradient) }
        let expected = Tensor<Double>(shape: [bank.plan.bankSize])
        for (l, gradient) in gradients.enumerated() {
            let part = Tensor<Double>(shape: [bank.plan.bankSize])
            bank.plan.accumulateBankGradient(layer: l, weightGradient: gradient, at: bank.bank.value, into: part)
            for j in 0..<part.count { expected[j] += scales[l] * part[j] }
        }
        let error = (0..<expected.count).map { abs(expected[$0] - bank.bank.gradient[$0]) }.max() ?? 0
        #expect(error < 1e-12, "largest difference \(error)")
        // The layer's own gradient is left as it was.
        #expect(gradients[0].scalars == Tensor<Double>.random(shape: layers[0].shape, random: RandomSource(seed: 5)).scalars)
    }

    @Test("a plug-in that reports no use counts is refused for sqrt and inverse, named, and runs with layer")
    func pluginWithoutUseCounts() throws {
        for scaling in [BankStepScaling.sqrt, .inverse] {
            let error = #expect(throws: BankStepScalingError.self) {
                try SharedBank<Float>(name: "bank", generator: NoCountsGenerator(), layers: layers, budget: 50,
                                      random: RandomSource(seed: 1), stepScaling: scaling)
            }
            #expect(error?.description.contains("NoCountsGenerator") == true)
        }
        let bank = try SharedBank<Float>(name: "bank", generator: NoCountsGenerator(), layers: layers, budget: 50,
                                         random: RandomSource(seed: 1), stepScaling: .layer)
        #expect(bank.layerGradientScales?.count == layers.count)
    }
}

/// RPG's plan behind a plan type that does not forward `entryUseCounts`.
struct NoCountsGenerator: ParameterGenerator {
    func plan<Scalar: EngineScalar>(layers: [GeneratedLayer], budget: Int, random: RandomSource,
                                    as scalar: Scalar.Type) throws -> any GeneratorPlan<Scalar> {
        NoCountsPlan(inner: try RPGGenerator().plan(layers: layers, budget: budget, random: random, as: scalar))
    }
}

private struct NoCountsPlan<Scalar: EngineScalar>: GeneratorPlan {
    let inner: any GeneratorPlan<Scalar>
    var bankSize: Int { inner.bankSize }
    func initializeBank(_ bank: Tensor<Scalar>, random: RandomSource) { inner.initializeBank(bank, random: random) }
    func generate(layer: Int, from bank: Tensor<Scalar>, into weight: Tensor<Scalar>) { inner.generate(layer: layer, from: bank, into: weight) }
    func accumulateBankGradient(layer: Int, weightGradient: Tensor<Scalar>, at bank: Tensor<Scalar>, into bankGradient: Tensor<Scalar>) {
        inner.accumulateBankGradient(layer: layer, weightGradient: weightGradient, at: bank, into: bankGradient)
    }
}
