/// Values to sweep for one option of one generator, as `--generator-option rpg.signs=on,off` writes it.
public struct GeneratorOptionSweep: Sendable, Hashable {
    public var generator: String
    public var option: String
    /// The values as typed; `GeneratorSetting.grid(_:sweeping:)` checks them.
    public var values: [String]

    public init(generator: String, option: String, values: [String]) {
        self.generator = generator
        self.option = option
        self.values = values
    }

    /// Parses `GENERATOR.OPTION=VALUE[,VALUE…]`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let name = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        let values = parts.count == 2 ? parts[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init) : []
        guard parts.count == 2, name.count == 2, !name[0].isEmpty, !name[1].isEmpty, !values.isEmpty,
              values.allSatisfy({ !$0.isEmpty }) else {
            throw GridError("'\(text)' is not GENERATOR.OPTION=VALUE[,VALUE…], such as rpg.signs=off or rpg.signs=on,off")
        }
        self.init(generator: String(name[0]), option: String(name[1]), values: values)
    }
}

extension GeneratorSetting {
    /// Every setting of `descriptor` over the values `sweeps` give its options (the others at
    /// their defaults), in the order the values are listed, the first option varying slowest.
    ///
    /// - Throws: ``GeneratorRegistryError`` for an unknown option or a value it does not accept,
    ///   and `GridError` for an option given twice, whose later values would silently replace
    ///   the earlier ones.
    public static func grid(_ descriptor: GeneratorDescriptor, sweeping sweeps: [GeneratorOptionSweep]) throws -> [GeneratorSetting] {
        var assignments: [[String: String]] = [[:]]
        var given = Set<String>()
        for sweep in sweeps where sweep.generator == descriptor.name {
            guard given.insert(sweep.option).inserted else {
                throw GridError("\(sweep.generator).\(sweep.option) is given twice; give it once, with every value to sweep "
                                + "as \(sweep.generator).\(sweep.option)=V1,V2")
            }
            assignments = assignments.flatMap { assignment in
                sweep.values.map { assignment.merging([sweep.option: $0]) { _, new in new } }
            }
        }
        var settings: [GeneratorSetting] = []
        for assignment in assignments {
            let setting = try GeneratorSetting(descriptor, options: assignment)
            if !settings.contains(setting) { settings.append(setting) }
        }
        return settings
    }

    /// Every setting of each of `descriptors`, as `grid(_:sweeping:)` gives them for one.
    ///
    /// - Throws: `GridError` for a sweep of a generator not among `descriptors`, which would
    ///   otherwise be dropped unchecked, and what `grid(_:sweeping:)` throws for one descriptor.
    public static func grid(_ descriptors: [GeneratorDescriptor], sweeping sweeps: [GeneratorOptionSweep]) throws -> [GeneratorSetting] {
        if let stray = sweeps.first(where: { sweep in !descriptors.contains { $0.name == sweep.generator } }) {
            let swept = descriptors.isEmpty ? "no generator is swept" : "only " + descriptors.map(\.name).joined(separator: ", ")
                + (descriptors.count == 1 ? " is" : " are") + " swept"
            throw GridError("\(stray.generator).\(stray.option) sets an option of \(stray.generator), but \(swept); "
                            + "add \(stray.generator) to the generators or leave the option out")
        }
        return try descriptors.flatMap { try grid($0, sweeping: sweeps) }
    }
}
