/// Stochastic gradient descent with momentum, Nesterov momentum and L2 weight decay, with the
/// same update as `torch.optim.SGD`.
public final class SGD<Scalar: EngineScalar>: Optimizer {
    public var learningRate: Double
    public let momentum: Double
    public let dampening: Double
    public let nesterov: Bool
    public let groups: [ParameterGroup<Scalar>]
    private let momentumBuffers: [[Tensor<Scalar>]]
    public var stepsTaken = 0

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

    /// The fewest values of one parameter whose update is split over the engine's threads: a
    /// bias's or a batch norm's few hundred take less than handing them to another thread.
    static var fewestValuesUpdatedInParallel: Int { 1 << 16 }

    public func step() {
        for (group, buffers) in zip(groups, momentumBuffers) {
            for (parameter, buffer) in zip(group.parameters, buffers) {
                let (learningRate, momentum, dampening) = (Scalar(learningRate), Scalar(momentum), Scalar(dampening))
                let (weightDecay, nesterov, isFirstStep) = (Scalar(group.weightDecay), nesterov, stepsTaken == 0)
                let stepScale = parameter.stepScale
                // Each value's update reads only its own entries, so chunks over the threads give
                // the same result as one pass.
                let threads = EngineThreads.threads(for: parameter.value.count, fewestInParallel: Self.fewestValuesUpdatedInParallel)
                EngineThreads.forEachChunk(of: parameter.value.count, threads: threads) { _, range in
                    sgdStep(weights: parameter.value.data + range.lowerBound, gradient: parameter.gradient.data + range.lowerBound,
                            momentumBuffer: buffer.data + range.lowerBound, count: range.count, learningRate: learningRate,
                            momentum: momentum, dampening: dampening, weightDecay: weightDecay, nesterov: nesterov,
                            isFirstStep: isFirstStep, stepScale: stepScale.map { UnsafePointer($0.data + range.lowerBound) })
                }
            }
        }
        stepsTaken += 1
    }

    public var stateTensors: [(name: String, tensor: Tensor<Scalar>)] {
        zip(groups, momentumBuffers).flatMap { group, buffers in
            zip(group.parameters, buffers).map { ("momentum.\($0.name)", $1) }
        }
    }
}
