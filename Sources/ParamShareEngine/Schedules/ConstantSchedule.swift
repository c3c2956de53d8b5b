/// The same learning rate at every step.
public struct ConstantSchedule: LearningRateSchedule {
    public var rate: Double

    public init(rate: Double) {
        self.rate = rate
    }

    public func learningRate(atStep step: Int, totalSteps: Int) -> Double {
        rate
    }
}
