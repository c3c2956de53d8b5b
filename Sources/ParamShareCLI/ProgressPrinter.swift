import Foundation
import Logging
import ParamShare
import Synchronization

/// Shows a sweep's progress: on a terminal, one live line with the grid's state (runs done and
/// the time left) and each running run's epoch, step, loss, images per second, time left and
/// last test accuracy; piped (a Slurm log), that line as a plain log line at most every
/// ``pipedProgressInterval`` seconds. Either way a line per finished run, and under `--verbose`
/// a line per finished epoch.
///
/// A piped log is read later, whole: a line per epoch would bury the finished runs (4,500 lines
/// for the main job), and a redrawn line has nothing to redraw.
final class ProgressPrinter: Sendable {
    private struct State {
        var total = 0
        var done = 0
        var running: [String: String] = [:]
        /// When the live line was drawn, or the piped progress line written, last.
        var lastProgress = 0.0
        var secondsPerCell: [Double] = []
    }

    /// The fewest seconds between two progress lines of a piped sweep.
    static let pipedProgressInterval = 30.0
    /// The fewest seconds between two redraws of the live line: often enough to look live.
    private static let liveRedrawInterval = 0.2

    private let logger: Logger
    private let isTerminal: Bool
    /// Seconds since some fixed moment; a test's own clock in place of the wall clock.
    private let clock: @Sendable () -> Double
    private let state = Mutex(State())

    /// A printer for `cells` runs; `isTerminal` and `clock` default to standard output's kind and
    /// the wall clock.
    init(logger: Logger, cells: Int, isTerminal: Bool = isatty(STDOUT_FILENO) == 1,
         clock: @escaping @Sendable () -> Double = { Date().timeIntervalSinceReferenceDate }) {
        self.logger = logger
        self.isTerminal = isTerminal
        self.clock = clock
        let start = clock()
        state.withLock {
            $0.total = cells
            $0.lastProgress = start
        }
    }

    /// Adds `cells` runs to the total, for a command that runs several grids in turn (a search's rungs).
    func expect(_ cells: Int) {
        state.withLock { $0.total += cells }
    }

    /// Handles one event of the runner; safe to call from any thread.
    func handle(_ event: SweepRunner.Event) {
        state.withLock { state in
            switch event {
            case let .repaired(report):
                logger.warning("\(report)")
            case let .duplicates(count):
                state.total -= count
                emit("left out \(count) run\(count == 1 ? "" : "s") that repeat an earlier one of the grid (the same settings, such as --seeds 0,0 or --budgets 2k,2000)")
            case let .skipped(finished):
                state.total -= finished
                emit("skipping \(finished) finished runs already in the table")
            case let .started(_, label):
                state.running[label] = "starting"
            case let .resumed(label, path, epochsFinished):
                emit("\(label)  resuming after epoch \(epochsFinished) from \(path)")
            case let .progress(label, progress):
                state.running[label] = String(format: "epoch %d/%d step %d/%d loss %.4f %.0f img/s ETA %@", progress.epoch,
                                              progress.epochs, progress.step, progress.totalSteps, progress.loss,
                                              progress.imagesPerSecond, Self.duration(progress.estimatedSecondsLeft))
                    + (progress.finishedEpoch.map { " " + Self.accuracies(test: $0.testAccuracy, validation: $0.validationAccuracy) } ?? "")
                if let epoch = progress.finishedEpoch, logger.logLevel <= .debug {
                    emit(String(format: "%@  epoch %d/%d  loss %.4f  train acc %.4f  ", label, epoch.epoch, progress.epochs,
                                epoch.trainLoss, epoch.trainAccuracy)
                         + Self.accuracies(test: epoch.testAccuracy, validation: epoch.validationAccuracy)
                         + String(format: "  lr %.5f  %.1f s", epoch.learningRate, epoch.seconds))
                }
            case let .finished(label, record):
                state.running[label] = nil
                state.done += 1
                state.secondsPerCell.append(record.result.wallSeconds)
                let result = record.result
                emit(String(format: "[%d/%d] %@  %@  ", state.done, state.total, label, result.status.rawValue)
                     + (result.testAccuracy.isNaN ? "" : String(format: "test acc %.4f (best %.4f)  ", result.testAccuracy, result.bestTestAccuracy))
                     + (result.validationAccuracy.isNaN ? "" : String(format: "val acc %.4f  ", result.validationAccuracy))
                     + String(format: "dof %d  %.1f s", record.degreesOfFreedom.entriesRead, result.wallSeconds))
            }
            showProgress(&state)
        }
    }

    /// A log line, with the live line cleared first and drawn again after.
    private func emit(_ message: String) {
        if isTerminal { print("\r\u{1B}[2K", terminator: "") }
        logger.info("\(message)")
    }

    /// Redraws the live line on a terminal, or writes it as a log line when piped and the last
    /// is ``pipedProgressInterval`` old; never under `--quiet`.
    private func showProgress(_ state: inout State) {
        let now = clock()
        guard logger.logLevel <= .info else { return }
        if isTerminal {
            guard now - state.lastProgress >= Self.liveRedrawInterval || state.running.isEmpty else { return }
            state.lastProgress = now
            print("\r\u{1B}[2K" + Self.progressLine(state), terminator: "")
            fflush(nil)  // all streams: Swift 6 cannot name the C global `stdout`
        } else if !state.running.isEmpty, now - state.lastProgress >= Self.pipedProgressInterval {
            state.lastProgress = now
            logger.info("\(Self.progressLine(state))")
        }
    }

    /// `[3/150 done, ETA 2m10s] LABEL: epoch 4/30 step … | LABEL: …`.
    private static func progressLine(_ state: State) -> String {
        let running = state.running.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: " | ")
        let left = state.total - state.done
        let perCell = state.secondsPerCell.isEmpty ? nil : state.secondsPerCell.reduce(0, +) / Double(state.secondsPerCell.count)
        let eta = perCell.map { duration($0 * Double(left) / Double(max(state.running.count, 1))) } ?? "--"
        return "[\(state.done)/\(state.total) done, ETA \(eta)] \(running)"
    }

    /// `test acc 0.912 val acc 0.905`, leaving out what the run did not evaluate.
    private static func accuracies(test: Double, validation: Double) -> String {
        [test.isNaN ? nil : String(format: "test acc %.4f", test), validation.isNaN ? nil : String(format: "val acc %.4f", validation)]
            .compactMap { $0 }.joined(separator: " ")
    }

    private static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "--" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%dh%02dm", s / 3600, s % 3600 / 60) : String(format: "%dm%02ds", s / 60, s % 60)
    }
}
