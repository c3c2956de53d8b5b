import ArgumentParser
import Foundation
import ParamShare
import ParamShareArguments
import ParamShareEngine

/// The options that describe a grid of runs and how to train it: models, generators, budgets,
/// the data and the recipe, seeds, threads and shards; shared by `sweep run` and `sweep tune`.
struct GridOptions: ParsableArguments {
    @Option(name: [.customLong("models"), .customLong("model")],
            help: "Comma-separated models: \(Architecture.namesAccepted). \(GridDefaults.help { "\($0.models)" })",
            transform: CommaList.init(parsing:))
    var models: CommaList<Architecture>?

    @Option(help: "Comma-separated generators: \(CommandLineRegistry.current.names.joined(separator: ", ")). \(GridDefaults.help { "\($0.generators)" })",
            transform: GeneratorList.init(parsing:))
    var generators: GeneratorList?

    @Option(help: "Set or sweep a generator option, as GENERATOR.OPTION=VALUE or =V1,V2 to sweep the values (repeatable): rpg.signs=off, rpg.variant=global,naive.",
            transform: GeneratorOptionSweep.init(parsing:))
    var generatorOption: [GeneratorOptionSweep] = []

    @Option(parsing: .unconditional, help: "Comma-separated budgets for the generators: counts (36864, 2k), shares of the generated weights (10%), or layer:NAME (as many as that layer has). Ignored by dense. \(GridDefaults.help { "\($0.budgets)" })",
            transform: CommaList.init(parsing:))
    var budgets: CommaList<BudgetSpecification>?

    @Option(help: "Which layers share a bank: global, stage, block or layer. Default: each generator's own (global for rpg, layer for hashing, as in their papers). For pruned: one magnitude threshold per bank's layers.")
    var scope: SharingScope?

    @Flag(help: "Generate the stem (first layer) too; by default it stays dense, as in the RPG paper.")
    var generateStem = false

    @Flag(help: "Generate the classifier too; by default it stays dense, as in the RPG paper.")
    var generateClassifier = false

    @Option(help: "Whether the generators' banks train: trained, frozen (the control: only batch norm, the stem and the classifier train), or trained,frozen for both. The baselines pruned and width have no bank and run once.",
            transform: CommaList.init(parsing:))
    var bank = CommaList<BankTraining>([.trained])

    @Option(help: "How the banks' steps are scaled for sharing, comma-separated to sweep: none (the papers' plain steps), sqrt (each entry's step times 1/√k, k the weights reading it), inverse (times 1/k), layer (each layer's gradient scaled so its weights step like their dense twins'). Default: each generator's own, none for all but projection, which takes layer. Not for the baselines pruned and width, which run once.",
            transform: CommaList.init(parsing:))
    var bankStep: CommaList<BankStepScaling>?

    @Option(help: "Data set: digits (embedded), cifar10, cifar100, mnist, fashion-mnist, kmnist, or folder (JPEG and PNG files in DIR/train/<class>/… and DIR/val/<class>/… or DIR/test/<class>/…).")
    var dataset: DatasetName = .digits

    @Option(help: "Folder holding the official files of --dataset (CIFAR binary batches, or MNIST-family IDX files, raw or .gz), or the image folder.", transform: GivenPath.init(parsing:))
    var dataDir: GivenPath?

    @Option(parsing: .unconditional, help: ArgumentHelp("With --dataset folder: the side S of the square images the network sees. Training takes a random resized crop of each image (scale 0.08–1, aspect 3/4–4/3) and a random flip; evaluation scales the shorter side to S·8/7 and takes the centre S×S. ResNet-18 and -34 take the CIFAR stem for S ≤ 32 and the ImageNet stem above.", valueName: "S"))
    var imageSize: Int?

    @Option(help: "With --dataset folder: memory decodes every image once and keeps it; stream keeps only the paths and decodes each batch on background threads, a bounded queue of two batches ahead of training; auto streams when the images in memory would take more than half of the memory the process may use (the least of the machine's, the control group's memory.max and what ulimit -v leaves). The runs are the same bit for bit.")
    var imageLoading: ImageFolderReading.Mode = .automatic

    @Option(parsing: .unconditional, help: "With --dataset folder, streamed: the threads that decode each batch (the one that assembles batches among them).")
    var decodeThreads: Int = 1

    @Option(parsing: .unconditional, help: "Train on only the first N training images (for example 10000 of CIFAR-10).")
    var trainLimit: Int?

    @Option(help: ArgumentHelp("Hold out N training images, or P% of the training file, for validation: a stratified part drawn with a fixed seed from the images --train-limit leaves out (or, without a limit, from the whole training set, which then trains on the rest); never the test set. Each epoch records validation accuracy and loss; the count is recorded in validation_images and is part of each run's identity.", valueName: "N|P%"))
    var validation: ValidationSize?

    @Option(parsing: .unconditional, help: "Passes over the training set. \(GridDefaults.help { "\($0.recipe.epochs)" })")
    var epochs: Int?

    @Option(parsing: .unconditional, help: "Images per step. \(GridDefaults.help { "\($0.recipe.batchSize)" })")
    var batchSize: Int?

    @Option(parsing: .unconditional, help: "Peak learning rate; use about 1e-3 with AdamW. \(GridDefaults.help { "\($0.recipe.learningRate)" })")
    var lr: Double?

    @Option(help: "Learning-rate schedule: onecycle (15% warm-up from lr/10, cosine to 1e-4), cosine, step, constant.")
    var schedule: TrainingConfiguration.ScheduleChoice = .onecycle

    @Option(help: "Optimiser: sgd (Nesterov momentum 0.9) or adamw.")
    var optimizer: TrainingConfiguration.OptimizerChoice = .sgd

    @Option(help: "Precision of convolution and matrix-product operands: fp32, or bf16 (rounded to bfloat16 with Float accumulation; weights, banks, optimiser state and the loss stay Float). Recorded in the precision column.")
    var precision: ComputePrecision = .float32

    @Option(parsing: .unconditional, help: "Weight decay on weights (never on batch norm or biases). \(GridDefaults.help { "\($0.recipe.weightDecay)" })")
    var weightDecay: Double?

    @Option(parsing: .unconditional, help: "Label smoothing ε in [0, 1). \(GridDefaults.help { "\($0.recipe.labelSmoothing)" })")
    var labelSmoothing: Double?

    @Option(parsing: .unconditional, help: "Comma-separated seeds; one run per model, generator setting, budget and seed. \(GridDefaults.help { "\($0.seeds)" })",
            transform: CommaList.init(parsing:))
    var seeds: CommaList<UInt64>?

    @Option(parsing: .unconditional, help: "Engine threads per run. Default: the cores divided by --jobs.")
    var threads: Int?

    @Option(parsing: .unconditional, help: "Runs trained at once; jobs × threads may not exceed the cores. Default: the cores divided by --threads if it is given, else \(GridDefaults.embedded.jobs) on digits (as many as fit) and \(GridDefaults.downloaded.jobs) otherwise.")
    var jobs: Int?

    // Unconditional, as for the numeric flags: '-1/2' is then a shard to refuse by its range, not a flag.
    @Option(parsing: .unconditional, help: "Run only shard K of N (0 ≤ K < N) of the grid, as in --shard $SLURM_ARRAY_TASK_ID/16; combine the shards' tables with `sweep merge`.",
            transform: SweepShard.init(parsing:))
    var shard: SweepShard = try! SweepShard(index: 0, count: 1)

    /// Bounds that no real run comes near, and below which no count overflows.
    static let largestEpochs = 100_000, largestBatch = 1 << 20

    /// Runs trained at once: --jobs, or as many runs of --threads threads as the cores hold, or
    /// the data set's default.
    var jobCount: Int {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        if let jobs { return jobs }
        if let threads { return max(1, cores / threads) }
        return defaults.jobs
    }

    /// Engine threads per run: --threads, or the cores shared among the runs trained at once.
    var threadCount: Int {
        threads ?? max(1, ProcessInfo.processInfo.activeProcessorCount / jobCount)
    }

    func validate() throws {
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
        if let trainLimit, trainLimit < 1 { throw ValidationError("--train-limit must be at least 1, got \(trainLimit)") }
        if let weightDecay, !(weightDecay >= 0 && weightDecay.isFinite) {
            throw ValidationError("--weight-decay must be a number of at least 0, got \(weightDecay)")
        }
        if let labelSmoothing, !(labelSmoothing >= 0 && labelSmoothing < 1) {
            throw ValidationError("--label-smoothing must be in [0, 1), got \(labelSmoothing)")
        }
        if dataset.isEmbedded, dataDir != nil { throw ValidationError("--data-dir does not apply to the embedded digits set; pick --dataset cifar10, mnist, …") }
        if !dataset.isEmbedded, dataDir == nil {
            throw ValidationError("--dataset \(dataset.rawValue) needs --data-dir pointing at its official files")
        }
        if dataset.needsImageSize, imageSize == nil {
            throw ValidationError("--dataset \(dataset.rawValue) needs --image-size S, the side of the images the network sees (224 for ImageNet's recipe; 32 or 64 on a small machine)")
        }
        if !dataset.needsImageSize, imageSize != nil {
            throw ValidationError("--image-size applies to --dataset folder only; \(dataset.rawValue)'s images have one size already")
        }
        if !dataset.needsImageSize, imageLoading != .automatic || decodeThreads != 1 {
            throw ValidationError("--image-loading and --decode-threads apply to --dataset folder only")
        }
        if decodeThreads < 1 { throw ValidationError("--decode-threads must be at least 1, got \(decodeThreads)") }
        if let imageSize, !(1...4096).contains(imageSize) { throw ValidationError("--image-size must be in 1...4096, got \(imageSize)") }
        var isFolder: ObjCBool = false
        if let dataDir, FileManager.default.fileExists(atPath: dataDir.path, isDirectory: &isFolder), !isFolder.boolValue {
            throw ValidationError("--data-dir \(dataDir) is a file; name the folder that holds the \(dataset.rawValue) files")
        }
    }

    /// The defaults of the chosen data set, for every flag not given.
    var defaults: GridDefaults { GridDefaults(for: dataset) }

    /// The grid the flags describe, with the recipe's seed left to each cell.
    func grid() throws -> SweepGrid {
        let defaults = defaults
        let generators = generators ?? defaults.generators
        var recipe = defaults.recipe
        recipe.epochs = epochs ?? recipe.epochs
        recipe.batchSize = batchSize ?? recipe.batchSize
        recipe.learningRate = lr ?? recipe.learningRate
        recipe.labelSmoothing = labelSmoothing ?? recipe.labelSmoothing
        recipe.optimizer = optimizer
        recipe.schedule = schedule
        recipe.weightDecay = weightDecay ?? recipe.weightDecay
        recipe.precision = precision
        let settings: [GeneratorSetting]
        do { settings = try GeneratorSetting.grid(generators.descriptors, sweeping: generatorOption) } catch {
            throw ValidationError("--generator-option: \(error)")
        }
        let grid = SweepGrid(
            architectures: (models ?? defaults.models).elements, generators: settings, includesDense: generators.includesDense,
            budgets: generators.descriptors.isEmpty ? [] : (budgets ?? defaults.budgets).elements,
            scope: scope, generatesStem: generateStem, generatesClassifier: generateClassifier,
            bankTrainings: bank.distinct.map { $0 == .trained }, stepScalings: bankStep?.distinct,
            seeds: (seeds ?? defaults.seeds).elements, recipe: recipe)
        // Its message names the scope or the bank step, as --scope and --bank-step gave them.
        do { try grid.checkSettingsTakeEffect() } catch { throw ValidationError("\(error)") }
        return grid
    }

    /// Sets the engine's threads per run, then builds the grid and loads the data set: the flags
    /// first, since a mistyped list should not wait for a data set to load.
    func prepare() throws -> (grid: SweepGrid, data: DatasetSplit) {
        EngineThreads.count = threadCount
        let grid = try grid()
        return (grid, try loadData())
    }

    /// The data set with --train-limit and --validation applied.
    func loadData() throws -> DatasetSplit {
        let data = try dataset.load(directory: dataDir?.path, imageSize: imageSize,
                                    folderReading: ImageFolderReading(mode: imageLoading, decodeThreads: decodeThreads))
        do {
            return try data.holdingOut(validation, trainLimit: trainLimit)
        } catch let error as ValidationSplitError {
            throw ValidationError("--validation \(validation.map { "\($0)" } ?? ""): \(error)")
        }
    }

    /// Stops before any training, and before any file is written, when a model cannot take the
    /// images or fit in memory, or a cell's budget, options, banks or step scaling do not work,
    /// rather than halfway through the grid (``SweepPreflight``; no network is built).
    func preflight(_ cells: [SweepCell], on data: DatasetSplit) throws {
        let preflight = SweepPreflight(cells: cells, inputShape: data.train.imageShape, classes: data.train.classes, jobs: jobCount)
        guard let refusal = preflight.refusals.first else { return }
        let cell = refusal.cell
        switch refusal.reason {
        case let error as BankStepScalingError: throw ValidationError("--bank-step \(error.scaling.rawValue): \(error)")
        case let error as GridError: throw ValidationError("\(error)")
        default: throw ValidationError("\(cell.architecture) with \(cell.sharing.map { "\($0.generator)" } ?? "dense"): \(refusal.reason)")
        }
    }

    /// Refuses a grid flag that sets what `space` tunes: the search's value would silently replace it.
    func checkNoConflict(with space: TuningSpace, flag: String) throws {
        let setByFlags: [String: String] = [
            "lr": lr == nil ? "" : "--lr", "weight_decay": weightDecay == nil ? "" : "--weight-decay",
            "bank_step": bankStep == nil ? "" : "--bank-step",
        ]
        let setOptions = Set(generatorOption.map { "\($0.generator).\($0.option)" })
        for name in space.names {
            if let given = setByFlags[name], !given.isEmpty {
                throw ValidationError("\(given) and \(flag) both set \(name); drop \(given)")
            }
            if setOptions.contains(name) { throw ValidationError("--generator-option \(name) and \(flag) both set it; drop the --generator-option") }
        }
    }
}
