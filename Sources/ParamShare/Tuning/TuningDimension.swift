import Foundation

/// One setting a tuning search varies, named as its runs-table column, with the values it tries.
///
/// `lr` and `weight_decay` apply to every cell; `bank_step` to cells whose generator has a bank
/// that trains; `GENERATOR.OPTION` to that generator's cells only, so a plug-in's options tune
/// like a built-in's.
package struct TuningDimension: Sendable, Hashable, CustomStringConvertible {
    /// What the dimension sets.
    package enum Setting: Sendable, Hashable {
        case learningRate
        case weightDecay
        case bankStep
        /// An option of a registered generator.
        case option(generator: String, name: String)
    }

    package var setting: Setting
    /// The values tried, in the order given, as canonical text (`0.1`, `sqrt`, `authors`).
    package var values: [String]

    /// The runs-table column the dimension sets: `lr`, `weight_decay`, `bank_step` or `rpg.scaling`.
    package var name: String {
        switch setting {
        case .learningRate: "lr"
        case .weightDecay: "weight_decay"
        case .bankStep: "bank_step"
        case let .option(generator, name): "\(generator).\(name)"
        }
    }

    /// `lr=0.01,0.1`.
    package var description: String { name + "=" + values.joined(separator: ",") }

    /// Parses `NAME=V1,V2,…`, or `NAME=log:LOW:HIGH:COUNT` for COUNT log-spaced numbers from LOW
    /// to HIGH (`lr=log:0.01:1:5` is 0.01, 0.0316, 0.1, 0.316, 1), checking every value against
    /// what the setting accepts in `registry`.
    ///
    /// - Throws: `TuningError` naming the dimension and what it accepts.
    package init(parsing text: String, registry: GeneratorRegistry) throws {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw TuningError("'\(text)' is not NAME=V1,V2,… or NAME=log:LOW:HIGH:COUNT, such as lr=0.03,0.1,0.3 or lr=log:0.01:1:5")
        }
        let name = parts[0].trimmingCharacters(in: .whitespaces)
        switch name {
        case "lr": setting = .learningRate
        case "weight_decay": setting = .weightDecay
        case "bank_step": setting = .bankStep
        default:
            let pieces = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard pieces.count == 2, let descriptor = registry.descriptor(named: pieces[0]),
                  descriptor.options.contains(where: { $0.name == pieces[1] }) else {
                throw TuningError("'\(name)' is not a setting a search can vary: use lr, weight_decay, bank_step or a generator option "
                                  + "(\(registry.descriptors.flatMap(\.optionColumns).joined(separator: ", ")))")
            }
            setting = .option(generator: pieces[0], name: pieces[1])
        }
        let written = parts[1].trimmingCharacters(in: .whitespaces)
        let listed = written.hasPrefix("log:") ? try Self.logGrid(written, of: name)
            : written.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        values = []
        for value in listed {
            let canonical = try Self.canonical(value, for: setting, named: name, registry: registry)
            guard !values.contains(canonical) else { throw TuningError("\(name) lists \(canonical) twice") }
            values.append(canonical)
        }
    }

    /// COUNT numbers spaced evenly in logarithm from LOW to HIGH, each to four significant digits.
    private static func logGrid(_ text: String, of name: String) throws -> [String] {
        let fields = text.dropFirst("log:".count).split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count == 3, let low = Double(fields[0]), let high = Double(fields[1]), let count = Int(fields[2]),
              low > 0, high > low, high.isFinite, (2...100).contains(count) else {
            throw TuningError("\(name)=\(text): write log:LOW:HIGH:COUNT with 0 < LOW < HIGH and COUNT from 2 to 100, such as log:0.01:1:5")
        }
        return (0..<count).map { step in
            let value = exp(log(low) + (log(high) - log(low)) * Double(step) / Double(count - 1))
            return String(format: "%.4g", value)
        }
    }

    /// The value's canonical text, so that `0.10` and `0.1` are one configuration.
    private static func canonical(_ value: String, for setting: Setting, named name: String, registry: GeneratorRegistry) throws -> String {
        switch setting {
        case .learningRate, .weightDecay:
            let positive = setting == .learningRate
            guard let number = Double(value), number.isFinite, positive ? number > 0 : number >= 0 else {
                throw TuningError("\(name) takes \(positive ? "positive numbers" : "numbers of at least 0"), got '\(value)'")
            }
            return "\(number)"
        case .bankStep:
            guard BankStepScaling(rawValue: value) != nil else {
                throw TuningError("bank_step takes \(BankStepScaling.allCases.map(\.rawValue).joined(separator: ", ")), got '\(value)'")
            }
            return value
        case let .option(generator, option):
            do {
                return try registry.descriptor(named: generator)!.optionValues([option: value])[option]
            } catch {
                throw TuningError("\(name): \(error)")
            }
        }
    }

    /// Which end of the searched numbers a value is, where a selection may have its best beyond
    /// the range searched.
    package enum RangeEnd: String, Sendable {
        case smallest, largest
    }

    /// Whether `value` is the smallest or the largest of the numbers tried; `nil` for a value
    /// between them, and for a dimension of fewer than three values (whose every value is an
    /// end) or of values that are not all numbers (`bank_step`, `rpg.scaling`), which have no
    /// range to lie beyond.
    package func rangeEnd(of value: String) -> RangeEnd? {
        let numbers = values.compactMap(Double.init)
        guard numbers.count == values.count, numbers.count >= 3, let number = Double(value),
              let smallest = numbers.min(), let largest = numbers.max() else { return nil }
        return number == smallest ? .smallest : number == largest ? .largest : nil
    }

    /// Whether the dimension changes `cell`: a bank step needs a bank that trains, an option its generator.
    package func applies(to cell: SweepCell) -> Bool {
        switch setting {
        case .learningRate, .weightDecay: true
        case .bankStep: cell.sharing.map { !$0.generator.descriptor.isBaseline && $0.trainsBank } ?? false
        case let .option(generator, _): cell.sharingGeneratorName == generator
        }
    }

    /// `cell` with this dimension set to `value`, one of ``values``.
    ///
    /// - Throws: what the generator's factory throws for a combination of options it refuses.
    package func applying(_ value: String, to cell: SweepCell) throws -> SweepCell {
        var cell = cell
        switch setting {
        case .learningRate: cell.configuration.learningRate = Double(value)!
        case .weightDecay: cell.configuration.weightDecay = Double(value)!
        case .bankStep: cell.sharing?.stepScaling = BankStepScaling(rawValue: value)!
        case let .option(_, option):
            guard let sharing = cell.sharing else { return cell }
            let options = Dictionary(uniqueKeysWithValues: sharing.generator.options.sortedPairs.map { ($0.name, $0.value) })
            cell.sharing?.generator = try GeneratorSetting(sharing.generator.descriptor, options: options.merging([option: value]) { $1 })
        }
        return cell
    }
}

extension SweepCell {
    /// The name of the generator that shares the cell's layers; `nil` for dense.
    var sharingGeneratorName: String? { sharing?.generator.name }
}
