import Foundation
import ParamShare
import Testing
import TestSupport

/// Results tables survive what happens to files: cut-off lines, repeated cells, reruns.
@Suite("Table safety")
struct TableSafetyTests {
    private let grid = ["--models", "mlp-8", "--generators", "rpg,dense", "--budgets", "100", "--epochs", "1", "--seeds", "0,1"]

    @Test("a last line without its newline, or cut inside its last field, is set aside and its run trained again",
          arguments: [1, 3])
    func repairsCutOffLine(bytesCut: Int) throws {
        try ScratchDirectory.with("sweep-safety") { directory in
            let first = try ExecutableProduct.run("sweep", grid + ["--out", "runs.csv"], in: directory)
            #expect(first.status == 0, "\(first.stderr)")
            let path = directory + "/runs.csv"
            let whole = try Data(contentsOf: URL(fileURLWithPath: path))
            let cut = whole.dropLast(bytesCut)  // 1: only the newline; 3: into the version field
            try cut.write(to: URL(fileURLWithPath: path))
            let lastLine = String(decoding: cut.suffix(from: cut.lastIndex(of: 10)! + 1), as: UTF8.self)

            let rerun = try ExecutableProduct.run("sweep", grid + ["--out", "runs.csv"], in: directory)
            #expect(rerun.status == 0, "\(rerun.stderr)")
            #expect(rerun.stderr.contains("was cut off before its end"), "\(rerun.stderr)")
            #expect(try String(contentsOfFile: path + ".torn", encoding: .utf8) == lastLine + "\n")
            let table = try CSVReader.read(contentsOfFile: path)
            #expect(table.rows.count == 4)  // rpg and dense, two seeds; the cut-off one trained again
            #expect(Set(table.rows.map { $0[0] }).count == 4)
            let version = try #require(table.header.firstIndex(of: "version"))
            #expect(table.rows.allSatisfy { $0[version] == ParamShareVersion.current })
        }
    }

    @Test("a grid that names one cell twice trains it once", arguments: [
        ["--seeds", "0,0", "--generators", "dense"], ["--seeds", "0", "--generators", "rpg", "--budgets", "0.2k,200"],
    ])
    func duplicateCells(arguments: [String]) throws {
        try ScratchDirectory.with("sweep-safety") { directory in
            let result = try ExecutableProduct.run("sweep", ["--models", "mlp-8", "--epochs", "1", "--out", "runs.csv"] + arguments, in: directory)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("left out 1 run that repeat"), "\(result.stdout)")
            #expect(try CSVReader.read(contentsOfFile: directory + "/runs.csv").rows.count == 1)
        }
    }

    @Test("merge keeps one row of a cell run twice, whose rows differ only in timings")
    func mergeIgnoresTimings() throws {
        try ScratchDirectory.with("sweep-safety") { directory in
            for name in ["a", "b"] {
                let run = try ExecutableProduct.run("sweep", grid + ["--out", "\(name).csv"], in: directory)
                #expect(run.status == 0, "\(run.stderr)")
            }
            // Make sure the timings differ, as they would on a busy machine.
            let b = try String(contentsOfFile: directory + "/b.csv", encoding: .utf8)
            let wall = try #require(try CSVReader.read(contentsOfFile: directory + "/b.csv").header.firstIndex(of: "wall_seconds"))
            let slower = b.split(separator: "\n").enumerated().map { index, line -> String in
                guard index > 0 else { return String(line) }
                var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                fields[wall] = "999.00"
                return fields.joined(separator: ",")
            }.joined(separator: "\n") + "\n"
            try slower.write(toFile: directory + "/b.csv", atomically: true, encoding: .utf8)
            for (inputs, out) in [(["a.csv", "b.csv"], "runs.csv"), (["a.epochs.csv", "b.epochs.csv"], "epochs.csv")] {
                let merged = try ExecutableProduct.run("sweep", ["merge"] + inputs + ["--out", out], in: directory)
                #expect(merged.status == 0, "\(merged.stderr)")
            }
            #expect(try CSVReader.read(contentsOfFile: directory + "/runs.csv").rows.count == 4)
        }
    }
}
