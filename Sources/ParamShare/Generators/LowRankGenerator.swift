import ParamShareEngine

/// Low-rank factorisation: each layer's weight, viewed as an out × (in·k·k) matrix, is
/// `U_l · V_lᵀ` with U_l of out × r_l and V_l of (in·k·k) × r_l, all stored back to back in the
/// bank (U_l then V_l, row-major, layer after layer).
///
/// Unlike the other generators nothing is shared between layers: the budget is split into
/// per-layer ranks, and a layer costs r_l·(out_l + in_l·k²) entries. Planning picks one global
/// fraction f of every layer's largest useful rank, min(out, in·k²), so that wide and narrow
/// layers are compressed alike, then spends what the rounding leaves by raising the ranks of
/// the layers furthest below that fraction, one at a time, while they fit. The bank therefore
/// lands within one rank increment of the budget and never above it; the budget cannot go
/// below rank 1 everywhere. Factors are drawn so that U·Vᵀ starts with the layer's Kaiming
/// standard deviation, and both passes are GEMMs.
public struct LowRankGenerator: ParameterGenerator {
    /// A generator whose ranks each plan chooses from the budget.
    public init() {}

    public func plan<Scalar: EngineScalar>(layers: [GeneratedLayer], budget: Int, random: RandomSource,
                                           as scalar: Scalar.Type) throws -> any GeneratorPlan<Scalar> {
        let rows = layers.map { $0.shape.first ?? 1 }
        let columns = zip(layers, rows).map { layer, rows in layer.count / max(rows, 1) }
        let increments = zip(rows, columns).map(+)
        let minimum = increments.reduce(0, +)
        guard budget >= minimum else {
            throw BudgetError(budget: "\(budget)", detail: "a low-rank bank needs at least \(minimum) entries "
                              + "(rank 1 in every layer: the sum of out + in·k² over the layers)")
        }
        let ranks = Self.chooseRanks(largest: zip(rows, columns).map { min($0, $1) }, increments: increments, budget: budget)
        var start = 0
        let factors = layers.indices.map { l in
            let layerFactors = LowRankFactors(rows: rows[l], columns: columns[l], rank: ranks[l], start: start,
                                              standardDeviation: layers[l].initialStandardDeviation)
            start += layerFactors.entryCount
            return layerFactors
        }
        return LowRankPlan<Scalar>(factors: factors)
    }

    /// `lowrank` in sweeps. It has no options: the ranks follow from the budget, and a results
    /// table must group one generator setting across budgets.
    public static let descriptor = GeneratorDescriptor(
        name: "lowrank", summary: "each layer U·Vᵀ, ranks chosen so that the factors meet the budget"
    ) { _ in LowRankGenerator() }
    /// The ranks whose total cost is closest to `budget` from below, given each layer's
    /// largest useful rank and the cost of one rank.
    ///
    /// The cost is monotone in the global fraction f, so bisection finds the largest f that
    /// fits; rounding leaves up to one rank per layer unspent, which the greedy pass hands out.
    private static func chooseRanks(largest: [Int], increments: [Int], budget: Int) -> [Int] {
        func ranks(at fraction: Double) -> [Int] {
            largest.map { min(max(Int((fraction * Double($0)).rounded()), 1), $0) }
        }
        func cost(_ ranks: [Int]) -> Int { zip(ranks, increments).reduce(0) { $0 + $1.0 * $1.1 } }
        guard cost(largest) > budget else { return largest }
        var low = 0.0, high = 1.0
        for _ in 0..<64 {
            let middle = (low + high) / 2
            if cost(ranks(at: middle)) <= budget { low = middle } else { high = middle }
        }
        var chosen = ranks(at: low)
        var total = cost(chosen)
        func fraction(_ l: Int) -> Double { Double(chosen[l]) / Double(largest[l]) }
        while let l = chosen.indices.filter({ chosen[$0] < largest[$0] && total + increments[$0] <= budget })
            .min(by: { fraction($0) < fraction($1) }) {
            chosen[l] += 1
            total += increments[l]
        }
        return chosen
    }
}

/// Where one layer's factors lie in a low-rank bank, and their shapes.
struct LowRankFactors {
    /// out: the rows of the weight matrix and of U.
    var rows: Int
    /// in·k·k: the columns of the weight matrix, the rows of V.
    var columns: Int
    var rank: Int
    /// The bank index of U's first entry; V follows it.
    var start: Int
    var standardDeviation: Double

    var vStart: Int { start + rows * rank }
    var entryCount: Int { rank * (rows + columns) }
}

/// A ``LowRankGenerator`` laid out over its layers: each layer's rank and place in the bank.
package final class LowRankPlan<Scalar: EngineScalar>: GeneratorPlan {
    let factors: [LowRankFactors]

    init(factors: [LowRankFactors]) {
        self.factors = factors
    }

    package var bankSize: Int { factors.reduce(0) { $0 + $1.entryCount } }

    /// The rank of each planned layer, in planning order.
    package var ranks: [Int] { factors.map(\.rank) }

    /// Entries of U and V from N(0, σ²) with σ = (std²/r)^¼, so that each entry of U·Vᵀ, a sum of
    /// r products of two independent draws, has variance r·σ⁴ = std².
    package func initializeBank(_ bank: Tensor<Scalar>, random: RandomSource) {
        for layer in factors {
            let sigma = (layer.standardDeviation * layer.standardDeviation / Double(layer.rank)).squareRoot().squareRoot()
            BankKernels.fillGaussian(bank.data + layer.start, count: layer.entryCount, standardDeviation: sigma, random: random)
        }
    }

    /// W = U·Vᵀ.
    package func generate(layer: Int, from bank: Tensor<Scalar>, into weight: Tensor<Scalar>) {
        let f = factors[layer]
        Scalar.gemm(transposeA: false, transposeB: true, m: f.rows, n: f.columns, k: f.rank,
                    alpha: 1, a: bank.data + f.start, lda: f.rank, b: bank.data + f.vStart, ldb: f.rank,
                    beta: 0, c: weight.data, ldc: f.columns)
    }

    /// An entry of U_l is used by each of the layer's `columns` weights in its row, an entry of
    /// V_l by each of its `rows` weights in its column.
    package func entryUseCounts() -> [Int]? {
        var uses = [Int](repeating: 0, count: bankSize)
        for f in factors {
            for i in f.start..<f.vStart { uses[i] = f.columns }
            for i in f.vStart..<(f.start + f.entryCount) { uses[i] = f.rows }
        }
        return uses
    }

    /// dU += dW·V and dV += dWᵀ·U: U·Vᵀ is bilinear in the bank, so the product needs its factors.
    package func accumulateBankGradient(layer: Int, weightGradient: Tensor<Scalar>, at bank: Tensor<Scalar>,
                                       into bankGradient: Tensor<Scalar>) {
        let f = factors[layer]
        Scalar.gemm(transposeA: false, transposeB: false, m: f.rows, n: f.rank, k: f.columns,
                    alpha: 1, a: weightGradient.data, lda: f.columns, b: bank.data + f.vStart, ldb: f.rank,
                    beta: 1, c: bankGradient.data + f.start, ldc: f.rank)
        Scalar.gemm(transposeA: true, transposeB: false, m: f.columns, n: f.rank, k: f.rows,
                    alpha: 1, a: weightGradient.data, lda: f.columns, b: bank.data + f.start, ldb: f.rank,
                    beta: 1, c: bankGradient.data + f.vStart, ldc: f.rank)
    }
}
