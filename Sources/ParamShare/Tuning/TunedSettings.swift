/// A selection table read back: the settings a search chose for each group of cells, applied
/// to the cells of a grid.
package struct TunedSettings: Sendable {
    /// One selection as read: the cells it is for and the values to give them.
    struct Entry: Sendable {
        var tuningKey: String
        var values: [String: String]
        var line: Int
    }

    package let path: String
    package let search: String
    package let space: TuningSpace
    let entries: [Entry]

    /// Reads the selection table at `path`, checking its values against `registry`.
    ///
    /// - Throws: ``FileError`` naming the file (and line) when it is not a selection table of one search.
    package init(contentsOfFile path: String, registry: GeneratorRegistry) throws {
        let document = try CSVReader.read(contentsOfFile: path)
        func fail(_ problem: String, line: Int? = nil) -> FileError {
            FileError(path: path, line: line, problem: problem, fix: "Give the selection table a search wrote (TRIALS.selection.csv).")
        }
        let position = Dictionary(document.header.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        guard let searchColumn = position["search"], let spaceColumn = position["space"], let keyColumn = position["tuning_key"] else {
            throw fail("it lacks the columns search, space and tuning_key")
        }
        guard let first = document.rows.first else { throw fail("it holds no selection") }
        let space: TuningSpace
        do {
            space = try TuningSpace(first[spaceColumn].split(separator: ";").map {
                try TuningDimension(parsing: $0.trimmingCharacters(in: .whitespaces), registry: registry)
            })
        } catch {
            throw fail("its space '\(first[spaceColumn])' does not parse (\(error))", line: document.lineNumbers[0])
        }
        if let missing = space.names.first(where: { position[$0] == nil }) { throw fail("it lacks the column of its dimension \(missing)") }
        var entries = [Entry](), seen = Set<String>()
        for (row, line) in zip(document.rows, document.lineNumbers) {
            guard row[searchColumn] == first[searchColumn], row[spaceColumn] == first[spaceColumn] else {
                throw fail("it mixes searches (\(first[searchColumn]) and \(row[searchColumn])); give one search's selections", line: line)
            }
            guard seen.insert(row[keyColumn]).inserted else { throw fail("it selects twice for one cell", line: line) }
            var values = [String: String]()
            for dimension in space.dimensions where row[position[dimension.name]!] != RunsTableLayout.notApplicable {
                let value = row[position[dimension.name]!]
                guard dimension.values.contains(value) else {
                    throw fail("\(dimension.name) = \(value) is not among the values the search tried (\(dimension.values.joined(separator: ", ")))", line: line)
                }
                values[dimension.name] = value
            }
            entries.append(Entry(tuningKey: row[keyColumn], values: values, line: line))
        }
        self.path = path
        search = first[searchColumn]
        self.space = space
        self.entries = entries
    }

    /// `cells` at their selected settings, each recording the search in its ``SweepCell/tuning``.
    ///
    /// - Throws: ``FileError`` for a cell no selection is for, or a selection for no cell of
    ///   the grid (the grid and the search would then disagree on what was tuned).
    package func applying(to cells: [SweepCell]) throws -> [SweepCell] {
        let byKey = Dictionary(entries.map { ($0.tuningKey, $0) }, uniquingKeysWith: { first, _ in first })
        var used = Set<String>()
        let tuned = try cells.map { cell in
            let key = space.tuningKey(of: cell)
            guard let entry = byKey[key] else {
                throw FileError(path: path, problem: "it selects nothing for \(cell.label) (settings \(key))",
                                fix: "Tune that cell with the same grid, or train it at its own settings.")
            }
            used.insert(key)
            var tuned = try space.applying(entry.values, to: cell)
            tuned.tuning = search
            return tuned
        }
        if let unused = entries.first(where: { !used.contains($0.tuningKey) }) {
            throw FileError(path: path, line: unused.line, problem: "it selects for settings the grid does not have (\(unused.tuningKey))",
                            fix: "Train the grid the search tuned (the same models, generators, budgets and recipe), or remove the line.")
        }
        return tuned
    }
}
