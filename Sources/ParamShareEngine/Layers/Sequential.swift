/// Layers applied one after another; backward runs them in reverse.
public final class Sequential<Scalar: EngineScalar>: Layer {
    public let name: String
    /// The layers, in forward order.
    public let layers: [any Layer<Scalar>]

    public init(name: String, _ layers: [any Layer<Scalar>]) {
        self.name = name
        self.layers = layers
    }

    public var sublayers: [any Layer<Scalar>] { layers }

    public func forward(_ input: Tensor<Scalar>, mode: ForwardMode) -> Tensor<Scalar> {
        forward(input, mode: mode, layers: layers.indices)
    }

    /// The forward pass through `range` of the layers.
    ///
    /// In inference, a channels-last convolution, the batch norm after it (and a ReLU after that)
    /// run as one pass: the batch norm's scale and shift folded into the kernel and a bias. So
    /// do a channels-last convolution and a ReLU right after it (LeNet-5's), with its own bias, a
    /// linear layer and a ReLU right after it (``Linear/forwardRectified(_:)``), and a residual
    /// block's last convolution with the block's sum and the ReLU after the block, written over
    /// the block's input, unless that input is the first of the range.
    /// Where a folded pass's output goes to a convolution alone (the next layer, or `consumer`
    /// after the range), both on oneDNN's bf16 kernels, oneDNN writes it rounded to bfloat16 for
    /// that convolution (`Conv2D+ConvertedOperands.swift`).
    func forward(_ input: Tensor<Scalar>, mode: ForwardMode, layers range: Range<Int>,
                 convertingFor consumer: Conv2D<Scalar>? = nil) -> Tensor<Scalar> {
        guard mode == .inference else {
            return forwardFusingRectifiers(input, mode: mode, layers: range, convertingFor: consumer)
        }
        var x = input, index = range.lowerBound
        while index < range.upperBound {
            let next = index + 1 < range.upperBound ? layers[index + 1] : nil
            if let convolution = layers[index] as? Conv2D<Scalar>, convolution.layout == .channelsLast,
               let batchNorm = next as? BatchNorm<Scalar> {
                let rectified = index + 2 < range.upperBound && layers[index + 2] is ReLU<Scalar>
                let end = index + (rectified ? 3 : 2)
                let reader = end < range.upperBound ? layers[end] as? Conv2D<Scalar> : consumer
                x = convolution.forwardFolded(x, batchNorm.foldedAffine(), rectified: rectified, addingTo: nil,
                                              convertingFor: reader)
                index = end
            } else if let convolution = layers[index] as? Conv2D<Scalar>, convolution.layout == .channelsLast, next is ReLU<Scalar> {
                let identity = (scale: Tensor<Scalar>(shape: [convolution.outChannels], repeating: 1),
                                shift: Tensor<Scalar>(shape: [convolution.outChannels]))
                x = convolution.forwardFolded(x, identity, rectified: true)
                index += 2
            } else if let linear = layers[index] as? Linear<Scalar>, next is ReLU<Scalar> {
                x = linear.forwardRectified(x)
                index += 2
            } else if index > range.lowerBound, let block = layers[index] as? ResidualBlock<Scalar>,
                      let sum = block.forwardFoldingSum(x, rectified: next is ReLU<Scalar>) {
                x = sum
                index += next is ReLU<Scalar> ? 2 : 1
            } else {
                x = layers[index].forward(x, mode: mode)
                index += 1
            }
        }
        return x
    }

    /// The training or evaluation pass through `range`. A channels-last batch norm and the
    /// in-place ReLU after it run as one pass over the values, and so do a residual block whose
    /// body ends in such a batch norm, its sum and the ReLU after the block: the values and the
    /// state for backward are those of one layer after another, each fusion a pass or two over
    /// memory fewer. A convolution on oneDNN's bf16 kernels before such a batch norm stores its
    /// output in bf16 for it (`Conv2D+BFloat16Output.swift`).
    ///
    /// `consumer` is the convolution that reads the result after the range, if any.
    private func forwardFusingRectifiers(_ input: Tensor<Scalar>, mode: ForwardMode, layers range: Range<Int>,
                                         convertingFor consumer: Conv2D<Scalar>?) -> Tensor<Scalar> {
        var x = input, index = range.lowerBound
        // Whether `x` stands in for a convolution's output stored in bf16.
        var storedInBFloat16 = false
        while index < range.upperBound {
            if index + 2 < range.upperBound, let convolution = layers[index] as? Conv2D<Scalar>,
               let batchNorm = layers[index + 1] as? BatchNorm<Scalar>, (layers[index + 2] as? ReLU<Scalar>)?.inPlace == true,
               convolution.storesBFloat16Output(forInputShape: x.shape) {
                x = convolution.forwardStoringBFloat16(x)
                precondition(batchNorm.fusesRectifier(forInputShape: x.shape), "\(batchNorm.name): reads no bf16 images")
                storedInBFloat16 = true
                index += 1
                continue
            }
            if index + 1 < range.upperBound, let rectifier = layers[index + 1] as? ReLU<Scalar>, rectifier.inPlace {
                // The convolution the rectified values go to next, which may take them rounded to
                // bfloat16 from the same pass (`Conv2D+ConvertedOperands.swift`).
                let next: (any Layer<Scalar>)? = index + 2 < range.upperBound ? layers[index + 2]
                    : index + 2 == range.upperBound ? consumer : nil
                let consumer = next.flatMap(Self.firstConvolution)
                if let batchNorm = layers[index] as? BatchNorm<Scalar>, batchNorm.fusesRectifier(forInputShape: x.shape) {
                    let converting = consumer?.readsBFloat16Images(ofShape: x.shape) ?? false
                    // A convolution right after the ReLU is all that reads its output, in bf16, and
                    // backward takes the ReLU's pass into the batch norm's: no `Float` output then.
                    let convertedOnly = converting && next is Conv2D<Scalar>
                    let output = batchNorm.forwardRectified(x, mode: mode, converting: converting, writesOutput: !convertedOnly,
                                                            inputInBFloat16: storedInBFloat16)
                    storedInBFloat16 = false
                    if convertedOnly { rectifier.forgetOutput() } else { rectifier.adopt(rectifiedOutput: output) }
                    if converting { consumer?.receiveConvertedInput(batchNorm.convertedOutput, of: output) }
                    x = output
                    index += 2
                    continue
                }
                if let block = layers[index] as? ResidualBlock<Scalar>,
                   let sum = block.forwardRectifyingSum(x, mode: mode, convertingFor: consumer) {
                    x = sum
                    rectifier.adopt(rectifiedOutput: x)
                    index += 2
                    continue
                }
            }
            precondition(!storedInBFloat16, "\(layers[index].name): reads no bf16 images")
            x = layers[index].forward(x, mode: mode)
            index += 1
        }
        return x
    }

    /// The convolution that a forward pass through `layer` starts with, if any: the layer
    /// itself, or the first layer of a list or of a residual block's body, which reads the
    /// block's input as it is.
    static func firstConvolution(of layer: any Layer<Scalar>) -> Conv2D<Scalar>? {
        switch layer {
        case let convolution as Conv2D<Scalar>: convolution
        case let block as ResidualBlock<Scalar>: firstConvolution(of: block.body)
        case let list as Sequential<Scalar>: list.layers.first.flatMap(firstConvolution)
        default: nil
        }
    }

    /// Backward through the layers in reverse. Where an in-place ReLU comes before a residual
    /// block, the ReLU's pass sums the block's two input gradients: the same values, one pass
    /// over memory fewer. Where forward ran a batch norm and the in-place ReLU after it as one
    /// pass, the batch norm's backward pass takes the ReLU's, which it recomputes, likewise.
    /// Where a batch norm comes after a convolution on oneDNN's bf16 kernels without a bias, the
    /// batch norm writes its input gradient only rounded to bfloat16, for that convolution
    /// (`Conv2D+ConvertedOperands.swift`).
    public func backward(_ outputGradient: Tensor<Scalar>) -> Tensor<Scalar> {
        var gradient = outputGradient, index = layers.count - 1
        while index >= 0 {
            if index > 0, let rectifier = layers[index - 1] as? ReLU<Scalar>, rectifier.inPlace,
               let block = layers[index] as? ResidualBlock<Scalar>, let parts = block.backwardLeavingSum(gradient) {
                gradient = rectifier.backward(parts.viaBody, adding: parts.viaShortcut)
                index -= 2
            } else if index > 0, let rectifier = layers[index] as? ReLU<Scalar>, rectifier.inPlace,
                      let batchNorm = layers[index - 1] as? BatchNorm<Scalar>, batchNorm.lastPassRectified {
                if index > 1, batchNorm.convertsInputGradient, let convolution = layers[index - 2] as? Conv2D<Scalar>,
                   convolution.readsConvertedOutputGradient {
                    gradient = convolution.backward(convertedOutputGradient: batchNorm.backwardRectifiedConverting(gradient))
                    index -= 3
                } else {
                    gradient = batchNorm.backwardRectified(gradient)
                    index -= 2
                }
            } else if index > 0, let batchNorm = layers[index] as? BatchNorm<Scalar>, batchNorm.convertsInputGradient,
                      let convolution = layers[index - 1] as? Conv2D<Scalar>, convolution.readsConvertedOutputGradient {
                gradient = convolution.backward(convertedOutputGradient: batchNorm.backwardConverting(gradient))
                index -= 2
            } else {
                gradient = layers[index].backward(gradient)
                index -= 1
            }
        }
        return gradient
    }
}
