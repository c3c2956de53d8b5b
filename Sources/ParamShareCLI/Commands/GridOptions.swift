import ArgumentParser
import Foundation
import ParamShare
import ParamShareEngine

/// The options that describe a grid of runs and how to train it: models, generators, budgets,
/// the data and the recipe, seeds, threads and shards; shared by `sweep run` and `sweep tune`.
struct GridOptions: ParsableArguments {
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

    @Option(help: "How the banks' steps are scaled for sharing, comma-separated to sweep: none (the papers' plain steps), sqrt (each entry's step times 1/√k, k the weights reading it), inverse (times 1/k), layer (each layer's gradient scaled so its weights step like their dense twins'). Default: each generator's own, none for all but projection, which takes layer. Not for the baselines pruned and width, which run once.")
    var bankStep: String?

    @Option(help: "Data set: digits (embedded), cifar10, cifar100, mnist, fashion-mnist, kmnist, or folder (JPEG and PNG files in DIR/train/<class>/… and DIR/val/<class>/… or DIR/test/<class>/…).")
    var dataset: DatasetName = .digits

    @Option(help: "Folder holding the official files of --dataset (CIFAR binary batches, or MNIST-family IDX files, raw or .gz), or the image folder.")
    var dataDir: String?

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

    @Option(parsing: .unconditional, help: "Weight decay on weights (never on batch norm or biases). Default: 5e-4.")
    var weightDecay: Double?

    @Option(parsing: .unconditional, help: "Label smoothing ε in [0, 1). Default: 0.1 on digits, 0 otherwise.")
    var labelSmoothing: Double?

    @Option(parsing: .unconditional, help: "Comma-separated seeds; one run per model, generator setting, budget and seed. Default: 0,1,2 on digits, 0 otherwise.")
    var seeds: String?

    @Option(parsing: .unconditional, help: "Engine threads per run (default: the cores divided by --jobs).")
    var threads: Int?

    @Option(parsing: .unconditional, help: "Runs trained at once. Each gets cores/jobs engine threads; jobs × threads may not exceed the cores. Default: 2 on digits (as many as fit), 1 otherwise.")
    var jobs: Int?

    @Option(help: "Run only shard K of N (0 ≤ K < N) of the grid, as in --shard $SLURM_ARRAY_TASK_ID/16; combine the shards' tables with `sweep merge`.")
    var shard: String = "0/1"

    /// Bounds that no real run comes near, and below which no count overflows.
    static let largestEpochs = 100_000, largestBatch = 1 << 20

    /// Runs trained at once: --jobs, or as many as fit.
    var jobCount: Int {
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
        if let dataDir, FileManager.default.fileExists(atPath: dataDir, isDirectory: &isFolder), !isFolder.boolValue {
            throw ValidationError("--data-dir \(dataDir) is a file; name the folder that holds the \(dataset.rawValue) files")
        }
        _ = try grid()
    }

    /// The grid the flags describe, with the recipe's seed left to each cell.
    func grid() throws -> SweepGrid {
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
            recipe.weightDecay = weightDecay ?? recipe.weightDecay
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

    private func stepScalings() throws -> [BankStepScaling]? {
        guard let bankStep else { return nil }
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

    /// The data set with --train-limit and --validation applied.
    func loadData() throws -> DatasetSplit {
        let data = try dataset.load(directory: dataDir, imageSize: imageSize,
                                    folderReading: ImageFolderReading(mode: imageLoading, decodeThreads: decodeThreads))
        do {
            return try data.holdingOut(validation, trainLimit: trainLimit)
        } catch let error as ValidationSplitError {
            throw ValidationError("--validation \(validation.map { "\($0)" } ?? ""): \(error)")
        }
    }

    /// Stops before any training, and before any file is written, when a model cannot take the
    /// images or fit in memory, or a budget is impossible, rather than halfway through the grid.
    func preflight(_ cells: [SweepCell], on data: DatasetSplit) throws {
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
    }

    /// Refuses a grid flag that sets what `space` tunes: the search's value would silently replace it.
    func checkNoConflict(with space: TuningSpace, flag: String) throws {
        let setByFlags: [String: String] = [
            "lr": lr == nil ? "" : "--lr", "weight_decay": weightDecay == nil ? "" : "--weight-decay",
            "bank_step": bankStep == nil ? "" : "--bank-step",
        ]
        let sweeps: [GeneratorOptionSweep]
        do { sweeps = try generatorOption.map(GeneratorOptionSweep.init(parsing:)) } catch { throw ValidationError("--generator-option: \(error)") }
        let setOptions = Set(sweeps.map { "\($0.generator).\($0.option)" })
        for name in space.names {
            if let given = setByFlags[name], !given.isEmpty {
                throw ValidationError("\(given) and \(flag) both set \(name); drop \(given)")
            }
            if setOptions.contains(name) { throw ValidationError("--generator-option \(name) and \(flag) both set it; drop the --generator-option") }
        }
    }
}
