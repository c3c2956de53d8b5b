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
        guard mode == .inference else { return layers.reduce(input) { x, layer in layer.forward(x, mode: mode) } }
        // Convolution, batch norm (and ReLU) run as one pass: the batch norm's scale and shift
        // folded into the kernel and a bias, which saves two passes over the activations.
        var x = input, index = 0
        while index < layers.count {
            if let convolution = layers[index] as? Conv2D<Scalar>, convolution.layout == .channelsLast,
               index + 1 < layers.count, let batchNorm = layers[index + 1] as? BatchNorm<Scalar> {
                let rectified = index + 2 < layers.count && layers[index + 2] is ReLU<Scalar>
                x = convolution.forwardFolded(x, batchNorm.foldedAffine(), rectified: rectified)
                index += rectified ? 3 : 2
            } else {
                x = layers[index].forward(x, mode: mode)
                index += 1
            }
        }
        return x
    }

    public func backward(_ outputGradient: Tensor<Scalar>) -> Tensor<Scalar> {
        layers.reversed().reduce(outputGradient) { gradient, layer in layer.backward(gradient) }
    }
}
