import ArgumentParser
import Foundation
import ParamShare
import ParamShareArguments

/// A comma-separated list of one kind of value, as `--models mlp,lenet5`, `--seeds 0,1,2` or
/// `--bank-step none,sqrt` give it, in the order typed (a value typed twice is there twice: a
/// grid leaves out the repeated cells and says so).
struct CommaList<Element: ListElement>: ArgumentValue {
    var elements: [Element]
    /// The list as typed, for the help's defaults and for messages.
    var description: String

    init(parsing text: String) throws {
        elements = try Element.list(parsing: text)
        description = text
    }
}

extension CommaList where Element: ExpressibleByArgument {
    /// The list of `elements`, as if typed.
    init(_ elements: [Element]) {
        self.elements = elements
        description = elements.map(\.defaultValueDescription).joined(separator: ",")
    }
}

extension CommaList where Element: Hashable {
    /// The elements with each value once, in the order first typed: for settings whose repeats
    /// would name the same cells.
    var distinct: [Element] {
        var seen = Set<Element>()
        return elements.filter { seen.insert($0).inserted }
    }
}

/// A value of a ``CommaList``.
protocol ListElement: Sendable {
    /// Parses a comma-separated list of values.
    ///
    /// - Throws: an error that names the value it refuses and what would do.
    static func list(parsing text: String) throws -> [Self]
}

/// A ``ListElement`` each word of whose list is one argument.
protocol WordListElement: ListElement, ExpressibleByArgument {
    /// What a value of the list is, for messages: `a non-negative integer`.
    static var expected: String { get }
}

extension WordListElement {
    static func list(parsing text: String) throws -> [Self] {
        try text.split(separator: ",", omittingEmptySubsequences: false).map { part in
            let word = part.trimmingCharacters(in: .whitespaces)
            guard let element = Self(argument: word) else { throw ValidationError("'\(word)' is not \(expected)") }
            return element
        }
    }
}

extension WordListElement where Self: CaseIterable, Self: RawRepresentable, RawValue == String {
    static var expected: String {
        "one of " + allCases.map(\.rawValue).joined(separator: ", ")
    }
}

// The library's own list parsers, which name an empty list and each value they refuse.
extension Architecture: ListElement {}
extension BudgetSpecification: ListElement {}

extension UInt64: WordListElement {
    static var expected: String { "a non-negative integer" }
}

extension BankTraining: WordListElement {}
extension BankStepScaling: WordListElement {}
