import Foundation
import ParamShare

/// The library's analysis of a runs table as plain-text blocks, for narration and findings.
package enum AnalysisText {
    /// Each paired comparison with the reference: mean difference, its 95 % interval, the paired
    /// t-test's p, and both sides' achieved DoF and trainable parameters (a budget label alone
    /// does not make DoF equal; a gap past 5 % is called out).
    package static func comparisons(_ analysis: RunAnalysis) -> String {
        let comparisons = analysis.comparisons.sorted {
            ($0.setting.generatorLabel, $0.meanDegreesOfFreedom) < ($1.setting.generatorLabel, $1.meanDegreesOfFreedom)
        }
        let labels = comparisons.map { "\($0.setting.generatorLabel) − \($0.reference.generatorLabel)" }
        let width = labels.map(\.count).max() ?? 0
        var lines = ["setting − reference at the same budget and seed: mean difference [95% CI], paired t-test p"]
        for (comparison, label) in zip(comparisons, labels) {
            let d = comparison.difference
            lines.append(label.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                + comparison.budget.padded(toWidth: 7)
                + String(format: "%+.4f [%+.4f, %+.4f]  ", d.mean, d.lowerBound, d.upperBound)
                // No spread among the differences leaves no t-test (the paired table's p is empty).
                + (comparison.pValue.isNaN ? "p: none, the differences are all equal" : String(format: "p = %.3g", comparison.pValue))
                + "  " + comparison.degreesOfFreedomText)
        }
        return lines.joined(separator: "\n")
    }

    /// Each setting's log-linear law over its budgets and seeds, on `measure`.
    package static func fits(_ analysis: RunAnalysis, measure: LogLinearFit.Measure = .bank) -> String {
        let laws = analysis.fits.filter { $0.measure == measure }
        let width = laws.map(\.setting.generatorLabel.count).max() ?? 0
        var lines = ["the log-linear law, accuracy = a + b·ln(DoF), fitted over budgets and seeds (DoF: \(measure.rawValue))"]
        for law in laws {
            let f = law.fit
            let t = Statistics.tQuantile(probability: 0.975, degreesOfFreedom: Double(f.points - 2))
            lines.append(law.setting.generatorLabel.padding(toLength: width, withPad: " ", startingAt: 0)
                + String(format: "  a = %.3f, b = %.4f [%.4f, %.4f], R² = %.3f, %d runs", f.intercept, f.slope,
                         f.slope - t * f.slopeStandardError, f.slope + t * f.slopeStandardError, f.rSquared, f.points))
        }
        return lines.joined(separator: "\n")
    }

    /// What could not be fitted or compared, and why.
    package static func skipped(_ analysis: RunAnalysis) -> String {
        analysis.skipped.map { "\($0.table): \($0.subject): \($0.reason)" }.joined(separator: "\n")
    }
}
