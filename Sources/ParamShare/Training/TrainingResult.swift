/// What one epoch of training gave.
public struct EpochRecord: Sendable, Hashable {
    /// 1-based.
    public var epoch: Int
    /// The mean training loss over the epoch's batches.
    public var trainLoss: Double
    /// The share of training images classified correctly during the epoch (with augmentation, in training mode).
    public var trainAccuracy: Double
    /// Top-1 accuracy on the test split, in evaluation mode, after the epoch; NaN when the run
    /// evaluates no test images (a tuning trial).
    public var testAccuracy: Double
    /// Top-1 accuracy on the validation part, in evaluation mode, after the epoch; NaN without one.
    public var validationAccuracy: Double
    /// The mean cross-entropy (without label smoothing) on the validation part after the epoch; NaN without one.
    public var validationLoss: Double
    /// The learning rate of the epoch's last step.
    public var learningRate: Double
    /// Wall-clock seconds for the epoch, its evaluations included.
    public var seconds: Double

    package init(epoch: Int, trainLoss: Double, trainAccuracy: Double, testAccuracy: Double, validationAccuracy: Double = .nan,
                validationLoss: Double = .nan, learningRate: Double, seconds: Double) {
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.trainAccuracy = trainAccuracy
        self.testAccuracy = testAccuracy
        self.validationAccuracy = validationAccuracy
        self.validationLoss = validationLoss
        self.learningRate = learningRate
        self.seconds = seconds
    }
}

/// How a run ended (see `FailureDetector`).
public enum RunStatus: String, Sendable, Hashable {
    /// Every epoch finished, and the run learned something.
    case ok
    /// A batch's loss became non-finite or left its bound; the run stopped there.
    case diverged
    /// The run finished at chance accuracy with the loss of a uniform prediction.
    case collapsed
}

/// The outcome of one training run.
public struct TrainingResult: Sendable, Hashable {
    public var status: RunStatus
    /// The epoch the run diverged in, or from which it stayed collapsed; `nil` when it is `ok`.
    public var statusEpoch: Int?
    /// Why the run failed, in words; `nil` when it is `ok`.
    public var failureReason: String?
    /// One record per finished epoch.
    public var epochs: [EpochRecord]
    /// The mean loss of the last finished epoch (NaN if none finished).
    public var finalTrainLoss: Double { epochs.last?.trainLoss ?? .nan }
    /// Test accuracy after the last finished epoch (NaN if none finished).
    public var testAccuracy: Double { epochs.last?.testAccuracy ?? .nan }
    /// The best test accuracy over the finished epochs (NaN if none finished, or none was tested).
    public var bestTestAccuracy: Double { epochs.map(\.testAccuracy).filter { !$0.isNaN }.max() ?? .nan }
    /// Validation accuracy after the last finished epoch (NaN if none finished, or without a validation part).
    public var validationAccuracy: Double { epochs.last?.validationAccuracy ?? .nan }
    /// Validation loss after the last finished epoch (NaN if none finished, or without a validation part).
    public var validationLoss: Double { epochs.last?.validationLoss ?? .nan }
    /// The best validation accuracy over the finished epochs (NaN if none finished, or without a validation part).
    public var bestValidationAccuracy: Double { epochs.map(\.validationAccuracy).filter { !$0.isNaN }.max() ?? .nan }
    public var wallSeconds: Double

    package init(status: RunStatus, statusEpoch: Int? = nil, failureReason: String? = nil, epochs: [EpochRecord], wallSeconds: Double) {
        self.status = status
        self.statusEpoch = statusEpoch
        self.failureReason = failureReason
        self.epochs = epochs
        self.wallSeconds = wallSeconds
    }
}
