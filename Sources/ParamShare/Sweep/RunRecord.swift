import Foundation

/// One row of the runs table: a finished (or diverged) training run, its settings and its
/// degrees-of-freedom accounting.
public struct RunRecord: Sendable {
    public var cell: SweepCell
    /// The model description's name, such as `resnet20`.
    public var modelName: String
    public var degreesOfFreedom: DegreesOfFreedom
    public var result: TrainingResult

    public init(cell: SweepCell, modelName: String, degreesOfFreedom: DegreesOfFreedom, result: TrainingResult) {
        self.cell = cell
        self.modelName = modelName
        self.degreesOfFreedom = degreesOfFreedom
        self.result = result
    }

    /// The row's values in the order of `layout`'s columns; option columns of other generators hold `none`.
    public func values(in layout: RunsTableLayout) -> [String] {
        let c = cell.configuration, dof = degreesOfFreedom, none = RunsTableLayout.notApplicable
        let sharing = cell.sharing
        var options = [String: String]()
        if let generator = sharing?.generator {
            for (name, value) in generator.options.sortedPairs { options[generator.descriptor.column(ofOption: name)] = value }
        }
        let leading = [
            cell.identifier, modelName, cell.data.dataset, String(cell.data.trainImages), String(cell.data.testImages),
            String(cell.data.validationImages), cell.generatorName, String(sharing?.generator.descriptor.semanticsVersion ?? GeneratorRegistry.denseSemanticsVersion),
        ]
        let statusEpoch: String = result.statusEpoch.map { String($0) } ?? ""
        let failureReason: String = result.failureReason ?? none
        let trailing: [String] = [
            sharing?.scope.rawValue ?? none, String(sharing?.generatesStem ?? false), String(sharing?.generatesClassifier ?? false),
            sharing?.bankTraining ?? none, sharing?.stepScaling.rawValue ?? none,
            cell.budgetText, String(dof.requestedBudget),
            Self.format(Double(dof.requestedBudget) / Double(max(dof.generatedWeights, 1))),
            String(dof.entriesRead), dof.meanDuringTraining.map(Self.format) ?? String(dof.entriesRead), String(dof.bankSize), String(dof.fixedWeights), String(dof.generatedWeights),
            String(dof.nonGeneratedWeights), String(dof.batchNorm), String(dof.biases), String(dof.totalTrainable),
            String(dof.denseParameters),
            String(c.seed), String(c.epochs), String(c.batchSize), c.optimizer.rawValue, Self.format(c.learningRate),
            c.schedule.rawValue, Self.format(c.weightDecay), Self.format(c.labelSmoothing),
            c.precision.rawValue, cell.tuning ?? none,
            Self.format(result.finalTrainLoss), Self.format(result.testAccuracy), Self.format(result.bestTestAccuracy),
            Self.format(result.validationAccuracy), Self.format(result.bestValidationAccuracy), Self.format(result.validationLoss),
            String(format: "%.2f", result.wallSeconds), result.status.rawValue, statusEpoch, failureReason,
            ParamShareVersion.current,
        ]
        return leading + layout.optionColumns.map { options[$0] ?? none } + trailing
    }

    /// The columns of the per-epoch table: one row per (cell, epoch), for convergence plots.
    public static let epochColumns = [
        "cell_id", "model", "dataset", "generator", "budget", "scope", "seed", "epoch", "train_loss", "train_accuracy",
        "test_accuracy", "validation_accuracy", "validation_loss", "lr", "seconds",
    ]

    /// The per-epoch columns added since tables were first written, each empty (missing) in older rows.
    public static let addedEpochColumns: Set = ["validation_accuracy", "validation_loss"]

    /// The per-epoch rows of this run, in the order of `epochColumns`.
    public var epochValues: [[String]] {
        result.epochs.map { epoch in
            [cell.identifier, modelName, cell.data.dataset, cell.generatorName, cell.budgetText,
             cell.sharing?.scope.rawValue ?? RunsTableLayout.notApplicable, String(cell.configuration.seed), String(epoch.epoch),
             Self.format(epoch.trainLoss), Self.format(epoch.trainAccuracy), Self.format(epoch.testAccuracy),
             Self.format(epoch.validationAccuracy), Self.format(epoch.validationLoss), Self.format(epoch.learningRate), String(format: "%.3f", epoch.seconds)]
        }
    }

    /// Shortest round-trip decimal; NaN as the empty field that pandas, R and gnuplot read as missing.
    static func format(_ value: Double) -> String {
        value.isNaN ? "" : "\(value)"
    }
}
