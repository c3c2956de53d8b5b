/// Parameters that share optimiser settings, such as "no weight decay on batch norm and biases".
public struct ParameterGroup<Scalar: EngineScalar> {
    public var parameters: [Parameter<Scalar>]
    /// The L2 (SGD) or decoupled (AdamW) weight decay λ for this group.
    public var weightDecay: Double

    public init(parameters: [Parameter<Scalar>], weightDecay: Double) {
        self.parameters = parameters
        self.weightDecay = weightDecay
    }

    /// Two groups: kernels and banks with `weightDecay`, batch-norm parameters, biases and
    /// parameters that carry their own regulariser (`decaysInOptimizer` off) without.
    ///
    /// Decaying γ, β and biases pulls them toward zero for no regularising benefit, which is why
    /// most CIFAR and ImageNet recipes exclude them.
    public static func standard(_ parameters: [Parameter<Scalar>], weightDecay: Double) -> [ParameterGroup] {
        let exempt: Set<ParameterRole> = [.normalization, .bias]
        func isExempt(_ parameter: Parameter<Scalar>) -> Bool { exempt.contains(parameter.role) || !parameter.decaysInOptimizer }
        return [
            ParameterGroup(parameters: parameters.filter { !isExempt($0) }, weightDecay: weightDecay),
            ParameterGroup(parameters: parameters.filter(isExempt), weightDecay: 0),
        ]
    }
}

/// Updates parameters from their accumulated gradients.
public protocol Optimizer<Scalar>: AnyObject {
    associatedtype Scalar: EngineScalar
    /// The learning rate of the next step; a schedule sets it before each step.
    var learningRate: Double { get set }
    /// The groups this optimiser updates.
    var groups: [ParameterGroup<Scalar>] { get }
    /// Applies one update to every parameter of every group.
    func step()
    /// The updates applied so far. Part of the state: SGD's first step starts its momentum
    /// from the gradient, and AdamW's bias corrections depend on it. Set it only to resume a
    /// run, together with ``stateTensors``.
    var stepsTaken: Int { get set }
    /// The per-parameter state the next updates read (momentum, moments), as the live tensors,
    /// each named `KIND.PARAMETER` (`momentum.stem.conv.weight`): what a run saves to resume
    /// exactly, and overwrites to resume.
    var stateTensors: [(name: String, tensor: Tensor<Scalar>)] { get }
}

extension Optimizer {
    /// Sets every gradient to zero, ready for the next backward pass.
    public func zeroGradients() {
        for group in groups { for parameter in group.parameters { parameter.zeroGradient() } }
    }
}
