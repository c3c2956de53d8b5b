import ArgumentParser
import Foundation
import ParamShare
import ParamShareEngine

/// `sweep run` (the default): train a grid of models, generators, budgets and seeds, append one
/// CSV row per run, then analyse the table.
struct Run: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            abstract: "Train every model × generator × budget × seed of a grid, write one CSV row per run and analyse the table (the default command).",
            discussion: """
                With no options it runs the main job: on the embedded digits set (8×8 images, a fixed
                stratified 75/25 split), LeNet-5 and an MLP with hidden widths 128 and 64, each with
                \(mainJobGenerators.replacingOccurrences(of: ",", with: ", ")) at the budgets
                \(mainJobBudgets.replacingOccurrences(of: ",", with: ", ")) over seeds 0, 1 and 2 (about a minute on 2 cores), then prints
                an accuracy-by-DoF table and writes sweep-results/runs.csv and its analysis
                (summary.csv, loglinear.csv, paired.csv, accuracy_vs_dof.svg).

                Generators and their options: \(CommandLineRegistry.generatorHelp).

                Examples:
                  swift run -c release sweep
                  swift run -c release sweep --models mlp --generators rpg,dense --budgets 1%,10% \\
                      --generator-option rpg.signs=on,off
                  swift run -c release sweep --dataset cifar10 --data-dir ~/data/cifar-10-batches-bin \\
                      --models resnet20 --epochs 10 --batch-size 128 --lr 0.1 --seeds 0,1
                """
        )
    }

    /// The main job's generators and budgets: the grid `sweep` runs on digits with no flags,
    /// every built-in generator and dense.
    static let mainJobGenerators = (GeneratorRegistry.builtIn.descriptors.map(\.name) + [GeneratorRegistry.denseName])
        .joined(separator: ",")
    static let mainJobBudgets = "3%,10%,30%,92%"
    static let mainJobModels = "lenet5,mlp-128-64"

    @Option(name: [.customLong("models"), .customLong("model")],
            help: "Comma-separated models: \(Architecture.namesAccepted). Default: \(mainJobModels) on digits, resnet20 otherwise.")
    var models: String?

    @Option(help: "Comma-separated generators: \(CommandLineRegistry.current.names.joined(separator: ", ")). Default: \(mainJobGenerators) on digits, dense otherwise.")
    var generators: String?

    @Option(help: "Set or sweep a generator option, as GENERATOR.OPTION=VALUE or =V1,V2 to sweep the values (repeatable): rpg.signs=off, rpg.variant=global,naive.")
    var generatorOption: [String] = []

    @Option(parsing: .unconditional, help: "Comma-separated budgets for the generators: counts (36864, 2k), shares of the generated weights (10%), or layer:NAME (as many as that layer has). Ignored by dense. Default: \(mainJobBudgets) on digits, 10% otherwise.")
    var budgets: String?

    @Option(help: "Which layers share a bank: global, stage, block or layer. Default: each generator's own (global for rpg, layer for hashing, as in their papers). For pruned: one magnitude threshold per bank's layers.")
    var scope: SharingScope?

    @Flag(help: "Generate the stem (first layer) too; by default it stays dense, as in the RPG paper.")
    var generateStem = false

    @Flag(help: "Generate the classifier too; by default it stays dense, as in the RPG paper.")
    var generateClassifier = false

    @Option(help: "Whether the generators' banks train: trained, frozen (the control: only batch norm, the stem and the classifier train), or trained,frozen for both. The baselines pruned and width have no bank and run once.")
    var bank: String = "trained"

    @Option(help: "How the banks' steps are scaled for sharing, comma-separated to sweep: none (the paper), sqrt (each entry's step times 1/√k, k the weights reading it), inverse (times 1/k), layer (each layer's gradient scaled so its weights step like their dense twins'). Not for the baselines pruned and width, which run once.")
    var bankStep: String = "none"

    @Option(help: "Data set: digits (embedded), cifar10, cifar100, mnist, fashion-mnist, kmnist.")
    var dataset: DatasetName = .digits

    @Option(help: "Folder holding the official files of --dataset (CIFAR binary batches, or MNIST-family IDX files, raw or .gz).")
    var dataDir: String?

    @Option(parsing: .unconditional, help: "Train on only the first N training images (for example 10000 of CIFAR-10).")
    var trainLimit: Int?

    @Option(parsing: .unconditional, help: "Passes over the training set. Default: 30 on digits, 10 otherwise.")
    var epochs: Int?

    @Option(parsing: .unconditional, help: "Images per step. Default: 32 on digits, 128 otherwise.")
    var batchSize: Int?

    @Option(parsing: .unconditional, help: "Peak learning rate. Default: 0.02 on digits, 0.1 otherwise (SGD); use about 1e-3 with AdamW.")
    var lr: Double?

    @Option(help: "Learning-rate schedule: onecycle (15% warm-up from lr/10, cosine to 1e-4), cosine, step, constant.")
    var schedule: TrainingConfiguration.ScheduleChoice = .onecycle

    @Option(help: "Optimiser: sgd (Nesterov momentum 0.9) or adamw.")
    var optimizer: TrainingConfiguration.OptimizerChoice = .sgd

    @Option(help: "Precision of convolution and matrix-product operands: fp32, or bf16 (rounded to bfloat16 with Float accumulation; weights, banks, optimiser state and the loss stay Float). Recorded in the precision column.")
    var precision: ComputePrecision = .float32

    @Option(parsing: .unconditional, help: "Weight decay on weights (never on batch norm or biases).")
    var weightDecay: Double = 5e-4

    @Option(parsing: .unconditional, help: "Label smoothing ε in [0, 1). Default: 0.1 on digits, 0 otherwise.")
    var labelSmoothing: Double?

    @Option(parsing: .unconditional, help: "Comma-separated seeds; one run per model, generator setting, budget and seed. Default: 0,1,2 on digits, 0 otherwise.")
    var seeds: String?

    @Option(help: "The CSV file to append rows to.")
    var out: String = "sweep-results/runs.csv"

    @Option(help: ArgumentHelp("Save each trained model into this folder as CELL_ID.safetensors (bank, ordinary weights, batch norm and the settings that regenerate the rest; `sweep eval` reads it). Diverged runs save none.", valueName: "folder"))
    var saveModels: String?

    @Option(parsing: .unconditional, help: "Engine threads per run (default: the cores divided by --jobs).")
    var threads: Int?

    @Option(parsing: .unconditional, help: "Runs trained at once. Each gets cores/jobs engine threads; jobs × threads may not exceed the cores. Default: 2 on digits (as many as fit), 1 otherwise.")
    var jobs: Int?

    @Option(help: "Run only shard K of N (0 ≤ K < N) of the grid, as in --shard $SLURM_ARRAY_TASK_ID/16; combine the shards' tables with `sweep merge`.")
    var shard: String = "0/1"

    @Flag(help: "Do not analyse the table after the runs (a sharded run never does: analyse the merged table).")
    var noAnalysis = false

    @OptionGroup var logging: LoggingOptions

    /// Bounds that no real run comes near, and below which no count overflows.
    static let largestEpochs = 100_000, largestBatch = 1 << 20

    private var jobCount: Int {
        jobs ?? (dataset.isEmbedded ? min(2, ProcessInfo.processInfo.activeProcessorCount) : 1)
    }

    mutating func validate() throws {
        if let epochs, !(1...Self.largestEpochs).contains(epochs) {
            throw ValidationError("--epochs must be from 1 to \(Self.largestEpochs), got \(epochs)")
        }
        if let batchSize, !(1...Self.largestBatch).contains(batchSize) {
            throw ValidationError("--batch-size must be from 1 to \(Self.largestBatch), got \(batchSize)")
        }
        if let lr, !(lr > 0 && lr.isFinite) { throw ValidationError("--lr must be a positive number, got \(lr)") }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        if let threads, !(1...cores).contains(threads) {
            throw ValidationError("--threads must be from 1 to the \(cores) cores, got \(threads)")
        }
        guard (1...cores).contains(jobCount) else {
            throw ValidationError("--jobs must be from 1 to the \(cores) cores, got \(jobCount); more runs at once would slow each other down")
        }
        if let threads, jobCount * threads > cores {
            throw ValidationError("--jobs \(jobCount) × --threads \(threads) exceeds the \(cores) cores; runs would slow each other down")
        }
        do { _ = try SweepShard(parsing: shard) } catch { throw ValidationError("--shard: \(error)") }
        if let trainLimit, trainLimit < 1 { throw ValidationError("--train-limit must be at least 1, got \(trainLimit)") }
        guard weightDecay >= 0, weightDecay.isFinite else {
            throw ValidationError("--weight-decay must be a number of at least 0, got \(weightDecay)")
        }
        if let labelSmoothing, !(labelSmoothing >= 0 && labelSmoothing < 1) {
            throw ValidationError("--label-smoothing must be in [0, 1), got \(labelSmoothing)")
        }
        if dataset.isEmbedded, dataDir != nil { throw ValidationError("--data-dir does not apply to the embedded digits set; pick --dataset cifar10, mnist, …") }
        if !dataset.isEmbedded, dataDir == nil {
            throw ValidationError("--dataset \(dataset.rawValue) needs --data-dir pointing at its official files")
        }
        var isFolder: ObjCBool = false
        if let dataDir, FileManager.default.fileExists(atPath: dataDir, isDirectory: &isFolder), !isFolder.boolValue {
            throw ValidationError("--data-dir \(dataDir) is a file; name the folder that holds the \(dataset.rawValue) files")
        }
        _ = try grid()
    }

    /// The grid the flags describe, with the recipe's seed left to each cell.
    private func grid() throws -> SweepGrid {
        do {
            let (descriptors, includesDense) = try CommandLineRegistry.generators(
                named: generators ?? (dataset.isEmbedded ? Self.mainJobGenerators : GeneratorRegistry.denseName))
            let sweeps = try generatorOption.map(GeneratorOptionSweep.init(parsing:))
            if let stray = sweeps.first(where: { sweep in !descriptors.contains { $0.name == sweep.generator } }) {
                throw GridError("--generator-option \(stray.generator).\(stray.option): \(stray.generator) is not among --generators")
            }
            var recipe = TrainingConfiguration.defaults(for: dataset)
            recipe.epochs = epochs ?? recipe.epochs
            recipe.batchSize = batchSize ?? recipe.batchSize
            recipe.learningRate = lr ?? recipe.learningRate
            recipe.labelSmoothing = labelSmoothing ?? recipe.labelSmoothing
            recipe.optimizer = optimizer
            recipe.schedule = schedule
            recipe.weightDecay = weightDecay
            recipe.precision = precision
            return SweepGrid(
                architectures: try Architecture.list(parsing: models ?? (dataset.isEmbedded ? Self.mainJobModels : "resnet20")),
                generators: try descriptors.flatMap { try GeneratorSetting.grid($0, sweeping: sweeps) },
                includesDense: includesDense,
                budgets: descriptors.isEmpty ? [] : try BudgetSpecification.list(parsing: budgets ?? (dataset.isEmbedded ? Self.mainJobBudgets : "10%")),
                scope: scope, generatesStem: generateStem, generatesClassifier: generateClassifier,
                bankTrainings: try bankTrainings(), stepScalings: try stepScalings(), seeds: try parsedSeeds(), recipe: recipe)
        } catch let error as ValidationError {
            throw error
        } catch {
            throw ValidationError("\(error)")
        }
    }

    private func stepScalings() throws -> [BankStepScaling] {
        var seen = Set<BankStepScaling>()
        return try bankStep.split(separator: ",", omittingEmptySubsequences: false).map { text in
            guard let scaling = BankStepScaling(rawValue: text.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--bank-step takes \(BankStepScaling.allCases.map(\.rawValue).joined(separator: ", ")) "
                                      + "or a comma-separated list of them, got '\(text)'")
            }
            return scaling
        }.filter { seen.insert($0).inserted }
    }

    private func bankTrainings() throws -> [Bool] {
        let values = try bank.split(separator: ",", omittingEmptySubsequences: false).map { text -> Bool in
            switch text.trimmingCharacters(in: .whitespaces) {
            case "trained": return true
            case "frozen": return false
            default: throw ValidationError("--bank takes trained, frozen or trained,frozen, got '\(text)'")
            }
        }
        var seen = Set<Bool>()
        return values.filter { seen.insert($0).inserted }
    }

    private func parsedSeeds() throws -> [UInt64] {
        try (seeds ?? (dataset.isEmbedded ? "0,1,2" : "0")).split(separator: ",", omittingEmptySubsequences: false).map { text in
            guard let seed = UInt64(text.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--seeds takes non-negative integers separated by commas, got '\(text)'")
            }
            return seed
        }
    }

    func run() throws {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        EngineThreads.count = threads ?? max(1, cores / jobCount)
        let logger = logging.makeLogger(label: "sweep")
        var data = try dataset.load(directory: dataDir)
        if let trainLimit { data.train = data.train.prefix(trainLimit) }
        let grid = try grid().cells(on: DataSubset(data))
        let shard = try SweepShard(parsing: shard)
        let selected = shard.select(grid)
        let cells = SweepRunner.uniqueCells(selected)
        if cells.count < selected.count {
            logger.notice("left out \(selected.count - cells.count) run\(selected.count - cells.count == 1 ? "" : "s") that repeat an earlier one of the grid (the same settings, such as --seeds 0,0 or --budgets 2k,2000)")
        }
        // Models that cannot take the images or fit in memory, and impossible budgets, stop the
        // sweep before any training (and before any file is written), not halfway through it.
        for architecture in Set(cells.map(\.architecture)).sorted(by: { "\($0)" < "\($1)" }) {
            do {
                try architecture.checkFits(inputShape: data.train.imageShape, classes: data.train.classes,
                                           batchSize: cells[0].configuration.batchSize, jobs: jobCount)
            } catch {
                throw ValidationError("\(error)")
            }
        }
        for cell in cells {
            do {
                _ = try CellModel(building: cell, inputShape: data.train.imageShape, classes: data.train.classes)
            } catch let error as BudgetError {
                throw ValidationError("\(cell.architecture) with \(cell.sharing.map { "\($0.generator)" } ?? "dense"): \(error)")
            }
        }
        if let saveModels {
            do { try OutputLocation.prepareFolder(of: (saveModels as NSString).appendingPathComponent("model.safetensors")) } catch {
                throw ValidationError("--save-models \(saveModels): \(error)")
            }
        }
        let runner = SweepRunner(cells: cells, data: data, runsPath: out, epochsPath: SweepRunner.epochsPath(forRunsAt: out),
                                 jobs: jobCount, layout: RunsTableLayout(optionColumns: CommandLineRegistry.current.optionColumns),
                                 checkpointDirectory: saveModels)
        logger.info("data: \(data.train.name), \(data.train.count) training and \(data.test.count) test images of \(data.train.imageShape)")
        logger.info("\(cells.count) runs\(shard.count > 1 ? " (shard \(shard) of a \(grid.count)-run grid)" : ""), \(jobCount) at a time on \(EngineThreads.count) threads each")
        logger.info("writing rows to \(out) and per-epoch rows to \(runner.epochsPath)")
        let printer = ProgressPrinter(logger: logger, cells: cells.count)
        let records = try runner.run { printer.handle($0) }
        logger.info("done: \(records.count) runs appended to \(out)")
        guard !noAnalysis, shard.count == 1 else { return }
        let analysis = try RunAnalysis(contentsOfFile: out)
        let directory = (out as NSString).deletingLastPathComponent
        let paths = try analysis.write(to: directory.isEmpty ? "." : directory)
        print("\n" + analysis.accuracyTable())
        for path in paths { logger.info("wrote \(path)") }
    }
}
