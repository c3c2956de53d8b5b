/// What a run trained, apart from its budget and seed: the model, the data and the generator with its options.
///
/// Runs that share a setting differ only in budget and seed, so a setting is one curve of
/// accuracy against degrees of freedom, and one line of the log-linear law. Values are kept as
/// the runs table spells them, so that a plug-in generator's options need no parsing here.
public struct RunSetting: Hashable, Comparable, Sendable {
    /// The runs-table columns that make up a setting, in the order of `values`.
    public static let columns = [
        "model", "dataset", "generator", "variant", "permutation", "signs", "projection", "nonzeros", "other_options",
        "scope", "generate_stem", "generate_classifier",
    ]

    public var model: String
    public var dataset: String
    public var generator: String
    public var variant: String
    public var permutation: String
    public var signs: String
    public var projection: String
    public var nonzeros: String
    public var otherOptions: String
    public var scope: String
    public var generateStem: String
    public var generateClassifier: String

    public init(model: String, dataset: String, generator: String, variant: String = "", permutation: String = "",
                signs: String = "", projection: String = "", nonzeros: String = "", otherOptions: String = "",
                scope: String = "", generateStem: String = "false", generateClassifier: String = "false") {
        self.model = model
        self.dataset = dataset
        self.generator = generator
        self.variant = variant
        self.permutation = permutation
        self.signs = signs
        self.projection = projection
        self.nonzeros = nonzeros
        self.otherOptions = otherOptions
        self.scope = scope
        self.generateStem = generateStem
        self.generateClassifier = generateClassifier
    }

    /// The setting's fields in the order of `columns`.
    public var values: [String] {
        [model, dataset, generator, variant, permutation, signs, projection, nonzeros, otherOptions,
         scope, generateStem, generateClassifier]
    }

    /// The generator and whatever sets it apart, without the model and data set: a legend entry
    /// such as `rpg (variant=global, permutation=on, signs=on, scope=global)`.
    public var generatorLabel: String {
        let options = zip(["variant", "permutation", "signs", "projection", "nonzeros"],
                          [variant, permutation, signs, projection, nonzeros])
            .filter { !$0.1.isEmpty }.map { "\($0.0)=\($0.1)" }
        var details = options + (otherOptions.isEmpty ? [] : [otherOptions]) + (scope.isEmpty ? [] : ["scope=\(scope)"])
        if generateStem == "true" { details.append("generated stem") }
        if generateClassifier == "true" { details.append("generated classifier") }
        return details.isEmpty ? generator : "\(generator) (\(details.joined(separator: ", ")))"
    }

    /// Orders settings field by field, in column order, so every output lists them the same way.
    public static func < (lhs: RunSetting, rhs: RunSetting) -> Bool {
        lhs.values.lexicographicallyPrecedes(rhs.values)
    }
}
