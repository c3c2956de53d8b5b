import ArgumentParser
import Foundation
import ParamShare
import ParamShareArguments

/// `sweep export`: a checkpoint's materialised dense weights, as PyTorch names them.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a checkpoint's every layer weight, generated ones materialised, as a safetensors file PyTorch loads.",
        discussion: """
            The tensors are named and laid out as the models of Benchmarks/pytorch_reference.py: \
            OIHW convolutions, [out, in] linear weights, batch norms as weight, bias, running_mean \
            and running_var. The checkpoint's metadata is copied over. In Python:

              from safetensors.torch import load_file
              model.load_state_dict(load_file("dense.safetensors"), strict=False)

            (strict=False because PyTorch's batch norms also keep num_batches_tracked.)
            """
    )

    @Argument(help: ArgumentHelp("A checkpoint written by `sweep run --save-models`.", valueName: "checkpoint.safetensors"), transform: GivenPath.init(parsing:))
    var checkpoint: GivenPath

    @Option(help: ArgumentHelp("Where to write the dense weights.", valueName: "out.safetensors"), transform: GivenPath.init(parsing:))
    var dense: GivenPath

    func run() throws {
        try SuppliedPaths([("checkpoint", checkpoint), ("--dense", dense)]).naming(export)
    }

    private func export() throws {
        if FileManager.default.fileExists(atPath: dense.path) {
            throw ValidationError("--dense \(dense) exists; remove it or name another file")
        }
        let saved = try Checkpoint(contentsOf: checkpoint.path, registry: CommandLineRegistry.current)
        let model = try saved.restoredModel()
        var metadata = saved.file.metadata
        metadata[DenseExport.layoutKey] = DenseExport.layout
        let export = SafetensorsFile(tensors: DenseExport.tensors(of: model.network, architecture: saved.cell.architecture), metadata: metadata)
        try OutputLocation.prepareFolder(of: dense.path)
        try export.write(to: dense.path)
        let values = export.tensors.reduce(0) { $0 + $1.entry.values.count }
        print("wrote \(dense): \(export.tensors.count) tensors, \(values) values, from \(saved.cell.label)")
    }
}
