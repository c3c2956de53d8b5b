import ParamShareEngine

/// One run of a sweep: a model, a generator at a budget and scope, a seed, and a recipe.
public struct SweepCell: Sendable, Hashable {
    public var architecture: Architecture
    public var generator: GeneratorSetting
    /// The budget asked for; ignored by `dense`.
    public var budget: BudgetSpecification?
    public var scope: SharingScope
    public var generatesStem: Bool
    public var generatesClassifier: Bool
    public var configuration: TrainingConfiguration

    public init(architecture: Architecture, generator: GeneratorSetting, budget: BudgetSpecification?,
                scope: SharingScope = .global, generatesStem: Bool = false, generatesClassifier: Bool = false,
                configuration: TrainingConfiguration) {
        self.architecture = architecture
        self.generator = generator
        self.budget = generator.kind == .dense ? nil : budget
        self.scope = scope
        self.generatesStem = generatesStem
        self.generatesClassifier = generatesClassifier
        self.configuration = configuration
    }

    /// Every setting that can change this cell's result, as one canonical string: two cells
    /// with the same string are the same experiment.
    public func settings(dataset: String, trainImages: Int) -> String {
        let c = configuration
        var fields = [
            "model=\(architecture)", "dataset=\(dataset)", "train_images=\(trainImages)", "generator=\(generator.kind.rawValue)",
        ]
        if generator.kind == .rpg {
            fields += ["variant=\(generator.rpgVariant.rawValue)", "permutation=\(generator.rpgPermutes)", "signs=\(generator.rpgSigns)"]
        }
        if generator.kind != .dense {
            fields += ["budget=\(budget?.description ?? "")", "scope=\(scope.rawValue)",
                       "stem=\(generatesStem)", "classifier=\(generatesClassifier)"]
        }
        fields += [
            "seed=\(c.seed)", "epochs=\(c.epochs)", "batch=\(c.batchSize)", "optimizer=\(c.optimizer.rawValue)",
            "lr=\(c.learningRate)", "schedule=\(c.schedule.rawValue)", "weight_decay=\(c.weightDecay)",
            "label_smoothing=\(c.labelSmoothing)", "crop=\(c.augmentation.cropPadding)", "flip=\(c.augmentation.horizontalFlip)",
        ]
        return fields.joined(separator: ";")
    }

    /// A short stable name for this cell: 16 hex digits of the FNV-1a hash of its settings.
    ///
    /// Rows carry it so that a rerun skips finished cells and never mistakes a cell with a
    /// changed setting (epochs, learning rate, …) for an old one.
    public func identifier(dataset: String, trainImages: Int) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in settings(dataset: dataset, trainImages: trainImages).utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The layer roles whose weights this cell generates.
    public var generatedRoles: Set<WeightedLayer.Role> {
        var roles = SharingPlan<Float>.defaultRoles
        if generatesStem { roles.insert(.stem) }
        if generatesClassifier { roles.insert(.classifier) }
        return roles
    }

    /// A model built for this cell, with its degrees-of-freedom accounting and generator options.
    public struct Model {
        public var name: String
        public var network: Sequential<Float>
        public var degreesOfFreedom: DegreesOfFreedom
        public var generatorOptions: [String: String]
    }

    /// Builds the model for inputs of `inputShape` and `classes` classes.
    ///
    /// - Throws: ``BudgetError`` when the budget is impossible for this model or generator.
    public func buildModel(inputShape: [Int], classes: Int) throws -> Model {
        let description = architecture.describe(inputShape: inputShape, classes: classes)
        let random = RandomSource(seed: configuration.seed)
        guard let budget, generator.makeGenerator(Float.self) != nil else {
            let generated = description.weightedLayers(withRoles: generatedRoles)
            let dof = DegreesOfFreedom(description: description, generated: generated,
                                       bankSize: generated.reduce(0) { $0 + $1.weightCount })
            return Model(name: description.name, network: description.build(random: random, as: Float.self), degreesOfFreedom: dof,
                         generatorOptions: [:])
        }
        let setting = generator
        let plan = SharingPlan<Float>(scope: scope, generatedRoles: generatedRoles) { setting.makeGenerator(Float.self)! }
        let count = try budget.resolve(in: description, generated: plan.generatedLayers(of: description))
        let shared = try plan.build(description, budget: count, seed: configuration.seed, random: random)
        return Model(name: description.name, network: shared.network, degreesOfFreedom: shared.degreesOfFreedom,
                     generatorOptions: shared.banks.first?.generator.options ?? [:])
    }

    /// Builds the model, trains it on `data` and returns its row.
    public func run(on data: DatasetSplit, progress: ((TrainingProgress) -> Void)? = nil) throws -> RunRecord {
        let model = try buildModel(inputShape: data.train.imageShape, classes: data.train.classes)
        let result = Trainer(configuration: configuration, progress: progress).train(model.network, on: data)
        return RunRecord(cellID: identifier(dataset: data.train.name, trainImages: data.train.count), cell: self,
                         dataset: data.train.name, modelName: model.name, degreesOfFreedom: model.degreesOfFreedom,
                         generatorOptions: model.generatorOptions, result: result)
    }
}
