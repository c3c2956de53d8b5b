/// Stochastic gradient descent with momentum, Nesterov momentum and L2 weight decay, with the
/// same update as `torch.optim.SGD`.
public final class SGD<Scalar: EngineScalar>: Optimizer {
    public var learningRate: Double
    public let momentum: Double
    public let dampening: Double
    public let nesterov: Bool
    public let groups: [ParameterGroup<Scalar>]
    private let momentumBuffers: [[Tensor<Scalar>]]
    private var stepsTaken = 0

    public init(groups: [ParameterGroup<Scalar>], learningRate: Double, momentum: Double = 0,
                dampening: Double = 0, nesterov: Bool = false) {
        precondition(!nesterov || (momentum > 0 && dampening == 0), "Nesterov momentum needs momentum > 0 and no dampening")
        self.groups = groups
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        momentumBuffers = groups.map { $0.parameters.map { Tensor(shape: $0.value.shape) } }
    }

    public func step() {
        for (group, buffers) in zip(groups, momentumBuffers) {
            for (parameter, buffer) in zip(group.parameters, buffers) {
                sgdStep(weights: parameter.value.data, gradient: parameter.gradient.data, momentumBuffer: buffer.data,
                        count: parameter.value.count, learningRate: Scalar(learningRate), momentum: Scalar(momentum),
                        dampening: Scalar(dampening), weightDecay: Scalar(group.weightDecay), nesterov: nesterov,
                        isFirstStep: stepsTaken == 0, stepScale: parameter.stepScale.map { UnsafePointer($0.data) })
            }
        }
        stepsTaken += 1
    }
}
