/// One planned comparison evaluated on one set of seeds: paired and Welch estimates side by
/// side, the primary test's Holm-adjusted p, the interval at the Holm level, the equivalence
/// test, and the verdict. One row of `verdicts.csv`.
package struct ComparisonVerdict: Sendable {
    /// `confirmatory`, or the label of the exploratory seed set the analysis ran on.
    package var seedSet: String
    package var seeds: [Int]
    package var comparison: StudyPlan.Comparison
    package var treatmentMean: Double
    package var controlMean: Double
    /// Over the seeds both arms have.
    package var paired: DifferenceEstimate
    /// Over every seed of the set each arm has.
    package var welch: DifferenceEstimate
    /// The raw p of the prediction's own test (`Verdict/primaryPValue(of:on:)`) on the primary estimate.
    package var primaryPValue: Double
    /// `primaryPValue` after Holm's correction over its family.
    package var holmPValue: Double
    /// The two one-sided tests' p on the primary estimate, where the prediction has a margin.
    package var equivalencePValue: Double
    package var evidence: Verdict.Evidence

    /// The estimate the plan's primary test names.
    package var primary: DifferenceEstimate { comparison.test == .paired ? paired : welch }

    /// Evaluates every comparison of `plan` on `seeds` of `samples` (arm → seed → measure),
    /// Holm-correcting within each family; `seedSet` labels the rows.
    package static func evaluate(_ plan: StudyPlan, samples: [String: [Int: Double]], seeds: [Int], seedSet: String) -> [ComparisonVerdict] {
        let wanted = Set(seeds)
        var rows = plan.comparisons.map { comparison -> ComparisonVerdict in
            let treatment = (samples[comparison.treatment] ?? [:]).filter { wanted.contains($0.key) }
            let control = (samples[comparison.control] ?? [:]).filter { wanted.contains($0.key) }
            let common = treatment.keys.filter { control[$0] != nil }.sorted()
            let paired = DifferenceEstimate.paired(common.map { treatment[$0]! }, minus: common.map { control[$0]! })
            let welch = DifferenceEstimate.welch(treatment.keys.sorted().map { treatment[$0]! }, minus: control.keys.sorted().map { control[$0]! })
            let primary = comparison.test == .paired ? paired : welch
            return ComparisonVerdict(
                seedSet: seedSet, seeds: seeds.filter { treatment[$0] != nil || control[$0] != nil }, comparison: comparison,
                treatmentMean: Statistics.mean(Array(treatment.values)), controlMean: Statistics.mean(Array(control.values)),
                paired: paired, welch: welch, primaryPValue: Verdict.primaryPValue(of: comparison.prediction, on: primary), holmPValue: .nan,
                equivalencePValue: comparison.prediction.margin.map { primary.equivalencePValue(margin: $0) } ?? .nan,
                evidence: Verdict.Evidence(verdict: .undecided, level: .nan, lower: .nan, upper: .nan))
        }
        for family in Set(plan.comparisons.map(\.family)) {
            let members = rows.indices.filter { rows[$0].comparison.family == family }
            let adjusted = Statistics.holmAdjusted(members.map { rows[$0].primaryPValue })
            for (index, holm) in zip(members, adjusted) {
                let raw = rows[index].primaryPValue
                // Adjusted over raw is the factor Holm raised this p by; a p of exactly 0 gets Bonferroni's.
                let factor = raw > 0 ? max(1, holm / raw) : Double(members.count)
                rows[index].holmPValue = holm
                rows[index].evidence = Verdict.decide(rows[index].comparison.prediction, estimate: rows[index].primary,
                                                      holmFactor: factor, familySize: members.count, alpha: plan.alpha)
            }
        }
        return rows
    }

    /// The columns of `verdicts.csv`, in the order of ``values(plan:)``. Differences and means
    /// are in the measure's own unit (a fraction, for accuracy); `_lower`/`_upper` columns are
    /// interval ends, `holm_level` the confidence level of the interval the verdict rests on.
    package static let columns = [
        "claim", "part", "family", "seed_set", "seeds", "treatment", "control", "prediction", "margin", "primary_test",
        "treatment_mean", "control_mean",
        "paired_n", "paired_difference", "paired_ci95_lower", "paired_ci95_upper", "paired_p",
        "welch_n_treatment", "welch_n_control", "welch_difference", "welch_df", "welch_ci95_lower", "welch_ci95_upper", "welch_p",
        "primary_p", "holm_p", "holm_level", "holm_lower", "holm_upper", "tost_p", "primary_ci90_lower", "primary_ci90_upper", "verdict",
    ]

    /// The row of `verdicts.csv`; missing numbers are empty.
    package func values(plan: StudyPlan) -> [String] {
        let (pairedLow, pairedHigh) = paired.interval(level: 0.95), (welchLow, welchHigh) = welch.interval(level: 0.95)
        let (low90, high90) = primary.interval(level: 0.90)
        let prediction = comparison.prediction
        return [plan.claim, comparison.part, comparison.family, seedSet, seeds.map(String.init).joined(separator: " "),
                comparison.treatment, comparison.control, prediction.kind.rawValue, (prediction.margin ?? .nan).plainDecimal,
                comparison.test.rawValue, treatmentMean.plainDecimal, controlMean.plainDecimal,
                String(paired.treatmentCount), paired.mean.plainDecimal, pairedLow.plainDecimal, pairedHigh.plainDecimal,
                paired.twoSidedPValue.plainDecimal,
                String(welch.treatmentCount), String(welch.controlCount), welch.mean.plainDecimal, welch.degreesOfFreedom.plainDecimal,
                welchLow.plainDecimal, welchHigh.plainDecimal, welch.twoSidedPValue.plainDecimal,
                primaryPValue.plainDecimal, holmPValue.plainDecimal, evidence.level.plainDecimal, evidence.lower.plainDecimal,
                evidence.upper.plainDecimal, equivalencePValue.plainDecimal, low90.plainDecimal, high90.plainDecimal, evidence.verdict.rawValue]
    }
}
