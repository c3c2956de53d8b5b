/// The channels-last passes: `[N, H, W, Cin]` → `[N, Ho, Wo, Cout]`.
///
/// The batch is cut into blocks of `imagesPerGradientGroup` images, the same blocks whatever the
/// thread count, and every block is one call: oneDNN's direct convolution in `Float`, the
/// reference loops in `Double`. A block's result depends only on its images, and the blocks'
/// weight gradients are summed in block order, so a seed gives bit-identical results on any
/// number of threads. On oneDNN, small output planes take their kernel gradient by blocks of
/// output channels instead (`Conv2D+ChannelBlocks.swift`).
///
/// With bf16 operands, each block's images and output gradients are converted for oneDNN's bf16
/// kernels where it has them, or rounded in `Float` for its Float kernels where it has not (see
/// `OneDNNConvolution`), into per-pass scratch. The output is `Float`, or with `storingBFloat16`
/// bf16 (`Conv2D+BFloat16Output.swift`).
extension Conv2D {
    func forwardChannelsLast(_ input: Tensor<Scalar>, _ g: WindowGeometry, storingBFloat16: Bool = false) -> Tensor<Scalar> {
        let items = input.shape[0], threads = EngineThreads.count
        let outputShape = [items, g.outputHeight, g.outputWidth, outChannels]
        let stored = storingBFloat16 ? storedOutputBuffer(shape: outputShape) : nil
        let output = stored?.standIn ?? self.output.reuse(shape: outputShape)
        let weight = operandWeight()
        self.input = input
        self.weight = weight
        forwardThreads = threads
        let blockSize = Self.imagesPerGradientGroup
        let inItem = g.height * g.width * inChannels, outItem = g.outputPlane * outChannels
        let handedInput = self.handedInput
        self.handedInput = nil
        convertedImages = nil
        forwardReadBFloat16 = false
        if let kernels = oneDNNKernels(items: items, g, threads: threads) {
            for kernel in kernels.values { kernel.loadWeights(float(weight.data)) }
            forwardReadBFloat16 = precision == .bfloat16
            precondition(stored == nil || (bias == nil && forwardReadBFloat16
                                           && kernels.values.allSatisfy { $0.convertsOutput || $0.operands == .float32 }),
                         "\(name): stores a bf16 output only with bf16 operands, without a bias")
            // The images the layer before rounded, if it did: kept for backward too.
            if let handedInput, handedInput.address == UnsafeMutableRawPointer(input.data), handedInput.count == input.count {
                precondition(forwardReadBFloat16, "\(name): handed bf16 images, but its operands are Float")
                convertedImages = handedInput.buffer
            }
            let converted = convertedImages
            // Slots: each thread's images, then (the emulation storing bf16) each thread's Float output;
            // none for bf16 kernels handed their images.
            let emulated = kernels.values.contains { $0.operands == .float32 }
            let operands = converted == nil || emulated
                ? bfloat16Operands(slots: threads, count: blockSize * inItem,
                                   outputSlots: stored != nil && emulated ? threads : 0, outputCount: blockSize * outItem)
                : nil
            EngineThreads.forEachBlock(of: items, blockSize: blockSize, threads: threads) { thread, _, range in
                let kernel = kernels[range.count]!
                let image = converted.map { operand(handed: $0.data + range.lowerBound * inItem, count: range.count * inItem,
                                                    for: kernel, operands, slot: thread) }
                    ?? operand(input.data + range.lowerBound * inItem, count: range.count * inItem, for: kernel,
                               operands, slot: thread)
                if let stored {
                    let destination = stored.buffer.data + range.lowerBound * outItem
                    if kernel.operands == .bfloat16 {
                        kernel.forward(image, convertingInto: destination, thread: thread)
                    } else {
                        // The emulation rounds the Float output as oneDNN's bf16 kernels do, to nearest, ties to even.
                        let block = operands!.scratch(slot: threads + thread, count: range.count * outItem)
                        kernel.forward(image, into: block, thread: thread)
                        convertToBFloat16(block, count: range.count * outItem, into: destination)
                    }
                } else {
                    kernel.forward(image, into: float(output.data + range.lowerBound * outItem), thread: thread)
                }
            }
        } else {
            precondition(stored == nil, "\(name): stores a bf16 output only from oneDNN's bf16 kernels")
            let shapes = blockShapes(items: items, g)
            EngineThreads.forEachBlock(of: items, blockSize: blockSize, threads: threads) { _, _, range in
                channelsLastConvolution(.output, input.data + range.lowerBound * inItem, weight.data, shapes[range.count]!,
                                        into: output.data + range.lowerBound * outItem)
            }
        }
        if let bias {
            addRowBroadcast(bias.value.data, rows: items * g.outputPlane, columns: outChannels, transposed: false, into: output.data)
        }
        return output
    }

    /// The backward pass from `outputGradient`, or from `convertedGradient`, the output gradient
    /// rounded to bfloat16 by the layer after (then `outputGradient` is `nil`, which only a
    /// convolution on oneDNN's bf16 kernels without a bias takes).
    func backwardChannelsLast(_ outputGradient: Tensor<Scalar>?, converted convertedGradient: BFloat16Buffer? = nil,
                              input: Tensor<Scalar>, _ g: WindowGeometry) -> Tensor<Scalar> {
        guard let weight else { preconditionFailure("\(name): backward called before forward") }
        precondition(outputGradient != nil || (convertedGradient != nil && forwardReadBFloat16 && bias == nil),
                     "\(name): a bf16 output gradient alone is for oneDNN's bf16 kernels without a bias")
        let items = input.shape[0], threads = forwardThreads
        // With the output gradient handed over in bf16 (bf16 training), the input gradient is a
        // tensor of this pass's own, freed once the layers before have read it, which oneDNN's
        // backward-data pass overwrites whole. Kept by each convolution from step to step, input
        // gradients came to two activations per residual block, most of bf16 ResNet-56's peak
        // memory over PyTorch's, though only a few are in use at any time.
        let inputGradient = convertedGradient != nil && computesInputGradient
            ? Tensor<Scalar>(recycledShape: input.shape) : self.inputGradient.reuse(shape: input.shape)
        let blockSize = Self.imagesPerGradientGroup
        let computesInputGradient = self.computesInputGradient
        let inItem = g.height * g.width * inChannels, outItem = g.outputPlane * outChannels
        // The forward pass loaded this step's kernel into the oneDNN kernels.
        if let kernels = oneDNNKernels(items: items, g, threads: threads) {
            let weightGradient = self.weightGradient.reuse(shape: weightSource.shape)
            // The emulation widens operands handed over in bf16 into scratch; bf16 kernels read them as they are.
            let emulated = kernels.values.contains { $0.operands == .float32 }
            // With bf16 operands the images are rounded again rather than kept rounded from the
            // forward pass, unless the layer before rounded them in its own pass: a second copy
            // of every convolution's input would raise peak memory.
            let convertedImages = self.convertedImages
            if takesKernelGradientByChannelBlocks(g) {
                kernelGradientByChannelBlocks(input: input, convertedImages: convertedImages, outputGradient: outputGradient,
                                              convertedGradient: convertedGradient, g, threads: threads, into: weightGradient)
                if computesInputGradient {
                    let operands = convertedGradient != nil && !emulated ? nil : bfloat16Operands(slots: threads, count: blockSize * outItem)
                    EngineThreads.forEachBlock(of: items, blockSize: blockSize, threads: threads) { thread, _, range in
                        let kernel = kernels[range.count]!
                        let gradient = convertedGradient.map { operand(handed: $0.data + range.lowerBound * outItem,
                                                                       count: range.count * outItem, for: kernel, operands,
                                                                       slot: thread) }
                            ?? operand(outputGradient!.data + range.lowerBound * outItem, count: range.count * outItem,
                                       for: kernel, operands, slot: thread)
                        kernel.backwardData(gradient, into: float(inputGradient.data + range.lowerBound * inItem), thread: thread)
                    }
                }
                weightSource.accumulateGradient(weightGradient)
                return finishBackward(outputGradient, items: items, g, inputGradient: inputGradient)
            }
            // Each block's kernel gradient is added into the sum in block order as soon as the
            // blocks before it are in, from one buffer per thread.
            let partials = makePartialWeightGradients(count: threads)
            let operands = convertedImages != nil && convertedGradient != nil && !emulated
                ? nil : bfloat16Operands(slots: 2 * threads, count: blockSize * max(inItem, outItem))
            EngineThreads.forEachBlockReducingInOrder(of: items, blockSize: blockSize, threads: threads) { thread, _, range in
                let kernel = kernels[range.count]!
                let image = convertedImages.map { operand(handed: $0.data + range.lowerBound * inItem, count: range.count * inItem,
                                                          for: kernel, operands, slot: 2 * thread) }
                    ?? operand(input.data + range.lowerBound * inItem, count: range.count * inItem, for: kernel,
                               operands, slot: 2 * thread)
                let gradient = convertedGradient.map { operand(handed: $0.data + range.lowerBound * outItem,
                                                               count: range.count * outItem, for: kernel, operands,
                                                               slot: 2 * thread + 1) }
                    ?? operand(outputGradient!.data + range.lowerBound * outItem, count: range.count * outItem,
                               for: kernel, operands, slot: 2 * thread + 1)
                kernel.backwardWeights(image, gradient, into: float(partials[thread].data), thread: thread)
                if computesInputGradient {
                    kernel.backwardData(gradient, into: float(inputGradient.data + range.lowerBound * inItem), thread: thread)
                }
            } reduce: { thread, block in
                Self.fold(partials[thread], group: block, into: weightGradient)
            }
            weightSource.accumulateGradient(weightGradient)
        } else {
            let groups = (items + blockSize - 1) / blockSize
            let partials = makePartialWeightGradients(count: groups)
            guard let outputGradient else { preconditionFailure("\(name): no Float output gradient") }
            let shapes = blockShapes(items: items, g)
            EngineThreads.forEachBlock(of: items, blockSize: blockSize, threads: threads) { _, group, range in
                let shape = shapes[range.count]!
                let image = input.data + range.lowerBound * inItem
                let gradient = outputGradient.data + range.lowerBound * outItem
                channelsLastConvolution(.kernelGradient, image, gradient, shape, into: partials[group].data)
                if computesInputGradient {
                    channelsLastConvolution(.inputGradient, gradient, weight.data, shape, into: inputGradient.data + range.lowerBound * inItem)
                }
            }
            passOnWeightGradient(partials)
        }
        return finishBackward(outputGradient, items: items, g, inputGradient: inputGradient)
    }

    /// Adds the bias gradient, if there is a bias, and returns `inputGradient`.
    private func finishBackward(_ outputGradient: Tensor<Scalar>?, items: Int, _ g: WindowGeometry,
                                inputGradient: Tensor<Scalar>) -> Tensor<Scalar> {
        if let bias, let outputGradient {
            addRowBroadcast(outputGradient.data, rows: items * g.outputPlane, columns: outChannels, transposed: true,
                            into: bias.gradient.data)
        }
        return inputGradient
    }

    /// The inference pass of this convolution followed by the per-channel map `y·scale + shift`
    /// (a batch norm with its running statistics), computed as one convolution with the scale
    /// folded into the kernel and the shift into a bias. Keeps nothing for a backward pass.
    ///
    /// - Parameters:
    ///   - input: the images, `[N, H, W, inChannels]`.
    ///   - affine: the per-channel scale and shift, from ``BatchNorm/foldedAffine()``.
    ///   - rectified: whether a ReLU follows, in the same pass.
    ///   - residual: a tensor of the output's shape to add before rectifying (a residual block's
    ///     shortcut); the result is written over it and returned. `nil` writes this layer's output.
    package func forwardFolded(_ input: Tensor<Scalar>, _ affine: (scale: Tensor<Scalar>, shift: Tensor<Scalar>),
                              rectified: Bool, addingTo residual: Tensor<Scalar>? = nil) -> Tensor<Scalar> {
        forwardFolded(input, affine, rectified: rectified, addingTo: residual, convertingFor: nil)
    }

    /// ``forwardFolded(_:_:rectified:addingTo:)``, which writes its output only rounded to
    /// bfloat16 (in oneDNN's pass on bf16 kernels, block by block after it in the emulation) and
    /// hands it to `consumer` where that convolution reads it next rounded to bfloat16, as this one
    /// does (`Conv2D+ConvertedOperands.swift`); not with a
    /// residual, whose sum is taken in `Float`. The output tensor returned is then a stand-in
    /// over the memory of the bf16 values (``storedOutputBuffer(shape:)``), and nobody reads it as
    /// `Float`: the consumer takes them as handed images. Takes its own images as handed, if they were.
    func forwardFolded(_ input: Tensor<Scalar>, _ affine: (scale: Tensor<Scalar>, shift: Tensor<Scalar>),
                       rectified: Bool, addingTo residual: Tensor<Scalar>?, convertingFor consumer: Conv2D<Scalar>?) -> Tensor<Scalar> {
        precondition(layout == .channelsLast, "\(name): only a channels-last convolution folds a batch norm")
        let g = geometry(for: input.shape)
        let items = input.shape[0], threads = EngineThreads.count
        let outputShape = [items, g.outputHeight, g.outputWidth, outChannels]
        checkShape(residual.map { $0.shape == outputShape } ?? true, name,
                   "residual \(residual?.shape ?? []) does not match the output \(outputShape)")
        self.input = nil
        let handedInput = self.handedInput
        self.handedInput = nil
        convertedImages = nil
        forwardReadBFloat16 = false
        let weight = weightSource.weight(), perChannel = inChannels * kernelSize * kernelSize
        let scaledWeight = self.foldedWeight.reuse(shape: weight.shape), foldedBias = self.foldedBias.reuse(shape: [outChannels])
        scaleRows(weight.data, by: affine.scale.data, rows: outChannels, width: perChannel, into: scaledWeight.data)
        for o in 0..<outChannels { foldedBias[o] = (bias?.value[o] ?? 0) * affine.scale[o] + affine.shift[o] }
        // As a bf16 inference kernel would: the batch norm is folded in Float, then rounded.
        let foldedWeight = precision == .bfloat16 ? scaledWeight.roundedToBFloat16(reusing: &roundedWeight) : scaledWeight
        let blockSize = Self.imagesPerGradientGroup
        let inItem = g.height * g.width * inChannels, outItem = g.outputPlane * outChannels
        if let kernels = oneDNNKernels(items: items, g, threads: threads) {
            let bfloat16 = kernels.values.allSatisfy { $0.operands == .bfloat16 }
            var images: BFloat16Buffer?
            if let handedInput, handedInput.address == UnsafeMutableRawPointer(input.data), handedInput.count == input.count {
                precondition(precision == .bfloat16, "\(name): handed bf16 images, but its operands are Float")
                images = handedInput.buffer
            }
            convertedImages = images
            // Written only in bf16, the output takes the memory of a bf16 output (`Conv2D+BFloat16Output.swift`):
            // by oneDNN on bf16 kernels, by the engine's rounding of each block in the emulation.
            let stored = precision == .bfloat16 && residual == nil && consumer?.readsBFloat16Images(ofShape: outputShape) == true
                ? storedOutputBuffer(shape: outputShape) : nil
            let output = stored?.standIn ?? residual ?? self.output.reuse(shape: outputShape), converted = stored?.buffer
            let epilogue = FoldedEpilogue(accumulated: residual != nil, rectified: rectified, convertedOutput: converted != nil && bfloat16)
            for kernel in kernels.values {
                kernel.loadFoldedWeights(float(foldedWeight.data), bias: float(foldedBias.data), epilogue: epilogue)
            }
            let operands = images == nil || !bfloat16
                ? bfloat16Operands(slots: threads, count: blockSize * inItem,
                                   outputSlots: converted != nil && !bfloat16 ? threads : 0, outputCount: blockSize * outItem)
                : nil
            EngineThreads.forEachBlock(of: items, blockSize: blockSize, threads: threads) { [images] thread, _, range in
                let kernel = kernels[range.count]!
                let image = images.map { operand(handed: $0.data + range.lowerBound * inItem, count: range.count * inItem,
                                                 for: kernel, operands, slot: thread) }
                    ?? operand(input.data + range.lowerBound * inItem, count: range.count * inItem, for: kernel,
                               operands, slot: thread)
                if let converted, !bfloat16 {
                    let block = operands!.scratch(slot: threads + thread, count: range.count * outItem)
                    kernel.forwardFolded(image, into: UnsafeMutableRawPointer(block), thread: thread)
                    convertToBFloat16(block, count: range.count * outItem, into: converted.data + range.lowerBound * outItem)
                } else {
                    let destination = converted.map { UnsafeMutableRawPointer($0.data + range.lowerBound * outItem) }
                        ?? UnsafeMutableRawPointer(output.data + range.lowerBound * outItem)
                    kernel.forwardFolded(image, into: destination, thread: thread)
                }
            }
            if let converted { consumer?.receiveConvertedInput(converted, of: output) }
            return output
        }
        let output = residual ?? self.output.reuse(shape: outputShape)
        let convolution = self.output.reuse(shape: outputShape), shapes = blockShapes(items: items, g)
        EngineThreads.forEachBlock(of: items, blockSize: blockSize, threads: threads) { _, _, range in
            channelsLastConvolution(.output, input.data + range.lowerBound * inItem, foldedWeight.data, shapes[range.count]!,
                                    into: convolution.data + range.lowerBound * outItem)
        }
        for row in 0..<(items * g.outputPlane) {
            let values = convolution.data + row * outChannels, out = output.data + row * outChannels
            for c in 0..<outChannels {
                let y = values[c] + foldedBias[c] + (residual == nil ? 0 : out[c])
                out[c] = rectified && y < 0 ? 0 : y
            }
        }
        return output
    }

    /// The shapes of the blocks a batch of `items` images is cut into, by images per block.
    private func blockShapes(items: Int, _ g: WindowGeometry) -> [Int: ConvolutionShape] {
        let blockSize = Self.imagesPerGradientGroup
        var shapes: [Int: ConvolutionShape] = [:]
        for size in [min(items, blockSize), items % blockSize] where size > 0 {
            shapes[size] = ConvolutionShape(
                items: size, inChannels: inChannels, height: g.height, width: g.width, outChannels: outChannels,
                outputHeight: g.outputHeight, outputWidth: g.outputWidth, kernelSize: kernelSize, stride: stride,
                padding: padding)
        }
        return shapes
    }

    /// oneDNN's kernels for the block sizes a batch of `items` images is cut into, by block size;
    /// `nil` where oneDNN cannot compute (any scalar but `Float`).
    /// The thread count is read once per pass, by the caller: each kernel has scratch space for
    /// that many threads.
    func oneDNNKernels(items: Int, _ g: WindowGeometry, threads: Int) -> [Int: OneDNNConvolution]? {
        guard Scalar.self == Float.self else { return nil }
        let precision = takesBFloat16Kernels ? self.precision : .float32
        var kernels: [Int: OneDNNConvolution] = [:]
        for (size, shape) in blockShapes(items: items, g) {
            kernels[size] = Self.kernel(for: shape, threads: threads, precision: precision, keptIn: &blockConvolutions[size])
        }
        return kernels
    }

    /// `kept` if it computes `shape` with `precision` for up to `threads` threads, else a new
    /// kernel, which replaces it.
    static func kernel(for shape: ConvolutionShape, threads: Int, precision: ComputePrecision,
                       keptIn kept: inout OneDNNConvolution?) -> OneDNNConvolution {
        if let kernel = kept, kernel.shape == shape, kernel.threadSlots >= threads, kernel.precision == precision {
            return kernel
        }
        let kernel = OneDNNConvolution(shape: shape, threads: threads, precision: precision)
        kept = kernel
        return kernel
    }
}

/// `count` values at `values` as `kernel` reads them, in `operands`' `slot` when they need
/// changing: as they are with Float operands, else rounded to bfloat16, in `Float` for its
/// Float kernels (the emulation) or as bit patterns for its bf16 kernels.
func operand<Scalar>(_ values: UnsafeMutablePointer<Scalar>, count: Int, for kernel: OneDNNConvolution,
                             _ operands: BFloat16Operands?, slot: Int) -> UnsafeRawPointer {
    guard let operands else { return UnsafeRawPointer(values) }
    if kernel.operands == .bfloat16 { return UnsafeRawPointer(operands.converted(float(values), count: count, slot: slot)) }
    return UnsafeRawPointer(operands.rounded(values, count: count, slot: slot))
}

/// `count` values a layer next door rounded to bfloat16 bit patterns, at `bits`, as `kernel`
/// reads them: as they are on bf16 kernels, widened (exactly) into `operands`' `slot` on the
/// emulation's `Float` kernels.
func operand(handed bits: UnsafeMutablePointer<UInt16>, count: Int, for kernel: OneDNNConvolution,
             _ operands: BFloat16Operands?, slot: Int) -> UnsafeRawPointer {
    if kernel.operands == .bfloat16 { return UnsafeRawPointer(bits) }
    guard let operands else { preconditionFailure("bf16 operands widened without scratch") }
    return UnsafeRawPointer(operands.widened(bits, count: count, slot: slot))
}
