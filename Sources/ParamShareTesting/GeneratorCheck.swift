import ParamShare
import ParamShareEngine

/// Checks a generator's vector–Jacobian product against central finite differences in Double.
///
/// With L = Σ_l ⟨r_l, generate_l(bank)⟩ for fixed random r_l, dL/d(bank) = Σ_l R_lᵀ r_l, which
/// is exactly what `accumulateBankGradient` must add up. The built-in maps are at most
/// quadratic in the bank (low rank), where central differences are exact up to rounding, so a
/// tolerance of 1e-7 relative catches a wrong index, sign or scale by orders of magnitude.
///
/// ```swift
/// @Test func vectorJacobianProduct() throws {
///     let error = try GeneratorCheck.vectorJacobianError(KroneckerGenerator(), layers: GeneratorCheck.sampleLayers, budget: 23)
///     #expect(error < 1e-7)
/// }
/// ```
public enum GeneratorCheck {
    /// Plans `generator` in Double for `layers` at `budget`, then returns the largest error of its
    /// bank gradient relative to the gradient's scale.
    public static func vectorJacobianError(
        _ generator: any ParameterGenerator, layers: [GeneratedLayer], budget: Int, seed: UInt64 = 1
    ) throws -> Double {
        let random = RandomSource(seed: seed)
        let plan = try generator.plan(layers: layers, budget: budget, random: random, as: Double.self)
        let bank = Tensor<Double>.random(shape: [plan.bankSize], random: random)
        let probes = layers.map { Tensor<Double>.random(shape: $0.shape, random: random) }
        let analytic = Tensor<Double>(shape: [plan.bankSize])
        for (index, probe) in probes.enumerated() {
            plan.accumulateBankGradient(layer: index, weightGradient: probe, at: bank, into: analytic)
        }
        let weights = layers.map { Tensor<Double>(shape: $0.shape) }
        func loss() -> Double {
            var sum = 0.0
            for (index, probe) in probes.enumerated() {
                plan.generate(layer: index, from: bank, into: weights[index])
                for i in 0..<probe.count { sum += probe[i] * weights[index][i] }
            }
            return sum
        }
        return GradientCheck(step: 1e-4).compare(analytic: analytic, perturbing: bank, loss: loss)
    }

    /// Plans `generator` in Double for `layers` at `budget`, then returns, over the layers, the
    /// largest error of `accumulateBankGradient` as an accumulation: adding a layer's gradient to a
    /// bank gradient that already holds values must add exactly what it adds to zeros (a plan that
    /// overwrites would lose the other layers' gradients of a shared bank). 0 up to rounding.
    public static func accumulationError(
        _ generator: any ParameterGenerator, layers: [GeneratedLayer], budget: Int, seed: UInt64 = 1
    ) throws -> Double {
        let random = RandomSource(seed: seed)
        let plan = try generator.plan(layers: layers, budget: budget, random: random, as: Double.self)
        let size = plan.bankSize
        let bank = Tensor<Double>.random(shape: [size], random: random)
        var error = 0.0
        for (index, layer) in layers.enumerated() {
            // Generated first, as in training: a plan may keep what generating computed for its gradient.
            plan.generate(layer: index, from: bank, into: Tensor(shape: layer.shape))
            let weightGradient = Tensor<Double>.random(shape: layer.shape, random: random)
            let once = Tensor<Double>(shape: [size])
            plan.accumulateBankGradient(layer: index, weightGradient: weightGradient, at: bank, into: once)
            let earlier = Tensor<Double>.random(shape: [size], random: random)
            let sum = Tensor<Double>(shape: [size])
            sum.copy(from: earlier)
            plan.accumulateBankGradient(layer: index, weightGradient: weightGradient, at: bank, into: sum)
            error = (0..<size).reduce(error) { max($0, abs(sum[$1] - earlier[$1] - once[$1])) }
        }
        return error
    }

    /// Each of `layers`' generated weights' root mean square over its layer's initial standard
    /// deviation, for a bank of `generator` at `budget` just initialised: about 1 for a generator
    /// that starts every layer at its He deviation, as ``GeneratedLayer/initialStandardDeviation`` asks.
    public static func initialDeviationRatios(
        _ generator: any ParameterGenerator, layers: [GeneratedLayer] = wideLayers, budget: Int, seed: UInt64 = 4
    ) throws -> [Double] {
        let bank = try SharedBank<Double>(name: "bank", generator: generator, layers: layers, budget: budget, random: RandomSource(seed: seed))
        return layers.indices.map { l in
            let weight = bank.weightSource(forLayer: l).weight().scalars
            return (weight.reduce(0) { $0 + $1 * $1 } / Double(weight.count)).squareRoot() / layers[l].initialStandardDeviation
        }
    }

    /// Two 3×3 convolutions large enough that a sample deviation is within a few per cent of the
    /// deviation it estimates, with distinct scales.
    public static let wideLayers = [
        GeneratedLayer(name: "a", shape: [64, 64, 3, 3], fans: Fans(fanIn: 576, fanOut: 576), role: .body, initialStandardDeviation: 0.05),
        GeneratedLayer(name: "b", shape: [16, 16, 3, 3], fans: Fans(fanIn: 144, fanOut: 144), role: .body, initialStandardDeviation: 0.2),
    ]

    /// Small layers of a convolutional and a linear shape, with distinct scales.
    public static let sampleLayers = [
        GeneratedLayer(name: "conv", shape: [4, 3, 3, 3], fans: Fans(fanIn: 27, fanOut: 36), role: .body, initialStandardDeviation: 0.2),
        GeneratedLayer(name: "conv2", shape: [6, 4, 1, 1], fans: Fans(fanIn: 4, fanOut: 6), role: .body, initialStandardDeviation: 0.5),
        GeneratedLayer(name: "fc", shape: [5, 7], fans: Fans(fanIn: 7, fanOut: 5), role: .hidden, initialStandardDeviation: 0.3),
    ]
}
