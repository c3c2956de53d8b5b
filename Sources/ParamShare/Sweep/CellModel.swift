import ParamShareEngine

/// The network a cell trains, with its degrees-of-freedom accounting.
public struct CellModel {
    /// The model description's name, such as `resnet20`.
    public var name: String
    public var network: Sequential<Float>
    public var degreesOfFreedom: DegreesOfFreedom
    /// What a baseline needs done as the network trains, such as pruning; `nil` for generators and dense.
    public var intervention: (any TrainingIntervention)?

    /// Builds `cell`'s model for inputs of `inputShape` and `classes` classes.
    ///
    /// Dense and shared models take one path: the generated layers are those of the sharing's
    /// roles (the default ones for dense), and a dense model counts their weights as its bank,
    /// so it sits where a 100 % budget would.
    ///
    /// A baseline (``BudgetedBaseline``) builds its own network at the budget.
    ///
    /// The network computes with the cell's operand precision (`ComputePrecision`), so that
    /// whoever trains, restores or benchmarks it computes as the cell says.
    ///
    /// - Throws: ``BudgetError`` when the budget is impossible for this model or generator, or
    ///   what the generator's or baseline's factory throws.
    public init(building cell: SweepCell, inputShape: [Int], classes: Int) throws {
        try self.init(assembling: cell, inputShape: inputShape, classes: classes)
        network.setPrecision(cell.configuration.precision)
    }

    private init(assembling cell: SweepCell, inputShape: [Int], classes: Int) throws {
        let description = cell.architecture.describe(inputShape: inputShape, classes: classes)
        let random = RandomSource(seed: cell.configuration.seed)
        name = description.name
        guard let sharing = cell.sharing else {
            let generated = description.weightedLayers(withRoles: SharingPlan.defaultRoles)
            network = description.build(random: random, as: Float.self)
            degreesOfFreedom = DegreesOfFreedom(description: description, generated: generated,
                                                bankSize: generated.reduce(0) { $0 + $1.weightCount })
            return
        }
        let generated = description.weightedLayers(withRoles: sharing.generatedRoles)
        if sharing.generator.descriptor.isBaseline {
            // A baseline has no bank to freeze or to scale the steps of.
            guard sharing.trainsBank else { throw GeneratorRegistryError.baselineWithoutBank(sharing.generator.name, asked: "a frozen bank") }
            guard sharing.stepScaling == .none else {
                throw GeneratorRegistryError.baselineWithoutBank(sharing.generator.name, asked: "the bank step '\(sharing.stepScaling.rawValue)'")
            }
            let count = try sharing.budget.resolve(in: description, generated: generated)
            let baseline = try sharing.generator.makeBaseline().build(description, generatedLayers: generated, budget: count,
                                                                      scope: sharing.scope, random: random)
            network = baseline.network
            degreesOfFreedom = baseline.degreesOfFreedom
            intervention = baseline.intervention
            return
        }
        let plan = SharingPlan(generator: try sharing.generator.makeGenerator(), scope: sharing.scope,
                               generatedRoles: sharing.generatedRoles, stepScaling: sharing.stepScaling,
                               weightDecay: cell.configuration.weightDecay)
        let count = try sharing.budget.resolve(in: description, generated: plan.generatedLayers(of: description))
        let shared = try plan.build(description, budget: count, seed: cell.configuration.seed, random: random)
        network = shared.network
        degreesOfFreedom = shared.degreesOfFreedom
    }
}
