/// The seeds of one setting at one budget, summarised: one row of `summary.csv`.
///
/// Means and intervals are over the runs that finished (`status` ok) and have a test accuracy;
/// diverged runs are counted apart so that a generator that often diverges cannot look good
/// through its survivors alone.
public struct GroupSummary: Sendable, Equatable {
    /// The columns of `summary.csv` for a runs table with `optionColumns`, in the order of `values(optionColumns:)`.
    ///
    /// The setting's columns and `budget` identify the group, as in the runs table; then `n`
    /// (finished runs with a test accuracy), `n_diverged`, `mean_dof`, the test accuracy's
    /// `mean_test_accuracy`, `sd_test_accuracy`, `ci95_half_width`, `ci95_lower` and `ci95_upper`
    /// (Student's t, empty when n < 2), and `mean_best_test_accuracy`. Accuracies are fractions.
    package static func columns(optionColumns: [String]) -> [String] {
        RunSetting.columns(optionColumns: optionColumns) + measureColumns
    }

    private static let measureColumns = [
        "budget", "n", "n_diverged", "n_collapsed", "mean_dof", "mean_test_accuracy", "sd_test_accuracy", "ci95_half_width",
        "ci95_lower", "ci95_upper", "mean_best_test_accuracy",
    ]

    public var setting: RunSetting
    public var budget: String
    /// The runs with status `diverged`.
    public var diverged: Int
    /// The runs with status `collapsed`.
    public var collapsed: Int
    /// The mean degrees of freedom of the finished runs; `nan` when none has one.
    public var meanDegreesOfFreedom: Double
    /// The test accuracy of the finished runs.
    public var testAccuracy: MeanEstimate
    /// The mean best-epoch test accuracy of the finished runs.
    public var meanBestTestAccuracy: Double

    /// One summary per (setting, budget) present in `runs`, ordered by setting, then degrees of freedom.
    package static func summarize(_ runs: [RunTable.Run]) -> [GroupSummary] {
        let groups = Dictionary(grouping: runs) { GroupKey(setting: $0.setting, budget: $0.budget) }
        return groups.map { key, members in
            let finished = members.filter(\.isOK)
            return GroupSummary(
                setting: key.setting, budget: key.budget, diverged: members.count(where: { $0.status == RunStatus.diverged.rawValue }),
                collapsed: members.count(where: { $0.status == RunStatus.collapsed.rawValue }),
                meanDegreesOfFreedom: Statistics.mean(finished.compactMap(\.degreesOfFreedom)),
                testAccuracy: MeanEstimate(finished.compactMap(\.testAccuracy)),
                meanBestTestAccuracy: Statistics.mean(finished.compactMap(\.bestTestAccuracy)))
        }.sorted { lhs, rhs in
            if lhs.setting != rhs.setting { return lhs.setting < rhs.setting }
            // Budgets are spelt many ways (2k, 10%, layer:fc1), so their DoF orders them; nan goes last.
            if lhs.meanDegreesOfFreedom != rhs.meanDegreesOfFreedom, !(lhs.meanDegreesOfFreedom.isNaN && rhs.meanDegreesOfFreedom.isNaN) {
                return rhs.meanDegreesOfFreedom.isNaN || lhs.meanDegreesOfFreedom < rhs.meanDegreesOfFreedom
            }
            return lhs.budget < rhs.budget
        }
    }

    /// The row of `summary.csv`, in the order of `columns(optionColumns:)`; missing numbers are empty.
    package func values(optionColumns: [String]) -> [String] {
        setting.values(optionColumns: optionColumns) + [
            budget, String(testAccuracy.count), String(diverged), String(collapsed), meanDegreesOfFreedom.plainDecimal,
            testAccuracy.mean.plainDecimal, testAccuracy.standardDeviation.plainDecimal, testAccuracy.halfWidth.plainDecimal,
            testAccuracy.lowerBound.plainDecimal, testAccuracy.upperBound.plainDecimal, meanBestTestAccuracy.plainDecimal,
        ]
    }
}

/// A setting at one budget: the runs that differ only by seed.
struct GroupKey: Hashable {
    var setting: RunSetting
    var budget: String
}
