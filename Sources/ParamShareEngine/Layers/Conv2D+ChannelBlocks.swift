/// The kernel gradient of a channels-last convolution with small output planes, by blocks of
/// output channels instead of blocks of images.
///
/// A block of 8 images on a 2×2 plane (ResNet-18's last stage at 64×64 input) gives oneDNN 32
/// output positions against a kernel of 2.4 million values: converting each block's kernel
/// gradient from oneDNN's order and adding it into the sum, one block at a time, cost as much
/// as computing it (`ONEDNN_VERBOSE` and `perf` over a ResNet-18 step). Cut by output channels,
/// each block of the kernel gradient is one oneDNN call over the whole batch, written straight
/// into its own rows of the gradient: nothing is added up, and the blocks, fixed by the layer's
/// shape alone, keep results bit-identical on any thread count. The input gradient, a sum over
/// output channels, is still computed by blocks of images.
extension Conv2D {
    /// Output planes of at most this many positions (4×4) take their kernel gradient by blocks
    /// of output channels. The CIFAR ResNets' smallest planes are 8×8: they keep blocks of images.
    static var largestPlaneByChannelBlocks: Int { 16 }
    /// Output channels per block of the kernel gradient.
    static var outputChannelsPerGradientBlock: Int { 64 }

    /// Whether a channels-last pass with geometry `g` takes its kernel gradient by blocks of
    /// output channels.
    func takesKernelGradientByChannelBlocks(_ g: WindowGeometry) -> Bool {
        g.outputPlane <= Self.largestPlaneByChannelBlocks
    }

    /// Writes the kernel gradient of the batch into `weightGradient`, one oneDNN call per block
    /// of output channels. The images are `convertedImages` where the layer before rounded them,
    /// else `input`; the output gradient `outputGradient`, or `convertedGradient` alone where the
    /// layer after rounded it.
    func kernelGradientByChannelBlocks(
        input: Tensor<Scalar>, convertedImages: BFloat16Buffer?, outputGradient: Tensor<Scalar>?,
        convertedGradient: BFloat16Buffer?, _ g: WindowGeometry, threads: Int, into weightGradient: Tensor<Scalar>
    ) {
        let items = input.shape[0], perBlock = Self.outputChannelsPerGradientBlock
        let kernels = channelBlockKernels(items: items, g, threads: threads)
        precondition((convertedImages == nil && convertedGradient == nil) || precision == .bfloat16,
                     "\(name): handed bf16 operands, but its operands are Float")
        let inputCount = items * g.height * g.width * inChannels, rows = items * g.outputPlane
        let perChannel = inChannels * kernelSize * kernelSize, outChannels = self.outChannels
        let operands = precision == .bfloat16
            ? BFloat16Operands(capacities: [inputCount] + Array(repeating: rows * perBlock, count: threads)) : nil
        // Every block's kernel reads the whole batch's images, rounded once if need be.
        let first = kernels.values.first!
        let images = BatchImages(address: convertedImages.map { operand(handed: $0.data, count: inputCount, for: first, operands, slot: 0) }
            ?? operand(input.data, count: inputCount, for: first, operands, slot: 0))
        // Each thread's block of the output gradient, in `Scalar` or as bf16 bit patterns, gathered
        // whole before it is read: memory of a pass, not zeroed (`RecycledMemory`).
        let slices = Tensor<Scalar>(recycledShape: [threads, rows * perBlock])
        EngineThreads.forEachBlock(of: outChannels, blockSize: perBlock, threads: threads) { thread, _, channels in
            let kernel = kernels[channels.count]!
            let slice = UnsafeMutableRawPointer(slices.data + thread * rows * perBlock)
            let gradient: UnsafeRawPointer
            if let outputGradient {
                let values = slice.assumingMemoryBound(to: Scalar.self)
                gatherColumns(outputGradient.data, rows: rows, width: outChannels, columns: channels, into: values)
                gradient = operand(values, count: rows * channels.count, for: kernel, operands, slot: 1 + thread)
            } else {
                let values = slice.bindMemory(to: UInt16.self, capacity: rows * channels.count)
                gatherColumns(convertedGradient!.data, rows: rows, width: outChannels, columns: channels, into: values)
                gradient = operand(handed: values, count: rows * channels.count, for: kernel, operands, slot: 1 + thread)
            }
            kernel.backwardWeights(images.address, gradient,
                                   into: float(weightGradient.data + channels.lowerBound * perChannel), thread: thread)
        }
    }

    /// oneDNN's kernels over the whole batch of `items` images for the blocks of output channels,
    /// by channels per block, made on first use.
    private func channelBlockKernels(items: Int, _ g: WindowGeometry, threads: Int) -> [Int: OneDNNConvolution] {
        let precision = takesBFloat16Kernels ? self.precision : .float32, perBlock = Self.outputChannelsPerGradientBlock
        var kernels: [Int: OneDNNConvolution] = [:]
        for channels in Set([min(outChannels, perBlock), outChannels % perBlock]) where channels > 0 {
            let shape = ConvolutionShape(
                items: items, inChannels: inChannels, height: g.height, width: g.width, outChannels: channels,
                outputHeight: g.outputHeight, outputWidth: g.outputWidth, kernelSize: kernelSize, stride: stride,
                padding: padding)
            kernels[channels] = Self.kernel(for: shape, threads: threads, precision: precision,
                                            keptIn: &channelBlockConvolutions[channels])
        }
        return kernels
    }
}

/// The batch's images as the kernels read them: written before the threads start, then only read.
private struct BatchImages: @unchecked Sendable {
    let address: UnsafeRawPointer
}

/// Copies the columns `columns` of the row-major `rows × width` matrix `source` into the dense
/// `rows × columns.count` matrix `destination`.
private func gatherColumns<Element>(_ source: UnsafePointer<Element>, rows: Int, width: Int, columns: Range<Int>,
                                    into destination: UnsafeMutablePointer<Element>) {
    for row in 0..<rows {
        (destination + row * columns.count).update(from: source + row * width + columns.lowerBound, count: columns.count)
    }
}
