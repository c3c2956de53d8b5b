import Foundation
import ParamShare
import Synchronization

/// The generators this process's command line knows: the built-in ones and those passed to
/// ``Sweep/main(registering:)``.
///
/// Process-wide because ArgumentParser builds commands with `init()` and reads their help
/// before any of our code could hand them a registry.
enum CommandLineRegistry {
    private static let registry = Mutex(GeneratorRegistry.builtIn)

    static var current: GeneratorRegistry { registry.withLock { $0 } }

    static func register(_ descriptors: [GeneratorDescriptor]) throws {
        try registry.withLock { registry in
            var extended = registry
            for descriptor in descriptors { try extended.register(descriptor) }
            registry = extended
        }
    }

    /// The descriptors `names` (a comma-separated list; `dense` allowed) name, and whether dense is among them.
    static func generators(named names: String) throws -> (descriptors: [GeneratorDescriptor], includesDense: Bool) {
        let registry = current
        let list = names.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard list.contains(where: { !$0.isEmpty }) else {
            throw GridError("no generator named; use \(registry.names.joined(separator: ", "))")
        }
        var descriptors: [GeneratorDescriptor] = [], includesDense = false
        for name in list {
            if name == GeneratorRegistry.denseName {
                includesDense = true
            } else if let descriptor = registry.descriptor(named: name) {
                if !descriptors.contains(where: { $0.name == name }) { descriptors.append(descriptor) }
            } else {
                throw GeneratorRegistryError.unknownGenerator(name, valid: registry.names)
            }
        }
        return (descriptors, includesDense)
    }

    /// A help line listing every generator and its options with their defaults.
    static var generatorHelp: String {
        current.descriptors.map { descriptor in
            descriptor.name + (descriptor.options.isEmpty ? "" : " ("
                + descriptor.options.map { "\($0.name)=\($0.accepted), default \($0.defaultValue)" }.joined(separator: "; ") + ")")
        }.joined(separator: "; ")
    }
}
