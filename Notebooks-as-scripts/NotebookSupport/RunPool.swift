import Foundation
import ParamShare
import ParamShareEngine

/// The one runs table of every claim notebook, `results/recipe-runs/runs.csv`, and each
/// notebook's share of it.
///
/// Notebooks ask for overlapping cells (dense, and RPG at 1 % and 10 %, appear in several
/// claims); a cell's identifier names every setting that can change its result, so a cell
/// trained for one notebook is simply found by the next. Each notebook then copies the rows of
/// its own cells into `results/<claim>/runs.csv` and analyses that copy.
///
/// Run one notebook at a time: each already trains two cells at once, one per core.
package struct RunPool {
    package let data: DatasetSplit
    /// The claim notebooks' pool, `results/recipe-runs/runs.csv`, unless a study of another
    /// recipe keeps its own.
    package let runsPath: String
    package var epochsPath: String { SweepRunner.epochsPath(forRunsAt: runsPath) }
    /// Where every trained model is saved: large, so kept out of git.
    package let checkpoints: String
    /// Two runs at once, one engine thread each: on 2 cores that trains about 1.3 times the
    /// runs per hour of one run on both threads.
    package let jobs = 2

    /// The pool at `runsPath`, saving models into `checkpoints`: by default the claim notebooks'
    /// pool, whose models the compression notebook reads.
    package init(data: DatasetSplit, runsPath: String = NotebookPaths.results + "/recipe-runs/runs.csv",
                checkpoints: String = NotebookPaths.results + "/recipe-runs/checkpoints") {
        self.data = data
        self.runsPath = runsPath
        self.checkpoints = checkpoints
        EngineThreads.count = max(1, ProcessInfo.processInfo.activeProcessorCount / jobs)
    }

    /// Trains the cells the pool does not hold yet, printing each as it finishes.
    package func train(_ cells: [SweepCell]) throws {
        // Every built-in generator's option columns, so that the pool's header is the same
        // whichever notebook creates it.
        let runner = SweepRunner(cells: cells, data: data, runsPath: runsPath, epochsPath: epochsPath, jobs: jobs,
                                 optionColumns: GeneratorRegistry.builtIn.optionColumns, checkpointDirectory: checkpoints)
        let started = Date()
        let records = try runner.run { event in
            switch event {
            case let .finished(label, record):
                let failure = record.result.status == .ok ? "" : " — \(record.result.status.rawValue): \(record.result.failureReason ?? "")"
                say(String(format: "    %@: test accuracy %.4f, DoF %d, %.0f s%@", label, record.result.testAccuracy,
                           record.degreesOfFreedom.entriesRead, record.result.wallSeconds, failure))
            case let .repaired(report): say("    " + report)
            default: break
            }
        }
        say(String(format: "    %d runs trained in %.1f minutes; %d were already in %@", records.count,
                   Date().timeIntervalSince(started) / 60, Set(cells.map(\.identifier)).count - records.count, runsPath))
    }

    /// Copies the pool's rows of `cells`, runs and epochs, into `folder/runs.csv` and
    /// `folder/runs.epochs.csv`, and returns the runs table's path.
    package func extract(_ cells: [SweepCell], into folder: String) throws -> String {
        let wanted = Set(cells.map(\.identifier))
        let runs = folder + "/runs.csv"
        for (source, destination) in [(runsPath, runs), (epochsPath, SweepRunner.epochsPath(forRunsAt: runs))] {
            let document = try CSVReader.read(contentsOfFile: source)
            guard let column = document.header.firstIndex(of: "cell_id") else {
                throw NotebookError("\(source) has no cell_id column. Move it aside: the notebooks rebuild the pool from their cells.")
            }
            let rows = document.rows.filter { wanted.contains($0[column]) }
            try OutputLocation.prepareFolder(of: destination)
            try ([document.header] + rows).map(CSVTable.line).joined().write(toFile: destination, atomically: true, encoding: .utf8)
        }
        return runs
    }

    /// Trains what is missing of the parts the command line selects (``NotebookArguments``),
    /// copies the rows of every part's cells into `results/<name>/` and analyses them there,
    /// with `reference` the generator the others are paired with.
    ///
    /// A cell that cannot be trained (``SweepPreflight``: low rank below rank 1 in every layer,
    /// say) is left out, and `findings` says which and why.
    package func study(_ name: String, parts: [[SweepCell]], reference: String = RPGGenerator.descriptor.name,
                      findings: inout Findings) throws -> RunAnalysis {
        var refusals = [String]()
        let parts = parts.map { cells in
            let preflight = SweepPreflight(cells: cells, inputShape: data.train.imageShape, classes: data.train.classes, jobs: jobs)
            for refusal in preflight.refusals {
                let setting = "\(refusal.cell.generatorName) at \(refusal.cell.budgetText):"
                if !refusals.contains(where: { $0.hasPrefix(setting) }) { refusals.append("\(setting) not trained, \(refusal.reason)") }
            }
            return preflight.feasible
        }
        for part in try NotebookArguments.parts(of: parts.count) {
            if parts.count > 1 { say("\n    part \(part) of \(parts.count): \(parts[part - 1].count) runs") }
            try train(parts[part - 1])
        }
        let folder = NotebookPaths.results + "/" + name
        let analysis = try RunAnalysis(contentsOfFile: extract(parts.flatMap { $0 }, into: folder), reference: reference)
        for path in try analysis.write(to: folder) { say("    wrote \(path)") }
        findings.block(refusals.joined(separator: "\n"))
        return analysis
    }
}
