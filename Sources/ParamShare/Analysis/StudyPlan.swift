import Foundation

/// A study declared before any of its runs: its arms, seeds, the comparisons it will test with
/// the direction each claim predicts, Holm families, primary tests and equivalence margins.
///
/// A p-value means what it says only for a test chosen before the data: comparisons picked,
/// seeds added or tests switched after looking turn a 5 % error rate into an unknown one. So a
/// study writes its plan (``json()``, to `results/<study>/plan.json`) before it trains, the
/// analysis reads arms, seeds and tests from the plan and nowhere else, and a plan that
/// changed once runs exist is refused (``commit(toFile:runsExist:)``). Seeds added after
/// looking are declared as an ``exploratory`` seed set: they are analysed apart and labelled,
/// and never enter the confirmatory verdicts.
package struct StudyPlan: Codable, Equatable, Sendable {
    /// The claim's short name (`C2`), as the verdict table lists it.
    package var claim: String
    /// What the claim says, in one line.
    package var statement: String
    /// The table the measure is read from, relative to the study's folder (`runs.csv`).
    package var table: String
    /// The column of `table` compared (`test_accuracy`); one row per arm and seed.
    package var measure: String
    /// The unit the verdicts print differences in (`points`), and what to multiply the measure
    /// by to get it (100 for an accuracy stored as a fraction). Margins are in the measure's own unit.
    package var unit: String
    package var unitScale: Double
    /// The arms, each a set of rows of `table`.
    package var arms: [Arm]
    /// The budgets the arms cover, for readers of the plan (each arm's `rows` says its own).
    package var budgets: [String]
    /// The seeds of the confirmatory analysis, declared before the runs.
    package var seeds: [Int]
    /// Seeds added later, each set with why and when: analysed apart, never confirmatory.
    package var exploratory: [SeedSet]
    /// The confirmatory comparisons.
    package var comparisons: [Comparison]
    /// The family-wise error rate of each Holm family (0.05).
    package var alpha: Double
    /// Why the margins are what they are.
    package var marginReason: String
    /// What the study reports beside its verdicts, declared with them (a fit, a test of shape),
    /// or `nil`; plans written before the field existed read as `nil`.
    package var descriptiveAnalyses: String?

    package init(claim: String, statement: String, table: String, measure: String, unit: String, unitScale: Double, arms: [Arm],
                budgets: [String], seeds: [Int], exploratory: [SeedSet] = [], comparisons: [Comparison], alpha: Double = 0.05,
                marginReason: String, descriptiveAnalyses: String? = nil) {
        self.claim = claim
        self.statement = statement
        self.table = table
        self.measure = measure
        self.unit = unit
        self.unitScale = unitScale
        self.arms = arms
        self.budgets = budgets
        self.seeds = seeds
        self.exploratory = exploratory
        self.comparisons = comparisons
        self.alpha = alpha
        self.marginReason = marginReason
        self.descriptiveAnalyses = descriptiveAnalyses
    }

    /// One arm: a label, and the rows of the study's table that are its runs.
    package struct Arm: Codable, Equatable, Sendable {
        package var label: String
        /// Column → value; a row belongs to the arm when it has every one of them (`generator`:
        /// `rpg`, `budget`: `10%`, `rpg.signs`: `off`, …). Naming the columns, rather than
        /// relying on code, lets a reader of `plan.json` select the same rows by hand.
        package var rows: [String: String]

        package init(_ label: String, rows: [String: String]) {
            self.label = label
            self.rows = rows
        }
    }

    /// Seeds added after a study was declared, with the reason.
    package struct SeedSet: Codable, Equatable, Sendable {
        /// How findings and verdicts name the set (`seeds 3 and 4, added after looking`).
        package var label: String
        package var seeds: [Int]
        /// Why and when they were added.
        package var reason: String

        package init(label: String, seeds: [Int], reason: String) {
            self.label = label
            self.seeds = seeds
            self.reason = reason
        }
    }

    /// The test a verdict rests on; the other is reported beside it.
    package enum Test: String, Codable, Sendable {
        /// The paired t test on per-seed differences: for arms that share a seed's randomness
        /// beyond the data order (one generator with one switch changed, one model treated two ways).
        case paired
        /// Welch's two-sample t test: for arms that share only the data order (two different
        /// networks or generators), where pairing by seed gains nothing and can lose.
        case welch
    }

    /// What a claim predicts of treatment − control.
    package struct Prediction: Codable, Equatable, Sendable {
        package enum Kind: String, Codable, Sendable {
            /// Treatment − control > 0.
            case greater
            /// Treatment − control < 0.
            case less
            /// |treatment − control| < margin: a tie.
            case equivalent
            /// Treatment − control > −margin: at least as good, where higher is better.
            case notBelow
            /// Treatment − control < +margin: at least as good, where lower is better (epochs).
            case notAbove
        }

        package var kind: Kind
        /// In the measure's unit. Needed by `equivalent`, `notBelow` and `notAbove`; for `greater`
        /// and `less` an optional margin lets equivalence count against the claimed difference.
        package var margin: Double?

        package init(_ kind: Kind, margin: Double? = nil) {
            precondition(margin != nil || kind == .greater || kind == .less, "a \(kind.rawValue) prediction needs a margin")
            self.kind = kind
            self.margin = margin
        }

        /// `> 0`, `< 0`, `within ±1`, `≥ −1`, `≤ +1`, with the margin in `unit` after scaling by `scale`.
        package func text(scale: Double, unit: String) -> String {
            let m = margin.map { String(format: "%g %@", $0 * scale, unit) } ?? ""
            switch kind {
            case .greater: return "> 0"
            case .less: return "< 0"
            case .equivalent: return "within ±" + m
            case .notBelow: return "≥ −" + m
            case .notAbove: return "≤ +" + m
            }
        }
    }

    /// One confirmatory comparison: treatment − control, both arms of the plan.
    package struct Comparison: Codable, Equatable, Sendable {
        package var treatment: String
        package var control: String
        package var prediction: Prediction
        /// The Holm family: comparisons that answer one question together share a correction.
        package var family: String
        package var test: Test
        /// The part of the claim it belongs to (`10 %`, `quantisation`): the claim's verdict is given part by part.
        package var part: String

        package init(_ treatment: String, minus control: String, _ prediction: Prediction, family: String, test: Test, part: String) {
            self.treatment = treatment
            self.control = control
            self.prediction = prediction
            self.family = family
            self.test = test
            self.part = part
        }
    }
}
