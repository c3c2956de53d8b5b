/// One step of minibatch training: forward in training mode, softmax cross-entropy, backward, an
/// optimiser step and the one explicit zeroing of the gradients.
///
/// The training loop, the throughput benchmark and the determinism tests all take this step, so
/// what is timed and what is checked for bit-identity is what trains.
public struct TrainingStep<Scalar: EngineScalar> {
    public let model: Sequential<Scalar>
    public let loss: SoftmaxCrossEntropy<Scalar>
    public let optimizer: any Optimizer<Scalar>

    public init(model: Sequential<Scalar>, loss: SoftmaxCrossEntropy<Scalar>, optimizer: any Optimizer<Scalar>) {
        self.model = model
        self.loss = loss
        self.optimizer = optimizer
    }

    /// Trains on one batch and returns its loss and correct predictions.
    ///
    /// A batch whose loss is NaN or infinite is not back-propagated: the parameters stay as they
    /// were, and the caller sees the non-finite loss and decides what a divergence means.
    @discardableResult
    public func callAsFunction(images: Tensor<Scalar>, labels: [Int32]) -> SoftmaxCrossEntropy<Scalar>.Result {
        let result = loss.forward(logits: model.forward(images, mode: .training), labels: labels)
        guard result.loss.isFinite else { return result }
        _ = model.backward(loss.logitsGradient!)
        optimizer.step()
        optimizer.zeroGradients()
        return result
    }
}
