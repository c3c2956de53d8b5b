@testable import ParamShare
import Testing

/// The verdict rule on constructed estimates of each kind, and a claim composed from its parts.
@Suite("Verdict rule")
struct VerdictRuleTests {
    /// An estimate with `mean`, standard error 1 and 1,000 degrees of freedom: the 95 % interval
    /// is about mean ± 1.96, the 90 % about mean ± 1.65.
    private static func estimate(_ mean: Double, standardError: Double = 1) -> DifferenceEstimate {
        DifferenceEstimate(mean: mean, standardError: standardError, degreesOfFreedom: 1000, treatmentCount: 1001, controlCount: 1001)
    }

    private static func verdict(_ prediction: StudyPlan.Prediction, _ mean: Double, holmFactor: Double = 1, familySize: Int = 1) -> Verdict {
        Verdict.decide(prediction, estimate: estimate(mean), holmFactor: holmFactor, familySize: familySize, alpha: 0.05).verdict
    }

    @Test("a predicted difference holds, does not hold the other way or when equivalent, and is otherwise undecided")
    func difference() {
        let greater = StudyPlan.Prediction(.greater, margin: 3)
        #expect(Self.verdict(greater, 2.5) == .holds)
        #expect(Self.verdict(greater, -2.5) == .doesNotHold)
        #expect(Self.verdict(greater, 1.5) == .undecided)
        // 90 % interval 0 ± 1.65 lies within ±3: a tie shown where a difference was predicted.
        #expect(Self.verdict(greater, 0) == .doesNotHold)
        #expect(Self.verdict(StudyPlan.Prediction(.greater), 0) == .undecided)
        #expect(Self.verdict(StudyPlan.Prediction(.less), -2.5) == .holds)
    }

    @Test("Holm's factor widens the interval: 2.5 standard errors hold alone, not as the first of three")
    func holmLevel() {
        let greater = StudyPlan.Prediction(.greater)
        #expect(Self.verdict(greater, 2.2) == .holds)
        // At α/3 the two-sided quantile is 2.39.
        #expect(Self.verdict(greater, 2.2, holmFactor: 3) == .undecided)
        let evidence = Verdict.decide(greater, estimate: Self.estimate(2.2), holmFactor: 3, familySize: 3, alpha: 0.05)
        #expect(abs(evidence.level - (1 - 0.05 / 3)) < 1e-15 && evidence.lower < 0)
    }

    @Test("a tie is equivalent within the margin, does not hold wholly outside it, else undecided")
    func tie() {
        let tie = StudyPlan.Prediction(.equivalent, margin: 2)
        #expect(Self.verdict(tie, 0.2) == .equivalent)
        #expect(Self.verdict(tie, 4) == .doesNotHold)
        #expect(Self.verdict(tie, 1) == .undecided)
    }

    @Test("non-inferiority holds above −margin, is equivalent inside ±margin, does not hold wholly below")
    func nonInferiority() {
        let notBelow = StudyPlan.Prediction(.notBelow, margin: 2)
        #expect(Self.verdict(notBelow, 0.2) == .equivalent)
        #expect(Self.verdict(notBelow, 3) == .holds)
        #expect(Self.verdict(notBelow, -4) == .doesNotHold)
        #expect(Self.verdict(notBelow, -1) == .undecided)
        // Worse than −2 by 1.8 standard errors: beyond the margin at α alone (one-sided 1.645), not at α/3 (2.13).
        #expect(Self.verdict(notBelow, -3.8) == .doesNotHold)
        #expect(Self.verdict(notBelow, -3.8, familySize: 3) == .undecided)
        let notAbove = StudyPlan.Prediction(.notAbove, margin: 2)
        #expect(Self.verdict(notAbove, -3) == .holds)
        #expect(Self.verdict(notAbove, 4) == .doesNotHold)
    }

    @Test("no spread decides nothing")
    func noSpread() {
        let flat = Verdict.decide(StudyPlan.Prediction(.greater), estimate: Self.estimate(5, standardError: 0), holmFactor: 1, familySize: 1, alpha: 0.05)
        #expect(flat.verdict == .undecided)
    }

    @Test("a claim's parts: all supporting hold, any against does not hold, else undecided; parts that differ are named")
    func claim() {
        let greater = StudyPlan.Prediction(.greater), tie = StudyPlan.Prediction(.equivalent, margin: 1)
        let mixed = ClaimVerdict([("10 %", greater, .holds), ("10 %", tie, .equivalent), ("1 %", greater, .holds), ("1 %", greater, .undecided)])
        #expect(mixed.parts.map(\.verdict) == [.holds, .undecided])
        #expect(mixed.text == "holds at 10 % (2 of 2); undecided at 1 % (1 of 2)")
        let against = ClaimVerdict([("all", greater, .holds), ("all", greater, .doesNotHold)])
        #expect(against.text == "does not hold")
        // Equivalence supports a tie, not a difference.
        #expect(ClaimVerdict([("all", greater, .equivalent)]).text == "undecided")
        // Parts with one verdict are named together, their counts summed.
        let grouped = ClaimVerdict([("0.5 %", greater, .doesNotHold), ("1 %", greater, .undecided), ("3 %", greater, .holds), ("10 %", greater, .undecided)])
        #expect(grouped.text == "does not hold at 0.5 % (0 of 1); undecided at 1 %, 10 % (0 of 2); holds at 3 % (1 of 1)")
    }

    @Test("a family's comparisons are Holm-corrected together: C4's signs − naive, p = 0.031 alone, is not significant among three")
    func evaluate() {
        let plan = StudyPlan(
            claim: "T", statement: "test", table: "runs.csv", measure: "m", unit: "points", unitScale: 1,
            arms: ["a", "b", "c", "control"].map { StudyPlan.Arm($0, rows: [:]) }, budgets: [], seeds: [0, 1, 2, 3, 4],
            comparisons: ["a", "b", "c"].map { StudyPlan.Comparison($0, minus: "control", StudyPlan.Prediction(.greater), family: "f", test: .paired, part: "all") },
            marginReason: "none")
        let control: [Int: Double] = [0: 0, 1: 0, 2: 0, 3: 0, 4: 0]
        // a: differences 2.1, 0.3, 3.3, 1.0, 3.5, paired p = 0.0311 (SciPy's ttest_1samp); Holm multiplies it by 2,
        // as c's p is smaller and b's larger. b is near 0 and c far from it.
        let samples: [String: [Int: Double]] = [
            "a": [0: 2.1, 1: 0.3, 2: 3.3, 3: 1.0, 4: 3.5], "b": [0: 0.1, 1: -0.2, 2: 0.3, 3: 0.0, 4: 0.1],
            "c": [0: 5, 1: 5.2, 2: 4.9, 3: 5.1, 4: 5.0], "control": control,
        ]
        let rows = ComparisonVerdict.evaluate(plan, samples: samples, seeds: [0, 1, 2, 3, 4], seedSet: "confirmatory")
        let a = rows[0]
        #expect(abs(a.primaryPValue - 0.03108274762222504) < 1e-9 && abs(a.holmPValue - 2 * a.primaryPValue) < 1e-15)
        #expect(a.evidence.verdict == .undecided && rows[2].evidence.verdict == .holds)
        // Only seeds 0–2: the confirmatory set leaves 3 and 4 out.
        let three = ComparisonVerdict.evaluate(plan, samples: samples, seeds: [0, 1, 2], seedSet: "confirmatory")
        #expect(three[0].paired.treatmentCount == 3 && three[0].seeds == [0, 1, 2])
    }
}
