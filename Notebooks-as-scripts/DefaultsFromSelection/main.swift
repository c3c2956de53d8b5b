// # Each method at its best: settings chosen on validation data, against the shared default
//
//     swift run -c release DefaultsFromSelection [--part 1|2|3|4|5] [path/to/cifar-10-batches-bin]
//
// Every comparison so far trained every method at the learning rate tuned for dense. Methods
// move their weights at very different speeds for one rate, so those rankings are partly
// rankings of step sizes. Here each method × budget gets settings of its own, chosen by
// successive halving (`sweep tune`) on validation images held out of the training set, never
// on the test set; then three seeds train at the selection, and the test accuracy is compared
// with three seeds at today's shared default.
//
//   - part 1, digits (the main job's models, LeNet-5 and the 128-64 MLP): every built-in method
//     and dense at 1 % and 10 %; 20 % of the training images held out; the search on seeds 0,
//     1 and 2; the final runs on the full training set (the search is a proxy with fewer images).
//   - parts 2 to 4, ResNet-20 on the claim notebooks' recipe (the first 10,000 CIFAR-10 training
//     images, 10 epochs), with 5,000 of the other 40,000 training images as validation, seed 0:
//     the search at 10 % (part 2) and at 1 % (part 3) of rpg, hashing, low rank, width and dense,
//     whose maths the faithfulness issue leaves alone; of projection and pruned at both budgets
//     (part 4), once that issue has settled their defaults. All of one budget go into one trials
//     table under one protocol, so their tuned runs compare. The runs at the shared default are
//     the C2 notebook's, already in the pool.
//   - part 5, ResNet-20 seeds 0–2 at the selections, into the pool.
//
// The space: the learning rate on a log grid around the shared default; the bank step
// (`none`, the paper's; `sqrt`; `layer`) where a bank trains; and RPG's kernel scaling (`rms`,
// today's default, and `authors`, the official code's multipliers), to decide that default on
// tuned rates.
import Foundation
import NotebookSupport
import ParamShare
import ParamShareEngine

let name = "defaults-from-selection"
let command = "swift run -c release DefaultsFromSelection"
let folder = NotebookPaths.results + "/" + name
let budgets = ["1%", "10%"]
let settings = try EqualDoFArms.settings()
let registry = GeneratorRegistry.builtIn

/// The shared default this study compares the selections with: the papers' plain steps for
/// every method, as when it was declared (the projection's own default step has since become
/// `layer`, on these selections).
let sharedDefaultSteps: [BankStepScaling] = [.none]

/// The settings a search varies, parsed as `sweep tune --search` parses them.
func space(learningRates: String) throws -> TuningSpace {
    try TuningSpace([learningRates, "bank_step=none,sqrt,layer", "rpg.scaling=rms,authors"].map {
        try TuningDimension(parsing: $0, registry: registry)
    })
}

/// Trains `cells` into the runs table at `path`, two at a time.
func train(_ cells: [SweepCell], on data: DatasetSplit, into path: String) throws {
    let records = try SweepRunner(cells: cells, data: data, runsPath: path, epochsPath: SweepRunner.epochsPath(forRunsAt: path),
                                  jobs: 2, optionColumns: registry.optionColumns).run()
    say("    \(records.count) runs trained into \(path)")
}

/// Per model and budget: each method's selection, its tuned and default test accuracy and
/// their paired difference, and the methods ranked at the default and at their selections.
func comparison(tuned: RunAnalysis, default shared: RunAnalysis, selections: [TuningSelection]) -> String {
    var lines = [String]()
    let models = Set(tuned.table.runs.map(\.setting.model)).sorted()
    for model in models {
        for budget in budgets + ["full"] {
            let methods = Set(tuned.table.runs.filter { $0.setting.model == model && $0.budget == budget }.map(\.setting.generator)).sorted()
            guard !methods.isEmpty else { continue }
            lines.append("\(model) at \(budget == "full" ? "full DoF (dense)" : budget): method, selection, test accuracy tuned and at the default (3 seeds), tuned − default")
            func runs(_ analysis: RunAnalysis, _ method: String) -> [RunTable.Run] {
                analysis.table.runs.filter { $0.setting.model == model && $0.budget == budget && $0.setting.generator == method && $0.isOK }
            }
            for method in methods {
                let selection = selections.first {
                    "\($0.cell.architecture)" == model && $0.cell.budgetText == budget && $0.cell.generatorName == method
                }
                let chosen = selection.map { s in s.space.names.compactMap { n in s.values[n].map { "\(n)=\($0)" } }.joined(separator: " ") } ?? "?"
                let mine = runs(tuned, method), theirs = runs(shared, method)
                func mean(_ runs: [RunTable.Run]) -> String {
                    runs.isEmpty ? "  –   " : String(format: "%5.2f", 100 * Statistics.mean(runs.compactMap(\.testAccuracy)))
                }
                let gap = SeedPairs(mine, minus: theirs).map { $0.text } ?? "too few paired seeds"
                lines.append("  " + method.padded(toWidth: 11) + chosen.padded(toWidth: 46) + "\(mean(mine)) vs \(mean(theirs))   " + gap)
            }
            func ranking(_ analysis: RunAnalysis) -> String {
                Ranking(methods.map { (label: $0, runs: runs(analysis, $0)) }).entries.map(\.label).joined(separator: " > ")
            }
            if budget != "full" {
                lines.append("  ranked at the default:     " + ranking(shared))
                lines.append("  ranked at the selections:  " + ranking(tuned))
            }
            lines.append("")
        }
    }
    return lines.joined(separator: "\n")
}

/// Whether the runs table at `path` holds a row of every cell of `cells`.
func holdsEvery(_ cells: [SweepCell], tableAt path: String) throws -> Bool {
    guard FileManager.default.fileExists(atPath: path) else { return false }
    let document = try CSVReader.read(contentsOfFile: path)
    guard let column = document.header.firstIndex(of: "cell_id") else { return false }
    let recorded = Set(document.rows.map { $0[column] })
    return cells.allSatisfy { recorded.contains($0.identifier) }
}

/// Part 1: the main job's models on digits; with `trains` false, only the report of a finished study.
func digits(trains: Bool, findings: inout Findings) throws {
    let study = folder + "/digits"
    let data = try DigitsLoader.load()
    let held = try data.holdingOut(.fraction(0.2), trainLimit: nil).withoutTestImages
    let recipe = TrainingConfiguration.defaults(for: .digits)
    let architectures = [Architecture.lenet5, Architecture.mlp(hiddenWidths: [128, 64])]
    func grid(seeds: [UInt64], on data: DatasetSplit) throws -> [SweepCell] {
        SweepGrid(architectures: architectures, generators: settings, budgets: try budgets.map(BudgetSpecification.init(parsing:)),
                  stepScalings: sharedDefaultSteps, seeds: seeds, recipe: recipe).cells(on: DataSubset(data))
    }
    var refusals = [String]()
    // Three seeds: a rate near the edge of stability can pass on two and diverge on a third.
    let trialCells = feasibleCells(try grid(seeds: [0, 1, 2], on: held), on: held, refusals: &refusals)
    // A first rung of one epoch in 30 judges rates by how fast they start, which favours large
    // ones; digits is cheap enough for a first rung of three.
    let search = try TuningSearch(cells: trialCells, space: space(learningRates: "lr=log:0.005:0.32:7"), minimumEpochs: 3)
    let selections: [TuningSelection]
    if trains {
        EngineThreads.count = 1
        selections = try search.runNarrated(on: held, trials: study + "/trials.csv", jobs: 2)
    } else {
        let progress = try search.progress(given: TuningSearch.outcomes(inTablesAt: [study + "/trials.csv"]))
        guard progress.pendingTrials.isEmpty else { return say("    the digits study has not finished: run --part 1") }
        selections = progress.selections
    }
    let finalCells = feasibleCells(try grid(seeds: [0, 1, 2], on: data), on: data, refusals: &refusals)
    let tunedCells = try TunedSettings(contentsOfFile: study + "/trials.selection.csv", registry: registry).applying(to: finalCells)
    let declared = try DeclaredStudy(selectionPlan(claim: "Selection, digits", statement: "settings chosen on validation data beat the shared default, and RPG leads at them",
                                                   tuned: tunedCells, shared: finalCells), name: name + "/digits")
    let table = study + "/runs.csv"
    if trains {
        try train(tunedCells + finalCells, on: data, into: table)
    } else {
        guard try holdsEvery(tunedCells + finalCells, tableAt: table) else { return say("    the digits study's runs have not finished: run --part 1") }
    }
    let (tuned, shared) = try analyses(ofTableAt: table)
    findings.paragraph("""
        ## Digits: LeNet-5 and the 128-64 MLP, every method at 1 % and 10 %

        Search \(search.identifier) (`\(study.replacingOccurrences(of: NotebookPaths.root + "/", with: ""))/trials.selection.csv`):
        \(search.space), η = 3, first rung at least 3 epochs, on 269 validation images held out of the 1,346 training images
        (seeds 0, 1 and 2, the main job's recipe otherwise: 30 epochs, batch 32, SGD with Nesterov
        momentum, one-cycle, weight decay 5e-4, label smoothing 0.1). Then seeds 0, 1 and 2 on all
        1,346 training images at each selection and at the shared default (lr 0.02, the paper's
        plain bank step, RPG's `rms` scaling), tested on the 451 test images.
        """)
    findings.block(refusals.joined(separator: "\n"))
    findings.block(searchCost(search))
    findings.block(comparison(tuned: tuned, default: shared, selections: selections))
    findings.block(failures(in: [tuned, shared]))
    try declared.recordVerdicts(in: &findings)
}

/// The runs at the selections and those at the shared default in the runs table at `path`,
/// analysed apart.
func analyses(ofTableAt path: String) throws -> (tuned: RunAnalysis, shared: RunAnalysis) {
    let table = try RunTable(contentsOfFile: path)
    func analysis(tuned: Bool) throws -> RunAnalysis {
        let runs = table.runs.filter { ($0.setting.recipe["lr"]?.hasPrefix("tuned:") ?? false) == tuned }
        return try RunAnalysis(table: RunTable(source: table.source, optionColumns: table.optionColumns, runs: runs), reference: "rpg")
    }
    return (try analysis(tuned: true), try analysis(tuned: false))
}

/// The epochs a search spent, and as full runs, per cell and in all.
func searchCost(_ search: TuningSearch) -> String {
    let multiples = search.groups.map { $0.schedule.multipleOfFullRun * Double($0.cells.count) }
    return String(format: "The search: %d cells, %.1f full runs' worth of epochs in all over its seeds (%.2f to %.2f per cell and seed)",
                  search.groups.count, multiples.reduce(0, +),
                  search.groups.map(\.schedule.multipleOfFullRun).min() ?? 0, search.groups.map(\.schedule.multipleOfFullRun).max() ?? 0)
}

/// Every run that did not finish `ok`, or a line saying none failed.
func failures(in analyses: [RunAnalysis]) -> String {
    let failed = analyses.flatMap(\.table.runs).filter { !$0.isOK }
    return failed.isEmpty ? "Every final run finished with status ok." : failed.map {
        "\($0.setting.model) \($0.setting.generatorLabel) \($0.budget) seed \($0.seed) lr \($0.setting.recipe["lr"] ?? ""): \($0.status) (\($0.failureReason ?? ""))"
    }.joined(separator: "\n")
}

/// The ResNet-20 cells of `methods` (dense too at 10 %, if named) at `budget` on `data`, for `seeds`.
func resnetCells(of methods: [String], at budget: String, seeds: [UInt64], on data: DatasetSplit) throws -> [SweepCell] {
    CIFARRecipe.cells(SweepGrid(architectures: [CIFARRecipe.architecture], generators: settings.filter { methods.contains($0.name) },
                                includesDense: budget == "10%" && methods.contains(GeneratorRegistry.denseName),
                                budgets: [try BudgetSpecification(parsing: budget)], stepScalings: sharedDefaultSteps, seeds: seeds,
                                recipe: CIFARRecipe.configuration),
                      on: data)
}

/// The methods each ResNet-20 search part tunes: first those the faithfulness issue leaves alone.
let resnetSearchParts: [(part: Int, methods: [String], budgets: [String])] = [
    (2, ["rpg", "hashing", "lowrank", "width", "dense"], ["10%"]),
    (3, ["rpg", "hashing", "lowrank", "width"], ["1%"]),
    (4, ["projection", "pruned"], ["10%", "1%"]),
]
let resnetMethods = ["rpg", "hashing", "projection", "lowrank", "pruned", "width", "dense"]

/// The CIFAR-10 data of a ResNet-20 search: the recipe's first 10,000 training images and 5,000 of
/// the rest as validation, no test images.
func resnetSearchData() throws -> DatasetSplit {
    try CIFARLoader.loadCIFAR10(directory: NotebookPaths.cifar10).holdingOut(.count(5000), trainLimit: CIFARRecipe.trainImages).withoutTestImages
}

/// The search of `methods` at `budget`: one protocol for every method of a budget.
func resnetSearch(of methods: [String], at budget: String, on data: DatasetSplit, refusals: inout [String]) throws -> TuningSearch {
    try TuningSearch(cells: feasibleCells(try resnetCells(of: methods, at: budget, seeds: [0], on: data), on: data, refusals: &refusals),
                     space: space(learningRates: "lr=log:0.025:0.4:5"))
}

/// The trials table of the ResNet-20 search at `budget`.
func resnetTrials(at budget: String) -> String { folder + "/resnet20-\(budget.replacingOccurrences(of: "%", with: "pct"))/trials.csv" }

/// Parts 2 to 4: the ResNet-20 searches of `methods` at `budgets`.
func resnetSearches(of methods: [String], at budgets: [String], findings: inout Findings) throws {
    let data = try resnetSearchData()
    EngineThreads.count = 1
    for budget in budgets {
        var refusals = [String]()
        let search = try resnetSearch(of: methods, at: budget, on: data, refusals: &refusals)
        _ = try search.runNarrated(on: data, trials: resnetTrials(at: budget), jobs: 2)
        findings.paragraph("ResNet-20 at \(budget), \(methods.joined(separator: ", ")): search \(search.identifier) (\(search.space), η = 3, seed 0, 5,000 validation images).")
        findings.block(refusals.joined(separator: "\n"))
        findings.block(searchCost(search))
    }
}

/// Part 5: ResNet-20 seeds 0–2 at each budget's selections, against the pool's runs at the
/// shared default; with `trains` false, only the report of runs that have finished.
func resnetRuns(trains: Bool, findings: inout Findings) throws {
    guard let data = try CIFARRecipe.loadData() else { return }
    let searchData = try resnetSearchData()
    var refusals = [String](), tuned = [SweepCell](), shared = [SweepCell](), selections = [TuningSelection]()
    for budget in budgets {
        let search = try resnetSearch(of: resnetMethods, at: budget, on: searchData, refusals: &refusals)
        let finished = try search.progress(given: TuningSearch.outcomes(inTablesAt: [resnetTrials(at: budget)])).selections
        // The plan is declared once, with every method: a part that ran before the last search
        // ended would declare a plan the later methods would have to change.
        guard finished.count == search.groups.count else {
            return say("    the ResNet-20 search at \(budget) has not finished: run parts 2 to 4 first")
        }
        let methods = finished.map(\.cell.generatorName)
        let cells = feasibleCells(try resnetCells(of: methods, at: budget, seeds: [0, 1, 2], on: data), on: data, refusals: &refusals)
        let settings = try TunedSettings(contentsOfFile: TuningSearch.selectionPath(forTrialsAt: resnetTrials(at: budget)), registry: registry)
        tuned += try settings.applying(to: cells)
        shared += cells
        selections += finished
    }
    guard !tuned.isEmpty else {
        say("    no ResNet-20 search has finished yet: run parts 2 to 4 first")
        return
    }
    let declared = try DeclaredStudy(selectionPlan(claim: "Selection, ResNet-20", statement: "settings chosen on validation data beat the shared default, and RPG leads at them",
                                                   tuned: tuned, shared: shared), name: name + "/resnet20")
    let pool = RunPool(data: data)
    // The shared default's runs of the methods whose maths the faithfulness issue changed
    // (projection, pruned) have new identities, so they train here beside the selections.
    if trains {
        try pool.train(tuned + shared)
    } else if try !holdsEvery(tuned + shared, tableAt: pool.runsPath) {
        return say("    the ResNet-20 runs at the selections have not finished: run --part 5")
    }
    let (tunedAnalysis, sharedAnalysis) = try analyses(ofTableAt: pool.extract(tuned + shared, into: folder + "/resnet20"))
    findings.paragraph("""
        ## ResNet-20 on CIFAR-10: every method at its selection against the shared default

        Recipe: \(CIFARRecipe.summary). Seeds 0, 1 and 2 at each selection and at the shared
        default (the C2 notebook's runs; projection and pruned anew), all in `resnet20/runs.csv`.
        """)
    findings.block(refusals.joined(separator: "\n"))
    findings.block(comparison(tuned: tunedAnalysis, default: sharedAnalysis, selections: selections))
    findings.block(failures(in: [tunedAnalysis, sharedAnalysis]))
    try declared.recordVerdicts(in: &findings)
}

// Every part resumes: a finished part trains nothing when it runs again. The findings report the
// digits study and the ResNet-20 comparison whenever they have finished, whichever part runs
// now; a part that is not selected never trains, so a study whose code changed since it ran
// (another generator version, say) is reported as unfinished rather than extended.
runNotebook {
    var findings = Findings(title: "Each method at its best: settings chosen on validation data")
    let parts = try NotebookArguments.parts(of: 5)
    let manager = FileManager.default
    if parts.contains(1) || manager.fileExists(atPath: folder + "/digits/runs.csv") {
        try digits(trains: parts.contains(1), findings: &findings)
    }
    for search in resnetSearchParts where parts.contains(search.part) {
        try resnetSearches(of: search.methods, at: search.budgets, findings: &findings)
    }
    if parts.contains(5) || manager.fileExists(atPath: folder + "/resnet20/runs.csv") {
        try resnetRuns(trains: parts.contains(5), findings: &findings)
    }
    try findings.write(into: folder, command: command)
}
