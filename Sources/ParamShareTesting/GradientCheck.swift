import ParamShareEngine

/// Compares a layer's backward pass with central finite differences, in Double.
///
/// The scalar loss is L = Σ r ⊙ layer(x) for a fixed random `r`, so dL/d(output) = r and every
/// input and parameter gradient the layer reports can be checked entry by entry against
/// (L(θ + h) − L(θ − h)) / 2h. In Double with h = 1e-6 that difference is accurate to about
/// 1e-9 relative, so a tolerance of 1e-6 separates a correct backward from a wrong one by
/// orders of magnitude.
public struct GradientCheck {
    /// The largest error found, relative to the gradient's scale, per checked tensor.
    public struct Report: CustomStringConvertible {
        public var errors: [String: Double]
        public var worst: Double { errors.values.max() ?? 0 }
        public var description: String {
            errors.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        }
    }

    public var step: Double
    public var mode: ForwardMode
    /// At most this many evenly spaced entries of each tensor are perturbed, to keep checks
    /// of whole networks fast; `nil` checks every entry.
    public var entriesPerTensor: Int?
    /// Whether to check the input gradient; a model's first layer skips computing it.
    public var checksInput: Bool

    public init(step: Double = 1e-6, mode: ForwardMode = .training, entriesPerTensor: Int? = nil, checksInput: Bool = true) {
        self.step = step
        self.mode = mode
        self.entriesPerTensor = entriesPerTensor
        self.checksInput = checksInput
    }

    /// Checks the input gradient and every parameter gradient of `layer` at a random input of `inputShape`.
    public func run(_ layer: any Layer<Double>, inputShape: [Int], seed: UInt64 = 1) -> Report {
        let random = RandomSource(seed: seed)
        let input = Tensor<Double>.random(shape: inputShape, random: random)
        let probe = layer.forward(input, mode: mode)
        let weights = Tensor<Double>.random(shape: probe.shape, random: random)
        for parameter in layer.parameters { parameter.zeroGradient() }
        let inputGradient = Tensor<Double>(shape: inputShape)
        inputGradient.copy(from: layer.backward(weights))

        func loss() -> Double {
            let output = layer.forward(input, mode: mode)
            return (0..<output.count).reduce(0) { $0 + output[$1] * weights[$1] }
        }
        var errors: [String: Double] = [:]
        if checksInput { errors["input"] = compare(analytic: inputGradient, perturbing: input, loss: loss) }
        for parameter in layer.parameters {
            errors[parameter.name] = compare(analytic: parameter.gradient, perturbing: parameter.value, loss: loss)
        }
        return Report(errors: errors)
    }

    /// The largest |analytic − numeric| over the entries, divided by max(1, largest |numeric|).
    public func compare(analytic: Tensor<Double>, perturbing values: Tensor<Double>, loss: () -> Double) -> Double {
        var worstDifference = 0.0, scale = 1.0
        let stride = entriesPerTensor.map { max(1, values.count / $0) } ?? 1
        for i in Swift.stride(from: 0, to: values.count, by: stride) {
            let saved = values[i]
            values[i] = saved + step
            let plus = loss()
            values[i] = saved - step
            let minus = loss()
            values[i] = saved
            let numeric = (plus - minus) / (2 * step)
            worstDifference = max(worstDifference, abs(numeric - analytic[i]))
            scale = max(scale, abs(numeric))
        }
        return worstDifference / scale
    }
}
