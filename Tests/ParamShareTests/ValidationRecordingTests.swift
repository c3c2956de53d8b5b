import Foundation
@testable import ParamShare
import Testing
import TestSupport

/// The columns of validation and tuning in tables old and new.
@Suite("Validation and tuning columns")
struct ValidationRecordingTests {
    @Test("every committed runs table reads as a runs table, with or without the newer columns")
    func committedTables() throws {
        let results = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("results").path
        let tables = try FileManager.default.subpathsOfDirectory(atPath: results).filter { $0.hasSuffix("runs.csv") }
        #expect(!tables.isEmpty)
        for table in tables {
            let header = try CSVReader.read(contentsOfFile: results + "/" + table).header
            #expect(RunsTableLayout(header: header) != nil, "\(table)")
        }
    }

    @Test("a table without the columns added since tables were first written is still a runs table, and appending fills each as its older rows read")
    func olderTables() throws {
        try ScratchDirectory.with("older-table") { folder in
            let path = folder + "/runs.csv"
            let layout = RunsTableLayout(optionColumns: ["rpg.signs"])
            // Validation, tuning, precision, cpu_isa and every later addition, as RunSchema declares them.
            let added = RunsTableLayout.addedColumns
            #expect(added["precision"] == "fp32" && added["validation_images"] == "0" && added["tuning"] == "none")
            let older = layout.columns.filter { added[$0] == nil }
            #expect(RunsTableLayout(header: older) == layout)
            #expect(RunsTableLayout(header: older + ["precision"]) == nil, "columns out of order")
            // A column that is not an added one may not be missing, nor may columns move.
            #expect(RunsTableLayout(header: older.filter { $0 != "seed" }) == nil)
            #expect(RunsTableLayout(header: Array(layout.columns.reversed())) == nil)
            try (CSVTable.line(older) + CSVTable.line(older.map { $0 == "rpg.signs" ? "on" : "x" })).write(toFile: path, atomically: true, encoding: .utf8)
            let (_, opened, _) = try SweepRunner.openRunsTable(path: path, layout: layout)
            #expect(opened == layout)
            let after = try CSVReader.read(contentsOfFile: path)
            #expect(after.header == layout.columns)
            let row = Dictionary(uniqueKeysWithValues: zip(after.header, after.rows[0]))
            for (column, value) in added where layout.columns.contains(column) { #expect(row[column] == value, "\(column)") }
            #expect(row["seed"] == "x" && row["rpg.signs"] == "on")
        }
    }

    @Test("a table that holds every cell of a grid is left byte for byte as it is; it gains the newer columns with its next run")
    func finishedTablesUntouched() throws {
        try ScratchDirectory.with("validation-untouched") { folder in
            let data = try DigitsLoader.load()
            let grid = SweepGrid(architectures: [.mlp(hiddenWidths: [8])], generators: [], budgets: [], seeds: [0, 1],
                                 recipe: TrainingConfiguration(epochs: 1, batchSize: 64, learningRate: 0.05)).cells(on: DataSubset(data))
            let path = folder + "/runs.csv"
            func runner(_ cells: [SweepCell]) -> SweepRunner {
                SweepRunner(cells: cells, data: data, runsPath: path, epochsPath: SweepRunner.epochsPath(forRunsAt: path))
            }
            _ = try runner([grid[0]]).run()
            // As an older version wrote it: without the columns added since.
            let table = try CSVReader.read(contentsOfFile: path)
            let kept = table.header.indices.filter { RunsTableLayout.addedColumns[table.header[$0]] == nil }
            let older = ([kept.map { table.header[$0] }] + table.rows.map { row in kept.map { row[$0] } }).map(CSVTable.line).joined()
            try older.write(toFile: path, atomically: true, encoding: .utf8)
            #expect(try runner([grid[0]]).run().isEmpty)
            #expect(try String(contentsOfFile: path, encoding: .utf8) == older)
            #expect(try runner(grid).run().count == 1)
            #expect(try CSVReader.read(contentsOfFile: path).header == table.header)
        }
    }

    @Test("a per-epoch table written before the validation columns gains them, empty, and keeps its rows")
    func olderEpochTables() throws {
        try ScratchDirectory.with("validation-epochs") { folder in
            let path = folder + "/runs.epochs.csv"
            let older = RunRecord.epochColumns.filter { !RunRecord.addedEpochColumns.contains($0) }
            try (CSVTable.line(older) + CSVTable.line(older.map { _ in "7" })).write(toFile: path, atomically: true, encoding: .utf8)
            let (table, repair) = try SweepRunner.openEpochsTable(path: path)
            #expect(repair == nil && table.columns == RunRecord.epochColumns)
            let after = try CSVReader.read(contentsOfFile: path)
            let row = Dictionary(uniqueKeysWithValues: zip(after.header, after.rows[0]))
            #expect(row["validation_accuracy"] == "" && row["validation_loss"] == "" && row["test_accuracy"] == "7")
            try "a,b\n1,2\n".write(toFile: path, atomically: true, encoding: .utf8)
            #expect(throws: FileError.self) { try SweepRunner.openEpochsTable(path: path) }
        }
    }

    @Test("the analysis reads a tuned run's learning rate and weight decay as its method's, so one search's methods compare")
    func tunedRecipe() throws {
        let header = ["lr", "weight_decay", "epochs", "tuning"]
        let position = Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0) })
        let tuned = RunTable.recipe(of: ["0.05", "0.0005", "10", "0123456789abcdef"], at: position)
        let other = RunTable.recipe(of: ["0.2", "0.0", "10", "0123456789abcdef"], at: position)
        let plain = RunTable.recipe(of: ["0.05", "0.0005", "10", "none"], at: position)
        #expect(tuned == other)
        #expect(tuned["lr"] == "tuned:0123456789abcdef" && tuned["epochs"] == "10")
        #expect(plain["lr"] == "0.05")
        #expect(RunTable.recipe(of: ["0.05", "0.0005", "10", ""], at: position)["lr"] == "0.05")
    }
}
