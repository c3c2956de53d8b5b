// The "write your own generator" example of the README: a generator defined outside
// ParamShare, with nothing but its public API.
import ParamShare
import ParamShareEngine

/// Weight i of the whole model reads a bank entry and a sign picked by a multiplicative hash
/// of i, scaled to its layer's Kaiming standard deviation. A toy, but a complete one: it
/// plans, initialises, generates and gives the vector–Jacobian product back.
final class FibonacciHashGenerator<Scalar: EngineScalar>: ParameterGenerator {
    private var offsets: [Int] = []  // where each layer starts among all generated weights
    private var scaling = BankScaling(layers: [])
    private var bankSize = 1

    var name: String { "fibonacci-hash" }
    var options: [String: String] { [:] }

    func plan(layers: [GeneratedLayer], budget: Int, random: RandomSource) throws -> Int {
        guard budget >= 1 else { throw BudgetError(budget: "\(budget)", detail: "needs at least one entry") }
        scaling = BankScaling(layers: layers)
        offsets = layers.reduce(into: [0]) { $0.append($0.last! + $1.count) }
        bankSize = budget
        return budget
    }

    func initializeBank(_ bank: Tensor<Scalar>, random: RandomSource) {
        for i in 0..<bank.count { bank[i] = Scalar(random.gaussian(standardDeviation: scaling.bankStandardDeviation)) }
    }

    // Fibonacci hashing of the weight's global index: its high bits pick the entry and the sign.
    private func hash(_ layer: Int, _ i: Int) -> UInt64 { UInt64(offsets[layer] + i) &* 0x9E37_79B9_7F4A_7C15 }
    private func entry(_ layer: Int, _ i: Int) -> Int { Int((hash(layer, i) >> 32) % UInt64(bankSize)) }
    private func sign(_ layer: Int, _ i: Int) -> Scalar { hash(layer, i) >> 63 == 0 ? 1 : -1 }

    func generate(layer: Int, from bank: Tensor<Scalar>, into weight: Tensor<Scalar>) {
        let scale = Scalar(scaling.layerScales[layer])
        for i in 0..<weight.count { weight[i] = sign(layer, i) * scale * bank[entry(layer, i)] }
    }

    func accumulateBankGradient(layer: Int, weightGradient: Tensor<Scalar>, at bank: Tensor<Scalar>,
                                into bankGradient: Tensor<Scalar>) {
        let scale = Scalar(scaling.layerScales[layer])
        for i in 0..<weightGradient.count { bankGradient[entry(layer, i)] += sign(layer, i) * scale * weightGradient[i] }
    }
}
