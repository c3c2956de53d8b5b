import Foundation

extension RunAnalysis {
    /// A compact text table of test accuracy by generator setting and budget, one block per model
    /// and data set: the mean in percent ± the 95 % interval's half-width, the mean DoF, and n.
    ///
    /// Rows are settings in the order the plot keys them; columns are budgets, ordered by DoF.
    /// Below the tables, the failed runs, and the paired comparisons whose two sides' achieved
    /// DoF differ by more than `PairedComparison.degreesOfFreedomTolerance`, with both sides'
    /// DoF and trainable parameters: a budget label alone does not make DoF equal.
    public func accuracyTable() -> String {
        let panels = Dictionary(grouping: summaries) { "\($0.setting.model) on \($0.setting.dataset)" }
        var lines: [String] = []
        for (panel, groups) in panels.sorted(by: { $0.key < $1.key }) {
            let budgets = Self.budgetsByDegreesOfFreedom(groups)
            let settings = Array(Set(groups.map(\.setting))).sorted()
            let naming = SettingLabels(settings)
            let labels = settings.map { naming.labels[$0] ?? $0.generator }
            let width = max(9, labels.map(\.count).max() ?? 0)
            func pad(_ text: String, _ count: Int) -> String { text.padding(toLength: max(count, text.count), withPad: " ", startingAt: 0) }
            let rows = settings.map { setting in
                budgets.map { budget -> String in
                    guard let group = groups.first(where: { $0.setting == setting && $0.budget == budget }) else { return "" }
                    let estimate = group.testAccuracy
                    let mean = estimate.count > 0 ? String(format: "%.1f", estimate.mean * 100) : "–"
                    let spread = estimate.halfWidth.isFinite ? String(format: " ± %.1f", estimate.halfWidth * 100) : ""
                    let failed = (group.diverged > 0 ? ", \(group.diverged) diverged" : "")
                        + (group.collapsed > 0 ? ", \(group.collapsed) collapsed" : "")
                    let dof = group.meanDegreesOfFreedom.isFinite ? Self.compact(group.meanDegreesOfFreedom) : "–"
                    return "\(mean)\(spread) (\(dof), \(estimate.count)\(failed))"
                }
            }
            // Each column as wide as its widest cell, so a cell naming failures never runs into the next.
            let cellWidths = budgets.indices.map { b in max(budgets[b].count, rows.map { $0[b].count }.max() ?? 0) + 2 }
            lines.append("\(panel): test accuracy %, mean ± 95% CI half-width (mean DoF, n runs)")
            lines.append(pad("generator", width) + "  " + zip(budgets, cellWidths).map { pad($0, $1) }.joined())
            for (cells, label) in zip(rows, labels) {
                lines.append(pad(label, width) + "  " + zip(cells, cellWidths).map { pad($0, $1) }.joined())
            }
            if !naming.caption.isEmpty { lines.append("settings: " + naming.caption) }
            lines.append("")
        }
        let failed = table.runs.filter { !$0.isOK }
        if !failed.isEmpty {
            lines.append("\(failed.count) run\(failed.count == 1 ? "" : "s") failed and are left out of the means:")
            for run in failed {
                lines.append("  line \(run.line): \(run.setting.model) \(run.setting.generatorLabel) \(run.budget) seed \(run.seed): "
                             + "\(run.status)\(run.statusEpoch.map { " in epoch \($0)" } ?? "")\(run.failureReason.map { ": \($0)" } ?? "")")
            }
        }
        let mismatched = comparisons.filter(\.degreesOfFreedomMismatch)
        if !mismatched.isEmpty {
            let tolerance = String(format: "%.0f %%", PairedComparison.degreesOfFreedomTolerance * 100)
            lines.append("\(mismatched.count) paired comparison\(mismatched.count == 1 ? "" : "s") set arms whose achieved DoF differ by "
                         + "more than \(tolerance) (dof_mismatch in paired.csv):")
            for comparison in mismatched {
                lines.append("  \(comparison.setting.model) \(comparison.setting.generatorLabel) against \(comparison.reference.generatorLabel) "
                             + "at \(comparison.budget): \(comparison.degreesOfFreedomText)")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The budgets among `groups`, ordered by the smallest mean DoF any setting reached with them.
    private static func budgetsByDegreesOfFreedom(_ groups: [GroupSummary]) -> [String] {
        var smallest: [String: Double] = [:]
        for group in groups where group.meanDegreesOfFreedom.isFinite {
            smallest[group.budget] = min(smallest[group.budget] ?? .infinity, group.meanDegreesOfFreedom)
        }
        let budgets = Set(groups.map(\.budget))
        return budgets.sorted { lhs, rhs in
            let left = smallest[lhs] ?? .infinity, right = smallest[rhs] ?? .infinity
            return left != right ? left < right : lhs < rhs
        }
    }

    /// 1234 → `1.2k`, 163840 → `164k`: DoF short enough for a table cell.
    private static func compact(_ value: Double) -> String {
        switch value {
        case ..<1_000: String(format: "%.0f", value)
        case ..<10_000: String(format: "%.1fk", value / 1_000)
        case ..<1_000_000: String(format: "%.0fk", value / 1_000)
        default: String(format: "%.1fM", value / 1_000_000)
        }
    }
}
