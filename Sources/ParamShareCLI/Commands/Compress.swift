import ArgumentParser
import Foundation
import ParamShare

/// `sweep compress`: each checkpoint quantised and pruned after training, evaluated, one row per method.
struct Compress: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Quantise (int8, int4) and prune (50 %, 90 % zeros) checkpoints' degrees of freedom, and evaluate each variant.",
        discussion: """
            Acts on what the budget counts: a generated model's banks, or the weights of the
            layers a generator would replace in a dense, pruned or width-scaled model, so all get
            the same treatment. Quantisation is symmetric, one Float scale per block of 64 values;
            pruning zeroes exactly that share of the values, smallest magnitude first, over all
            of them at once. Appends one row per checkpoint and method to --out (methods already
            in the table for a checkpoint are skipped): cell_id, model, generator, budget, seed,
            method (fp32 is the checkpoint as saved), values, bytes, test_accuracy, and its change from fp32. Bytes count the values at 32, 8 or 4 bits
            (plus a 4-byte scale per block when quantised), or, where smaller, only the non-zero
            ones plus a one-bit mask, so already-sparse models are counted as sparse storage.
            """
    )

    @Argument(help: ArgumentHelp("Checkpoints written by `sweep run --save-models`.", valueName: "checkpoint.safetensors"))
    var checkpoints: [String]

    @Option(help: "Folder holding the official files of the checkpoints' data set (not for the embedded digits).")
    var dataDir: String?

    @Option(help: "The CSV file to append rows to.")
    var out: String = "sweep-results/compress.csv"

    static let columns = ["cell_id", "model", "dataset", "generator", "budget", "seed", "method", "values", "bytes", "test_accuracy",
                          "accuracy_change", "version"]

    func run() throws {
        // Every checkpoint is read before the table is touched, so a bad one writes nothing.
        let checkpoints = try checkpoints.map { ($0, try Checkpoint(contentsOf: $0, registry: CommandLineRegistry.current)) }
        let table = try CSVTable(path: out, columns: Self.columns)
        let done = Set(zip(try table.column("cell_id"), try table.column("method")).map { "\($0) \($1)" })
        var testSets = CheckpointTestSets(dataDirectory: dataDir)
        for (path, saved) in checkpoints {
            let batches = try testSets.batches(for: saved, at: path)
            /// The values compressed, their bytes and the test accuracy, after `compression` (none: as saved).
            func evaluate(_ compression: BankCompression?) throws -> (values: Int, bytes: Int, accuracy: Double) {
                let model = try saved.restoredModel()
                let tensors = BankCompression.budgetedTensors(of: model.network, cell: saved.cell, inputShape: saved.inputShape,
                                                              classes: saved.classes)
                let values = tensors.reduce(0) { $0 + $1.count }
                let bytes = compression?.apply(to: tensors) ?? BankCompression.storedBytes(of: tensors, bitsPerValue: 32, scales: 0)
                return (values, bytes, Trainer.accuracy(of: model.network, on: batches))
            }
            let reference = try evaluate(nil)
            for compression in [nil] + BankCompression.allCases.map(Optional.some) {
                let method = compression?.description ?? "fp32"
                guard !done.contains("\(saved.cell.identifier) \(method)") else { continue }
                let result = compression == nil ? reference : try evaluate(compression)
                try table.append([saved.cell.identifier, "\(saved.cell.architecture)", saved.cell.data.dataset, saved.cell.generatorName,
                                  saved.cell.budgetText, String(saved.cell.configuration.seed), method, String(result.values),
                                  String(result.bytes), "\(result.accuracy)", "\(result.accuracy - reference.accuracy)",
                                  ParamShareVersion.current])
                print("\(saved.cell.label) \(method): \(result.bytes) bytes, test accuracy \(result.accuracy)")
            }
        }
        print("appended to \(out)")
    }
}
