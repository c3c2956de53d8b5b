import ArgumentParser
import Foundation
import ParamShare
import ParamShareEngine

/// `sweep run` (the default): train a grid of models and seeds and append one CSV row per run.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train every model × seed of a grid and write one CSV row per run (the default command).",
        discussion: """
            With no options it trains an MLP and LeNet-5 on the embedded digits set (8×8 images,
            a fixed stratified 75/25 split) and writes sweep-results/runs.csv.

            Examples:
              swift run -c release sweep
              swift run -c release sweep --dataset cifar10 --data-dir ~/data/cifar-10-batches-bin \\
                  --models resnet20 --epochs 10 --batch-size 128 --lr 0.1 --seeds 0,1
            """
    )

    @Option(name: [.customLong("models"), .customLong("model")],
            help: "Comma-separated models: mlp (or mlp-W1-W2-… for other hidden widths), lenet5, resnetD (D = 6n+2: resnet8, resnet20, resnet32, resnet56), resnetDxK for K× width. Default: mlp,lenet5 on digits, resnet20 otherwise.")
    var models: String?

    @Option(help: "Comma-separated generators: dense, rpg, hashing, projection, lowrank.")
    var generators: String = "dense"

    @Option(help: "Comma-separated budgets for the generators: counts (36864, 2k), shares of the generated weights (10%), or layer:NAME (as many as that layer has). Ignored by dense.")
    var budgets: String = "10%"

    @Option(help: "Which layers share a bank: global, stage, block or layer.")
    var scope: SharingScope = .global

    @Flag(help: "Generate the stem (first layer) too; by default it stays dense, as in the RPG paper.")
    var generateStem = false

    @Flag(help: "Generate the classifier too; by default it stays dense, as in the RPG paper.")
    var generateClassifier = false

    @Option(help: "RPG's index layout: global (even sampling over all layers), per-layer-arc, or naive (the paper's recurrent baseline).")
    var rpgVariant: RPGVariant = .global

    @Flag(help: "RPG ablation: no permutation of the indices.")
    var rpgNoPermutation = false

    @Flag(help: "RPG ablation: no random signs.")
    var rpgNoSigns = false

    @Option(help: "Data set: digits (embedded), cifar10, cifar100, mnist, fashion-mnist, kmnist.")
    var dataset: DatasetChoice = .digits

    @Option(help: "Folder holding the official files of --dataset (CIFAR binary batches, or MNIST-family IDX files, raw or .gz).")
    var dataDir: String?

    @Option(help: "Train on only the first N training images (for example 10000 of CIFAR-10).")
    var trainLimit: Int?

    @Option(help: "Passes over the training set. Default: 30 on digits, 10 otherwise.")
    var epochs: Int?

    @Option(help: "Images per step. Default: 32 on digits, 128 otherwise.")
    var batchSize: Int?

    @Option(help: "Peak learning rate. Default: 0.05 on digits, 0.1 otherwise (SGD); use about 1e-3 with AdamW.")
    var lr: Double?

    @Option(help: "Learning-rate schedule: onecycle (15% warm-up from lr/10, cosine to 1e-4), cosine, step, constant.")
    var schedule: TrainingConfiguration.ScheduleChoice = .onecycle

    @Option(help: "Optimiser: sgd (Nesterov momentum 0.9) or adamw.")
    var optimizer: TrainingConfiguration.OptimizerChoice = .sgd

    @Option(help: "Weight decay on weights (never on batch norm or biases).")
    var weightDecay: Double = 5e-4

    @Option(help: "Label smoothing ε in [0, 1). Default: 0.1 on digits, 0 otherwise.")
    var labelSmoothing: Double?

    @Option(help: "Comma-separated seeds; one run per model and seed. Default: 0,1,2 on digits, 0 otherwise.")
    var seeds: String?

    @Option(help: "The CSV file to append rows to.")
    var out: String = "sweep-results/runs.csv"

    @Option(help: "Engine threads per run (default: the cores divided by --jobs).")
    var threads: Int?

    @Option(help: "Runs trained at once. Each gets cores/jobs engine threads; jobs × threads may not exceed the cores.")
    var jobs: Int = 1

    @Option(help: "Run only shard K of N (0 ≤ K < N) of the grid, as in --shard $SLURM_ARRAY_TASK_ID/16; combine the shards' tables with `sweep merge`.")
    var shard: String = "0/1"

    @OptionGroup var logging: LoggingOptions

    mutating func validate() throws {
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
        if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
        if let lr, !(lr > 0 && lr.isFinite) { throw ValidationError("--lr must be a positive number, got \(lr)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        if let threads, jobs * threads > cores {
            throw ValidationError("--jobs \(jobs) × --threads \(threads) exceeds the \(cores) cores; runs would slow each other down")
        }
        do { _ = try SweepShard(parsing: shard) } catch { throw ValidationError("--shard: \(error)") }
        if let trainLimit, trainLimit < 1 { throw ValidationError("--train-limit must be at least 1, got \(trainLimit)") }
        guard weightDecay >= 0 else { throw ValidationError("--weight-decay cannot be negative, got \(weightDecay)") }
        if let labelSmoothing, !(labelSmoothing >= 0 && labelSmoothing < 1) {
            throw ValidationError("--label-smoothing must be in [0, 1), got \(labelSmoothing)")
        }
        if dataset == .digits, dataDir != nil { throw ValidationError("--data-dir does not apply to the embedded digits set; pick --dataset cifar10, mnist, …") }
        if dataset != .digits, dataDir == nil {
            throw ValidationError("--dataset \(dataset.rawValue) needs --data-dir pointing at its official files")
        }
        _ = try parsedSeeds()
        _ = try architectures()
        _ = try generatorSettings()
        _ = try budgetSpecifications()
    }

    private func generatorSettings() throws -> [GeneratorSetting] {
        try generators.split(separator: ",").map { name in
            guard let kind = GeneratorSetting.Kind(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("unknown generator '\(name)'; use " + GeneratorSetting.Kind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return GeneratorSetting(kind: kind, rpgVariant: rpgVariant, rpgPermutes: !rpgNoPermutation, rpgSigns: !rpgNoSigns)
        }
    }

    private func budgetSpecifications() throws -> [BudgetSpecification] {
        do {
            return try budgets.split(separator: ",").map { try BudgetSpecification(parsing: String($0)) }
        } catch let error as BudgetError {
            throw ValidationError("--budgets: \(error)")
        }
    }

    /// Every cell of the grid, in the order they run: model, generator, budget, seed.
    private func cells(isDigits: Bool, isCIFAR: Bool) throws -> [SweepCell] {
        var cells = [SweepCell]()
        for architecture in try architectures() {
            for generator in try generatorSettings() {
                let budgets: [BudgetSpecification?] = generator.kind == .dense ? [nil] : try budgetSpecifications()
                for budget in budgets {
                    for seed in try parsedSeeds() {
                        let configuration = TrainingConfiguration(
                            epochs: epochs ?? (isDigits ? 30 : 10), batchSize: batchSize ?? (isDigits ? 32 : 128),
                            optimizer: optimizer, learningRate: lr ?? (isDigits ? 0.05 : 0.1), schedule: schedule,
                            weightDecay: weightDecay, labelSmoothing: labelSmoothing ?? (isDigits ? 0.1 : 0),
                            augmentation: isCIFAR ? .cifar : .none, seed: seed)
                        cells.append(SweepCell(architecture: architecture, generator: generator, budget: budget, scope: scope,
                                               generatesStem: generateStem, generatesClassifier: generateClassifier,
                                               configuration: configuration))
                    }
                }
            }
        }
        return cells
    }

    private func parsedSeeds() throws -> [UInt64] {
        try (seeds ?? (dataset == .digits ? "0,1,2" : "0")).split(separator: ",").map { text in
            guard let seed = UInt64(text.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--seeds takes non-negative integers separated by commas, got '\(text)'")
            }
            return seed
        }
    }

    private func architectures() throws -> [Architecture] {
        let names = models ?? (dataset == .digits ? "mlp,lenet5" : "resnet20")
        return try names.split(separator: ",").map { name in
            guard let architecture = Architecture(name: String(name)) else {
                throw ValidationError("unknown model '\(name)'; use mlp, lenet5, or resnetD with D = 6n+2 (resnet8, resnet20, resnet56)")
            }
            return architecture
        }
    }

    func run() throws {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        EngineThreads.count = threads ?? max(1, cores / jobs)
        let logger = logging.makeLogger(label: "sweep")
        var data = try dataset.load(directory: dataDir)
        if let trainLimit { data.train = data.train.prefix(trainLimit) }
        let grid = try cells(isDigits: dataset == .digits, isCIFAR: dataset.isCIFAR)
        let shard = try SweepShard(parsing: shard)
        let cells = shard.select(grid)
        // Impossible budgets stop the sweep before any training, not halfway through it.
        for cell in cells {
            do {
                _ = try cell.buildModel(inputShape: data.train.imageShape, classes: data.train.classes)
            } catch let error as BudgetError {
                throw ValidationError("\(cell.architecture) with \(cell.generator): \(error)")
            }
        }
        let runner = SweepRunner(cells: cells, data: data, runsPath: out, epochsPath: SweepRunner.epochsPath(forRunsAt: out),
                                 jobs: jobs)
        logger.info("data: \(data.train.name), \(data.train.count) training and \(data.test.count) test images of \(data.train.imageShape)")
        logger.info("\(cells.count) runs\(shard.count > 1 ? " (shard \(shard) of a \(grid.count)-run grid)" : ""), \(jobs) at a time on \(EngineThreads.count) threads each")
        logger.info("writing rows to \(out) and per-epoch rows to \(runner.epochsPath)")
        let printer = ProgressPrinter(logger: logger, cells: cells.count)
        let records = try runner.run { printer.handle($0) }
        logger.info("done: \(records.count) runs appended to \(out)")
    }
}

extension SharingScope: ExpressibleByArgument {}
extension RPGVariant: ExpressibleByArgument {}
