import ParamShareEngine

/// Everything about one training run except the model and the data.
public struct TrainingConfiguration: Sendable, Hashable {
    /// The optimiser and its own settings.
    public enum OptimizerChoice: String, Sendable, Hashable, CaseIterable {
        /// SGD with Nesterov momentum 0.9.
        case sgd
        /// AdamW with PyTorch's defaults (β₁ 0.9, β₂ 0.999, ε 1e-8).
        case adamw
    }

    /// The learning-rate schedule over all steps of the run.
    public enum ScheduleChoice: String, Sendable, Hashable, CaseIterable {
        /// 15 % linear warm-up from lr/10, cosine down to 1e-4 (the project's CIFAR recipe).
        case onecycle
        /// 5 % linear warm-up from 0, cosine down to 0.
        case cosine
        /// ×0.1 at 50 % and 75 % of the run (He et al.).
        case step
        /// The same rate throughout.
        case constant
    }

    public var epochs: Int
    public var batchSize: Int
    public var optimizer: OptimizerChoice
    /// The peak learning rate.
    public var learningRate: Double
    public var schedule: ScheduleChoice
    /// Weight decay on convolution and linear weights and banks; batch norm and biases get none.
    public var weightDecay: Double
    public var labelSmoothing: Double
    public var augmentation: Augmentation
    /// Seeds the weights, the batch order and the augmentation.
    public var seed: UInt64
    /// The precision of convolution and matrix-product operands; weights, banks, optimiser
    /// state and the loss stay `Float` (`ComputePrecision`).
    public var precision: ComputePrecision

    public init(epochs: Int, batchSize: Int, optimizer: OptimizerChoice = .sgd, learningRate: Double,
                schedule: ScheduleChoice = .onecycle, weightDecay: Double = 5e-4, labelSmoothing: Double = 0,
                augmentation: Augmentation = .none, seed: UInt64 = 0, precision: ComputePrecision = .float32) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.schedule = schedule
        self.weightDecay = weightDecay
        self.labelSmoothing = labelSmoothing
        self.augmentation = augmentation
        self.seed = seed
        self.precision = precision
    }

    /// The schedule object for this configuration.
    package var learningRateSchedule: any LearningRateSchedule {
        switch schedule {
        case .onecycle: WarmupCosineSchedule.oneCycle(peak: learningRate)
        case .cosine: WarmupCosineSchedule.cosine(peak: learningRate, warmupFraction: 0.05)
        case .step: StepSchedule(base: learningRate, factor: 0.1, milestones: [0.5, 0.75])
        case .constant: ConstantSchedule(rate: learningRate)
        }
    }

    /// The optimiser for `parameters`, with batch norm and biases exempt from weight decay, and
    /// banks left out unless `trainsBanks` (the frozen control, ``SharingSetting/trainsBank``:
    /// the cell's setting, not the recipe's).
    package func makeOptimizer(for parameters: [Parameter<Float>], trainsBanks: Bool = true) -> any Optimizer<Float> {
        let trained = trainsBanks ? parameters : parameters.filter { $0.role != .bank }
        let groups = ParameterGroup.standard(trained, weightDecay: weightDecay)
        switch optimizer {
        case .sgd: return SGD(groups: groups, learningRate: learningRate, momentum: 0.9, nesterov: true)
        case .adamw: return AdamW(groups: groups, learningRate: learningRate)
        }
    }
}
