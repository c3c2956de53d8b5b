import ParamShareEngine

/// Magnitude pruning of the dense network to the budget's number of non-zero weights in the
/// layers a generator would replace: the pruning baseline the RPG paper compares with.
///
/// The protocol is train, prune, fine-tune. The network trains dense (from the same start as
/// the dense baseline of its seed) until a share `finetune` of the steps is left; then:
/// - `gradual`, the default, prunes over the second half of the dense phase, in 100 steps (or
///   one per training step, if fewer), following Zhu and Gupta's (2017) cubic schedule
///   s_t = s_f · (1 − (1 − t/n)³), so that the last step leaves exactly the budget;
/// - `oneshot` keeps the largest-magnitude weights at once, as Han et al. (2015) do.
///
/// Gradual is the default because it was chosen on validation data: on the digits main job at
/// 0.5 % to 10 % of the weights it was ahead of one-shot pruning in every cell, and one cut to
/// 1 % or less left LeNet-5 near chance (`results/default-recipe-digits/`).
///
/// Pruning is by raw magnitude, by default with a threshold per weight tensor, each tensor
/// keeping its share of the budget (``MagnitudePruning/Threshold``), as Han et al. prune each
/// layer and Zhu and Gupta's `model_pruning` keeps a threshold per tensor. Pruned weights stay
/// exactly zero: they are reset after every step. The weights kept are the run's degrees of freedom; the row's
/// `bank_size` holds their number, and `mean_training_dof` the weights it trained with on
/// average over its steps (all of them until it prunes).
public struct MagnitudePruning: BudgetedBaseline {
    /// When the weights are pruned.
    public enum Schedule: String, Sendable, CaseIterable {
        case oneshot, gradual
    }

    /// Which weights one magnitude threshold ranks.
    public enum Threshold: String, Sendable, CaseIterable {
        /// Each weight tensor keeps its share of the budget (its weights' share of the sharing
        /// group's, apportioned so that the shares sum to the budget exactly), by a threshold of
        /// its own.
        case layer
        /// One threshold over every tensor of a sharing group (by default, over all generated
        /// layers). Across layers of different initial scales it falls on the wide-fan-in
        /// layers, whose Kaiming weights are smallest: at low budgets it can empty a layer.
        case global
    }

    public var schedule: Schedule
    /// The share of the steps left for fine-tuning after the last pruning step.
    public var fineTuningShare: Double
    public var threshold: Threshold

    public init(schedule: Schedule = .gradual, fineTuningShare: Double = 0.3, threshold: Threshold = .layer) {
        self.schedule = schedule
        self.fineTuningShare = fineTuningShare
        self.threshold = threshold
    }

    /// Accepts every budget: pruning keeps any number of the generated weights, and a budget
    /// above them is refused where it is resolved (`BudgetSpecification.resolve(in:generated:)`).
    public func checkBudget(_ description: ModelDescription, generatedLayers: [WeightedLayer], budget: Int, scope: SharingScope) {}

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
        let groups = scope.groups(of: generatedLayers, budget: budget).flatMap { group -> [PruningSchedule.Group] in
            let tensors = group.layers.map { weights[$0.name]! }
            switch threshold {
            case .global:
                return [PruningSchedule.Group(weights: tensors, kept: group.budget)]
            case .layer:
                return zip(tensors, apportion(group.budget, among: group.layers.map(\.weightCount))).map {
                    PruningSchedule.Group(weights: [$0], kept: $1)
                }
            }
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
            .choice("schedule", Schedule.allCases.map(\.rawValue), default: Schedule.gradual.rawValue,
                    help: "gradual: Zhu and Gupta's cubic schedule over the second half of the dense phase; oneshot: prune once (Han et al.)")
                // Rows written before the option existed pruned once.
                .readInOlderTables(as: Schedule.oneshot.rawValue),
            .number("finetune", in: 0...0.9, default: 0.3, help: "share of the steps that fine-tune after the last pruning step"),
            .choice("threshold", Threshold.allCases.map(\.rawValue), default: Threshold.layer.rawValue,
                    help: "layer: each weight tensor keeps its share of the budget (Han et al.; Zhu and Gupta); global: one threshold over all generated layers")
                // Older rows pruned with one global threshold, computed unlike either value's now.
                .readInOlderTables(as: RunsTableLayout.notApplicable),
        ]
    ) { options in
        MagnitudePruning(schedule: options.choice("schedule", as: Schedule.self), fineTuningShare: options.number("finetune"),
                         threshold: options.choice("threshold", as: Threshold.self))
    }
}
