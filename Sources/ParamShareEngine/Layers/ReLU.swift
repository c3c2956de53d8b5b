/// The rectifier `y = max(x, 0)`.
public final class ReLU<Scalar: EngineScalar>: Layer {
    public let name: String
    private var output: Tensor<Scalar>?
    private var inputGradient: Tensor<Scalar>?

    public init(name: String) {
        self.name = name
    }

    // x [any shape] → y, same shape. The output is cached: y > 0 exactly where x > 0.
    public func forward(_ input: Tensor<Scalar>, mode: ForwardMode) -> Tensor<Scalar> {
        let output = self.output.reuse(shape: input.shape)
        EngineThreads.forEachChunk(of: input.count) { _, range in
            reluForward(input.data + range.lowerBound, into: output.data + range.lowerBound, count: range.count)
        }
        return output
    }

    // dy → dx = dy where y > 0, else 0.
    public func backward(_ outputGradient: Tensor<Scalar>) -> Tensor<Scalar> {
        guard let output else { preconditionFailure("\(name): backward called before forward") }
        checkShape(outputGradient.shape == output.shape, name, "output gradient \(outputGradient.shape) does not match \(output.shape)")
        let inputGradient = self.inputGradient.reuse(shape: output.shape)
        EngineThreads.forEachChunk(of: output.count) { _, range in
            reluBackward(output: output.data + range.lowerBound, outputGradient: outputGradient.data + range.lowerBound,
                         into: inputGradient.data + range.lowerBound, count: range.count)
        }
        return inputGradient
    }
}
