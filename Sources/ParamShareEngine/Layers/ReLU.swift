/// The rectifier `y = max(x, 0)`.
public final class ReLU<Scalar: EngineScalar>: Layer {
    public let name: String
    /// Whether it overwrites its input with its output, and its output gradient with its input
    /// gradient, instead of keeping buffers of its own.
    ///
    /// That saves two activation-sized buffers per rectifier. It is safe only where nobody reads
    /// the input after this forward pass, or the output gradient after this backward pass: after a
    /// batch norm, a convolution, a linear layer or a residual sum in a network built from a
    /// `ModelDescription`, but not on a tensor that a caller keeps.
    package let inPlace: Bool
    private var output: Tensor<Scalar>?
    private var inputGradient: Tensor<Scalar>?

    public init(name: String, inPlace: Bool = false) {
        self.name = name
        self.inPlace = inPlace
    }

    // x [any shape] → y, same shape. The output is cached: y > 0 exactly where x > 0.
    public func forward(_ input: Tensor<Scalar>, mode: ForwardMode) -> Tensor<Scalar> {
        let output = inPlace ? input : self.output.reuse(shape: input.shape)
        if inPlace { self.output = input }
        EngineThreads.forEachChunk(of: input.count) { _, range in
            reluForward(input.data + range.lowerBound, into: output.data + range.lowerBound, count: range.count)
        }
        return output
    }

    /// Makes `output`, rectified by the pass of the layer before, this layer's last output, as
    /// an in-place forward pass over it would have: what its backward then reads.
    func adopt(rectifiedOutput output: Tensor<Scalar>) {
        precondition(inPlace, "\(name): only an in-place ReLU takes over the output of the layer before")
        self.output = output
    }

    /// Forgets the last output: the batch norm before it rectified without writing one, and
    /// takes this layer's backward pass (``BatchNorm/backwardRectified(_:)``).
    func forgetOutput() {
        output = nil
    }

    // dy → dx = dy where y > 0, else 0.
    public func backward(_ outputGradient: Tensor<Scalar>) -> Tensor<Scalar> {
        backward(outputGradient, adding: nil)
    }

    /// The backward pass of `outputGradient + other`, summed in the same pass: what a residual
    /// block after this layer leaves unsummed (``ResidualBlock/backwardLeavingSum(_:)``).
    func backward(_ outputGradient: Tensor<Scalar>, adding other: Tensor<Scalar>?) -> Tensor<Scalar> {
        guard let output else { preconditionFailure("\(name): backward called before forward") }
        checkShape(outputGradient.shape == output.shape, name, "output gradient \(outputGradient.shape) does not match \(output.shape)")
        checkShape(other.map { $0.shape == output.shape } ?? true, name, "gradient \(other?.shape ?? []) does not match \(output.shape)")
        let inputGradient = inPlace ? outputGradient : self.inputGradient.reuse(shape: output.shape)
        EngineThreads.forEachChunk(of: output.count) { _, range in
            let y = output.data + range.lowerBound, dy = outputGradient.data + range.lowerBound
            let dx = inputGradient.data + range.lowerBound
            if let other {
                reluBackward(output: y, outputGradient: dy, adding: other.data + range.lowerBound, into: dx, count: range.count)
            } else {
                reluBackward(output: y, outputGradient: dy, into: dx, count: range.count)
            }
        }
        return inputGradient
    }
}
