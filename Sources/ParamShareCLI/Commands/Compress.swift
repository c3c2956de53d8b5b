import ArgumentParser
import Foundation
import ParamShare
import ParamShareArguments

/// `sweep compress`: each checkpoint quantised and pruned after training, evaluated, one row per method.
struct Compress: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Quantise (int8, int4) and prune (50 %, 90 % of the non-zeros) checkpoints' degrees of freedom, and evaluate each variant.",
        discussion: """
            Acts on what the budget counts: a generated model's banks, or the weights of the \
            layers a generator would replace in a dense, pruned or width-scaled model, so all get \
            the same treatment. Quantisation is symmetric, one Float scale per block of 64 values; \
            pruning zeroes exactly that share of the non-zero values, smallest magnitude first, \
            over all of them at once (a pruned baseline loses that share of the weights it kept).

            Appends one row per checkpoint and method to --out (methods already in the table for a \
            checkpoint are skipped): cell_id, model, generator, budget, seed, method (fp32 is the \
            checkpoint as saved), values, bytes, test_accuracy, and its change from fp32. Bytes \
            count the values at 32, 8 or 4 bits (plus a 4-byte scale per block when quantised), \
            or, where smaller, only the non-zero ones plus a one-bit mask, so already-sparse \
            models are counted as sparse storage.
            """
    )

    @Argument(help: ArgumentHelp("Checkpoints written by `sweep run --save-models`.", valueName: "checkpoint.safetensors"), transform: GivenPath.init(parsing:))
    var checkpoints: [GivenPath]

    @Option(help: "Folder holding the official files of the checkpoints' data set (not for the embedded digits).", transform: GivenPath.init(parsing:))
    var dataDir: GivenPath?

    @Option(help: "The CSV file to append rows to.", transform: GivenPath.init(parsing:))
    var out: GivenPath = try! GivenPath(parsing: "sweep-results/compress.csv")

    func run() throws {
        try SuppliedPaths(checkpoints.map { ("checkpoint", $0) } + [("--data-dir", dataDir), ("--out", out)]).naming(compress)
    }

    private func compress() throws {
        // Every checkpoint is read before the table is touched, so a bad one writes nothing.
        let checkpoints = try checkpoints.map { ($0.path, try Checkpoint(contentsOf: $0.path, registry: CommandLineRegistry.current)) }
        let table = try CSVTable(path: out.path, columns: Checkpoint.compressionColumns)
        let done = Set(zip(try table.column("cell_id"), try table.column("method")).map { "\($0) \($1)" })
        var testSets = CheckpointTestSets(dataDirectory: dataDir?.path)
        // One cell's rows once, though it be named twice (or under two paths: a link, ./x and x).
        var firstPath: [String: String] = [:]
        for (path, saved) in checkpoints {
            if let earlier = firstPath[saved.cell.identifier] {
                print("skipped \(path): it holds cell \(saved.cell.identifier), as \(earlier) does")
                continue
            }
            firstPath[saved.cell.identifier] = path
            let batches = try testSets.batches(for: saved, at: path)
            let reference = try saved.evaluate(nil, on: batches)
            for compression in [nil] + BankCompression.allCases.map(Optional.some) {
                let method = compression?.description ?? "fp32"
                guard !done.contains("\(saved.cell.identifier) \(method)") else { continue }
                let result = compression == nil ? reference : try saved.evaluate(compression, on: batches)
                try table.append(saved.compressionRow(result, reference: reference))
                print("\(saved.cell.label) \(method): \(result.bytes) bytes, test accuracy \(result.testAccuracy)")
            }
        }
        print("appended to \(out)")
    }
}
