/// What the numbers say of one comparison's prediction, by a fixed rule (``decide(_:estimate:holmFactor:alpha:)``).
///
/// A verdict computed from the numbers cannot be talked into a better one: prose may explain
/// it, never overrule it. "Not significant" is not "no effect", so a tie must be shown, by the
/// equivalence test against a declared margin, before it is called one.
public enum Verdict: String, Codable, Sendable, CaseIterable {
    /// The interval at the Holm level excludes 0 in the predicted direction (for a
    /// non-inferiority prediction: excludes the margin on the wrong side).
    case holds
    /// The two one-sided tests at the Holm level place the difference within ±margin.
    case equivalent
    /// The interval excludes 0 the other way, or shows equivalence where a difference was
    /// predicted, or (for a tie or non-inferiority) lies wholly beyond the margin.
    case doesNotHold = "does not hold"
    /// None of the above: the data cannot tell.
    case undecided

    /// The interval a verdict rests on, and its confidence level.
    public struct Evidence: Sendable, Equatable {
        public var verdict: Verdict
        public var level: Double
        public var lower: Double
        public var upper: Double
    }

    /// The p-value of `prediction`'s own test on `estimate`: two-sided against 0 for a
    /// difference, the two one-sided tests for a tie, one-sided against the margin for
    /// non-inferiority. Holm's correction is applied to these, family by family.
    public static func primaryPValue(of prediction: StudyPlan.Prediction, on estimate: DifferenceEstimate) -> Double {
        let margin = prediction.margin ?? 0
        switch prediction.kind {
        case .greater, .less: return estimate.twoSidedPValue
        case .equivalent: return estimate.equivalencePValue(margin: margin)
        case .notBelow: return estimate.pValue(above: -margin)
        case .notAbove: return estimate.pValue(below: margin)
        }
    }

    /// The verdict on `prediction` from `estimate`, with `holmFactor` the factor Holm's
    /// procedure raised this comparison's primary p-value by (adjusted p / raw p, at least 1).
    ///
    /// Every test is made at α / holmFactor. Directional predictions use the two-sided
    /// 1 − α/holmFactor interval; ties and non-inferiority use the 1 − 2α/holmFactor interval
    /// (each end a one-sided test at α/holmFactor, as the two one-sided tests are). Each interval
    /// then excludes its boundary exactly when the Holm-adjusted p is below α, so the interval
    /// printed and the verdict cannot disagree.
    public static func decide(_ prediction: StudyPlan.Prediction, estimate: DifferenceEstimate, holmFactor: Double, alpha: Double) -> Evidence {
        let twoSided = 1 - alpha / holmFactor, oneSidedPair = 1 - 2 * alpha / holmFactor
        func evidence(_ verdict: Verdict, level: Double) -> Evidence {
            let (lower, upper) = estimate.interval(level: level)
            return Evidence(verdict: verdict, level: level, lower: lower, upper: upper)
        }
        // No spread (or too few values) leaves no test: the data cannot decide.
        guard !primaryPValue(of: prediction, on: estimate).isNaN else {
            return evidence(.undecided, level: prediction.kind == .greater || prediction.kind == .less ? twoSided : oneSidedPair)
        }
        let margin = prediction.margin
        let (low, high) = estimate.interval(level: oneSidedPair)
        let withinMargin = margin.map { -$0 < low && high < $0 } ?? false
        switch prediction.kind {
        case .greater, .less:
            let (lower, upper) = estimate.interval(level: twoSided)
            let predicted = prediction.kind == .greater ? lower > 0 : upper < 0
            let opposite = prediction.kind == .greater ? upper < 0 : lower > 0
            if predicted { return evidence(.holds, level: twoSided) }
            if opposite { return evidence(.doesNotHold, level: twoSided) }
            if withinMargin { return evidence(.doesNotHold, level: oneSidedPair) }
            return evidence(.undecided, level: twoSided)
        case .equivalent:
            let m = margin ?? 0
            if withinMargin { return evidence(.equivalent, level: oneSidedPair) }
            if low > m || high < -m { return evidence(.doesNotHold, level: oneSidedPair) }
            return evidence(.undecided, level: oneSidedPair)
        case .notBelow:
            let m = margin ?? 0
            if withinMargin { return evidence(.equivalent, level: oneSidedPair) }
            if low > -m { return evidence(.holds, level: oneSidedPair) }
            if high < -m { return evidence(.doesNotHold, level: oneSidedPair) }
            return evidence(.undecided, level: oneSidedPair)
        case .notAbove:
            let m = margin ?? 0
            if withinMargin { return evidence(.equivalent, level: oneSidedPair) }
            if high < m { return evidence(.holds, level: oneSidedPair) }
            if low > m { return evidence(.doesNotHold, level: oneSidedPair) }
            return evidence(.undecided, level: oneSidedPair)
        }
    }

    /// Whether this verdict on a comparison supports `prediction`: `holds` does for a
    /// difference, `equivalent` for a tie, either for non-inferiority.
    public func supports(_ prediction: StudyPlan.Prediction) -> Bool {
        switch prediction.kind {
        case .greater, .less: return self == .holds
        case .equivalent: return self == .equivalent
        case .notBelow, .notAbove: return self == .holds || self == .equivalent
        }
    }
}
