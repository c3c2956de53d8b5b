/// Batch normalisation over the channel dimension of `[N, C]` or `[N, C, H, W]` inputs (or
/// `[N, H, W, C]` channels-last), with PyTorch's defaults and semantics.
///
/// Training mode normalises with the batch's mean and biased variance and moves the running
/// statistics by `momentum`, using the *unbiased* variance, as `torch.nn.BatchNorm2d` does.
/// Evaluation mode normalises with the running statistics.
public final class BatchNorm<Scalar: EngineScalar>: Layer {
    public let name: String
    public let channels: Int
    public let epsilon: Scalar
    public let momentum: Scalar
    /// The order of 4-d inputs.
    public let layout: ImageLayout
    /// Whether backward writes the input gradient over the output gradient it is given, instead
    /// of into a buffer of its own: safe where nobody reads that output gradient afterwards (not
    /// at the end of a residual body, whose output gradient the shortcut also reads).
    package let gradientInPlace: Bool
    /// The scale γ, initialised to 1.
    public let gamma: Parameter<Scalar>
    /// The shift β, initialised to 0.
    public let beta: Parameter<Scalar>
    /// The running mean, initialised to 0. State, not a trainable parameter.
    public let runningMean: Tensor<Scalar>
    /// The running (unbiased) variance, initialised to 1. State, not a trainable parameter.
    public let runningVariance: Tensor<Scalar>

    private var input: Tensor<Scalar>?
    /// Whether the last input holds bfloat16 bit patterns, a convolution's output stored in bf16,
    /// in the memory `input` stands in over (``forwardRectified(_:mode:adding:converting:writesOutput:inputInBFloat16:)``).
    private var inputInBFloat16 = false
    private var lastMode = ForwardMode.training
    private var output: Tensor<Scalar>?
    private var inputGradient: Tensor<Scalar>?
    // Per channel: batch mean and 1/√(σ² + ε) in training; the folded scale and shift in evaluation.
    private let mean: Tensor<Scalar>
    private let reciprocalStd: Tensor<Scalar>
    private let scale: Tensor<Scalar>
    private let shift: Tensor<Scalar>
    // Channels-last scratch: per-block partial sums, per-channel sums, and backward's factors.
    private var partialSums: Tensor<Scalar>?
    private let channelSums: Tensor<Scalar>
    private let gradientFactors: Tensor<Scalar>
    /// The last rectified output rounded to bfloat16, for the convolution after this layer
    /// (``forwardRectified(_:mode:adding:converting:)``); it holds only what the pass that wrote
    /// it asked for.
    let convertedOutput = BFloat16Buffer()
    /// Whether the last forward pass was ``forwardRectified(_:mode:adding:converting:writesOutput:)``
    /// without a residual: then ``backwardRectified(_:)`` takes the ReLU's backward pass too.
    private(set) var lastPassRectified = false

    /// Creates a batch norm over `channels` channels. PyTorch's defaults: ε = 1e-5, momentum = 0.1.
    public init(name: String, channels: Int, epsilon: Scalar = 1e-5, momentum: Scalar = 0.1,
                layout: ImageLayout = .channelsFirst, gradientInPlace: Bool = false) {
        precondition(channels > 0, "\(name): a batch norm needs at least one channel")
        self.name = name
        self.channels = channels
        self.epsilon = epsilon
        self.momentum = momentum
        self.layout = layout
        self.gradientInPlace = gradientInPlace
        gamma = Parameter(name: "\(name).gamma", role: .normalization, shape: [channels], initialValue: 1)
        beta = Parameter(name: "\(name).beta", role: .normalization, shape: [channels])
        runningMean = Tensor(shape: [channels])
        runningVariance = Tensor(shape: [channels], repeating: 1)
        mean = Tensor(shape: [channels])
        reciprocalStd = Tensor(shape: [channels])
        scale = Tensor(shape: [channels])
        shift = Tensor(shape: [channels])
        channelSums = Tensor(shape: [2 * channels])
        gradientFactors = Tensor(shape: [3, channels])
    }

    public var parameters: [Parameter<Scalar>] { [gamma, beta] }

    // Channels-last values are rows of `channels`, as in 1-d batch norm.
    private func channelLayout(of shape: [Int]) -> ChannelLayout {
        if shape.count == 4 && layout == .channelsLast {
            checkShape(shape[3] == channels, name, "expected [N, H, W, \(channels)], got \(shape)")
            return ChannelLayout(items: shape[0] * shape[1] * shape[2], channels: channels, plane: 1)
        }
        checkShape((shape.count == 2 || shape.count == 4) && shape[1] == channels, name,
                   "expected [N, \(channels)] or [N, \(channels), H, W], got \(shape)")
        return ChannelLayout(items: shape[0], channels: channels, plane: shape.dropFirst(2).reduce(1, *))
    }

    // x [N, C, (H, W)] → y, same shape. Channels are split over the threads.
    public func forward(_ input: Tensor<Scalar>, mode: ForwardMode) -> Tensor<Scalar> {
        let layout = channelLayout(of: input.shape)
        let output = self.output.reuse(shape: input.shape)
        self.input = input
        inputInBFloat16 = false
        lastMode = mode
        lastPassRectified = false
        if input.shape.count == 4 && self.layout == .channelsLast {
            forwardChannelsLast(input, rows: layout.items, mode: mode, into: output)
            return output
        }
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
        case .evaluation, .inference:
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

    /// Whether ``forwardRectified(_:mode:adding:)`` takes an input of this shape: channels-last images.
    func fusesRectifier(forInputShape shape: [Int]) -> Bool {
        shape.count == 4 && layout == .channelsLast
    }

    /// The training or evaluation pass followed by a ReLU, with `residual` added before it, in
    /// the pass that writes the output: the values of this layer, a sum and a ReLU one after
    /// another, one or two passes over memory fewer. Backward is this layer's own, which reads
    /// its input, not its output.
    ///
    /// `converting` also writes the output rounded to bfloat16 into ``convertedOutput``, for a
    /// convolution on oneDNN's bf16 kernels that reads it next: the rounding that convolution
    /// would make in a pass of its own, reading back the output (`Float` only). With
    /// `writesOutput` `false` as well, it writes only that, for a convolution that reads nothing
    /// else of it, and returns `input` as a stand-in of the output's shape, which holds none of
    /// its values: only a ReLU whose backward pass ``backwardRectified(_:)`` takes may follow.
    ///
    /// `inputInBFloat16`: `input` stands in for a convolution's output stored in bf16 in its memory
    /// (``Conv2D/forwardStoringBFloat16(_:)``), which this pass and backward read as bf16: the
    /// statistics and the map are computed in `Float` from those values. The output is then also
    /// rounded to bfloat16 whether or not `converting` asks (the kernels over bf16 input always
    /// round), and backward must be one of the passes that write the input gradient in bf16.
    func forwardRectified(_ input: Tensor<Scalar>, mode: ForwardMode, adding residual: Tensor<Scalar>? = nil,
                          converting: Bool = false, writesOutput: Bool = true, inputInBFloat16: Bool = false) -> Tensor<Scalar> {
        precondition(fusesRectifier(forInputShape: input.shape) && mode != .inference,
                     "\(name): only a training or evaluation pass over channels-last images fuses a ReLU")
        checkShape(residual.map { $0.shape == input.shape } ?? true, name,
                   "residual \(residual?.shape ?? []) does not match \(input.shape)")
        precondition(!converting || Scalar.self == Float.self, "\(name): only Float converts to bfloat16")
        precondition(writesOutput || (converting && residual == nil), "\(name): writes its output or its bf16 rounding")
        let output = writesOutput ? self.output.reuse(shape: input.shape) : nil
        precondition(!inputInBFloat16 || Scalar.self == Float.self, "\(name): only Float reads bfloat16")
        self.input = input
        self.inputInBFloat16 = inputInBFloat16
        lastMode = mode
        lastPassRectified = residual == nil
        let rounds = converting || inputInBFloat16
        if rounds { convertedOutput.reserve(input.count) }
        forwardChannelsLast(input, rows: channelLayout(of: input.shape).items, mode: mode, into: output,
                            then: .rectified(adding: residual, converting: rounds ? convertedOutput : nil))
        return output ?? input
    }

    // dy [N, C, (H, W)] → dx; accumulates dγ and dβ. Follows the mode of the last forward pass.
    public func backward(_ outputGradient: Tensor<Scalar>) -> Tensor<Scalar> {
        guard let input else { preconditionFailure("\(name): backward called before forward") }
        precondition(!inputInBFloat16, "\(name): a pass over bf16 input writes its input gradient in bf16")
        checkShape(outputGradient.shape == input.shape, name, "output gradient \(outputGradient.shape) does not match \(input.shape)")
        let layout = channelLayout(of: input.shape)
        // Every kernel reads a value's output gradient before it writes its input gradient.
        let inputGradient = gradientInPlace ? outputGradient : self.inputGradient.reuse(shape: input.shape)
        if input.shape.count == 4 && self.layout == .channelsLast {
            backwardChannelsLast(input, outputGradient, rows: layout.items, into: inputGradient)
            return inputGradient
        }
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
        case .evaluation, .inference:
            EngineThreads.forEachChunk(of: channels) { _, channelRange in
                batchNormEvaluationBackward(
                    input: input.data, outputGradient: outputGradient.data, layout, channelRange: channelRange,
                    scale: scale.data, runningMean: runningMean.data, reciprocalStd: reciprocalStd.data,
                    gammaGradient: gamma.gradient.data, betaGradient: beta.gradient.data, into: inputGradient.data)
            }
        }
        return inputGradient
    }

    /// The backward pass of a channels-last training or evaluation pass that writes the input
    /// gradient only rounded to bfloat16, into a buffer of this pass's own, and returns it: for a
    /// convolution before this layer on oneDNN's bf16 kernels that reads nothing else of it (one
    /// without a bias). That saves writing the gradient in `Float` and the convolution's own
    /// pass rounding it. The values are those `backward(_:)` writes, rounded as
    /// `convertToBFloat16` rounds; parameter gradients accumulate as there. The buffer is freed
    /// once the convolution has read it: kept by each batch norm, it held half an activation per
    /// batch norm all through a step, for a pass of the convolution's.
    /// The backward pass of the last forward pass and of the in-place ReLU after it, one pass over
    /// memory fewer than the two one after another, and the same values: the ReLU's mask,
    /// x·scale + shift > 0, is recomputed from this layer's input by the expression of its forward
    /// pass. For a ``forwardRectified(_:mode:adding:converting:writesOutput:)`` without a residual.
    func backwardRectified(_ outputGradient: Tensor<Scalar>) -> Tensor<Scalar> {
        guard let input else { preconditionFailure("\(name): backward called before forward") }
        precondition(lastPassRectified, "\(name): the last forward pass did not rectify")
        precondition(!inputInBFloat16, "\(name): a pass over bf16 input writes its input gradient in bf16")
        checkShape(outputGradient.shape == input.shape, name, "output gradient \(outputGradient.shape) does not match \(input.shape)")
        let inputGradient = gradientInPlace ? outputGradient : self.inputGradient.reuse(shape: input.shape)
        backwardChannelsLast(input, outputGradient, rows: channelLayout(of: input.shape).items, into: inputGradient,
                             rectified: true)
        return inputGradient
    }

    /// ``backwardRectified(_:)`` writing the input gradient only rounded to bfloat16, as
    /// ``backwardConverting(_:)`` does.
    func backwardRectifiedConverting(_ outputGradient: Tensor<Scalar>) -> BFloat16Buffer {
        guard let input else { preconditionFailure("\(name): backward called before forward") }
        precondition(lastPassRectified && convertsInputGradient, "\(name): the last forward pass did not rectify Float images")
        checkShape(outputGradient.shape == input.shape, name, "output gradient \(outputGradient.shape) does not match \(input.shape)")
        let converted = BFloat16Buffer(over: Tensor<Float>(recycledShape: [(input.count + 1) / 2]))
        backwardChannelsLast(input, outputGradient, rows: channelLayout(of: input.shape).items, into: nil,
                             converting: converted, rectified: true)
        return converted
    }

    /// Whether ``backwardConverting(_:)`` takes the last forward pass: over channels-last `Float` images.
    var convertsInputGradient: Bool {
        Scalar.self == Float.self && input.map { fusesRectifier(forInputShape: $0.shape) } ?? false
    }

    func backwardConverting(_ outputGradient: Tensor<Scalar>) -> BFloat16Buffer {
        guard let input else { preconditionFailure("\(name): backward called before forward") }
        precondition(Scalar.self == Float.self && fusesRectifier(forInputShape: input.shape),
                     "\(name): only a Float batch norm over channels-last images converts its gradient")
        checkShape(outputGradient.shape == input.shape, name, "output gradient \(outputGradient.shape) does not match \(input.shape)")
        let converted = BFloat16Buffer(over: Tensor<Float>(recycledShape: [(input.count + 1) / 2]))
        backwardChannelsLast(input, outputGradient, rows: channelLayout(of: input.shape).items, into: nil,
                             converting: converted)
        return converted
    }

    /// The evaluation-mode map as one scale and shift per channel, `y = x·scale + shift`, from the
    /// running statistics: what a convolution before it folds into its kernel and bias.
    package func foldedAffine() -> (scale: Tensor<Scalar>, shift: Tensor<Scalar>) {
        foldRunningStatistics(channels: channels, gamma: gamma.value.data, beta: beta.value.data,
                              runningMean: runningMean.data, runningVariance: runningVariance.data, epsilon: epsilon,
                              scale: scale.data, shift: shift.data, reciprocalStd: reciprocalStd.data)
        return (scale, shift)
    }

    /// What the channels-last forward pass does after the affine map, in the same pass.
    private enum Epilogue {
        case none
        /// Rectified after adding the residual, if any, and also written rounded to bfloat16 into
        /// `converting`, if given.
        case rectified(adding: Tensor<Scalar>?, converting: BFloat16Buffer?)
    }

    // Channels-last: rows of `channels` values, statistics summed in fixed blocks of rows.
    // `output` is `nil` only with a bf16 rounding to write instead.
    private func forwardChannelsLast(_ input: Tensor<Scalar>, rows: Int, mode: ForwardMode, into output: Tensor<Scalar>?,
                                     then epilogue: Epilogue = .none) {
        let channels = channels, scale = scale, shift = shift
        switch mode {
        case .training:
            checkShape(rows > 1, name, "training needs more than one value per channel, got \(input.shape)")
            let m = Scalar(rows), sums = channelSums.data
            let stored = inputInBFloat16 ? BFloat16Values(storedIn: input.data) : nil
            sumOverRowBlocks(rows: rows, width: channels, scratch: &partialSums, into: sums) { range, partial in
                if let stored {
                    addColumnSums(stored, rows: range, channels: channels, into: float(partial))
                    return
                }
                // The column sums of the block's rows: the transpose of a row broadcast.
                addRowBroadcast(input.data + range.lowerBound * channels, rows: range.count, columns: channels, transposed: true,
                                into: partial)
            }
            for c in 0..<channels { mean[c] = sums[c] / m }
            let mean = mean
            sumOverRowBlocks(rows: rows, width: channels, scratch: &partialSums, into: sums) { range, partial in
                if let stored {
                    addSquaredDeviations(stored, rows: range, channels: channels, mean: float(mean.data), into: float(partial))
                } else {
                    addSquaredDeviations(input.data, rows: range, channels: channels, mean: mean.data, into: partial)
                }
            }
            for c in 0..<channels {
                let rstd = 1 / (sums[c] / m + epsilon).squareRoot()
                reciprocalStd[c] = rstd
                runningMean[c] = (1 - momentum) * runningMean[c] + momentum * mean[c]
                runningVariance[c] = (1 - momentum) * runningVariance[c] + momentum * sums[c] / (m - 1)
                scale[c] = gamma.value[c] * rstd
                shift[c] = beta.value[c] - mean[c] * scale[c]
            }
        case .evaluation, .inference:
            foldRunningStatistics(channels: channels, gamma: gamma.value.data, beta: beta.value.data,
                                  runningMean: runningMean.data, runningVariance: runningVariance.data, epsilon: epsilon,
                                  scale: scale.data, shift: shift.data, reciprocalStd: reciprocalStd.data)
        }
        if inputInBFloat16 {
            guard case let .rectified(residual, converted?) = epilogue else {
                preconditionFailure("\(name): a pass over bf16 input rectifies and rounds")
            }
            let stored = BFloat16Values(storedIn: input.data)
            EngineThreads.forEachChunk(of: rows) { _, range in
                channelsLastAffineRectified(stored, rows: range, channels: channels, scale: float(scale.data),
                                            shift: float(shift.data), adding: residual.map { UnsafePointer(float($0.data)) },
                                            into: output.map { float($0.data) }, converting: converted.data)
            }
            return
        }
        switch epilogue {
        case .none:
            guard let output else { preconditionFailure("\(name): no output to write") }
            EngineThreads.forEachChunk(of: rows) { _, range in
                channelsLastAffine(input.data, rows: range, channels: channels, scale: scale.data, shift: shift.data,
                                   into: output.data)
            }
        case let .rectified(residual, converted?):
            EngineThreads.forEachChunk(of: rows) { _, range in
                channelsLastAffineRectified(UnsafePointer(float(input.data)), rows: range, channels: channels, scale: float(scale.data),
                                            shift: float(shift.data), adding: residual.map { UnsafePointer(float($0.data)) },
                                            into: output.map { float($0.data) }, converting: converted.data)
            }
        case let .rectified(residual, nil):
            guard let output else { preconditionFailure("\(name): no output to write") }
            EngineThreads.forEachChunk(of: rows) { _, range in
                channelsLastAffineRectified(input.data, rows: range, channels: channels, scale: scale.data,
                                            shift: shift.data, adding: residual.map { UnsafePointer($0.data) },
                                            into: output.data)
            }
        }
    }

    // `converting` also writes the input gradient rounded to bfloat16 there, and `inputGradient`
    // may then be `nil`, to write it only there.
    private func backwardChannelsLast(_ input: Tensor<Scalar>, _ outputGradient: Tensor<Scalar>, rows: Int,
                                      into inputGradient: Tensor<Scalar>?, converting converted: BFloat16Buffer? = nil,
                                      rectified: Bool = false) {
        let channels = channels, sums = channelSums.data
        let training = lastMode == .training
        let mean = training ? mean : runningMean, reciprocalStd = reciprocalStd
        let scale = scale, shift = shift
        let stored = inputInBFloat16 ? BFloat16Values(storedIn: input.data) : nil
        precondition(stored == nil || converted != nil, "\(name): a pass over bf16 input writes its input gradient in bf16")
        sumOverRowBlocks(rows: rows, width: 2 * channels, scratch: &partialSums, into: sums) { range, partial in
            if let stored {
                addGradientSums(input: stored, outputGradient: float(outputGradient.data), rows: range, channels: channels,
                                mean: float(mean.data), reciprocalStd: float(reciprocalStd.data),
                                rectifiedBy: rectified ? (UnsafePointer(float(scale.data)), UnsafePointer(float(shift.data))) : nil,
                                into: float(partial))
            } else {
                addGradientSums(input: input.data, outputGradient: outputGradient.data, rows: range, channels: channels,
                                mean: mean.data, reciprocalStd: reciprocalStd.data,
                                rectifiedBy: rectified ? (UnsafePointer(scale.data), UnsafePointer(shift.data)) : nil,
                                into: partial)
            }
        }
        for c in 0..<channels {
            gamma.gradient[c] += sums[channels + c]
            beta.gradient[c] += sums[c]
        }
        // dx = k·(dy − a − x̂·b) per channel: k = γ·r, a = Σdy/M, b = Σdy·x̂/M in training;
        // k = γ·r, a = b = 0 with the running statistics in evaluation.
        let m = Scalar(rows), factors = gradientFactors
        for c in 0..<channels {
            factors[c] = gamma.value[c] * reciprocalStd[c]
            factors[channels + c] = training ? sums[c] / m : 0
            factors[2 * channels + c] = training ? sums[channels + c] / m : 0
        }
        if let converted, let stored {
            EngineThreads.forEachChunk(of: rows) { _, range in
                channelsLastBatchNormInputGradient(
                    input: stored, outputGradient: float(outputGradient.data), rows: range, channels: channels,
                    mean: float(mean.data), reciprocalStd: float(reciprocalStd.data), factor: float(factors.data),
                    meanDy: float(factors.data + channels), meanDyXhat: float(factors.data + 2 * channels),
                    into: inputGradient.map { float($0.data) }, converting: converted.data,
                    rectifiedBy: rectified ? (UnsafePointer(float(scale.data)), UnsafePointer(float(shift.data))) : nil)
            }
            return
        }
        if let converted {
            EngineThreads.forEachChunk(of: rows) { _, range in
                channelsLastBatchNormInputGradient(
                    input: UnsafePointer(float(input.data)), outputGradient: float(outputGradient.data), rows: range, channels: channels,
                    mean: float(mean.data), reciprocalStd: float(reciprocalStd.data), factor: float(factors.data),
                    meanDy: float(factors.data + channels), meanDyXhat: float(factors.data + 2 * channels),
                    into: inputGradient.map { float($0.data) }, converting: converted.data,
                    rectifiedBy: rectified ? (UnsafePointer(float(scale.data)), UnsafePointer(float(shift.data))) : nil)
            }
            return
        }
        guard let inputGradient else { preconditionFailure("\(name): no input gradient to write") }
        EngineThreads.forEachChunk(of: rows) { _, range in
            channelsLastBatchNormInputGradient(
                input: input.data, outputGradient: outputGradient.data, rows: range, channels: channels,
                mean: mean.data, reciprocalStd: reciprocalStd.data, factor: factors.data,
                meanDy: factors.data + channels, meanDyXhat: factors.data + 2 * channels,
                rectifiedBy: rectified ? (UnsafePointer(scale.data), UnsafePointer(shift.data)) : nil,
                into: inputGradient.data)
        }
    }
}
