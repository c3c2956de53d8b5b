import ParamShare
import ParamShareEngine
import Testing
import TestSupport

@Suite("RPG generator")
struct RPGGeneratorTests {
    private let layers = GeneratorCheck.sampleLayers
    private var total: Int { layers.reduce(0) { $0 + $1.count } }  // 108 + 24 + 35 = 167

    @Test("the vector–Jacobian product matches central differences", arguments: RPGVariant.allCases)
    func vectorJacobian(variant: RPGVariant) throws {
        for budget in [1, 17, 60, 167, 200] {
            let error = try GeneratorCheck.vectorJacobianError(RPGGenerator(variant: variant), layers: layers, budget: budget)
            #expect(error < 1e-7, "budget \(budget): \(error)")
        }
    }

    @Test("even sampling uses every entry ⌊T/N⌋ or ⌈T/N⌉ times", arguments: [1, 10, 50, 166, 167])
    func usageCounts(budget: Int) throws {
        let generator = RPGGenerator<Float>()
        _ = try generator.plan(layers: layers, budget: budget, random: RandomSource(seed: 3))
        var uses = [Int](repeating: 0, count: budget)
        for l in layers.indices { for index in generator.bankIndices(ofLayer: l) { uses[index] += 1 } }
        #expect(uses.reduce(0, +) == total)
        #expect(uses.allSatisfy { $0 == total / budget || $0 == (total + budget - 1) / budget })
    }

    @Test("signs are balanced")
    func signBalance() throws {
        let big = [GeneratedLayer(name: "big", shape: [64, 64, 3, 3], fans: Fans(fanIn: 576, fanOut: 576), role: .body,
                                  initialStandardDeviation: 0.05)]
        let generator = RPGGenerator<Float>()
        _ = try generator.plan(layers: big, budget: 1000, random: RandomSource(seed: 5))
        let signs = generator.signs(ofLayer: 0)
        let positive = signs.filter { $0 > 0 }.count
        // 36,864 fair signs: the positive share has standard deviation 0.0026; 0.02 is about 8σ.
        #expect(abs(Double(positive) / Double(signs.count) - 0.5) < 0.02)
        let unsigned = RPGGenerator<Float>(signs: false)
        _ = try unsigned.plan(layers: big, budget: 1000, random: RandomSource(seed: 5))
        #expect(unsigned.signs(ofLayer: 0).allSatisfy { $0 == 1 })
    }

    @Test("per-layer arcs with N ≥ T give a signed, scaled permutation of the bank")
    func arcsArePermutations() throws {
        let generator = RPGGenerator<Double>(variant: .perLayerArc)
        let size = try generator.plan(layers: layers, budget: total, random: RandomSource(seed: 2))
        let bank = Tensor<Double>(shape: [size], scalars: (0..<size).map { Double($0 + 1) })
        let scaling = BankScaling(layers: layers)
        var seen = [Int]()
        for (l, layer) in layers.enumerated() {
            let weight = Tensor<Double>(shape: layer.shape)
            generator.generate(layer: l, from: bank, into: weight)
            // Undo the layer's scale: each value must be ± a distinct bank entry.
            seen += weight.scalars.map { Int((abs($0) / scaling.layerScales[l]).rounded()) - 1 }
        }
        #expect(seen.sorted() == Array(0..<total))
    }

    @Test("the naive baseline reads the same first entries in every layer, unsigned")
    func naive() throws {
        let generator = RPGGenerator<Float>(variant: .naive)
        _ = try generator.plan(layers: layers, budget: 30, random: RandomSource(seed: 1))
        for l in layers.indices {
            #expect(generator.bankIndices(ofLayer: l) == (0..<layers[l].count).map { $0 % 30 })
            #expect(generator.signs(ofLayer: l).allSatisfy { $0 == 1 })
        }
    }

    @Test("without permutation the indices run in order")
    func noPermutation() throws {
        let generator = RPGGenerator<Float>(permutes: false)
        _ = try generator.plan(layers: layers, budget: 50, random: RandomSource(seed: 1))
        #expect(generator.bankIndices(ofLayer: 0).prefix(60) == ArraySlice((0..<60).map { $0 % 50 }))
    }

    @Test("the same seed gives the same tables; another seed, other tables")
    func seeding() throws {
        func tables(seed: UInt64) throws -> [[Int]] {
            let generator = RPGGenerator<Float>()
            _ = try generator.plan(layers: layers, budget: 40, random: RandomSource(seed: seed))
            return layers.indices.map { generator.bankIndices(ofLayer: $0) + generator.signs(ofLayer: $0) }
        }
        #expect(try tables(seed: 9) == tables(seed: 9))
        #expect(try tables(seed: 9) != tables(seed: 10))
    }

    @Test("generated kernels start with their layer's standard deviation")
    func initialScale() throws {
        let wide = [
            GeneratedLayer(name: "a", shape: [64, 64, 3, 3], fans: Fans(fanIn: 576, fanOut: 576), role: .body, initialStandardDeviation: 0.05),
            GeneratedLayer(name: "b", shape: [16, 16, 3, 3], fans: Fans(fanIn: 144, fanOut: 144), role: .body, initialStandardDeviation: 0.2),
        ]
        let bank = try SharedBank<Double>(name: "bank", generator: RPGGenerator(), layers: wide, budget: 4000, random: RandomSource(seed: 4))
        for (l, layer) in wide.enumerated() {
            let weight = bank.weightSource(forLayer: l).weight().scalars
            let std = (weight.reduce(0) { $0 + $1 * $1 } / Double(weight.count)).squareRoot()
            #expect(abs(std / layer.initialStandardDeviation - 1) < 0.1, "\(layer.name): \(std)")
        }
    }
}
