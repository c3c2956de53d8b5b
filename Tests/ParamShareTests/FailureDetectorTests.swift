import Foundation
import ParamShare
import ParamShareEngine
import Testing
import TestSupport

@Suite("Failure detection")
struct FailureDetectorTests {
    private func epochs(_ losses: [Double], accuracies: [Double]) -> [EpochRecord] {
        zip(losses, accuracies).enumerated().map { index, pair in
            EpochRecord(epoch: index + 1, trainLoss: pair.0, trainAccuracy: pair.1, testAccuracy: pair.1, learningRate: 0.1, seconds: 1)
        }
    }

    @Test("within an epoch only a loss that stops being finite diverges, at that batch; a spike does not", arguments: [
        ([2.31, 2.2, 1.9, 7.0], nil), ([2.31, 2.0, 2e10], nil), ([2.3, 1.5, .nan], 2), ([2.3, 1.2, -.infinity], 2), (([Double.nan]), 0),
        ([2.31, 2.5, 2.9, 1.8, 0.9, 6.9, 0.4], nil),
    ] as [([Double], Int?)])
    func batchDivergence(batchLosses: [Double], divergingBatch: Int?) {
        var detector = FailureDetector(classes: 10)
        let verdicts = batchLosses.map { detector.divergence(atBatchLoss: $0) }
        #expect(verdicts.firstIndex { $0 != nil } == divergingBatch, "\(verdicts)")
    }

    @Test("an epoch whose mean loss is above three times the first batch's diverges; one at or below it does not")
    func epochDivergence() throws {
        var detector = FailureDetector(classes: 10)
        #expect(detector.divergence(atEpochMeanLoss: 1e9) == nil, "no first batch seen yet: no scale to judge by")
        _ = detector.divergence(atBatchLoss: 2.0)
        _ = detector.divergence(atBatchLoss: 9.0)
        #expect(detector.divergence(atEpochMeanLoss: 6.0) == nil)
        #expect(detector.divergence(atEpochMeanLoss: 1.2) == nil)
        let reason = try #require(detector.divergence(atEpochMeanLoss: 6.01))
        #expect(reason.contains("6.01") && reason.contains("first batch's 2"), "\(reason)")
    }

    @Test("a run that ends at chance with ln(classes) loss collapsed, from the epoch the loss went flat")
    func collapse() throws {
        let detector = FailureDetector(classes: 10)
        let flat = log(10.0)
        let collapsed = try #require(detector.collapse(of: epochs([1.9, 2e3, flat + 0.01, flat, flat - 0.02], accuracies: [0.4, 0.1, 0.11, 0.1, 0.102])))
        #expect(collapsed.epoch == 3)
        #expect(collapsed.reason.contains("≈ ln 10 from epoch 3"), "\(collapsed.reason)")
        // Low accuracy with a loss that still moves is a weak run, not a collapse; so is chance loss with real accuracy.
        #expect(detector.collapse(of: epochs([2.0, 1.7, 1.6], accuracies: [0.3, 0.4, 0.42])) == nil)
        #expect(detector.collapse(of: epochs([2.2, flat], accuracies: [0.5, 0.6])) == nil)
        #expect(detector.collapse(of: []) == nil)
    }

    @Test("a run at an absurd learning rate is recorded as diverged, with its epoch and reason, not as ok")
    func trainerRecordsDivergence() throws {
        let data = try DigitsLoader.load()
        let model = Architecture.mlp(hiddenWidths: [32]).build(inputShape: data.train.imageShape, classes: data.train.classes,
                                                               random: RandomSource(seed: 1))
        var configuration = TrainingConfiguration.defaults(for: .digits, seed: 1)
        configuration.epochs = 3
        configuration.learningRate = 1e4
        let result = try Trainer(configuration: configuration).train(model, on: data)
        #expect(result.status == .diverged)
        #expect(result.statusEpoch == 1)
        #expect(result.failureReason != nil)
    }
}
