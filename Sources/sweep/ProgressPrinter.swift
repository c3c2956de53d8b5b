import Foundation
import ParamShare

/// Shows training progress: one live, overwritten line on a terminal, plain log lines otherwise.
final class ProgressPrinter {
    private let isTerminal = isatty(STDOUT_FILENO) == 1
    private var lastRedraw = 0.0

    func log(_ message: String) {
        print(message)
        fflush(nil)  // all streams: Swift 6 cannot name the C global `stdout`
    }

    /// A progress update of the run called `label`.
    func show(_ label: String, _ progress: TrainingProgress) {
        if let epoch = progress.finishedEpoch {
            clearLine()
            log(String(format: "%@  epoch %d/%d  loss %.4f  train acc %.4f  test acc %.4f  lr %.5f  %.1f s",
                       label, epoch.epoch, progress.epochs, epoch.trainLoss, epoch.trainAccuracy, epoch.testAccuracy,
                       epoch.learningRate, epoch.seconds))
            return
        }
        // Redraw at most ten times a second; a terminal is slower than a small model's steps.
        guard isTerminal, progress.elapsedSeconds - lastRedraw >= 0.1 else { return }
        lastRedraw = progress.elapsedSeconds
        let line = String(format: "%@  epoch %d/%d  step %d/%d  loss %.4f  %.0f img/s  ETA %@", label, progress.epoch,
                          progress.epochs, progress.step, progress.totalSteps, progress.loss, progress.imagesPerSecond,
                          Self.duration(progress.estimatedSecondsLeft))
        print("\r\u{1B}[2K" + line, terminator: "")
        fflush(nil)  // all streams: Swift 6 cannot name the C global `stdout`
    }

    /// The end of the run called `label`.
    func finish(_ label: String, _ result: TrainingResult) {
        clearLine()
        log(String(format: "%@  %@  test acc %.4f (best %.4f)  %.1f s", label, result.status.rawValue, result.testAccuracy,
                   result.bestTestAccuracy, result.wallSeconds))
        lastRedraw = 0
    }

    private func clearLine() {
        if isTerminal { print("\r\u{1B}[2K", terminator: "") }
    }

    private static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "--" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%dh%02dm", s / 3600, s % 3600 / 60) : String(format: "%dm%02ds", s / 60, s % 60)
    }
}
