/// Batch normalisation over the channel dimension of `[N, C]` or `[N, C, H, W]` inputs, with
/// PyTorch's defaults and semantics.
///
/// Training mode normalises with the batch's mean and biased variance and moves the running
/// statistics by `momentum`, using the *unbiased* variance, as `torch.nn.BatchNorm2d` does.
/// Evaluation mode normalises with the running statistics.
public final class BatchNorm<Scalar: EngineScalar>: Layer {
    public let name: String
    public let channels: Int
    public let epsilon: Scalar
    public let momentum: Scalar
    /// The scale γ, initialised to 1.
    public let gamma: Parameter<Scalar>
    /// The shift β, initialised to 0.
    public let beta: Parameter<Scalar>
    /// The running mean, initialised to 0. State, not a trainable parameter.
    public let runningMean: Tensor<Scalar>
    /// The running (unbiased) variance, initialised to 1. State, not a trainable parameter.
    public let runningVariance: Tensor<Scalar>

    private var input: Tensor<Scalar>?
    private var lastMode = ForwardMode.training
    private var output: Tensor<Scalar>?
    private var inputGradient: Tensor<Scalar>?
    // Per channel: batch mean and 1/√(σ² + ε) in training; the folded scale and shift in evaluation.
    private let mean: Tensor<Scalar>
    private let reciprocalStd: Tensor<Scalar>
    private let scale: Tensor<Scalar>
    private let shift: Tensor<Scalar>

    /// Creates a batch norm over `channels` channels. PyTorch's defaults: ε = 1e-5, momentum = 0.1.
    public init(name: String, channels: Int, epsilon: Scalar = 1e-5, momentum: Scalar = 0.1) {
        precondition(channels > 0, "\(name): a batch norm needs at least one channel")
        self.name = name
        self.channels = channels
        self.epsilon = epsilon
        self.momentum = momentum
        gamma = Parameter(name: "\(name).gamma", role: .normalization, shape: [channels], initialValue: 1)
        beta = Parameter(name: "\(name).beta", role: .normalization, shape: [channels])
        runningMean = Tensor(shape: [channels])
        runningVariance = Tensor(shape: [channels], repeating: 1)
        mean = Tensor(shape: [channels])
        reciprocalStd = Tensor(shape: [channels])
        scale = Tensor(shape: [channels])
        shift = Tensor(shape: [channels])
    }

    public var parameters: [Parameter<Scalar>] { [gamma, beta] }

    private func layout(of shape: [Int]) -> ChannelLayout {
        checkShape((shape.count == 2 || shape.count == 4) && shape[1] == channels, name,
                   "expected [N, \(channels)] or [N, \(channels), H, W], got \(shape)")
        return ChannelLayout(items: shape[0], channels: channels, plane: shape.dropFirst(2).reduce(1, *))
    }

    // x [N, C, (H, W)] → y, same shape. Channels are split over the threads.
    public func forward(_ input: Tensor<Scalar>, mode: ForwardMode) -> Tensor<Scalar> {
        let layout = layout(of: input.shape)
        let output = self.output.reuse(shape: input.shape)
        self.input = input
        lastMode = mode
        let gamma = gamma.value, beta = beta.value, runningMean = runningMean, runningVariance = runningVariance
        let mean = mean, reciprocalStd = reciprocalStd, scale = scale, shift = shift
        let epsilon = epsilon, momentum = momentum
        switch mode {
        case .training:
            checkShape(layout.valuesPerChannel > 1, name, "training needs more than one value per channel, got \(input.shape)")
            EngineThreads.forEachChunk(of: channels) { _, channelRange in
                batchNormTrainingForward(
                    input.data, layout, channelRange: channelRange, gamma: gamma.data, beta: beta.data,
                    epsilon: epsilon, momentum: momentum, runningMean: runningMean.data,
                    runningVariance: runningVariance.data, mean: mean.data, reciprocalStd: reciprocalStd.data,
                    into: output.data)
            }
        case .evaluation:
            foldRunningStatistics(channels: channels, gamma: gamma.data, beta: beta.data, runningMean: runningMean.data,
                                  runningVariance: runningVariance.data, epsilon: epsilon, scale: scale.data,
                                  shift: shift.data, reciprocalStd: reciprocalStd.data)
            EngineThreads.forEachChunk(of: channels) { _, channelRange in
                channelAffine(input.data, layout, channelRange: channelRange, scale: scale.data, shift: shift.data,
                              into: output.data)
            }
        }
        return output
    }

    // dy [N, C, (H, W)] → dx; accumulates dγ and dβ. Follows the mode of the last forward pass.
    public func backward(_ outputGradient: Tensor<Scalar>) -> Tensor<Scalar> {
        guard let input else { preconditionFailure("\(name): backward called before forward") }
        checkShape(outputGradient.shape == input.shape, name, "output gradient \(outputGradient.shape) does not match \(input.shape)")
        let layout = layout(of: input.shape)
        let inputGradient = self.inputGradient.reuse(shape: input.shape)
        let gamma = gamma, beta = beta, mean = mean, reciprocalStd = reciprocalStd
        let scale = scale, runningMean = runningMean
        switch lastMode {
        case .training:
            EngineThreads.forEachChunk(of: channels) { _, channelRange in
                batchNormTrainingBackward(
                    input: input.data, outputGradient: outputGradient.data, layout, channelRange: channelRange,
                    gamma: gamma.value.data, mean: mean.data, reciprocalStd: reciprocalStd.data,
                    gammaGradient: gamma.gradient.data, betaGradient: beta.gradient.data, into: inputGradient.data)
            }
        case .evaluation:
            EngineThreads.forEachChunk(of: channels) { _, channelRange in
                batchNormEvaluationBackward(
                    input: input.data, outputGradient: outputGradient.data, layout, channelRange: channelRange,
                    scale: scale.data, runningMean: runningMean.data, reciprocalStd: reciprocalStd.data,
                    gammaGradient: gamma.gradient.data, betaGradient: beta.gradient.data, into: inputGradient.data)
            }
        }
        return inputGradient
    }
}
