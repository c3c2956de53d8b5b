import ParamShare

extension Findings {
    /// The blocks every claim reports: accuracy by setting and budget, the paired comparisons
    /// with the reference, every run that did not finish `ok` with its reason, and what could
    /// not be analysed.
    package mutating func record(_ analysis: RunAnalysis) {
        block(analysis.accuracyTable())
        block(AnalysisText.comparisons(analysis))
        let failed = analysis.table.runs.filter { !$0.isOK }
        block(failed.isEmpty ? "Every run finished with status ok." : failed.map {
            "\($0.setting.model) \($0.setting.generatorLabel) \($0.budget) seed \($0.seed): \($0.status) at epoch \($0.statusEpoch ?? 0): \($0.failureReason ?? "")"
        }.joined(separator: "\n"))
        block(AnalysisText.skipped(analysis))
    }
}
