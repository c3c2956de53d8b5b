import Foundation
import NotebookSupport
import ParamShare

/// C1's description of the curve beside its verdicts, as its plan declares: accuracy = a + b·ln DoF
/// fitted on the RPG runs and on the budgets' means, and the quadratic term's two-sided t-test
/// (on the runs) for curvature.
enum LogLinearReport {
    /// What the C1 plan declares this report to be.
    static let declaration = "accuracy = a + b·ln DoF fitted on the RPG runs and on the budgets' means, each slope with its 95 % "
        + "interval; curvature tested by a quadratic term in ln DoF fitted on the runs, two-sided t-test at 0.05"

    static func text(of table: RunTable) -> String {
        let runs = table.runs.filter { $0.setting.generator == RPGGenerator.descriptor.name && $0.isOK }
            .compactMap { run in run.degreesOfFreedom.flatMap { dof in run.testAccuracy.map { (log(dof), $0) } } }
        let byBudget = Dictionary(grouping: runs, by: \.0).sorted { $0.key < $1.key }
        let means = byBudget.map { ($0.key, Statistics.mean($0.value.map(\.1))) }
        func line(_ label: String, _ points: [(Double, Double)]) -> String {
            guard let fit = Statistics.linearFit(x: points.map(\.0), y: points.map(\.1)) else { return "\(label): too few points to fit" }
            let t = Statistics.tQuantile(probability: 0.975, degreesOfFreedom: Double(fit.points - 2))
            return String(format: "%@: b = %.2f [%.2f, %.2f] points per e-fold of DoF, R² = %.3f, %d points", label, 100 * fit.slope,
                          100 * (fit.slope - t * fit.slopeStandardError), 100 * (fit.slope + t * fit.slopeStandardError), fit.rSquared, fit.points)
        }
        var lines = [line("log-linear fit on the runs", runs), line("log-linear fit on the budgets' means", means)]
        if let quadratic = Statistics.quadraticFit(x: runs.map(\.0), y: runs.map(\.1)) {
            let (lower, upper) = quadratic.curvatureInterval()
            lines.append(String(format: "curvature (quadratic term in ln DoF, on the runs): c = %.3f [%.3f, %.3f] points per e-fold², "
                                + "t-test of c = 0: p = %.3g, %d runs", 100 * quadratic.curvature, 100 * lower, 100 * upper,
                                quadratic.curvaturePValue, quadratic.points))
        } else {
            lines.append("curvature: too few runs or ring sizes to fit a quadratic term")
        }
        return lines.joined(separator: "\n")
    }
}
