import ArgumentParser
import Foundation
import ParamShare

/// `sweep merge`: combines the tables of a sharded sweep into one.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Combine runs tables (or per-epoch tables) written by the shards of one sweep.",
        discussion: """
            Every input must have the same columns. A run present in several inputs is kept once
            if its rows agree; if they disagree the merge stops, since the tables are not from
            one sweep. Merge the runs tables and the .epochs.csv tables separately.

            Example:
              sweep merge shard-*.csv --out all.csv
            """
    )

    @Argument(help: "The tables to combine.")
    var inputs: [String]

    @Option(help: "The combined table to write (must not exist yet).")
    var out: String

    func validate() throws {
        guard inputs.count >= 1 else { throw ValidationError("name at least one table to merge") }
        if FileManager.default.fileExists(atPath: out) {
            throw ValidationError("\(out) already exists; merge into a new file")
        }
    }

    func run() throws {
        var header: [String]?
        var rows: [[String]] = []
        var seen: [String: (row: [String], file: String)] = [:]
        for input in inputs {
            let document = try CSVReader.read(contentsOfFile: input)
            if let header, header != document.header {
                throw ValidationError("\(input) has other columns than \(inputs[0]); only tables of one kind from one sweep can be merged")
            }
            header = document.header
            // A run is one row of a runs table, one row per epoch of a per-epoch table.
            let keyColumns = ["cell_id", "epoch"].compactMap { document.header.firstIndex(of: $0) }
            guard !keyColumns.isEmpty else {
                throw ValidationError("\(input) has no cell_id column; merge tables written by sweep run")
            }
            for row in document.rows {
                let key = keyColumns.map { row[$0] }.joined(separator: "/")
                if let earlier = seen[key] {
                    guard earlier.row == row else {
                        throw ValidationError("\(input) and \(earlier.file) disagree on run \(key); they are not shards of one sweep")
                    }
                    continue
                }
                seen[key] = (row, input)
                rows.append(row)
            }
        }
        guard let header else { return }
        let table = try CSVTable(path: out, columns: header)
        try table.append(rows: rows)
        print("wrote \(rows.count) rows from \(inputs.count) tables to \(out)")
    }
}
