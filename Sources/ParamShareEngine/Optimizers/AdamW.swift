import RealModule

/// Adam with decoupled weight decay (Loshchilov & Hutter), with the same update as `torch.optim.AdamW`.
public final class AdamW<Scalar: EngineScalar>: Optimizer {
    public var learningRate: Double
    public let beta1: Double
    public let beta2: Double
    public let epsilon: Double
    public let groups: [ParameterGroup<Scalar>]
    private let firstMoments: [[Tensor<Scalar>]]
    private let secondMoments: [[Tensor<Scalar>]]
    public var stepsTaken = 0

    /// PyTorch's defaults: β₁ = 0.9, β₂ = 0.999, ε = 1e-8.
    public init(groups: [ParameterGroup<Scalar>], learningRate: Double, beta1: Double = 0.9, beta2: Double = 0.999,
                epsilon: Double = 1e-8) {
        self.groups = groups
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        firstMoments = groups.map { $0.parameters.map { Tensor(shape: $0.value.shape) } }
        secondMoments = groups.map { $0.parameters.map { Tensor(shape: $0.value.shape) } }
    }

    public func step() {
        stepsTaken += 1
        let correction1 = 1 - Double.pow(beta1, stepsTaken), correction2 = 1 - Double.pow(beta2, stepsTaken)
        for (g, group) in groups.enumerated() {
            for (p, parameter) in group.parameters.enumerated() {
                adamWStep(weights: parameter.value.data, gradient: parameter.gradient.data,
                          firstMoment: firstMoments[g][p].data, secondMoment: secondMoments[g][p].data,
                          count: parameter.value.count, learningRate: Scalar(learningRate), beta1: Scalar(beta1),
                          beta2: Scalar(beta2), epsilon: Scalar(epsilon), weightDecay: Scalar(group.weightDecay),
                          biasCorrection1: Scalar(correction1), biasCorrection2: Scalar(correction2),
                          stepScale: parameter.stepScale.map { UnsafePointer($0.data) })
            }
        }
    }

    public var stateTensors: [(name: String, tensor: Tensor<Scalar>)] {
        zip(groups.indices, groups).flatMap { g, group in
            group.parameters.enumerated().flatMap { p, parameter in
                [("first_moment.\(parameter.name)", firstMoments[g][p]), ("second_moment.\(parameter.name)", secondMoments[g][p])]
            }
        }
    }
}
