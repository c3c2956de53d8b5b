import Foundation
import ParamShare

/// The one recipe of the claim notebooks: ResNet-20 (or another CIFAR ResNet) on CIFAR-10, the
/// first 10,000 training images, the full test set, 10 epochs, batch 128, SGD with Nesterov
/// momentum, one-cycle to 0.1, weight decay 5e-4, crop and flip.
///
/// It matched a PyTorch replica within 1.5 points for dense, so its figures stay comparable
/// with one. `sweep run --dataset cifar10 --train-limit 10000 --models resnet20 --epochs 10
/// --batch-size 128 --lr 0.1` trains the same cells, with the same identifiers.
///
/// A smoke test (``NotebookArguments/isSmokeTest``) trains 2 epochs on 256 images and tests on 500.
package enum CIFARRecipe {
    package static let trainImages = NotebookArguments.isSmokeTest ? 256 : 10_000
    package static let architecture = Architecture.resnet(depth: 20, widthMultiplier: 1)
    package static let configuration = TrainingConfiguration(epochs: NotebookArguments.isSmokeTest ? 2 : 10, batchSize: 128,
                                                            learningRate: 0.1, augmentation: .cifar)
    /// The recipe in one line, for narration and findings.
    package static let summary = NotebookArguments.isSmokeTest
        ? "a smoke test, not the recipe: ResNet-20 on the first 256 CIFAR-10 training images, 500 test images, 2 epochs"
        : "ResNet-20 on CIFAR-10: the first 10,000 training images, the full 10,000-image test set, "
            + "10 epochs, batch 128, SGD with Nesterov momentum, one-cycle to 0.1, weight decay 5e-4, crop and flip"

    /// A claim study's opening: `plan` declared under `name` (``DeclaredStudy``), then the
    /// recipe's data; `nil` after saying where CIFAR-10 was looked for. The plan comes first, so
    /// that a changed plan is refused even where the data is missing.
    package static func declaring(_ plan: StudyPlan, name: String) throws -> (declared: DeclaredStudy, data: DatasetSplit)? {
        let declared = try DeclaredStudy(plan, name: name)
        return try loadData().map { (declared, $0) }
    }

    /// The recipe's data, or `nil` after saying where CIFAR-10 was looked for.
    package static func loadData() throws -> DatasetSplit? {
        let directory = NotebookPaths.cifar10
        guard FileManager.default.fileExists(atPath: directory + "/test_batch.bin") else {
            narrate("""
                No CIFAR-10 at \(directory). Pass the folder holding data_batch_1.bin … test_batch.bin
                (the official binary version) as the first argument.
                """)
            return nil
        }
        var cifar = try CIFARLoader.loadCIFAR10(directory: directory)
        cifar.train = cifar.train.prefix(trainImages)
        if NotebookArguments.isSmokeTest {
            // The test batch is ordered by class: every 20th image keeps all ten.
            cifar.test = cifar.test.subset(Array(stride(from: 0, to: cifar.test.count, by: 20)))
            say("  Smoke test: 2 epochs on 256 images, 500 test images, into \(NotebookPaths.results)")
        }
        return cifar
    }

    /// The cells of `grid` on `data`, seed by seed: an interrupted notebook then holds whole seeds,
    /// which pair, rather than every seed of a few settings.
    package static func cells(_ grid: SweepGrid, on data: DatasetSplit) -> [SweepCell] {
        grid.cells(on: DataSubset(data)).enumerated()
            .sorted { ($0.element.configuration.seed, $0.offset) < ($1.element.configuration.seed, $1.offset) }
            .map(\.element)
    }

    /// The cells of dense `architecture` (no sharing) on the recipe, one per seed.
    package static func denseCells(of architecture: Architecture = architecture, seeds: [UInt64], on data: DatasetSplit) -> [SweepCell] {
        cells(SweepGrid(architectures: [architecture], generators: [], budgets: [], seeds: seeds, recipe: configuration), on: data)
    }
}
