import Dispatch
import Foundation
import ParamShareEngine
import Synchronization

/// Runs the cells of a grid, several at a time, appending each finished cell to the runs and
/// per-epoch tables, and skipping cells those tables already hold.
///
/// A cell counts as finished once its row is in the runs table: its epoch rows are written
/// first, in one `write`, then the row, in another. A crash between the two leaves epoch rows
/// of an unfinished cell; the next run removes them before it reruns the cell, so the
/// per-epoch table never holds a cell twice.
public struct SweepRunner {
    /// What happens, for progress displays. Delivered from worker threads, one at a time.
    public enum Event {
        case skipped(finished: Int)
        case started(cell: SweepCell, label: String)
        case progress(label: String, TrainingProgress)
        case finished(label: String, RunRecord)
    }

    public var cells: [SweepCell]
    public var data: DatasetSplit
    public var runsPath: String
    public var epochsPath: String
    /// Cells trained at once, each on `EngineThreads.count` threads.
    public var jobs: Int

    public init(cells: [SweepCell], data: DatasetSplit, runsPath: String, epochsPath: String, jobs: Int = 1) {
        self.cells = cells
        self.data = data
        self.runsPath = runsPath
        self.epochsPath = epochsPath
        self.jobs = jobs
    }

    /// The per-epoch table that goes with the runs table at `runsPath`: `runs.csv` → `runs.epochs.csv`.
    public static func epochsPath(forRunsAt runsPath: String) -> String {
        (runsPath.hasSuffix(".csv") ? String(runsPath.dropLast(4)) : runsPath) + ".epochs.csv"
    }

    /// Label a cell in logs and progress lines.
    public static func label(of cell: SweepCell) -> String {
        "\(cell.architecture) \(cell.generator) \(cell.budget?.description ?? "full") seed \(cell.configuration.seed)"
    }

    /// Trains every cell the tables do not hold yet and returns the records of those it trained.
    public func run(events: @escaping @Sendable (Event) -> Void = { _ in }) throws -> [RunRecord] {
        let runs = try CSVTable(path: runsPath, columns: RunRecord.columns)
        let epochs = try CSVTable(path: epochsPath, columns: RunRecord.epochColumns)
        let finished = try Set(runs.column("cell_id"))
        try epochs.removeRows { row in !finished.contains(row[0]) }
        let data = data
        let pending = cells.filter { !finished.contains($0.identifier(dataset: data.train.name, trainImages: data.train.count)) }
        if pending.count < cells.count { events(.skipped(finished: cells.count - pending.count)) }

        let state = Mutex(RunState())
        let workers = max(1, min(jobs, pending.count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let index = state.withLock({ $0.nextCell(of: pending.count) }) {
                let cell = pending[index], label = Self.label(of: cell)
                events(.started(cell: cell, label: label))
                do {
                    let record = try cell.run(on: data) { events(.progress(label: label, $0)) }
                    try state.withLock { _ in
                        try epochs.append(rows: record.epochValues)
                        try runs.append(record.values)
                    }
                    state.withLock { $0.records.append(record) }
                    events(.finished(label: label, record))
                } catch {
                    state.withLock { $0.fail(error) }
                }
            }
        }
        return try state.withLock { state in
            if let error = state.error { throw error }
            return state.records
        }
    }
}

/// The shared state of a runner's workers.
private struct RunState: ~Copyable {
    var next = 0
    var records: [RunRecord] = []
    var error: (any Error)?

    /// The index of the next cell to train, or `nil` when all are taken or a worker failed.
    mutating func nextCell(of count: Int) -> Int? {
        guard error == nil, next < count else { return nil }
        defer { next += 1 }
        return next
    }

    mutating func fail(_ error: any Error) {
        if self.error == nil { self.error = error }
    }
}
