/// Whether a forward pass trains (batch statistics, caches for backward) or evaluates.
public enum ForwardMode: Sendable {
    /// Batch statistics, and caches for a backward pass.
    case training
    /// Running statistics; a backward pass may follow (to check gradients in evaluation mode).
    case evaluation
    /// Evaluation with no backward pass to follow: a `Sequential` folds each batch norm into the
    /// channels-last convolution before it (and a ReLU after it into the same pass).
    case inference
}

/// A differentiable step of a network, with its forward and backward passes side by side.
///
/// A layer owns the tensors it returns: `forward` returns its output buffer and `backward`
/// its input-gradient buffer, both overwritten by the next call. `forward` caches what
/// `backward` needs, so calls must alternate: forward, then at most one backward.
/// Backward *accumulates* parameter gradients; zeroing them is the training loop's job.
public protocol Layer<Scalar>: AnyObject {
    associatedtype Scalar: EngineScalar

    /// A name unique within the model, such as `stage2.block0.conv1`.
    var name: String { get }

    /// Computes the output for `input`.
    func forward(_ input: Tensor<Scalar>, mode: ForwardMode) -> Tensor<Scalar>

    /// Given dL/d(output) of the last forward pass, accumulates parameter gradients and returns dL/d(input).
    func backward(_ outputGradient: Tensor<Scalar>) -> Tensor<Scalar>

    /// The trainable parameters of this layer and every layer inside it.
    var parameters: [Parameter<Scalar>] { get }

    /// The layers directly inside this one, for walking a model's structure.
    var sublayers: [any Layer<Scalar>] { get }
}

extension Layer {
    public var parameters: [Parameter<Scalar>] { sublayers.flatMap { $0.parameters }.uniqued() }
    public var sublayers: [any Layer<Scalar>] { [] }
}

/// Stops with a message naming the layer when an input has the wrong shape.
func checkShape(_ condition: Bool, _ layer: String, _ message: @autoclosure () -> String) {
    precondition(condition, "\(layer): \(message())")
}
