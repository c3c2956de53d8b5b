/// One run of a sweep, as a plain value: a model, how it shares its layers, the data and the recipe.
///
/// A cell says what to train and nothing about how; ``CellModel`` builds it and
/// ``SweepRunner`` trains it. Its ``identifier`` names the experiment in results tables.
public struct SweepCell: Sendable, Hashable {
    public var architecture: Architecture
    /// The generator, budget and scope; `nil` for the dense baseline.
    public var sharing: SharingSetting?
    public var data: DataSubset
    public var configuration: TrainingConfiguration
    /// The identifier of the tuning search whose selection set this cell's tuned settings
    /// (``TuningSelection``); `nil` for settings given by hand.
    public var tuning: String?

    public init(architecture: Architecture, sharing: SharingSetting?, data: DataSubset, configuration: TrainingConfiguration,
                tuning: String? = nil) {
        self.architecture = architecture
        self.sharing = sharing
        self.data = data
        self.configuration = configuration
        self.tuning = tuning
    }

    /// The generator's name, or `dense`.
    public var generatorName: String { sharing?.generator.name ?? GeneratorRegistry.denseName }

    /// The budget as the user typed it, or `full` for dense.
    public var budgetText: String { sharing?.budget.text ?? "full" }

    /// A short label for logs and progress lines: `lenet5 rpg signs=off 1% seed 0`, with the
    /// scope where it is not global (`resnet20 rpg 10% scope stage seed 0`).
    public var label: String {
        let sharingLabel = sharing.map {
            "\($0.generator) \($0.budget)\($0.scope == .global ? "" : " scope \($0.scope)")\($0.trainsBank ? "" : " frozen")"
                + "\($0.stepScaling == .none ? "" : " step \($0.stepScaling.rawValue)")"
        } ?? "dense"
        let precisionLabel = configuration.precision == .float32 ? "" : " \(configuration.precision.rawValue)"
        let tuningLabel = tuning == nil ? "" : " tuned"
        return "\(architecture) \(sharingLabel)\(precisionLabel)\(tuningLabel) seed \(configuration.seed)"
    }

    /// Every setting that can change this cell's result, as one canonical string: two cells with
    /// the same string are the same experiment.
    ///
    /// The generator contributes its name, semantics version and every option of its own
    /// (defaults included), and nothing of any other generator, so registering a plug-in never
    /// changes the identity of a built-in's cells.
    public var settings: String {
        let c = configuration
        var fields = [
            "model=\(architecture)", "dataset=\(data.dataset)", "train_images=\(data.trainImages)",
            "test_images=\(data.testImages)", "generator=\(generatorName)",
        ]
        // Only a held-out validation part is named, so that cells without one keep their ids.
        if data.validationImages > 0 { fields.insert("validation_images=\(data.validationImages)", at: 4) }
        if let sharing {
            fields.append("generator_version=\(sharing.generator.descriptor.semanticsVersion)")
            fields += sharing.generator.options.sortedPairs.map { "\(sharing.generator.name).\($0.name)=\($0.value)" }
            fields += ["budget=\(sharing.budget)", "scope=\(sharing.scope.rawValue)",
                       "stem=\(sharing.generatesStem)", "classifier=\(sharing.generatesClassifier)", "bank=\(sharing.bankTraining)"]
            // Only a scaled step is named, so that cells of plain steps keep the ids they had before the option.
            if sharing.stepScaling != .none { fields.append("bank_step=\(sharing.stepScaling.rawValue)") }
        }
        fields += [
            "seed=\(c.seed)", "epochs=\(c.epochs)", "batch=\(c.batchSize)", "optimizer=\(c.optimizer.rawValue)",
            "lr=\(c.learningRate)", "schedule=\(c.schedule.rawValue)", "weight_decay=\(c.weightDecay)",
            "label_smoothing=\(c.labelSmoothing)", "crop=\(c.augmentation.cropPadding)", "flip=\(c.augmentation.horizontalFlip)",
        ]
        // As with the step: only a random resized crop is named, so that other cells keep their ids.
        if c.augmentation.randomResizedCrop { fields.append("resized_crop=true") }
        // As with the step: only bf16 is named, so that fp32 cells keep the ids they had before the option.
        if c.precision != .float32 { fields.append("precision=\(c.precision.rawValue)") }
        // Two runs with the same settings train alike however the settings were found, but a row
        // should say truthfully whether a search chose them; only a tuned cell names it.
        if let tuning { fields.append("tuned=\(tuning)") }
        return fields.joined(separator: ";")
    }

    /// A short stable name for this cell: 16 hex digits of the FNV-1a hash of its ``settings``.
    ///
    /// Rows carry it so that a rerun skips finished cells and never mistakes a cell with a
    /// changed setting (epochs, learning rate, a generator option, …) for an old one.
    public var identifier: String { FNV1a.hex(of: settings) }
}
