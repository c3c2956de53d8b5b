import Foundation
import FoundationXML
@testable import ParamShare
import Testing

/// The analysis of runs tables, checked against numbers computed independently of GSL: closed-form
/// least squares in Double, and t quantiles and tail probabilities from tables or closed forms.
@Suite("Run analysis")
struct AnalysisTests {
    /// The option block of the tables here, sorted as a runs table lays it out.
    private static let optionColumns = RunsTableLayout(optionColumns: ["rpg.variant", "rpg.permutation", "rpg.signs"]).optionColumns

    /// A setting as a runs table row spells it: every option column filled, `none` where it does not apply.
    private static func setting(_ generator: String, model: String = "mlp", scope: SharingScope? = .global,
                                _ options: [String: String] = [:]) -> RunSetting {
        RunSetting(model: model, dataset: "digits", generator: generator,
                   options: Dictionary(uniqueKeysWithValues: optionColumns.map { ($0, options[$0] ?? RunsTableLayout.notApplicable) }),
                   scope: scope)
    }

    private static let rpg = setting("rpg", ["rpg.variant": "global", "rpg.permutation": "on", "rpg.signs": "on"])
    private static let naive = setting("rpg", ["rpg.variant": "naive", "rpg.permutation": "on", "rpg.signs": "on"])
    private static let hashing = setting("hashing")
    private static let dense = setting("dense", scope: nil)

    private static func run(_ setting: RunSetting, _ budget: String, dof: Double?, seed: Int, accuracy: Double?,
                            best: Double? = nil, status: String = "ok") -> RunTable.Run {
        RunTable.Run(setting: setting, budget: budget, degreesOfFreedom: dof, seed: String(seed), testAccuracy: accuracy,
                     bestTestAccuracy: best ?? accuracy, status: status, line: 0)
    }

    // t quantiles from standard tables (10 significant digits).
    private static let t975With4 = 2.776445105
    private static let t975With2 = 4.302652730

    @Test("a group's mean, sd and t interval match the textbook formulas; diverged runs are only counted")
    func summary() throws {
        let accuracies = [0.80, 0.82, 0.79, 0.85, 0.81]
        let runs = accuracies.enumerated().map { Self.run(Self.rpg, "2k", dof: 2000, seed: $0, accuracy: $1, best: $1 + 0.01) }
            + [Self.run(Self.rpg, "2k", dof: 2000, seed: 5, accuracy: nil, status: "diverged")]
            + [Self.run(Self.rpg, "4k", dof: 4000, seed: 0, accuracy: 0.9)]
        let summaries = GroupSummary.summarize(runs)
        try #require(summaries.count == 2)
        let group = summaries[0]

        let n = Double(accuracies.count)
        let mean = accuracies.reduce(0, +) / n
        let sd = (accuracies.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (n - 1)).squareRoot()
        let halfWidth = Self.t975With4 * sd / n.squareRoot()
        // GSL's mean and sd agree with the two-pass formulas to rounding (1e-12); the tabulated t
        // quantile has 10 significant digits, so the interval is checked to 1e-9 relative.
        #expect(group.budget == "2k" && group.testAccuracy.count == 5 && group.diverged == 1)
        #expect(group.meanDegreesOfFreedom == 2000)
        #expect(abs(group.testAccuracy.mean - mean) < 1e-12)
        #expect(abs(group.testAccuracy.standardDeviation - sd) < 1e-12)
        #expect(abs(group.testAccuracy.halfWidth - halfWidth) < 1e-9 * halfWidth)
        #expect(abs(group.testAccuracy.lowerBound - (mean - halfWidth)) < 1e-9)
        #expect(abs(group.testAccuracy.upperBound - (mean + halfWidth)) < 1e-9)
        #expect(abs(group.meanBestTestAccuracy - (mean + 0.01)) < 1e-12)

        // One run: a mean but no spread, so the interval fields are empty.
        let single = summaries[1]
        #expect(single.budget == "4k" && single.testAccuracy.count == 1)
        let row = Dictionary(uniqueKeysWithValues: zip(GroupSummary.columns(optionColumns: Self.optionColumns),
                                                       single.values(optionColumns: Self.optionColumns)))
        #expect(GroupSummary.columns(optionColumns: Self.optionColumns).count == single.values(optionColumns: Self.optionColumns).count)
        #expect(row["generator"] == "rpg" && row["rpg.variant"] == "global" && row["rpg.signs"] == "on" && row["scope"] == "global")
        #expect(row["mean_test_accuracy"] == "0.9")
        #expect(row["sd_test_accuracy"] == "" && row["ci95_half_width"] == "" && row["ci95_lower"] == "" && row["ci95_upper"] == "")
    }

    @Test("the t quantile and tail match tabulated and closed-form values")
    func tDistribution() {
        // Tables give 10 significant digits.
        #expect(abs(Statistics.tQuantile(probability: 0.975, degreesOfFreedom: 4) - Self.t975With4) < 1e-8)
        #expect(abs(Statistics.tQuantile(probability: 0.975, degreesOfFreedom: 2) - Self.t975With2) < 1e-8)
        // For ν = 2, P(T > t) = ½(1 − t/√(t² + 2)) exactly; GSL's tail is accurate to about 1e-12.
        for t in [0.5, 1.7, 3.2, 9.0] {
            #expect(abs(Statistics.tUpperTail(t, degreesOfFreedom: 2) - 0.5 * (1 - t / (t * t + 2).squareRoot())) < 1e-12)
        }
        #expect(Statistics.mean([]).isNaN && Statistics.standardDeviation([1]).isNaN)
        #expect(Statistics.tQuantile(probability: 1, degreesOfFreedom: 3).isNaN)
    }

    @Test("the log-linear fit matches closed-form least squares, standard errors and R²")
    func logLinearLaw() throws {
        let dofs = [1000.0, 1000, 4000, 4000, 16000, 16000, 64000]
        let accuracies = [0.70, 0.72, 0.78, 0.77, 0.83, 0.85, 0.90]
        let budgets = ["1k", "1k", "4k", "4k", "16k", "16k", "64k"]
        let runs = (0..<dofs.count).map { Self.run(Self.rpg, budgets[$0], dof: dofs[$0], seed: $0 % 2, accuracy: accuracies[$0]) }
            + [Self.run(Self.rpg, "64k", dof: 64000, seed: 1, accuracy: nil, status: "diverged")]
        let result = LogLinearFit.fitAll(runs)
        try #require(result.fits.count == 1)
        let law = result.fits[0]

        let x = dofs.map { log($0) }, y = accuracies, n = Double(x.count)
        let xMean = x.reduce(0, +) / n, yMean = y.reduce(0, +) / n
        let sxx = x.map { ($0 - xMean) * ($0 - xMean) }.reduce(0, +)
        let sxy = zip(x, y).map { ($0 - xMean) * ($1 - yMean) }.reduce(0, +)
        let b = sxy / sxx, a = yMean - b * xMean
        let residual = zip(x, y).map { ($1 - a - b * $0) * ($1 - a - b * $0) }.reduce(0, +)
        let total = y.map { ($0 - yMean) * ($0 - yMean) }.reduce(0, +)
        let variance = residual / (n - 2)
        let seB = (variance / sxx).squareRoot(), seA = (variance * (1 / n + xMean * xMean / sxx)).squareRoot()
        // GSL fits by the same sums (centred), so agreement is to rounding: 1e-10 relative.
        #expect(abs(law.fit.intercept - a) < 1e-10 * abs(a))
        #expect(abs(law.fit.slope - b) < 1e-10 * abs(b))
        #expect(abs(law.fit.interceptStandardError - seA) < 1e-10 * seA)
        #expect(abs(law.fit.slopeStandardError - seB) < 1e-10 * seB)
        #expect(abs(law.fit.rSquared - (1 - residual / total)) < 1e-10)
        #expect(law.fit.points == 7 && law.budgets == 4)
        #expect(law.minimumDegreesOfFreedom == 1000 && law.maximumDegreesOfFreedom == 64000)
    }

    @Test("settings with fewer than 3 points or one DoF are skipped with a reason")
    func logLinearSkips() {
        let runs = [Self.run(Self.hashing, "2k", dof: 2000, seed: 0, accuracy: 0.8),
                    Self.run(Self.hashing, "4k", dof: 4000, seed: 0, accuracy: 0.85)]
            + (0..<3).map { Self.run(Self.dense, "full", dof: 10000, seed: $0, accuracy: 0.9) }
        let result = LogLinearFit.fitAll(runs)
        #expect(result.fits.isEmpty)
        #expect(result.skipped.count == 2)
        #expect(result.skipped.contains { $0.subject.contains("dense") && $0.reason.contains("same DoF") })
        #expect(result.skipped.contains { $0.subject.contains("hashing") && $0.reason.contains("at least 3") })
    }

    @Test("paired differences, their interval, t and p match the closed forms; every reference setting is compared with")
    func pairedComparison() throws {
        let reference = [0.90, 0.92, 0.91], other = [0.87, 0.90, 0.86], ablation = [0.89, 0.91, 0.90]
        let runs = reference.enumerated().map { Self.run(Self.rpg, "2k", dof: 2000, seed: $0, accuracy: $1) }
            + other.enumerated().map { Self.run(Self.hashing, "2k", dof: 2010, seed: $0, accuracy: $1) }
            + ablation.enumerated().map { Self.run(Self.naive, "2k", dof: 2000, seed: $0, accuracy: $1) }
            + [Self.run(Self.hashing, "2k", dof: 2010, seed: 7, accuracy: 0.5),  // no reference run with seed 7
               Self.run(Self.hashing, "4k", dof: 4000, seed: 0, accuracy: 0.9),  // a single pair
               Self.run(Self.rpg, "4k", dof: 4000, seed: 0, accuracy: 0.9)]
        let result = PairedComparison.compareAll(runs, reference: "rpg")
        // At 2k hashing meets both RPG settings, and the two RPG settings meet once: naive against global.
        try #require(result.comparisons.count == 3)
        let versusHashing = try #require(result.comparisons.first { $0.setting == Self.hashing && $0.reference == Self.rpg })
        let hashingVersusNaive = try #require(result.comparisons.first { $0.setting == Self.hashing && $0.reference == Self.naive })
        #expect(result.comparisons.contains { $0.setting == Self.naive && $0.reference == Self.rpg })
        #expect(!result.comparisons.contains { $0.setting == Self.rpg && $0.reference == Self.naive })
        #expect(!result.comparisons.contains { $0.setting == $0.reference })
        #expect(hashingVersusNaive.pairs == 3)
        #expect(abs(hashingVersusNaive.difference.mean - zip(other, ablation).map { $0 - $1 }.reduce(0, +) / 3) < 1e-12)
        #expect(abs(hashingVersusNaive.referenceMeanTestAccuracy - ablation.reduce(0, +) / 3) < 1e-12)

        let differences = zip(other, reference).map { $0 - $1 }, n = 3.0
        let mean = differences.reduce(0, +) / n
        let sd = (differences.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (n - 1)).squareRoot()
        let t = mean / (sd / n.squareRoot())
        // ν = 2: the two-sided p-value 2·½(1 − |t|/√(t² + 2)).
        let p = 1 - abs(t) / (t * t + 2).squareRoot()
        let halfWidth = Self.t975With2 * sd / n.squareRoot()
        #expect(versusHashing.pairs == 3 && versusHashing.budget == "2k")
        #expect(abs(versusHashing.difference.mean - mean) < 1e-12)
        #expect(abs(versusHashing.difference.standardDeviation - sd) < 1e-12)
        #expect(abs(versusHashing.difference.halfWidth - halfWidth) < 1e-9 * halfWidth)
        #expect(abs(versusHashing.tStatistic - t) < 1e-9 * abs(t))
        #expect(abs(versusHashing.pValue - p) < 1e-10)
        #expect(abs(versusHashing.meanTestAccuracy - other.reduce(0, +) / 3) < 1e-12)
        #expect(abs(versusHashing.referenceMeanTestAccuracy - reference.reduce(0, +) / 3) < 1e-12)
        #expect(versusHashing.meanDegreesOfFreedom == 2010)

        #expect(result.skipped.count == 1)
        #expect(result.skipped[0].subject.contains("budget 4k") && result.skipped[0].reason.contains("at least 2"))
        #expect(result.skipped[0].description.hasPrefix("paired.csv: "))
    }

    @Test("an absent reference generator is reported once, naming the generators present")
    func unknownReference() {
        let runs = (0..<3).map { Self.run(Self.hashing, "2k", dof: 2000, seed: $0, accuracy: 0.8) }
        let result = PairedComparison.compareAll(runs, reference: "rgp")
        #expect(result.comparisons.isEmpty)
        #expect(result.skipped.count == 1)
        #expect(result.skipped.first?.reason.contains("'rgp'") == true && result.skipped.first?.reason.contains("hashing") == true)
    }

    @Test("numbers are written as plain decimals, missing ones as empty fields")
    func plainDecimals() {
        #expect(1.23e-05.plainDecimal == "0.0000123")
        #expect(1e-05.plainDecimal == "0.00001")
        #expect((-2.5e-7).plainDecimal == "-0.00000025")
        #expect(1.5e16.plainDecimal == "15000000000000000")
        #expect(0.5.plainDecimal == "0.5")
        #expect(2000.0.plainDecimal == "2000.0")
        #expect(Double.nan.plainDecimal == "" && Double.infinity.plainDecimal == "")
        for value in [3.14159e-9, 6.02e23, 0.1, 123.456] { #expect(Double(value.plainDecimal) == value) }
    }

    @Test("the SVG has one line per setting, the legend labels, escaped text and parses as XML")
    func plot() throws {
        var awkward = Self.setting("plugin")
        awkward.options["plugin.mode"] = "a<b&c"
        var runs = [RunTable.Run]()
        for setting in [Self.rpg, Self.hashing, awkward] {
            for (dof, budget) in [(1000.0, "1k"), (10000.0, "10k")] {
                for seed in 0..<3 {
                    runs.append(Self.run(setting, budget, dof: dof, seed: seed, accuracy: 0.7 + 0.01 * Double(seed) + dof / 1e6))
                }
            }
        }
        let lenet = Self.setting("dense", model: "lenet5", scope: nil)
        runs += (0..<2).map { Self.run(lenet, "full", dof: 50000, seed: $0, accuracy: 0.95) }
        let svg = AccuracyPlot(summaries: GroupSummary.summarize(runs)).svg()

        #expect(svg.hasPrefix("<svg"))
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 4)
        #expect(svg.components(separatedBy: "Test accuracy against degrees of freedom: ").count - 1 == 2)  // two panels
        #expect(svg.contains("lenet5 on digits") && svg.contains("mlp on digits"))
        // Short legend labels; the options every line shares go into the caption.
        #expect(svg.contains(">rpg</text>") && svg.contains(">hashing</text>") && svg.contains(">plugin</text>"))
        #expect(svg.contains("plugin: mode=a&lt;b&amp;c"))
        #expect(svg.contains("scope=global"))
        #expect(svg.contains("n = 3 runs per point unless marked"))
        #expect(svg.contains(">n = 2</text>"))  // the dense points have two runs
        #expect(!svg.contains("a<b&c"))
        // Self-contained: the SVG namespace is the only address, and there is no script or font to fetch.
        #expect(svg.components(separatedBy: "http").count - 1 == 1 && !svg.contains("<script") && !svg.contains("@font-face"))
        let parser = XMLParser(data: Data(svg.utf8))
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
    }

    @Test("a generator keeps its colour and marker whatever else is plotted, and a far-off setting adds a zoomed panel")
    func plotStyles() throws {
        func svg(_ settings: [RunSetting], accuracy: (RunSetting) -> Double) -> String {
            let runs = settings.flatMap { setting in
                (0..<3).map { Self.run(setting, "1k", dof: 1000, seed: $0, accuracy: accuracy(setting) + 0.001 * Double($0)) }
                    + (0..<3).map { Self.run(setting, "10k", dof: 10000, seed: $0, accuracy: accuracy(setting) + 0.01) }
            }
            return AccuracyPlot(summaries: GroupSummary.summarize(runs)).svg()
        }
        let rpgStyle = GeneratorStyle.of("rpg")
        #expect(rpgStyle == GeneratorStyle(colour: "#0072B2", marker: .circle))
        #expect(GeneratorStyle.of("my-plugin") == GeneratorStyle.of("my-plugin"))
        let alone = svg([Self.rpg]) { _ in 0.9 }
        let crowded = svg([Self.hashing, Self.setting("aaa"), Self.rpg]) { _ in 0.9 }
        #expect(alone.contains("stroke=\"\(rpgStyle.colour)\"") && crowded.contains("stroke=\"\(rpgStyle.colour)\""))
        #expect(!alone.contains("zoomed on the top"))
        let spread = svg([Self.hashing, Self.setting("lowrank"), Self.rpg]) { $0.generator == "lowrank" ? 0.4 : 0.97 }
        #expect(spread.components(separatedBy: "zoomed on the top").count - 1 == 1)
        let parser = XMLParser(data: Data(spread.utf8))
        #expect(parser.parse())
    }

    @Test("the log-linear law is fitted against bank DoF and against all trainable parameters")
    func fitsBothMeasures() throws {
        let points: [(dof: Double, accuracy: Double)] = [(1000, 0.80), (4000, 0.86), (16000, 0.92)]
        var runs: [RunTable.Run] = []
        for point in points {
            for seed in 0..<2 {
                let accuracy: Double = point.accuracy + 0.001 * Double(seed)
                runs.append(RunTable.Run(setting: Self.rpg, budget: "\(Int(point.dof))", degreesOfFreedom: point.dof,
                                         totalTrainable: point.dof + 3000, seed: String(seed), testAccuracy: accuracy,
                                         bestTestAccuracy: nil, status: "ok", line: 0))
            }
        }
        let fits = LogLinearFit.fitAll(runs).fits
        #expect(fits.map { $0.measure } == [LogLinearFit.Measure.bank, .totalTrainable])
        let bank = fits[0], total = fits[1]
        #expect(abs(bank.fit.slope - 0.12 / log(16.0)) < 1e-3)
        // The fixed 3,000 parameters compress the low end of the total axis: a steeper law there.
        #expect(total.fit.slope > bank.fit.slope)
        #expect(total.minimumDegreesOfFreedom == 4000 && total.maximumDegreesOfFreedom == 19000)
        #expect(LogLinearFit.columns(optionColumns: []).contains("dof_measure"))
    }

    @Test("runs of different recipes are never pooled or paired, and each side's DoF is reported")
    func recipesApart() throws {
        func with(_ setting: RunSetting, epochs: String) -> RunSetting {
            var copy = setting
            copy.recipe["epochs"] = epochs
            return copy
        }
        var runs = [RunTable.Run]()
        for seed in 0..<3 {
            // Five-epoch runs: hashing 1 point below RPG. One-epoch runs appended later: hashing 5 points above.
            runs.append(Self.run(with(Self.rpg, epochs: "5"), "2k", dof: 2000, seed: seed, accuracy: 0.90 + 0.01 * Double(seed)))
            runs.append(Self.run(with(Self.hashing, epochs: "5"), "2k", dof: 2000, seed: seed, accuracy: 0.89 + 0.01 * Double(seed)))
            runs.append(Self.run(with(Self.rpg, epochs: "1"), "2k", dof: 1990, seed: seed, accuracy: 0.50 + 0.02 * Double(seed)))
            runs.append(Self.run(with(Self.hashing, epochs: "1"), "2k", dof: 2000, seed: seed, accuracy: 0.55 + 0.02 * Double(seed)))
        }
        let summaries = GroupSummary.summarize(runs)
        #expect(summaries.count == 4 && summaries.allSatisfy { $0.testAccuracy.count == 3 })
        let (comparisons, _) = PairedComparison.compareAll(runs, reference: "rpg")
        #expect(comparisons.count == 2)
        for comparison in comparisons {
            #expect(comparison.setting.recipe["epochs"] == comparison.reference.recipe["epochs"])
            let expected = comparison.setting.recipe["epochs"] == "5" ? -0.01 : 0.05
            #expect(abs(comparison.difference.mean - expected) < 1e-12)
            // Differences equal up to rounding leave no spread: no t, no p.
            #expect(comparison.tStatistic.isNaN && comparison.pValue.isNaN)
        }
        let oneEpoch = try #require(comparisons.first { $0.setting.recipe["epochs"] == "1" })
        #expect(oneEpoch.meanDegreesOfFreedom == 2000 && oneEpoch.referenceMeanDegreesOfFreedom == 1990)
        let labels = SettingLabels(summaries.map(\.setting)).labels
        #expect(Set(labels.values).count == 4, "\(labels.values)")
    }

    @Test("pairs whose achieved DoF differ by more than 5 % are flagged whichever side is larger, with both sides' DoF and trainable counts")
    func degreesOfFreedomMismatch() throws {
        // Achieved DoF, trainable parameters in all, and DoF trained with on average, per setting and budget.
        let arms: [(setting: RunSetting, budget: String, dof: Double, total: Double, training: Double)] = [
            (Self.rpg, "2k", 2000, 5338, 2000), (Self.rpg, "8k", 8000, 11338, 8000),
            (Self.setting("lowrank"), "2k", 1920, 5258, 1920),   // 4.2 % below: within
            (Self.setting("width"), "2k", 2106, 2389, 2106),     // 5.3 % above
            (Self.hashing, "2k", 1900, 5238, 1900),              // 5.3 % below (of the smaller)
            (Self.setting("lowrank"), "8k", 7620, 10958, 7620),  // 4.99 % below
            (Self.hashing, "8k", 8401, 11739, 8401),             // 5.01 % above
            (Self.setting("pruned"), "2k", 2000, 5338, 115_288), // equal DoF at the end, not while training
        ]
        var runs = [RunTable.Run]()
        for arm in arms {
            for seed in 0..<2 {
                runs.append(RunTable.Run(setting: arm.setting, budget: arm.budget, degreesOfFreedom: arm.dof, totalTrainable: arm.total,
                                         meanTrainingDegreesOfFreedom: arm.training, seed: String(seed),
                                         testAccuracy: 0.9 + 0.01 * Double(seed), bestTestAccuracy: 0.9, status: "ok", line: 0))
            }
        }
        let analysis = try RunAnalysis(table: RunTable(source: "constructed", optionColumns: Self.optionColumns, runs: runs), reference: "rpg")
        let flagged = Set(analysis.comparisons.filter(\.degreesOfFreedomMismatch).map { "\($0.setting.generator) \($0.budget)" })
        #expect(flagged == ["width 2k", "hashing 2k", "hashing 8k"])
        #expect(analysis.comparisons.count == 6)

        let width = try #require(analysis.comparisons.first { $0.setting.generator == "width" })
        #expect(width.meanTotalTrainable == 2389 && width.referenceMeanTotalTrainable == 5338)
        #expect(width.degreesOfFreedomText == "DoF 2,106 against 2,000 (+5.3 %, beyond 5 %); trainable in all 2,389 against 5,338")
        let pruned = try #require(analysis.comparisons.first { $0.setting.generator == "pruned" })
        #expect(!pruned.degreesOfFreedomMismatch && pruned.meanTrainingDegreesOfFreedom == 115_288)
        #expect(pruned.degreesOfFreedomText.contains("trained with 115,288 against 2,000 on average"))

        let columns = PairedComparison.columns(optionColumns: Self.optionColumns)
        let row = width.values(optionColumns: Self.optionColumns)
        func field(_ name: String) throws -> String { row[try #require(columns.firstIndex(of: name))] }
        #expect(try field("mean_dof") == "2106.0" && field("reference_mean_dof") == "2000.0" && field("dof_mismatch") == "true")
        #expect(try field("mean_total_trainable") == "2389.0" && field("reference_mean_total_trainable") == "5338.0")
        #expect(try field("mean_training_dof") == "2106.0")

        let table = analysis.accuracyTable()
        #expect(table.contains("3 paired comparisons set arms whose achieved DoF differ by more than 5 %"))
        #expect(table.contains("at 2k: DoF 2,106 against 2,000 (+5.3 %, beyond 5 %); trainable in all 2,389 against 5,338"), "\(table)")
        #expect(!table.contains("DoF 1,920"))
    }

    @Test("tables with extra, reordered or missing columns, bad numbers, no runs or no ok runs")
    func runTableErrors() throws {
        // Option columns out of the layout's order too; they are found by the dot in their names.
        let headerOptions = ["rpg.variant", "rpg.permutation", "rpg.signs"]
        // An older table: no recipe columns, which then read as none.
        let settingColumns = RunSetting.leadingColumns + headerOptions + RunSetting.trailingColumns
        let reordered = "status,extra,test_accuracy,seed,cell_id," + settingColumns.joined(separator: ",")
            + ",budget,dof,best_test_accuracy\nok,?,0.5,3,c1,mlp,digits,rpg,global,on,on,global,false,false,2k,2000,0.6\n"
        let table = try RunTable(document: CSVReader.parse(reordered, source: "reordered.csv"))
        #expect(table.optionColumns == headerOptions)
        #expect(table.runs == [RunTable.Run(setting: Self.rpg, budget: "2k", degreesOfFreedom: 2000, seed: "3", testAccuracy: 0.5,
                                            bestTestAccuracy: 0.6, status: "ok", line: 2)])

        let missing = reordered.replacingOccurrences(of: ",dof,", with: ",degrees,")
        #expect {
            try RunTable(document: CSVReader.parse(missing, source: "old.csv"))
        } throws: { error in
            "\(error)".hasPrefix("old.csv, line 1:") && "\(error)".contains("'dof'") && "\(error)".contains("a runs table")
        }
        let badNumber = reordered.replacingOccurrences(of: ",2000,", with: ",lots,")
        #expect {
            try RunTable(document: CSVReader.parse(badNumber, source: "bad.csv"))
        } throws: { error in
            "\(error)".hasPrefix("bad.csv, line 2:") && "\(error)".contains("'dof'") && "\(error)".contains("'lots'")
        }
        let headerOnly = try RunTable(document: CSVReader.parse(String(reordered.prefix { $0 != "\n" }), source: "empty.csv"))
        #expect { try RunAnalysis(table: headerOnly) } throws: { "\($0)".contains("no runs") }
        var diverged = table
        diverged.runs[0].status = "diverged"
        #expect { try RunAnalysis(table: diverged) } throws: { "\($0)".contains("none of its 1 runs has status ok") }
    }

    @Test("sharing settings are typed where a table is read: `none` where one does not apply is nil, an unknown word is refused")
    func typedSettings() throws {
        let header = "model,dataset,generator,rpg.signs,scope,generate_stem,generate_classifier,bank,bank_step,budget,dof,seed,"
            + "test_accuracy,best_test_accuracy,status\n"
        let rows = ["mlp,digits,rpg,on,stage,true,false,frozen,sqrt", "mlp,digits,dense,none,none,false,false,none,none",
                    "lenet5,digits,pruned,none,global,false,true,none,none"]
        let text = header + rows.map { $0 + ",2k,2000,0,0.5,0.5,ok\n" }.joined()
        let table = try RunTable(document: CSVReader.parse(text, source: "typed.csv"))
        let settings = table.runs.map(\.setting)
        #expect(settings.map(\.scope) == [.stage, nil, .global])
        #expect(settings.map(\.generateStem) == [true, false, false] && settings.map(\.generateClassifier) == [false, false, true])
        #expect(settings.map(\.bank) == [.frozen, nil, nil])
        #expect(settings.map(\.bankStep) == [.sqrt, .none, .none])
        // Written back, every setting reads as the table spelt it.
        for (setting, row) in zip(settings, rows) {
            #expect(Array(setting.values(optionColumns: ["rpg.signs"]).prefix(9)) == row.split(separator: ",").map(String.init))
        }
        for (word, column) in [("ring", "scope"), ("yes", "generate_stem"), ("cube", "bank_step"), ("thawed", "bank")] {
            let damaged = text.replacingOccurrences(of: ["ring": "stage", "yes": "true", "cube": "sqrt", "thawed": "frozen"][word]!, with: word)
            #expect {
                try RunTable(document: CSVReader.parse(damaged, source: "damaged.csv"))
            } throws: { error in
                "\(error)".hasPrefix("damaged.csv, line 2:") && "\(error)".contains("'\(column)'") && "\(error)".contains("'\(word)'")
            }
        }
    }

    @Test("analysing a runs CSV with the runs-table layout produces the three tables and the plot")
    func analyzeFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("analysis-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/runs.csv"
        let columns = RunsTableLayout(optionColumns: Self.optionColumns).columns
        #expect(Array(columns.prefix(8)) == ["cell_id", "model", "dataset", "train_images", "test_images", "validation_images", "generator",
                                             "generator_version"])
        #expect(Array(columns[8..<11]) == ["rpg.permutation", "rpg.signs", "rpg.variant"])
        let table = try CSVTable(path: path, columns: columns)
        func append(_ setting: RunSetting, _ budget: String, dof: Int, seed: Int, accuracy: Double?) throws {
            var fields = Dictionary(uniqueKeysWithValues: zip(RunSetting.columns(optionColumns: Self.optionColumns),
                                                              setting.values(optionColumns: Self.optionColumns)))
            fields["budget"] = budget
            fields["dof"] = String(dof)
            fields["seed"] = String(seed)
            fields["test_accuracy"] = accuracy.map { "\($0)" } ?? ""
            fields["best_test_accuracy"] = accuracy.map { "\($0 + 0.005)" } ?? ""
            fields["status"] = accuracy == nil ? "diverged" : "ok"
            fields["version"] = "0.1.0"
            try table.append(columns.map { fields[$0] ?? "" })
        }
        // Dense rows first, so that the default reference has to pass over them.
        for seed in 0..<3 {
            try append(Self.dense, "full", dof: 10000, seed: seed, accuracy: 0.95 - 0.001 * Double(seed))
        }
        for (budget, dof) in [("2k", 2000), ("4k", 4000), ("8k", 8000)] {
            for seed in 0..<3 {
                let gain = 0.03 * log(Double(dof) / 1000), noise = 0.004 * Double(seed)
                try append(Self.rpg, budget, dof: dof, seed: seed, accuracy: 0.80 + gain + noise)
                // One hashing run diverged, leaving its budget two pairs.
                try append(Self.hashing, budget, dof: dof, seed: seed, accuracy: budget == "8k" && seed == 2 ? nil : 0.78 + gain - noise)
            }
        }
        for seed in 0..<3 {
            try append(Self.naive, "2k", dof: 2000, seed: seed, accuracy: 0.79 + 0.002 * Double(seed))
        }

        let analysis = try RunAnalysis(contentsOfFile: path, reference: "rpg")
        #expect(analysis.table.optionColumns == Self.optionColumns)
        #expect(analysis.table.runs.contains { $0.setting == Self.dense } && analysis.table.runs.contains { $0.setting == Self.naive })
        // Without a reference, the first generator in the table other than dense is taken.
        let byDefault = try RunAnalysis(contentsOfFile: path)
        #expect(byDefault.reference == "rpg" && byDefault.comparisons == analysis.comparisons)
        let paths = try analysis.write(to: directory + "/analysis")
        #expect(paths == RunAnalysis.fileNames.map { directory + "/analysis/" + $0 })
        let options = Self.optionColumns
        let expected: [(columns: [String], rows: Int)] = [
            (GroupSummary.columns(optionColumns: options), 8),  // rpg, hashing × 3 budgets; naive; dense
            (LogLinearFit.columns(optionColumns: options), 2),  // rpg, hashing; naive and dense have one DoF each
            // hashing × 3 budgets and naive against rpg, and hashing at 2k against naive; dense has no partner
            (PairedComparison.columns(optionColumns: options), 5),
        ]
        for (path, table) in zip(paths, expected) {
            let document = try CSVReader.read(contentsOfFile: path)
            #expect(document.header == table.columns, "\(path)")
            #expect(document.rows.count == table.rows, "\(path)")
            #expect(document.rows.allSatisfy { row in row.allSatisfy { !$0.contains("e-") && !$0.contains("e+") } })
        }
        #expect(analysis.skipped.map(\.table).sorted() == ["loglinear.csv", "loglinear.csv", "paired.csv"])
        let summary = try CSVReader.read(contentsOfFile: paths[0])
        let column = Dictionary(uniqueKeysWithValues: summary.header.enumerated().map { ($1, $0) })
        let generator = try #require(column["generator"]), budget = try #require(column["budget"])
        let n = try #require(column["n"]), diverged = try #require(column["n_diverged"])
        let hashingAt8k = try #require(summary.rows.first { $0[generator] == "hashing" && $0[budget] == "8k" })
        #expect(hashingAt8k[n] == "2" && hashingAt8k[diverged] == "1")
        // Options that do not apply are written as none, as is dense's scope.
        for name in Self.optionColumns {
            let index = try #require(column[name])
            #expect(hashingAt8k[index] == RunsTableLayout.notApplicable)
        }
        let denseRow = try #require(summary.rows.first { $0[generator] == "dense" })
        let scope = try #require(column["scope"])
        #expect(denseRow[scope] == RunsTableLayout.notApplicable)
        let paired = try CSVReader.read(contentsOfFile: paths[2])
        let pairedColumn = Dictionary(uniqueKeysWithValues: paired.header.enumerated().map { ($1, $0) })
        let referenceVariant = try #require(pairedColumn["reference_rpg.variant"])
        #expect(paired.rows.map { $0[referenceVariant] }.sorted() == ["global", "global", "global", "global", "naive"])
        let svg = try String(contentsOfFile: paths[3], encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.components(separatedBy: "<polyline").count - 1 == 4)

        // A second table in the same folder gets its own outputs beside the first's, which stay,
        // and a table named like an output is not overwritten by its own analysis; given a folder
        // of its own, its analysis keeps the plain names.
        let other = RunTable(source: directory + "/analysis/summary.csv", optionColumns: analysis.table.optionColumns,
                             runs: analysis.table.runs.filter { $0.setting.generator == "hashing" })
        let firstSummary = try String(contentsOfFile: paths[0], encoding: .utf8)
        let otherPaths = try RunAnalysis(table: other).write(to: directory + "/analysis")
        #expect(otherPaths == ["summary.summary.csv", "summary.loglinear.csv", "summary.paired.csv", "summary.accuracy_vs_dof.svg"]
            .map { directory + "/analysis/" + $0 })
        #expect(try String(contentsOfFile: paths[0], encoding: .utf8) == firstSummary)
        #expect(try CSVReader.read(contentsOfFile: otherPaths[0]).rows.count == 3)  // hashing × 3 budgets
        #expect(try RunAnalysis(table: other).write(to: directory + "/elsewhere")
            == RunAnalysis.fileNames.map { directory + "/elsewhere/" + $0 })
    }
}
