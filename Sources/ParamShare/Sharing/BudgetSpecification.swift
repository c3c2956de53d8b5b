import Foundation

/// A parameter budget as a user writes it: a count, a share of the generated weights, or the
/// size of one named layer (the RPG paper's "as many weights as one conv layer").
public enum BudgetSpecification: Sendable, Hashable, CustomStringConvertible {
    case count(Int)
    /// A percentage in (0, 100] of the weights the generators replace, as written (`10` for `10%`).
    case percentage(Double)
    case layer(String)

    /// The largest count a budget may name: 10¹².
    static let largestCount = 1e12

    /// Parses `36864`, `2k`, `1.5m`, `10%` or `layer:stage3.block2.conv2`.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed.hasPrefix("layer:") {
            let name = String(text.trimmingCharacters(in: .whitespaces).dropFirst("layer:".count))
            guard !name.isEmpty else { throw BudgetError(budget: text, detail: "name a layer after 'layer:'") }
            self = .layer(name)
        } else if trimmed.hasSuffix("%") {
            guard let percent = Double(trimmed.dropLast()), percent > 0, percent <= 100 else {
                throw BudgetError(budget: text, detail: "a percentage must be above 0 and at most 100")
            }
            self = .percentage(percent)
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
            self = .count(Int((value * multiplier).rounded()))
        }
    }

    public var description: String {
        switch self {
        case let .count(count): "\(count)"
        case let .percentage(percent): percent == percent.rounded() && abs(percent) < 1e15 ? "\(Int(percent))%" : "\(percent)%"
        case let .layer(name): "layer:\(name)"
        }
    }

    /// The number of bank entries this budget asks for, for `generated` of `description`'s layers.
    public func resolve(in description: ModelDescription, generated: [WeightedLayer]) throws -> Int {
        let total = generated.reduce(0) { $0 + $1.weightCount }
        let count: Int
        switch self {
        case let .count(value): count = value
        case let .percentage(percent): count = max(1, Int((percent / 100 * Double(total)).rounded()))
        case let .layer(name):
            guard let layer = description.weightedLayer(named: name) else {
                let names = description.weightedLayers.map(\.name)
                throw BudgetError(budget: self.description, detail: "\(description.name) has no layer '\(name)'; its layers are "
                                  + names.prefix(6).joined(separator: ", ") + (names.count > 6 ? ", …" : ""))
            }
            count = layer.weightCount
        }
        guard count <= total else {
            throw BudgetError(budget: self.description,
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
