/// The learning rate as a function of the optimiser step, counted from 0.
public protocol LearningRateSchedule: Sendable {
    /// The learning rate for step `step` of a run of `totalSteps` steps.
    func learningRate(atStep step: Int, totalSteps: Int) -> Double
}
