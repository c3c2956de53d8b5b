import Foundation

/// One row of the runs table: a finished (or diverged) training run, its settings and its
/// degrees-of-freedom accounting.
public struct RunRecord: Sendable {
    public var cell: SweepCell
    /// The model description's name, such as `resnet20`.
    public var modelName: String
    public var degreesOfFreedom: DegreesOfFreedom
    public var result: TrainingResult
    /// oneDNN's names for the convolution kernels the run's model ran, sorted
    /// (`Layer.convolutionKernels`); empty where none ran on oneDNN.
    package var convolutionKernels: [String] = []

    package init(cell: SweepCell, modelName: String, degreesOfFreedom: DegreesOfFreedom, result: TrainingResult) {
        self.cell = cell
        self.modelName = modelName
        self.degreesOfFreedom = degreesOfFreedom
        self.result = result
    }

    /// The row's values in the order of `layout`'s columns, as `RunSchema` gives them; option
    /// columns of other generators hold `none`.
    package func values(in layout: RunsTableLayout) -> [String] {
        var options = [String: String]()
        if let generator = cell.sharing?.generator {
            for (name, value) in generator.options.sortedPairs { options[generator.descriptor.column(ofOption: name)] = value }
        }
        func values(of columns: [RunColumn]) -> [String] { columns.filter(\.isTabulated).map { $0.value(of: self) } }
        return values(of: RunSchema.leadingColumns) + layout.optionColumns.map { options[$0] ?? RunSchema.notApplicable }
            + values(of: RunSchema.trailingColumns)
    }

    /// The columns of the per-epoch table: one row per (cell, epoch), for convergence plots.
    package static let epochColumns = [
        RunSchema.cellIdentifier.name, "model", "dataset", "generator", "budget", "scope", "seed", "epoch", "train_loss", "train_accuracy",
        "test_accuracy", "validation_accuracy", "validation_loss", "lr", "seconds",
    ]

    /// The per-epoch columns added since tables were first written, each empty (missing) in older rows.
    package static let addedEpochColumns: Set = ["validation_accuracy", "validation_loss"]

    /// The per-epoch rows of this run, in the order of `epochColumns`.
    package var epochValues: [[String]] {
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
