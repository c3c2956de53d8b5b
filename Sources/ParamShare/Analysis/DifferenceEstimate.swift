/// A difference of means, treatment − control, with its standard error and Student's t degrees
/// of freedom: what a paired or a Welch t test estimates, in one form.
///
/// Both tests reduce a comparison to the same three numbers, so intervals at any level,
/// two-sided and one-sided p-values, and the equivalence test (TOST) are computed once, here,
/// whichever test produced them. A study can then report the paired and the Welch estimate of
/// one comparison side by side and decide on the one its plan names.
package struct DifferenceEstimate: Sendable, Equatable {
    /// The estimated difference, treatment − control.
    package var mean: Double
    /// The standard error of `mean`; 0 when the values have no spread, `nan` when too few to estimate it.
    package var standardError: Double
    /// The degrees of freedom of the t distribution of (mean − true difference) / standard error.
    package var degreesOfFreedom: Double
    /// How many treatment values entered (pairs, for a paired estimate).
    package var treatmentCount: Int
    /// How many control values entered (pairs, for a paired estimate).
    package var controlCount: Int

    package init(mean: Double, standardError: Double, degreesOfFreedom: Double, treatmentCount: Int, controlCount: Int) {
        self.mean = mean
        self.standardError = standardError
        self.degreesOfFreedom = degreesOfFreedom
        self.treatmentCount = treatmentCount
        self.controlCount = controlCount
    }

    /// The paired estimate: the mean of the differences `treatment[i] − control[i]`, with the
    /// standard error sd/√n and n − 1 degrees of freedom.
    ///
    /// Right when both sides of a pair share randomness that moves them together (one model
    /// treated two ways, two runs differing in one switch of the same generator); then the
    /// differences vary less than either side.
    package static func paired(_ treatment: [Double], minus control: [Double]) -> DifferenceEstimate {
        precondition(treatment.count == control.count, "\(treatment.count) treatment values paired with \(control.count) control values")
        let differences = zip(treatment, control).map { $0 - $1 }
        let n = Double(differences.count)
        return DifferenceEstimate(mean: Statistics.mean(differences), standardError: Statistics.standardDeviation(differences) / n.squareRoot(),
                                  degreesOfFreedom: n - 1, treatmentCount: differences.count, controlCount: differences.count)
    }

    /// Whether the values vary beyond rounding: a standard error above 10⁻⁹ of the difference, or of 1.
    ///
    /// Values that agree up to rounding leave no spread to test against: dividing by it would
    /// report any difference as certain.
    package var hasSpread: Bool { standardError > 1e-9 * max(1, abs(mean)) }

    /// The t statistic for a true difference of `hypothesised`; `nan` when there is no spread to test against.
    package func tStatistic(against hypothesised: Double = 0) -> Double {
        guard hasSpread, degreesOfFreedom > 0 else { return .nan }
        return (mean - hypothesised) / standardError
    }

    /// The two-sided p-value of "the true difference is 0".
    package var twoSidedPValue: Double {
        let t = tStatistic()
        return t.isNaN ? .nan : Statistics.twoSidedPValue(t, degreesOfFreedom: degreesOfFreedom)
    }

    /// The one-sided p-value of "the true difference is at most `bound`", against "it is above".
    package func pValue(above bound: Double) -> Double {
        Statistics.tUpperTail(tStatistic(against: bound), degreesOfFreedom: degreesOfFreedom)
    }

    /// The one-sided p-value of "the true difference is at least `bound`", against "it is below".
    package func pValue(below bound: Double) -> Double {
        Statistics.tUpperTail(-tStatistic(against: bound), degreesOfFreedom: degreesOfFreedom)
    }

    /// The two-sided interval at `level` (0.95 for a 95 % interval): mean ± t·standard error.
    ///
    /// With no spread the interval is the point itself, which is what the values say; with too
    /// few values to estimate a spread both ends are `nan`.
    package func interval(level: Double) -> (lower: Double, upper: Double) {
        let t = Statistics.tQuantile(probability: 1 - (1 - level) / 2, degreesOfFreedom: degreesOfFreedom)
        let halfWidth = hasSpread || standardError.isNaN ? t * standardError : 0
        return (mean - halfWidth, mean + halfWidth)
    }
}
