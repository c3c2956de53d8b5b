/// Everything ParamShare needs to know about a generator to sweep it: its name, its options
/// and how to make it.
///
/// Built-in generators and a user's own register the same way, through
/// ``GeneratorRegistry/register(_:)``; the command line, cell identities, the columns of the
/// runs table and the analysis all read a generator's name and options from here.
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
    public var defaultScope: SharingScope
    /// Makes the generator for a setting of its options.
    public var makeGenerator: @Sendable (GeneratorOptionValues) throws -> any ParameterGenerator

    public init(name: String, summary: String, semanticsVersion: Int = 1, defaultScope: SharingScope = .global,
                options: [GeneratorOption] = [],
                makeGenerator: @escaping @Sendable (GeneratorOptionValues) throws -> any ParameterGenerator) {
        self.name = name
        self.summary = summary
        self.semanticsVersion = semanticsVersion
        self.defaultScope = defaultScope
        self.options = options
        self.makeGenerator = makeGenerator
    }

    /// Every option at its default.
    public var defaultOptions: GeneratorOptionValues { GeneratorOptionValues(defaultsOf: options) }

    /// The option called `name`, if the descriptor declares one.
    public func option(named name: String) -> GeneratorOption? {
        options.first { $0.name == name }
    }

    /// The defaults with `overrides` (option name → value as typed) applied and checked.
    ///
    /// - Throws: ``GeneratorRegistryError`` naming an unknown option (with the valid ones) or a
    ///   value the option does not accept (with what it does).
    public func optionValues(_ overrides: [String: String]) throws -> GeneratorOptionValues {
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
    public func column(ofOption option: String) -> String { "\(name).\(option)" }

    /// The runs-table column of every option, in declaration order.
    public var optionColumns: [String] { options.map { column(ofOption: $0.name) } }
}
