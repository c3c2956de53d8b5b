/// A generator setting against the reference generator, seed by seed: one row of `paired.csv`.
///
/// Two runs with the same seed share their data order, augmentation and the random stream of
/// their initialisation, so much of the seed-to-seed noise cancels in their difference. The paired
/// t test on those differences is therefore far more sensitive than comparing two means with
/// their own intervals, which is what a handful of seeds needs.
public struct PairedComparison: Sendable, Equatable {
    /// The name of the output table, for `SkippedAnalysis`.
    package static let tableName = "paired.csv"

    /// The columns of `paired.csv` for a runs table with `optionColumns`, in the order of `values(optionColumns:)`.
    ///
    /// `model`, `dataset`, the recipe's columns, `generate_stem`, `generate_classifier` and
    /// `budget` are shared by both sides. `generator`, `scope`, `bank`, `bank_step` and the option
    /// columns name the setting compared; the `reference_` columns name the reference setting. Scope belongs to the
    /// setting because generators differ in their paper's scope: HashedNets' per-layer buckets
    /// are compared with RPG's global ring. Then `n_pairs` (seeds run by
    /// both), `mean_dof` and `reference_mean_dof` of the two sides' paired runs (the DoF each
    /// achieved, which the budget label only names), `dof_mismatch` (`true` when they differ by
    /// more than `degreesOfFreedomTolerance`), `mean_training_dof` and
    /// `reference_mean_training_dof` (the DoF each trained with on average over its steps: more
    /// than its final DoF for a pruned model; empty for tables written before the runs table had
    /// them), `mean_total_trainable` and `reference_mean_total_trainable` (every trainable
    /// parameter: a narrow network's stem and batch norm shrink with it), `mean_test_accuracy` and `reference_mean_test_accuracy` over the pairs, `mean_difference`
    /// (setting − reference, as a fraction), `sd_difference`, `ci95_half_width`, `ci95_lower`,
    /// `ci95_upper` (Student's t), `t_statistic` and the two-sided `p_value`; the last two are
    /// empty when the differences agree up to rounding, which leaves no spread to test against.
    package static func columns(optionColumns: [String]) -> [String] {
        ["model", "dataset"] + RunSetting.recipeColumns + ["generate_stem", "generate_classifier", "budget", "generator", "scope", "bank", "bank_step"]
            + optionColumns
            + ["reference_generator", "reference_scope", "reference_bank", "reference_bank_step"] + optionColumns.map { "reference_" + $0 } + measureColumns
    }

    private static let measureColumns = [
        "n_pairs", "mean_dof", "reference_mean_dof", "dof_mismatch", "mean_training_dof", "reference_mean_training_dof",
        "mean_total_trainable", "reference_mean_total_trainable", "mean_test_accuracy", "reference_mean_test_accuracy", "mean_difference", "sd_difference",
        "ci95_half_width", "ci95_lower", "ci95_upper", "t_statistic", "p_value",
    ]

    /// The setting compared.
    public var setting: RunSetting
    /// The reference setting it was paired with.
    public var reference: RunSetting
    public var budget: String
    /// The mean DoF of the setting's paired runs.
    public var meanDegreesOfFreedom: Double
    /// The mean DoF of the reference's paired runs: budgets are met as closely as each generator
    /// allows, so the two sides' DoF can differ (``degreesOfFreedomMismatch``).
    public var referenceMeanDegreesOfFreedom: Double
    /// The mean DoF the setting's paired runs trained with over their steps; `nil` where the table does not say.
    public var meanTrainingDegreesOfFreedom: Double?
    /// The mean DoF the reference's paired runs trained with over their steps; `nil` where the table does not say.
    public var referenceMeanTrainingDegreesOfFreedom: Double?
    /// The mean of every trainable parameter of the setting's paired runs; `nil` where the table does not say.
    public var meanTotalTrainable: Double?
    /// The mean of every trainable parameter of the reference's paired runs; `nil` where the table does not say.
    public var referenceMeanTotalTrainable: Double?
    /// The setting's mean test accuracy over the paired seeds.
    public var meanTestAccuracy: Double
    /// The reference's mean test accuracy over the same seeds.
    public var referenceMeanTestAccuracy: Double
    /// The differences setting − reference of test accuracy, one per seed.
    public var difference: MeanEstimate

    /// The number of seeds both sides ran.
    public var pairs: Int { difference.count }

    /// How far apart, as a share of the smaller, the two sides' achieved DoF may be before
    /// ``degreesOfFreedomMismatch`` flags the pair: 5 %.
    ///
    /// Runs pair by budget label, and each generator meets a budget as closely as it can: low
    /// rank lands below it by up to a rank a layer, the width baseline within a channel of one
    /// width, a global hashed bank reads only the entries its weights hit. Past a few percent, a
    /// difference in accuracy may be one of DoF.
    package static let degreesOfFreedomTolerance = 0.05

    /// Whether the two sides' mean achieved DoF differ by more than `degreesOfFreedomTolerance`
    /// of the smaller, whichever side is larger; `false` when either is unknown.
    public var degreesOfFreedomMismatch: Bool {
        let low = min(meanDegreesOfFreedom, referenceMeanDegreesOfFreedom)
        let high = max(meanDegreesOfFreedom, referenceMeanDegreesOfFreedom)
        guard low.isFinite, high.isFinite else { return false }
        return high > low * (1 + Self.degreesOfFreedomTolerance)
    }

    /// Both sides' achieved DoF and trainable parameters in words, for text beside a comparison:
    /// `DoF 2,106 against 2,000 (+5.3 %, beyond 5 %); trainable in all 2,389 against 5,338`.
    package var degreesOfFreedomText: String {
        // A count, rounded, its thousands grouped: 2106.0 → 2,106.
        func count(_ value: Double) -> String {
            guard value.isFinite, value >= 0 else { return "?" }
            var digits = String(Int(value.rounded())), grouped = ""
            while digits.count > 3 {
                grouped = "," + digits.suffix(3) + grouped
                digits.removeLast(3)
            }
            return digits + grouped
        }
        let change = (meanDegreesOfFreedom / referenceMeanDegreesOfFreedom - 1) * 100
        var text = "DoF \(count(meanDegreesOfFreedom)) against \(count(referenceMeanDegreesOfFreedom))"
        if change.isFinite {
            text += String(format: " (%+.1f %%", change).replacingOccurrences(of: "-", with: "−")
                + (degreesOfFreedomMismatch ? String(format: ", beyond %.0f %%)", Self.degreesOfFreedomTolerance * 100) : ")")
        }
        if let training = meanTrainingDegreesOfFreedom, let referenceTraining = referenceMeanTrainingDegreesOfFreedom,
           training != meanDegreesOfFreedom || referenceTraining != referenceMeanDegreesOfFreedom {
            text += "; trained with \(count(training)) against \(count(referenceTraining)) on average"
        }
        if let total = meanTotalTrainable, let referenceTotal = referenceMeanTotalTrainable {
            text += "; trainable in all \(count(total)) against \(count(referenceTotal))"
        }
        return text
    }

    /// The paired t statistic, mean/(sd/√n); `nan` when the differences have no spread.
    ///
    /// Differences that agree up to rounding (a spread below 10⁻⁹ of their size, or of 1) give no
    /// spread to test against: dividing by it reported t = −8·10¹³ and p = 8·10⁻¹⁵ for equal runs.
    public var tStatistic: Double {
        guard difference.standardDeviation > 1e-9 * max(1, abs(difference.mean)) else { return .nan }
        return difference.mean / (difference.standardDeviation / Double(pairs).squareRoot())
    }

    /// The two-sided p-value of `tStatistic`, 2·P(T > |t|) with n − 1 degrees of freedom.
    public var pValue: Double {
        let t = tStatistic
        return t.isNaN ? .nan : Statistics.twoSidedPValue(t, degreesOfFreedom: Double(pairs - 1))
    }

    /// Compares every setting in `runs` with the runs of generator `reference`, per budget.
    ///
    /// A run pairs with the reference's run of the same model, data set, recipe, stem and
    /// classifier choice, budget and seed, whatever either side's scope. Only finished runs with a
    /// test accuracy pair; when a seed was run more than once, its runs' mean stands for it. Groups with fewer than two pairs, and settings with no
    /// reference to pair with (dense, whose budget is `full`, among them), are returned in `skipped`.
    /// Where several settings of the reference generator qualify (RPG ablations, say), each is
    /// compared with each of the others and with every other setting: the reference columns say which.
    package static func compareAll(_ runs: [RunTable.Run], reference: String)
        -> (comparisons: [PairedComparison], skipped: [SkippedAnalysis]) {
        guard runs.contains(where: { $0.setting.generator == reference }) else {
            let present = Set(runs.map(\.setting.generator)).sorted().joined(separator: ", ")
            return ([], [SkippedAnalysis(table: tableName, subject: "every setting",
                                         reason: "the file has no runs of the reference generator '\(reference)' (it has \(present)); pick a reference generator it has")])
        }
        let finished = runs.filter { $0.isOK && $0.testAccuracy != nil }
        var referenceSettings = [PairingKey: Set<RunSetting>]()
        for run in finished where run.setting.generator == reference {
            referenceSettings[PairingKey(run), default: []].insert(run.setting)
        }
        let finishedByGroup = Dictionary(grouping: finished) { GroupKey(setting: $0.setting, budget: $0.budget) }
        let groups = Set(runs.map { GroupKey(setting: $0.setting, budget: $0.budget) }).sorted { lhs, rhs in
            lhs.setting != rhs.setting ? lhs.setting < rhs.setting : lhs.budget < rhs.budget
        }

        var comparisons = [PairedComparison](), skipped = [SkippedAnalysis]()
        for group in groups {
            let key = PairingKey(setting: group.setting, budget: group.budget)
            let subject = "\(group.setting.model) on \(group.setting.dataset), \(group.setting.generatorLabel), budget \(group.budget)"
            guard let references = referenceSettings[key]?.sorted() else {
                skipped.append(SkippedAnalysis(table: tableName, subject: subject,
                                               reason: "no finished \(reference) runs with the same model, data set, recipe, stem and classifier choice and budget"))
                continue
            }
            // Two settings of the reference generator are compared once, the later against the earlier.
            for chosen in references where chosen != group.setting && !(group.setting.generator == reference && group.setting < chosen) {
                let mine = accuracyBySeed(finishedByGroup[group] ?? [])
                let theirs = accuracyBySeed(finishedByGroup[GroupKey(setting: chosen, budget: group.budget)] ?? [])
                let seeds = mine.keys.filter { theirs[$0] != nil }.sorted()
                guard seeds.count >= 2 else {
                    skipped.append(SkippedAnalysis(table: tableName, subject: subject + " against " + chosen.generatorLabel,
                                                   reason: "\(seeds.count) seed\(seeds.count == 1 ? "" : "s") finished on both sides; a paired comparison needs at least 2"))
                    continue
                }
                let own = seeds.compactMap { mine[$0] }, other = seeds.compactMap { theirs[$0] }
                let paired = (finishedByGroup[group] ?? []).filter { seeds.contains($0.seed) }
                let referencePaired = (finishedByGroup[GroupKey(setting: chosen, budget: group.budget)] ?? []).filter { seeds.contains($0.seed) }
                comparisons.append(PairedComparison(
                    setting: group.setting, reference: chosen, budget: group.budget,
                    meanDegreesOfFreedom: Statistics.mean(paired.compactMap(\.degreesOfFreedom)),
                    referenceMeanDegreesOfFreedom: Statistics.mean(referencePaired.compactMap(\.degreesOfFreedom)),
                    meanTrainingDegreesOfFreedom: meanIfAny(paired.compactMap(\.meanTrainingDegreesOfFreedom)),
                    referenceMeanTrainingDegreesOfFreedom: meanIfAny(referencePaired.compactMap(\.meanTrainingDegreesOfFreedom)),
                    meanTotalTrainable: meanIfAny(paired.compactMap(\.totalTrainable)),
                    referenceMeanTotalTrainable: meanIfAny(referencePaired.compactMap(\.totalTrainable)),
                    meanTestAccuracy: Statistics.mean(own), referenceMeanTestAccuracy: Statistics.mean(other),
                    difference: MeanEstimate(zip(own, other).map { $0 - $1 })))
            }
        }
        return (comparisons, skipped)
    }

    /// The row of `paired.csv`, in the order of `columns(optionColumns:)`; missing numbers are empty.
    package func values(optionColumns: [String]) -> [String] {
        let s = setting, r = reference, none = RunsTableLayout.notApplicable
        return [s.model, s.dataset] + RunSetting.recipeColumns.map { s.recipe[$0] ?? none }
            + [String(s.generateStem), String(s.generateClassifier), budget, s.generator, s.scope.tableText, s.bank.tableText, s.bankStep.rawValue]
            + optionColumns.map { s.options[$0] ?? none } + [r.generator, r.scope.tableText, r.bank.tableText, r.bankStep.rawValue]
            + optionColumns.map { r.options[$0] ?? none }
            + [String(pairs), meanDegreesOfFreedom.plainDecimal, referenceMeanDegreesOfFreedom.plainDecimal, String(degreesOfFreedomMismatch),
               meanTrainingDegreesOfFreedom?.plainDecimal ?? "", referenceMeanTrainingDegreesOfFreedom?.plainDecimal ?? "",
               meanTotalTrainable?.plainDecimal ?? "", referenceMeanTotalTrainable?.plainDecimal ?? "", meanTestAccuracy.plainDecimal,
                referenceMeanTestAccuracy.plainDecimal, difference.mean.plainDecimal,
                difference.standardDeviation.plainDecimal, difference.halfWidth.plainDecimal,
                difference.lowerBound.plainDecimal, difference.upperBound.plainDecimal,
                tStatistic.plainDecimal, pValue.plainDecimal]
    }

    /// The mean of `values`, or `nil` for none: a number some rows lack (older tables) stays
    /// missing rather than `nan`, which would make two equal comparisons unequal.
    private static func meanIfAny(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : Statistics.mean(values)
    }

    /// The mean test accuracy of each seed among `runs`.
    private static func accuracyBySeed(_ runs: [RunTable.Run]) -> [String: Double] {
        Dictionary(grouping: runs, by: \.seed).mapValues { Statistics.mean($0.compactMap(\.testAccuracy)) }
    }
}

/// What two runs must share to be paired, apart from the seed.
private struct PairingKey: Hashable {
    var model: String, dataset: String, generateStem: Bool, generateClassifier: Bool, budget: String
    var recipe: [String: String]

    init(setting: RunSetting, budget: String) {
        model = setting.model
        dataset = setting.dataset
        generateStem = setting.generateStem
        generateClassifier = setting.generateClassifier
        self.budget = budget
        recipe = setting.recipe
    }

    init(_ run: RunTable.Run) {
        self.init(setting: run.setting, budget: run.budget)
    }
}
