/// The learning rate multiplied by `factor` at each milestone, as `torch.optim.lr_scheduler.MultiStepLR`.
public struct StepSchedule: LearningRateSchedule {
    public var base: Double
    public var factor: Double
    /// Fractions of the run, in (0, 1), after which the rate drops.
    public var milestones: [Double]

    /// The classic He et al. CIFAR policy is `StepSchedule(base: 0.1, factor: 0.1, milestones: [0.5, 0.75])`.
    public init(base: Double, factor: Double = 0.1, milestones: [Double]) {
        precondition(milestones.allSatisfy { $0 > 0 && $0 < 1 }, "milestones must be fractions in (0, 1), got \(milestones)")
        self.base = base
        self.factor = factor
        self.milestones = milestones.sorted()
    }

    public func learningRate(atStep step: Int, totalSteps: Int) -> Double {
        let passed = milestones.filter { step >= Int(($0 * Double(totalSteps)).rounded()) }.count
        var rate = base
        for _ in 0..<passed { rate *= factor }
        return rate
    }
}
