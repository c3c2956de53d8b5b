/// One run of a sweep, as a plain value: a model, how it shares its layers, the data and the recipe.
///
/// A cell says what to train and nothing about how; ``CellModel`` builds it and
/// ``SweepRunner`` trains it. Its ``identifier`` names the experiment in results tables.
public struct SweepCell: Sendable, Hashable {
    public var architecture: Architecture
    /// The generator, budget and scope; `nil` for the dense baseline.
    public var sharing: SharingSetting?
    public var data: DataSubset
    public var configuration: TrainingConfiguration
    /// The identifier of the tuning search whose selection set this cell's tuned settings
    /// (`TuningSelection`); `nil` for settings given by hand.
    package var tuning: String?

    public init(architecture: Architecture, sharing: SharingSetting?, data: DataSubset, configuration: TrainingConfiguration,
                tuning: String? = nil) {
        self.architecture = architecture
        self.sharing = sharing
        self.data = data
        self.configuration = configuration
        self.tuning = tuning
    }

    /// The generator's name, or `dense`.
    package var generatorName: String { sharing?.generator.name ?? GeneratorRegistry.denseName }

    /// The budget as the user typed it, or `full` for dense.
    package var budgetText: String { sharing?.budget.text ?? "full" }

    /// A short label for logs and progress lines: `lenet5 rpg signs=off 1% seed 0`, with the
    /// scope where it is not global (`resnet20 rpg 10% scope stage seed 0`).
    public var label: String {
        let sharingLabel = sharing.map {
            "\($0.generator) \($0.budget)\($0.scope == .global ? "" : " scope \($0.scope)")\($0.trainsBank ? "" : " frozen")"
                + "\($0.stepScaling == .none ? "" : " step \($0.stepScaling.rawValue)")"
        } ?? "dense"
        let precisionLabel = configuration.precision == .float32 ? "" : " \(configuration.precision.rawValue)"
        let tuningLabel = tuning == nil ? "" : " tuned"
        return "\(architecture) \(sharingLabel)\(precisionLabel)\(tuningLabel) seed \(configuration.seed)"
    }

    /// Every setting that can change this cell's result, as one canonical string: two cells with
    /// the same string are the same experiment.
    ///
    /// The generator contributes its name, semantics version and every option of its own
    /// (defaults included), and nothing of any other generator, so registering a plug-in never
    /// changes the identity of a built-in's cells. Every other field is a `RunSchema` column
    /// with an identity key, in the schema's order.
    package var settings: String { identityFields.map(\.field).joined(separator: ";") }

    /// The fields of ``settings``, each with the column it comes from (an option's `generator.option`).
    var identityFields: [(column: String, field: String)] {
        func fields(of columns: [RunColumn]) -> [(column: String, field: String)] {
            columns.compactMap { column in column.identityField(of: self).map { (column.name, "\($0.key)=\($0.value)") } }
        }
        let options = sharing.map { sharing in
            sharing.generator.options.sortedPairs.map {
                (column: sharing.generator.descriptor.column(ofOption: $0.name), field: "\(sharing.generator.name).\($0.name)=\($0.value)")
            }
        } ?? []
        var ordered = fields(of: RunSchema.leadingColumns) + options + fields(of: RunSchema.trailingColumns)
        // Identifiers from before the schema order some fields apart from the table (`budget` before `scope`).
        for column in RunSchema.columns {
            guard let target = column.identity?.precedes, let from = ordered.firstIndex(where: { $0.column == column.name }) else { continue }
            let moved = ordered.remove(at: from)
            ordered.insert(moved, at: ordered.firstIndex { $0.column == target } ?? from)
        }
        return ordered
    }

    /// A short stable name for this cell: 16 hex digits of the FNV-1a hash of its `settings`.
    ///
    /// Rows carry it so that a rerun skips finished cells and never mistakes a cell with a
    /// changed setting (epochs, learning rate, a generator option, …) for an old one.
    public var identifier: String { FNV1a.hex(of: settings) }
}
