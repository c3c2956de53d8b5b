/// The fan-in and fan-out of a weight, as PyTorch computes them.
public struct Fans: Sendable, Hashable {
    public var fanIn: Int
    public var fanOut: Int

    public init(fanIn: Int, fanOut: Int) {
        self.fanIn = fanIn
        self.fanOut = fanOut
    }

    /// Fans of a weight `[out, in, k₁, k₂, …]`: the kernel area multiplies both.
    public init(weightShape shape: [Int]) {
        let receptiveField = shape.dropFirst(2).reduce(1, *)
        self.init(fanIn: shape[1] * receptiveField, fanOut: shape[0] * receptiveField)
    }
}

/// He et al.'s initialisation, with the same formulas as PyTorch's `kaiming_normal_` and
/// `kaiming_uniform_`, so that a baseline here starts from the same distribution as one there.
///
/// gain = √(2/(1 + a²)); std = gain/√fan; the uniform bound is √3·std.
/// PyTorch's default for `nn.Conv2d` and `nn.Linear` weights is the uniform case with
/// a = √5 and fan-in (`pytorchDefault`), which gives the bound 1/√fan-in.
public struct KaimingInitialization: Sendable, Hashable {
    /// The shape of the distribution.
    public enum Distribution: String, Sendable { case normal, uniform }
    /// Which fan scales the variance.
    public enum Mode: String, Sendable { case fanIn, fanOut }

    public var distribution: Distribution
    public var mode: Mode
    /// The negative slope `a` of the rectifier that follows (0 for ReLU).
    public var negativeSlope: Double

    public init(distribution: Distribution, mode: Mode = .fanIn, negativeSlope: Double = 0) {
        self.distribution = distribution
        self.mode = mode
        self.negativeSlope = negativeSlope
    }

    /// PyTorch's default for convolution and linear weights: uniform, fan-in, a = √5.
    public static let pytorchDefault = KaimingInitialization(distribution: .uniform, mode: .fanIn, negativeSlope: 5.0.squareRoot())

    /// The standard deviation this initialisation gives a weight with `fans`.
    public func standardDeviation(fans: Fans) -> Double {
        let gain = (2 / (1 + negativeSlope * negativeSlope)).squareRoot()
        let fan = mode == .fanIn ? fans.fanIn : fans.fanOut
        return gain / Double(fan).squareRoot()
    }

    /// Fills `tensor` with independent draws from `random`, in row-major order.
    public func fill<Scalar: EngineScalar>(_ tensor: Tensor<Scalar>, fans: Fans, random: RandomSource) {
        let std = standardDeviation(fans: fans)
        switch distribution {
        case .normal:
            for i in 0..<tensor.count { tensor.data[i] = Scalar(random.gaussian(standardDeviation: std)) }
        case .uniform:
            let bound = 3.0.squareRoot() * std
            for i in 0..<tensor.count { tensor.data[i] = Scalar(random.uniform(in: -bound..<bound)) }
        }
    }

    /// Fills a bias as PyTorch's `nn.Conv2d` and `nn.Linear` do: uniform on ±1/√fan-in.
    package static func fillDefaultBias<Scalar: EngineScalar>(_ bias: Tensor<Scalar>, fanIn: Int, random: RandomSource) {
        let bound = 1 / Double(fanIn).squareRoot()
        for i in 0..<bias.count { bias.data[i] = Scalar(random.uniform(in: -bound..<bound)) }
    }
}
