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
    /// Which layers share a bank; `nil` gives each generator its descriptor's `GeneratorDescriptor.defaultScope`.
    public var scope: SharingScope?
    public var generatesStem: Bool
    public var generatesClassifier: Bool
    /// Whether the banks train, per cell: `[true]` normally, `[true, false]` to add the frozen control.
    public var bankTrainings: [Bool]
    /// The banks' step scalings, per cell; `nil` gives each generator its descriptor's
    /// `GeneratorDescriptor.defaultStepScaling` (a frozen bank takes no steps: `none`).
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
    /// A cell takes only the settings that change what it computes, so that no two cells repeat
    /// each other: a baseline (`GeneratorDescriptor.isBaseline`) has no bank, so it runs once per
    /// budget and seed, whatever ``bankTrainings`` and ``stepScalings`` hold; a frozen bank takes
    /// no steps, so its cells take the plain step whatever ``stepScalings`` hold; and a baseline
    /// that does not read the scope (`GeneratorDescriptor.usesScope`) keeps its default one.
    public func cells(on data: DataSubset) -> [SweepCell] {
        var cells: [SweepCell] = []
        for architecture in architectures {
            let sharings: [SharingSetting?] = generators.flatMap { generator in
                let descriptor = generator.descriptor
                let scope = descriptor.usesScope ? scope ?? descriptor.defaultScope : descriptor.defaultScope
                return (descriptor.isBaseline ? [true] : bankTrainings).flatMap { trainsBank in
                    let steps: [BankStepScaling] = descriptor.isBaseline || !trainsBank ? [.none] : stepScalings ?? [descriptor.defaultStepScaling]
                    return steps.flatMap { stepScaling in
                        budgets.map { SharingSetting(generator: generator, budget: $0, scope: scope,
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

    /// Checks that every setting the grid names changes some cell: a scope when no generator
    /// reads one, or step scalings when no cell has a bank that trains, would be ignored by
    /// every cell (see ``cells(on:)``), and a user who asked for them would not get what they asked.
    ///
    /// - Throws: ``GridError`` naming the setting and why it has no effect.
    package func checkSettingsTakeEffect() throws {
        if let scope, !generators.contains(where: \.descriptor.usesScope) {
            let names = generators.isEmpty ? "dense alone" : generators.map(\.name).joined(separator: ", ")
            throw GridError("the scope '\(scope.rawValue)' has no effect on \(names), which neither shares banks by layers nor "
                            + "sets a threshold per bank; leave the scope out")
        }
        if let stepScalings, !generators.contains(where: { !$0.descriptor.isBaseline }) || !bankTrainings.contains(true) {
            let steps = stepScalings.map(\.rawValue).joined(separator: ",")
            let reason = bankTrainings.contains(true) ? "none of \(generators.isEmpty ? "dense alone" : generators.map(\.name).joined(separator: ", ")) has a bank"
                : "a frozen bank takes no steps"
            throw GridError("the bank step '\(steps)' has no effect: \(reason); leave the bank step out")
        }
    }
}
