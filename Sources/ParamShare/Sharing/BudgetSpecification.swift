import Foundation

/// A parameter budget as a user writes it: a count, a share of the generated weights, or the
/// size of one named layer (the RPG paper's "as many weights as one conv layer").
///
/// Two budgets are equal when they ask for the same amount, whatever the spelling: `10%` and
/// `10.0%`, `2k` and `2000` are one cell of a sweep. ``text`` keeps the spelling for the tables.
public struct BudgetSpecification: Sendable, Hashable, CustomStringConvertible {
    /// What a budget asks for.
    public enum Amount: Sendable, Hashable {
        case count(Int)
        /// A percentage in (0, 100] of the weights the generators replace (`10` for `10%`).
        case percentage(Double)
        case layer(String)
    }

    public var amount: Amount
    /// The budget as the user typed it, without surrounding spaces: `2k`, `10.0%`.
    public var text: String

    /// A budget of `amount`, spelt `text` (by default as ``description`` spells it).
    public init(_ amount: Amount, text: String? = nil) {
        self.amount = amount
        self.text = text ?? Self.canonicalText(of: amount)
    }

    /// A budget of `count` entries.
    public static func count(_ count: Int) -> BudgetSpecification { BudgetSpecification(.count(count)) }
    /// A budget of `percent` % of the generated weights.
    public static func percentage(_ percent: Double) -> BudgetSpecification { BudgetSpecification(.percentage(percent)) }
    /// A budget of as many entries as layer `name` has weights.
    public static func layer(_ name: String) -> BudgetSpecification { BudgetSpecification(.layer(name)) }

    public static func == (lhs: BudgetSpecification, rhs: BudgetSpecification) -> Bool { lhs.amount == rhs.amount }
    public func hash(into hasher: inout Hasher) { hasher.combine(amount) }

    /// The largest count a budget may name: 10¹².
    static let largestCount = 1e12

    /// Parses `36864`, `2k`, `1.5m`, `10%` or `layer:stage3.block2.conv2`.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed.hasPrefix("layer:") {
            let name = String(text.trimmingCharacters(in: .whitespaces).dropFirst("layer:".count))
            guard !name.isEmpty else { throw BudgetError(budget: text, detail: "name a layer after 'layer:'") }
            self.init(.layer(name), text: text.trimmingCharacters(in: .whitespaces))
        } else if trimmed.hasSuffix("%") {
            guard let percent = Double(trimmed.dropLast()), percent > 0, percent <= 100 else {
                throw BudgetError(budget: text, detail: "a percentage must be above 0 and at most 100")
            }
            self.init(.percentage(percent), text: text.trimmingCharacters(in: .whitespaces))
        } else {
            let multiplier = trimmed.hasSuffix("k") ? 1_000.0 : trimmed.hasSuffix("m") ? 1_000_000.0 : 1
            let digits = multiplier == 1 ? Substring(trimmed) : trimmed.dropLast()
            guard let value = Double(digits), value.isFinite else {
                throw BudgetError(budget: text, detail: "write a count (36864, 2k, 1.5m), a percentage (10%) or layer:NAME")
            }
            guard value * multiplier >= 1 else {
                throw BudgetError(budget: text, detail: "a budget must be at least one parameter")
            }
            // Far above any model that fits in memory, and far below where Int would overflow.
            guard value * multiplier <= Self.largestCount else {
                throw BudgetError(budget: text, detail: "a budget can be at most \(Int(Self.largestCount)) parameters")
            }
            self.init(.count(Int((value * multiplier).rounded())), text: text.trimmingCharacters(in: .whitespaces))
        }
    }

    /// The canonical spelling, which enters cell identities: `2000`, `10%`, `0.5%`, `layer:fc1`.
    public var description: String { Self.canonicalText(of: amount) }

    private static func canonicalText(of amount: Amount) -> String {
        switch amount {
        case let .count(count): "\(count)"
        case let .percentage(percent): percent == percent.rounded() && abs(percent) < 1e15 ? "\(Int(percent))%" : "\(percent)%"
        case let .layer(name): "layer:\(name)"
        }
    }

    /// The number of bank entries this budget asks for, for `generated` of `description`'s layers.
    package func resolve(in description: ModelDescription, generated: [WeightedLayer]) throws -> Int {
        let total = generated.reduce(0) { $0 + $1.weightCount }
        let count: Int
        switch amount {
        case let .count(value): count = value
        case let .percentage(percent): count = max(1, Int((percent / 100 * Double(total)).rounded()))
        case let .layer(name):
            guard let layer = description.weightedLayer(named: name) else {
                let names = description.weightedLayers.map(\.name)
                throw BudgetError(budget: text, detail: "\(description.name) has no layer '\(name)'; its layers are "
                                  + names.prefix(6).joined(separator: ", ") + (names.count > 6 ? ", …" : ""))
            }
            count = layer.weightCount
        }
        guard count <= total else {
            throw BudgetError(budget: text,
                              detail: "\(count) is more than the \(total) weights that would be generated in \(description.name)")
        }
        return count
    }
}


extension BudgetSpecification {
    /// Parses a comma-separated list of budgets, such as `0.5%,2%,16%`.
    ///
    /// - Throws: ``BudgetError`` for an empty list or a malformed budget.
    public static func list(parsing text: String) throws -> [BudgetSpecification] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard items.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
            throw BudgetError(budget: text, detail: "name at least one budget, such as 10% or 2k")
        }
        return try items.map(BudgetSpecification.init(parsing:))
    }
}
