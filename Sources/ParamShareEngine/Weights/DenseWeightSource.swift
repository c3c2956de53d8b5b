/// A weight that is its own free parameter: the ordinary, unshared case.
public final class DenseWeightSource<Scalar: EngineScalar>: WeightSource {
    /// The weight, as a trainable parameter.
    public let parameter: Parameter<Scalar>

    public var shape: [Int] { parameter.value.shape }
    public var parameters: [Parameter<Scalar>] { [parameter] }

    /// Creates a weight named `name` of `shape`, initialised by `initialization` from `random`.
    ///
    /// Fans follow PyTorch: fan-in = shape[1]·(kernel area), fan-out = shape[0]·(kernel area).
    public init(name: String, shape: [Int], initialization: KaimingInitialization, random: RandomSource) {
        precondition(shape.count >= 2, "a weight needs at least [out, in] dimensions, got \(shape)")
        parameter = Parameter(name: name, role: .weight, shape: shape)
        initialization.fill(parameter.value, fans: Fans(weightShape: shape), random: random)
    }

    public func weight() -> Tensor<Scalar> {
        parameter.value
    }

    public func accumulateGradient(_ weightGradient: Tensor<Scalar>) {
        precondition(weightGradient.shape == shape, "gradient \(weightGradient.shape) does not match weight \(shape)")
        addScaled(weightGradient.data, times: 1, into: parameter.gradient.data, count: weightGradient.count)
    }
}
