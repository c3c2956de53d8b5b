/// A grid of runs: models × generator settings × budgets × seeds, and the dense baseline per model and seed.
///
/// The command line, the notebooks and a user's own sweep executable all build their cells here,
/// so a grid means the same thing wherever it is written.
public struct SweepGrid: Sendable {
    public var architectures: [Architecture]
    /// The generator settings, each trained at every budget.
    public var generators: [GeneratorSetting]
    /// Whether the dense baseline runs too, once per model and seed.
    public var includesDense: Bool
    public var budgets: [BudgetSpecification]
    /// Which layers share a bank; `nil` gives each generator its descriptor's ``GeneratorDescriptor/defaultScope``.
    public var scope: SharingScope?
    public var generatesStem: Bool
    public var generatesClassifier: Bool
    /// Whether the banks train, per cell: `[true]` normally, `[true, false]` to add the frozen control.
    public var bankTrainings: [Bool]
    /// The banks' step scalings, per cell; `nil` gives each generator its descriptor's
    /// ``GeneratorDescriptor/defaultStepScaling`` (a frozen bank takes no steps: `none`).
    public var stepScalings: [BankStepScaling]?
    public var seeds: [UInt64]
    /// The recipe of every cell; each cell replaces its seed.
    public var recipe: TrainingConfiguration

    public init(architectures: [Architecture], generators: [GeneratorSetting], includesDense: Bool = true,
                budgets: [BudgetSpecification], scope: SharingScope? = nil, generatesStem: Bool = false,
                generatesClassifier: Bool = false, bankTrainings: [Bool] = [true], stepScalings: [BankStepScaling]? = nil,
                seeds: [UInt64], recipe: TrainingConfiguration) {
        self.stepScalings = stepScalings
        self.architectures = architectures
        self.generators = generators
        self.includesDense = includesDense
        self.budgets = budgets
        self.scope = scope
        self.generatesStem = generatesStem
        self.generatesClassifier = generatesClassifier
        self.bankTrainings = bankTrainings
        self.seeds = seeds
        self.recipe = recipe
    }

    /// Every cell on `data`, in the order they run: model, generator (dense last), budget, seed.
    ///
    /// A baseline (``GeneratorDescriptor/isBaseline``) has no bank, so it runs once per budget
    /// and seed, whatever ``bankTrainings`` and ``stepScalings`` hold.
    public func cells(on data: DataSubset) -> [SweepCell] {
        var cells: [SweepCell] = []
        for architecture in architectures {
            let sharings: [SharingSetting?] = generators.flatMap { generator in
                let isBaseline = generator.descriptor.isBaseline
                return (isBaseline ? [true] : bankTrainings).flatMap { trainsBank in
                    let ownStep = trainsBank ? generator.descriptor.defaultStepScaling : .none
                    return (isBaseline ? [.none] : stepScalings ?? [ownStep]).flatMap { stepScaling in
                        budgets.map { SharingSetting(generator: generator, budget: $0, scope: scope ?? generator.descriptor.defaultScope,
                                                     generatesStem: generatesStem, generatesClassifier: generatesClassifier,
                                                     trainsBank: trainsBank, stepScaling: stepScaling) }
                    }
                }
            } + (includesDense ? [nil] : [])
            for sharing in sharings {
                for seed in seeds {
                    var configuration = recipe
                    configuration.seed = seed
                    cells.append(SweepCell(architecture: architecture, sharing: sharing, data: data, configuration: configuration))
                }
            }
        }
        return cells
    }
}
