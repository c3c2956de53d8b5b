/// What a run trained, apart from its budget and seed: the model, the data and the generator with its options.
///
/// Runs that share a setting differ only in budget and seed, so a setting is one curve of
/// accuracy against degrees of freedom, and one line of the log-linear law. The sharing settings
/// are typed, parsed once where the table is read (``RunTable``), with a table's `none` as
/// `nil`; the model, data set, generator, options and recipe are kept as the table spells them,
/// and the options are whatever option columns (`generator.option`) the table has, so that a
/// plug-in generator's options need no code here.
public struct RunSetting: Hashable, Comparable, Sendable {
    /// The setting's columns before the option block.
    package static let leadingColumns = ["model", "dataset", "generator"]
    /// The setting's columns after the option block.
    package static let trailingColumns = ["scope", "generate_stem", "generate_classifier"]

    /// The recipe's columns: runs that differ in any of them are different experiments, never
    /// pooled or paired (appending 1-epoch runs to a table of 5-epoch ones once flipped a paired
    /// difference's sign). A table without one of them reads it as `none`, or `precision` as `fp32`
    /// (`RunsTableLayout.value(ofMissing:)`). `RunSchema` says which columns they are.
    package static let recipeColumns = RunSchema.columns.filter { $0.isRecipe && $0.isTabulated }.map(\.name)

    /// The setting's columns for a table with `optionColumns`, in the order of ``values(optionColumns:)``:
    /// the leading ones, the options, the trailing ones, `bank` (read as `trained` from tables
    /// written before the frozen control existed), `bank_step` (read as `none` from tables
    /// written before step scaling existed) and the recipe.
    package static func columns(optionColumns: [String]) -> [String] {
        leadingColumns + optionColumns + trailingColumns + ["bank", "bank_step"] + recipeColumns
    }

    public var model: String
    public var dataset: String
    public var generator: String
    /// Option column → value, for every option column of the table (`none` where it does not apply).
    public var options: [String: String]
    /// Which layers share a bank; `nil` for dense.
    public var scope: SharingScope?
    public var generateStem: Bool
    public var generateClassifier: Bool
    /// Whether the banks trained or stayed frozen (the control); `nil` for dense and the
    /// baselines, which have no bank.
    public var bank: BankTraining?
    /// How the banks' steps were scaled; `none`, the plain step, for dense too.
    public var bankStep: BankStepScaling
    /// Recipe column → value, for every column of `recipeColumns`.
    public var recipe: [String: String]

    /// A setting; `bank` is `nil` for dense whatever is given, as dense has no bank.
    package init(model: String, dataset: String, generator: String, options: [String: String] = [:],
                scope: SharingScope? = nil, generateStem: Bool = false, generateClassifier: Bool = false,
                bank: BankTraining? = .trained, bankStep: BankStepScaling = .none, recipe: [String: String] = [:]) {
        self.bankStep = bankStep
        self.model = model
        self.dataset = dataset
        self.generator = generator
        self.options = options
        self.scope = scope
        self.generateStem = generateStem
        self.generateClassifier = generateClassifier
        self.bank = generator == GeneratorRegistry.denseName ? nil : bank
        self.recipe = Dictionary(uniqueKeysWithValues: Self.recipeColumns.map { ($0, recipe[$0] ?? RunsTableLayout.value(ofMissing: $0)) })
    }

    /// The sharing settings after the option block as the table spells them: `scope`,
    /// `generate_stem`, `generate_classifier`, `bank`, `bank_step`.
    var sharingTexts: [String] {
        [scope.tableText, String(generateStem), String(generateClassifier), bank.tableText, bankStep.rawValue]
    }

    /// The setting's fields in the order of `columns(optionColumns:)`, as the table spells them.
    package func values(optionColumns: [String]) -> [String] {
        [model, dataset, generator] + optionColumns.map { options[$0] ?? RunsTableLayout.notApplicable }
            + sharingTexts + Self.recipeColumns.map { recipe[$0] ?? RunsTableLayout.notApplicable }
    }

    /// The generator and everything that sets it apart, without the model and data set:
    /// `rpg (variant=global, permutation=on, signs=on, scope=global)`.
    package var generatorLabel: String {
        var details = ownOptionValues.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } + (scope.map { ["scope=\($0.rawValue)"] } ?? [])
        if generateStem { details.append("generated stem") }
        if generateClassifier { details.append("generated classifier") }
        if bank == .frozen { details.append("bank frozen") }
        if bankStep != .none { details.append("bank step \(bankStep.rawValue)") }
        return details.isEmpty ? generator : "\(generator) (\(details.joined(separator: ", ")))"
    }

    private var sortKey: [String] {
        [model, dataset, generator] + options.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            + sharingTexts + Self.recipeColumns.map { recipe[$0] ?? "" }
    }

    /// Orders settings field by field, so every output lists them the same way.
    public static func < (lhs: RunSetting, rhs: RunSetting) -> Bool {
        lhs.sortKey.lexicographicallyPrecedes(rhs.sortKey)
    }
}
