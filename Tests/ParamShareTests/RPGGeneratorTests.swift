import ParamShare
import ParamShareEngine
import Testing
import TestSupport

@Suite("RPG generator")
struct RPGGeneratorTests {
    private let layers = GeneratorCheck.sampleLayers
    private var total: Int { layers.reduce(0) { $0 + $1.count } }  // 108 + 24 + 35 = 167

    @Test("the vector–Jacobian product matches central differences", arguments: RPGVariant.allCases, [1, 17, 60, 167, 200])
    func vectorJacobian(variant: RPGVariant, budget: Int) throws {
        #expect(try GeneratorCheck.vectorJacobianError(RPGGenerator(variant: variant), layers: layers, budget: budget) < 1e-7)
    }

    @Test("even sampling uses every entry ⌊T/N⌋ or ⌈T/N⌉ times", arguments: [1, 10, 50, 166, 167])
    func usageCounts(budget: Int) throws {
        let plan = try RPGGenerator().plan(RPGPlan<Float>.self, layers: layers, budget: budget, seed: 3)
        var uses = [Int](repeating: 0, count: budget)
        for l in layers.indices { for index in plan.bankIndices(ofLayer: l) { uses[index] += 1 } }
        #expect(uses.reduce(0, +) == total)
        #expect(uses.allSatisfy { $0 == total / budget || $0 == (total + budget - 1) / budget })
    }

    @Test("signs are balanced")
    func signBalance() throws {
        let big = [GeneratedLayer(name: "big", shape: [64, 64, 3, 3], fans: Fans(fanIn: 576, fanOut: 576), role: .body,
                                  initialStandardDeviation: 0.05)]
        let plan = try RPGGenerator().plan(RPGPlan<Float>.self, layers: big, budget: 1000, seed: 5)
        let signs = plan.signs(ofLayer: 0)
        let positive = signs.filter { $0 > 0 }.count
        // 36,864 fair signs: the positive share has standard deviation 0.0026; 0.02 is about 8σ.
        #expect(abs(Double(positive) / Double(signs.count) - 0.5) < 0.02)
        let unsigned = try RPGGenerator(signs: false).plan(RPGPlan<Float>.self, layers: big, budget: 1000, seed: 5)
        #expect(unsigned.signs(ofLayer: 0).allSatisfy { $0 == 1 })
    }

    @Test("per-layer arcs with N ≥ T give a signed, scaled permutation of the bank")
    func arcsArePermutations() throws {
        let plan = try RPGGenerator(variant: .perLayerArc).plan(RPGPlan<Double>.self, layers: layers, budget: total, seed: 2)
        let size = plan.bankSize
        let bank = Tensor<Double>(shape: [size], scalars: (0..<size).map { Double($0 + 1) })
        let scaling = BankScaling(layers: layers)
        var seen = [Int]()
        for (l, layer) in layers.enumerated() {
            let weight = Tensor<Double>(shape: layer.shape)
            plan.generate(layer: l, from: bank, into: weight)
            // Undo the layer's scale: each value must be ± a distinct bank entry.
            seen += weight.scalars.map { Int((abs($0) / scaling.layerScales[l]).rounded()) - 1 }
        }
        #expect(seen.sorted() == Array(0..<total))
    }

    @Test("the naive baseline, permutation and signs off, reads the same first entries in every layer, unsigned")
    func naive() throws {
        let plan = try RPGGenerator(variant: .naive, permutes: false, signs: false)
            .plan(RPGPlan<Float>.self, layers: layers, budget: 30, seed: 1)
        for l in layers.indices {
            #expect(plan.bankIndices(ofLayer: l) == (0..<layers[l].count).map { $0 % 30 })
            #expect(plan.signs(ofLayer: l).allSatisfy { $0 == 1 })
        }
    }

    @Test("the naive variant honours the permutation and signs switches")
    func naiveSwitches() throws {
        // Defaults: permutation and signs on, so the first entries are read shuffled within each layer and signed.
        let plan = try RPGGenerator(variant: .naive).plan(RPGPlan<Float>.self, layers: layers, budget: 30, seed: 1)
        #expect(!layers.indices.allSatisfy { plan.signs(ofLayer: $0).allSatisfy { $0 == 1 } })
        for l in layers.indices {
            #expect(plan.bankIndices(ofLayer: l).sorted() == (0..<layers[l].count).map { $0 % 30 }.sorted())
        }
        #expect(!layers.indices.allSatisfy { plan.bankIndices(ofLayer: $0) == (0..<layers[$0].count).map { $0 % 30 } })
    }

    @Test("without permutation the indices run in order")
    func noPermutation() throws {
        let plan = try RPGGenerator(permutes: false).plan(RPGPlan<Float>.self, layers: layers, budget: 50, seed: 1)
        #expect(plan.bankIndices(ofLayer: 0).prefix(60) == ArraySlice((0..<60).map { $0 % 50 }))
    }

    @Test("the same seed gives the same tables; another seed, other tables")
    func seeding() throws {
        func tables(seed: UInt64) throws -> [[Int]] {
            let plan = try RPGGenerator().plan(RPGPlan<Float>.self, layers: layers, budget: 40, seed: seed)
            return layers.indices.map { plan.bankIndices(ofLayer: $0) + plan.signs(ofLayer: $0) }
        }
        #expect(try tables(seed: 9) == tables(seed: 9))
        #expect(try tables(seed: 9) != tables(seed: 10))
    }

    @Test("generated kernels start with their layer's standard deviation")
    func initialScale() throws {
        let ratios = try GeneratorCheck.initialDeviationRatios(RPGGenerator(), budget: 4000)
        #expect(ratios.allSatisfy { abs($0 - 1) < 0.1 }, "\(ratios)")
    }

    @Test("the authors' scaling: a ring of a 512-channel 3×3 layer's deviation, kernels at their fan-out Kaiming deviation")
    func authorsScaling() throws {
        let wide = [
            GeneratedLayer(name: "a", shape: [64, 64, 3, 3], fans: Fans(fanIn: 576, fanOut: 576), role: .body, initialStandardDeviation: 0.05),
            GeneratedLayer(name: "b", shape: [16, 16, 3, 3], fans: Fans(fanIn: 144, fanOut: 144), role: .body, initialStandardDeviation: 0.2),
            GeneratedLayer(name: "fc", shape: [10, 64], fans: Fans(fanIn: 64, fanOut: 10), role: .hidden, initialStandardDeviation: 0.1),
        ]
        let scaling = BankScaling(layers: wide, convention: .authors)
        #expect(abs(scaling.bankStandardDeviation - (2.0 / 4608).squareRoot()) < 1e-15)
        #expect(zip(scaling.layerScales, [576.0, 144, 10]).allSatisfy { abs($0 - (4608 / $1).squareRoot()) < 1e-12 })
        let generator = try GeneratorSetting(RPGGenerator.descriptor, options: ["scaling": "authors"]).makeGenerator()
        let bank = try SharedBank<Double>(name: "bank", generator: generator, layers: wide, budget: 8000, random: RandomSource(seed: 4))
        for (l, layer) in wide.enumerated() {
            let weight = bank.weightSource(forLayer: l).weight().scalars
            let std = (weight.reduce(0) { $0 + $1 * $1 } / Double(weight.count)).squareRoot()
            let fanOutKaiming = (2 / Double(layer.shape[0] * layer.shape.dropFirst(2).reduce(1, *))).squareRoot()
            #expect(abs(std / fanOutKaiming - 1) < 0.1, "\(layer.name): \(std) against \(fanOutKaiming)")
        }
        for budget in [1, 60, 200] {
            #expect(try GeneratorCheck.vectorJacobianError(RPGGenerator(scaling: .authors), layers: layers, budget: budget) < 1e-7)
        }
    }
}

/// Where the two conventions of RPG's scaling start each kernel, against its layer's own dense
/// initialisation: the README's statements about them rest on these numbers.
@Suite("RPG's scaling at initialisation")
struct RPGScalingStartTests {
    /// Each generated layer's starting deviation under `convention`, over its dense layer's.
    private func startingRatios(_ architecture: Architecture, inputShape: [Int], convention: BankScaling.Convention) -> [Double] {
        let layers = architecture.describe(inputShape: inputShape, classes: 10).weightedLayers(withRoles: SharingPlan.defaultRoles)
            .map(GeneratedLayer.init)
        let scaling = BankScaling(layers: layers, convention: convention)
        return zip(layers, scaling.layerScales).map { layer, scale in scaling.bankStandardDeviation * scale / layer.initialStandardDeviation }
    }

    @Test("rms starts every kernel at its dense deviation; the authors' does so on the CIFAR ResNets only")
    func ratios() {
        for architecture in [Architecture.resnet(depth: 20, widthMultiplier: 1), .lenet5, .mlp(hiddenWidths: [128, 64])] {
            let shape = architecture == .resnet(depth: 20, widthMultiplier: 1) ? [3, 32, 32] : [1, 8, 8]
            #expect(startingRatios(architecture, inputShape: shape, convention: .rms).allSatisfy { abs($0 - 1) < 1e-12 })
        }
        #expect(startingRatios(.resnet(depth: 20, widthMultiplier: 1), inputShape: [3, 32, 32], convention: .authors)
            .allSatisfy { abs($0 - 1) < 1e-12 })
        // LeNet-5 and the MLP start from PyTorch's uniform fan-in initialisation, whose deviation
        // the authors' fan-out multipliers do not reproduce.
        let lenet = startingRatios(.lenet5, inputShape: [1, 8, 8], convention: .authors)
        let mlp = startingRatios(.mlp(hiddenWidths: [128, 64]), inputShape: [1, 8, 8], convention: .authors)
        #expect(zip(lenet, [1.50, 1.79, 2.93]).allSatisfy { abs($0 - $1) < 0.005 } && lenet.count == 3)
        #expect(zip(mlp, [1.73, 3.46]).allSatisfy { abs($0 - $1) < 0.005 } && mlp.count == 2)
    }
}
