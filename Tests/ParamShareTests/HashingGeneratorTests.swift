import CNumerics
import ParamShare
import ParamShareEngine
import Testing
import TestSupport

@Suite("Hashing generator")
struct HashingGeneratorTests {
    private let layers = GeneratorCheck.sampleLayers
    private var total: Int { layers.reduce(0) { $0 + $1.count } }  // 108 + 24 + 35 = 167

    @Test("the vector–Jacobian product matches central differences", arguments: [1, 17, 60, 167, 200])
    func vectorJacobian(budget: Int) throws {
        #expect(try GeneratorCheck.vectorJacobianError(HashingGenerator(), layers: layers, budget: budget) < 1e-7)
    }

    @Test("a budget below one entry is refused")
    func emptyBudget() {
        #expect(throws: BudgetError.self) {
            try HashingGenerator().plan(layers: layers, budget: 0, random: RandomSource(seed: 1), as: Float.self)
        }
    }

    @Test("each weight is its hashed entry with its hashed sign, times its layer's scale")
    func generationFollowsTheHash() throws {
        let plan = try HashingGenerator().plan(HashingPlan<Double>.self, layers: layers, budget: 50, seed: 2)
        let size = plan.bankSize
        #expect(size == 50)
        let bank = Tensor<Double>(shape: [size], scalars: (0..<size).map { Double($0 + 1) })
        let scaling = BankScaling(layers: layers)
        var globalIndex = 0
        var mismatches = 0
        for (l, layer) in layers.enumerated() {
            let weight = Tensor<Double>(shape: layer.shape)
            plan.generate(layer: l, from: bank, into: weight)
            for i in 0..<weight.count {
                // Global, not per-layer, indices: layer l's weight i is weight offset_l + i of the model.
                let entry = Double(plan.sign(ofWeight: globalIndex) * (plan.bucket(ofWeight: globalIndex) + 1))
                if weight[i] != entry * scaling.layerScales[l] { mismatches += 1 }
                globalIndex += 1
            }
        }
        #expect(mismatches == 0)
    }

    @Test("the same seed gives the same buckets and signs; another seed, others")
    func seeding() throws {
        func table(seed: UInt64) throws -> [Int] {
            let plan = try HashingGenerator().plan(HashingPlan<Float>.self, layers: layers, budget: 40, seed: seed)
            return (0..<total).map { plan.bucket(ofWeight: $0) * plan.sign(ofWeight: $0) }
        }
        #expect(try table(seed: 9) == table(seed: 9))
        #expect(try table(seed: 9) != table(seed: 10))
    }

    @Test("buckets are uniform, and signs balanced and independent of buckets, over 100,000 weights")
    func balance() throws {
        let big = [GeneratedLayer(name: "big", shape: [100, 1000], fans: Fans(fanIn: 1000, fanOut: 100), role: .hidden,
                                  initialStandardDeviation: 0.04)]
        let buckets = 100, weights = 100_000
        let plan = try HashingGenerator().plan(HashingPlan<Float>.self, layers: big, budget: buckets, seed: 7)
        var counts = [Int](repeating: 0, count: buckets)
        var positives = [Int](repeating: 0, count: buckets)
        for g in 0..<weights {
            let bucket = plan.bucket(ofWeight: g)
            counts[bucket] += 1
            if plan.sign(ofWeight: g) > 0 { positives[bucket] += 1 }
        }
        // Pearson's χ² of the counts against 1,000 per bucket has 99 degrees of freedom; a
        // uniform hash exceeds GSL's 99.9th percentile, 148.23, one time in a thousand.
        let expected = Double(weights) / Double(buckets)
        let bucketChiSquare = counts.reduce(0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
        let bucketThreshold = gsl_cdf_chisq_Pinv(0.999, 99)
        #expect(abs(bucketThreshold - 148.23) < 0.01)
        #expect(bucketChiSquare < bucketThreshold, "χ² = \(bucketChiSquare)")
        // Within each bucket the positives are Binomial(n_b, ½) if the sign bit is independent of
        // the bucket: 100 independent terms (p − n/2)² / (n/4), χ² with 100 degrees of freedom.
        let signChiSquare = zip(positives, counts).reduce(0.0) { sum, pair in
            let deviation = Double(pair.0) - Double(pair.1) / 2
            return sum + deviation * deviation / (Double(pair.1) / 4)
        }
        let signThreshold = gsl_cdf_chisq_Pinv(0.999, 100)
        #expect(signChiSquare < signThreshold, "χ² = \(signChiSquare), threshold \(signThreshold)")
        // 100,000 fair signs: the positive share has standard deviation 0.0016; 0.01 is about 6σ.
        let share = Double(positives.reduce(0, +)) / Double(weights)
        #expect(abs(share - 0.5) < 0.01, "positive share \(share)")
    }

    @Test("generated kernels start with their layer's standard deviation")
    func initialScale() throws {
        let ratios = try GeneratorCheck.initialDeviationRatios(HashingGenerator(), budget: 4000)
        #expect(ratios.allSatisfy { abs($0 - 1) < 0.1 }, "\(ratios)")
    }

    @Test("a hashed bank's DoF counts the entries some weight reads, about N·(1 − e^(−T/N)), not the entries allocated")
    func entriesRead() throws {
        let layer = [GeneratedLayer(name: "big", shape: [50, 40], fans: Fans(fanIn: 40, fanOut: 50), role: .hidden, initialStandardDeviation: 0.1)]
        let bank = try SharedBank<Float>(name: "bank", generator: HashingGenerator(), layers: layer, budget: 1000, random: RandomSource(seed: 3))
        let plan = try #require(bank.plan as? HashingPlan<Float>)
        let read = Set((0..<2000).map { plan.bucket(ofWeight: $0) }).count
        #expect(bank.entriesRead == read)
        // T = 2N: about 1 − e⁻² = 86.5 % of the entries are read; the binomial spread is about 1 %.
        #expect(abs(Double(read) / 1000 - (1 - exp(-2.0))) < 0.04, "\(read)")
        // RPG's even sampling reads every entry.
        let rpg = try SharedBank<Float>(name: "bank", generator: RPGGenerator(), layers: layer, budget: 1000, random: RandomSource(seed: 3))
        #expect(rpg.entriesRead == 1000)
    }

    @Test("HashedNets' default: one bank per layer at the model's compression, each hashed uniformly")
    func perLayerBuckets() throws {
        #expect(HashingGenerator.descriptor.defaultScope == .layer && RPGGenerator.descriptor.defaultScope == .global)
        let mlp = Architecture.mlp(hiddenWidths: [128, 64]).describe(inputShape: [1, 8, 8], classes: 10)
        let plan = SharingPlan(generator: HashingGenerator(), scope: HashingGenerator.descriptor.defaultScope)
        let generated = plan.generatedLayers(of: mlp)
        let total = generated.reduce(0) { $0 + $1.weightCount }, budget = total / 10
        let model = try plan.build(mlp, budget: budget, seed: 3, random: RandomSource(seed: 3))
        #expect(model.banks.count == generated.count)
        for (bank, layer) in zip(model.banks, generated) {
            // Each layer keeps its share of the budget: the same compression everywhere, as in the paper.
            let share = Double(budget) * Double(layer.weightCount) / Double(total)
            #expect(bank.plan.bankSize == Int(share.rounded()))
            let hashing = try #require(bank.plan as? HashingPlan<Float>)
            let buckets = hashing.bankSize
            var counts = [Int](repeating: 0, count: buckets)
            for g in 0..<layer.weightCount { counts[hashing.bucket(ofWeight: g)] += 1 }
            // Pearson's χ² against a uniform spread, with buckets − 1 degrees of freedom, at the 99.9th percentile.
            let expected = Double(layer.weightCount) / Double(buckets)
            let chiSquare = counts.reduce(0.0) { sum, count in
                let deviation = Double(count) - expected
                return sum + deviation * deviation / expected
            }
            let threshold = gsl_cdf_chisq_Pinv(0.999, Double(buckets - 1))
            #expect(chiSquare < threshold, "\(layer.name): χ² = \(chiSquare) over \(buckets) buckets")
        }
    }
}
