import ParamShareEngine

/// A dense network sized to a budget some other way than by generating its weights: what a
/// generator is compared with at equal degrees of freedom, such as magnitude pruning
/// (``MagnitudePruning``) or a narrower network (``WidthScaling``).
///
/// A baseline registers through a ``GeneratorDescriptor`` like a generator does, so its cells are
/// swept, recorded and analysed alike; it has no bank, so `--bank frozen` and `--bank-step`
/// leave it out.
public protocol BudgetedBaseline: Sendable {
    /// Builds the network for `description` with `budget` degrees of freedom in the layers of
    /// `generatedLayers`.
    ///
    /// - Parameters:
    ///   - description: the model to size.
    ///   - generatedLayers: the layers a generator would replace, which the budget counts.
    ///   - budget: the degrees of freedom to meet in those layers.
    ///   - scope: which layers form one group, for baselines that budget group by group.
    ///   - random: the source of every dense weight and bias.
    /// - Throws: ``BudgetError`` when the baseline cannot meet `budget` in this model.
    func build(_ description: ModelDescription, generatedLayers: [WeightedLayer], budget: Int, scope: SharingScope,
               random: RandomSource) throws -> BaselineNetwork

    /// Checks that ``build(_:generatedLayers:budget:scope:random:)`` can meet `budget`, for a
    /// sweep's preflight (``SweepPreflight``), ideally without building the network.
    ///
    /// The default builds the network and discards it; a baseline that can tell more cheaply
    /// whether a budget works says so here.
    ///
    /// - Throws: what `build` would.
    func checkBudget(_ description: ModelDescription, generatedLayers: [WeightedLayer], budget: Int, scope: SharingScope) throws
}

extension BudgetedBaseline {
    public func checkBudget(_ description: ModelDescription, generatedLayers: [WeightedLayer], budget: Int, scope: SharingScope) throws {
        _ = try build(description, generatedLayers: generatedLayers, budget: budget, scope: scope, random: RandomSource(seed: 0))
    }
}

/// The network a ``BudgetedBaseline`` built, its accounting, and what it needs done as it trains.
public struct BaselineNetwork {
    public var network: Sequential<Float>
    public var degreesOfFreedom: DegreesOfFreedom
    /// Called after every step of training, such as pruning's masks; `nil` if nothing is.
    public var intervention: (any TrainingIntervention)?

    public init(network: Sequential<Float>, degreesOfFreedom: DegreesOfFreedom, intervention: (any TrainingIntervention)? = nil) {
        self.network = network
        self.degreesOfFreedom = degreesOfFreedom
        self.intervention = intervention
    }
}
