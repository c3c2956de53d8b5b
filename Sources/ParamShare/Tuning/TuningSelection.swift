import Foundation

/// The settings a search selected for one group of cells, with the space it searched and the
/// budget it spent: one row of a selection table, which `sweep run --tuned` reads back.
package struct TuningSelection: Sendable, Hashable {
    /// The search's `TuningSearch/identifier`, written in the `tuning` column of runs at this selection.
    package var search: String
    /// The space the search varied.
    package var space: TuningSpace
    /// `TuningSpace/tuningKey(of:)` of the cells the selection is for.
    package var tuningKey: String
    /// A cell of the group, at the full recipe, for the descriptive columns.
    package var cell: SweepCell
    /// The selected value of each dimension that applies to the cells.
    package var values: [String: String]
    /// The selected configuration's score at the last rung.
    package var score: TrialScore?
    package var seeds: Int
    package var configurations: Int
    package var schedule: SuccessiveHalving

    init(search: TuningSearch, group: TuningSearch.Group, configuration: Int, score: TrialScore?) {
        self.search = search.identifier
        space = search.space
        tuningKey = group.key
        cell = group.cells[0]
        values = group.configurations[configuration]
        self.score = score
        seeds = group.cells.count
        configurations = group.configurations.count
        schedule = group.schedule
    }

    /// The selected values that are the smallest or the largest number their dimension tried,
    /// as `lr 0.4, the largest tried`: the best of such a dimension may lie beyond the range
    /// searched, so a comparison at the selection may understate the cell's method.
    package var valuesAtRangeEnds: [String] {
        space.dimensions.compactMap { dimension in
            guard let value = values[dimension.name], let end = dimension.rangeEnd(of: value) else { return nil }
            return "\(dimension.name) \(value), the \(end.rawValue) tried"
        }
    }

    /// The selection in one line, as `sweep tune` prints it and the notebooks' findings list it:
    /// the cell, each selected value, the validation accuracy, and the values at an end of the
    /// range searched.
    package var summaryLine: String {
        let chosen = space.names.compactMap { name in values[name].map { "\(name)=\($0)" } }.joined(separator: " ")
        let accuracy = score.map { String(format: "%.4f", $0.validationAccuracy) } ?? "failed"
        let ends = valuesAtRangeEnds
        return "\(cell.label): \(chosen) (validation accuracy \(accuracy))"
            + (ends.isEmpty ? "" : "; at an end of the range searched: \(ends.joined(separator: "; "))")
    }

    /// The columns of a selection table: what the selection is for, one column per dimension of
    /// the space (named as the runs table names the setting; `none` where it does not apply),
    /// the score, and what the search cost and searched.
    package static func columns(of space: TuningSpace) -> [String] {
        ["search", "model", "dataset", "generator", "budget", "scope", "bank"] + space.names
            + ["validation_accuracy", "validation_loss", "seeds", "configurations", "rung_configurations", "rung_epochs",
               "epochs_spent", "full_run_multiple", "train_images", "validation_images", "full_epochs", "eta", "space", "tuning_key"]
    }

    /// The row's values in the order of ``columns(of:)``.
    package var row: [String] {
        let none = RunsTableLayout.notApplicable
        func number(_ value: Double?) -> String { value.map { $0.isFinite ? "\($0)" : "" } ?? "" }
        return [search, "\(cell.architecture)", cell.data.dataset, cell.generatorName, cell.budgetText,
                cell.sharing?.scope.rawValue ?? none, (cell.sharing?.bankTraining).tableText]
            + space.names.map { values[$0] ?? none }
            + [number(score?.validationAccuracy), number(score?.validationLoss), String(seeds), String(configurations),
               schedule.rungs.map { String($0.configurations) }.joined(separator: ","),
               schedule.rungs.map { String($0.epochs) }.joined(separator: ","),
               String(schedule.epochsSpent * seeds), "\(schedule.multipleOfFullRun)",
               String(cell.data.trainImages), String(cell.data.validationImages), String(cell.configuration.epochs),
               String(schedule.eta), space.description, tuningKey]
    }

    /// Writes `selections`, all of one search, to `path` as a whole (a temporary file renamed over
    /// it), after the rows already there for other cells if `keepingOthers`.
    package static func write(_ selections: [TuningSelection], to path: String, keepingOthers: Bool = false) throws {
        guard let space = selections.first?.space else { return }
        try OutputLocation.prepareFolder(of: path)
        let columns = columns(of: space)
        var kept = [[String]]()
        if keepingOthers, FileManager.default.fileExists(atPath: path) {
            let existing = try CSVReader.read(contentsOfFile: path)
            guard existing.header == columns, let key = columns.firstIndex(of: "tuning_key") else {
                throw FileError(path: path, problem: "it holds selections of another search",
                                fix: "Move it away, or give the search a new trials table.")
            }
            let mine = Set(selections.map(\.tuningKey))
            kept = existing.rows.filter { !mine.contains($0[key]) }
        }
        let text = ([columns] + kept + selections.map(\.row)).map(CSVTable.line).joined()
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw FileError(path: path, problem: "the selections cannot be written (\(error.localizedDescription))",
                            fix: "Check that its folder is writable.")
        }
    }
}
