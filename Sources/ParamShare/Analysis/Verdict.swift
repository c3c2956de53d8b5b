/// What the numbers say of one comparison's prediction, by a fixed rule (``decide(_:estimate:holmFactor:familySize:alpha:)``).
///
/// A verdict computed from the numbers cannot be talked into a better one: prose may explain
/// it, never overrule it. "Not significant" is not "no effect", so a tie must be shown, by the
/// equivalence test against a declared margin, before it is called one.
package enum Verdict: String, Codable, Sendable, CaseIterable {
    /// The interval at the Holm level excludes 0 in the predicted direction; for a prediction
    /// of "at least as good", it lies above −margin (below +margin where lower is better).
    case holds
    /// The two one-sided tests at the Holm level place the difference within ±margin. For a
    /// prediction of "at least as good" this is said in preference to `holds`: both support it,
    /// and this one says more.
    case equivalent
    /// The interval excludes 0 the other way, or shows equivalence where a difference was
    /// predicted, or (for a tie or non-inferiority) lies wholly beyond the margin.
    case doesNotHold = "does not hold"
    /// None of the above: the data cannot tell.
    case undecided

    /// The interval a verdict rests on, and its confidence level.
    package struct Evidence: Sendable, Equatable {
        package var verdict: Verdict
        /// The confidence level of the interval (0.983 for 1 − 0.05/3).
        package var level: Double
        /// The interval's ends, in the measure's own unit.
        package var lower: Double
        package var upper: Double
    }

    /// The p-value of `prediction`'s own test on `estimate`: two-sided against 0 for a
    /// difference, the two one-sided tests for a tie, one-sided against the margin for
    /// non-inferiority. Holm's correction is applied to these, family by family.
    package static func primaryPValue(of prediction: StudyPlan.Prediction, on estimate: DifferenceEstimate) -> Double {
        let margin = prediction.margin ?? 0
        switch prediction.kind {
        case .greater, .less: return estimate.twoSidedPValue
        case .equivalent: return estimate.equivalencePValue(margin: margin)
        case .notBelow: return estimate.pValue(above: -margin)
        case .notAbove: return estimate.pValue(below: margin)
        }
    }

    /// The verdict on `prediction` from `estimate`, with `holmFactor` the factor Holm's
    /// procedure raised this comparison's primary p-value by (adjusted p / raw p, at least 1)
    /// in a family of `familySize` comparisons.
    ///
    /// The prediction's own test is made at α / holmFactor. A difference uses the two-sided
    /// 1 − α/holmFactor interval; a tie or non-inferiority the 1 − 2α/holmFactor interval (each
    /// end a one-sided test at α/holmFactor, as the two one-sided tests are). Each interval then
    /// excludes its boundary exactly when the Holm-adjusted p is below α, so the interval
    /// printed and the verdict cannot disagree. A contrary finding that is not the primary
    /// test's other tail (equivalence against a predicted difference, a difference beyond the
    /// margin against a predicted tie or non-inferiority) was not ordered by Holm's procedure,
    /// so it is made at Bonferroni's α / familySize, which is never more lenient.
    package static func decide(_ prediction: StudyPlan.Prediction, estimate: DifferenceEstimate, holmFactor: Double, familySize: Int,
                              alpha: Double) -> Evidence {
        let twoSided = 1 - alpha / holmFactor, oneSidedPair = 1 - 2 * alpha / holmFactor
        let contrary = 1 - 2 * alpha / Double(max(1, familySize))
        func evidence(_ verdict: Verdict, level: Double) -> Evidence {
            let (lower, upper) = estimate.interval(level: level)
            return Evidence(verdict: verdict, level: level, lower: lower, upper: upper)
        }
        let isDifference = prediction.kind == .greater || prediction.kind == .less
        // No spread (or too few values) leaves no test: the data cannot decide.
        guard !primaryPValue(of: prediction, on: estimate).isNaN else { return evidence(.undecided, level: isDifference ? twoSided : oneSidedPair) }
        let m = prediction.margin ?? 0
        let (low, high) = estimate.interval(level: oneSidedPair), (contraryLow, contraryHigh) = estimate.interval(level: contrary)
        let withinMargin = prediction.margin != nil && -m < low && high < m
        switch prediction.kind {
        case .greater, .less:
            let (lower, upper) = estimate.interval(level: twoSided)
            if prediction.kind == .greater ? lower > 0 : upper < 0 { return evidence(.holds, level: twoSided) }
            if prediction.kind == .greater ? upper < 0 : lower > 0 { return evidence(.doesNotHold, level: twoSided) }
            if prediction.margin != nil && -m < contraryLow && contraryHigh < m { return evidence(.doesNotHold, level: contrary) }
            return evidence(.undecided, level: twoSided)
        case .equivalent:
            if withinMargin { return evidence(.equivalent, level: oneSidedPair) }
            if contraryLow > m || contraryHigh < -m { return evidence(.doesNotHold, level: contrary) }
            return evidence(.undecided, level: oneSidedPair)
        case .notBelow:
            if withinMargin { return evidence(.equivalent, level: oneSidedPair) }
            if low > -m { return evidence(.holds, level: oneSidedPair) }
            if contraryHigh < -m { return evidence(.doesNotHold, level: contrary) }
            return evidence(.undecided, level: oneSidedPair)
        case .notAbove:
            if withinMargin { return evidence(.equivalent, level: oneSidedPair) }
            if high < m { return evidence(.holds, level: oneSidedPair) }
            if contraryLow > m { return evidence(.doesNotHold, level: contrary) }
            return evidence(.undecided, level: oneSidedPair)
        }
    }

    /// Whether this verdict on a comparison supports `prediction`: `holds` does for a
    /// difference, `equivalent` for a tie, either for non-inferiority.
    package func supports(_ prediction: StudyPlan.Prediction) -> Bool {
        switch prediction.kind {
        case .greater, .less: return self == .holds
        case .equivalent: return self == .equivalent
        case .notBelow, .notAbove: return self == .holds || self == .equivalent
        }
    }
}
