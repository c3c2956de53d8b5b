/// Layers applied one after another; backward runs them in reverse.
public final class Sequential<Scalar: EngineScalar>: Layer {
    public let name: String
    /// The layers, in forward order.
    public let layers: [any Layer<Scalar>]

    public init(name: String, _ layers: [any Layer<Scalar>]) {
        self.name = name
        self.layers = layers
    }

    public var sublayers: [any Layer<Scalar>] { layers }

    public func forward(_ input: Tensor<Scalar>, mode: ForwardMode) -> Tensor<Scalar> {
        layers.reduce(input) { x, layer in layer.forward(x, mode: mode) }
    }

    public func backward(_ outputGradient: Tensor<Scalar>) -> Tensor<Scalar> {
        layers.reversed().reduce(outputGradient) { gradient, layer in layer.backward(gradient) }
    }
}
