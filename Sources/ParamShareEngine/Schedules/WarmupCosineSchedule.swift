import RealModule

/// A linear warm-up from `initial` to `peak`, then a cosine decay from `peak` to `final`.
///
/// This one shape covers both "cosine with linear warm-up" (start near 0) and the one-cycle
/// policy as used in fast CIFAR recipes (start at a fraction of the peak, end far below it).
public struct WarmupCosineSchedule: LearningRateSchedule {
    public var initial: Double
    public var peak: Double
    public var final: Double
    /// The fraction of all steps spent warming up, in [0, 1).
    public var warmupFraction: Double

    public init(initial: Double, peak: Double, final: Double, warmupFraction: Double) {
        precondition(warmupFraction >= 0 && warmupFraction < 1, "warm-up fraction must be in [0, 1), got \(warmupFraction)")
        self.initial = initial
        self.peak = peak
        self.final = final
        self.warmupFraction = warmupFraction
    }

    /// Cosine decay to `minimum` after a linear warm-up from 0 over `warmupFraction` of the steps.
    public static func cosine(peak: Double, warmupFraction: Double = 0, minimum: Double = 0) -> Self {
        Self(initial: 0, peak: peak, final: minimum, warmupFraction: warmupFraction)
    }

    /// The one-cycle policy: linear warm-up from `initial` to `peak` over `warmupFraction` of the
    /// steps, then cosine annealing to `final`. The defaults are the ParamShare CIFAR recipe's
    /// (15 % warm-up from peak/10, down to 1e-4).
    public static func oneCycle(peak: Double, warmupFraction: Double = 0.15, initial: Double? = nil,
                                final: Double = 1e-4) -> Self {
        Self(initial: initial ?? peak / 10, peak: peak, final: final, warmupFraction: warmupFraction)
    }

    public func learningRate(atStep step: Int, totalSteps: Int) -> Double {
        let warmupSteps = Int((warmupFraction * Double(totalSteps)).rounded())
        if step < warmupSteps {
            // Step 0 is already one step into the ramp when starting from 0, so a warm-up from
            // zero never takes a useless zero-learning-rate step.
            let start = initial == 0 ? peak / Double(warmupSteps) : initial
            return start + (peak - start) * Double(step) / Double(max(warmupSteps - 1, 1))
        }
        let decaySteps = max(totalSteps - warmupSteps - 1, 1)
        let progress = min(Double(step - warmupSteps) / Double(decaySteps), 1)
        return final + (peak - final) * (1 + Double.cos(Double.pi * progress)) / 2
    }
}
