import Foundation

/// One row of the runs table: a finished (or diverged) training run and its settings.
public struct RunRecord: Sendable {
    public var model: String
    public var dataset: String
    public var generator: String
    public var budget: String
    public var degreesOfFreedom: Int
    public var configuration: TrainingConfiguration
    public var result: TrainingResult

    public init(model: String, dataset: String, generator: String, budget: String, degreesOfFreedom: Int,
                configuration: TrainingConfiguration, result: TrainingResult) {
        self.model = model
        self.dataset = dataset
        self.generator = generator
        self.budget = budget
        self.degreesOfFreedom = degreesOfFreedom
        self.configuration = configuration
        self.result = result
    }

    /// The columns of the runs table, documented in the README.
    public static let columns = [
        "model", "dataset", "generator", "budget", "dof", "seed", "epochs", "batch_size", "optimizer", "lr", "schedule",
        "weight_decay", "final_train_loss", "test_accuracy", "best_test_accuracy", "wall_seconds", "status", "version",
    ]

    /// The row's values, in the order of `columns`.
    public var values: [String] {
        let c = configuration
        return [
            model, dataset, generator, budget, String(degreesOfFreedom), String(c.seed), String(c.epochs),
            String(c.batchSize), c.optimizer.rawValue, Self.format(c.learningRate), c.schedule.rawValue,
            Self.format(c.weightDecay), Self.format(result.finalTrainLoss), Self.format(result.testAccuracy),
            Self.format(result.bestTestAccuracy), String(format: "%.2f", result.wallSeconds), result.status.rawValue,
            ParamShareVersion.current,
        ]
    }

    /// Shortest round-trip decimal; NaN as the empty field that pandas, R and gnuplot read as missing.
    static func format(_ value: Double) -> String {
        value.isNaN ? "" : "\(value)"
    }
}
