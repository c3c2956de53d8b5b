/// Everything ParamShare needs to know about a generator to sweep it: its name, its options
/// and how to make it.
///
/// Built-in generators and a user's own register the same way, through
/// ``GeneratorRegistry/register(_:)``; the command line, cell identities, the columns of the
/// runs table and the analysis all read a generator's name and options from here. A baseline
/// that sizes a dense network to the budget some other way (``BudgetedBaseline``, such as
/// magnitude pruning) registers the same way too, so it is swept, recorded and analysed like
/// a generator.
///
/// ```swift
/// extension KroneckerGenerator {
///     static let descriptor = GeneratorDescriptor(
///         name: "kronecker", summary: "each kernel a Kronecker product of two bank slices",
///         options: [.integer("factors", in: 2...4, default: 2, help: "factors per kernel")]
///     ) { options in KroneckerGenerator(factors: options.integer("factors")) }
/// }
/// ```
public struct GeneratorDescriptor: Sendable {
    /// The name in `--generators` and in the `generator` column: lowercase letters, digits and `-`.
    public var name: String
    /// One line for `--help` and the documentation.
    public var summary: String
    /// Bumped whenever what the generator computes changes, so that a sweep resumed after the
    /// change reruns its cells rather than reusing rows of the old maths. Part of every cell's identity.
    public var semanticsVersion: Int
    /// The generator's options, in the order `--help` lists them.
    public var options: [GeneratorOption]
    /// Which layers share a bank when a sweep does not say (`--scope`): `global` for RPG, as in
    /// its paper; `layer` for HashedNets, whose paper hashes every layer into buckets of its own.
    package var defaultScope: SharingScope
    /// How its banks' steps are scaled when a sweep does not say (`--bank-step`): `none`, the
    /// papers' plain steps, for every built-in but the projection, whose every bank entry reaches
    /// every weight it projects, so that plain steps move its weights far less than a dense
    /// network's at the same rate; it takes `layer` (``BankStepScaling``).
    package var defaultStepScaling: BankStepScaling
    /// Whether the sharing scope changes what a cell computes: true for every generator, whose
    /// banks it groups, and for a baseline that reads it (magnitude pruning sets one threshold
    /// per bank's layers); false for one that does not (width scaling), whose cells then keep
    /// ``defaultScope`` whatever a sweep asks, rather than repeat one another.
    package var usesScope: Bool
    /// How a cell of this descriptor gets its network.
    package var construction: Construction

    /// How a cell gets its network: generated layers drawing from banks, or a dense network a
    /// baseline sizes to the budget itself.
    package enum Construction: Sendable {
        /// Makes the generator for a setting of the options.
        case generator(@Sendable (GeneratorOptionValues) throws -> any ParameterGenerator)
        /// Makes the baseline for a setting of the options.
        case baseline(@Sendable (GeneratorOptionValues) throws -> any BudgetedBaseline)
    }

    /// A generator's descriptor; `makeGenerator` makes the generator for a setting of the options.
    public init(name: String, summary: String, semanticsVersion: Int = 1, defaultScope: SharingScope = .global,
                defaultStepScaling: BankStepScaling = .none, options: [GeneratorOption] = [],
                makeGenerator: @escaping @Sendable (GeneratorOptionValues) throws -> any ParameterGenerator) {
        self.init(name: name, summary: summary, semanticsVersion: semanticsVersion, defaultScope: defaultScope,
                  defaultStepScaling: defaultStepScaling, options: options, construction: .generator(makeGenerator))
    }

    /// A baseline's descriptor; `makeBaseline` makes the baseline for a setting of the options,
    /// and `usesScope` says whether its network depends on the sharing scope.
    public init(name: String, summary: String, semanticsVersion: Int = 1, defaultScope: SharingScope = .global,
                usesScope: Bool = true, options: [GeneratorOption] = [],
                makeBaseline: @escaping @Sendable (GeneratorOptionValues) throws -> any BudgetedBaseline) {
        self.init(name: name, summary: summary, semanticsVersion: semanticsVersion, defaultScope: defaultScope,
                  defaultStepScaling: .none, usesScope: usesScope, options: options, construction: .baseline(makeBaseline))
    }

    private init(name: String, summary: String, semanticsVersion: Int, defaultScope: SharingScope,
                 defaultStepScaling: BankStepScaling, usesScope: Bool = true, options: [GeneratorOption], construction: Construction) {
        self.name = name
        self.summary = summary
        self.semanticsVersion = semanticsVersion
        self.defaultScope = defaultScope
        self.defaultStepScaling = defaultStepScaling
        self.usesScope = usesScope
        self.options = options
        self.construction = construction
    }

    /// Whether cells of this descriptor train a dense network sized by a ``BudgetedBaseline``
    /// rather than generated layers: they have no bank to freeze or to scale the steps of.
    package var isBaseline: Bool {
        if case .baseline = construction { return true }
        return false
    }

    /// The generator for `options`.
    ///
    /// - Throws: ``GeneratorRegistryError/notAGenerator(_:)`` for a baseline's descriptor, or
    ///   what the factory throws for a combination of values it refuses.
    package func makeGenerator(_ options: GeneratorOptionValues) throws -> any ParameterGenerator {
        guard case let .generator(make) = construction else { throw GeneratorRegistryError.notAGenerator(name) }
        return try make(options)
    }

    /// The baseline for `options`.
    ///
    /// - Throws: ``GeneratorRegistryError/notABaseline(_:)`` for a generator's descriptor, or
    ///   what the factory throws for a combination of values it refuses.
    package func makeBaseline(_ options: GeneratorOptionValues) throws -> any BudgetedBaseline {
        guard case let .baseline(make) = construction else { throw GeneratorRegistryError.notABaseline(name) }
        return try make(options)
    }

    /// Every option at its default.
    package var defaultOptions: GeneratorOptionValues { GeneratorOptionValues(defaultsOf: options) }

    /// The option called `name`, if the descriptor declares one.
    package func option(named name: String) -> GeneratorOption? {
        options.first { $0.name == name }
    }

    /// The defaults with `overrides` (option name → value as typed) applied and checked.
    ///
    /// - Throws: ``GeneratorRegistryError`` naming an unknown option (with the valid ones) or a
    ///   value the option does not accept (with what it does).
    package func optionValues(_ overrides: [String: String]) throws -> GeneratorOptionValues {
        var values = defaultOptions.values
        for (name, text) in overrides.sorted(by: { $0.key < $1.key }) {
            guard let option = option(named: name) else {
                throw GeneratorRegistryError.unknownOption(generator: self.name, option: name, valid: options.map(\.name))
            }
            guard let value = option.canonicalValue(text) else {
                throw GeneratorRegistryError.invalidValue(generator: self.name, option: name, value: text, accepted: option.accepted)
            }
            values[name] = value
        }
        return GeneratorOptionValues(values: values)
    }

    /// The runs-table column of option `option`: `generator.option`, such as `rpg.signs`.
    ///
    /// The dot marks an option column, so that the analysis finds a plug-in's options in a table
    /// without knowing the plug-in.
    package func column(ofOption option: String) -> String { "\(name).\(option)" }

    /// The runs-table column of every option, in declaration order.
    package var optionColumns: [String] { options.map { column(ofOption: $0.name) } }
}
