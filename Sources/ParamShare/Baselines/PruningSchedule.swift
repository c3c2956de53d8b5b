import ParamShareEngine

/// The masks of ``MagnitudePruning`` as training goes: when each group is pruned to how many
/// weights, and the pruned weights held at zero after every step.
final class PruningSchedule: TrainingIntervention {
    /// Weights pruned together by one magnitude threshold, and how many of them survive.
    struct Group {
        var weights: [Parameter<Float>]
        var kept: Int
    }

    private let groups: [Group]
    private let schedule: MagnitudePruning.Schedule
    private let fineTuningShare: Double
    /// Per group, per weight tensor: the positions pruned so far.
    private var pruned: [[[Int]]]
    /// The weights not pruned, summed over the steps taken, and those steps.
    private var trainedWeightSum = 0.0, stepsTaken = 0

    init(groups: [Group], schedule: MagnitudePruning.Schedule, fineTuningShare: Double) {
        self.groups = groups
        self.schedule = schedule
        self.fineTuningShare = fineTuningShare
        pruned = groups.map { $0.weights.map { _ in [] } }
    }

    func stepFinished(_ step: Int, of totalSteps: Int) {
        // The step just taken trained the weights that survived the pruning before it.
        let total = groups.reduce(0) { $0 + $1.weights.reduce(0) { $0 + $1.value.count } }
        trainedWeightSum += Double(total - pruned.joined().reduce(0) { $0 + $1.count })
        stepsTaken += 1
        if let sparsity = Self.targetSparsity(atStep: step, of: totalSteps, schedule: schedule, fineTuningShare: fineTuningShare) {
            for index in groups.indices { prune(group: index, sparsity: sparsity) }
        }
        for (group, positions) in zip(groups, pruned) {
            for (weight, positions) in zip(group.weights, positions) {
                let values = weight.value.data
                for position in positions { values[position] = 0 }
            }
        }
    }

    /// The weights the generated layers trained with, averaged over the steps taken: more than
    /// the budget, since they all train until pruning starts.
    var meanTrainedDegreesOfFreedom: Double? {
        stepsTaken > 0 ? trainedWeightSum / Double(stepsTaken) : nil
    }

    /// The masks, as one tensor per weight of 1 where a weight is pruned (`pruned.NAME`), and
    /// the step accounting of ``meanTrainedDegreesOfFreedom``.
    func savedState() -> InterventionState {
        var tensors: [String: SafetensorsFile.Entry] = [:]
        for (group, positions) in zip(groups, pruned) {
            for (weight, positions) in zip(group.weights, positions) {
                var mask = [Float](repeating: 0, count: weight.value.count)
                for position in positions { mask[position] = 1 }
                tensors["pruned.\(weight.name)"] = SafetensorsFile.Entry(shape: weight.value.shape, values: mask)
            }
        }
        return InterventionState(tensors: tensors, numbers: ["trained_weight_sum": trainedWeightSum, "steps_taken": Double(stepsTaken)])
    }

    func restore(_ state: InterventionState) throws {
        guard let sum = state.numbers["trained_weight_sum"], let steps = state.numbers["steps_taken"], steps >= 0, steps == steps.rounded() else {
            throw InterventionState.Mismatch("the pruning schedule's step accounting (trained_weight_sum, steps_taken) is missing or malformed")
        }
        let names = Set(groups.flatMap { $0.weights.map { "pruned.\($0.name)" } })
        if let stranger = Set(state.tensors.keys).subtracting(names).sorted().first {
            throw InterventionState.Mismatch("the pruning state holds mask '\(stranger)', which this model's pruning does not have")
        }
        let restored = try groups.map { group in
            try group.weights.map { weight -> [Int] in
                guard let mask = state.tensors["pruned.\(weight.name)"], mask.shape == weight.value.shape,
                      mask.values.allSatisfy({ $0 == 0 || $0 == 1 }) else {
                    throw InterventionState.Mismatch("the mask 'pruned.\(weight.name)' is missing, not of shape \(weight.value.shape), or not of 0s and 1s")
                }
                return mask.values.indices.filter { mask.values[$0] == 1 }
            }
        }
        pruned = restored
        trainedWeightSum = sum
        stepsTaken = Int(steps)
    }

    /// The share of the final pruning to reach at `step`, or `nil` when no pruning happens then.
    ///
    /// One-shot pruning happens once, when `fineTuningShare` of the steps are left. Gradual
    /// pruning runs over the second half of the steps before that, in n = min(100, its length)
    /// equal parts, and after part j has pruned 1 − (1 − j/n)³ of what the last part leaves pruned.
    static func targetSparsity(atStep step: Int, of totalSteps: Int, schedule: MagnitudePruning.Schedule,
                               fineTuningShare: Double) -> Double? {
        let end = max(1, Int((Double(totalSteps) * (1 - fineTuningShare)).rounded()))
        switch schedule {
        case .oneshot:
            return step == end ? 1 : nil
        case .gradual:
            let start = end / 2
            let parts = max(1, min(100, end - start))
            for part in 1...parts where start + Int((Double(part * (end - start)) / Double(parts)).rounded()) == step {
                let remaining = 1 - Double(part) / Double(parts)
                return 1 - remaining * remaining * remaining
            }
            return nil
        }
    }

    /// Keeps the largest-magnitude weights of group `index`, as many as `share` of the way from
    /// all of them to its quota.
    private func prune(group index: Int, sparsity share: Double) {
        let group = groups[index]
        let total = group.weights.reduce(0) { $0 + $1.value.count }
        let kept = share >= 1 ? group.kept : total - Int((share * Double(total - group.kept)).rounded())
        pruned[index] = smallestMagnitudes(total - kept, in: group.weights.map(\.value))
    }
}
