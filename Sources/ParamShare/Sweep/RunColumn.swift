/// One column of a run's schema (`RunSchema`): its name, what it holds, how a run gives its
/// value, and whether and how it enters the cell's identity and checkpoint.
///
/// The runs table's header and rows, ``SweepCell/settings``, a ``Checkpoint``'s metadata and
/// the analysis's recipe are all derived from these entries, so a column is declared once
/// instead of being kept in step by hand in each of them.
package struct RunColumn: Sendable {
    /// What a column's text holds, for readers in other languages and for documentation.
    package enum ValueType: String, Sendable {
        /// Free text or one of a fixed set of words (`rpg`, `global`, `ok`).
        case text
        /// A whole number.
        case integer
        /// A decimal number in Swift's shortest round-trip spelling; empty for a missing one.
        case number
        /// `true` or `false`.
        case flag
    }

    /// How a column's value is had.
    enum Source: Sendable {
        /// A setting of every cell.
        case cell(@Sendable (SweepCell) -> String)
        /// A setting of a cell that shares its layers. A dense row holds `dense` in the table, and
        /// its identity and checkpoint leave the setting out.
        case sharing(@Sendable (SharingSetting) -> String, dense: String)
        /// What the run measured or counted; only the runs table holds it.
        case run(@Sendable (RunRecord) -> String)
    }

    /// How a setting enters the cell's identity string.
    package struct IdentityKey: Sendable {
        /// The key, as identities have always spelt it (`batch`, `crop`, `stem`, `tuned`, …):
        /// changing it would change every cell identifier.
        package let key: String
        /// The value at which the setting is left out of the identity and the checkpoint, so that
        /// cells from before the setting existed keep their identifiers; `nil` to name it always.
        package let omittedAt: String?
        /// The column whose identity field this one comes just before, where identifiers from
        /// before the schema put it out of the table's order (`budget`); `nil` for table order.
        package let precedes: String?
        /// The identity's spelling of the value where it differs from the table's (the budget's
        /// canonical amount, so that `2k` and `2000` are one cell); `nil` for the table's.
        let value: (@Sendable (SharingSetting) -> String)?

        init(_ key: String, omittedAt: String? = nil, precedes: String? = nil,
             value: (@Sendable (SharingSetting) -> String)? = nil) {
            self.key = key
            self.omittedAt = omittedAt
            self.precedes = precedes
            self.value = value
        }
    }

    /// When a column joined the runs table, and what rows written before it read as; a table
    /// without the column is still a runs table, and gains it when a sweep next appends to it.
    package struct Addition: Sendable {
        /// The commit that added the column (ParamShare's version string did not change with it).
        package let commit: String
        /// The value of the rows written before it.
        package let olderRows: String
    }

    /// Sets a cell's setting from its text, as a checkpoint's metadata holds it; `false` for
    /// text the setting does not accept.
    typealias Reader = @Sendable (inout SweepCell, String) -> Bool

    /// The column's name in the runs table's header and in a checkpoint's metadata.
    package let name: String
    package let type: ValueType
    let source: Source
    /// How the column enters the cell's identity, or `nil` when it does not (measurements).
    package let identity: IdentityKey?
    /// When the column was added, for columns older tables may lack; `nil` for the others.
    package let added: Addition?
    /// Whether the runs table has the column: `false` for settings only the identity and a
    /// checkpoint name (the augmentation, which the data set decides).
    package let isTabulated: Bool
    /// Whether the column is part of the training recipe, which the analysis never pools or
    /// pairs across (`RunSetting.recipeColumns`).
    package let isRecipe: Bool
    /// How a checkpoint reader sets the setting; `nil` for columns the reader resolves itself
    /// (the generator and its version, which need the registry) and for measurements.
    let read: Reader?

    init(_ name: String, _ type: ValueType, _ source: Source, identity: IdentityKey? = nil, added: Addition? = nil,
         isTabulated: Bool = true, isRecipe: Bool = false, read: Reader? = nil) {
        self.name = name
        self.type = type
        self.source = source
        self.identity = identity
        self.added = added
        self.isTabulated = isTabulated
        self.isRecipe = isRecipe
        self.read = read
    }

    /// The column's text in `record`'s row.
    func value(of record: RunRecord) -> String {
        switch source {
        case let .cell(value): value(record.cell)
        case let .sharing(value, dense): record.cell.sharing.map(value) ?? dense
        case let .run(value): value(record)
        }
    }

    /// The setting's text for `cell`, as the table and a checkpoint spell it, or `nil` when
    /// the column is a measurement or a sharing setting of a dense cell.
    func setting(of cell: SweepCell) -> String? {
        switch source {
        case let .cell(value): value(cell)
        case let .sharing(value, _): cell.sharing.map(value)
        case .run: nil
        }
    }

    /// Whether the cell's identity and checkpoint name the setting for `cell`, and with what text.
    func identityField(of cell: SweepCell) -> (key: String, value: String)? {
        guard let identity, let text = setting(of: cell), text != identity.omittedAt else { return nil }
        let value = identity.value.flatMap { spell in cell.sharing.map(spell) } ?? text
        return (identity.key, value)
    }

    /// Whether a column holds a setting only cells that share their layers have.
    var isSharingSetting: Bool {
        if case .sharing = source { true } else { false }
    }
}
