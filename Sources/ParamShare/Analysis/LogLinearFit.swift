import Foundation

/// The log-linear law of one setting: test accuracy = a + b·ln(DoF), fitted by least squares.
///
/// Accuracy against parameter count is close to a straight line on a log axis over the budgets
/// a sweep spans, so b (accuracy gained per e-fold of degrees of freedom) compares how well two
/// generators use a budget with one number, and a is where the line would cross DoF = 1.
/// Every finished run is a point of its own, so that seeds weigh in as replicates and the
/// residual variance, which scales the standard errors, includes the seed-to-seed spread.
public struct LogLinearFit: Sendable, Equatable {
    /// The name of the output table, for `SkippedAnalysis`.
    package static let tableName = "loglinear.csv"

    /// The columns of `loglinear.csv` for a runs table with `optionColumns`, in the order of `values(optionColumns:)`.
    ///
    /// The setting's columns identify the line; then `a` and `b` (accuracy as a fraction, against
    /// the natural log of the DoF), their standard errors `se_a` and `se_b`, `r_squared`,
    /// `n_points` (runs fitted), `n_budgets` (distinct budgets among them), and `min_dof` and
    /// `max_dof`, the range the law was fitted over.
    package static func columns(optionColumns: [String]) -> [String] {
        RunSetting.columns(optionColumns: optionColumns) + measureColumns
    }

    /// What a fit's DoF counts.
    public enum Measure: String, Sendable, CaseIterable {
        /// The bank entries: the generated part's degrees of freedom, as the RPG paper counts them.
        case bank
        /// Every trainable parameter: the bank plus the stem, the classifier, batch norm and biases,
        /// which always train and bend a bank-only law at small budgets.
        case totalTrainable = "total_trainable"
    }

    private static let measureColumns = ["dof_measure",
        "a", "b", "se_a", "se_b", "r_squared", "n_points", "n_budgets", "min_dof", "max_dof",
    ]

    public var setting: RunSetting
    /// What the DoF of this fit counts.
    public var measure: Measure
    /// The fit of accuracy against ln(DoF).
    public var fit: LinearFit
    /// The distinct budgets among the points.
    public var budgets: Int
    public var minimumDegreesOfFreedom: Double
    public var maximumDegreesOfFreedom: Double

    /// Fits every setting in `runs` that has at least three finished runs at two or more distinct DoF.
    ///
    /// The points are the finished runs with a test accuracy and a positive DoF. Settings with too
    /// few (dense models, whose DoF never varies, among them) are returned in `skipped`.
    package static func fitAll(_ runs: [RunTable.Run]) -> (fits: [LogLinearFit], skipped: [SkippedAnalysis]) {
        var fits = [LogLinearFit](), skipped = [SkippedAnalysis]()
        for (setting, members) in Dictionary(grouping: runs, by: \.setting).sorted(by: { $0.key < $1.key }) {
            for measure in Measure.allCases {
                let points = members.compactMap { run -> (dof: Double, accuracy: Double, budget: String)? in
                    let count = measure == .bank ? run.degreesOfFreedom : run.totalTrainable
                    guard run.isOK, let dof = count, dof > 0, let accuracy = run.testAccuracy else { return nil }
                    return (dof, accuracy, run.budget)
                }
                // Tables from before `total_trainable` existed fit the bank only.
                if measure == .totalTrainable, !members.contains(where: { $0.totalTrainable != nil }) { continue }
                let distinct = Set(points.map(\.dof))
                let skip = { (reason: String) in
                    skipped.append(SkippedAnalysis(table: tableName,
                                                   subject: "\(setting.model) on \(setting.dataset), \(setting.generatorLabel), \(measure.rawValue) DoF",
                                                   reason: reason))
                }
                guard points.count >= 3 else {
                    skip("\(points.count) finished run\(points.count == 1 ? "" : "s") with a DoF and test accuracy; the fit needs at least 3")
                    continue
                }
                guard distinct.count >= 2, let lowest = distinct.min(), let highest = distinct.max() else {
                    skip("all \(points.count) runs have the same DoF; the fit needs at least 2 distinct DoF (run more budgets)")
                    continue
                }
                guard let fit = Statistics.linearFit(x: points.map { log($0.dof) }, y: points.map(\.accuracy)) else {
                    skip("GSL's least-squares fit failed on these points")
                    continue
                }
                fits.append(LogLinearFit(setting: setting, measure: measure, fit: fit, budgets: Set(points.map(\.budget)).count,
                                         minimumDegreesOfFreedom: lowest, maximumDegreesOfFreedom: highest))
            }
        }
        return (fits, skipped)
    }

    /// The row of `loglinear.csv`, in the order of `columns(optionColumns:)`; missing numbers are empty.
    package func values(optionColumns: [String]) -> [String] {
        setting.values(optionColumns: optionColumns) + [
            measure.rawValue, fit.intercept.plainDecimal, fit.slope.plainDecimal, fit.interceptStandardError.plainDecimal,
            fit.slopeStandardError.plainDecimal, fit.rSquared.plainDecimal, String(fit.points), String(budgets),
            minimumDegreesOfFreedom.plainDecimal, maximumDegreesOfFreedom.plainDecimal,
        ]
    }
}
