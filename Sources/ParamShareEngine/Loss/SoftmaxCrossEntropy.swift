/// The mean softmax cross-entropy of a batch of logits against integer labels, with optional
/// label smoothing (Szegedy et al.), as `torch.nn.functional.cross_entropy(label_smoothing:)`.
public final class SoftmaxCrossEntropy<Scalar: EngineScalar> {
    /// ε: the target puts 1 − ε + ε/K on the label and ε/K on every other class.
    public let labelSmoothing: Double
    /// dL/d(logits) of the last `forward`, for the mean loss over the batch.
    package private(set) var logitsGradient: Tensor<Scalar>?

    public init(labelSmoothing: Double = 0) {
        precondition(labelSmoothing >= 0 && labelSmoothing < 1, "label smoothing must be in [0, 1), got \(labelSmoothing)")
        self.labelSmoothing = labelSmoothing
    }

    /// The result of one forward pass.
    public struct Result: Sendable {
        /// The mean loss over the batch.
        public var loss: Double
        /// How many items have the label as their highest logit.
        public var correct: Int
    }

    /// Computes the mean loss of `logits` `[N, K]` against `labels` (each in `0..<K`) and
    /// stores dL/d(logits) in `logitsGradient`.
    public func forward(logits: Tensor<Scalar>, labels: [Int32]) -> Result {
        precondition(logits.shape.count == 2 && logits.shape[0] == labels.count,
                     "cross-entropy: logits \(logits.shape) do not match \(labels.count) labels")
        let (items, classes) = (logits.shape[0], logits.shape[1])
        precondition(labels.allSatisfy { $0 >= 0 && Int($0) < classes }, "cross-entropy: a label is outside 0..<\(classes)")
        let gradient = logitsGradient.reuse(shape: logits.shape)
        let (lossSum, correct) = labels.withUnsafeBufferPointer { labels in
            softmaxCrossEntropy(logits: logits.data, labels: labels.baseAddress!, items: items, classes: classes,
                                labelSmoothing: Scalar(labelSmoothing), gradient: gradient.data)
        }
        return Result(loss: lossSum / Double(items), correct: correct)
    }
}
