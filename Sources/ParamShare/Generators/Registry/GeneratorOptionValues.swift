/// The value of every option of one generator, defaults filled in, in canonical text.
///
/// A descriptor's factory reads its options from here with typed accessors; everything else
/// (cell identities, table columns, labels) reads the text.
public struct GeneratorOptionValues: Sendable, Hashable {
    /// Option name → canonical value, one entry per option the descriptor declares.
    package private(set) var values: [String: String]

    /// The values of `options`, each at its default.
    package init(defaultsOf options: [GeneratorOption]) {
        values = Dictionary(uniqueKeysWithValues: options.map { ($0.name, $0.defaultValue) })
    }

    init(values: [String: String]) {
        self.values = values
    }

    /// The canonical text of option `name`.
    ///
    /// Reading an option the descriptor does not declare is a programming error in its factory.
    public subscript(name: String) -> String {
        guard let value = values[name] else { preconditionFailure("no generator option '\(name)'; declare it in the descriptor") }
        return value
    }

    /// Option `name` as a toggle.
    public func isOn(_ name: String) -> Bool { self[name] == "on" }

    /// Option `name` as a whole number.
    public func integer(_ name: String) -> Int {
        guard let value = Int(self[name]) else { preconditionFailure("generator option '\(name)' is not an integer option") }
        return value
    }

    /// Option `name` as a real number.
    public func number(_ name: String) -> Double {
        guard let value = Double(self[name]) else { preconditionFailure("generator option '\(name)' is not a number option") }
        return value
    }

    /// Option `name` as a value of a `String`-backed enumeration, such as a layout variant.
    public func choice<Choice: RawRepresentable>(_ name: String, as type: Choice.Type) -> Choice where Choice.RawValue == String {
        guard let value = Choice(rawValue: self[name]) else {
            preconditionFailure("generator option '\(name)' holds '\(self[name])', which \(Choice.self) does not name")
        }
        return value
    }

    /// `name=value` pairs sorted by name, as cell identities and labels spell them.
    package var sortedPairs: [(name: String, value: String)] {
        values.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
