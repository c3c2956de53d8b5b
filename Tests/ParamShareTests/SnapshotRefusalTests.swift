import Foundation
@testable import ParamShare
import ParamShareEngine
import Testing
import TestSupport

@Suite("Snapshots that cannot be resumed")
struct SnapshotRefusalTests {
    /// A folder holding the snapshot of `cell` after epoch 2, and that snapshot's path.
    private static func written(_ cell: SweepCell) throws -> (folder: String, path: String) {
        let folder = try ScratchDirectory.make("snapshot-refusal")
        let path = (folder as NSString).appendingPathComponent("\(cell.identifier).safetensors")
        try ResumeFixture.snapshot(of: cell, afterEpoch: 2).write(to: path)
        return (folder, path)
    }

    /// The error of resuming `cell` from `snapshot`, checking that the model was left as built.
    private static func refusal(resuming cell: SweepCell, from snapshot: TrainingSnapshot) throws -> FileError {
        let model = try CellModel(building: cell, inputShape: ResumeFixture.data.train.imageShape, classes: 4)
        let built = Checkpoint.state(of: model.network).map(\.tensor.scalars)
        let error = try #require(throws: FileError.self) {
            _ = try ResumeFixture.trainer(for: cell, model: model).train(model.network, on: ResumeFixture.data, run: cell.identifier,
                                                                        resumingFrom: snapshot) { _ in }
        }
        #expect(Checkpoint.state(of: model.network).map(\.tensor.scalars) == built, "a refused snapshot changed the model")
        #expect(error.fix.contains("Delete it"))
        return error
    }

    @Test("a snapshot cut short, or not safetensors at all, is refused with its path and the fix")
    func truncatedOrCorrupt() throws {
        let (folder, path) = try Self.written(try ResumeFixture.cell("mlp-16", "rpg"))
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        for damaged in [bytes.prefix(bytes.count - 100), bytes.prefix(5), Data("not a snapshot at all".utf8)] {
            try damaged.write(to: URL(fileURLWithPath: path))
            let error = try #require(throws: FileError.self) { try TrainingSnapshot(contentsOf: path) }
            #expect(error.path == path)
            #expect(error.description.contains("Delete it to restart the run"))
        }
    }

    @Test("a checkpoint, or a snapshot of another ParamShare version, is refused by its metadata")
    func otherFormatOrVersion() throws {
        let (folder, path) = try Self.written(try ResumeFixture.cell("mlp-16", "rpg"))
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var file = try SafetensorsFile(contentsOf: path)
        file.metadata["library_version"] = "0.0.1"
        try file.write(to: path)
        let version = try #require(throws: FileError.self) { try TrainingSnapshot(contentsOf: path) }
        #expect(version.problem.contains("0.0.1") && version.fix.contains("Delete it"))
        file.metadata["format"] = Checkpoint.format
        try file.write(to: path)
        let format = try #require(throws: FileError.self) { try TrainingSnapshot(contentsOf: path) }
        #expect(format.problem.contains(TrainingSnapshot.format) && format.path == path)
    }

    @Test("a snapshot of another run is refused, naming both runs")
    func anotherRun() throws {
        let rpg = try ResumeFixture.cell("mlp-16", "rpg"), hashing = try ResumeFixture.cell("mlp-16", "hashing")
        let error = try Self.refusal(resuming: hashing, from: ResumeFixture.snapshot(of: rpg, afterEpoch: 2))
        #expect(error.problem.contains(rpg.identifier) && error.problem.contains(hashing.identifier))
    }

    @Test("a snapshot whose tensors differ from the run's model, or that lacks or holds an intervention's state, is refused by name")
    func otherShapes() throws {
        let narrow = try ResumeFixture.cell("mlp-16", "rpg"), wide = try ResumeFixture.cell("mlp-32", "rpg")
        var snapshot = try ResumeFixture.snapshot(of: narrow, afterEpoch: 2)
        snapshot.run = wide.identifier
        #expect(try Self.refusal(resuming: wide, from: snapshot).problem.contains("model."))

        let pruned = try ResumeFixture.cell("mlp-16", "pruned"), dense = try ResumeFixture.cell("mlp-16", nil)
        var prunedSnapshot = try ResumeFixture.snapshot(of: pruned, afterEpoch: 2)
        prunedSnapshot.run = dense.identifier
        #expect(try Self.refusal(resuming: dense, from: prunedSnapshot).problem.contains("intervention"))
        var denseSnapshot = try ResumeFixture.snapshot(of: dense, afterEpoch: 2)
        denseSnapshot.run = pruned.identifier
        #expect(try Self.refusal(resuming: pruned, from: denseSnapshot).problem.contains("intervention"))
    }

    @Test("a snapshot from a run of other epochs or batches is refused")
    func otherPosition() throws {
        let cell = try ResumeFixture.cell("mlp-16", "rpg")
        var snapshot = try ResumeFixture.snapshot(of: cell, afterEpoch: 2)
        snapshot.step += 1
        #expect(try Self.refusal(resuming: cell, from: snapshot).problem.contains("step"))
    }
}
