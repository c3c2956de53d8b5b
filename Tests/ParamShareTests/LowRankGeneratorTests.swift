import ParamShare
import ParamShareEngine
import Testing
import TestSupport

@Suite("Low-rank generator")
struct LowRankGeneratorTests {
    // As matrices: 4 × 27, 6 × 4 and 5 × 7; largest ranks 4, 4, 5; a rank costs 31, 10, 12.
    private let layers = GeneratorCheck.sampleLayers
    private let largestRanks = [4, 4, 5]
    private let rankCosts = [31, 10, 12]
    private let minimum = 53  // rank 1 everywhere
    private let fullRank = 224  // 4·31 + 4·10 + 5·12

    /// The rank of a row-major `rows` × `columns` matrix, by Gram–Schmidt on its rows.
    private func numericalRank(_ matrix: [Double], rows: Int, columns: Int) -> Int {
        var basis: [[Double]] = []
        let scale = matrix.reduce(0) { max($0, abs($1)) }
        for r in 0..<rows {
            var row = Array(matrix[(r * columns)..<((r + 1) * columns)])
            for _ in 0..<2 {  // twice, for orthogonality to rounding
                for b in basis {
                    let projection = zip(row, b).reduce(0) { $0 + $1.0 * $1.1 }
                    for j in row.indices { row[j] -= projection * b[j] }
                }
            }
            let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm > 1e-9 * scale * Double(columns).squareRoot() { basis.append(row.map { $0 / norm }) }
        }
        return basis.count
    }

    @Test("the vector–Jacobian product matches central differences", arguments: [53, 80, 150, 224, 1000])
    func vectorJacobian(budget: Int) throws {
        #expect(try GeneratorCheck.vectorJacobianError(LowRankGenerator(), layers: layers, budget: budget) < 1e-7)
    }

    @Test("the bank gradient is added to, not overwritten")
    func gradientAccumulates() throws {
        #expect(try GeneratorCheck.accumulationError(LowRankGenerator(), layers: layers, budget: 150, seed: 6) < 1e-12)
    }

    @Test("planning returns Σ r_l(out_l + in_l·k²), within one rank's cost below the budget")
    func ranksFillTheBudget() throws {
        for budget in minimum...260 {
            let plan = try LowRankGenerator().plan(LowRankPlan<Float>.self, layers: layers, budget: budget, seed: 1)
            let size = plan.bankSize
            let ranks = plan.ranks
            #expect(size == zip(ranks, rankCosts).reduce(0) { $0 + $1.0 * $1.1 }, "budget \(budget): ranks \(ranks)")
            #expect(zip(ranks, largestRanks).allSatisfy { 1 <= $0 && $0 <= $1 }, "budget \(budget): ranks \(ranks)")
            #expect(size <= budget)
            // Short of full rank, no layer that could still grow has a rank that would fit.
            let growable = layers.indices.filter { ranks[$0] < largestRanks[$0] }.map { rankCosts[$0] }
            if let cheapest = growable.min() {
                #expect(budget - size < cheapest, "budget \(budget): ranks \(ranks), size \(size)")
            } else {
                #expect(size == fullRank)
            }
        }
    }

    @Test("the bank follows the ranks, and the options do not depend on the budget")
    func bankSize() throws {
        let bank = try SharedBank<Double>(name: "bank", generator: LowRankGenerator(), layers: layers, budget: 120,
                                          random: RandomSource(seed: 2))
        let plan = try #require(bank.plan as? LowRankPlan<Double>)
        #expect(bank.bank.value.count == zip(plan.ranks, rankCosts).reduce(0) { $0 + $1.0 * $1.1 })
        #expect(LowRankGenerator.descriptor.options.isEmpty)
        #expect(LowRankGenerator.descriptor.defaultOptions.values.isEmpty)
        #expect(LowRankGenerator.descriptor.name == "lowrank")
    }

    @Test("a budget below rank 1 everywhere is refused, naming the minimum")
    func belowMinimum() throws {
        do {
            _ = try LowRankGenerator().plan(layers: layers, budget: minimum - 1, random: RandomSource(seed: 1), as: Float.self)
            Issue.record("a budget of \(minimum - 1) was planned")
        } catch let error as BudgetError {
            #expect(error.detail.contains("\(minimum)"), "\(error)")
        }
        #expect(try LowRankGenerator().plan(layers: layers, budget: minimum, random: RandomSource(seed: 1), as: Float.self).bankSize
            == minimum)
    }

    @Test("a rank-1 layer has vanishing 2×2 minors")
    func rankOneMinors() throws {
        let bank = try SharedBank<Double>(name: "bank", generator: LowRankGenerator(), layers: layers, budget: minimum,
                                          random: RandomSource(seed: 3))
        let plan = try #require(bank.plan as? LowRankPlan<Double>)
        #expect(plan.ranks == [1, 1, 1])
        let weight = bank.weightSource(forLayer: 0).weight().scalars  // 4 × 27
        let columns = 27
        let scale = weight.reduce(0) { max($0, abs($1)) }
        var largestMinor = 0.0
        for a in 0..<4 { for b in (a + 1)..<4 { for c in 0..<columns { for d in (c + 1)..<columns {
            let minor = weight[a * columns + c] * weight[b * columns + d] - weight[a * columns + d] * weight[b * columns + c]
            largestMinor = max(largestMinor, abs(minor))
        } } } }
        #expect(largestMinor < 1e-12 * scale * scale, "largest minor \(largestMinor), largest entry \(scale)")
    }

    @Test("a generated weight has exactly its layer's rank", arguments: [53, 100, 150, 224])
    func generatedRank(budget: Int) throws {
        let bank = try SharedBank<Double>(name: "bank", generator: LowRankGenerator(), layers: layers, budget: budget,
                                          random: RandomSource(seed: 4))
        let plan = try #require(bank.plan as? LowRankPlan<Double>)
        for (l, layer) in layers.enumerated() {
            let weight = bank.weightSource(forLayer: l).weight().scalars
            let rows = layer.shape[0]
            #expect(numericalRank(weight, rows: rows, columns: layer.count / rows) == plan.ranks[l], "budget \(budget), \(layer.name)")
        }
    }

    @Test("U·Vᵀ starts with its layer's standard deviation")
    func initialScale() throws {
        let wide = [
            GeneratedLayer(name: "a", shape: [64, 64, 3, 3], fans: Fans(fanIn: 576, fanOut: 576), role: .body, initialStandardDeviation: 0.05),
            GeneratedLayer(name: "b", shape: [64, 32, 3, 3], fans: Fans(fanIn: 288, fanOut: 576), role: .body, initialStandardDeviation: 0.08),
        ]
        // Half of each largest rank, 64: 32·(64 + 576) + 32·(64 + 288) entries.
        let bank = try SharedBank<Double>(name: "bank", generator: LowRankGenerator(), layers: wide, budget: 31744,
                                          random: RandomSource(seed: 5))
        let plan = try #require(bank.plan as? LowRankPlan<Double>)
        #expect(plan.ranks == [32, 32])
        for (l, layer) in wide.enumerated() {
            let weight = bank.weightSource(forLayer: l).weight().scalars
            let std = (weight.reduce(0) { $0 + $1 * $1 } / Double(weight.count)).squareRoot()
            // With rank 32 the sample std's relative deviation is about 2 %.
            #expect(abs(std / layer.initialStandardDeviation - 1) < 0.1, "\(layer.name): \(std)")
        }
    }
}
