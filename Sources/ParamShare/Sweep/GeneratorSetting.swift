/// A registered generator with every option set: what one sweep cell shares its layers with.
public struct GeneratorSetting: Sendable, Hashable, CustomStringConvertible {
    public let descriptor: GeneratorDescriptor
    public let options: GeneratorOptionValues

    /// `descriptor` with `overrides` (option name → value as typed) applied to its defaults.
    ///
    /// - Throws: ``GeneratorRegistryError`` for an unknown option or a value it does not accept,
    ///   or what the descriptor's factory throws for a combination of values it refuses.
    public init(_ descriptor: GeneratorDescriptor, options overrides: [String: String] = [:]) throws {
        self.descriptor = descriptor
        options = try descriptor.optionValues(overrides)
        // A combination the factory refuses fails here, when the grid is built, not cell by cell.
        switch descriptor.construction {
        case let .generator(make): _ = try make(options)
        case let .baseline(make): _ = try make(options)
        }
    }

    /// The generator's name, as the `generator` column spells it.
    public var name: String { descriptor.name }

    /// The generator these options make.
    ///
    /// - Throws: ``GeneratorRegistryError/notAGenerator(_:)`` for a baseline.
    package func makeGenerator() throws -> any ParameterGenerator {
        try descriptor.makeGenerator(options)
    }

    /// The baseline these options make.
    ///
    /// - Throws: ``GeneratorRegistryError/notABaseline(_:)`` for a generator.
    package func makeBaseline() throws -> any BudgetedBaseline {
        try descriptor.makeBaseline(options)
    }

    /// `name`, then the options that differ from their defaults: `rpg signs=off`.
    public var description: String {
        let defaults = descriptor.defaultOptions
        let changed = options.sortedPairs.filter { defaults[$0.name] != $0.value }.map { "\($0.name)=\($0.value)" }
        return ([name] + changed).joined(separator: " ")
    }

    /// Two settings are the same when they name the same generator, maths and option values.
    public static func == (lhs: GeneratorSetting, rhs: GeneratorSetting) -> Bool {
        lhs.name == rhs.name && lhs.descriptor.semanticsVersion == rhs.descriptor.semanticsVersion && lhs.options == rhs.options
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(descriptor.semanticsVersion)
        hasher.combine(options)
    }
}
