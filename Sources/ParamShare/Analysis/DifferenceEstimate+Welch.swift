extension DifferenceEstimate {
    /// Welch's estimate for two independent samples: the difference of their means, the standard
    /// error √(s₁²/n₁ + s₂²/n₂) and the Welch–Satterthwaite degrees of freedom.
    ///
    /// Right when nothing ties a treatment value to a control value. Runs of two different
    /// networks at the same seed share only their data order; on this project's recipe such
    /// pairs are uncorrelated or anti-correlated, and pairing them then widens the interval
    /// instead of narrowing it. Welch's test does not assume equal variances, which two
    /// different models need not have; Student's pooled test would.
    package static func welch(_ treatment: [Double], minus control: [Double]) -> DifferenceEstimate {
        let n1 = Double(treatment.count), n2 = Double(control.count)
        let v1 = Statistics.variance(treatment) / n1, v2 = Statistics.variance(control) / n2
        let standardError = (v1 + v2).squareRoot()
        // (v₁ + v₂)² / (v₁²/(n₁ − 1) + v₂²/(n₂ − 1)); with no spread on either side there is none to count.
        let degreesOfFreedom = v1 + v2 > 0 ? (v1 + v2) * (v1 + v2) / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1)) : n1 + n2 - 2
        return DifferenceEstimate(mean: Statistics.mean(treatment) - Statistics.mean(control), standardError: standardError,
                                  degreesOfFreedom: degreesOfFreedom, treatmentCount: treatment.count, controlCount: control.count)
    }
}
