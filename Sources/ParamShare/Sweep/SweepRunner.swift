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
///
/// A run resumes at its last finished epoch: at the end of every epoch but the last, its
/// ``TrainingSnapshot`` replaces the previous one in the folder beside the runs table
/// (`snapshotDirectory(forRunsAt:)`), as `CELL_ID.safetensors`; a rerun finds it and trains
/// on from there, to the same bits; the row's writing deletes it.
public struct SweepRunner {
    /// What happens, for progress displays. Delivered from worker threads, one at a time.
    public enum Event {
        /// A table's cut-off last line was set aside (see `CSVTable/readExisting(at:accepting:expected:explaining:)`).
        case repaired(String)
        /// Cells of the grid that are the same experiment as an earlier cell, left out.
        case duplicates(Int)
        case skipped(finished: Int)
        case started(cell: SweepCell, label: String)
        /// A run takes up its snapshot at `path` and goes on after epoch `epochsFinished`.
        case resumed(label: String, path: String, epochsFinished: Int)
        case progress(label: String, TrainingProgress)
        case finished(label: String, RunRecord)
    }

    public var cells: [SweepCell]
    public var data: DatasetSplit
    public var runsPath: String
    public var epochsPath: String
    /// Cells trained at once, each on `EngineThreads.count` threads.
    public var jobs: Int
    /// The columns the runs table gets at least, with the option columns of every registered
    /// generator, so that tables written with one registry share a header.
    package var layout: RunsTableLayout
    /// Where each trained model is saved as a ``Checkpoint`` named `CELL_ID.safetensors`, or `nil` to keep none.
    ///
    /// A checkpoint is written before its cell's row, so a row always has its model; a crash
    /// between the two leaves a checkpoint that the cell's rerun replaces.
    public var checkpointDirectory: String?

    /// A runner for `cells`, which must all be of `data` (``DataSubset``).
    ///
    /// `optionColumns` are the option columns the runs table gets at least (a registry's
    /// ``GeneratorRegistry/optionColumns``, so that tables written with one registry share a
    /// header); by default, the options of the cells' own generators.
    public init(cells: [SweepCell], data: DatasetSplit, runsPath: String, epochsPath: String, jobs: Int = 1,
                optionColumns: [String]? = nil, checkpointDirectory: String? = nil) {
        self.checkpointDirectory = checkpointDirectory
        self.cells = cells
        self.data = data
        self.runsPath = runsPath
        self.epochsPath = epochsPath
        self.jobs = jobs
        self.layout = RunsTableLayout(optionColumns: optionColumns ?? cells.compactMap(\.sharing?.generator).flatMap(\.descriptor.optionColumns))
    }

    /// The per-epoch table that goes with the runs table at `runsPath`: `runs.csv` → `runs.epochs.csv`.
    public static func epochsPath(forRunsAt runsPath: String) -> String {
        (runsPath.hasSuffix(".csv") ? String(runsPath.dropLast(4)) : runsPath) + ".epochs.csv"
    }

    /// The folder of the runs table at `runsPath`'s snapshots: `runs.csv` → `runs.snapshots`.
    package static func snapshotDirectory(forRunsAt runsPath: String) -> String {
        (runsPath.hasSuffix(".csv") ? String(runsPath.dropLast(4)) : runsPath) + ".snapshots"
    }

    /// Where `cell`'s snapshot is kept while it trains for the runs table at `runsPath`:
    /// `runs.snapshots/CELL_ID.safetensors`.
    package static func snapshotPath(of cell: SweepCell, forRunsAt runsPath: String) -> String {
        (snapshotDirectory(forRunsAt: runsPath) as NSString).appendingPathComponent("\(cell.identifier).safetensors")
    }

    /// Trains every cell the tables do not hold yet, each from its snapshot if it has one, and
    /// returns the records of those it trained.
    ///
    /// - Throws: ``FileError`` for a snapshot that cannot be resumed (cut short, of
    ///   another cell or another version), naming the file; deleting it restarts that run.
    public func run(events: @escaping @Sendable (Event) -> Void = { _ in }) throws -> [RunRecord] {
        let subset = DataSubset(data)
        if let stranger = cells.first(where: { $0.data != subset }) {
            preconditionFailure("cell \(stranger.label) is of \(stranger.data), not of the runner's data \(subset)")
        }
        // A table that holds every cell already is left byte for byte as it is: it gains newer
        // columns only when a run is appended to it.
        let unique = Self.uniqueCells(cells)
        let existing = try CSVTable.readExisting(at: runsPath, accepting: { RunsTableLayout(header: $0) != nil },
                                                 expected: "a runs table's", explaining: RunsTableLayout.differences)
        let recorded = existing.flatMap { table in
            table.document.header.firstIndex(of: RunSchema.cellIdentifier.name).map { column in Set(table.document.rows.map { $0[column] }) }
        }
        let snapshots = Self.snapshotDirectory(forRunsAt: runsPath)
        let snapshotPath = { @Sendable [runsPath] (cell: SweepCell) in Self.snapshotPath(of: cell, forRunsAt: runsPath) }
        if let existing, let recorded, unique.allSatisfy({ recorded.contains($0.identifier) }) {
            // A kill between a row and its snapshot's deletion leaves the snapshot of a finished run.
            try Self.discardSnapshots(of: unique.map(snapshotPath))
            if let repair = existing.repair { events(.repaired(repair)) }
            if unique.count < cells.count { events(.duplicates(cells.count - unique.count)) }
            events(.skipped(finished: unique.count))
            return []
        }
        // Reading it above set aside a cut-off last line, if it had one; opening it finds none.
        let (runs, layout, laterRepair) = try Self.openRunsTable(path: runsPath, layout: layout,
                                                                      descriptors: cells.compactMap { $0.sharing?.generator.descriptor })
        let repair = existing?.repair ?? laterRepair
        // Made before any training: a folder that cannot be made would otherwise lose each run
        // at its end, when its checkpoint is written.
        if let checkpointDirectory { try OutputLocation.prepareFolder(of: (checkpointDirectory as NSString).appendingPathComponent("model.safetensors")) }
        let (epochs, epochsRepair) = try Self.openEpochsTable(path: epochsPath)
        for report in [repair, epochsRepair].compactMap({ $0 }) { events(.repaired(report)) }
        let finished = try Set(runs.column(RunSchema.cellIdentifier.name))
        let epochCell = RunRecord.epochColumns.firstIndex(of: RunSchema.cellIdentifier.name)!  // the per-epoch table's first column
        try epochs.removeRows { row in !finished.contains(row[epochCell]) }
        let data = data, checkpointDirectory = checkpointDirectory
        if unique.count < cells.count { events(.duplicates(cells.count - unique.count)) }
        let pending = unique.filter { !finished.contains($0.identifier) }
        try Self.discardSnapshots(of: unique.filter { finished.contains($0.identifier) }.map(snapshotPath))
        if let first = pending.first { try OutputLocation.prepareFolder(of: snapshotPath(first)) }
        if pending.count < unique.count { events(.skipped(finished: unique.count - pending.count)) }

        let state = Mutex(RunState())
        let workers = max(1, min(jobs, pending.count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let index = state.withLock({ $0.nextCell(of: pending.count) }) {
                let cell = pending[index], label = cell.label
                events(.started(cell: cell, label: label))
                do {
                    let path = snapshotPath(cell)
                    // Ours alone, from a process killed mid-write: no other process trains this cell of this table.
                    try SafetensorsFile.removeTemporaries(of: path)
                    let snapshot = FileManager.default.fileExists(atPath: path) ? try TrainingSnapshot(contentsOf: path) : nil
                    if let snapshot { events(.resumed(label: label, path: path, epochsFinished: snapshot.epochsFinished)) }
                    let record = try Self.train(cell, on: data, checkpointDirectory: checkpointDirectory, snapshotPath: path,
                                                resumingFrom: snapshot) {
                        events(.progress(label: label, $0))
                    }
                    try state.withLock { _ in
                        try epochs.append(rows: record.epochValues)
                        try runs.append(record.values(in: layout))
                    }
                    try Self.discardSnapshots(of: [path])
                    state.withLock { $0.records.append(record) }
                    events(.finished(label: label, record))
                } catch {
                    state.withLock { $0.fail(error) }
                }
            }
        }
        // Every run that finished took its snapshot with it; an empty folder is no news.
        if (try? FileManager.default.contentsOfDirectory(atPath: snapshots))?.isEmpty == true { try? FileManager.default.removeItem(atPath: snapshots) }
        return try state.withLock { state in
            if let error = state.error { throw error }
            return state.records
        }
    }
}

extension SweepRunner {
    /// Builds `cell`'s model, trains it on `data` and returns its row, saving the trained model
    /// into `checkpointDirectory` as `CELL_ID.safetensors` if one is given.
    ///
    /// The run starts from `snapshot` if one is given, and writes its snapshot at `snapshotPath`
    /// after every epoch but the last, if that is given; the caller deletes it once the row is kept.
    ///
    /// A diverged run saves nothing: its weights are past the point its row records.
    ///
    /// - Throws: ``FileError`` for a snapshot of another cell or a model that differs, or
    ///   a snapshot or checkpoint that cannot be written.
    public static func train(_ cell: SweepCell, on data: DatasetSplit, checkpointDirectory: String? = nil,
                             snapshotPath: String? = nil, resumingFrom snapshot: TrainingSnapshot? = nil,
                             progress: ((TrainingProgress) -> Void)? = nil) throws -> RunRecord {
        let model = try CellModel(building: cell, inputShape: data.train.imageShape, classes: data.train.classes)
        let result = try Trainer(configuration: cell.configuration, trainsBanks: cell.sharing?.trainsBank ?? true, progress: progress,
                                 intervention: model.intervention)
            .train(model.network, on: data, run: cell.identifier, resumingFrom: snapshot) { try snapshotPath.map($0.write) }
        if let checkpointDirectory, result.status != .diverged {
            let checkpoint = Checkpoint(cell: cell, network: model.network, inputShape: data.train.imageShape, classes: data.train.classes,
                                        normalization: ChannelNormalization(statisticsOf: data.train), testAccuracy: result.testAccuracy)
            try checkpoint.write(to: (checkpointDirectory as NSString).appendingPathComponent("\(cell.identifier).safetensors"))
        }
        var degreesOfFreedom = model.degreesOfFreedom
        degreesOfFreedom.meanDuringTraining = model.intervention?.meanTrainedDegreesOfFreedom
        var record = RunRecord(cell: cell, modelName: model.name, degreesOfFreedom: degreesOfFreedom, result: result)
        record.convolutionKernels = model.network.convolutionKernels
        return record
    }

    /// Deletes the snapshots at `paths`, of runs whose rows are in the table, and the temporary
    /// files of their writers.
    static func discardSnapshots(of paths: [String]) throws {
        for path in paths {
            try SafetensorsFile.removeTemporaries(of: path)
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        }
    }

    /// The first cell of each identity, in grid order: `--seeds 0,0` or `--budgets 2k,2000` name one experiment twice.
    package static func uniqueCells(_ cells: [SweepCell]) -> [SweepCell] {
        var seen = Set<String>()
        return cells.filter { seen.insert($0.identifier).inserted }
    }

    /// Opens the runs table at `path` for appending, creating it with `layout`, or widening an
    /// existing table to the option columns of both; also returns what had to be repaired at
    /// its end, if anything. A row of one of `descriptors` that lacks a column of its own
    /// generator's options gets what the option says older rows read as.
    ///
    /// - Throws: ``FileError`` naming the file and line when the file
    ///   exists but is not a runs table, or cannot be read; it is then left unchanged.
    package static func openRunsTable(path: String, layout: RunsTableLayout, descriptors: [GeneratorDescriptor] = []) throws
        -> (table: CSVTable, layout: RunsTableLayout, repair: String?) {
        try OutputLocation.prepareFolder(of: path)
        guard let existing = try CSVTable.readExisting(at: path, accepting: { RunsTableLayout(header: $0) != nil },
                                                       expected: "a runs table's", explaining: RunsTableLayout.differences) else {
            return (try CSVTable(path: path, columns: layout.columns), layout, nil)
        }
        let current = RunsTableLayout(header: existing.document.header)!  // accepted above
        let widened = current.widened(with: layout)
        if widened.columns != existing.document.header {
            try CSVTable.widen(path: path, to: widened.columns) { column, value in
                RunsTableLayout.value(ofMissing: column, inRowOf: value("generator") ?? "", descriptors: descriptors)
            }
        }
        return (try CSVTable(path: path, columns: widened.columns), widened, existing.repair)
    }

    /// Opens the per-epoch table at `path` for appending, creating it, or widening one written
    /// before `RunRecord.addedEpochColumns` (their old rows hold nothing there); also returns
    /// what had to be repaired at its end, if anything.
    static func openEpochsTable(path: String) throws -> (table: CSVTable, repair: String?) {
        let columns = RunRecord.epochColumns
        try OutputLocation.prepareFolder(of: path)
        let existing = try CSVTable.readExisting(
            at: path, accepting: { header in header == columns.filter { !RunRecord.addedEpochColumns.contains($0) || header.contains($0) } },
            expected: "a per-epoch table's")
        if let existing, existing.document.header != columns { try CSVTable.widen(path: path, to: columns, fill: { _, _ in "" }) }
        let table = try CSVTable(path: path, columns: columns)
        return (table, existing?.repair ?? table.repair)
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
