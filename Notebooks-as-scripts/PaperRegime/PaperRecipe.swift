import Foundation
import NotebookSupport
import ParamShare

/// The paper regime's recipe and data: CIFAR-10's training images less 5,000 held out for
/// validation, the full test set, one-cycle SGD at batch 128, crop and flip, bf16 operands.
enum PaperRecipe {
    static let name = "paper-regime"
    static let command = "swift run -c release PaperRegime"
    /// `results/paper-regime`: the runs table of every part, the trials, and a folder a study.
    static let folder = NotebookPaths.results + "/" + name
    static let shallowNetwork = Architecture.resnet(depth: 20, widthMultiplier: 1)
    static let deepNetwork = Architecture.resnet(depth: 56, widthMultiplier: 1)

    /// The recipe at `epochs`: one-cycle SGD with Nesterov momentum to 0.1 (a search sets each
    /// arm's own rate), weight decay 5e-4, batch 128, crop and flip, bf16 operands with Float sums
    /// and master weights.
    static func recipe(epochs: Int) -> TrainingConfiguration {
        TrainingConfiguration(epochs: epochs, batchSize: 128, learningRate: 0.1, augmentation: .cifar, precision: .bfloat16)
    }

    /// The one pool of this regime's runs: calibration and every study's, two at a time.
    static func pool(on data: DatasetSplit) -> RunPool {
        RunPool(data: data, runsPath: folder + "/runs.csv", checkpoints: folder + "/checkpoints")
    }

    /// CIFAR-10 with 5,000 training images held out for validation (a smoke test: 512 training,
    /// 100 validation and every 20th test image), or `nil` after saying where it was looked for.
    static func loadData() throws -> DatasetSplit? {
        let directory = NotebookPaths.cifar10
        guard FileManager.default.fileExists(atPath: directory + "/test_batch.bin") else {
            narrate("No CIFAR-10 at \(directory). Pass the folder holding data_batch_1.bin … test_batch.bin as the first argument.")
            return nil
        }
        let cifar = try CIFARLoader.loadCIFAR10(directory: directory)
        guard NotebookArguments.isSmokeTest else { return try cifar.holdingOut(.count(5000), trainLimit: nil) }
        var smoke = try cifar.holdingOut(.count(100), trainLimit: 512)
        smoke.test = smoke.test.subset(Array(stride(from: 0, to: smoke.test.count, by: 20)))
        return smoke
    }
}
