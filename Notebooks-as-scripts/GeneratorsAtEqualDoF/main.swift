// # Generators at equal degrees of freedom
//
// A notebook as a script: run it, read what it prints, then look at what it wrote into
// results/generators-at-equal-dof/.
//
//     swift run -c release GeneratorsAtEqualDoF [path/to/cifar-10-batches-bin]
//
// The claim under test (Wang et al., "Recurrent Parameter Generators", WACV 2023): at the same
// number of trainable values in the shared part of a network, RPG's permuted, signed ring beats
// other ways of sharing weights, and accuracy grows about linearly in the logarithm of those
// degrees of freedom (DoF). Here every built-in generator, and the paper's two dense baselines
// at equal DoF (magnitude pruning and a narrower network), train through the same loop at the
// same budgets, three seeds each, on two problems:
//
//   1. the embedded digits set (8×8 images) with an MLP: seconds per run;
//   2. CIFAR-10 with ResNet-8: about a minute per run, some half an hour in all.
//
// Every run appends one row to a runs table as it finishes, so an interrupted notebook picks up
// where it stopped when started again. The analysis (means with t intervals, the log-linear fit,
// paired differences against RPG) is recomputed from the tables at the end of each part.
import Foundation
import NotebookSupport
import ParamShare
import ParamShareEngine

// ## Where things are
let output = NotebookPaths.results + "/generators-at-equal-dof"
let cifarDirectory = NotebookPaths.cifar10

// Two runs train side by side, each on one thread: on a 2-core machine that gives about 1.8
// times the runs per hour of one run on two threads (small per-image GEMMs scale poorly).
let jobs = 2
EngineThreads.count = max(1, ProcessInfo.processInfo.activeProcessorCount / jobs)

/// The generators compared, RPG first: it is the reference of the paired comparisons. Each is
/// the registry's descriptor at its default options and scope, which follow the generators'
/// papers (HashedNets hashes each layer into buckets of its own; the projection is Li et al.'s
/// Fastfood with unit-norm columns), then the baselines `pruned` (train, prune once to the
/// budget's non-zeros with 30 % of the steps left, fine-tune; and, since one cut to about 1 %
/// of the weights can disconnect a network, Zhu and Gupta's gradual schedule too) and `width`
/// (every width scaled down until the generated layers hold the budget); dense runs once per seed.
let generators = try GeneratorRegistry.builtIn.descriptors.map(EqualDoFArms.setting)
    + [try GeneratorSetting(MagnitudePruning.descriptor, options: ["schedule": "gradual"])]

/// The two baselines as this study first ran them, to measure what making them faithful
/// changed: HashedNets with one bank over the whole model, and the projection with a sparse P
/// of 4 nonzeros a row and rows of norm s_l, with the plain steps it then took.
let formerHashing = try GeneratorSetting(HashingGenerator.descriptor)
let formerProjection = try GeneratorSetting(ProjectionGenerator.descriptor,
                                            options: ["projection": "sparse", "normalization": "rows", "nonzeros": "4"])

/// Every generator at every budget and seed (dense once per seed), with one recipe, and the former baselines.
func grid(_ architecture: Architecture, budgets: String, seeds: [UInt64], recipe: TrainingConfiguration, data: DatasetSplit) throws -> [SweepCell] {
    let budgets = try BudgetSpecification.list(parsing: budgets)
    let faithful = SweepGrid(architectures: [architecture], generators: generators, budgets: budgets, seeds: seeds, recipe: recipe)
    let former = SweepGrid(architectures: [architecture], generators: [formerHashing, formerProjection], includesDense: false,
                           budgets: budgets, scope: .global, stepScalings: [.none], seeds: seeds, recipe: recipe)
    return faithful.cells(on: DataSubset(data)) + former.cells(on: DataSubset(data))
}

/// The plan of `name`'s study, declared before its runs: at each budget, RPG minus each faithful
/// rival (HashedNets per layer, Li et al.'s Fastfood projection, low rank, one-shot and gradual
/// pruning, the narrow network) predicted > 0, the paper's claim; one Holm family per budget,
/// Welch's test (the arms at one seed share only the data order). The former baselines and
/// dense are measured, not predicted.
func plan(_ name: String, model: String, claim: String) -> StudyPlan {
    let budgets = ["2k", "8k", "32k"]
    let rivals: [(label: String, rows: [String: String])] = [
        ("hashing", ["generator": "hashing", "scope": "layer"]), ("projection", ["generator": "projection", "projection.projection": "fastfood"]),
        ("lowrank", ["generator": "lowrank"]), ("pruned one-shot", ["generator": "pruned", "pruned.schedule": "oneshot"]),
        ("pruned gradual", ["generator": "pruned", "pruned.schedule": "gradual"]), ("width", ["generator": "width"]),
        ("former hashing", ["generator": "hashing", "scope": "global"]),
        ("former projection", ["generator": "projection", "projection.projection": "sparse"]),
    ]
    let arms = budgets.flatMap { budget in
        [StudyPlan.Arm("rpg \(budget)", rows: ["model": model, "generator": RPGGenerator.descriptor.name, "budget": budget])]
            + rivals.map { StudyPlan.Arm("\($0.label) \(budget)", rows: $0.rows.merging(["model": model, "budget": budget]) { $1 }) }
    } + [StudyPlan.Arm("dense", rows: ["model": model, "generator": GeneratorRegistry.denseName])]
    let comparisons = budgets.flatMap { budget in
        rivals.prefix(6).map {
            StudyPlan.Comparison("rpg \(budget)", minus: "\($0.label) \(budget)", .init(.greater, margin: StudyPlan.accuracyMargin),
                                 family: "\(claim) at \(budget)", test: .welch, part: budget)
        }
    }
    return StudyPlan(claim: claim, statement: "at equal DoF, RPG beats the other generators and the dense baselines", table: "../\(name)-runs.csv",
                     measure: "test_accuracy", unit: "points", unitScale: 100, arms: arms, budgets: budgets, seeds: [0, 1, 2],
                     comparisons: comparisons, marginReason: StudyPlan.accuracyMarginReason
                        + " This study's earlier runs (commit 2b8af19's maths) had been seen; this plan was declared before its rerun.")
}

/// Runs the cells not yet in `name`'s tables, then analyses them into `output/name/`, with the
/// verdicts of `declared` there too.
func study(_ name: String, cells: [SweepCell], data: DatasetSplit, declared: DeclaredStudy) throws -> RunAnalysis {
    let runs = "\(output)/\(name)-runs.csv"
    let runner = SweepRunner(cells: cells, data: data, runsPath: runs, epochsPath: SweepRunner.epochsPath(forRunsAt: runs), jobs: jobs)
    let started = Date()
    let records = try runner.run { event in
        if case let .finished(label, record) = event {
            say(String(format: "    %@: test accuracy %.4f, DoF %d, %.0f s", label, record.result.testAccuracy,
                         record.degreesOfFreedom.entriesRead, record.result.wallSeconds))
        }
    }
    say(String(format: "    %d runs trained in %.1f minutes; %d were already in %@", records.count,
                 Date().timeIntervalSince(started) / 60, cells.count - records.count, runs))
    let analysis = try RunAnalysis(contentsOfFile: runs, reference: RPGGenerator.descriptor.name)
    for path in try analysis.write(to: "\(output)/\(name)") { say("    wrote \(path)") }
    var findings = Findings(title: "Generators at equal DoF, \(name): verdicts by the declared plan")
    try declared.recordVerdicts(in: &findings)
    try findings.write(into: "\(output)/\(name)", command: "swift run -c release GeneratorsAtEqualDoF")
    return analysis
}

/// Prints each setting's mean accuracy per budget, its paired difference with RPG, and its log-linear fit.
func report(_ analysis: RunAnalysis) {
    for text in [analysis.accuracyTable(), AnalysisText.comparisons(analysis), AnalysisText.fits(analysis)] {
        say("")
        sayIndented(text)
    }
}

// ## Part 1: digits, MLP 64-512-256-10
func digitsStudy() throws {
    narrate("""
        Part 1. An MLP on the embedded digits set: 1,347 training and 450 test images. The two
        hidden layers (163,840 weights) are generated from banks of 2k, 8k or 32k values in all
        (1.2 %, 4.9 % and 19.5 %; low rank cannot go below 1,344: rank 1 in both layers): one
        bank over both layers, but one per layer for HashedNets, as in its paper. Two dense
        baselines meet the same budgets: the MLP magnitude-pruned to that many non-zero weights
        in its hidden layers (trained, pruned with 30 % of the steps left, fine-tuned; at once,
        or gradually over the second half of the dense phase as Zhu and Gupta do), and an
        MLP whose hidden widths are scaled down until they hold that many weights. The former
        forms of two baselines run alongside (hashing with one global bank, and the projection
        with a sparse, row-normalised P), to show what making them faithful changed. The
        classifier stays dense. The recipe was sweep's default for digits when this study ran: 30 epochs of SGD with Nesterov
        momentum, batch 32, one-cycle learning rate peaking at 0.05, label smoothing 0.1.
        """)
    let declared = try DeclaredStudy(plan("digits-mlp", model: "mlp", claim: "Equal DoF, digits MLP"), name: "generators-at-equal-dof/digits-mlp")
    let digits = try DigitsLoader.load()
    let cells = try grid(.defaultMLP, budgets: "2k,8k,32k", seeds: [0, 1, 2],
                         recipe: TrainingConfiguration(epochs: 30, batchSize: 32, learningRate: 0.05, labelSmoothing: 0.1), data: digits)
    report(try study("digits-mlp", cells: cells, data: digits, declared: declared))
}

// ## Part 2: CIFAR-10, ResNet-8
func cifarStudy() throws {
    guard FileManager.default.fileExists(atPath: cifarDirectory) else {
        narrate("""
            Part 2 skipped: no CIFAR-10 at \(cifarDirectory). Pass the folder holding
            data_batch_1.bin … test_batch.bin as the first argument.
            """)
        return
    }
    narrate("""
        Part 2. ResNet-8 on CIFAR-10: its six block convolutions (73,728 weights) are generated
        from banks of 2k, 8k or 32k values in all, shared as in part 1, and the pruned and
        narrowed ResNet-8s meet the same budgets; the stem and the
        classifier stay dense, as in the paper. To fit the study in about half an hour on two cores, it trains on the first 8,000
        training images for 4 epochs (batch 128, one-cycle peaking at 0.1, weight decay 5e-4, crop
        and flip) and tests on every second test image (5,000, 500 per class). Accuracies are
        therefore far below a full training's; what is compared is the generators at equal DoF.
        """)
    let declared = try DeclaredStudy(plan("cifar10-resnet8", model: "resnet8", claim: "Equal DoF, CIFAR-10 ResNet-8"),
                                     name: "generators-at-equal-dof/cifar10-resnet8")
    var cifar = try CIFARLoader.loadCIFAR10(directory: cifarDirectory)
    cifar.train = cifar.train.prefix(8000)
    // The test batch is ordered by class, so every second image keeps the classes balanced.
    cifar.test = cifar.test.subset(Array(stride(from: 0, to: cifar.test.count, by: 2)))
    let cells = try grid(.resnet(depth: 8, widthMultiplier: 1), budgets: "2k,8k,32k", seeds: [0, 1, 2],
                         recipe: TrainingConfiguration(epochs: 4, batchSize: 128, learningRate: 0.1, augmentation: .cifar),
                         data: cifar)
    report(try study("cifar10-resnet8", cells: cells, data: cifar, declared: declared))
}

// ## Running it
// Errors (a missing or corrupt data file, a results table with other columns) end the notebook
// with their message; the runs already in the tables stay there for the next attempt.
do {
    try digitsStudy()
    try cifarStudy()
} catch {
    say("\nThe notebook stopped: \(error)")
    exit(1)
}

narrate("""
    Read the summaries, fits and paired tables in results/generators-at-equal-dof/, and the
    accuracy-against-DoF plots (accuracy_vs_dof.svg) next to them. results/README.md says what
    this run showed, including where RPG did not win.
    """)
