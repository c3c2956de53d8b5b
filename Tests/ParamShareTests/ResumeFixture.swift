@testable import ParamShare
import ParamShareEngine

/// Small runs to kill and resume: seeded random images (3×8×8, 4 classes; 48 to train on in
/// 6 batches, 16 to test), 4 epochs, and cells of each kind whose state a resume must carry.
enum ResumeFixture {
    static let data: DatasetSplit = {
        let random = RandomSource(seed: 11)
        func images(_ count: Int) -> ImageDataset {
            ImageDataset(name: "toy", imageShape: [3, 8, 8], classes: 4, pixels: (0..<count * 192).map { _ in UInt8(random.integer(below: 256)) },
                         labels: (0..<count).map { _ in Int32(random.integer(below: 4)) }, pixelScale: 255)
        }
        return DatasetSplit(train: images(48), test: images(16))
    }()

    static let epochs = 4

    /// `generator` at `budget` of `model` (`nil`: dense), trained with `optimizer`; `options` are the generator's.
    static func cell(_ model: String, _ generator: String?, budget: String = "30%", options: [String: String] = [:],
                     optimizer: TrainingConfiguration.OptimizerChoice = .sgd) throws -> SweepCell {
        let sharing = try generator.map { name in
            SharingSetting(generator: try GeneratorSetting(GeneratorRegistry.builtIn.descriptor(named: name)!, options: options),
                           budget: try BudgetSpecification(parsing: budget))
        }
        return SweepCell(architecture: Architecture(name: model)!, sharing: sharing, data: DataSubset(data),
                         configuration: TrainingConfiguration(epochs: epochs, batchSize: 8, optimizer: optimizer, learningRate: 0.05,
                                                              weightDecay: 5e-4, labelSmoothing: 0.1, seed: 5))
    }

    /// The cells of the bit-identity tests: RPG (a trained bank), hashing, and pruning whose
    /// masks and step accounting cross the resume point (one-shot at step 17 of 24, in epoch
    /// 3; gradual over steps 9–17), on an MLP and on ResNet-8, under SGD and AdamW.
    static func cells() throws -> [SweepCell] {
        [
            try cell("mlp-16", "rpg"),
            try cell("mlp-16", "hashing", optimizer: .adamw),
            try cell("mlp-16", "pruned", options: ["schedule": "oneshot"]),
            try cell("mlp-16", "pruned", options: ["schedule": "gradual"], optimizer: .adamw),
            try cell("resnet8", "rpg", budget: "10%"),
            try cell("resnet8", "pruned", budget: "10%", options: ["schedule": "gradual"], optimizer: .adamw),
        ]
    }

    /// Stops a run right after a snapshot, as a kill between two epochs would.
    struct Killed: Error {}

    /// What a run ends with: every parameter and statistic's bits, the epoch records without
    /// their seconds, the status, and the intervention's state and mean trained DoF.
    struct Outcome: Equatable {
        var state: [String: [UInt32]]
        var records: [[Double]]
        var status: RunStatus
        var intervention: InterventionState?
        var meanTrainedDegreesOfFreedom: Double?

        init(model: CellModel, result: TrainingResult) {
            state = Dictionary(uniqueKeysWithValues: Checkpoint.state(of: model.network).map { ($0.name, $0.tensor.scalars.map(\.bitPattern)) })
            // NaN ≠ NaN: bit patterns compare what an untested split leaves as NaN.
            records = result.epochs.map { record in TrainingSnapshot.fields(of: record).dropLast().map { Double(bitPattern: $0.bitPattern) } }
            status = result.status
            intervention = model.intervention?.savedState()
            meanTrainedDegreesOfFreedom = model.intervention?.meanTrainedDegreesOfFreedom
        }

        static func == (lhs: Outcome, rhs: Outcome) -> Bool {
            lhs.state == rhs.state && lhs.records.map { $0.map(\.bitPattern) } == rhs.records.map { $0.map(\.bitPattern) }
                && lhs.status == rhs.status && lhs.intervention == rhs.intervention
                && lhs.meanTrainedDegreesOfFreedom?.bitPattern == rhs.meanTrainedDegreesOfFreedom?.bitPattern
        }
    }

    static func trainer(for cell: SweepCell, model: CellModel) -> Trainer {
        Trainer(configuration: cell.configuration, intervention: model.intervention)
    }

    /// `cell` trained straight through, keeping no snapshot.
    static func straight(_ cell: SweepCell) throws -> Outcome {
        let model = try CellModel(building: cell, inputShape: data.train.imageShape, classes: data.train.classes)
        return Outcome(model: model, result: try trainer(for: cell, model: model).train(model.network, on: data))
    }

    /// `cell` trained until its snapshot after epoch `epoch`, which is returned.
    static func snapshot(of cell: SweepCell, afterEpoch epoch: Int) throws -> TrainingSnapshot {
        let model = try CellModel(building: cell, inputShape: data.train.imageShape, classes: data.train.classes)
        var kept: TrainingSnapshot?
        do {
            _ = try trainer(for: cell, model: model).train(model.network, on: data, run: cell.identifier) { snapshot in
                guard snapshot.epochsFinished == epoch else { return }
                kept = snapshot
                throw Killed()
            }
        } catch is Killed {}
        return kept!
    }

    /// `cell` trained in a new process's objects from `snapshot`.
    static func resumed(_ cell: SweepCell, from snapshot: TrainingSnapshot) throws -> Outcome {
        let model = try CellModel(building: cell, inputShape: data.train.imageShape, classes: data.train.classes)
        let result = try trainer(for: cell, model: model).train(model.network, on: data, run: cell.identifier, resumingFrom: snapshot) { _ in }
        return Outcome(model: model, result: result)
    }
}
