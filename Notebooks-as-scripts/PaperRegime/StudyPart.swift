import Foundation
import NotebookSupport
import ParamShare

/// Parts 3 to 7: one study of the paper regime, declared, then trained and judged.
enum StudyPart {
    /// Runs `study`: declares its plan, which needs only part 1's calibration and the identifier
    /// of the search the studies train at; if the plan is new, stops so that it can be committed
    /// before any run (a smoke test goes on). Once part 2 has finished (`tuning`): for C4 and C5,
    /// the search of their own arms (trained if `trains`); then trains the arms at their selections
    /// if `trains`, and records the verdicts once every run is in the table.
    static func run(_ study: StudyArms.Study, trains: Bool, epochs: Int, tuning: Tuning.State, on data: DatasetSplit,
                    findings: inout Findings) throws {
        findings.paragraph("## Part \(study.part): \(study.rawValue.uppercased())")
        let name = PaperRecipe.name + "/" + study.rawValue, folder = NotebookPaths.results + "/" + name
        let calibration = try Calibration.state(on: data)
        guard let denseAccuracy = calibration.shallow[epochs] ?? nil else {
            throw NotebookError("the calibration has no dense ResNet-20 accuracy at \(epochs) epochs: run --part 1")
        }
        let isNew = !FileManager.default.fileExists(atPath: folder + "/plan.json")
        let declared = try DeclaredStudy(StudyArms.plan(of: study, search: tuning.search, denseAccuracy: denseAccuracy), name: name)
        if isNew && !NotebookArguments.isSmokeTest {
            findings.paragraph("""
                Declared \(folder)/plan.json. Commit it, so that the history shows it before any run, then run
                --part \(study.part) again to train.
                """)
            return
        }
        guard tuning.hasFinished else {
            findings.paragraph("\(study.rawValue.uppercased()) trains at part 2's selections, once its search has finished: run --part 2.")
            return
        }
        if !study.isTunedInPart2 {
            guard try Tuning.searchOwnArms(of: study, trains: trains, epochs: epochs, on: data, findings: &findings) else { return }
        }
        let cells = try Tuning.selected(StudyArms.tableCells(of: study, epochs: epochs, seeds: [0, 1, 2], on: data), epochs: epochs, on: data)
        let perEpoch = try Calibration.minutesPerEpoch(epochs: epochs, on: data)
        let minutes = cells.reduce(0.0) { $0 + Double(epochs) * perEpoch($1.architecture) }
        findings.paragraph("""
            \(cells.count) runs (seeds 0, 1 and 2 of each arm at its selection, \(epochs) epochs), estimated
            \(String(format: "%.1f", minutes / 60)) hours of machine time at the calibration's minutes per epoch,
            about half that in wall time, two runs at a time; runs another study shares are trained once.
            """)
        let pool = PaperRecipe.pool(on: data)
        let recorded = try RecordedRun.all(inTableAt: pool.runsPath)
        if trains {
            try pool.train(cells)
        } else if !cells.allSatisfy({ recorded[$0.identifier] != nil }) {
            findings.paragraph("\(study.rawValue.uppercased())'s runs have not finished: run --part \(study.part).")
            return
        }
        let analysis = try RunAnalysis(contentsOfFile: pool.extract(cells, into: folder), reference: RPGGenerator.descriptor.name)
        for path in try analysis.write(to: folder) { say("    wrote \(path)") }
        findings.record(analysis)
        let finished = try RecordedRun.all(inTableAt: pool.runsPath)
        findings.paragraph(RecordedRun.machines(of: cells.compactMap { finished[$0.identifier] }))
        if study == .c3 { findings.block(PublishedDenseAccuracy.text(of: analysis.table)) }
        if study == .c1 { findings.block(LogLinearReport.text(of: analysis.table)) }
        try declared.recordVerdicts(in: &findings)
    }
}
