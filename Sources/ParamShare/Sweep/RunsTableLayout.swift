/// The columns of a runs table: fixed columns around a block of generator option columns.
///
/// Each registered option is a column of its own, named `generator.option` (`rpg.signs`,
/// `projection.nonzeros`), so that pandas and R group on options with no string parsing. A row
/// fills its own generator's options and writes `none` in every other option column, as it does
/// in `scope` for dense: pandas' `groupby` silently drops rows whose key is empty.
///
/// The option block is sorted, so it depends only on which generators a table has seen. A table
/// is widened, never narrowed: appending with a generator the table has no columns for adds
/// them (existing rows get `none`), and columns of generators not registered this time stay.
public struct RunsTableLayout: Sendable, Equatable {
    /// The value written where a setting does not apply to a row.
    public static let notApplicable = "none"

    /// The columns before the option block.
    public static let leadingColumns = [
        "cell_id", "model", "dataset", "train_images", "test_images", "generator", "generator_version",
    ]

    /// The columns after the option block, documented in the README.
    public static let trailingColumns = [
        "scope", "generate_stem", "generate_classifier", "bank", "bank_step", "budget", "budget_count", "budget_fraction", "dof", "bank_size",
        "fixed_weights", "generated_weights",
        "non_generated_weights", "bn_parameters", "biases", "total_trainable", "dense_parameters",
        "seed", "epochs", "batch_size", "optimizer", "lr", "schedule", "weight_decay", "label_smoothing",
        "final_train_loss", "test_accuracy", "best_test_accuracy", "wall_seconds", "status", "status_epoch", "failure_reason",
        "version",
    ]

    /// The option columns, sorted.
    public private(set) var optionColumns: [String]

    public init(optionColumns: [String]) {
        self.optionColumns = Array(Set(optionColumns)).sorted()
    }

    /// Every column, in order.
    public var columns: [String] { Self.leadingColumns + optionColumns + Self.trailingColumns }

    /// Whether `column` names a generator option: option columns, and only they, hold a dot.
    public static func isOptionColumn(_ column: String) -> Bool { column.contains(".") }

    /// The layout of a runs table whose header is `header`, or `nil` when it is not one.
    public init?(header: [String]) {
        let options = header.filter(Self.isOptionColumn)
        self.init(optionColumns: options)
        guard header == columns else { return nil }
    }

    /// This layout with the option columns of `other` added.
    public func widened(with other: RunsTableLayout) -> RunsTableLayout {
        RunsTableLayout(optionColumns: optionColumns + other.optionColumns)
    }
}
