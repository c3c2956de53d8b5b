import Foundation
import ParamShare

extension DatasetSplit {
    /// This split with no test images: a tuning trial is scored on validation images only.
    package var withoutTestImages: DatasetSplit {
        DatasetSplit(train: train, test: test.subset([]), validation: validation)
    }
}

/// The cells of `cells` whose budget their method can meet on `data`; `refusals` gains a line
/// for each model, method and budget it cannot meet, saying why.
package func feasibleCells(_ cells: [SweepCell], on data: DatasetSplit, refusals: inout [String]) -> [SweepCell] {
    let preflight = SweepPreflight(cells: cells, inputShape: data.train.imageShape, classes: data.train.classes)
    for refusal in preflight.refusals {
        let line = "\(refusal.cell.architecture) \(refusal.cell.generatorName) at \(refusal.cell.budgetText): not run, \(refusal.reason)"
        if !refusals.contains(line) { refusals.append(line) }
    }
    return preflight.feasible
}

extension TuningSearch {
    /// Runs this search to its end into the trials table at `trials`, `jobs` trials at a time,
    /// narrating its plan and each finished trial, and returns its selections; trials of the
    /// same cells in the tables at `earlierTrials` (an earlier search's) are not trained again.
    package func runNarrated(on data: DatasetSplit, trials: String, earlierTrials: [String] = [], jobs: Int) throws -> [TuningSelection] {
        let layout = RunsTableLayout(optionColumns: GeneratorRegistry.builtIn.descriptors.flatMap(\.optionColumns))
        say("    search \(identifier): \(space); η = \(eta)")
        for group in groups {
            say("      \(group.cells[0].label): \(group.configurations.count) configurations, rungs "
                + group.schedule.rungs.map { "\($0.configurations) × \($0.epochs)" }.joined(separator: ", ")
                + String(format: ", %.2f full runs per seed", group.schedule.multipleOfFullRun))
        }
        let started = Date()
        let outcome = try run(on: data, trialsPath: trials, earlierTrials: earlierTrials, shard: try SweepShard(index: 0, count: 1),
                              jobs: jobs, layout: layout,
                              announce: { say("    " + $1) }) { event in
            if case let .finished(label, record) = event {
                say(String(format: "      %@ lr %g: validation accuracy %.4f, %.0f s", label, record.cell.configuration.learningRate,
                           record.result.validationAccuracy, record.result.wallSeconds))
            }
        }
        guard case let .finished(selections) = outcome else { throw NotebookError("an unsharded search stopped before its end") }
        say(String(format: "    search done in %.1f minutes; selections in %@", Date().timeIntervalSince(started) / 60,
                   TuningSearch.selectionPath(forTrialsAt: trials)))
        return selections
    }
}

extension TuningSelection {
    /// A paragraph of findings on `selections` whose values lie at an end of the range searched,
    /// or `nil` where none does.
    package static func rangeEndsParagraph(_ selections: [TuningSelection]) -> String? {
        let atEnds = selections.filter { !$0.valuesAtRangeEnds.isEmpty }
        guard !atEnds.isEmpty else { return nil }
        return """
            \(atEnds.count) of \(selections.count) selections are the smallest or largest value their search tried, \
            so those arms' best may lie beyond the range searched and a comparison at their selections may understate \
            them: \(atEnds.map(\.cell.label).joined(separator: "; ")).
            """
    }
}
