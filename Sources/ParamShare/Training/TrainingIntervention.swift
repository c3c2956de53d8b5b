/// Something a model needs done to its parameters as training goes, such as pruning at set
/// steps and keeping pruned weights at zero.
///
/// ``Trainer`` calls it after every optimiser step, before the next forward pass, so what it
/// writes into the parameters is what the next step and every evaluation see.
public protocol TrainingIntervention: AnyObject {
    /// Called once `step` of `totalSteps` steps (1-based) has updated the parameters.
    func stepFinished(_ step: Int, of totalSteps: Int)

    /// The degrees of freedom the generated layers trained with, averaged over the steps taken,
    /// for an intervention that changes them (pruning trains every weight until it prunes);
    /// `nil` for one that does not, or before any step.
    var meanTrainedDegreesOfFreedom: Double? { get }
}

extension TrainingIntervention {
    /// None: the intervention leaves the degrees of freedom as built.
    public var meanTrainedDegreesOfFreedom: Double? { nil }
}
