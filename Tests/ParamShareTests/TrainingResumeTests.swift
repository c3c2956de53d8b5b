import Foundation
@testable import ParamShare
import ParamShareEngine
import Testing
import TestSupport

@Suite("Resuming a run at an epoch's end")
struct TrainingResumeTests {
    @Test("a run killed after any epoch and resumed from its snapshot file ends bit for bit as the run trained straight through",
          arguments: [1, 2])
    func resumedEqualsStraight(threads: Int) throws {
        try ScratchDirectory.with("resume") { folder in
            try ThreadCountOverride.run(threads: threads) {
                for cell in try ResumeFixture.cells() {
                    let straight = try ResumeFixture.straight(cell)
                    #expect(straight.status == .ok, "\(cell.label)")
                    for epoch in 1..<ResumeFixture.epochs {
                        let path = (folder as NSString).appendingPathComponent("\(cell.identifier)-\(epoch).safetensors")
                        try ResumeFixture.snapshot(of: cell, afterEpoch: epoch).write(to: path)
                        let snapshot = try TrainingSnapshot(contentsOf: path)
                        #expect(snapshot.epochsFinished == epoch)
                        #expect(try ResumeFixture.resumed(cell, from: snapshot) == straight, "\(cell.label) resumed after epoch \(epoch)")
                    }
                }
            }
        }
    }

    @Test("a run killed on one thread and resumed on two ends as the run trained straight through on one")
    func resumedOnOtherThreadCount() throws {
        for cell in [try ResumeFixture.cell("resnet8", "rpg", budget: "10%"), try ResumeFixture.cell("mlp-16", "hashing", optimizer: .adamw)] {
            let (straight, snapshot) = try ThreadCountOverride.run(threads: 1) {
                (try ResumeFixture.straight(cell), try ResumeFixture.snapshot(of: cell, afterEpoch: 2))
            }
            #expect(try ThreadCountOverride.run(threads: 2) { try ResumeFixture.resumed(cell, from: snapshot) } == straight, "\(cell.label)")
        }
    }

    @Test("every registered generator and baseline, and dense, resumes bit for bit: none keeps state outside the snapshot")
    func everyGeneratorResumes() throws {
        let names = [nil] + GeneratorRegistry.builtIn.descriptors.map(\.name)
        for name in names {
            let cell = try ResumeFixture.cell("mlp-16", name, optimizer: .adamw)
            #expect(try ResumeFixture.resumed(cell, from: ResumeFixture.snapshot(of: cell, afterEpoch: 2)) == ResumeFixture.straight(cell),
                    "\(cell.label)")
        }
    }

    @Test("gradual pruning resumed inside its schedule takes up its partial masks")
    func resumedInsidePruningSchedule() throws {
        let cell = try ResumeFixture.cell("mlp-16", "pruned", options: ["schedule": "gradual"], optimizer: .adamw)
        // Epoch 2 ends at step 12, between the schedule's first pruning step (9) and its last (17).
        let snapshot = try ResumeFixture.snapshot(of: cell, afterEpoch: 2)
        let masks = snapshot.tensors.filter { $0.name.hasPrefix("intervention.pruned.") }
        let pruned = masks.reduce(0) { $0 + $1.entry.values.filter { $0 == 1 }.count }
        let final = try #require(ResumeFixture.straight(cell).intervention).tensors.values.reduce(0) { $0 + $1.values.filter { $0 == 1 }.count }
        #expect(!masks.isEmpty && pruned > 0 && pruned < final)
        #expect(snapshot.interventionNumbers["steps_taken"] == 12)
        #expect(try ResumeFixture.resumed(cell, from: snapshot) == ResumeFixture.straight(cell))
    }

    @Test("the optimiser's state and the pruning masks are needed: a snapshot without them resumes to other bits")
    func everyPartIsNeeded() throws {
        let sgd = try ResumeFixture.cell("mlp-16", "rpg")
        var snapshot = try ResumeFixture.snapshot(of: sgd, afterEpoch: 2)
        snapshot.tensors = snapshot.tensors.map { item in
            item.name.hasPrefix("optimizer.") ? (item.name, SafetensorsFile.Entry(shape: item.entry.shape, values: item.entry.values.map { _ in 0 })) : item
        }
        #expect(try ResumeFixture.resumed(sgd, from: snapshot) != ResumeFixture.straight(sgd))

        // One-shot pruning happens at step 17, in epoch 3; after it, the masks hold it.
        let pruned = try ResumeFixture.cell("mlp-16", "pruned", options: ["schedule": "oneshot"])
        var masked = try ResumeFixture.snapshot(of: pruned, afterEpoch: 3)
        masked.tensors = masked.tensors.map { item in
            item.name.hasPrefix("intervention.") ? (item.name, SafetensorsFile.Entry(shape: item.entry.shape, values: item.entry.values.map { _ in 0 })) : item
        }
        #expect(try ResumeFixture.resumed(pruned, from: masked) != ResumeFixture.straight(pruned))
    }

    @Test("a snapshot holds the run's position: its epoch records, global step and the first batch's loss, read back exactly")
    func positionRoundTrips() throws {
        try ScratchDirectory.with("resume") { folder in
            let cell = try ResumeFixture.cell("mlp-16", "hashing", optimizer: .adamw)
            let taken = try ResumeFixture.snapshot(of: cell, afterEpoch: 3)
            let path = (folder as NSString).appendingPathComponent("snapshot.safetensors")
            try taken.write(to: path)
            let read = try TrainingSnapshot(contentsOf: path)
            #expect(read.step == 18 && read.optimizerSteps == 18 && read.run == cell.identifier && read.path == path)
            #expect(read.records.map { TrainingSnapshot.fields(of: $0).map(\.bitPattern) } == taken.records.map { TrainingSnapshot.fields(of: $0).map(\.bitPattern) })
            #expect(read.firstBatchLoss != nil && read.firstBatchLoss?.bitPattern == taken.firstBatchLoss?.bitPattern)
            #expect(read.seconds == taken.seconds && read.seconds > 0)
            #expect(read.tensors.map(\.name) == taken.tensors.map(\.name) && read.tensors.map(\.entry) == taken.tensors.map(\.entry))
        }
    }
}
