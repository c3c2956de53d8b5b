import ParamShareEngine

/// What a cell's model comes to before anything is built: its description, the layers the
/// budget counts, the budget in parameters, and the generator's plan or the baseline, every
/// setting resolved and checked.
///
/// ``CellModel`` builds from it, and ``SweepPreflight`` checks it without building, so that the
/// two cannot disagree on which settings work.
struct CellBlueprint {
    enum Construction {
        case dense
        case baseline(any BudgetedBaseline, budget: Int, scope: SharingScope)
        case shared(SharingPlan, budget: Int)
    }

    let cell: SweepCell
    let description: ModelDescription
    /// The layers a generator replaces: the sharing's roles, or the default ones for dense.
    let generated: [WeightedLayer]
    let construction: Construction

    /// Resolves `cell` for inputs of `inputShape` and `classes` classes.
    ///
    /// - Throws: ``BudgetError`` when the budget does not fit the model, what the generator's or
    ///   baseline's factory throws for its options, ``GeneratorRegistryError/baselineWithoutBank(_:asked:)``
    ///   for a baseline asked to freeze or scale a bank it does not have, or
    ///   ``GeneratorRegistryError/settingWithoutEffect(_:setting:because:)`` for a scope or a
    ///   step the cell would not use.
    init(_ cell: SweepCell, inputShape: [Int], classes: Int) throws {
        self.cell = cell
        description = cell.architecture.describe(inputShape: inputShape, classes: classes)
        guard let sharing = cell.sharing else {
            generated = description.weightedLayers(withRoles: SharingPlan.defaultRoles)
            construction = .dense
            return
        }
        generated = description.weightedLayers(withRoles: sharing.generatedRoles)
        let descriptor = sharing.generator.descriptor
        // A setting that changes nothing would make a cell of its own with another cell's results.
        if !descriptor.usesScope, sharing.scope != descriptor.defaultScope {
            throw GeneratorRegistryError.settingWithoutEffect(descriptor.name, setting: "the scope '\(sharing.scope.rawValue)'",
                                                              because: "it does not read the scope")
        }
        if !descriptor.isBaseline, !sharing.trainsBank, sharing.stepScaling != .none {
            throw GeneratorRegistryError.settingWithoutEffect(descriptor.name, setting: "the bank step '\(sharing.stepScaling.rawValue)'",
                                                              because: "its bank is frozen and takes no steps")
        }
        if descriptor.isBaseline {
            // A baseline has no bank to freeze or to scale the steps of.
            guard sharing.trainsBank else { throw GeneratorRegistryError.baselineWithoutBank(sharing.generator.name, asked: "a frozen bank") }
            guard sharing.stepScaling == .none else {
                throw GeneratorRegistryError.baselineWithoutBank(sharing.generator.name, asked: "the bank step '\(sharing.stepScaling.rawValue)'")
            }
            let baseline = try sharing.generator.makeBaseline()
            construction = .baseline(baseline, budget: try sharing.budget.resolve(in: description, generated: generated), scope: sharing.scope)
            return
        }
        let plan = SharingPlan(generator: try sharing.generator.makeGenerator(), scope: sharing.scope,
                               generatedRoles: sharing.generatedRoles, stepScaling: sharing.stepScaling,
                               weightDecay: cell.configuration.weightDecay)
        construction = .shared(plan, budget: try sharing.budget.resolve(in: description, generated: generated))
    }

    /// Checks that the model can be built, without building it: a generator's plan over each
    /// bank's layers and its step scaling, or the baseline's budget.
    ///
    /// - Throws: what ``CellModel/init(building:inputShape:classes:)`` would.
    func check() throws {
        switch construction {
        case .dense: break
        case let .baseline(baseline, budget, scope):
            try baseline.checkBudget(description, generatedLayers: generated, budget: budget, scope: scope)
        case let .shared(plan, budget):
            try plan.checkBanks(of: description, budget: budget, seed: cell.configuration.seed)
        }
    }
}
