import Foundation
import NotebookSupport
import ParamShare

/// Part 2: each arm's learning rate, by successive halving on the validation images.
enum Tuning {
    /// The rates searched: five on a log grid around the recipe's 0.1, as the ResNet-20 searches
    /// of `DefaultsFromSelection` used.
    static let rates = "lr=log:0.025:0.4:5"
    static var trials: String { PaperRecipe.folder + "/trials.csv" }

    /// The declared proxy: a third of the recipe's epochs (at least one), the same images.
    static func proxyEpochs(of epochs: Int) -> Int { max(1, (epochs + 2) / 3) }

    /// The search over every study's arms at the proxy's epochs, seed 0; `refusals` names the
    /// arms whose budget their method cannot meet.
    static func search(epochs: Int, on data: DatasetSplit, refusals: inout [String]) throws -> TuningSearch {
        let cells = try StudyArms.allCells(epochs: proxyEpochs(of: epochs), seeds: [0], on: data.withoutTestImages)
        let space = try TuningSpace([try TuningDimension(parsing: rates, registry: .builtIn)])
        return try TuningSearch(cells: feasibleCells(cells, on: data, refusals: &refusals), space: space)
    }

    /// The finished search's identifier, after running it if `trains`; `nil` while it has not finished.
    static func run(trains: Bool, epochs: Int, on data: DatasetSplit, findings: inout Findings) throws -> String? {
        var refusals = [String]()
        let search = try search(epochs: epochs, on: data, refusals: &refusals)
        let proxy = proxyEpochs(of: epochs)
        let perEpoch = try Calibration.minutesPerEpoch(epochs: epochs, on: data)
        let minutes = search.groups.reduce(0.0) { $0 + $1.schedule.multipleOfFullRun * Double(proxy) * perEpoch($1.cells[0].architecture) }
        findings.paragraph("""
            ## Part 2: tuning

            Search \(search.identifier): \(search.space), η = \(search.eta), seed 0, on the \(data.validation?.count ?? 0)
            validation images; a declared proxy of the recipe: the same training images for \(proxy) of its \(epochs)
            epochs. \(search.groups.count) arms; estimated \(String(format: "%.1f", minutes / 60)) hours of machine time
            (each arm's rungs at the calibration's minutes per epoch), about half that in wall time, two trials at a time.
            """)
        findings.block(refusals.joined(separator: "\n"))
        let trialRuns = try RecordedRun.all(inTableAt: trials)
        if !trialRuns.isEmpty { findings.paragraph("Trials so far: " + RecordedRun.machines(of: Array(trialRuns.values))) }
        let finished = try search.progress(given: TuningSearch.outcomes(inTablesAt: [trials])).selections
        if trains && finished.count < search.groups.count {
            _ = try search.runNarrated(on: data.withoutTestImages, trials: trials, jobs: 2)
        } else if finished.count < search.groups.count {
            findings.paragraph("The search has not finished (\(finished.count) of \(search.groups.count) arms): run --part 2.")
            return nil
        }
        let selections = try search.progress(given: TuningSearch.outcomes(inTablesAt: [trials])).selections
        let file = URL(fileURLWithPath: TuningSearch.selectionPath(forTrialsAt: trials)).lastPathComponent
        findings.paragraph("Selections (`\(file)`, beside these findings):")
        findings.block(selections.map(\.findingsLine).joined(separator: "\n"))
        if let ends = TuningSelection.rangeEndsParagraph(selections) { findings.paragraph(ends) }
        return search.identifier
    }

    /// `cells` at the selections of the finished search.
    static func selected(_ cells: [SweepCell], epochs: Int, on data: DatasetSplit) throws -> [SweepCell] {
        // The selections must cover the search's whole grid, so they are applied to every arm of
        // every study (in order, one tuned cell for each) and the cells asked for are picked out.
        let settings = try TunedSettings(contentsOfFile: TuningSearch.selectionPath(forTrialsAt: trials), registry: .builtIn)
        var refusals = [String]()
        let all = feasibleCells(try StudyArms.allCells(epochs: epochs, seeds: [0, 1, 2], on: data), on: data, refusals: &refusals)
        let wanted = Set(cells.map(\.identifier))
        return zip(all, try settings.applying(to: all)).filter { wanted.contains($0.0.identifier) }.map(\.1)
    }
}
