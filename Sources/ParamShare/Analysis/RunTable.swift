import Foundation

/// The runs table written by `sweep run`, typed and looked up by column name.
///
/// Columns are found by their header names, not their positions, and columns the analysis does
/// not use are ignored, so tables from older and newer versions of `sweep run` (which add
/// columns such as `cell_id`) read alike. Only the columns in `requiredColumns` must be present.
public struct RunTable: Sendable {
    /// One training run: one row of the table.
    public struct Run: Sendable, Equatable {
        public var setting: RunSetting
        /// The budget as asked for (`10%`, `2k`, `full`, …); with the setting, it names a group of seeds.
        public var budget: String
        /// Degrees of freedom of the generated part; `nil` when the field is empty.
        public var degreesOfFreedom: Double?
        /// Every trainable parameter (bank, stem, classifier, batch norm, biases); `nil` where the table has none.
        public var totalTrainable: Double?
        /// The generated part's DoF averaged over the training steps (a pruned model's exceed its
        /// final ones); `nil` where the table has none (tables written before the column).
        public var meanTrainingDegreesOfFreedom: Double?
        /// The seed, as written; runs of two settings with equal seeds saw the same data order.
        public var seed: String
        /// Top-1 test accuracy after the last epoch, a fraction; `nil` when empty.
        public var testAccuracy: Double?
        /// The best test accuracy after any epoch, a fraction; `nil` when empty.
        public var bestTestAccuracy: Double?
        /// `ok`, `diverged` or `collapsed` (see `FailureDetector`).
        public var status: String
        /// The epoch a failed run diverged in or collapsed from, where the table says.
        public var statusEpoch: Int?
        /// Why a failed run failed, where the table says.
        public var failureReason: String?
        /// The line of the file the row starts on, for error messages.
        public var line: Int

        package init(setting: RunSetting, budget: String, degreesOfFreedom: Double?, totalTrainable: Double? = nil,
                    meanTrainingDegreesOfFreedom: Double? = nil, seed: String, testAccuracy: Double?,
                    bestTestAccuracy: Double?, status: String, statusEpoch: Int? = nil, failureReason: String? = nil, line: Int) {
            self.setting = setting
            self.budget = budget
            self.degreesOfFreedom = degreesOfFreedom
            self.totalTrainable = totalTrainable
            self.meanTrainingDegreesOfFreedom = meanTrainingDegreesOfFreedom
            self.seed = seed
            self.testAccuracy = testAccuracy
            self.bestTestAccuracy = bestTestAccuracy
            self.status = status
            self.statusEpoch = statusEpoch
            self.failureReason = failureReason
            self.line = line
        }

        /// Whether the run finished; only these enter means, fits and comparisons.
        public var isOK: Bool { status == "ok" }
    }

    /// The columns the analysis reads, besides the option columns; the README's "The runs table" documents them.
    package static let requiredColumns = RunSetting.leadingColumns + RunSetting.trailingColumns
        + ["budget", "dof", "seed", "test_accuracy", "best_test_accuracy", "status"]

    /// The file the table was read from.
    public var source: String
    /// The generator option columns (`rpg.signs`, …), in header order.
    public var optionColumns: [String]
    /// The runs in file order.
    public var runs: [Run]

    package init(source: String, optionColumns: [String], runs: [Run]) {
        self.source = source
        self.optionColumns = optionColumns
        self.runs = runs
    }

    /// The recipe columns of a row. A run at a search's selections (its `tuning` column names the
    /// search) has its method's own learning rate and weight decay, chosen on validation data:
    /// they are part of the method, not of the recipe, so they read as `tuned:SEARCH`, and every
    /// method tuned by one search shares a recipe and is compared with the others.
    static func recipe(of fields: [String], at position: [String: Int]) -> [String: String] {
        var recipe = Dictionary(uniqueKeysWithValues: RunSetting.recipeColumns.compactMap { column in position[column].map { (column, fields[$0]) } })
        if let column = position["tuning"], !["", RunsTableLayout.notApplicable].contains(fields[column]) {
            for tuned in ["lr", "weight_decay"] { recipe[tuned] = "tuned:" + fields[column] }
        }
        return recipe
    }

    /// Reads the runs CSV at `path`.
    public init(contentsOfFile path: String) throws {
        try self.init(document: CSVReader.read(contentsOfFile: path))
    }

    /// Reads a runs table from CSV text, whose errors name `source` as its file.
    public init(csvText text: String, source: String) throws {
        try self.init(document: CSVReader.parse(text, source: source))
    }

    /// Types the rows of a CSV document that holds a runs table.
    package init(document: CSVDocument) throws {
        var position = [String: Int]()
        for (index, name) in document.header.enumerated() where position[name] == nil { position[name] = index }
        // Two columns of one name would make a row's value ambiguous (found by fuzzing the reader).
        if let repeated = document.repeatedColumn {
            throw FileError(path: document.source, line: 1, problem: "the header names column '\(repeated)' twice",
                            fix: "Analyse a runs table written by a sweep, whose columns are all distinct.")
        }
        let missing = Self.requiredColumns.filter { position[$0] == nil }
        guard missing.isEmpty else {
            let names = missing.map { "'\($0)'" }.joined(separator: ", ")
            throw FileError(path: document.source, line: 1,
                            problem: "the header lacks the required column\(missing.count == 1 ? "" : "s") \(names)",
                            fix: "Analyse a runs table written by a sweep (its header names model, dataset, generator, …, status).")
        }
        source = document.source
        let optionColumns = document.header.filter(RunsTableLayout.isOptionColumn)
        self.optionColumns = optionColumns
        runs = try zip(document.rows, document.lineNumbers).map { fields, line in
            // Every required column has a position, checked above, and CSVReader made every row as wide as the header.
            func field(_ name: String) -> String { position[name].map { fields[$0] } ?? "" }
            // An accuracy is a fraction and a DoF a count: anything else is a damaged or foreign
            // table, which would otherwise poison every mean it entered.
            func number(_ name: String, in range: ClosedRange<Double>, meaning: String) throws -> Double? {
                let text = field(name).trimmingCharacters(in: .whitespaces)
                guard !text.isEmpty else { return nil }
                guard let value = Double(text) else {
                    throw FileError(path: document.source, line: line, problem: "column '\(name)' holds '\(text)', which is not a number",
                                    fix: "Repair or delete that row; the file must be a runs table written by a sweep.")
                }
                guard value.isNaN || range.contains(value) else {
                    throw FileError(path: document.source, line: line,
                                    problem: "column '\(name)' holds \(text), but \(meaning)",
                                    fix: "Repair or delete that row; the file must be a runs table written by a sweep.")
                }
                return value.isFinite ? value : nil
            }
            // A sharing setting is typed here, once: `none` where it does not apply is `nil`, and
            // any other word it does not know is a damaged or foreign table.
            func setting<Value>(_ name: String, _ parse: (String) -> Value?, meaning: String) throws -> Value {
                let text = field(name)
                guard let value = parse(text) else {
                    throw FileError(path: document.source, line: line, problem: "column '\(name)' holds '\(text)', but \(meaning)",
                                    fix: "Repair or delete that row; the file must be a runs table written by a sweep.")
                }
                return value
            }
            func optional<Value: RawRepresentable>(_ name: String, meaning: String) throws -> Value? where Value.RawValue == String {
                try setting(name, { text -> Value?? in
                    text == RunsTableLayout.notApplicable ? .some(nil) : Value(rawValue: text).map { .some($0) }
                }, meaning: meaning)
            }
            let flag = "it is true or false"
            let words = { (values: [String]) in "it is one of " + (values + [RunsTableLayout.notApplicable]).joined(separator: ", ") }
            let setting = RunSetting(
                model: field("model"), dataset: field("dataset"), generator: field("generator"),
                options: Dictionary(uniqueKeysWithValues: optionColumns.map { ($0, field($0)) }),
                scope: try optional("scope", meaning: words(SharingScope.allCases.map(\.rawValue))),
                generateStem: try setting("generate_stem", Bool.init, meaning: flag),
                generateClassifier: try setting("generate_classifier", Bool.init, meaning: flag),
                // Tables from before the frozen control trained every bank, and before step scaling, scaled none.
                bank: position["bank"] == nil ? .trained : try optional("bank", meaning: words(BankTraining.allCases.map(\.rawValue))),
                bankStep: position["bank_step"] == nil ? .none
                    : try setting("bank_step", BankStepScaling.init(rawValue:), meaning: words(BankStepScaling.allCases.map(\.rawValue))),
                recipe: Self.recipe(of: fields, at: position))
            let fraction = 0.0...1.0, count = 0.0...Double.greatestFiniteMagnitude
            return try Run(setting: setting, budget: field("budget"),
                           degreesOfFreedom: number("dof", in: count, meaning: "degrees of freedom are a count of 0 or more"),
                           totalTrainable: number("total_trainable", in: count, meaning: "a parameter count is 0 or more"),
                           meanTrainingDegreesOfFreedom: number("mean_training_dof", in: count,
                                                                meaning: "degrees of freedom are a count of 0 or more"),
                           seed: field("seed"),
                           testAccuracy: number("test_accuracy", in: fraction, meaning: "an accuracy is a fraction from 0 to 1"),
                           bestTestAccuracy: number("best_test_accuracy", in: fraction, meaning: "an accuracy is a fraction from 0 to 1"),
                           status: field("status"), statusEpoch: Int(field("status_epoch")),
                           failureReason: ["", RunsTableLayout.notApplicable].contains(field("failure_reason")) ? nil : field("failure_reason"),
                           line: line)
        }
        // A run counted twice would narrow its interval and weigh its seed double: the same
        // setting, budget and seed on two lines is a table concatenated or resumed by hand.
        var firstLine: [RunKey: Int] = [:]
        for run in runs {
            if let earlier = firstLine.updateValue(run.line, forKey: RunKey(run)) {
                throw FileError(path: document.source, line: run.line,
                                problem: "the row repeats the run on line \(earlier) (\(run.setting.generator) on \(run.setting.model) at budget "
                                    + "\(run.budget), seed \(run.seed), the same settings): a run is one row",
                                fix: "Delete one of the two rows; merging the tables of a sweep keeps each run once.")
            }
        }
    }

    /// What names one run: its setting, budget and seed.
    private struct RunKey: Hashable {
        var setting: RunSetting, budget: String, seed: String
        init(_ run: Run) { (setting, budget, seed) = (run.setting, run.budget, run.seed) }
    }
}
