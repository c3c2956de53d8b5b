import Foundation

/// One row of the runs table: a finished (or diverged) training run, its settings and its
/// degrees-of-freedom accounting.
public struct RunRecord: Sendable {
    /// The cell's identifier (``SweepCell/identifier(dataset:trainImages:)``).
    public var cellID: String
    public var cell: SweepCell
    public var dataset: String
    public var modelName: String
    public var degreesOfFreedom: DegreesOfFreedom
    public var generatorOptions: [String: String]
    public var result: TrainingResult

    public init(cellID: String, cell: SweepCell, dataset: String, modelName: String, degreesOfFreedom: DegreesOfFreedom,
                generatorOptions: [String: String], result: TrainingResult) {
        self.cellID = cellID
        self.cell = cell
        self.dataset = dataset
        self.modelName = modelName
        self.degreesOfFreedom = degreesOfFreedom
        self.generatorOptions = generatorOptions
        self.result = result
    }

    /// Generator options that have a column of their own; any other option goes to `other_options`.
    static let optionColumns = ["variant", "permutation", "signs", "projection", "nonzeros"]

    /// The columns of the runs table, documented in the README.
    public static let columns = [
        "cell_id", "model", "dataset", "generator", "variant", "permutation", "signs", "projection", "nonzeros", "other_options",
        "scope", "generate_stem", "generate_classifier", "budget", "dof", "bank_size", "generated_weights",
        "non_generated_weights", "bn_parameters", "biases", "total_trainable", "dense_parameters",
        "seed", "epochs", "batch_size", "optimizer", "lr", "schedule", "weight_decay", "label_smoothing",
        "final_train_loss", "test_accuracy", "best_test_accuracy", "wall_seconds", "status", "version",
    ]

    /// The row's values, in the order of `columns`.
    public var values: [String] {
        let c = cell.configuration, dof = degreesOfFreedom
        let isDense = cell.generator.kind == .dense
        let others = generatorOptions.filter { !Self.optionColumns.contains($0.key) }
            .sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
        return [cellID, modelName, dataset, cell.generator.kind.rawValue]
            + Self.optionColumns.map { generatorOptions[$0] ?? "" }
            + [others, isDense ? "" : cell.scope.rawValue, String(cell.generatesStem), String(cell.generatesClassifier),
               cell.budget?.description ?? "full",
               String(dof.bankSize), String(dof.bankSize), String(dof.generatedWeights),
               String(dof.nonGeneratedWeights), String(dof.batchNorm), String(dof.biases), String(dof.totalTrainable),
               String(dof.denseParameters),
               String(c.seed), String(c.epochs), String(c.batchSize), c.optimizer.rawValue, Self.format(c.learningRate),
               c.schedule.rawValue, Self.format(c.weightDecay), Self.format(c.labelSmoothing),
               Self.format(result.finalTrainLoss), Self.format(result.testAccuracy), Self.format(result.bestTestAccuracy),
               String(format: "%.2f", result.wallSeconds), result.status.rawValue, ParamShareVersion.current]
    }

    /// The columns of the per-epoch table: one row per (cell, epoch), for convergence plots.
    public static let epochColumns = [
        "cell_id", "model", "dataset", "generator", "budget", "scope", "seed", "epoch", "train_loss", "train_accuracy",
        "test_accuracy", "lr", "seconds",
    ]

    /// The per-epoch rows of this run, in the order of `epochColumns`.
    public var epochValues: [[String]] {
        result.epochs.map { epoch in
            [cellID, modelName, dataset, cell.generator.kind.rawValue, cell.budget?.description ?? "full",
             cell.generator.kind == .dense ? "" : cell.scope.rawValue, String(cell.configuration.seed), String(epoch.epoch),
             Self.format(epoch.trainLoss), Self.format(epoch.trainAccuracy), Self.format(epoch.testAccuracy),
             Self.format(epoch.learningRate), String(format: "%.3f", epoch.seconds)]
        }
    }

    /// Shortest round-trip decimal; NaN as the empty field that pandas, R and gnuplot read as missing.
    static func format(_ value: Double) -> String {
        value.isNaN ? "" : "\(value)"
    }
}
