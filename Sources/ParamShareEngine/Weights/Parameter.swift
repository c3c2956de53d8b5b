/// What a trainable tensor is for, which decides defaults such as weight decay.
public enum ParameterRole: String, Sendable, CaseIterable {
    /// A dense convolution or linear kernel.
    case weight
    /// An additive bias.
    case bias
    /// A batch-norm scale (γ) or shift (β).
    case normalization
    /// A shared bank from which a generator produces kernels.
    case bank
}

/// A trainable tensor together with the gradient that backward passes accumulate into.
// Unchecked: kernels on several threads write disjoint ranges of one gradient.
public final class Parameter<Scalar: EngineScalar>: @unchecked Sendable {
    /// A name unique within its model, such as `stage1.block0.bn1.gamma`.
    public let name: String
    /// What the parameter is for.
    public let role: ParameterRole
    /// The current values.
    public let value: Tensor<Scalar>
    /// dL/d(value), accumulated by backward passes until `zeroGradient()`.
    public let gradient: Tensor<Scalar>
    /// A fixed multiplier of each element's optimiser step (a diagonal preconditioner), or `nil`
    /// for plain steps. Set before training; the optimisers scale their whole update by it.
    package var stepScale: Tensor<Scalar>?
    /// Whether the optimiser's weight decay may act on this parameter, if its role is decayed at
    /// all; `false` for one whose gradient already carries its regulariser, such as a bank that
    /// decays the weights it generates rather than its own values. Set before training.
    package var decaysInOptimizer = true

    /// Creates a parameter of the given shape, filled with `initialValue`.
    public init(name: String, role: ParameterRole, shape: [Int], initialValue: Scalar = 0) {
        self.name = name
        self.role = role
        self.value = Tensor(shape: shape, repeating: initialValue)
        self.gradient = Tensor(shape: shape)
    }

    /// A bias of `count` values initialised as PyTorch's `nn.Conv2d` and `nn.Linear` do: uniform on ±1/√fan-in.
    package static func defaultBias(name: String, count: Int, fanIn: Int, random: RandomSource) -> Parameter {
        let bias = Parameter(name: name, role: .bias, shape: [count])
        KaimingInitialization.fillDefaultBias(bias.value, fanIn: fanIn, random: random)
        return bias
    }

    /// Sets the accumulated gradient to zero: the one explicit zeroing step of a training step.
    public func zeroGradient() {
        gradient.zero()
    }
}

extension Array {
    /// The parameters with duplicates (the same object reached twice) removed, first occurrence kept.
    ///
    /// A bank shared by many layers is reached once per layer; an optimiser must step it once.
    package func uniqued<Scalar>() -> [Parameter<Scalar>] where Element == Parameter<Scalar> {
        var seen = Set<ObjectIdentifier>()
        return filter { seen.insert(ObjectIdentifier($0)).inserted }
    }
}
