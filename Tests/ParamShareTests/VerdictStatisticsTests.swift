@testable import ParamShare
import Testing

/// Welch's test, Holm's adjustment and the equivalence test against numbers computed by hand
/// or by SciPy 1.17 (`scipy.stats.ttest_ind(a, b, equal_var=False)`, `ttest_1samp`, and
/// `t.sf`/`t.cdf`/`t.interval` for the two one-sided tests), once, on the inputs here.
@Suite("Verdict statistics")
struct VerdictStatisticsTests {
    @Test("Welch's estimate matches SciPy: difference, Welch–Satterthwaite df, standard error, interval and p")
    func welch() {
        let estimate = DifferenceEstimate.welch([1.0, 2.0, 4.0, 8.5], minus: [3.0, 3.5, 4.0])
        #expect(abs(estimate.mean - 0.375) < 1e-12)
        #expect(abs(estimate.degreesOfFreedom - 3.179185039579238) < 1e-12)
        #expect(abs(estimate.standardError - 1.6878857583774245) < 1e-12)
        #expect(abs(estimate.twoSidedPValue - 0.8376949904109164) < 1e-9)
        let (lower, upper) = estimate.interval(level: 0.95)
        #expect(abs(lower - -4.829327567944464) < 1e-9 && abs(upper - 5.579327567944464) < 1e-9)
        #expect(estimate.treatmentCount == 4 && estimate.controlCount == 3)
    }

    @Test("the paired estimate, its one-sided p and the two one-sided tests match SciPy")
    func pairedAndEquivalence() {
        let differences = [0.5, 1.2, 0.3, 0.8, 0.9]
        let estimate = DifferenceEstimate.paired(differences, minus: [0, 0, 0, 0, 0])
        #expect(abs(estimate.twoSidedPValue - 0.009184695636875542) < 1e-9)
        // ttest_1samp(d, -0.2, alternative='greater')
        #expect(abs(estimate.pValue(above: -0.2) - 0.0019493277828175877) < 1e-9)
        // TOST at ±1.5: max(t.sf((m + 1.5)/se, 4), t.cdf((m − 1.5)/se, 4)); the second is the larger.
        #expect(abs(estimate.equivalencePValue(margin: 1.5) - 0.004183074374965121) < 1e-9)
        let (lower, upper) = estimate.interval(level: 0.90)
        #expect(abs(lower - 0.4056328967719265) < 1e-9 && abs(upper - 1.0743671032280733) < 1e-9)
        // A margin the 90 % interval crosses cannot be shown: p above 0.05.
        #expect(estimate.equivalencePValue(margin: 1.0) > 0.05)
    }

    @Test("values with no spread leave no test: p is nan, the interval is the point")
    func noSpread() {
        let estimate = DifferenceEstimate.paired([0.6, 0.7, 0.8], minus: [0.5, 0.6, 0.7])
        #expect(estimate.twoSidedPValue.isNaN && estimate.equivalencePValue(margin: 0.5).isNaN)
        #expect(estimate.interval(level: 0.95) == (estimate.mean, estimate.mean))
    }

    @Test("Holm's adjustment by hand: sorted multipliers m, m − 1, …; monotone; capped at 1; nan left out")
    func holm() {
        // Sorted: 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 raised to 0.06.
        let adjusted = Statistics.holmAdjusted([0.01, 0.04, 0.03, 0.005])
        for (value, expected) in zip(adjusted, [0.03, 0.06, 0.06, 0.02]) { #expect(abs(value - expected) < 1e-15) }
        #expect(Statistics.holmAdjusted([0.5, 0.6]) == [1, 1])
        // The nan is no test, so m = 2: 0.01·2, 0.02·1 raised to 0.02.
        let withNaN = Statistics.holmAdjusted([0.02, .nan, 0.01])
        #expect(withNaN[0] == 0.02 && withNaN[1].isNaN && withNaN[2] == 0.02)
        #expect(Statistics.holmAdjusted([0.03]) == [0.03])
    }
}
