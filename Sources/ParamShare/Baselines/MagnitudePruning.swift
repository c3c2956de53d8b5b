import ParamShareEngine

/// Magnitude pruning of the dense network to the budget's number of non-zero weights in the
/// layers a generator would replace: the pruning baseline the RPG paper compares with.
///
/// The protocol is train, prune, fine-tune. The network trains dense (from the same start as
/// the dense baseline of its seed) until a share `finetune` of the steps is left; then:
/// - `oneshot` keeps the largest-magnitude weights at once, as Han et al. (2015) do;
/// - `gradual` prunes over the second half of the dense phase instead, in 100 steps (or one
///   per training step, if fewer), following Zhu and Gupta's (2017) cubic schedule
///   s_t = s_f · (1 − (1 − t/n)³), so that the last step leaves exactly the budget.
///
/// Pruning is global over each sharing group, by raw magnitude (scope `global`, the default: one
/// threshold over every generated layer; `layer`: each layer keeps its share of the budget).
/// Pruned weights stay exactly zero: they are reset after every step. The weights kept are the
/// run's degrees of freedom; the row's `bank_size` holds their number.
public struct MagnitudePruning: BudgetedBaseline {
    /// When the weights are pruned.
    public enum Schedule: String, Sendable, CaseIterable {
        case oneshot, gradual
    }

    public var schedule: Schedule
    /// The share of the steps left for fine-tuning after the last pruning step.
    public var fineTuningShare: Double

    public init(schedule: Schedule = .oneshot, fineTuningShare: Double = 0.3) {
        self.schedule = schedule
        self.fineTuningShare = fineTuningShare
    }

    public func build(_ description: ModelDescription, generatedLayers: [WeightedLayer], budget: Int, scope: SharingScope,
                      random: RandomSource) throws -> BaselineNetwork {
        let generatedNames = Set(generatedLayers.map(\.name))
        var weights: [String: Parameter<Float>] = [:]
        // The same draws, in the same order, as the dense model's: before pruning the two are one run.
        let network = description.build(random: random, as: Float.self) { layer -> (any WeightSource<Float>)? in
            guard generatedNames.contains(layer.name) else { return nil }
            let source = DenseWeightSource<Float>(name: "\(layer.name).weight", shape: layer.weightShape,
                                                  initialization: layer.initialization, random: random)
            weights[layer.name] = source.parameter
            return source
        }
        let groups = scope.groups(of: generatedLayers, budget: budget).map { group in
            PruningSchedule.Group(weights: group.layers.map { weights[$0.name]! }, kept: group.budget)
        }
        let pruning = PruningSchedule(groups: groups, schedule: schedule, fineTuningShare: fineTuningShare)
        let kept = groups.reduce(0) { $0 + $1.kept }
        return BaselineNetwork(network: network,
                               degreesOfFreedom: DegreesOfFreedom(description: description, generated: generatedLayers,
                                                                  bankSize: kept, requestedBudget: budget),
                               intervention: pruning)
    }

    /// `pruned` in sweeps.
    public static let descriptor = GeneratorDescriptor(
        name: "pruned", summary: "the dense network, magnitude-pruned to the budget's non-zero weights, then fine-tuned",
        options: [
            .choice("schedule", Schedule.allCases.map(\.rawValue), default: Schedule.oneshot.rawValue,
                    help: "oneshot: prune once (Han et al.); gradual: Zhu and Gupta's cubic schedule over the second half of the dense phase"),
            .number("finetune", in: 0...0.9, default: 0.3, help: "share of the steps that fine-tune after the last pruning step"),
        ]
    ) { options in
        MagnitudePruning(schedule: options.choice("schedule", as: Schedule.self), fineTuningShare: options.number("finetune"))
    }
}
