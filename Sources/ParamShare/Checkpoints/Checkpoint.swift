import Foundation
import ParamShareEngine

/// A trained model as a small file: its banks, ordinary weights, biases and batch-norm state
/// as a safetensors file, and in its metadata everything that rebuilds the rest from seeds.
///
/// No generator table is stored: loading rebuilds the cell's model from its settings, which
/// regenerates every table from the seed, then overwrites the trainable values and batch-norm
/// statistics with the stored ones. The metadata holds the cell's settings (`model`,
/// `generator`, `generator_version`, each option as `generator.option`, `budget`, `scope`, …,
/// the recipe and `seed`), its `cell_id`, the input shape, the data normalisation and the
/// recorded test accuracy; the tensors are named as the model's parameters are
/// (`bank.global`, `stem.conv.weight`, `stage1.block0.bn1.gamma`, …, and
/// `NAME.running_mean`, `NAME.running_var` for each batch norm).
public struct Checkpoint {
    /// The `format` metadata of files this version writes and reads.
    package static let format = "paramshare-checkpoint-1"

    /// The cell the model was trained as.
    public var cell: SweepCell
    /// `[channels, height, width]` of one input image.
    public var inputShape: [Int]
    public var classes: Int
    /// The standardisation of the training images the model was trained on.
    public var normalization: ChannelNormalization
    /// The test accuracy the run recorded, if any.
    public var testAccuracy: Double?
    /// The stored tensors, by name.
    package var tensors: [(name: String, entry: SafetensorsFile.Entry)]
    /// The file it was read from, for messages; `nil` for a checkpoint made in memory.
    public internal(set) var path: String?

    /// The state of `network`, trained as `cell` on images of `inputShape`.
    public init(cell: SweepCell, network: Sequential<Float>, inputShape: [Int], classes: Int,
                normalization: ChannelNormalization, testAccuracy: Double?) {
        self.cell = cell
        self.inputShape = inputShape
        self.classes = classes
        self.normalization = normalization
        self.testAccuracy = testAccuracy
        tensors = Self.state(of: network).map { ($0.name, SafetensorsFile.Entry(shape: $0.tensor.shape, values: $0.tensor.scalars)) }
    }

    /// Every tensor a checkpoint keeps of `network`: each trainable parameter once, then each
    /// batch norm's running statistics.
    static func state(of network: Sequential<Float>) -> [(name: String, tensor: Tensor<Float>)] {
        var normalizations: [BatchNorm<Float>] = []
        func collect(_ layer: any Layer<Float>) {
            if let batchNorm = layer as? BatchNorm<Float> { normalizations.append(batchNorm) }
            layer.sublayers.forEach(collect)
        }
        collect(network)
        return network.parameters.uniqued().map { ($0.name, $0.value) }
            + normalizations.flatMap { [("\($0.name).running_mean", $0.runningMean), ("\($0.name).running_var", $0.runningVariance)] }
    }

    /// The metadata block: the cell's identifier and every setting of the cell that applies to it
    /// (`RunSchema`; a dense cell has no sharing settings), by the runs table's column names
    /// and spelt as the table spells them, with what rebuilding and evaluating the model needs besides.
    var metadata: [String: String] {
        var fields: [String: String] = [
            "format": Self.format, "library_version": ParamShareVersion.current, RunSchema.cellIdentifier.name: cell.identifier,
            "input_shape": inputShape.map(String.init).joined(separator: ","), "classes": String(classes),
            "normalization_mean": normalization.mean.map { "\($0)" }.joined(separator: ","),
            "normalization_std": normalization.standardDeviation.map { "\($0)" }.joined(separator: ","),
        ]
        if let testAccuracy { fields["test_accuracy"] = "\(testAccuracy)" }
        for column in RunSchema.columns where column.identity != nil { fields[column.name] = column.setting(of: cell) }
        if let sharing = cell.sharing {
            for (name, value) in sharing.generator.options.sortedPairs { fields[sharing.generator.descriptor.column(ofOption: name)] = value }
        }
        return fields
    }

    /// The checkpoint as a safetensors file.
    public var file: SafetensorsFile { SafetensorsFile(tensors: tensors, metadata: metadata) }

    /// Writes the checkpoint at `path` atomically.
    package func write(to path: String) throws {
        try file.write(to: path)
    }
}
