import Foundation
import ParamShare
import Testing
import TestSupport

/// `sweep tune` and `sweep run --tuned` as a user runs them.
@Suite("sweep tune")
struct TuneCommandTests {
    private let grid = ["--models", "mlp-32", "--generators", "rpg,dense", "--budgets", "2k", "--epochs", "3", "--seeds", "0",
                        "--validation", "20%", "--jobs", "1", "--threads", "1"]
    private let space = ["--search", "lr=log:0.003:0.3:9"]

    @Test("tune without a validation part, without a space, or setting a searched flag, is refused before anything is written")
    func refusals() throws {
        try ScratchDirectory.with("tune-refusals") { folder in
            let cases: [([String], String)] = [
                (grid.filter { $0 != "--validation" && $0 != "20%" } + space, "--validation"),
                (grid, "--search"),
                (grid + space + ["--lr", "0.1"], "--lr"),
                (grid + ["--search", "lr=0.1"], "one configuration"),
                (grid + ["--search", "lr=0.1,fast"], "lr"),
            ]
            for (arguments, culprit) in cases {
                let result = try ExecutableProduct.run("sweep", ["tune"] + arguments + ["--out", "t.csv"], in: folder)
                #expect(result.status != 0)
                #expect(result.stderr.contains(culprit), "\(result.stderr)")
                #expect(!FileManager.default.fileExists(atPath: folder + "/t.csv"))
            }
        }
    }

    @Test("a search killed with SIGKILL resumes and selects what an uninterrupted search selects; run --tuned trains at the selection")
    func killResumeAndRun() throws {
        let whole = try ScratchDirectory.make("tune-whole"), killed = try ScratchDirectory.make("tune-killed")
        defer { for folder in [whole, killed] { try? FileManager.default.removeItem(atPath: folder) } }
        let arguments = ["tune"] + grid + space + ["--out", "trials.csv"]
        let uninterrupted = try ExecutableProduct.run("sweep", arguments, in: whole)
        #expect(uninterrupted.status == 0, "\(uninterrupted.stderr)")
        // The summary says which selections are the smallest or largest rate tried, and only those.
        let chosen = try CSVReader.read(contentsOfFile: whole + "/trials.selection.csv")
        let rates = chosen.rows.map { $0[chosen.header.firstIndex(of: "lr")!] }
        let summary = uninterrupted.stdout.split(separator: "\n").filter { $0.contains("validation accuracy") }
        #expect(summary.count == rates.count)
        #expect(summary.filter { $0.contains("at an end of the range searched: lr") }.count == rates.filter { ["0.003", "0.3"].contains($0) }.count,
                "\(summary) for rates \(rates)")

        let process = try ExecutableProduct.start("sweep", arguments, in: killed)
        let deadline = Date().addingTimeInterval(120)
        func rows() -> Int { ((try? String(contentsOfFile: killed + "/trials.csv", encoding: .utf8)) ?? "").split(separator: "\n").count - 1 }
        while rows() < 4 && process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(!FileManager.default.fileExists(atPath: killed + "/trials.selection.csv"), "the search finished before it was killed")
        let resumed = try ExecutableProduct.run("sweep", arguments, in: killed)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let selection = { (folder: String) in try String(contentsOfFile: folder + "/trials.selection.csv", encoding: .utf8) }
        #expect(try selection(killed) == selection(whole))
        let ids = try CSVReader.read(contentsOfFile: killed + "/trials.csv").rows.map { $0[0] }
        #expect(ids.count == Set(ids).count)
        #expect(Set(ids) == Set(try CSVReader.read(contentsOfFile: whole + "/trials.csv").rows.map { $0[0] }))

        let run = try ExecutableProduct.run("sweep", ["run", "--models", "mlp-32", "--generators", "rpg,dense", "--budgets", "2k",
                                                      "--epochs", "3", "--seeds", "0,1", "--tuned", "trials.selection.csv",
                                                      "--out", "tuned.csv", "--no-analysis"], in: whole)
        #expect(run.status == 0, "\(run.stderr)")
        let table = try CSVReader.read(contentsOfFile: whole + "/tuned.csv")
        let search = try String(contentsOfFile: whole + "/trials.selection.csv", encoding: .utf8).split(separator: "\n")[1].prefix(16)
        let tuning = table.header.firstIndex(of: "tuning")!, lr = table.header.firstIndex(of: "lr")!
        #expect(table.rows.count == 4)
        #expect(table.rows.allSatisfy { $0[tuning] == String(search) })
        let selected = try CSVReader.read(contentsOfFile: whole + "/trials.selection.csv")
        let selectedLR = Set(selected.rows.map { $0[selected.header.firstIndex(of: "lr")!] })
        #expect(Set(table.rows.map { "\(Double($0[lr])!)" }) == selectedLR)
    }
}
