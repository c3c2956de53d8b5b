import Foundation
import ParamShare
import ParamShareEngine
import Testing
import TestSupport

/// Crash safety: a sweep killed with SIGKILL at any moment leaves valid tables, and running
/// the same command again finishes the grid with every run exactly once.
@Suite("Resuming after a crash")
struct ResumeTests {
    private let arguments = ["--models", "mlp", "--generators", "rpg,hashing,dense", "--budgets", "1k,3k",
                             "--epochs", "3", "--seeds", "0,1", "--jobs", "2", "--out", "runs.csv"]
    private let gridSize = 2 * 2 + 2 * 2 + 2  // rpg and hashing at two budgets, dense once; two seeds each

    @Test("SIGKILL mid-run, then a rerun: every run appears once and every line parses", arguments: [0.8, 2.0])
    func killAndResume(after delay: Double) throws {
        try ScratchDirectory.with("sweep-kill") { directory in

            let process = try ExecutableProduct.start("sweep", arguments, in: directory)
            let runsPath = directory + "/runs.csv", epochsPath = directory + "/runs.epochs.csv"
            // The delay counts from the table's creation, so a loaded machine's slow start cannot
            // make the kill land before the sweep has begun.
            let deadline = Date().addingTimeInterval(60)
            while !FileManager.default.fileExists(atPath: runsPath) && process.isRunning && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.02)
            }
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()

            let partial = try CSVReader.read(contentsOfFile: runsPath)
            #expect(partial.rows.count < gridSize, "the sweep finished before it was killed; kill it sooner")

            let rerun = try ExecutableProduct.run("sweep", arguments, in: directory)
            #expect(rerun.status == 0, "\(rerun.stderr)")
            let runs = try CSVReader.read(contentsOfFile: runsPath)
            let ids = runs.rows.map { $0[0] }
            #expect(ids.count == gridSize)
            #expect(Set(ids).count == gridSize)
            let epochs = try CSVReader.read(contentsOfFile: epochsPath)
            // Three epochs per run, each (run, epoch) once, and only for finished runs.
            #expect(epochs.rows.count == 3 * gridSize)
            #expect(Set(epochs.rows.map { $0[0] + "/" + $0[7] }).count == 3 * gridSize)
            #expect(Set(epochs.rows.map { $0[0] }) == Set(ids))
        }
    }

    @Test("20 SIGKILLs at seeded random moments of a two-job sweep, then a rerun: every table parses, every run once, every epoch row once")
    func killTwentyTimes() throws {
        try ScratchDirectory.with("sweep-kill20") { directory in
            let grid = ["--models", "mlp-64", "--generators", "rpg,hashing,dense", "--budgets", "500,2k",
                        "--epochs", "10", "--seeds", "0,1,2,3", "--jobs", "2", "--threads", "1", "--out", "runs.csv"]
            let cells = 4 * (2 * 2 + 1), epochCount = 10
            let random = RandomSource(seed: 20)
            var killedMidRun = 0
            for _ in 0..<20 {
                let process = try ExecutableProduct.start("sweep", grid + ["--no-analysis"], in: directory)
                Thread.sleep(forTimeInterval: random.uniform(in: 0.05..<0.6))
                if process.isRunning { killedMidRun += 1 }
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                // After every kill, both tables are whole.
                for table in ["runs.csv", "runs.epochs.csv"] where FileManager.default.fileExists(atPath: directory + "/" + table) {
                    let text = try String(contentsOfFile: directory + "/" + table, encoding: .utf8)
                    #expect(text.isEmpty || text.hasSuffix("\n"), "\(table) ends mid-line")
                    if !text.isEmpty { _ = try CSVReader.read(contentsOfFile: directory + "/" + table) }
                }
            }
            #expect(killedMidRun >= 10, "only \(killedMidRun) kills hit a running sweep")
            let rerun = try ExecutableProduct.run("sweep", grid, in: directory)
            #expect(rerun.status == 0, "\(rerun.stderr)")
            let ids = try CSVReader.read(contentsOfFile: directory + "/runs.csv").rows.map { $0[0] }
            #expect(ids.count == cells && Set(ids).count == cells)
            let epochs = try CSVReader.read(contentsOfFile: directory + "/runs.epochs.csv")
            #expect(epochs.rows.count == epochCount * cells)
            #expect(Set(epochs.rows.map { $0[0] + "/" + $0[7] }).count == epochCount * cells)
            #expect(Set(epochs.rows.map { $0[0] }) == Set(ids))
            // Runs resumed from their snapshots, some perhaps from one before a kill mid-write, give
            // the rows of a sweep never killed.
            let straight = directory + "/straight"
            try FileManager.default.createDirectory(atPath: straight, withIntermediateDirectories: true)
            #expect(try ExecutableProduct.run("sweep", grid + ["--no-analysis"], in: straight).status == 0)
            #expect(try Self.sortedRows(directory + "/runs.csv", without: "wall_seconds") == Self.sortedRows(straight + "/runs.csv", without: "wall_seconds"))
            #expect(try Self.sortedRows(directory + "/runs.epochs.csv", without: "seconds") == Self.sortedRows(straight + "/runs.epochs.csv", without: "seconds"))
            #expect(!FileManager.default.fileExists(atPath: directory + "/runs.snapshots"))
        }
    }

    /// The rows of the table at `path` without the column `timing`, sorted: runs finish in any order.
    private static func sortedRows(_ path: String, without timing: String) throws -> [[String]] {
        let document = try CSVReader.read(contentsOfFile: path)
        let column = try #require(document.header.firstIndex(of: timing))
        return document.rows.map { row in row.enumerated().filter { $0.offset != column }.map(\.element) }.sorted { $0.lexicographicallyPrecedes($1) }
    }

    @Test("a sweep killed after a run's first snapshot resumes that run from it, says so, and writes the rows of a sweep never killed")
    func killAfterSnapshot() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-snapshot-\(UUID().uuidString)").path
        let straight = directory + "/straight"
        try FileManager.default.createDirectory(atPath: straight, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let grid = ["--models", "resnet8", "--generators", "rpg", "--budgets", "10%", "--epochs", "3", "--seeds", "0",
                    "--threads", "1", "--no-analysis", "--out", "runs.csv"]
        let process = try ExecutableProduct.start("sweep", grid, in: directory)
        let snapshots = directory + "/runs.snapshots"
        let deadline = Date().addingTimeInterval(300)
        func snapshotWritten() -> Bool {
            ((try? FileManager.default.contentsOfDirectory(atPath: snapshots)) ?? []).contains { $0.hasSuffix(".safetensors") }
        }
        while !snapshotWritten() && process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.005) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(try CSVReader.read(contentsOfFile: directory + "/runs.csv").rows.isEmpty, "the run finished before it was killed")

        let rerun = try ExecutableProduct.run("sweep", grid, in: directory)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect((rerun.stdout + rerun.stderr).contains("resuming after epoch 1 from runs.snapshots/"), "\(rerun.stdout)\(rerun.stderr)")
        #expect(try ExecutableProduct.run("sweep", grid, in: straight).status == 0)
        #expect(try Self.sortedRows(directory + "/runs.csv", without: "wall_seconds") == Self.sortedRows(straight + "/runs.csv", without: "wall_seconds"))
        #expect(try Self.sortedRows(directory + "/runs.epochs.csv", without: "seconds") == Self.sortedRows(straight + "/runs.epochs.csv", without: "seconds"))
        #expect(!FileManager.default.fileExists(atPath: snapshots))
    }

    @Test("a changed setting is a different run, never mixed up with an old one")
    func changedSettings() throws {
        try ScratchDirectory.with("sweep-change") { directory in
            let base = ["--models", "mlp", "--generators", "dense", "--seeds", "0", "--out", "runs.csv"]
            for extra in [["--epochs", "1"], ["--epochs", "1"], ["--epochs", "2"], ["--epochs", "1", "--lr", "0.01"]] {
                let result = try ExecutableProduct.run("sweep", base + extra, in: directory)
                #expect(result.status == 0, "\(result.stderr)")
            }
            // The repeated first command added nothing; the other two settings each added a row.
            #expect(try CSVReader.read(contentsOfFile: directory + "/runs.csv").rows.count == 3)
        }
    }

    @Test("appending to a table with other columns is refused")
    func foreignTable() throws {
        try ScratchDirectory.with("sweep-foreign") { directory in
            try "a,b\n1,2\n".write(toFile: directory + "/runs.csv", atomically: true, encoding: .utf8)
            let result = try ExecutableProduct.run("sweep", ["--epochs", "1", "--models", "mlp", "--generators", "dense", "--out", "runs.csv"], in: directory)
            #expect(result.status != 0)
            #expect(result.stderr.contains("runs.csv") && result.stderr.contains("header"))
            #expect(try String(contentsOfFile: directory + "/runs.csv", encoding: .utf8) == "a,b\n1,2\n")
        }
    }
}
