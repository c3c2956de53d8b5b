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
