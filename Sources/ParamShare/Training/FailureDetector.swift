import Foundation

/// Tells a run that learned from one that diverged or collapsed, so that no failure is recorded as `ok`.
///
/// Only a NaN or infinite loss used to count as a failure. But sharing amplifies a step (a bank
/// entry used k times gets the sum of k weight gradients), and runs also fail quietly: one
/// low-rank run's loss jumped to 2·10¹⁰ in epoch 2, then sat at ln 10 with 11 % accuracy to the
/// end, and its row said `ok`. Two rules catch both shapes:
///
/// - **Diverged**: a batch loss that is not finite, or an epoch whose mean training loss is above
///   ``divergenceFactor`` times the first batch's loss. A network starts near ln(classes); an
///   epoch three times above that is no training noise. One batch that far above is not enough:
///   on digits, 5 of the 13 runs a one-batch rule stopped (spikes to 7–12 near the one-cycle
///   peak) recovered when trained on, to 92–96 % test accuracy, where the rule had recorded the
///   10–16 % of the epoch it stopped in.
/// - **Collapsed**: a run that ends with test (or, for a tuning trial, validation) accuracy at most ``chanceMargin`` times chance and
///   a final training loss within ``collapseTolerance`` of ln(classes), the loss of predicting
///   every class alike. Label smoothing does not move that point.
package struct FailureDetector: Sendable {
    /// The number of classes, whose logarithm is the loss of a uniform prediction.
    package var classes: Int
    package var divergenceFactor = 3.0
    package var chanceMargin = 1.5
    /// Relative distance from ln(classes).
    package var collapseTolerance = 0.02
    /// The first batch's loss, once seen; set otherwise only by a resumed run (``TrainingSnapshot``).
    package internal(set) var initialLoss: Double?

    package init(classes: Int) {
        self.classes = classes
    }

    /// Why the run diverged at a batch of loss `loss`, or `nil` when it did not: only a loss that
    /// is not finite ends a run within an epoch. The first batch's loss is kept as the scale of
    /// ``divergence(atEpochMeanLoss:)``.
    package mutating func divergence(atBatchLoss loss: Double) -> String? {
        guard loss.isFinite else { return "the loss became \(loss)" }
        if initialLoss == nil { initialLoss = loss }
        return nil
    }

    /// Why the run diverged in an epoch of mean training loss `loss`, or `nil` when it did not.
    package func divergence(atEpochMeanLoss loss: Double) -> String? {
        guard let initialLoss, loss > divergenceFactor * initialLoss else { return nil }
        return String(format: "the epoch's mean training loss of %.4g exceeded %g times the first batch's %.4g", loss, divergenceFactor, initialLoss)
    }

    /// Why a finished run with these epochs collapsed, and the epoch from which it stayed collapsed;
    /// `nil` when it did not.
    package func collapse(of epochs: [EpochRecord]) -> (reason: String, epoch: Int)? {
        guard let last = epochs.last, classes > 1 else { return nil }
        let uniform = log(Double(classes)), chance = 1 / Double(classes)
        func isFlat(_ record: EpochRecord) -> Bool { abs(record.trainLoss - uniform) <= collapseTolerance * uniform }
        // A tuning trial evaluates no test images; its validation accuracy tells the same.
        let (accuracy, part) = last.testAccuracy.isNaN ? (last.validationAccuracy, "validation") : (last.testAccuracy, "test")
        guard accuracy <= chanceMargin * chance, isFlat(last) else { return nil }
        let since = epochs.reversed().prefix { isFlat($0) }.last?.epoch ?? last.epoch
        return (String(format: "the training loss stayed at %.4f ≈ ln %d from epoch %d and the ", last.trainLoss, classes, since)
                    + part + String(format: " accuracy ended at %.3f ≈ chance (%.3f)", accuracy, chance), since)
    }
}
