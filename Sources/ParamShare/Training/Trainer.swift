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
    /// A batch loss that is not finite, or an epoch's mean loss past `FailureDetector`'s bound,
    /// ends the run with status `diverged` instead of training on garbage; the epochs finished
    /// before it are kept.
    /// A run that ends at chance with a uniform prediction's loss is `collapsed`.
    ///
    /// Sets the model's operand precision to the configuration's, for training and evaluation.
    ///
    /// - Throws: the ``DatasetError`` of a streamed file (`ImageDataset.files`) that can no
    ///   longer be decoded; an in-memory data set cannot fail.
    public func train(_ model: Sequential<Float>, on data: DatasetSplit) throws -> TrainingResult {
        try train(model, on: data, restoring: { _, _, _ in }, epochFinished: { _, _ in })
    }

    /// Trains as ``train(_:on:)`` a run called `run` (a sweep's `cell_id`), first taking up
    /// `snapshot` if one is given, and hands `keep` a ``TrainingSnapshot`` at the end of every
    /// epoch but the last, before that epoch's progress is reported.
    ///
    /// `model` and the intervention must be built as for a run from the start; the snapshot
    /// then overwrites what training changed. The run continues with the epoch after the
    /// snapshot's and ends bit for bit as the run trained straight through would, its wall-clock
    /// seconds aside (they add the earlier parts' to this one's). The last epoch gets no
    /// snapshot: the run's result is what follows it.
    ///
    /// - Throws: ``FileError`` when `snapshot` is not of this run (see
    ///   ``TrainingSnapshot``), before any training; whatever `keep` throws, which ends the run;
    ///   the ``DatasetError`` of a streamed file that can no longer be decoded.
    package func train(_ model: Sequential<Float>, on data: DatasetSplit, run: String, resumingFrom snapshot: TrainingSnapshot? = nil,
                      keep: (TrainingSnapshot) throws -> Void) throws -> TrainingResult {
        let (epochs, intervention) = (configuration.epochs, intervention)
        return try train(model, on: data, restoring: { position, optimizer, stepsPerEpoch in
            try snapshot?.restore(run: run, model: model, optimizer: optimizer, intervention: intervention,
                                  stepsPerEpoch: stepsPerEpoch, epochs: epochs, into: &position)
        }, epochFinished: { position, optimizer in
            guard position.records.count < epochs else { return }
            try keep(TrainingSnapshot(run: run, model: model, optimizer: optimizer, intervention: intervention, position: position))
        })
    }

    /// The loop itself: `restoring` may move the run's start from its first epoch, and
    /// `epochFinished` sees the state after every finished epoch (its seconds those of all parts).
    private func train(_ model: Sequential<Float>, on data: DatasetSplit,
                       restoring: (inout TrainingPosition, any Optimizer<Float>, _ stepsPerEpoch: Int) throws -> Void,
                       epochFinished: (TrainingPosition, any Optimizer<Float>) throws -> Void) throws -> TrainingResult {
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
        var position = TrainingPosition(detector: FailureDetector(classes: data.train.classes))
        try restoring(&position, optimizer, training.batchesPerEpoch)
        // Seconds of this part and the earlier ones: a resumed run's wall time is all of its parts'.
        let seconds = { [earlier = position.earlierSeconds] in earlier + elapsed(since: start) }
        for epoch in position.records.count..<config.epochs {
            let epochStart = DispatchTime.now().uptimeNanoseconds
            var lossSum = 0.0, correct = 0, seen = 0
            var divergence: String?
            try training.forEachBatch(epoch: epoch) { batch in
                optimizer.learningRate = schedule.learningRate(atStep: position.step, totalSteps: totalSteps)
                let result = trainingStep(images: batch.images, labels: batch.labels)
                divergence = position.detector.divergence(atBatchLoss: result.loss)
                guard divergence == nil else { return false }
                position.step += 1
                intervention?.stepFinished(position.step, of: totalSteps)
                lossSum += result.loss * Double(batch.labels.count)
                correct += result.correct
                seen += batch.labels.count
                progress?(TrainingProgress(epoch: epoch + 1, epochs: config.epochs, step: position.step, totalSteps: totalSteps,
                                           loss: result.loss, imagesPerSecond: Double(seen) / elapsed(since: epochStart),
                                           elapsedSeconds: seconds()))
                return true
            }
            if let divergence = divergence ?? position.detector.divergence(atEpochMeanLoss: lossSum / Double(seen)) {
                return TrainingResult(status: .diverged, statusEpoch: epoch + 1, failureReason: divergence, epochs: position.records,
                                      wallSeconds: seconds())
            }
            let validated = try validation.map { try ModelEvaluation(of: model, on: $0) }
            position.records.append(EpochRecord(
                epoch: epoch + 1, trainLoss: lossSum / Double(seen), trainAccuracy: Double(correct) / Double(seen),
                testAccuracy: data.test.count == 0 ? .nan : try ModelEvaluation(of: model, on: evaluation).accuracy,
                validationAccuracy: validated?.accuracy ?? .nan, validationLoss: validated?.loss ?? .nan,
                learningRate: optimizer.learningRate, seconds: elapsed(since: epochStart)))
            var finished = position
            finished.earlierSeconds = seconds()
            try epochFinished(finished, optimizer)
            progress?(TrainingProgress(epoch: epoch + 1, epochs: config.epochs, step: position.step, totalSteps: totalSteps,
                                       loss: position.records.last!.trainLoss, imagesPerSecond: Double(seen) / elapsed(since: epochStart),
                                       elapsedSeconds: seconds(), finishedEpoch: position.records.last))
        }
        if let collapse = position.detector.collapse(of: position.records) {
            return TrainingResult(status: .collapsed, statusEpoch: collapse.epoch, failureReason: collapse.reason, epochs: position.records,
                                  wallSeconds: seconds())
        }
        return TrainingResult(status: .ok, epochs: position.records, wallSeconds: seconds())
    }

    /// Top-1 accuracy of `model` in evaluation mode over every batch of `data`.
    ///
    /// - Throws: the ``DatasetError`` of a streamed file that can no longer be decoded.
    public static func accuracy(of model: Sequential<Float>, on data: BatchIterator) throws -> Double {
        try ModelEvaluation(of: model, on: data).accuracy
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
