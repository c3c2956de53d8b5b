import ParamShareEngine

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
package struct RunsTableLayout: Sendable, Equatable {
    /// The value written where a setting does not apply to a row.
    package static let notApplicable = RunSchema.notApplicable

    /// The columns before the option block, as `RunSchema` declares them.
    package static let leadingColumns = RunSchema.leadingColumns.filter(\.isTabulated).map(\.name)

    /// The columns after the option block, as `RunSchema` declares them and the README documents them.
    package static let trailingColumns = RunSchema.trailingColumns.filter(\.isTabulated).map(\.name)

    /// The fixed columns added since tables were first written, with the value they hold in the
    /// rows written before them (`RunColumn/Addition`): a table without some of them is still a
    /// runs table, and appending to it adds them.
    package static let addedColumns = Dictionary(uniqueKeysWithValues: RunSchema.columns.compactMap { column in
        column.added.map { (column.name, $0.olderRows) }
    })

    /// The value a row that lacks `column` holds in it: what ``addedColumns`` says, else `none`.
    package static func value(ofMissing column: String) -> String {
        addedColumns[column] ?? notApplicable
    }

    /// The value a row of `generator` that lacks `column` holds in it: where the column is an
    /// option of that generator among `descriptors`, what the option says rows written before it
    /// read as (``GeneratorOption/valueInOlderTables``, else its default), so that old and new
    /// rows of one setting stay one setting; else ``value(ofMissing:)``.
    package static func value(ofMissing column: String, inRowOf generator: String, descriptors: [GeneratorDescriptor]) -> String {
        guard let descriptor = descriptors.first(where: { $0.name == generator }),
              let option = descriptor.options.first(where: { descriptor.column(ofOption: $0.name) == column }) else {
            return value(ofMissing: column)
        }
        return option.valueInOlderTables ?? option.defaultValue
    }

    /// The option columns, sorted.
    package private(set) var optionColumns: [String]

    package init(optionColumns: [String]) {
        self.optionColumns = Array(Set(optionColumns)).sorted()
    }

    /// Every column, in order.
    package var columns: [String] { Self.leadingColumns + optionColumns + Self.trailingColumns }

    /// Whether `column` names a generator option: option columns, and only they, hold a dot.
    package static func isOptionColumn(_ column: String) -> Bool { column.contains(".") }

    /// The layout of a runs table whose header is `header`, or `nil` when it is not one; a header
    /// without some of the ``addedColumns`` is one, whose layout has them.
    package init?(header: [String]) {
        let options = header.filter(Self.isOptionColumn)
        self.init(optionColumns: options)
        guard header == columns.filter({ Self.addedColumns[$0] == nil || header.contains($0) }) else { return nil }
    }

    /// Why `header`, which starts like a runs table, is not one of this version's: the columns it
    /// lacks or has in excess, or `nil` when it does not start with `cell_id`.
    package static func differences(of header: [String]) -> String? {
        guard header.first == leadingColumns.first else { return nil }
        let fixed = leadingColumns + trailingColumns
        let missing = fixed.filter { !header.contains($0) }
        let extra = header.filter { !fixed.contains($0) && !isOptionColumn($0) }
        var parts: [String] = []
        if !missing.isEmpty { parts.append("it lacks \(missing.joined(separator: ", "))") }
        if !extra.isEmpty { parts.append("it has \(extra.joined(separator: ", ")), which this version does not write") }
        guard !parts.isEmpty else { return "its columns are in another order" }
        return parts.joined(separator: "; ") + (missing.isEmpty ? "" : " (an older ParamShare wrote it)")
    }

    /// This layout with the option columns of `other` added.
    package func widened(with other: RunsTableLayout) -> RunsTableLayout {
        RunsTableLayout(optionColumns: optionColumns + other.optionColumns)
    }
}
