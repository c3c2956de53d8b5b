/// The generators a sweep can use, by name: the built-in ones and any a user registers.
///
/// ```swift
/// var registry = GeneratorRegistry.builtIn
/// try registry.register(KroneckerGenerator.descriptor)
/// ```
public struct GeneratorRegistry: Sendable {
    /// The descriptors in registration order, which is the order `--help` lists them in.
    public private(set) var descriptors: [GeneratorDescriptor] = []

    /// An empty registry.
    public init() {}

    /// A registry holding `descriptors`, registered in order.
    public init(registering descriptors: [GeneratorDescriptor]) throws {
        for descriptor in descriptors { try register(descriptor) }
    }

    /// Adds `descriptor`.
    ///
    /// - Throws: ``GeneratorRegistryError`` when its name is taken (by `dense` too) or malformed,
    ///   or when an option's name repeats or its default is not a value it accepts.
    public mutating func register(_ descriptor: GeneratorDescriptor) throws {
        guard Self.isWellFormed(descriptor.name) else { throw GeneratorRegistryError.malformedName(descriptor.name) }
        guard descriptor.name != Self.denseName, self.descriptor(named: descriptor.name) == nil else {
            throw GeneratorRegistryError.duplicateName(descriptor.name)
        }
        var seen = Set<String>()
        for option in descriptor.options {
            guard Self.isWellFormed(option.name), seen.insert(option.name).inserted else {
                throw GeneratorRegistryError.malformedOption(generator: descriptor.name, option: option.name)
            }
            guard option.canonicalValue(option.defaultValue) == option.defaultValue else {
                throw GeneratorRegistryError.invalidValue(generator: descriptor.name, option: option.name,
                                                          value: option.defaultValue, accepted: option.accepted)
            }
        }
        descriptors.append(descriptor)
    }

    /// The descriptor called `name`, if registered.
    public func descriptor(named name: String) -> GeneratorDescriptor? {
        descriptors.first { $0.name == name }
    }

    /// The name of the unshared baseline, which every registry accepts and none may register.
    package static let denseName = "dense"

    /// The `generator_version` of dense rows.
    package static let denseSemanticsVersion = 1

    /// Every name `--generators` accepts: `dense`, then the registered generators.
    public var names: [String] { [Self.denseName] + descriptors.map(\.name) }

    /// Every option column of the registered generators (`rpg.signs`, …), sorted: the option block
    /// of a runs table written with this registry.
    public var optionColumns: [String] {
        descriptors.flatMap(\.optionColumns).sorted()
    }

    /// The generators that ship with ParamShare, registered through ``register(_:)`` like any other.
    public static let builtIn: GeneratorRegistry = {
        do {
            return try GeneratorRegistry(registering: [
                RPGGenerator.descriptor, HashingGenerator.descriptor, ProjectionGenerator.descriptor, LowRankGenerator.descriptor,
                MagnitudePruning.descriptor, WidthScaling.descriptor,
            ])
        } catch {
            preconditionFailure("a built-in generator's descriptor is malformed: \(error)")
        }
    }()

    /// Lowercase letters, digits and `-`, starting with a letter: safe in a column name, a flag and a file name.
    private static func isWellFormed(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}

/// Why a generator or one of its options cannot be registered or set.
public enum GeneratorRegistryError: Error, Equatable, CustomStringConvertible {
    case duplicateName(String)
    case malformedName(String)
    case malformedOption(generator: String, option: String)
    case unknownGenerator(String, valid: [String])
    case unknownOption(generator: String, option: String, valid: [String])
    case invalidValue(generator: String, option: String, value: String, accepted: String)
    /// A baseline's descriptor was asked for a generator.
    case notAGenerator(String)
    /// A generator's descriptor was asked for a baseline.
    case notABaseline(String)
    /// A baseline was asked to freeze its bank or to scale its bank's steps (`asked` says which),
    /// though it trains a dense network and has no bank.
    case baselineWithoutBank(String, asked: String)
    /// A setting was asked of a cell of generator or baseline `String` on which it has no effect
    /// (`because` says why): it would be a cell of its own with the results of the cell without it.
    case settingWithoutEffect(String, setting: String, because: String)

    public var description: String {
        switch self {
        case let .duplicateName(name):
            "a generator named '\(name)' is already registered; give yours another name"
        case let .malformedName(name):
            "generator name '\(name)' must start with a lowercase letter and hold only lowercase letters, digits and '-'"
        case let .malformedOption(generator, option):
            "\(generator) declares option '\(option)' twice or with a malformed name (lowercase letters, digits and '-')"
        case let .unknownGenerator(name, valid):
            "unknown generator '\(name)'; registered: \(valid.joined(separator: ", "))"
        case let .unknownOption(generator, option, valid):
            valid.isEmpty ? "\(generator) has no options, so '\(option)' cannot be set"
                : "\(generator) has no option '\(option)'; its options are \(valid.joined(separator: ", "))"
        case let .invalidValue(generator, option, value, accepted):
            "\(generator).\(option) takes \(accepted), not '\(value)'"
        case let .notAGenerator(name):
            "\(name) is a baseline that builds a dense network, not a generator of shared weights"
        case let .notABaseline(name):
            "\(name) is a generator of shared weights, not a baseline"
        case let .baselineWithoutBank(name, asked):
            "\(name) is a baseline that trains a dense network and has no bank, so \(asked) does not apply to it; "
                + "give it a trained bank and plain steps (the defaults), or run it in a grid of its own"
        case let .settingWithoutEffect(name, setting, reason):
            "\(setting) has no effect on \(name) (\(reason)), so its cells would repeat those without it; leave it out"
        }
    }
}
