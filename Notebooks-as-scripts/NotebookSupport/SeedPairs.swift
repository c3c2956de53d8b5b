import ParamShare

/// A paired comparison of any two groups of runs, seed by seed: `treatment − control`.
///
/// The library pairs settings within a model and budget; claims also compare across them
/// (full-DoF RPG against dense, ResNet-56 against ResNet-20), which this does.
package struct SeedPairs {
    /// The per-seed differences' mean and 95 % interval.
    package let difference: MeanEstimate
    package let treatmentMean: Double
    package let controlMean: Double

    /// Pairs the finished runs of both groups that share a seed; `nil` when fewer than two do.
    package init?(_ treatment: [RunTable.Run], minus control: [RunTable.Run]) {
        self.init(Self.accuracyBySeed(treatment), minus: Self.accuracyBySeed(control))
    }

    /// Pairs two measures given by seed; `nil` when fewer than two seeds have both.
    package init?(_ treatment: [String: Double], minus control: [String: Double]) {
        let seeds = treatment.keys.filter { control[$0] != nil }.sorted()
        guard seeds.count >= 2 else { return nil }
        let own = seeds.map { treatment[$0]! }, other = seeds.map { control[$0]! }
        difference = MeanEstimate(zip(own, other).map { $0 - $1 })
        treatmentMean = Statistics.mean(own)
        controlMean = Statistics.mean(other)
    }

    /// The two-sided paired t-test's p, or NaN when the differences do not vary.
    package var pValue: Double {
        let d = difference
        guard d.standardDeviation > 1e-12 else { return .nan }
        let t = d.mean / (d.standardDeviation / Double(d.count).squareRoot())
        return Statistics.twoSidedPValue(t, degreesOfFreedom: Double(d.count - 1))
    }

    /// `+1.23 points [+0.45, +2.01], p = 0.012, 3 seeds`.
    package var text: String {
        let d = difference
        let p = pValue.isNaN ? "no spread" : "p = " + String(format: "%.3g", pValue)
        return String(format: "%+.2f points [%+.2f, %+.2f], ", d.mean * 100, d.lowerBound * 100, d.upperBound * 100) + p + ", \(d.count) seeds"
    }

    private static func accuracyBySeed(_ runs: [RunTable.Run]) -> [String: Double] {
        var accuracy = [String: Double]()
        for run in runs where run.isOK { if let value = run.testAccuracy { accuracy[run.seed] = value } }
        return accuracy
    }
}

extension RunAnalysis {
    /// The runs of `generator` at `budget` (all budgets when `nil`) passing `filter`.
    package func runs(of generator: String, budget: String? = nil, where filter: (RunTable.Run) -> Bool = { _ in true }) -> [RunTable.Run] {
        table.runs.filter { $0.setting.generator == generator && (budget == nil || $0.budget == budget) && filter($0) }
    }
}
