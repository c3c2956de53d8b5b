/// Where a convolution or linear layer gets its weight, and where it sends the weight's gradient.
///
/// This is the seam between the engine and parameter sharing: the layer calls `weight()` in its
/// forward pass and `accumulateGradient(_:)` once in its backward pass, and never learns whether
/// the weight is a free tensor (`DenseWeightSource`) or generated from a shared bank.
public protocol WeightSource<Scalar>: AnyObject {
    associatedtype Scalar: EngineScalar

    /// The weight's shape: `[out, in, kernelHeight, kernelWidth]` for a convolution, `[out, in]` for a linear layer.
    var shape: [Int] { get }

    /// The weight to use in this forward pass. It stays valid and unchanged until the next call.
    func weight() -> Tensor<Scalar>

    /// Adds dL/dW, for the weight last returned by `weight()`, into whatever trainable state produced it.
    func accumulateGradient(_ weightGradient: Tensor<Scalar>)

    /// The trainable parameters behind the weight: a dense source's own weight, or the bank a
    /// generated source shares with other layers (models list each parameter once).
    var parameters: [Parameter<Scalar>] { get }
}
