/// The settings a tuning search varies, and the configurations they make for each cell.
package struct TuningSpace: Sendable, Hashable, CustomStringConvertible {
    package var dimensions: [TuningDimension]

    /// A space of `dimensions`, each naming a different setting.
    ///
    /// - Throws: `TuningError` for no dimension, or one setting named twice.
    package init(_ dimensions: [TuningDimension]) throws {
        guard !dimensions.isEmpty else { throw TuningError("the search space is empty; name what to vary, such as lr=log:0.01:1:5") }
        var seen = Set<String>()
        for dimension in dimensions where !seen.insert(dimension.name).inserted {
            throw TuningError("the search space names \(dimension.name) twice; list all its values in one NAME=V1,V2,…")
        }
        self.dimensions = dimensions
    }

    /// `lr=0.01,0.1; bank_step=none,sqrt`.
    package var description: String { dimensions.map(\.description).joined(separator: "; ") }

    /// The names of the dimensions: the columns a selection sets.
    package var names: [String] { dimensions.map(\.name) }

    /// The dimensions that change `cell`.
    package func dimensions(applyingTo cell: SweepCell) -> [TuningDimension] {
        dimensions.filter { $0.applies(to: cell) }
    }

    /// Every configuration for `cell`: one value of each dimension that applies to it, the first
    /// dimension varying slowest, as dimension name → value.
    package func configurations(for cell: SweepCell) -> [[String: String]] {
        dimensions(applyingTo: cell).reduce([[:]]) { partial, dimension in
            partial.flatMap { configuration in dimension.values.map { configuration.merging([dimension.name: $0]) { $1 } } }
        }
    }

    /// `cell` with `configuration` (dimension name → value) applied.
    package func applying(_ configuration: [String: String], to cell: SweepCell) throws -> SweepCell {
        try dimensions.reduce(cell) { cell, dimension in
            guard let value = configuration[dimension.name] else { return cell }
            return try dimension.applying(value, to: cell)
        }
    }

    /// What identifies the settings `cell` is tuned for, apart from the space: every setting of
    /// its identity except the seed, the amount of data and epochs (a search may run on a
    /// cheaper proxy of the recipe) and what the space varies.
    ///
    /// A selection made for one key applies to every cell with that key.
    package func tuningKey(of cell: SweepCell) -> String {
        let left = Set(["seed", "epochs", "train_images", "test_images", "validation_images", "tuning"] + names)
        return cell.identityFields.filter { !left.contains($0.column) }.map(\.field).joined(separator: ";")
    }
}
