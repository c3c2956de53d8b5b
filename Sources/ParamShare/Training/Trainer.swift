import Dispatch
import ParamShareEngine

/// The common CPU training loop: epochs of SGD or AdamW steps, evaluation after each epoch,
/// and divergence detection. Every generator trains through this one loop.
public struct Trainer {
    public var configuration: TrainingConfiguration
    /// Receives progress as the run goes; `nil` for silence.
    public var progress: ((TrainingProgress) -> Void)?
    /// Called after every optimiser step, such as a pruning baseline's masks; `nil` for none.
    public var intervention: (any TrainingIntervention)?
    /// Whether shared banks train; off, they keep their initial values while batch norm, the
    /// stem and the classifier train (the frozen control, ``SharingSetting/trainsBank``).
    public var trainsBanks: Bool

    public init(configuration: TrainingConfiguration, trainsBanks: Bool = true, progress: ((TrainingProgress) -> Void)? = nil,
                intervention: (any TrainingIntervention)? = nil) {
        self.configuration = configuration
        self.trainsBanks = trainsBanks
        self.progress = progress
        self.intervention = intervention
    }

    /// Trains `model` on `data.train`, evaluating on `data.test` (unless it is empty) and on
    /// `data.validation` (if there is one) after every epoch.
    ///
    /// A batch loss that is not finite, or an epoch's mean loss past ``FailureDetector``'s bound,
    /// ends the run with status `diverged` instead of training on garbage; the epochs finished
    /// before it are kept.
    /// A run that ends at chance with a uniform prediction's loss is `collapsed`.
    ///
    /// Sets the model's operand precision to the configuration's, for training and evaluation.
    public func train(_ model: Sequential<Float>, on data: DatasetSplit) -> TrainingResult {
        model.setPrecision(configuration.precision)
        let start = DispatchTime.now().uptimeNanoseconds
        func elapsed(since start: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        let config = configuration
        let normalization = ChannelNormalization(statisticsOf: data.train)
        let training = BatchIterator(dataset: data.train, batchSize: config.batchSize, normalization: normalization,
                                     augmentation: config.augmentation, shuffles: true, seed: config.seed)
        let evaluation = BatchIterator(dataset: data.test, batchSize: config.batchSize, normalization: normalization,
                                       shuffles: false, seed: config.seed)
        let validation = data.validation.map {
            BatchIterator(dataset: $0, batchSize: config.batchSize, normalization: normalization, shuffles: false, seed: config.seed)
        }
        let optimizer = config.makeOptimizer(for: model.parameters, trainsBanks: trainsBanks)
        let schedule = config.learningRateSchedule
        let trainingStep = TrainingStep(model: model, loss: SoftmaxCrossEntropy<Float>(labelSmoothing: config.labelSmoothing),
                                        optimizer: optimizer)
        let totalSteps = config.epochs * training.batchesPerEpoch
        var records = [EpochRecord]()
        var step = 0
        var detector = FailureDetector(classes: data.train.classes)
        for epoch in 0..<config.epochs {
            let epochStart = DispatchTime.now().uptimeNanoseconds
            var lossSum = 0.0, correct = 0, seen = 0
            var divergence: String?
            training.forEachBatch(epoch: epoch) { batch in
                optimizer.learningRate = schedule.learningRate(atStep: step, totalSteps: totalSteps)
                let result = trainingStep(images: batch.images, labels: batch.labels)
                divergence = detector.divergence(atBatchLoss: result.loss)
                guard divergence == nil else { return false }
                step += 1
                intervention?.stepFinished(step, of: totalSteps)
                lossSum += result.loss * Double(batch.labels.count)
                correct += result.correct
                seen += batch.labels.count
                progress?(TrainingProgress(epoch: epoch + 1, epochs: config.epochs, step: step, totalSteps: totalSteps,
                                           loss: result.loss, imagesPerSecond: Double(seen) / elapsed(since: epochStart),
                                           elapsedSeconds: elapsed(since: start)))
                return true
            }
            if let divergence = divergence ?? detector.divergence(atEpochMeanLoss: lossSum / Double(seen)) {
                return TrainingResult(status: .diverged, statusEpoch: epoch + 1, failureReason: divergence, epochs: records,
                                      wallSeconds: elapsed(since: start))
            }
            let validated = validation.map { ModelEvaluation(of: model, on: $0) }
            records.append(EpochRecord(
                epoch: epoch + 1, trainLoss: lossSum / Double(seen), trainAccuracy: Double(correct) / Double(seen),
                testAccuracy: data.test.count == 0 ? .nan : ModelEvaluation(of: model, on: evaluation).accuracy,
                validationAccuracy: validated?.accuracy ?? .nan, validationLoss: validated?.loss ?? .nan,
                learningRate: optimizer.learningRate, seconds: elapsed(since: epochStart)))
            progress?(TrainingProgress(epoch: epoch + 1, epochs: config.epochs, step: step, totalSteps: totalSteps,
                                       loss: records.last!.trainLoss, imagesPerSecond: Double(seen) / elapsed(since: epochStart),
                                       elapsedSeconds: elapsed(since: start), finishedEpoch: records.last))
        }
        if let collapse = detector.collapse(of: records) {
            return TrainingResult(status: .collapsed, statusEpoch: collapse.epoch, failureReason: collapse.reason, epochs: records,
                                  wallSeconds: elapsed(since: start))
        }
        return TrainingResult(status: .ok, epochs: records, wallSeconds: elapsed(since: start))
    }

    /// Top-1 accuracy of `model` in evaluation mode over every batch of `data`.
    public static func accuracy(of model: Sequential<Float>, on data: BatchIterator) -> Double {
        ModelEvaluation(of: model, on: data).accuracy
    }
}

/// A snapshot of a run in progress, for progress lines.
public struct TrainingProgress: Sendable {
    public var epoch: Int
    public var epochs: Int
    /// Steps taken so far, of `totalSteps`.
    public var step: Int
    public var totalSteps: Int
    /// The loss of the latest batch, or the epoch's mean loss when `finishedEpoch` is set.
    public var loss: Double
    public var imagesPerSecond: Double
    public var elapsedSeconds: Double
    /// Set once per epoch, after its evaluation.
    public var finishedEpoch: EpochRecord?

    /// Seconds left, extrapolated from the steps done so far.
    public var estimatedSecondsLeft: Double {
        step > 0 ? elapsedSeconds * Double(totalSteps - step) / Double(step) : .infinity
    }
}
