import ArgumentParser
import Foundation
import ParamShare
import ParamShareArguments
import ParamShareEngine

/// `sweep eval`: the test accuracy of a saved model, rebuilt from its checkpoint.
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a checkpoint written by `sweep run --save-models` on its test set.",
        discussion: """
            Rebuilds the model from the checkpoint's settings (every generated weight regenerated \
            from its seed and the stored bank), loads the stored values, and evaluates the test \
            set the run used, with the normalisation it trained with. Prints the accuracy and \
            whether it equals the one the run recorded.

            Example:
              swift run -c release sweep --models lenet5 --generators rpg \\
                  --budgets 10% --seeds 0 --save-models models --out runs.csv
              swift run -c release sweep eval models/CELL_ID.safetensors
            """
    )

    @Argument(help: ArgumentHelp("A checkpoint written by `sweep run --save-models`.", valueName: "checkpoint.safetensors"), transform: GivenPath.init(parsing:))
    var checkpoint: GivenPath

    @Option(help: "Folder holding the official files of the checkpoint's data set (not for the embedded digits).", transform: GivenPath.init(parsing:))
    var dataDir: GivenPath?

    @Option(help: ArgumentHelp("Write every test image's logits to this CSV (image, label, logit_0, …).", valueName: "logits.csv"), transform: GivenPath.init(parsing:))
    var dumpLogits: GivenPath?

    @Option(help: "Evaluate with this operand precision, fp32 or bf16, rather than the one the run trained with.")
    var precision: ComputePrecision?

    func run() throws {
        try SuppliedPaths([("checkpoint", checkpoint), ("--data-dir", dataDir), ("--dump-logits", dumpLogits)]).naming(evaluate)
    }

    private func evaluate() throws {
        // The output first: a path that cannot be written should not wait for a model and its data.
        if let dumpLogits {
            if FileManager.default.fileExists(atPath: dumpLogits.path) {
                throw ValidationError("--dump-logits \(dumpLogits) exists; remove it or name another file")
            }
            try OutputLocation.prepareFolder(of: dumpLogits.path)
        }
        let saved = try Checkpoint(contentsOf: checkpoint.path, registry: CommandLineRegistry.current)
        let model = try saved.restoredModel()
        let trained = saved.cell.configuration.precision, evaluated = precision ?? trained
        model.network.setPrecision(evaluated)
        if DatasetName(rawValue: saved.cell.data.dataset)?.isEmbedded == true, dataDir != nil {
            throw ValidationError("--data-dir does not apply to the embedded digits set")
        }
        var testSets = CheckpointTestSets(dataDirectory: dataDir?.path)
        // The trainer's own evaluation, so that the accuracy is computed as the run's was.
        let batches = try testSets.batches(for: saved, at: checkpoint.path)
        let accuracy = try Trainer.accuracy(of: model.network, on: batches)
        print("\(saved.cell.label): test accuracy \(accuracy) on \(batches.dataset.count) images"
              + (evaluated == trained ? "" : " with \(evaluated.rawValue) operands"))
        if let recorded = saved.testAccuracy {
            print(evaluated != trained ? "the run recorded \(recorded) with \(trained.rawValue) operands"
                  : recorded == accuracy ? "equal to the accuracy the run recorded" : "the run recorded \(recorded)")
        }
        if let dumpLogits {
            var rows: [[String]] = []
            try batches.forEachBatch(epoch: 0) { batch in
                let logits = model.network.forward(batch.images, mode: .inference)
                let classes = logits.shape[1]
                for (item, label) in batch.labels.enumerated() {
                    rows.append([String(rows.count), String(label)] + (0..<classes).map { "\(logits[item * classes + $0])" })
                }
                return true
            }
            let table = try CSVTable(path: dumpLogits.path, columns: ["image", "label"] + (0..<saved.classes).map { "logit_\($0)" })
            try table.append(rows: rows)
            print("wrote \(dumpLogits)")
        }
    }
}
