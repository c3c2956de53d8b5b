import Foundation
import NotebookSupport
import ParamShare

/// Each arm's learning rate, by successive halving on the validation images.
///
/// Part 2 runs two searches of C3's, C1's and C2's arms, each to its end: the one declared with
/// the regime, over five rates from 0.025 to 0.4, and a wider one declared before the first had
/// finished, which the studies use. C4 and C5, added later, each search their own new arms under
/// the wider one's protocol in their own part (``searchOwnArms(of:trains:epochs:on:findings:)``).
enum Tuning {
    /// One search of part 2: the rates it tries and the trials table it writes.
    struct Stage {
        let rates: String
        let trials: String
        /// Earlier stages' tables, whose trials of the same cell, rate and epochs it reuses.
        let earlierTrials: [String]
    }

    /// The declared search: five rates on a log grid around the recipe's 0.1, as the ResNet-20
    /// searches of `DefaultsFromSelection` used.
    static let declared = Stage(rates: "lr=log:0.025:0.4:5", trials: PaperRecipe.folder + "/trials.csv", earlierTrials: [])

    /// The widened search, declared on 2026-12-06 while the first had 4 of its 18 arms decided,
    /// three of them at its largest rate, 0.4 (where an arm's best may lie beyond the range): every
    /// arm again, the same proxy and η, over the same grid carried on to 1.6 (seven rates, so
    /// the best two of the first rung train the proxy's full epochs), reusing the first search's
    /// trials (the same cells at the same rates and epochs). Its selections are the studies'.
    static let widened = Stage(rates: "lr=log:0.025:1.6:7", trials: PaperRecipe.folder + "/trials-widened.csv",
                               earlierTrials: [declared.trials])

    /// The declared proxy: a third of the recipe's epochs (at least one), the same images.
    static func proxyEpochs(of epochs: Int) -> Int { max(1, (epochs + 2) / 3) }

    /// The search of `study`'s own arms, C4's or C5's: the widened search's rates, η and proxy,
    /// into a trials table of its own.
    static func ownStage(of study: StudyArms.Study) -> Stage {
        Stage(rates: widened.rates, trials: PaperRecipe.folder + "/trials-\(study.rawValue).csv", earlierTrials: [])
    }

    /// `stage`'s search over the arms of `studies` at the proxy's epochs, seed 0; `refusals`
    /// names the arms whose budget their method cannot meet.
    static func search(_ stage: Stage, of studies: [StudyArms.Study], epochs: Int, on data: DatasetSplit,
                       refusals: inout [String]) throws -> TuningSearch {
        let cells = try StudyArms.cells(of: studies, epochs: proxyEpochs(of: epochs), seeds: [0], on: data.withoutTestImages)
        let space = try TuningSpace([try TuningDimension(parsing: stage.rates, registry: .builtIn)])
        return try TuningSearch(cells: feasibleCells(cells, on: data, refusals: &refusals), space: space)
    }

    /// The machine minutes of every rung of every arm of `search`, at `perEpoch` minutes an epoch.
    static func machineMinutes(of search: TuningSearch, proxy: Int, perEpoch: (Architecture) -> Double) -> Double {
        search.groups.reduce(0.0) { $0 + $1.schedule.multipleOfFullRun * Double(proxy) * perEpoch($1.cells[0].architecture) }
    }

    /// Where part 2 stands: the identifier of the search whose selections the studies train at,
    /// and whether both searches have finished.
    struct State {
        let search: String
        let hasFinished: Bool
    }

    /// Part 2's state, after running its two searches in turn if `trains`.
    static func run(trains: Bool, epochs: Int, on data: DatasetSplit, findings: inout Findings) throws -> State {
        var refusals = [String]()
        let first = try search(declared, of: StudyArms.Study.tunedInPart2, epochs: epochs, on: data, refusals: &refusals)
        let wide = try search(widened, of: StudyArms.Study.tunedInPart2, epochs: epochs, on: data, refusals: &refusals)
        let proxy = proxyEpochs(of: epochs)
        let perEpoch = try Calibration.minutesPerEpoch(epochs: epochs, on: data)
        let minutes = machineMinutes(of: first, proxy: proxy, perEpoch: perEpoch)
        findings.paragraph("""
            ## Part 2: tuning

            Search \(first.identifier): \(first.space), η = \(first.eta), seed 0, on the \(data.validation?.count ?? 0)
            validation images; a declared proxy of the recipe: the same training images for \(proxy) of its \(epochs)
            epochs. \(first.groups.count) arms; estimated \(String(format: "%.1f", minutes / 60)) hours of machine time
            (each arm's rungs at the calibration's minutes per epoch), about half that in wall time, two trials at a time.
            """)
        findings.block(refusals.joined(separator: "\n"))
        let trialRuns = try [declared, widened].reduce(into: [String: RecordedRun]()) { runs, stage in
            runs.merge(try RecordedRun.all(inTableAt: stage.trials)) { kept, _ in kept }
        }
        if !trialRuns.isEmpty { findings.paragraph("Trials so far: " + RecordedRun.machines(of: Array(trialRuns.values))) }
        guard let firstSelections = try finish(first, declared, part: 2, trains: trains, on: data, findings: &findings) else {
            return State(search: wide.identifier, hasFinished: false)
        }
        report(firstSelections, of: declared, findings: &findings)

        // At most: each arm's new rates on the first rung, and every run of a later rung (one of which may exist).
        let wideMinutes = zip(wide.groups, first.groups).reduce(0.0) { total, groups in
            let (group, earlier) = groups, rungs = group.schedule.rungs
            let epochs = (group.configurations.count - earlier.configurations.count) * rungs[0].epochs
                + rungs.dropFirst().reduce(0) { $0 + $1.configurations * $1.epochs }
            return total + Double(epochs) * perEpoch(group.cells[0].architecture)
        }
        findings.paragraph("""
            Widened search \(wide.identifier), declared on 2026-12-06 before the search above had finished (4 of its arms
            decided, 3 of them at its largest rate): \(wide.space), η = \(wide.eta), the same arms, seed and proxy, so
            rungs of \(wide.groups[0].schedule.rungs.map { "\($0.configurations) × \($0.epochs)" }.joined(separator: ", "))
            epochs; it reuses the trials above (the same cells at the same rates and epochs) and trains the rest, at most
            \(String(format: "%.1f", wideMinutes / 60)) hours of machine time. The studies train at its selections.
            """)
        guard let wideSelections = try finish(wide, widened, part: 2, trains: trains, on: data, findings: &findings) else {
            return State(search: wide.identifier, hasFinished: false)
        }
        report(wideSelections, of: widened, findings: &findings)
        return State(search: wide.identifier, hasFinished: true)
    }

    /// Whether the search of `study`'s own arms (C4's, C5's) has finished, after running it if
    /// `trains`. Its cost and selections go into `findings`.
    ///
    /// It searches under the widened search's protocol, so it is that search grown by cells (its
    /// identifier, the `tuning` of the runs at its selections, is the same), into a trials table of
    /// its own so that part 2 need not wait for it.
    static func searchOwnArms(of study: StudyArms.Study, trains: Bool, epochs: Int, on data: DatasetSplit,
                              findings: inout Findings) throws -> Bool {
        var refusals = [String]()
        let stage = ownStage(of: study), own = try search(stage, of: [study], epochs: epochs, on: data, refusals: &refusals)
        let minutes = machineMinutes(of: own, proxy: proxyEpochs(of: epochs), perEpoch: try Calibration.minutesPerEpoch(epochs: epochs, on: data))
        let file = URL(fileURLWithPath: stage.trials).lastPathComponent
        findings.paragraph("""
            \(study.rawValue.uppercased())'s \(own.groups.count) arms that part 2 did not tune (its RPG arm keeps part 2's selection),
            searched under the widened search's protocol \(own.identifier) (\(own.space), η = \(own.eta), part 2's proxy and seed)
            into `\(file)`: estimated \(String(format: "%.1f", minutes / 60)) hours of machine time, about half that in wall time.
            """)
        findings.block(refusals.joined(separator: "\n"))
        guard let selections = try finish(own, stage, part: study.part, trains: trains, on: data, findings: &findings) else { return false }
        report(selections, of: stage, findings: &findings)
        return true
    }

    /// `search`'s selections once it has finished, after training what it lacks if `trains`;
    /// `nil`, said in `findings`, while it has not.
    private static func finish(_ search: TuningSearch, _ stage: Stage, part: Int, trains: Bool, on data: DatasetSplit,
                               findings: inout Findings) throws -> [TuningSelection]? {
        let tables = [stage.trials] + stage.earlierTrials
        let selections = try search.progress(given: TuningSearch.outcomes(inTablesAt: tables)).selections
        if selections.count == search.groups.count { return selections }
        guard trains else {
            findings.paragraph("Search \(search.identifier) has not finished (\(selections.count) of \(search.groups.count) arms): run --part \(part).")
            return nil
        }
        return try search.runNarrated(on: data.withoutTestImages, trials: stage.trials, earlierTrials: stage.earlierTrials, jobs: 2)
    }

    /// The selections of `stage`'s search in `findings`, with those at an end of its range.
    private static func report(_ selections: [TuningSelection], of stage: Stage, findings: inout Findings) {
        let file = URL(fileURLWithPath: TuningSearch.selectionPath(forTrialsAt: stage.trials)).lastPathComponent
        findings.paragraph("Selections of search \(selections.first?.search ?? "") (`\(file)`, beside these findings):")
        findings.block(selections.map(\.summaryLine).joined(separator: "\n"))
        if let ends = TuningSelection.rangeEndsParagraph(selections) { findings.paragraph(ends) }
    }

    /// `cells` at the selections of the finished searches that tuned them: part 2's widened
    /// search, and C4's and C5's own.
    static func selected(_ cells: [SweepCell], epochs: Int, on data: DatasetSplit) throws -> [SweepCell] {
        // A search's selections must cover its whole grid, so they are applied to every arm it
        // tuned (in order, one tuned cell for each) and the cells asked for are picked out.
        let wanted = Set(cells.map(\.identifier))
        var refusals = [String](), tuned = [SweepCell]()
        let searches = [(widened, StudyArms.Study.tunedInPart2)] + StudyArms.Study.allCases.filter { !$0.isTunedInPart2 }.map { (ownStage(of: $0), [$0]) }
        for (stage, studies) in searches {
            let grid = feasibleCells(try StudyArms.cells(of: studies, epochs: epochs, seeds: [0, 1, 2], on: data), on: data, refusals: &refusals)
            guard grid.contains(where: { wanted.contains($0.identifier) }) else { continue }
            let settings = try TunedSettings(contentsOfFile: TuningSearch.selectionPath(forTrialsAt: stage.trials), registry: .builtIn)
            tuned += zip(grid, try settings.applying(to: grid)).filter { wanted.contains($0.0.identifier) }.map(\.1)
        }
        return tuned
    }
}
