import Foundation
@testable import ParamShare
import ParamShareEngine
import Synchronization
import Testing
import TestSupport

@Suite("Sweeps resuming a run at its last finished epoch")
struct SweepResumeTests {
    private static func runner(_ cells: [SweepCell], in folder: String) -> SweepRunner {
        let runs = (folder as NSString).appendingPathComponent("runs.csv")
        return SweepRunner(cells: cells, data: ResumeFixture.data, runsPath: runs, epochsPath: SweepRunner.epochsPath(forRunsAt: runs))
    }

    /// The table at `path` without the column `timing`, which differs between any two runs.
    private static func rows(_ path: String, without timing: String) throws -> [[String]] {
        let document = try CSVReader.read(contentsOfFile: path)
        let column = try #require(document.header.firstIndex(of: timing))
        return ([document.header] + document.rows).map { row in row.enumerated().filter { $0.offset != column }.map(\.element) }
    }

    @Test("a sweep killed after epoch k takes up the run's snapshot, says so, and writes the rows the uninterrupted sweep wrote",
          arguments: [1, 2])
    func killedSweepResumes(threads: Int) throws {
        let straight = try ScratchDirectory.make("sweep-straight"), killed = try ScratchDirectory.make("sweep-killed")
        defer { for folder in [straight, killed] { try? FileManager.default.removeItem(atPath: folder) } }
        let cells = [try ResumeFixture.cell("resnet8", "rpg", budget: "10%"),
                     try ResumeFixture.cell("mlp-16", "pruned", options: ["schedule": "gradual"], optimizer: .adamw)]
        let uninterrupted = Self.runner(cells, in: straight), interrupted = Self.runner(cells, in: killed)
        try FileManager.default.createDirectory(atPath: SweepRunner.snapshotDirectory(forRunsAt: interrupted.runsPath),
                                                withIntermediateDirectories: true)
        // What a kill after epoch 2 leaves: each run's snapshot of that epoch, and no row.
        let copied = Mutex(0)
        let (from, to) = (uninterrupted.runsPath, interrupted.runsPath)
        try ThreadCountOverride.run(threads: threads) {
            _ = try uninterrupted.run { event in
                guard case let .progress(label, progress) = event, progress.finishedEpoch?.epoch == 2,
                      let cell = cells.first(where: { $0.label == label }) else { return }
                try? FileManager.default.copyItem(atPath: SweepRunner.snapshotPath(of: cell, forRunsAt: from),
                                                  toPath: SweepRunner.snapshotPath(of: cell, forRunsAt: to))
                copied.withLock { $0 += 1 }
            }
        }
        #expect(copied.withLock { $0 } == cells.count)
        #expect(!FileManager.default.fileExists(atPath: SweepRunner.snapshotDirectory(forRunsAt: uninterrupted.runsPath)),
                "the rows' writing deletes the snapshots, and their folder once empty")

        let resumed = Mutex<[String: Int]>([:])
        try ThreadCountOverride.run(threads: threads) {
            _ = try interrupted.run { event in
                if case let .resumed(label, path, epochs) = event {
                    resumed.withLock { $0[label] = epochs }
                    #expect(path.hasPrefix(SweepRunner.snapshotDirectory(forRunsAt: to)))
                }
            }
        }
        #expect(resumed.withLock { $0 } == Dictionary(uniqueKeysWithValues: cells.map { ($0.label, 2) }))
        #expect(try Self.rows(interrupted.runsPath, without: "wall_seconds") == Self.rows(uninterrupted.runsPath, without: "wall_seconds"))
        #expect(try Self.rows(interrupted.epochsPath, without: "seconds") == Self.rows(uninterrupted.epochsPath, without: "seconds"))
        #expect(!FileManager.default.fileExists(atPath: SweepRunner.snapshotDirectory(forRunsAt: interrupted.runsPath)))
    }

    @Test("a snapshot of another cell, or cut short, stops the sweep with the file and the fix, and the cell gets no row until it is deleted")
    func refusedSnapshot() throws {
        try ScratchDirectory.with("sweep-refused") { folder in
            let rpg = try ResumeFixture.cell("mlp-16", "rpg"), hashing = try ResumeFixture.cell("mlp-16", "hashing")
            let runner = Self.runner([hashing], in: folder)
            let path = SweepRunner.snapshotPath(of: hashing, forRunsAt: runner.runsPath)
            try FileManager.default.createDirectory(atPath: SweepRunner.snapshotDirectory(forRunsAt: runner.runsPath), withIntermediateDirectories: true)
            try ResumeFixture.snapshot(of: rpg, afterEpoch: 1).write(to: path)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            for snapshot in [bytes, bytes.prefix(bytes.count / 2)] {
                try snapshot.write(to: URL(fileURLWithPath: path))
                let error = try #require(throws: FileError.self) { _ = try runner.run() }
                #expect(error.path == path && error.description.contains("Delete it to restart the run"))
                #expect(try CSVReader.read(contentsOfFile: runner.runsPath).rows.isEmpty)
                #expect(FileManager.default.fileExists(atPath: path), "a refused snapshot is the user's to delete")
            }
            try FileManager.default.removeItem(atPath: path)
            #expect(try runner.run().count == 1)
        }
    }

    @Test("a temporary file a killed writer left is removed and never read; a snapshot of a finished run is deleted")
    func staleFiles() throws {
        try ScratchDirectory.with("sweep-stale") { folder in
            let cell = try ResumeFixture.cell("mlp-16", "rpg")
            let runner = Self.runner([cell], in: folder)
            let path = SweepRunner.snapshotPath(of: cell, forRunsAt: runner.runsPath)
            try FileManager.default.createDirectory(atPath: SweepRunner.snapshotDirectory(forRunsAt: runner.runsPath), withIntermediateDirectories: true)
            let stale = path + ".partial-999999"
            try Data("half a snapshot".utf8).write(to: URL(fileURLWithPath: stale))
            let resumed = Mutex(false)
            #expect(try runner.run { if case .resumed = $0 { resumed.withLock { $0 = true } } }.count == 1)
            #expect(!resumed.withLock { $0 })
            #expect(!FileManager.default.fileExists(atPath: stale))

            // A kill between the row and the snapshot's deletion leaves both.
            try FileManager.default.createDirectory(atPath: SweepRunner.snapshotDirectory(forRunsAt: runner.runsPath), withIntermediateDirectories: true)
            try ResumeFixture.snapshot(of: cell, afterEpoch: 1).write(to: path)
            #expect(try runner.run().isEmpty)
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }
}
