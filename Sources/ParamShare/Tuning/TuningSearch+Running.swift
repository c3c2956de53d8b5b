import Foundation

extension TuningSearch {
    /// How a call to ``run(on:trialsPath:earlierTrials:shard:jobs:layout:announce:events:)`` ended.
    package enum Outcome: Sendable {
        /// Every group has its selection, also written to ``selectionPath(forTrialsAt:)``.
        case finished([TuningSelection])
        /// This shard has trained its part of the current rungs; `remaining` trials of other
        /// shards must finish, and their tables be merged, before the next rung can be chosen.
        case waitingForShards(remaining: Int)
    }

    /// The file beside a trials table that records which search it belongs to: `trials.csv` → `trials.search.txt`.
    package static func recordPath(forTrialsAt path: String) -> String { stem(of: path) + ".search.txt" }

    /// The selection table a finished search writes beside its trials: `trials.csv` → `trials.selection.csv`.
    package static func selectionPath(forTrialsAt path: String) -> String { stem(of: path) + ".selection.csv" }

    private static func stem(of path: String) -> String { path.hasSuffix(".csv") ? String(path.dropLast(4)) : path }

    /// Trains the trials of every group's current rung, rung after rung, appending each to the
    /// runs table at `trialsPath`, until every group has its selection, or, in a shard, until the
    /// next rung needs other shards' trials.
    ///
    /// Trials already in `trialsPath` or in `earlierTrials` (the merged tables of earlier rungs of
    /// a sharded search) are not trained again, so a killed search resumes where it stopped.
    /// `data` must hold the validation part and no test images: a trial never sees the test set.
    ///
    /// A trials table may grow: a later call may search more cells under the same protocol, and
    /// the selection table then holds every finished cell's selection.
    ///
    /// - Throws: ``FileError`` when `trialsPath` belongs to another search (its record file
    ///   names another protocol, or one of these cells under another recipe, or the table holds
    ///   rows that are not trials of the cells it records), before anything trains.
    package func run(on data: DatasetSplit, trialsPath: String, earlierTrials: [String] = [], shard: SweepShard,
                    jobs: Int, layout: RunsTableLayout, announce: (_ trials: Int, _ message: String) -> Void = { _, _ in },
                    events: @escaping @Sendable (SweepRunner.Event) -> Void = { _ in }) throws -> Outcome {
        precondition(data.validation != nil && data.test.count == 0, "a search trains on a split with validation images and no test images")
        let tableHoldsOtherCells = try claim(trialsPath: trialsPath)
        let possible = try possibleTrialIdentifiers()
        while true {
            let outcomes = try Self.outcomes(inTablesAt: [trialsPath] + earlierTrials)
            if !tableHoldsOtherCells, let stranger = outcomes.keys.first(where: { !possible.contains($0) }) {
                throw FileError(path: trialsPath, problem: "it or an earlier trials table holds run \(stranger), which is not a trial of this "
                                + "search (another space, recipe or grid wrote it)", fix: "Give this search a new trials table.")
            }
            let progress = try progress(given: outcomes)
            if progress.pendingTrials.isEmpty {
                try TuningSelection.write(progress.selections, to: Self.selectionPath(forTrialsAt: trialsPath), keepingOthers: true)
                return .finished(progress.selections)
            }
            let pending = Set(progress.pendingTrials.map(\.identifier))
            let mine = shard.select(progress.rungTrials).filter { pending.contains($0.identifier) }
            guard !mine.isEmpty else { return .waitingForShards(remaining: progress.pendingTrials.count) }
            announce(mine.count, "\(mine.count) trials of the current rungs to train (epochs \(Set(mine.map(\.configuration.epochs)).sorted().map(String.init).joined(separator: ", ")))")
            _ = try SweepRunner(cells: mine, data: data, runsPath: trialsPath, epochsPath: SweepRunner.epochsPath(forRunsAt: trialsPath),
                                jobs: jobs, optionColumns: layout.optionColumns).run(events: events)
        }
    }

    /// Records the search beside the trials table, or checks that the table is this search's:
    /// the same protocol (space, η, minimum epochs), and no cell recorded with other seeds,
    /// epochs or data. Cells the record does not list yet are added to it. Returns whether the
    /// record lists cells this call does not search (whose trials the table may then hold).
    private func claim(trialsPath: String) throws -> Bool {
        let path = Self.recordPath(forTrialsAt: trialsPath)
        try OutputLocation.prepareFolder(of: path)
        var lines = [String]()
        if FileManager.default.fileExists(atPath: path) {
            let existing: String
            do { existing = try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw FileError(path: path, problem: "it cannot be read (\(error.localizedDescription))", fix: "Check that you may read it.")
            }
            guard existing.hasPrefix(protocolRecord) else {
                let differing = zip(existing.split(separator: "\n"), protocolRecord.split(separator: "\n")).first { $0 != $1 }
                throw FileError(path: trialsPath, problem: "it belongs to another search: \(path) records "
                                + (differing.map { "'\($0.0)' where this search has '\($0.1)'" } ?? "another protocol"),
                                fix: "Give this search a new trials table, or repeat the space, η and minimum epochs of the one that wrote it.")
            }
            lines = existing.dropFirst(protocolRecord.count).split(separator: "\n").map(String.init)
        }
        for (key, line) in groupRecords {
            if let recorded = lines.first(where: { $0.hasPrefix("cell: \(key);") }), recorded != line {
                throw FileError(path: trialsPath, problem: "it already holds a search of this cell under another recipe: \(path) records "
                                + "'\(recorded)' where this search has '\(line)'", fix: "Give this search a new trials table.")
            }
            if !lines.contains(line) { lines.append(line) }
        }
        do { try (protocolRecord + lines.map { $0 + "\n" }.joined()).write(toFile: path, atomically: true, encoding: .utf8) } catch {
            throw FileError(path: path, problem: "it cannot be written (\(error.localizedDescription))", fix: "Check that its folder is writable.")
        }
        return lines.count > groups.count
    }

    /// The outcome of every run in the runs tables at `paths` by cell identifier; a path with no file holds none.
    package static func outcomes(inTablesAt paths: [String]) throws -> [String: TrialOutcome] {
        var outcomes = [String: TrialOutcome]()
        for path in paths where FileManager.default.fileExists(atPath: path) {
            let document = try CSVReader.read(contentsOfFile: path)
            let position = Dictionary(document.header.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            guard let id = position["cell_id"], let status = position["status"], let accuracy = position["validation_accuracy"],
                  let loss = position["validation_loss"] else {
                throw FileError(path: path, line: 1, problem: "it is not a trials table: it lacks cell_id, status, validation_accuracy or validation_loss",
                                fix: "Give the trials tables of this search.")
            }
            for row in document.rows {
                outcomes[row[id]] = TrialOutcome(isOK: row[status] == RunStatus.ok.rawValue, validationAccuracy: Double(row[accuracy]),
                                                 validationLoss: Double(row[loss]))
            }
        }
        return outcomes
    }
}
