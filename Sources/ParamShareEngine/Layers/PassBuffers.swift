/// What a layer without parameters keeps from its forward pass for its backward pass: the
/// input's shape, and its output and input gradient, each a buffer reused from step to step
/// (`Optional.reuse(shape:)`).
struct PassBuffers<Scalar: EngineScalar> {
    /// The shape of the last input.
    var inputShape: [Int] = []
    private var output: Tensor<Scalar>?
    private var inputGradient: Tensor<Scalar>?

    /// Remembers `input`'s shape and returns the output buffer, of `shape`.
    mutating func output(for input: Tensor<Scalar>, shape: [Int]) -> Tensor<Scalar> {
        inputShape = input.shape
        return output.reuse(shape: shape)
    }

    /// Checks that `outputGradient` matches the last output of the layer `name`, and returns the
    /// input gradient buffer, of the last input's shape.
    mutating func inputGradient(for outputGradient: Tensor<Scalar>, layer name: String) -> Tensor<Scalar> {
        guard let output else { preconditionFailure("\(name): backward called before forward") }
        checkShape(outputGradient.shape == output.shape, name, "output gradient \(outputGradient.shape) does not match \(output.shape)")
        return inputGradient.reuse(shape: inputShape)
    }
}
