import Foundation
import ParamShareEngine

/// A run's state at the end of an epoch: everything the rest of the run depends on, so that a
/// run resumed from it (`Trainer.train(_:on:run:resumingFrom:keep:)`) ends bit for bit as the
/// same run trained straight through.
///
/// The data needs no state: each epoch's order and augmentation are drawn from (seed, epoch).
/// The rest is here: every parameter (banks, weights, batch norm's γ and β) and batch norm's
/// running statistics (`model.NAME`, named as in a ``Checkpoint``), the optimiser's state
/// (`optimizer.KIND.PARAMETER` and its step count), the intervention's state
/// (`intervention.NAME`, ``InterventionState``), the global step, the epoch records so far,
/// the failure detector's first batch loss and the seconds spent. Generator tables and fixed
/// maps are not: they are rebuilt from the seed with the model.
///
/// The file is safetensors, as a checkpoint is, with the positions in its metadata; numbers
/// are written as Swift's shortest round-trip decimals, so they read back bit for bit.
public struct TrainingSnapshot {
    /// The `format` metadata of files this version writes and reads; another format is refused.
    package static let format = "paramshare-training-snapshot-1"
    /// What every refusal of a snapshot tells the user to do.
    static let fix = "Delete it to restart the run from its first epoch."

    /// The run the state belongs to (a sweep's `cell_id`); a run of another identity refuses it.
    package var run: String
    /// Epochs finished when the state was taken; the resumed run starts with the next.
    public var epochsFinished: Int { records.count }
    /// The file it was read from; `nil` for a snapshot taken in memory.
    public internal(set) var path: String?
    /// The global step after the last finished epoch.
    var step: Int
    var records: [EpochRecord]
    /// The failure detector's state.
    var firstBatchLoss: Double?
    /// Wall-clock seconds the run has spent up to the snapshot, over all its parts.
    var seconds: Double
    var optimizerSteps: Int
    /// `model.…`, `optimizer.…` and `intervention.…` tensors.
    var tensors: [(name: String, entry: SafetensorsFile.Entry)]
    var interventionNumbers: [String: Double]

    /// The state of a run called `run` at `position`, copied out of its live objects.
    init(run: String, model: Sequential<Float>, optimizer: any Optimizer<Float>, intervention: (any TrainingIntervention)?,
         position: TrainingPosition) {
        func entry(_ tensor: Tensor<Float>) -> SafetensorsFile.Entry { SafetensorsFile.Entry(shape: tensor.shape, values: tensor.scalars) }
        let state = intervention?.savedState() ?? InterventionState()
        self.run = run
        step = position.step
        records = position.records
        firstBatchLoss = position.detector.initialLoss
        seconds = position.earlierSeconds
        optimizerSteps = optimizer.stepsTaken
        tensors = Checkpoint.state(of: model).map { ("model.\($0.name)", entry($0.tensor)) }
            + optimizer.stateTensors.map { ("optimizer.\($0.name)", entry($0.tensor)) }
            + state.tensors.sorted { $0.key < $1.key }.map { ("intervention.\($0.key)", $0.value) }
        interventionNumbers = state.numbers
        path = nil
    }

    /// The metadata block: the positions, each epoch record as `epoch.N`, the intervention's numbers.
    var metadata: [String: String] {
        var fields = [
            "format": Self.format, "library_version": ParamShareVersion.current, "run": run,
            "epochs_finished": String(epochsFinished), "step": String(step), "optimizer_steps": String(optimizerSteps),
            "seconds": "\(seconds)",
        ]
        if let firstBatchLoss { fields["first_batch_loss"] = "\(firstBatchLoss)" }
        for record in records { fields["epoch.\(record.epoch)"] = Self.fields(of: record).map { "\($0)" }.joined(separator: ",") }
        for (name, value) in interventionNumbers { fields["intervention.\(name)"] = "\(value)" }
        return fields
    }

    /// The numbers of an epoch record, in the order of its `epoch.N` metadata field.
    static func fields(of record: EpochRecord) -> [Double] {
        [record.trainLoss, record.trainAccuracy, record.testAccuracy, record.validationAccuracy, record.validationLoss,
         record.learningRate, record.seconds]
    }

    /// Writes the snapshot at `path` whole or not at all (a temporary file beside it, renamed
    /// over the previous snapshot), so that a kill at any moment leaves the last whole snapshot.
    public func write(to path: String) throws {
        try SafetensorsFile(tensors: tensors, metadata: metadata).write(to: path)
    }
}
