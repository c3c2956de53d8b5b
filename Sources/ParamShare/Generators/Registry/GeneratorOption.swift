import Foundation

/// One setting of a generator, with its type, default and help, as a ``GeneratorDescriptor`` declares it.
///
/// Values travel as canonical text (`on`, `4`, `per-layer-arc`) so that they enter results tables,
/// cell identities and command lines unchanged, and so that an option a plug-in declares needs
/// no code anywhere else. `canonicalValue(_:)` checks a value a user typed and spells it the
/// one way the tables will: `true`, `yes` and `on` are all `on`; `04` is `4`.
public struct GeneratorOption: Sendable, Hashable {
    /// What values an option takes.
    package enum Kind: Sendable, Hashable {
        /// `on` or `off` (also read: true/false, yes/no, 1/0).
        case toggle
        /// One of the listed words.
        case choice([String])
        /// A whole number in the range.
        case integer(ClosedRange<Int>)
        /// A finite number in the range.
        case number(ClosedRange<Double>)
    }

    /// The option's name: lowercase letters, digits and `-`, such as `signs`.
    public var name: String
    package var kind: Kind
    /// The canonical default value.
    public var defaultValue: String
    /// One line for `--help` and the documentation.
    public var help: String
    /// What a row of its generator written before the option existed reads as, where a table
    /// lacks its column; `nil` for ``defaultValue``, which is right for an option added with a
    /// default that keeps the older maths. See ``readInOlderTables(as:)``.
    package var valueInOlderTables: String?

    /// An option; `defaultValue` must itself be valid, or registering its descriptor fails.
    package init(name: String, kind: Kind, defaultValue: String, help: String) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.help = help
    }

    /// This option, read as `value` in rows of its generator written before it existed: for an
    /// option whose default changed the maths of the rows it would otherwise name, such as
    /// `none` where the older rows' maths is none of its values.
    public func readInOlderTables(as value: String) -> GeneratorOption {
        var option = self
        option.valueInOlderTables = value
        return option
    }

    /// An `on`/`off` option.
    public static func toggle(_ name: String, default isOn: Bool, help: String) -> GeneratorOption {
        GeneratorOption(name: name, kind: .toggle, defaultValue: isOn ? "on" : "off", help: help)
    }

    /// An option that takes one of `values`.
    public static func choice(_ name: String, _ values: [String], default value: String, help: String) -> GeneratorOption {
        GeneratorOption(name: name, kind: .choice(values), defaultValue: value, help: help)
    }

    /// A whole-number option.
    public static func integer(_ name: String, in range: ClosedRange<Int>, default value: Int, help: String) -> GeneratorOption {
        GeneratorOption(name: name, kind: .integer(range), defaultValue: String(value), help: help)
    }

    /// A real-number option.
    public static func number(_ name: String, in range: ClosedRange<Double>, default value: Double, help: String) -> GeneratorOption {
        GeneratorOption(name: name, kind: .number(range), defaultValue: "\(value)", help: help)
    }

    /// What the option accepts, for messages and help: `on|off`, `global|naive`, `1…64`.
    package var accepted: String {
        switch kind {
        case .toggle: "on|off"
        case let .choice(values): values.joined(separator: "|")
        case let .integer(range): "\(range.lowerBound)…\(range.upperBound)"
        case let .number(range): "\(range.lowerBound)…\(range.upperBound)"
        }
    }

    /// `text` as the tables spell it, or `nil` when the option does not accept it.
    package func canonicalValue(_ text: String) -> String? {
        let value = text.trimmingCharacters(in: .whitespaces).lowercased()
        switch kind {
        case .toggle:
            if ["on", "true", "yes", "1"].contains(value) { return "on" }
            if ["off", "false", "no", "0"].contains(value) { return "off" }
            return nil
        case let .choice(values):
            return values.contains(value) ? value : nil
        case let .integer(range):
            guard let number = Int(value), range.contains(number) else { return nil }
            return String(number)
        case let .number(range):
            guard let number = Double(value), number.isFinite, range.contains(number) else { return nil }
            return "\(number)"
        }
    }
}
