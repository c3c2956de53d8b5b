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

    /// Everything the intervention's later steps and ``meanTrainedDegreesOfFreedom`` depend on,
    /// for a ``TrainingSnapshot`` at the end of an epoch.
    ///
    /// No default: an intervention that kept state and did not say so would resume wrongly
    /// without a sign. One without state returns an empty ``InterventionState``.
    func savedState() -> InterventionState

    /// Takes up `state`, saved by ``savedState()`` of an intervention built the same way, as if
    /// the steps before it had just been taken.
    ///
    /// - Throws: ``InterventionState/Mismatch`` when `state` lacks something or does not fit
    ///   this intervention's tensors; the intervention is then left as it was.
    func restore(_ state: InterventionState) throws
}

extension TrainingIntervention {
    /// None: the intervention leaves the degrees of freedom as built.
    public var meanTrainedDegreesOfFreedom: Double? { nil }
}
