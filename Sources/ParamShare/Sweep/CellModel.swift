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
        let blueprint = try CellBlueprint(cell, inputShape: inputShape, classes: classes)
        let description = blueprint.description, random = RandomSource(seed: cell.configuration.seed)
        name = description.name
        switch blueprint.construction {
        case .dense:
            network = description.build(random: random, as: Float.self)
            degreesOfFreedom = DegreesOfFreedom(description: description, generated: blueprint.generated,
                                                bankSize: blueprint.generated.reduce(0) { $0 + $1.weightCount })
        case let .baseline(baseline, budget, scope):
            let built = try baseline.build(description, generatedLayers: blueprint.generated, budget: budget, scope: scope, random: random)
            network = built.network
            degreesOfFreedom = built.degreesOfFreedom
            intervention = built.intervention
        case let .shared(plan, budget):
            let shared = try plan.build(description, budget: budget, seed: cell.configuration.seed, random: random)
            network = shared.network
            degreesOfFreedom = shared.degreesOfFreedom
        }
        network.setPrecision(cell.configuration.precision)
    }
}
