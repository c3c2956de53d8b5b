import ArgumentParser
import Foundation
import ParamShare
import ParamShareArguments

/// `sweep merge`: combines the tables of a sharded sweep into one.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Combine runs tables (or per-epoch tables) written by the shards of one sweep.",
        discussion: """
            Every input must have the same columns (runs tables may differ in their generator \
            option columns: the merged table has them all, with none in the columns of other \
            generators' options, and a row's own generator's option that its table lacks at the \
            value rows written before the option read as, its default unless the option says). \
            A run present in several inputs is kept once, as first seen, if its rows agree in \
            everything but timings (wall_seconds, seconds); if they disagree the merge stops, \
            since the tables are not from one sweep. Merge the runs tables and the .epochs.csv \
            tables separately.

            Example:
              sweep merge shard-*.csv --out all.csv
            """
    )

    /// Columns that measure time, not results: they may differ between rows of one run.
    static let timingColumns: Set<String> = ["wall_seconds", "seconds"]

    @Argument(help: "The tables to combine.", transform: GivenPath.init(parsing:))
    var inputs: [GivenPath]

    @Option(help: "The combined table to write (must not exist yet).", transform: GivenPath.init(parsing:))
    var out: GivenPath

    func validate() throws {
        guard inputs.count >= 1 else { throw ValidationError("name at least one table to merge") }
        if FileManager.default.fileExists(atPath: out.path) {
            throw ValidationError("\(out) already exists; merge into a new file")
        }
    }

    func run() throws {
        try SuppliedPaths(inputs.map { ("table", $0) } + [("--out", out)]).naming(merge)
    }

    private func merge() throws {
        let documents = try inputs.map { try CSVReader.read(contentsOfFile: $0.path) }
        for document in documents {
            if let repeated = document.repeatedColumn {
                throw ValidationError("\(document.source) names column '\(repeated)' twice; merge tables written by sweep run")
            }
        }
        // Runs tables whose option blocks differ (one written with a plug-in registered, say) merge
        // into the union of their columns; any other table must match the first exactly.
        let layouts = documents.map { RunsTableLayout(header: $0.header) }
        let header: [String]
        if layouts.allSatisfy({ $0 != nil }) {
            header = layouts.compactMap { $0 }.reduce(RunsTableLayout(optionColumns: [])) { $0.widened(with: $1) }.columns
        } else {
            header = documents[0].header
            if let other = documents.first(where: { $0.header != header }) {
                throw ValidationError("\(other.source) has other columns than \(inputs[0]); only tables of one kind from one sweep can be merged")
            }
        }
        // A run is one row of a runs table, one row per epoch of a per-epoch table.
        let keyColumns = ["cell_id", "epoch"].compactMap { header.firstIndex(of: $0) }
        guard !keyColumns.isEmpty else {
            throw ValidationError("\(inputs[0]) has no cell_id column; merge tables written by sweep run")
        }
        let descriptors = CommandLineRegistry.current.descriptors
        var rows: [[String]] = []
        var seen: [String: (row: [String], file: String)] = [:]
        for document in documents {
            let position = Dictionary(document.header.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            for original in document.rows {
                // A column the table lacks holds what its rows read as: for an option of the row's
                // own generator, the option's older-table value, so that its setting stays one.
                let generator = position["generator"].map { original[$0] } ?? ""
                let row = header.map { column in
                    position[column].map { original[$0] }
                        ?? RunsTableLayout.value(ofMissing: column, inRowOf: generator, descriptors: descriptors)
                }
                let key = keyColumns.map { row[$0] }.joined(separator: "/")
                if let earlier = seen[key] {
                    // Timings differ between two runs of one deterministic cell; results may not.
                    let results = header.indices.filter { !Self.timingColumns.contains(header[$0]) }
                    guard results.map({ earlier.row[$0] }) == results.map({ row[$0] }) else {
                        throw ValidationError("\(document.source) and \(earlier.file) disagree on run \(key); they are not shards of one sweep")
                    }
                    continue
                }
                seen[key] = (row, document.source)
                rows.append(row)
            }
        }
        let table = try CSVTable(path: out.path, columns: header)
        try table.append(rows: rows)
        print("wrote \(rows.count) rows from \(inputs.count) tables to \(out)")
    }
}
