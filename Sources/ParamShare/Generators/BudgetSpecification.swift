import Foundation

/// A parameter budget as a user writes it: a count, a share of the generated weights, or the
/// size of one named layer (the RPG paper's "as many weights as one conv layer").
public enum BudgetSpecification: Sendable, Hashable, CustomStringConvertible {
    case count(Int)
    /// A fraction in (0, 1] of the weights the generators replace.
    case fraction(Double)
    case layer(String)

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
            self = .fraction(percent / 100)
        } else {
            let multiplier = trimmed.hasSuffix("k") ? 1_000.0 : trimmed.hasSuffix("m") ? 1_000_000.0 : 1
            let digits = multiplier == 1 ? Substring(trimmed) : trimmed.dropLast()
            guard let value = Double(digits), value.isFinite else {
                throw BudgetError(budget: text, detail: "write a count (36864, 2k, 1.5m), a percentage (10%) or layer:NAME")
            }
            guard value * multiplier >= 1 else {
                throw BudgetError(budget: text, detail: "a budget must be at least one parameter")
            }
            self = .count(Int((value * multiplier).rounded()))
        }
    }

    public var description: String {
        switch self {
        case let .count(count): "\(count)"
        case let .fraction(fraction): "\(fraction * 100)%"
        case let .layer(name): "layer:\(name)"
        }
    }

    /// The number of bank entries this budget asks for, for `generated` of `description`'s layers.
    public func resolve(in description: ModelDescription, generated: [WeightedLayer]) throws -> Int {
        let total = generated.reduce(0) { $0 + $1.weightCount }
        let count: Int
        switch self {
        case let .count(value): count = value
        case let .fraction(fraction): count = max(1, Int((fraction * Double(total)).rounded()))
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

